"""The deal list's computed columns (合同订单, issue 21): what the list view
reads for a page of deals — received/receivable amounts, delivery,
shipping and approval status, quotation expiry — is what each deal's own
figures say, whatever the other deals of the page."""
import datetime as dt
import unittest
from decimal import Decimal
from unittest.mock import patch

from trytond.modules.company.tests import set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from xtools_crm_base.tests.tools import create_organisation

# What the list shows besides the stored columns (sale.sale_view_tree)
COMPUTED = ['crm_received_amount', 'crm_receivable_amount',
    'crm_delivery_status', 'crm_shipping_status', 'crm_approval_state',
    'crm_has_returns', 'quotation_expire', 'untaxed_amount']


def list_names(Sale):
    "The names sao reads for the deal list (as bench/bench_views.py does)"
    view = Sale.fields_view_get(view_type='tree')
    names = list(view['fields'])
    for name, desc in view['fields'].items():
        if desc['type'] == 'many2one':
            names.append(name + '.rec_name')
        elif desc['type'] == 'selection':
            names.append(name + ':string')
    return names + ['rec_name', '_timestamp', '_write', '_delete']


class DealListValuesTestCase(unittest.TestCase):
    "The deal list's computed columns"

    @classmethod
    def setUpClass(cls):
        activate_module('xtools_crm_sales')

    @with_transaction()
    def test_list_columns_match_each_deal(self):
        pool = Pool()
        Sale = pool.get('sale.sale')
        Receipt = pool.get('crm.deal.receipt')
        Delivery = pool.get('crm.deal.delivery')
        Date = pool.get('ir.date')
        ModelData = pool.get('ir.model.data')
        org = create_organisation(
            {"销售一部": None}, {'staff': {'crm_department': "销售一部"}},
            customers=['staff'])
        staff, customer = org.users['staff'], org.customers['staff']
        unit = ModelData.get_id('product', 'uom_unit')
        hour = ModelData.get_id('product', 'uom_hour')
        with set_company(org.company):
            today = Date.today()
            address, = pool.get('party.address').create([{
                        'party': customer.id, 'street': "南京东路 300 号"}])

            def line(quantity, price, uom=unit):
                return {'type': 'line', 'description': "服务",
                    'quantity': quantity, 'unit': uom,
                    'unit_price': Decimal(price)}
            comment = {'type': 'comment', 'description': "说明"}
            base = {'party': customer.id, 'sale_date': today,
                'invoice_address': address.id,
                'shipment_address': address.id}
            contract = dict(base, crm_deal_type='contract')
            deals = Sale.create([
                    # 0 an empty draft, valid 30 days from today
                    dict(contract, quotation_validity=dt.timedelta(30)),
                    # 1 a draft with lines and a comment, quoted 10 days ago
                    dict(contract, quotation_date=today - dt.timedelta(10),
                        quotation_validity=dt.timedelta(15),
                        lines=[('create', [line(3, '10.005'),
                                    line(1.5, '0.333', hour),
                                    comment])]),
                    # 2 submitted (quotation), not cached
                    dict(contract, lines=[('create', [line(2, '99.99')])]),
                    # 3 approved, caches left empty: computed from lines;
                    # one line partly delivered, one not at all, one of 0
                    dict(contract, lines=[('create', [line(4, '25', hour),
                                    line(2.5, '100', hour),
                                    line(0, '7')])]),
                    # 4 approved with stored totals, fully delivered
                    dict(contract, lines=[('create', [line(2, '50')])]),
                    # 5 approved, lines not delivered, paid in full
                    dict(contract, lines=[('create', [line(1, '300')])]),
                    # 6 an approved order (shipping, no delivery plan)
                    dict(base, lines=[('create', [line(5, '12')])]),
                    # 7 a cancelled contract, 8 rejected draft
                    dict(contract, lines=[('create', [line(1, '1')])]),
                    dict(contract, crm_rejection_reason="太贵",
                        lines=[('create', [line(1, '2')])]),
                    # 9 an approved order whose only return was revoked
                    dict(base, lines=[('create', [line(1, '8')])]),
                    ])
            Sale.write(deals[2:3], {'state': 'quotation'})
            Sale.write(deals[3:7] + deals[9:], {'state': 'confirmed'})
            Sale.write(deals[4:5], {'state': 'processing',
                    'untaxed_amount_cache': Decimal('100.00'),
                    'tax_amount_cache': Decimal('13.00'),
                    'total_amount_cache': Decimal('113.00')})
            Sale.write(deals[7:8], {'state': 'cancelled'})
            Receipt.create([{'deal': d.id, 'amount': Decimal(a),
                        'method': 'transfer', 'owner': staff.id}
                    for d, a in [(deals[3], '100.10'), (deals[3], '0.45'),
                        (deals[4], '13'), (deals[5], '300'),
                        (deals[6], '60')]])
            d3 = deals[3].line_lines
            Delivery.create([
                    {'deal': deals[3].id, 'line': d3[0].id, 'quantity': 1},
                    {'deal': deals[3].id, 'line': d3[0].id, 'quantity': 1.5},
                    {'deal': deals[4].id,
                        'line': deals[4].line_lines[0].id, 'quantity': 2},
                    ])
            # Returns as their table holds them (the shipping that a
            # return needs first is scenario_return_refund.rst's)
            return_ = pool.get('crm.deal.return').__table__()
            cursor = Transaction().connection.cursor()
            for deal, state in [(deals[6], 'draft'), (deals[9], 'revoked')]:
                cursor.execute(*return_.insert(
                        [return_.number, return_.deal, return_.date,
                            return_.state],
                        [[f'R{deal.id}', deal.id, today, state]]))

        expected = {
            'crm_received_amount': ['0', '0', '0', '100.55', '13.00',
                '300.00', '60.00', '0', '0', '0'],
            # the lines' amounts rounded to the fen, or the stored total
            # (deal 3: 4×25 + 2.5×100 = 350, 100.55 received)
            'crm_receivable_amount': ['0', '30.52', '199.98', '249.45',
                '100.00', '0', '0', '1', '2', '8'],
            'untaxed_amount': ['0', '30.52', '199.98', '350', '100.00',
                '300', '60', '1', '2', '8'],
            'crm_delivery_status': ['none', 'none', 'none', 'partial', 'all',
                'undelivered', 'none', 'none', 'none', 'none'],
            'crm_approval_state': ['draft', 'draft', 'submitted',
                'approved', 'approved', 'approved', 'approved', 'cancelled',
                'rejected', 'approved'],
            'quotation_expire': [today + dt.timedelta(30),
                today + dt.timedelta(5)] + [None] * 8,
            'crm_has_returns': [False] * 6 + [True] + [False] * 3,
            }
        ids = [d.id for d in deals]
        names = list_names(Sale)
        self.assertTrue(set(COMPUTED) <= set(names))
        with set_company(org.company), \
                Transaction().set_context(_check_access=True):
            page = {r['id']: r for r in Sale.read(ids, names)}
            single = {i: Sale.read([i], names)[0] for i in ids}
            for name, values in expected.items():
                with self.subTest(column=name):
                    got = [page[i][name] for i in ids]
                    if name.endswith('amount'):
                        values = [Decimal(v) for v in values]
                    self.assertEqual(got, values)
            for i in ids:
                with self.subTest(deal=i):
                    self.assertEqual(
                        {n: v for n, v in page[i].items()
                            if n != '_timestamp'},
                        {n: v for n, v in single[i].items()
                            if n != '_timestamp'})
            # the page and Python's view of the same deals agree
            for deal in Sale.browse(ids):
                with self.subTest(deal=deal.id, check='browse'):
                    self.assertEqual(
                        deal.crm_receivable_amount,
                        (deal.total_amount or 0)
                        - deal.crm_received_amount)
                    self.assertEqual(deal.crm_delivery_status,
                        deal.crm_compute_delivery_status())

    @with_transaction()
    def test_no_tax_pass_for_deals_without_lines(self):
        """Tryton's per-sale tax pass (~1 ms a deal) runs for the drafts
        with lines only: an empty draft is worth 0 without it"""
        pool = Pool()
        Sale = pool.get('sale.sale')
        ModelData = pool.get('ir.model.data')
        org = create_organisation(
            {"销售一部": None}, {'staff': {'crm_department': "销售一部"}},
            customers=['staff'])
        customer = org.customers['staff']
        with set_company(org.company):
            empty, with_line = Sale.create([{'party': customer.id},
                    {'party': customer.id, 'lines': [('create', [{
                                        'type': 'line', 'description': "服务",
                                        'quantity': 2, 'unit_price':
                                        Decimal('5'), 'unit': ModelData.get_id(
                                            'product', 'uom_unit')}])]}])
            taxed = []
            get_taxes = Sale._get_taxes

            def counted(self):
                taxed.append(self.id)
                return get_taxes(self)
            with patch.object(Sale, '_get_taxes', counted):
                amounts = {r['id']: r['crm_receivable_amount']
                    for r in Sale.read([empty.id, with_line.id],
                        ['crm_receivable_amount', 'untaxed_amount'])}
        self.assertEqual(amounts,
            {empty.id: Decimal(0), with_line.id: Decimal('10.00')})
        self.assertEqual(taxed, [with_line.id])
