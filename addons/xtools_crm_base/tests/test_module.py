from trytond.model.exceptions import ValidationError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction

from .view_checks import CrmViewChecksMixin


class CrmBaseTestCase(CrmViewChecksMixin, CompanyTestMixin, ModuleTestCase):
    "Test the XToolsCRM base module"
    module = 'xtools_crm_base'

    @with_transaction()
    def test_sub_department_cannot_have_children(self):
        "A third department level is refused"
        Department = Pool().get('crm.department')
        company = create_company()
        with set_company(company):
            sales, = Department.create([{'name': "Sales"}])
            team, = Department.create([{'name': "Team A", 'parent': sales}])
            with self.assertRaises(ValidationError) as cm:
                Department.create([{'name': "Squad", 'parent': team}])
            self.assertIn("Team A", str(cm.exception))

    @with_transaction()
    def test_customer_needs_a_name(self):
        "A customer without a name is refused; other parties keep Tryton's rule"
        Party = Pool().get('party.party')
        company = create_company()
        with set_company(company):
            with self.assertRaises(ValidationError) as cm:
                Party.create([{
                            'crm_customer_type': 'enterprise',
                            'crm_owner': 1}])
            self.assertIn('"Name"', str(cm.exception))
            supplier, = Party.create([{}])
            self.assertFalse(supplier.name)

    @with_transaction()
    def test_one_manager_per_department(self):
        "A department refuses a second manager but takes many assistants"
        pool = Pool()
        Department = pool.get('crm.department')
        User = pool.get('res.user')
        company = create_company()
        with set_company(company):
            sales, = Department.create([{'name': "Sales"}])
            first, = User.create([{
                        'login': 'm1', 'name': "Manager One",
                        'crm_department': sales, 'crm_level': 'manager'}])
            User.create([
                    {'login': f'a{i}', 'name': f"Assistant {i}",
                        'crm_department': sales, 'crm_level': 'assistant'}
                    for i in range(2)])
            self.assertEqual(sales.manager, first)
            with self.assertRaises(ValidationError) as cm:
                User.create([{
                            'login': 'm2', 'name': "Manager Two",
                            'crm_department': sales,
                            'crm_level': 'manager'}])
            self.assertIn("Manager One", str(cm.exception))


del ModuleTestCase
