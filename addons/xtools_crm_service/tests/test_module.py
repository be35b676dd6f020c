from decimal import Decimal

from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from xtools_crm_base.tests.view_checks import CrmViewChecksMixin


def create_customer(name="Customer"):
    "Create a CRM customer owned by the admin user"
    pool = Pool()
    Party = pool.get('party.party')
    User = pool.get('res.user')
    admin, = User.search([('login', '=', 'admin')])
    customer, = Party.create([{
                'name': name,
                'crm_customer_type': 'enterprise',
                'crm_owner': admin.id,
                }])
    return customer, admin


class CrmServiceTestCase(CrmViewChecksMixin, ModuleTestCase):
    "Test the XToolsCRM service module"
    module = 'xtools_crm_service'

    @with_transaction()
    def test_service_record_workflow(self):
        "A service record goes draft → in progress → done"
        Record = Pool().get('crm.service.record')
        customer, admin = create_customer()
        record, = Record.create([{
                    'customer': customer.id,
                    'subject': "Printer jams",
                    'assignee': admin.id,
                    }])
        self.assertEqual(record.state, 'draft')
        self.assertEqual(record.service_type, 'consultation')
        self.assertEqual(record.service_way, 'phone')
        self.assertTrue(record.start_time)

        Record.start([record])
        self.assertEqual(record.state, 'in_progress')
        Record.done([record])
        self.assertEqual(record.state, 'done')
        # done is final: starting again is not a declared transition
        Record.start([record])
        self.assertEqual(record.state, 'done')
        self.assertEqual(customer.crm_service_records, (record,))

    @with_transaction()
    def test_negative_time_spent_refused(self):
        "A negative time spent is refused with the record's subject"
        Record = Pool().get('crm.service.record')
        customer, admin = create_customer()
        record, = Record.create([{
                    'customer': customer.id,
                    'subject': "Training",
                    'assignee': admin.id,
                    'time_spent': Decimal('1.5'),
                    }])
        with self.assertRaises(ValidationError) as cm:
            Record.write([record], {'time_spent': Decimal('-0.5')})
        self.assertIn("Training", str(cm.exception))
        record.time_spent = Decimal(0)
        record.save()

    @with_transaction()
    def test_contact_of_another_customer_refused(self):
        "The contact must belong to the record's customer"
        pool = Pool()
        Record = pool.get('crm.service.record')
        Contact = pool.get('crm.contact')
        customer, admin = create_customer("Customer A")
        other, _ = create_customer("Customer B")
        contact, = Contact.create([{'customer': other.id, 'name': "Li"}])
        with self.assertRaises(ValidationError):
            Record.create([{
                        'customer': customer.id,
                        'contact': contact.id,
                        'subject': "Call",
                        'assignee': admin.id,
                        }])

    @with_transaction()
    def test_only_customers_get_service_records(self):
        "A party that is not a CRM customer cannot get service records"
        pool = Pool()
        Record = pool.get('crm.service.record')
        Party = pool.get('party.party')
        _, admin = create_customer()
        supplier, = Party.create([{'name': "Supplier"}])
        with self.assertRaises(ValidationError):
            Record.create([{
                        'customer': supplier.id,
                        'subject': "Call",
                        'assignee': admin.id,
                        }])


del ModuleTestCase
