"""The customer list's count of a salesperson, counted arm by arm on
PostgreSQL (rule_arm_count.py), reads his own customers from the owner
index alone: the index holds every column the owner arm's branch tests
(customer.py). At 1,000,000 customers the branch visited 2,700 table
pages for a salesperson's 4,200 customers (bench/README.md)."""
import re
import unittest
from unittest import mock

from trytond import backend
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from .test_search_indexes import index_definitions
from .tools import build_organisation, executed


def counted_statement(user, Model, domain, limit):
    "The SQL of search_count as the user, on a table as big as 1,000,000"
    with Transaction().set_user(user.id), \
            Transaction().set_context(_check_access=True), \
            executed() as statements, \
            mock.patch.object(Model, 'estimated_count',
                return_value=10 ** 6):
        Model.search_count(domain, 0, limit)
    sql, _ = statements[-1]
    return sql


def held_by_index(table, first):
    "the columns (keys and included) of the index of table led by first"
    for definition in index_definitions(table):
        found = re.search(
            r'\(([\w, ]+)\)(?: include \(([\w, ]+)\))?$', definition)
        if found and found.group(1).split(', ')[0] == first:
            return set(found.group(1).split(', ')) | set(
                filter(None, (found.group(2) or '').split(', ')))
    return set()


def owner_branch(sql):
    """The branch of a count by arms that counts the owner arm (where the
    owner test is not a negation, IS NOT TRUE), or None"""
    for branch in sql.split('UNION ALL'):
        if re.search(r'\("\w+"\."crm_owner" = ANY \(%s\)\)\)(?! IS)', branch):
            return branch


@unittest.skipIf(backend.name != 'postgresql',
    "SQLite's indexes cannot include columns; its counts are Tryton's")
class OwnerArmIndexTestCase(unittest.TestCase):
    "The owner arm of a customer count, read from its index"

    @classmethod
    def setUpClass(cls):
        activate_module('xtools_crm_base')

    @with_transaction()
    def test_owner_branch_is_covered(self):
        Party = Pool().get('party.party')
        _, users, _ = build_organisation()
        for login in ['staff_a1', 'manager_a']:
            with self.subTest(user=login):
                sql = counted_statement(users[login], Party,
                    [('crm_customer_type', '!=', None)], 6000)
                self.assertIn('UNION ALL', sql)
                owner = owner_branch(sql)
                self.assertTrue(owner, sql)
                tested = set(re.findall(r'"\w+"\."(\w+)"', owner))
                self.assertIn('crm_deleted_date', tested)
                self.assertLessEqual(
                    tested, held_by_index('party_party', 'crm_owner'), owner)
