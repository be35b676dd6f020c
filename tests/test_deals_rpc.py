"""Receipts (回款记录) over the real server, as the demo users.

Finance (黄秀英) records receipts on any approved deal, whoever owns its
customer; a salesperson (张浩) reads the receipts of his deals but cannot
record one; nobody — not even the boss — edits or deletes a payment plan
once it is received even in part. Messages come in the users' language
(zh_CN).
"""
import datetime as dt
from decimal import Decimal

import pytest

from support.rpc import RPCAccessError, RPCUserError

FINANCE = 'huangxiuying'
MINGZHU = "上海明珠广告有限公司"     # owned by zhanghao (销售一部)
XIHU = "杭州西湖国际酒店"            # owned by wujunjie (销售二部)


def _deal(boss, customer_name, approve=True):
    """A deal of 2 units of a demo product for the customer, with one
    payment plan, made and approved by the boss; returns (deal, plan)"""
    customer, = boss.search_read(
        'party.party', [('name', '=', customer_name)], ['addresses'])
    product, = boss.search_read(
        'product.product', [('salable', '=', True)],
        # A variant's own list_price is empty unless it overrides the
        # template's: list_price_used is the price in force.
        ['default_uom', 'list_price_used'], limit=1)
    address = customer['addresses'][0]
    deal_id, = boss.create('sale.sale', [{
                'party': customer['id'],
                'crm_deal_type': 'order',
                'invoice_address': address,
                'shipment_address': address,
                # The CRM records receipts and fapiao; no accounting here
                'invoice_method': 'manual',
                'shipment_method': 'manual',
                'lines': [('create', [{
                                'product': product['id'],
                                'quantity': 2,
                                'unit': product['default_uom'],
                                'unit_price': product['list_price_used'],
                                }])],
                }])
    deal, = boss.read('sale.sale', [deal_id], ['total_amount', 'number'])
    plan_id, = boss.create('crm.payment.plan', [{
                'deal': deal_id,
                'name': "全款",
                'due_date': dt.date(2030, 1, 31),
                'amount': deal['total_amount'],
                }])
    boss.button('sale.sale', 'quote', [deal_id])
    if approve:
        boss.button('sale.sale', 'confirm', [deal_id])
    deal, = boss.read('sale.sale', [deal_id],
        ['total_amount', 'number', 'crm_approval_state', 'rec_name'])
    return deal, plan_id


@pytest.fixture(scope='module')
def deals(boss):
    "An approved deal for each sales team's well-known customer"
    return {name: _deal(boss, name) for name in [MINGZHU, XIHU]}


@pytest.fixture(scope='module')
def finance(server, demo_data):
    return server.rpc_as(FINANCE, demo_data.DEMO_PASSWORD)


@pytest.fixture(scope='module')
def staff(server, demo_data):
    return server.rpc_as(
        demo_data.WELL_KNOWN_CUSTOMERS[MINGZHU], demo_data.DEMO_PASSWORD)


def test_deals_are_approved(deals):
    for deal, _ in deals.values():
        assert deal['crm_approval_state'] == 'approved'
        assert deal['number'].startswith('DD')


def test_finance_records_receipts_on_any_deal(finance, deals):
    """Finance pays part of a plan on one team's deal and records a receipt
    without plan on the other team's: the plan and the receivable follow"""
    deal, plan = deals[MINGZHU]
    half = (deal['total_amount'] / 2).quantize(Decimal('0.01'))
    finance.create('crm.deal.receipt', [{
                'deal': deal['id'], 'plan': plan, 'amount': half,
                'method': 'transfer', 'owner': finance.user_id,
                }])
    plan_values, = finance.read('crm.payment.plan', [plan],
        ['state', 'received_amount'])
    assert plan_values['state'] == 'partial'
    assert plan_values['received_amount'] == half
    deal_values, = finance.read('sale.sale', [deal['id']],
        ['crm_receivable_amount'])
    assert deal_values['crm_receivable_amount'] == (
        deal['total_amount'] - half)

    other, _ = deals[XIHU]
    finance.create('crm.deal.receipt', [{
                'deal': other['id'], 'amount': Decimal('1.00'),
                'method': 'cash', 'owner': finance.user_id,
                }])
    assert finance.search_count(
        'crm.deal.receipt', [('deal', '=', other['id'])]) == 1


def test_staff_cannot_record_receipts(staff, deals):
    """The salesperson sees his deal and its receipts, and is refused a
    receipt by the access rights"""
    deal, plan = deals[MINGZHU]
    assert staff.search_count('sale.sale', [('id', '=', deal['id'])]) == 1
    with pytest.raises(RPCAccessError):
        staff.create('crm.deal.receipt', [{
                    'deal': deal['id'], 'plan': plan,
                    'amount': Decimal('1.00'), 'method': 'cash',
                    'owner': staff.user_id,
                    }])
    # Nor can he change or remove one finance recorded
    receipt_ids = staff.search(
        'crm.deal.receipt', [('deal', '=', deal['id'])])
    assert receipt_ids
    with pytest.raises(RPCAccessError):
        staff.write('crm.deal.receipt', receipt_ids,
            {'amount': Decimal('1.00')})
    with pytest.raises(RPCAccessError):
        staff.delete('crm.deal.receipt', receipt_ids)


def test_no_one_edits_a_received_plan(boss, finance, staff, deals):
    "A partly received plan refuses every change, whoever asks"
    deal, plan = deals[MINGZHU]
    state, = staff.read('crm.payment.plan', [plan], ['state'])
    assert state['state'] == 'partial'
    for client in [boss, staff]:
        with pytest.raises(RPCUserError) as info:
            client.write('crm.payment.plan', [plan], {'name': "改期"})
        assert not isinstance(info.value, RPCAccessError)
        assert "已收或部分已收" in info.value.message, info.value.message
        with pytest.raises(RPCUserError) as info:
            client.delete('crm.payment.plan', [plan])
        assert "已收或部分已收" in info.value.message, info.value.message
    # Finance may not edit plans at all
    with pytest.raises(RPCAccessError):
        finance.write('crm.payment.plan', [plan], {'name': "改期"})
    plan_values, = boss.read('crm.payment.plan', [plan], ['name'])
    assert plan_values['name'] == "全款"


def test_no_receipt_before_approval(boss, finance):
    "A deal waiting for approval takes no receipt, even from finance"
    deal, plan = _deal(boss, MINGZHU, approve=False)
    assert deal['crm_approval_state'] == 'submitted'
    with pytest.raises(RPCUserError) as info:
        finance.create('crm.deal.receipt', [{
                    'deal': deal['id'], 'plan': plan,
                    'amount': Decimal('1.00'), 'method': 'cash',
                    'owner': finance.user_id,
                    }])
    assert deal['number'] in info.value.message
    assert "审批" in info.value.message, info.value.message
