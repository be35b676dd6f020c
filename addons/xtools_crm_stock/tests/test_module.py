import inspect
from decimal import Decimal

from trytond.model.exceptions import ValidationError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from xtools_crm_base.tests.test_list_column_getters import (
    party_with_two_phones)
from xtools_crm_base.tests.view_checks import CrmViewChecksMixin
from trytond.transaction import Transaction


class CrmStockTestCase(CrmViewChecksMixin, CompanyTestMixin, ModuleTestCase):
    "Test the XToolsCRM products and stock module"
    module = 'xtools_crm_stock'

    def _create_template(self, name, model=None, **values):
        pool = Pool()
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        unit, = Uom.search([('name', '=', "Unit")])
        template, = Template.create([{
                    'name': name, 'crm_model': model,
                    'default_uom': unit.id, 'list_price': Decimal(0),
                    **values}])
        return template

    @with_transaction()
    def test_phone_column_follows_the_delivery_usage(self):
        """A shipment asks a party's phone with the delivery usage: the
        customer list's page-at-once getter (contact_mechanism_columns.py)
        picks the mechanism flagged for delivery, as Tryton's getter"""
        Party = Pool().get('party.party')
        party, first, second = party_with_two_phones(delivery=True)
        for usage, expected in [('delivery', second), (None, first)]:
            with Transaction().set_context(
                    party_contact_mechanism_usage=usage):
                phone, = Party.read([party.id], ['phone'])
                self.assertEqual(
                    phone['phone'], Party(party.id).get_contact_mechanism(
                        'phone'))
            self.assertEqual(phone['phone'], expected.value, usage)

    @with_transaction()
    def test_same_name_other_model(self):
        "The same name with another model is another product"
        company = create_company()
        with set_company(company):
            self._create_template("Desk", 'DB-160')
            other = self._create_template("Desk", 'DB-180')
            self.assertEqual(other.crm_model, 'DB-180')

    @with_transaction()
    def test_same_name_and_model_refused(self):
        "A second product with the same name and model is refused"
        company = create_company()
        with set_company(company):
            self._create_template("Desk", 'DB-180')
            with self.assertRaises(ValidationError) as cm:
                self._create_template("Desk", 'DB-180')
            self.assertIn("DB-180", str(cm.exception))

    @with_transaction()
    def test_same_name_without_model_refused(self):
        "Two products of the same name without a model are refused"
        company = create_company()
        with set_company(company):
            self._create_template("Chair")
            with self.assertRaises(ValidationError):
                self._create_template("Chair", '')

    @with_transaction()
    def test_discontinued_product_keeps_its_name(self):
        "An inactive product still blocks its name and model"
        company = create_company()
        with set_company(company):
            self._create_template("Desk", 'DB-180', active=False)
            with self.assertRaises(ValidationError):
                self._create_template("Desk", 'DB-180')

    @with_transaction()
    def test_rename_into_duplicate_refused(self):
        "Changing the model into an existing one is refused"
        Template = Pool().get('product.template')
        company = create_company()
        with set_company(company):
            self._create_template("Desk", 'DB-180')
            other = self._create_template("Desk", 'DB-160')
            with self.assertRaises(ValidationError):
                Template.write([other], {'crm_model': 'DB-180'})

    @with_transaction()
    def test_role_access(self):
        "Product managers keep the catalogue, keepers handle shipments"
        pool = Pool()
        Access = pool.get('ir.model.access')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        rw = {'read', 'write', 'create'}
        expected = {
            'group_role_product': {
                'product.template': rw,
                'product.product': rw,
                'product.category': rw,
                'stock.shipment.out': set(),
                },
            'group_role_stock': {
                'product.template': {'read'},
                'stock.shipment.out': rw,
                'stock.shipment.in': rw,
                'stock.shipment.internal': rw,
                'stock.move': rw | {'delete'},
                'sale.sale': {'read'},
                },
            'group_role_sales': {
                'product.template': {'read'},
                'product.product': {'read'},
                },
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

    @with_transaction()
    def test_shipping_progress_hook_extends(self):
        """Every implementation of the shipping hook extends the sales
        module's: the sales module's is the deepest (a registration in
        another order would put it above ours and lose them) and every
        other calls super()"""
        from xtools_crm_sales import deal_status

        from xtools_crm_stock import outbound
        Sale = Pool().get('sale.sale')
        implementations = [klass for klass in Sale.__mro__
            if 'crm_shipping_progress' in vars(klass)]
        self.assertIs(implementations[-1], deal_status.Sale)
        self.assertIn(outbound.Sale, implementations)
        for klass in implementations[:-1]:
            with self.subTest(implementation=klass.__module__):
                source = inspect.getsource(
                    vars(klass)['crm_shipping_progress'])
                self.assertIn('super().crm_shipping_progress()', source)


del ModuleTestCase
