import datetime as dt

from trytond.model.exceptions import ValidationError
from trytond.modules.company.tests import create_company, set_company
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
        self.assertEqual(record.service_type.name, "Consulting")
        self.assertEqual(record.service_way.name, "Phone")
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
                    'minutes_spent': 90,
                    }])
        with self.assertRaises(ValidationError) as cm:
            Record.write([record], {'minutes_spent': -30})
        self.assertIn("Training", str(cm.exception))
        record.minutes_spent = 0
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

    @with_transaction()
    def test_complaint_deadline_in_company_time(self):
        """The deadline counts the company's business days in its timezone
        and holidays: in Shanghai, Friday 3 April 2026 at 15:00 (07:00 UTC)
        is answered by Tuesday 7 April at 15:00, Monday 6 being 清明"""
        pool = Pool()
        Complaint = pool.get('crm.complaint')
        Holiday = pool.get('crm.holiday')
        company = create_company()
        company.timezone = 'Asia/Shanghai'
        company.save()
        with set_company(company):
            Holiday.create([{
                        'date': dt.date(2026, 4, d), 'name': "清明节",
                        } for d in (4, 5, 6)])
            self.assertEqual(
                Complaint.compute_deadline(
                    dt.datetime(2026, 4, 3, 7, 0), company.id),
                dt.datetime(2026, 4, 7, 7, 0))
            # Friday 6 March at 17:00 UTC is already Saturday in Shanghai:
            # answered by the end of Monday, Shanghai time
            self.assertEqual(
                Complaint.compute_deadline(
                    dt.datetime(2026, 3, 6, 17, 0), company.id),
                dt.datetime(2026, 3, 9, 16, 0))

    @with_transaction()
    def test_working_weekdays_setting(self):
        """A company working Saturdays answers a Friday complaint on
        Saturday; a week without working day is refused"""
        pool = Pool()
        Complaint = pool.get('crm.complaint')
        Configuration = pool.get('crm.configuration')
        company = create_company()
        with set_company(company):
            config = Configuration(1)
            config.service_working_weekdays = ['0', '1', '2', '3', '4', '5']
            config.save()
            self.assertEqual(
                Complaint.compute_deadline(
                    dt.datetime(2026, 3, 6, 9, 0), company.id),
                dt.datetime(2026, 3, 7, 9, 0))
            config.service_working_weekdays = []
            with self.assertRaises(ValidationError):
                config.save()

    @with_transaction()
    def test_holiday_workday_on_weekday_refused(self):
        "A swapped working day (调休) is a weekend day"
        Holiday = Pool().get('crm.holiday')
        company = create_company()
        with set_company(company):
            with self.assertRaises(ValidationError):
                Holiday.create([{
                            'date': dt.date(2026, 3, 4), 'name': "调休",
                            'kind': 'workday'}])
            Holiday.create([{
                        'date': dt.date(2026, 2, 14), 'name': "春节调休",
                        'kind': 'workday'}])


del ModuleTestCase
