"""The customer form's tabs (activities, tasks, the timeline, contacts …)
get their ids from one search query (one2many_search.py): the same rows in
the same order under the same rules as Tryton's One2Many, without a record
built per row (quadratic in the rows: seconds for a customer with 2,000
activities)."""
import contextlib
import datetime as dt
import unittest
from unittest.mock import patch

from trytond.model import Model, ModelStorage, fields
from trytond.modules.company.tests import set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from .tools import build_organisation

TABS = ['crm_activities', 'crm_tasks', 'crm_timeline', 'crm_contacts']


@contextlib.contextmanager
def field_definitions():
    "The (model, field names) of every fields_get made meanwhile"
    fields_get = Model.fields_get.__func__
    made = []

    def counted(cls, fields_names=None, level=0):
        made.append((cls.__name__, tuple(fields_names or ())))
        return fields_get(cls, fields_names, level)
    with patch.object(Model, 'fields_get', classmethod(counted)):
        yield made


class One2ManyBySearchTestCase(unittest.TestCase):
    "The customer's tabs read their ids by one search"

    @classmethod
    def setUpClass(cls):
        activate_module('xtools_crm_base')

    def followups(self, customer, user, n):
        pool = Pool()
        Activity = pool.get('crm.activity')
        Task = pool.get('crm.task')
        Contact = pool.get('crm.contact')
        today = pool.get('ir.date').today()
        Activity.create([{
                    'customer': customer.id, 'subject': f"Call {i}",
                    'date': today - dt.timedelta(days=(i * 7) % n),
                    'author': user.id} for i in range(n)])
        Task.create([{
                    'customer': customer.id, 'subject': f"Task {i}",
                    'due_date': today + dt.timedelta(days=i),
                    'assignee': user.id} for i in range(n // 4)])
        Task.create([{'subject': "Personal", 'due_date': today}])
        contacts = Contact.create([
                {'customer': customer.id, 'name': f"Contact {i}"}
                for i in range(5)])
        Contact.write(contacts[:1], {'active': False})
        return contacts[0]

    @with_transaction()
    def test_customer_tabs_same_ids_no_record_per_row(self):
        "Opening a customer lists its rows without building one record each"
        pool = Pool()
        Party = pool.get('party.party')
        company, users, customers = build_organisation()
        staff = users['staff_a1']
        customer = customers['staff_a1']
        archived = self.followups(customer, staff, 40)
        self.followups(customers['staff_a2'], users['staff_a2'], 8)

        Targets = [pool.get(Party._fields[n].model_name) for n in TABS]
        with set_company(company), \
                Transaction().set_user(staff.id), \
                Transaction().set_context(_check_access=True):
            expected = {name: fields.One2Many.get(
                    Party._fields[name], [customer.id], Party, name)[
                    customer.id] for name in TABS}
            browsed = [patch.object(T, 'browse', wraps=T.browse)
                for T in Targets]
            mocks = [p.start() for p in browsed]
            try:
                values, = Party.read([customer.id], TABS)
            finally:
                for p in browsed:
                    p.stop()

        self.assertEqual(
            {name: len(values[name]) for name in TABS[:3]},
            {'crm_activities': 40, 'crm_tasks': 10, 'crm_timeline': 50})
        self.assertNotIn(archived.id, values['crm_contacts'])
        self.assertGreaterEqual(len(values['crm_contacts']), 4)
        self.assertEqual(
            {name: tuple(values[name]) for name in TABS}, expected)
        self.assertEqual(
            sum(len(c.args[0]) for m in mocks for c in m.call_args_list), 0)

    @with_transaction()
    def test_several_customers(self):
        "Read for several customers at once, each gets its own rows"
        pool = Pool()
        Party = pool.get('party.party')
        company, users, customers = build_organisation()
        first, second = customers['staff_a1'], customers['staff_a2']
        self.followups(first, users['staff_a1'], 8)
        self.followups(second, users['staff_a2'], 4)
        with set_company(company):
            values = Party.read([first.id, second.id], TABS)
            one = [Party.read([c.id], TABS)[0] for c in [first, second]]
        self.assertEqual(
            [{n: tuple(v[n]) for n in TABS} for v in values],
            [{n: tuple(v[n]) for n in TABS} for v in one])
        self.assertEqual(
            [len(v['crm_activities']) for v in values], [8, 4])

    @with_transaction()
    def test_tab_rows_browsed_in_linear_time(self):
        """A page of a tab's rows (1,000 at most for sao) is browsed without
        Tryton's check of the whole id list for each row (LinearBrowse)"""
        pool = Pool()
        init = ModelStorage.__init__
        for name in ['crm.activity', 'crm.task', 'crm.schedule',
                'crm.customer.timeline']:
            Model = pool.get(name)
            with patch.object(ModelStorage, '__init__', autospec=True,
                    side_effect=init) as created:
                records = Model.browse(range(1, 1001))
            with self.subTest(model=name):
                self.assertEqual([r.id for r in records], list(range(1, 1001)))
                self.assertEqual(created.call_count, 1000)
                self.assertEqual(sum(
                        '_ids' in c.kwargs for c in created.call_args_list), 0)

    @with_transaction()
    def test_tab_selection_labels_one_definition(self):
        """A page of tasks read with their state's label (as sao asks a
        list) makes the field's definition once, not once per row"""
        pool = Pool()
        Task = pool.get('crm.task')
        company, users, customers = build_organisation()
        self.followups(customers['staff_a1'], users['staff_a1'], 120)
        tasks = Task.search([('customer', '=', customers['staff_a1'].id)])
        Task.write(tasks[:10], {'state': 'done', 'done_date': None})
        with field_definitions() as made:
            rows = Task.read([t.id for t in tasks], ['state', 'state:string'])
        self.assertEqual(
            {(r['state'], r['state:string']) for r in rows},
            {('open', "Open"), ('done', "Done")})
        self.assertEqual(made.count(('crm.task', ('state',))), 1)

    @with_transaction()
    def test_customer_list_selection_labels_one_definition(self):
        """A page of the customer list read with the customer type's label
        makes the field's definition once, not once per customer"""
        pool = Pool()
        Party = pool.get('party.party')
        company, users, customers = build_organisation()
        parties = Party.search([('crm_customer_type', '!=', None)])
        self.assertGreater(len(parties), 1)
        with field_definitions() as made:
            rows = Party.read([p.id for p in parties],
                ['crm_customer_type', 'crm_customer_type:string'])
        self.assertEqual(
            {r['crm_customer_type:string'] for r in rows},
            {dict(Party.crm_customer_type.selection)[p.crm_customer_type]
                for p in parties})
        self.assertEqual(
            made.count(('party.party', ('crm_customer_type',))), 1)
