from trytond.exceptions import UserError
from trytond.modules.company.tests import CompanyTestMixin
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction

from xtools_crm_base.tests.view_checks import CrmViewChecksMixin

from .tools import customer, pool_test


class CrmPoolTestCase(
        CrmViewChecksMixin, CompanyTestMixin, ModuleTestCase):
    "Test the XToolsCRM public pool module"
    module = 'xtools_crm_pool'

    @with_transaction()
    def test_default_grades(self):
        "Ten grades A-J: A-C private, D-F temporary, G-J public"
        Maturity = Pool().get('crm.maturity')
        grades = Maturity.search([])
        self.assertEqual(''.join(m.code for m in grades), 'ABCDEFGHIJ')
        self.assertEqual(
            ''.join(m.library[:2] for m in grades),
            'pr' * 3 + 'te' * 3 + 'pu' * 4)
        grade_b, = Maturity.search([('rec_name', '=', 'B')])
        self.assertEqual(grade_b.rec_name, 'B - Clear intention to buy')

    @with_transaction()
    def test_grade_code_unique(self):
        "Two grades cannot share a code"
        Maturity = Pool().get('crm.maturity')
        with self.assertRaises(UserError):
            Maturity.create([{
                        'code': 'A', 'label': "Again", 'library': 'public'}])

    @pool_test()
    def test_search_library(self, users):
        "Customers are searched by library; other parties have none"
        Party = Pool().get('party.party')
        staff = users['staff_a1']
        for name, code in [
                ("Graded B", 'B'), ("Graded E", 'E'), ("Graded H", 'H'),
                ("Ungraded", None)]:
            customer(name, staff, code)
        supplier, = Party.create([{'name': "Supplier"}])

        def names(domain):
            return sorted(p.name for p in Party.search(
                    domain + [('name', 'in', [
                                "Graded B", "Graded E", "Graded H",
                                "Ungraded", "Supplier"])]))
        self.assertEqual(
            names([('crm_library', '=', 'public')]), ["Graded H", "Ungraded"])
        self.assertEqual(
            names([('crm_library', 'in', ['private', 'temporary'])]),
            ["Graded B", "Graded E"])
        self.assertEqual(names([('crm_library', '=', None)]), ["Supplier"])
        self.assertIsNone(supplier.crm_library)


del ModuleTestCase
