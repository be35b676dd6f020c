"""sao's _write and _delete of a page (same_rule_columns.py): _delete is
_write where the two rules are one domain, Tryton's own column elsewhere;
the same values as Tryton's read either way."""
import unittest
from unittest.mock import patch

from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from .. import same_rule_columns
from .tools import build_organisation

FLAGS = ['_write', '_delete']


def flags_as(user, Model, records):
    "{record: (_write, _delete)} as the user reads them"
    with Transaction().set_user(user.id), \
            Transaction().set_context(_check_access=True):
        rows = Model.read([r.id for r in records], ['rec_name'] + FLAGS)
    return {Model(r['id']): (r.get('_write'), r.get('_delete'))
        for r in rows}


def tryton_flags_as(user, Model, records):
    with patch.object(same_rule_columns, 'ENABLED', False):
        return flags_as(user, Model, records)


class SameRuleColumnsTestCase(unittest.TestCase):
    "Which rows a page shows as changeable and deletable"

    @classmethod
    def setUpClass(cls):
        activate_module('xtools_crm_base')

    @with_transaction()
    def test_flags_as_tryton_s(self):
        """own, shared read-only and shared read-write customers and their
        contacts: the contacts' one rule gives both flags, the customers'
        two rules each their own"""
        pool = Pool()
        Party = pool.get('party.party')
        Contact = pool.get('crm.contact')
        Share = pool.get('crm.customer.share')
        _, users, customers = build_organisation()
        staff = users['staff_a1']
        own, read_only, read_write = (customers['staff_a1'],
            customers['staff_b'], customers['manager_a'])
        Share.create([
                {'customer': read_only.id, 'user': staff.id, 'mode': 'read'},
                {'customer': read_write.id, 'user': staff.id,
                    'mode': 'write'}])
        parties = [own, read_only, read_write]
        contacts = Contact.search([('customer', 'in', parties)])

        for Model, records in [(Party, parties), (Contact, contacts)]:
            with self.subTest(model=Model.__name__):
                self.assertEqual(flags_as(staff, Model, records),
                    tryton_flags_as(staff, Model, records))
        self.assertEqual(flags_as(staff, Party, parties), {
                own: (True, True),
                read_only: (False, False),
                # shared to change, not to delete
                read_write: (True, False),
                })
        self.assertEqual(
            {c.customer: flags for c, flags
                in flags_as(staff, Contact, contacts).items()},
            {own: (True, True), read_only: (False, False),
                read_write: (True, True)})

    @with_transaction()
    def test_delete_rule_not_converted(self):
        "the contacts' page converts one rule for the two flags"
        pool = Pool()
        Contact = pool.get('crm.contact')
        _, users, customers = build_organisation()
        staff = users['staff_a1']
        contacts = Contact.search([('customer', '=', customers['staff_a1'].id)])
        search_domain = Contact.search_domain.__func__
        converted = []

        def recorded(cls, domain, *args, **kwargs):
            converted.append(domain)
            return search_domain(cls, domain, *args, **kwargs)
        Rule = pool.get('ir.rule')
        with Transaction().set_user(staff.id), \
                Transaction().set_context(_check_access=True):
            write_rule = Rule.domain_get('crm.contact', mode='write')
        for enabled, times in [(True, 1), (False, 2)]:
            converted.clear()
            with patch.object(same_rule_columns, 'ENABLED', enabled), \
                    patch.object(Contact, 'search_domain',
                        classmethod(recorded)):
                flags_as(staff, Contact, contacts)
            with self.subTest(enabled=enabled):
                self.assertEqual(converted.count(write_rule), times)

    @with_transaction()
    def test_table_query_keeps_tryton_s_answer(self):
        "the customer's timeline (a union of its follow-ups) as sao reads it"
        pool = Pool()
        Activity = pool.get('crm.activity')
        Timeline = pool.get('crm.customer.timeline')
        _, users, customers = build_organisation()
        staff = users['staff_a1']
        Activity.create([{'customer': customers['staff_a1'].id,
                    'subject': "Called", 'author': staff.id}])
        with Transaction().set_user(staff.id), \
                Transaction().set_context(_check_access=True):
            lines = Timeline.search([])
        self.assertTrue(lines)
        self.assertEqual(flags_as(staff, Timeline, lines),
            tryton_flags_as(staff, Timeline, lines))
