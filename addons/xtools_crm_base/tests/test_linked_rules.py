"""Records linked to a customer reach it through one subquery: the rule
domain ORs the reasons a user sees a customer inside one (link, 'where',
…) instead of one subquery per reason, which the database ran on every
row of a deal or opportunity list (bench_views.py)."""
import unittest

from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from ..rules import _merge_where
from .test_permissions import visible
from .tools import build_organisation


def where_clauses(domain, found=None):
    "[(link, operator)] of the domain's 'where' clauses, nested ones too"
    found = [] if found is None else found
    if (isinstance(domain, (list, tuple)) and len(domain) >= 3
            and isinstance(domain[1], str)
            and domain[1] in {'where', 'not where'}):
        found.append(tuple(domain[:2]))
        where_clauses(domain[2], found)
    elif isinstance(domain, (list, tuple)):
        for item in domain:
            where_clauses(item, found)
    return found


class LinkedRulesTestCase(unittest.TestCase):
    "One customer subquery per link in the rules of linked records"

    @classmethod
    def setUpClass(cls):
        activate_module('xtools_crm_base')

    def test_merge_where(self):
        "The arms of an OR through one link become one; others are kept"
        a, b, c = ('x', '=', 1), ('y', '=', 2), ('z', '=', 3)
        self.assertEqual(
            _merge_where(['OR',
                    ['OR', ('party', 'where', [a])],
                    ['OR', ('party', 'where', [b])],
                    ('other', 'where', [c]),
                    c,
                    ]),
            ['OR', ('party', 'where', ['OR', [a], [b]]),
                ('other', 'where', [c]), c])
        # Arms that match nothing are dropped inside the merged subquery
        self.assertEqual(
            _merge_where(['OR',
                    ('party', 'where', [('id', '=', None)]),
                    ('party', 'where', [a])]),
            ['OR', ('party', 'where', ['OR', [a]])])
        # An AND is not an OR: its subqueries stay apart
        self.assertEqual(
            _merge_where([('party', 'where', [a]), ('party', 'where', [b])]),
            [('party', 'where', [a]), ('party', 'where', [b])])

    @with_transaction()
    def test_one_subquery_per_link(self):
        "A salesperson's rule on contacts asks for the customer once"
        pool = Pool()
        Rule = pool.get('ir.rule')
        Share = pool.get('crm.customer.share')
        _, users, customers = build_organisation()
        Share.create([{'customer': customers['staff_a2'].id,
                    'user': users['staff_a1'].id, 'mode': 'read'}])
        staff = users['staff_a1']
        with Transaction().set_user(staff.id), \
                Transaction().set_context(_check_access=True):
            domain = Rule.domain_get('crm.contact', mode='read')
        self.assertEqual(
            sorted(where_clauses(domain)),
            [('customer', 'not where'), ('customer', 'where')])
        # and finds the contacts of the customers it sees
        Contact = pool.get('crm.contact')
        Contact.create([{'customer': c.id, 'name': k}
                for k, c in customers.items()])
        self.assertEqual(
            {c.customer.id for c in visible(staff, 'crm.contact')},
            {customers['staff_a1'].id, customers['staff_a2'].id})
