"""The sales facts of the work reports (SPEC B9): deals signed and payments
received in the period, through the work reports' provider hook."""
import unittest
from decimal import Decimal

from trytond.modules.company.tests import set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from xtools_crm_base.tests.tools import create_organisation


class WorkReportFactsTestCase(unittest.TestCase):
    "The sales facts of the work reports"

    @classmethod
    def setUpClass(cls):
        activate_module('xtools_crm_sales')

    @with_transaction()
    def test_deals_signed_and_payments_received(self):
        "The day's approved deal and receipt are in the daily report"
        pool = Pool()
        Sale = pool.get('sale.sale')
        Receipt = pool.get('crm.deal.receipt')
        Report = pool.get('crm.work.report')
        Date = pool.get('ir.date')
        Address = pool.get('party.address')
        org = create_organisation(
            {"销售一部": None},
            {'staff': {'crm_department': "销售一部"},
                'peer': {'crm_department': "销售一部"}},
            customers=['staff'])
        staff, customer = org.users['staff'], org.customers['staff']
        with set_company(org.company):
            today = Date.today()
            address, = Address.create([{
                        'party': customer.id, 'street': "南京东路 300 号"}])
            deal = {'party': customer.id, 'invoice_address': address.id,
                'shipment_address': address.id, 'sale_date': today}
            signed, other = Sale.create([
                    deal, {**deal, 'crm_owner': org.users['peer'].id}])
            # Approved today (the approval's own workflow is tested with
            # the deals): as it leaves a deal
            Sale.write([signed, other], {
                    'state': 'confirmed',
                    'crm_approval_date': today,
                    'untaxed_amount_cache': Decimal('5000.00'),
                    'tax_amount_cache': Decimal('0'),
                    'total_amount_cache': Decimal('5000.00'),
                    })
            Receipt.create([{
                        'deal': signed.id, 'amount': Decimal('2000.00'),
                        'method': 'transfer', 'owner': staff.id}])
            with Transaction().set_user(staff.id), \
                    Transaction().set_context(_check_access=True):
                report, = Report.create([{'type': 'daily', 'date': today}])
            facts = {f.kind: f for f in Report(report.id).facts}
        # The base's facts first, then the sales' (modules activated
        # after this one, in the same test database, add theirs after)
        self.assertEqual(list(facts)[:6], [
                'activities', 'new_customers', 'tasks_done', 'tasks_overdue',
                'deals_signed', 'payments'])
        self.assertEqual(
            (facts['deals_signed'].count, facts['deals_signed'].amount),
            (1, Decimal('5000.00')))
        self.assertIn(customer.name, facts['deals_signed'].detail)
        self.assertEqual(
            (facts['payments'].count, facts['payments'].amount),
            (1, Decimal('2000.00')))
