from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from xtools_crm_base.tests.view_checks import CrmViewChecksMixin


class CrmSalesTestCase(
        CrmViewChecksMixin, CompanyTestMixin, ModuleTestCase):
    "Test the XToolsCRM sales module"
    module = 'xtools_crm_sales'

    @with_transaction()
    def test_deal_type_defaults_to_order(self):
        "A new deal is an order unless told otherwise"
        Sale = Pool().get('sale.sale')
        self.assertEqual(Sale.default_crm_deal_type(), 'order')

    @with_transaction()
    def test_deal_type_locked_out_of_draft(self):
        "The deal type changes in draft only"
        pool = Pool()
        Sale = pool.get('sale.sale')
        Party = pool.get('party.party')
        company = create_company()
        with set_company(company):
            customer, = Party.create([{'name': "Customer"}])
            sale, = Sale.create([{'party': customer.id}])
            Sale.write([sale], {'crm_deal_type': 'contract'})
            self.assertEqual(sale.crm_deal_type, 'contract')

            Sale.write([sale], {'state': 'quotation'})
            # Writing the same type again is harmless.
            Sale.write([sale], {'crm_deal_type': 'contract'})
            with self.assertRaises(AccessError) as cm:
                Sale.write([sale], {'crm_deal_type': 'order'})
            self.assertIn(sale.rec_name, str(cm.exception))

    @with_transaction()
    def test_role_access(self):
        "Sales and boss roles work on deals, finance only reads them"
        pool = Pool()
        Access = pool.get('ir.model.access')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        # Lines add delete so that a draft can be edited; a whole deal is
        # cancelled, not deleted.
        deal = {'read', 'write', 'create'}
        line = deal | {'delete'}
        work = {
            'sale.sale': deal, 'sale.line': line,
            'sale.opportunity': deal, 'sale.opportunity.line': line,
            }
        expected = {
            'group_role_sales': work,
            'group_role_boss': work,
            'group_role_finance': dict.fromkeys(work, {'read'}),
            }
        for group_name, model_perms in expected.items():
            group_id = ModelData.get_id('xtools_crm_base', group_name)
            user, = User.create([{
                        'login': group_name, 'name': group_name,
                        'groups': [('add', [group_id])]}])
            with Transaction().set_user(user.id):
                access = Access.get_access(list(model_perms))
            for model, perms in model_perms.items():
                with self.subTest(group=group_name, model=model):
                    granted = {p for p, v in access[model].items() if v}
                    self.assertEqual(granted, perms)


del ModuleTestCase
