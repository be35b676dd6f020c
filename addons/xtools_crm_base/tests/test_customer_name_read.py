"""A page of records read as their customer is names the customers without
asking the customer's rule again (customer_name_read.py): the same rows as
Tryton's read, and Tryton's read wherever the record's rule could admit a
record whose customer the user does not read."""
import unittest
from unittest.mock import patch

from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.pyson import PYSONEncoder
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from .. import customer_name_read
from .tools import build_organisation, role_group


def read_as(user, Model, ids, fields_names, **context):
    with Transaction().set_user(user.id), \
            Transaction().set_context(_check_access=True, **context):
        return sorted(Model.read(ids, fields_names), key=lambda r: r['id'])


def tryton_read_as(user, Model, ids, fields_names, **context):
    with patch.object(customer_name_read, 'ENABLED', False):
        return read_as(user, Model, ids, fields_names, **context)


def customer_rule_asked(user, Model, ids, fields_names):
    "whether reading asks ir.rule for the customer's read domain, to apply"
    Rule = Pool().get('ir.rule')
    domain_get = Rule.domain_get.__func__
    asked = []

    def recorded(cls, model_name, mode='read'):
        if Transaction().check_access:
            asked.append((model_name, mode))
        return domain_get(cls, model_name, mode=mode)
    with patch.object(Rule, 'domain_get', classmethod(recorded)):
        read_as(user, Model, ids, fields_names)
    return ('party.party', 'read') in asked


class CustomerNameReadTestCase(unittest.TestCase):
    "The customers' names of a page, read once under the page's rule"

    @classmethod
    def setUpClass(cls):
        activate_module('xtools_crm_base')

    @with_transaction()
    def test_same_rows_as_tryton(self):
        "contacts and tasks, with and without a customer, a read limit"
        pool = Pool()
        Contact = pool.get('crm.contact')
        Task = pool.get('crm.task')
        _, users, customers = build_organisation()
        manager = users['manager_a']
        contacts = Contact.search([])
        tasks = Task.create([
                {'subject': "Call", 'customer': customers['staff_a1'].id},
                {'subject': "Visit", 'customer': customers['staff_a2'].id},
                {'subject': "Plan the week", 'customer': None,
                    'assignee': manager.id},
                ])
        cases = [
            (Contact, [c.id for c in contacts
                    if c.customer.crm_owner.crm_department.name in
                    {'A', 'A1'}], ['name', 'customer.rec_name']),
            (Contact, [c.id for c in contacts
                    if c.customer.crm_owner == manager],
                ['customer', 'customer.rec_name', 'rec_name']),
            (Task, [t.id for t in tasks], ['subject', 'customer.rec_name']),
            ]
        for Model, ids, fields_names in cases:
            with self.subTest(model=Model.__name__, fields=fields_names):
                rows = read_as(manager, Model, ids, fields_names)
                self.assertEqual(
                    rows, tryton_read_as(manager, Model, ids, fields_names))
                self.assertTrue(all(r['customer.'] is None
                        or r['customer.']['rec_name'].startswith("Customer")
                        for r in rows))
        # sao's related_read_limit: the names of the first customers only
        ids = [t.id for t in tasks]
        self.assertEqual(
            read_as(manager, Task, ids, ['customer.rec_name'],
                related_read_limit=1),
            tryton_read_as(manager, Task, ids, ['customer.rec_name'],
                related_read_limit=1))
        self.assertEqual(
            [r['customer.'] for r in read_as(manager, Task, ids,
                    ['customer.rec_name'], related_read_limit=1)][:2],
            [{'id': customers['staff_a1'].id,
                    'rec_name': customers['staff_a1'].rec_name},
                {'id': customers['staff_a2'].id}])

    @with_transaction()
    def test_customer_rule_not_asked_again(self):
        "a page of contacts' customers: the rule of the contacts only"
        Contact = Pool().get('crm.contact')
        _, users, customers = build_organisation()
        staff = users['staff_a1']
        ids = [c.id for c in Contact.search([
                    ('customer', '=', customers['staff_a1'].id)])]
        self.assertFalse(
            customer_rule_asked(staff, Contact, ids, ['customer.rec_name']))
        # Another field of the customer: Tryton's read of the customer
        self.assertTrue(customer_rule_asked(staff, Contact, ids,
                ['customer.rec_name', 'customer.code']))
        with patch.object(customer_name_read, 'ENABLED', False):
            self.assertTrue(customer_rule_asked(
                    staff, Contact, ids, ['customer.rec_name']))

    @with_transaction()
    def test_customer_hidden_by_its_rule_is_not_named(self):
        """A contact rule group of its own may admit a contact whose customer
        a rule group of the customer's hides: Tryton's read refuses it, and
        so does this one"""
        pool = Pool()
        Contact = pool.get('crm.contact')
        RuleGroup = pool.get('ir.rule.group')
        _, users, customers = build_organisation()
        staff = users['staff_a1']
        sales = role_group('sales')
        self.assertIn(sales, [g.id for g in staff.groups])
        encode = PYSONEncoder().encode
        own = customers['staff_a1']
        # The salespeople read the customers named "Customer of staff_a1"
        # only (besides the hierarchy's global rule) …
        RuleGroup.create([{
                    'name': "Named customers", 'model': 'party.party',
                    'global_p': False, 'perm_read': True,
                    'groups': [('add', [sales])],
                    'rules': [('create', [{'domain': encode(
                                        [('name', '=', own.name)])}])],
                    }, {
                    # … and the contacts named "公开", whatever the customer
                    'name': "Public contacts", 'model': 'crm.contact',
                    'global_p': False, 'perm_read': True,
                    'groups': [('add', [sales])],
                    'rules': [('create', [{'domain': encode(
                                        [('name', '=', "公开")])}])],
                    }])
        # A customer of the hierarchy the named rule hides, its contact public
        hidden, = pool.get('party.party').create([{
                    'name': "Second customer of staff_a1",
                    'crm_customer_type': 'enterprise',
                    'crm_owner': staff.id}])
        contact, = Contact.create([{'customer': hidden.id, 'name': "公开"}])

        self.assertEqual(read_as(staff, Contact, [contact.id], ['name']),
            [{'id': contact.id, 'name': "公开"}])
        for read in [read_as, tryton_read_as]:
            with self.subTest(read=read.__name__):
                with self.assertRaises(UserError) as raised:
                    read(staff, Contact, [contact.id],
                        ['name', 'customer.rec_name'])
                self.assertNotIn(hidden.name, str(raised.exception))
        # The contact of the customer both rules admit is named
        visible, = Contact.search([('customer', '=', own.id)])
        self.assertEqual(
            read_as(staff, Contact, [visible.id], ['customer.rec_name']),
            [{'id': visible.id,
                    'customer.': {'id': own.id, 'rec_name': own.rec_name}}])
