"""Two stock keepers on the same outbound document at the same moment, on
PostgreSQL through the real server (SPEC K1).

A throwaway PostgreSQL database with xtools_crm_stock, a real `trytond`
server, and two keepers who confirm, take out and ship the same outbound
documents at the same moment over JSON-RPC (each request in its own HTTP
connection and server thread): each step happens once, the other keeper is
told who was first, and the goods leave the warehouse once.

The server and client helpers are tests/support/postgres.py's.
XTOOLS_PG_URI names the PostgreSQL server; the test is skipped when none
answers.
"""
import os

import pytest

from support.postgres import (
    ADMIN_PASSWORD, PG_URI, Client, RPCError, Server, at_once, maintenance,
    pg_available, served)

PASSWORD = 'Keeper-Race-2026!'


def Decimal(text):
    "A decimal as Tryton's JSON-RPC sends it (the small client sends JSON)"
    return {'__class__': 'Decimal', 'decimal': text}
ROUNDS = 4

pytestmark = pytest.mark.skipif(
    not pg_available(), reason=f"no PostgreSQL answers at {PG_URI}")


class StockServer(Server):
    "The server of test_pool_concurrency, with the stock module"

    def create(self):
        with maintenance() as conn:
            conn.execute(f'CREATE DATABASE "{self.name}" '
                "TEMPLATE template0 ENCODING 'UTF8'")
        self.admin('--all', '--email', 'admin@example.com')
        self.admin('-u', 'xtools_crm_stock', '--activate-dependencies')


@pytest.fixture(scope='module')
def server():
    with served(StockServer, f'xtools_stock_conc_{os.getpid()}',
            'stock_concurrency') as server:
        yield server


@pytest.fixture(scope='module')
def admin(server):
    return Client(server, 'admin', ADMIN_PASSWORD)


@pytest.fixture(scope='module')
def world(server, admin):
    """A company, a desk with 100 in stock, a customer with a consignee and
    two keepers logged in"""
    currency, = admin.call('currency.currency', 'create', [{
                'name': "Yuan Renminbi", 'code': 'CNY', 'symbol': "¥",
                'rounding': Decimal('0.01'), 'digits': 2}])
    party, = admin.call('party.party', 'create', [{'name': "飞达家具"}])
    company, = admin.call('company.company', 'create', [{
                'party': party, 'currency': currency}])
    admin.call('res.user', 'write', [admin.user_id], {
            'companies': [['add', [company]]], 'company': company})
    admin.context = admin.call_raw(
        'model.res.user.get_preferences', True, {})
    admin.call('sale.configuration', 'write', [1], {
            'sale_invoice_method': 'manual'})
    stock_role = admin.call(
        'ir.model.data', 'get_id', 'xtools_crm_base', 'group_role_stock')
    keeper_ids = admin.call('res.user', 'create', [{
                'login': login, 'name': name, 'password': PASSWORD,
                'groups': [['add', [stock_role]]],
                'companies': [['add', [company]]], 'company': company,
                } for login, name in [
                    ('keeper_a', "杨建军"), ('keeper_b', "李卫东")]])
    unit, = admin.call('product.uom', 'search', [('name', '=', "Unit")])
    template, = admin.call('product.template', 'create', [{
                'name': "大班桌", 'type': 'goods', 'default_uom': unit,
                'salable': True, 'sale_uom': unit,
                'list_price': Decimal('3800'),
                'products': [['create', [{}]]]}])
    product, = admin.call('product.product', 'search', [
            ('template', '=', template)])
    warehouse, = admin.call('stock.location', 'search', [
            ('type', '=', 'warehouse')])
    storage, = admin.call('stock.location', 'read', [warehouse],
        ['storage_location'])
    inventory, = admin.call('stock.inventory', 'create', [{
                'location': storage['storage_location'],
                'lines': [['create', [{
                                'product': product, 'quantity': 100}]]]}])
    admin.call('stock.inventory', 'confirm', [inventory])
    customer, = admin.call('party.party', 'create', [{
                'name': "上海明珠广告有限公司",
                'crm_customer_type': 'enterprise',
                'crm_owner': admin.user_id,
                'addresses': [['create', [{
                                'street': "南京东路 300 号",
                                'city': "上海市"}]]]}])
    address, = admin.call('party.party', 'read', [customer], ['addresses'])
    contact, = admin.call('crm.contact', 'create', [{
                'customer': customer, 'name': "李经理",
                'mobile': '13912345678'}])
    keepers = [Client(server, login, PASSWORD)
        for login in ['keeper_a', 'keeper_b']]
    return {
        'product': product, 'customer': customer, 'contact': contact,
        'address': address['addresses'][0], 'unit': unit,
        'warehouse': warehouse, 'keepers': keepers,
        'keeper_names': dict(zip(keeper_ids, ["杨建军", "李卫东"])),
        }


def on_hand(admin, world):
    "The desks in the warehouse"
    quantity, = admin.call_raw('model.product.product.read',
        [world['product']], ['quantity'],
        dict(admin.context, locations=[world['warehouse']]))
    return quantity['quantity']


def requested_outbound(admin, world, quantity):
    "An approved order of quantity desks with its outbound requested"
    sale, = admin.call('sale.sale', 'create', [{
                'party': world['customer'], 'crm_deal_type': 'order',
                'invoice_address': world['address'],
                'shipment_address': world['address'],
                'crm_consignee': world['contact'],
                'lines': [['create', [{
                                'product': world['product'],
                                'unit': world['unit'],
                                'unit_price': Decimal('3800'),
                                'quantity': quantity}]]]}])
    admin.call('sale.sale', 'quote', [sale])
    admin.call('sale.sale', 'confirm', [sale])
    admin.call('sale.sale', 'manual_shipment', [sale])
    values, = admin.call('sale.sale', 'read', [sale], ['shipments'])
    shipment, = values['shipments']
    return sale, shipment


def confirm_call(keeper, shipment):
    "Start the keeper's confirmation; return the call that confirms"
    name = 'stock.shipment.out.crm_confirm'
    context = dict(keeper.context, active_model='stock.shipment.out',
        active_id=shipment, active_ids=[shipment])
    session, _, _ = keeper.call_raw(f'wizard.{name}.create', context)
    view = keeper.call_raw(
        f'wizard.{name}.execute', session, {}, 'start', context)
    values = view['view']['defaults']

    def confirm():
        return keeper.call_raw(f'wizard.{name}.execute', session,
            # as sao sends a One2Many of a wizard's view: the lines' values
            {'start': {
                    'lines': [
                        {k: v for k, v in line.items() if '.' not in k}
                        for line in values['lines']],
                    }}, 'confirm', context)
    return confirm


def one_wins(outcomes, action, button, names, out_of_sight=False):
    """Exactly one success; the other is told, in words, that it is too
    late: by who was first when both read the document at its step, or by
    Tryton's button check when the second read it after the first. Where
    the winner's step took the document out of the loser's sight (a shipped
    document is seen only by the keepers who handled it, SPEC K1), the
    loser may instead be refused reading it. Return the winner's index."""
    winners = [i for i, (_, error) in enumerate(outcomes) if error is None]
    assert len(winners) == 1, outcomes
    error = outcomes[1 - winners[0]][1]
    assert isinstance(error, RPCError)
    assert error.kind == 'UserError', error.error
    if f'cannot be {action}' in error.message:
        assert any(name in error.message for name in names), error.message
    elif out_of_sight and error.message.startswith(
            'You are not allowed to read records'):
        # the document's number or customer is not told
        assert not any(name in error.message for name in names)
    else:
        assert error.message.startswith(
            f'You can not call "{button}" on '), error.message
    return winners[0]


def test_two_keepers_ship_an_outbound_once(admin, world):
    keeper_a, keeper_b = world['keepers']
    names = list(world['keeper_names'].values())
    for round_ in range(ROUNDS):
        before = on_hand(admin, world)
        sale, shipment = requested_outbound(admin, world, 3)

        outcomes = at_once([
                confirm_call(keeper_a, shipment),
                confirm_call(keeper_b, shipment)])
        confirmer = one_wins(outcomes, 'confirmed', None, names)

        outcomes = at_once([
                lambda k=k: k.call(
                    'stock.shipment.out', 'crm_take_out', [shipment])
                for k in (keeper_a, keeper_b)])
        taker = one_wins(outcomes, 'taken out', 'crm_take_out', names)

        outcomes = at_once([
                lambda k=k: k.call(
                    'stock.shipment.out', 'crm_ship', [shipment])
                for k in (keeper_a, keeper_b)])
        # the loser who neither confirmed nor took out the goods no
        # longer sees the shipped document
        shipper = one_wins(outcomes, 'shipped', 'crm_ship', names,
            out_of_sight=confirmer == taker)
        loser = [keeper_a, keeper_b][1 - shipper]
        if confirmer == taker == shipper:
            assert not loser.call('stock.shipment.out', 'search',
                [('id', '=', shipment)])

        # Shipped once: one done move to the customer, 3 desks gone
        shipped, = admin.call('stock.shipment.out', 'read', [shipment],
            ['state', 'outgoing_moves', 'crm_confirmed_by',
                'crm_shipped_by'])
        assert shipped['state'] == 'done'
        moves = admin.call('stock.move', 'read', shipped['outgoing_moves'],
            ['state', 'quantity'])
        assert [(m['state'], m['quantity']) for m in moves] == [
            ('done', 3.0)], (round_, moves)
        assert on_hand(admin, world) == before - 3
        assert shipped['crm_confirmed_by'] in world['keeper_names']
        status, = admin.call('sale.sale', 'read', [sale],
            ['crm_shipping_status'])
        assert status['crm_shipping_status'] == 'all'


def test_two_keepers_compete_for_the_last_desks(admin, world):
    "Two outbounds of 60 desks, less than 120 left: one is refused, in words"
    keeper_a, keeper_b = world['keepers']
    left = on_hand(admin, world)
    assert 60 < left < 120
    _, first = requested_outbound(admin, world, 60)
    _, second = requested_outbound(admin, world, 60)
    outcomes = at_once([
            confirm_call(keeper_a, first),
            confirm_call(keeper_b, second)])
    winners = [o for o in outcomes if o[1] is None]
    refusals = [o[1] for o in outcomes if o[1] is not None]
    assert len(winners) == 1 and len(refusals) == 1, outcomes
    assert 'Not enough stock' in refusals[0].message, refusals[0].error
    states = {s['id']: s['state'] for s in admin.call(
            'stock.shipment.out', 'read', [first, second], ['state'])}
    assert sorted(states.values()) == ['assigned', 'waiting']
