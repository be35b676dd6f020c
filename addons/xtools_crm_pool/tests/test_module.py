from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction


def create_customers():
    "Customers graded B (private), E (temporary), H (public), none; a supplier"
    pool = Pool()
    Party = pool.get('party.party')
    Maturity = pool.get('crm.maturity')
    User = pool.get('res.user')
    admin, = User.search([('login', '=', 'admin')])
    grades = {m.code: m for m in Maturity.search([])}
    customers = Party.create([{
                'name': name,
                'crm_customer_type': 'enterprise',
                'crm_owner': admin.id,
                'crm_maturity': grades[code].id if code else None,
                } for name, code in [
                ('Graded B', 'B'),
                ('Graded E', 'E'),
                ('Graded H', 'H'),
                ('Ungraded', None),
                ]])
    supplier, = Party.create([{'name': "Supplier"}])
    return customers, supplier


class CrmPoolTestCase(ModuleTestCase):
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

    @with_transaction()
    def test_library_by_maturity(self):
        "The maturity decides the library; no maturity is the public pool"
        customers, supplier = create_customers()
        self.assertEqual(
            [c.crm_library for c in customers],
            ['private', 'temporary', 'public', 'public'])
        self.assertIsNone(supplier.crm_library)

    @with_transaction()
    def test_search_library(self):
        "Customers can be searched by library with any operator"
        Party = Pool().get('party.party')
        create_customers()

        def names(domain):
            return sorted(p.name for p in Party.search(domain))

        self.assertEqual(
            names([('crm_library', '=', 'public')]), ['Graded H', 'Ungraded'])
        self.assertEqual(
            names([('crm_library', '=', 'private')]), ['Graded B'])
        self.assertEqual(
            names([('crm_library', 'in', ['private', 'temporary'])]),
            ['Graded B', 'Graded E'])
        self.assertEqual(
            names([
                    ('crm_library', '!=', 'public'),
                    ('crm_customer_type', '!=', None),
                    ]),
            ['Graded B', 'Graded E'])
        self.assertIn('Supplier', names([('crm_library', '=', None)]))
        self.assertNotIn('Supplier', names([('crm_library', '!=', None)]))


del ModuleTestCase
