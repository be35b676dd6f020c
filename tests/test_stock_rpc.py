"""Stock documents over the real server, as the demo users (SPEC K1, K2).

The demo keeper 杨建军 shipped the approved order of 上海明珠广告有限公司
(张浩's customer, 销售一部) in two batches. Over JSON-RPC:

- the keeper reads the outbound documents he handled — customer name,
  consignee, address as text — but not the customer, its contacts or the
  order; he reads every stock move;
- 张浩 reads his customer's outbound documents and their moves; 吴俊杰 of
  销售二部 reads none of them, not even by id;
- an order goes through the five steps with each user doing only his part;
- purchases: the purchaser and the keeper read them, a salesperson reads
  only those of his orders; only the keeper confirms an inbound document.
"""
import pytest

from support.orders import approved_order
from support.rpc import RPCAccessError, RPCUserError

# The refusal of access.py when a permission group is missing
PERMISSION_REFUSALS = ('permission you do not have', '需要您没有的权限')


def refused(call, *args, **kwargs):
    "The call is refused by the access rights or a permission group"
    with pytest.raises(RPCUserError) as error:
        call(*args, **kwargs)
    assert isinstance(error.value, RPCAccessError) or any(
        text in error.value.message for text in PERMISSION_REFUSALS), (
        error.value)

PASSWORD = 'feida2026'
KEEPER = 'yangjianjun'
PURCHASER = 'mayonggang'
MINGZHU = "上海明珠广告有限公司"     # zhanghao (销售一部)
XIHU = "杭州西湖国际酒店"            # wujunjie (销售二部)


@pytest.fixture(scope='module')
def keeper(server):
    return server.rpc_as(KEEPER, PASSWORD)


@pytest.fixture(scope='module')
def zhang(server):
    return server.rpc_as('zhanghao', PASSWORD)


@pytest.fixture(scope='module')
def wu(server):
    return server.rpc_as('wujunjie', PASSWORD)


@pytest.fixture(scope='module')
def purchaser(server):
    return server.rpc_as(PURCHASER, PASSWORD)


def mingzhu_outbounds(boss):
    return boss.search_read('stock.shipment.out', [
            ('customer.name', '=', MINGZHU)],
        ['crm_order', 'state', 'outgoing_moves', 'inventory_moves',
            'customer'], order=[('id', 'ASC')])


def test_keeper_reads_what_he_shipped_and_nothing_else(boss, keeper):
    outbounds = mingzhu_outbounds(boss)
    assert len(outbounds) == 2
    assert {o['state'] for o in outbounds} == {'done'}
    ids = [o['id'] for o in outbounds]
    seen = keeper.read('stock.shipment.out', ids, [
            'crm_customer_name', 'crm_consignee_name',
            'crm_delivery_address', 'crm_shipped_by', 'crm_step'])
    assert {s['crm_customer_name'] for s in seen} == {MINGZHU}
    assert all(s['crm_consignee_name'] and s['crm_delivery_address']
        for s in seen)
    assert {s['crm_step'] for s in seen} == {'shipped'}
    # Nothing else of the customer: not the customer, its contacts, its
    # order, nor the customer through the document
    customer = outbounds[0]['customer']
    assert keeper.search('party.party', [('id', '=', customer)]) == []
    assert keeper.search('crm.contact', [('customer', '=', customer)]) == []
    assert keeper.search('sale.sale', [('party', '=', customer)]) == []
    with pytest.raises(RPCAccessError):
        keeper.read('party.party', [customer], ['name'])
    with pytest.raises(RPCAccessError):
        keeper.read('stock.shipment.out', ids, ['customer.rec_name'])
    # Every stock move: the ledger is his
    assert (keeper.search_count('stock.move', [])
        == boss.search_count('stock.move', []))


def test_keeper_opens_his_outbounds_as_sao_does(keeper):
    """sao reads every field of a view and the name of every record a field
    points to: the keeper's list and form of outbound documents, and the
    lines in it, read without reading the customer"""
    ids = keeper.search('stock.shipment.out', [])
    assert ids
    for fs_id, kind, model, records in [
            ('outbound_view_list', 'tree', 'stock.shipment.out', ids),
            ('outbound_view_form', 'form', 'stock.shipment.out', ids),
            ]:
        view = keeper.call(model, 'fields_view_get',
            keeper.model_data_id('xtools_crm_stock', fs_id), kind)
        names = list(view['fields'])
        names += [f'{n}.rec_name' for n, f in view['fields'].items()
            if f['type'] in {'many2one', 'reference', 'one2many'}]
        keeper.read(model, records, names)
        assert 'customer' not in view['fields'], fs_id
    moves = [m for r in keeper.read('stock.shipment.out', ids, ['crm_goods'])
        for m in r['crm_goods']]
    view = keeper.call('stock.move', 'fields_view_get', keeper.model_data_id(
            'xtools_crm_stock', 'outbound_move_view_list'), 'tree')
    keeper.read('stock.move', moves, list(view['fields']) + [
            f'{n}.rec_name' for n, f in view['fields'].items()
            if f['type'] in {'many2one', 'reference'}])


def test_customer_visibility_of_outbounds_and_moves(boss, zhang, wu):
    outbounds = mingzhu_outbounds(boss)
    ids = [o['id'] for o in outbounds]
    moves = [m for o in outbounds
        for m in o['outgoing_moves'] + o['inventory_moves']]
    assert sorted(zhang.search('stock.shipment.out', [
                ('id', 'in', ids)])) == ids
    assert sorted(zhang.search('stock.move', [('id', 'in', moves)])) == (
        sorted(moves))
    assert wu.search('stock.shipment.out', [('id', 'in', ids)]) == []
    assert wu.search('stock.move', [('id', 'in', moves)]) == []
    with pytest.raises(RPCAccessError):
        wu.read('stock.shipment.out', ids, ['crm_customer_name'])
    with pytest.raises(RPCAccessError):
        wu.read('stock.move', moves, ['quantity'])
    # Warehouse moves (opening stock, purchases) are no customer's
    assert wu.search_count('stock.move', [('shipment', '=', None)]) > 0


def _confirm(keeper, shipment):
    "The keeper's confirmation wizard, as sao runs it"
    view, = keeper.run_wizard('stock.shipment.out.crm_confirm', [
            ('start', None)], model='stock.shipment.out', ids=[shipment])
    lines = view['view']['defaults']['lines']
    keeper.run_wizard('stock.shipment.out.crm_confirm', [
            ('start', None),
            # as sao sends a One2Many of a wizard's view: the lines' values
            ('confirm', {'start': {'lines': [
                            {k: v for k, v in line.items() if '.' not in k}
                            for line in lines]}}),
            ], model='stock.shipment.out', ids=[shipment])


def test_five_steps_each_by_its_own(boss, keeper, wu, zhang):
    sale, customer = approved_order(boss, XIHU)
    status, = wu.read('sale.sale', [sale], ['crm_shipping_status'])
    assert status['crm_shipping_status'] == 'none'

    # Step 2: the salesperson requests, once the consignee is known
    with pytest.raises(RPCUserError) as error:
        wu.button('sale.sale', 'manual_shipment', [sale])
    assert '收货人' in error.value.message
    contact, = wu.search('crm.contact', [('customer', '=', customer)],
        limit=1)
    wu.write('sale.sale', [sale], {'crm_consignee': contact})
    wu.button('sale.sale', 'manual_shipment', [sale])
    values, = wu.read('sale.sale', [sale],
        ['shipments', 'crm_shipping_status'])
    shipment, = values['shipments']
    assert values['crm_shipping_status'] == 'not_out'

    # Steps 3-5 are the keeper's, not the salesperson's
    refused(_confirm, wu, shipment)
    for button in ['crm_take_out', 'crm_ship', 'assign_try', 'pick']:
        refused(wu.button, 'stock.shipment.out', button, [shipment])
    # nor Tryton's own steps for the keeper: only the CRM ones
    refused(keeper.button, 'stock.shipment.out', 'assign_try', [shipment])

    _confirm(keeper, shipment)
    keeper.button('stock.shipment.out', 'crm_take_out', [shipment])
    status, = wu.read('sale.sale', [sale], ['crm_shipping_status'])
    assert status['crm_shipping_status'] == 'to_ship'
    keeper.button('stock.shipment.out', 'crm_ship', [shipment])
    values, = wu.read('sale.sale', [sale], ['crm_shipping_status', 'lines'])
    assert values['crm_shipping_status'] == 'all'
    line, = wu.read('sale.line', values['lines'],
        ['crm_ship_shipped', 'crm_ship_remaining', 'crm_delivered_quantity'])
    assert (line['crm_ship_shipped'], line['crm_ship_remaining'],
        line['crm_delivered_quantity']) == (2.0, 0.0, 2.0)

    # Shipped, it stays in the keeper's sight; 张浩 never saw it
    handled, = keeper.read('stock.shipment.out', [shipment],
        ['crm_step', 'crm_customer_name'])
    assert handled == {'id': shipment, 'crm_step': 'shipped',
        'crm_customer_name': XIHU}
    assert zhang.search('stock.shipment.out', [('id', '=', shipment)]) == []


def test_purchases_and_inbound(boss, keeper, zhang, purchaser):
    purchases = boss.search_read('purchase.purchase', [],
        ['shipment_state', 'shipments'], order=[('id', 'ASC')])
    assert len(purchases) == 2
    ids = [p['id'] for p in purchases]
    assert sorted(purchaser.search('purchase.purchase', [])) == ids
    assert sorted(keeper.search('purchase.purchase', [])) == ids
    # Not linked to his orders: 张浩 reads none
    assert zhang.search('purchase.purchase', []) == []
    refused(keeper.create, 'purchase.purchase', [{
                'party': boss.search('party.party', [
                        ('name', '=', "浙江安吉椅业有限公司")])[0]}])

    # The second purchase waits for the keeper: he counts 7 of 10 desks
    waiting = purchases[1]
    assert waiting['shipment_state'] == 'waiting'
    inbound, = waiting['shipments']
    refused(purchaser.button, 'stock.shipment.in', 'crm_receive', [inbound])
    move, = keeper.read('stock.shipment.in', [inbound],
        ['incoming_moves'])[0]['incoming_moves']
    keeper.write('stock.move', [move], {'quantity': 7})
    keeper.button('stock.shipment.in', 'crm_receive', [inbound])
    state, = purchaser.read('purchase.purchase', [waiting['id']],
        ['shipment_state'])
    assert state['shipment_state'] == 'partially shipped'
    # The 3 others are expected in the next inbound document
    purchaser.button('purchase.purchase', 'crm_create_inbound',
        [waiting['id']])
    values, = purchaser.read('purchase.purchase', [waiting['id']],
        ['shipments'])
    second, = [s for s in values['shipments'] if s != inbound]
    moves = purchaser.read('stock.shipment.in', [second],
        ['incoming_moves'])[0]['incoming_moves']
    assert [m['quantity'] for m in purchaser.read(
            'stock.move', moves, ['quantity'])] == [3.0]
