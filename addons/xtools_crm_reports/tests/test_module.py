import datetime as dt

from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from xtools_crm_base.tests.view_checks import CrmViewChecksMixin
from trytond.transaction import Transaction


class CrmReportsTestCase(CrmViewChecksMixin, CompanyTestMixin, ModuleTestCase):
    "Test the XToolsCRM reports module"
    module = 'xtools_crm_reports'

    def _create_customers(self):
        pool = Pool()
        Party = pool.get('party.party')
        User = pool.get('res.user')
        zhang, li = User.create([
                {'login': 'zhang', 'name': "Zhang"},
                {'login': 'li', 'name': "Li"},
                ])
        Party.create([
                {'name': "A", 'crm_customer_type': 'enterprise',
                    'crm_owner': zhang.id},
                {'name': "B", 'crm_customer_type': 'enterprise',
                    'crm_owner': zhang.id},
                {'name': "C", 'crm_customer_type': 'individual',
                    'crm_owner': zhang.id},
                {'name': "D", 'crm_customer_type': 'individual',
                    'crm_owner': li.id},
                {'name': "E", 'crm_customer_type': 'individual',
                    'crm_owner': li.id, 'active': False},
                {'name': "Supplier"},
                ])
        return zhang, li

    @with_transaction()
    def test_customers_per_owner_and_type(self):
        "Customers are counted per owner and per type"
        Statistics = Pool().get('crm.reporting.customer')
        company = create_company()
        with set_company(company):
            zhang, li = self._create_customers()
            rows = {r.owner: r for r in Statistics.search([])}
            self.assertEqual(set(rows), {zhang, li})
            self.assertEqual(
                (rows[zhang].number, rows[zhang].enterprise,
                    rows[zhang].individual),
                (3, 2, 1))
            # The deactivated customer is not counted.
            self.assertEqual(
                (rows[li].number, rows[li].enterprise, rows[li].individual),
                (1, 0, 1))
            self.assertEqual(rows[li].rec_name, "Li")
            self.assertEqual(
                Statistics.search([('rec_name', '=', "Zhang")]), [rows[zhang]])

    @with_transaction()
    def test_period_filter(self):
        "Only customers created in the period are counted"
        pool = Pool()
        Statistics = pool.get('crm.reporting.customer')
        Date = pool.get('ir.date')
        company = create_company()
        with set_company(company):
            self._create_customers()
            today = Date.today()
            tomorrow = today + dt.timedelta(days=1)
            with Transaction().set_context(from_date=today, to_date=today):
                self.assertEqual(
                    sum(r.number for r in Statistics.search([])), 4)
            with Transaction().set_context(from_date=tomorrow):
                self.assertEqual(Statistics.search([]), [])
            with Transaction().set_context(
                    to_date=today - dt.timedelta(days=1)):
                self.assertEqual(Statistics.search([]), [])

    @with_transaction()
    def test_day_follows_company_timezone(self):
        "A day starts at midnight in the company's timezone"
        Statistics = Pool().get('crm.reporting.customer')
        company = create_company()
        company.timezone = 'Asia/Shanghai'
        company.save()
        with set_company(company):
            self.assertEqual(
                Statistics._day_start(dt.date(2024, 1, 1)),
                dt.datetime(2023, 12, 31, 16, 0))


del ModuleTestCase
