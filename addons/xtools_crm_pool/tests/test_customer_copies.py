"""Deals and opportunities copy their customer's rule columns (owner,
type, library: xtools_crm_base/customer_copy.py) and their record rules
are conditions on those copies: after every way a customer changes hands
the copies equal the customer's columns, and every user sees exactly the
deals and opportunities of the customers he reads."""
import re
import unittest
from unittest import mock

from sql import Column, Table

from trytond import backend
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.tests.test_tryton import activate_module
from trytond.transaction import Transaction

from xtools_crm_base.tests.test_search_indexes import index_definitions
from xtools_crm_base.tests.tools import executed

from .tools import TODAY, as_user, customer, days, pool_test, run_pool

MODULES = ['xtools_crm_pool', 'xtools_crm_sales']
COPIES = [('crm_owner', 'crm_party_owner'),
    ('crm_customer_type', 'crm_party_type'),
    ('crm_deleted_date', 'crm_party_deleted_date'),
    ('crm_library', 'crm_party_library')]


def stale_copies():
    "[(table, id)] of the deals and opportunities whose copies differ"
    cursor = Transaction().connection.cursor()
    stale = []
    for table in ['sale_sale', 'sale_opportunity']:
        differs = ' OR '.join(
            f'(r.{o} IS NULL) != (p.{c} IS NULL) '
            f'OR r.{o} != p.{c}' for c, o in COPIES)
        cursor.execute(f'SELECT r.id FROM {table} r '
            f'JOIN party_party p ON p.id = r.party WHERE {differs}')
        stale.extend((table, i) for i, in cursor)
    return stale


def stored(record, column):
    "A column as stored (the triggers write behind the ORM's cache)"
    table = Table(record._table)
    cursor = Transaction().connection.cursor()
    cursor.execute(*table.select(
            Column(table, column), where=table.id == record.id))
    value, = cursor.fetchone()
    return value


def deal_and_opportunity(party):
    pool = Pool()
    Sale = pool.get('sale.sale')
    Opportunity = pool.get('sale.opportunity')
    deal, = Sale.create([{'party': party.id}])
    opportunity, = Opportunity.create([{
                'party': party.id, 'description': party.name}])
    return deal, opportunity


class CustomerCopiesTestCase(unittest.TestCase):
    "The copies of the customer's rule columns on deals and opportunities"

    @classmethod
    def setUpClass(cls):
        activate_module(MODULES)

    def assertVisibleAsCustomers(self, users):
        """Each user reads the deals and opportunities of the customers he
        reads, no more, no fewer"""
        pool = Pool()
        Party = pool.get('party.party')
        Sale = pool.get('sale.sale')
        Opportunity = pool.get('sale.opportunity')
        with Transaction().set_user(0), Transaction().set_context(
                _check_access=False, active_test=False):
            every = {M: [(r.id, r.party.id) for r in M.search([])]
                for M in [Sale, Opportunity]}
        for login, user in users.items():
            with as_user(user), Transaction().set_context(
                    active_test=False):
                readable = {p.id for p in Party.search([])}
                for Model, records in every.items():
                    expected = sorted(
                        i for i, party in records if party in readable)
                    found = sorted(r.id for r in Model.search([]))
                    self.assertEqual(found, expected, (login, Model))
                    self.assertEqual(
                        Model.search_count([]), len(expected),
                        (login, Model))

    @pool_test(pool_protection_days=30)
    def test_copies_follow_the_customer(self, users):
        """Transfers, claims, releases, returns, the recycle bin, SQL updates
        and type changes"""
        pool = Pool()
        Party = pool.get('party.party')
        Sale = pool.get('sale.sale')
        owned = customer("Owned", users['staff_a1'], 'B')
        other = customer("Other", users['staff_b'], 'B')
        pooled = customer("Pooled", users['staff_b'], 'E')
        records = [deal_and_opportunity(c) for c in [owned, other, pooled]]
        self.assertEqual(stale_copies(), [])
        self.assertEqual(
            stored(records[0][0], 'crm_party_owner'), users['staff_a1'].id)
        self.assertVisibleAsCustomers(users)

        # Transfer (the ORM's write of the owner)
        Party.crm_transfer([owned], users['staff_b'])
        self.assertEqual(stale_copies(), [])
        self.assertVisibleAsCustomers(users)

        # Into the public pool and claimed back by another salesperson
        with as_user(users['staff_b']):
            Party.crm_pool_release([Party(pooled.id)], "No time")
        self.assertEqual(stale_copies(), [])
        self.assertIsNone(stored(records[2][0], 'crm_party_owner'))
        self.assertEqual(stored(records[2][0], 'crm_party_library'), 'public')
        self.assertVisibleAsCustomers(users)
        with as_user(users['staff_a2']):
            Party.crm_pool_claim([Party(pooled.id)])
        self.assertEqual(stale_copies(), [])
        self.assertVisibleAsCustomers(users)

        # The daily run's set-based return of a customer left unfollowed
        run_pool(TODAY + days(400))
        self.assertEqual(stale_copies(), [])
        self.assertVisibleAsCustomers(users)

        # Into the recycle bin: hidden with the customer, and back
        with as_user(users['staff_b']):
            Party.delete([Party(owned.id)])
        self.assertEqual(stale_copies(), [])
        self.assertIsNotNone(stored(records[0][0], 'crm_party_deleted_date'))
        self.assertVisibleAsCustomers(users)
        with as_user(users['staff_b']):
            with Transaction().set_context(crm_recycle_bin=True):
                Party.crm_restore([Party(owned.id)])
        self.assertEqual(stale_copies(), [])
        self.assertIsNone(stored(records[0][0], 'crm_party_deleted_date'))
        self.assertVisibleAsCustomers(users)

        # A plain SQL update of the customer, as Tryton's party replace
        # and the imports do
        party = Party.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*party.update(
                [party.crm_owner, party.crm_customer_type],
                [users['staff_a2'].id, None], where=party.id == other.id))
        self.assertEqual(stale_copies(), [])
        self.assertVisibleAsCustomers(users)

    @pool_test()
    def test_copies_follow_the_link(self, users):
        "A deal moved to another customer takes that customer's columns"
        pool = Pool()
        Sale = pool.get('sale.sale')
        first = customer("First", users['staff_a1'], 'B')
        second = customer("Second", users['staff_b'], 'B')
        deal, _ = deal_and_opportunity(first)
        Sale.write([deal], {'party': second.id})
        self.assertEqual(
            stored(deal, 'crm_party_owner'), users['staff_b'].id)
        self.assertEqual(stale_copies(), [])

    @pool_test()
    def test_copies_cannot_be_forged(self, users):
        """Whatever is written into a copy, the deal keeps its customer's
        value (a deal cannot be made visible to someone else)"""
        pool = Pool()
        Sale = pool.get('sale.sale')
        owned = customer("Owned", users['staff_a1'], 'B')
        deal, opportunity = deal_and_opportunity(owned)
        Sale.write([deal], {'crm_party_owner': users['staff_b'].id})
        sale = Sale.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*sale.update(
                [sale.crm_party_owner, sale.crm_party_library],
                [users['staff_b'].id, 'public'], where=sale.id == deal.id))
        self.assertEqual(stale_copies(), [])
        with as_user(users['staff_b']):
            self.assertEqual(Sale.search([('id', '=', deal.id)]), [])

    @pool_test()
    def test_rule_reads_no_customer_row(self, users):
        """A salesperson's deal rule is a condition on the deal's own
        columns: no lookup of the customer per deal, not even of the
        binned ones"""
        pool = Pool()
        Rule = pool.get('ir.rule')
        with as_user(users['staff_a1']):
            domain = Rule.domain_get('sale.sale', mode='read')
        self.assertNotIn("where'", repr(domain), domain)
        self.assertIn("('crm_party_deleted_date', '=', None)", repr(domain))
        if backend.name != 'postgresql':
            return
        Sale = pool.get('sale.sale')
        with as_user(users['staff_a1']):
            sql, params = tuple(Sale.search([], query=True))
        cursor = Transaction().connection.cursor()
        cursor.execute('EXPLAIN ' + sql, params)
        plan = '\n'.join(line for line, in cursor)
        self.assertNotIn('party_party', plan, plan)

    @pool_test()
    def test_pool_arm_has_its_index(self, users):
        """The rule's pool arm (a library the user reads, no owner) has the
        (library, owner) index of the copies, which answers it in one scan:
        not the AND of every unowned deal's and every public one's bitmaps,
        which cost a deal list's counts 3 ms each at 1,000,000 customers"""
        pool = Pool()
        Rule = pool.get('ir.rule')
        with as_user(users['staff_a1']):
            domain = repr(Rule.domain_get('sale.sale', mode='read'))
        # The arm as the rule states it
        self.assertIn("('crm_party_library', '=', 'public'), "
            "('crm_party_owner', '=', None)", domain)
        # (Which index the planner takes depends on the statistics of a
        # big table: bench/README.md shows the plans at 1,000,000.)
        for table in ['sale_sale', 'sale_opportunity']:
            self.assertTrue(any(
                    re.search(r'\(crm_party_library ?, ?crm_party_owner\b',
                        d) for d in index_definitions(table)), table)

    @pool_test()
    def test_list_tabs_end_the_rule_arms_indexes(self, users):
        """The indexes of the deal and opportunity rules' arms (the
        owner's, the public pool's) end with the column of the lists'
        counted tabs (the deal type of Contracts and Orders, the state of
        In Progress): a tab's count visits its own records only (at
        1,000,000 customers the Contracts count visited the public orders
        too: bench/README.md)"""
        pool = Pool()
        Rule = pool.get('ir.rule')
        for model, table, column in [
                ('sale.sale', 'sale_sale', 'crm_deal_type'),
                ('sale.opportunity', 'sale_opportunity', 'state')]:
            with as_user(users['staff_a1']):
                domain = repr(Rule.domain_get(model, mode='read'))
            self.assertIn("('crm_party_owner', 'in', [", domain)
            definitions = index_definitions(table)
            for arm in [r'crm_party_owner',
                    r'crm_party_library ?, ?crm_party_owner']:
                self.assertTrue(any(re.search(rf'\({arm} ?, ?{column} ?\)', d)
                        for d in definitions), (arm, definitions))
                # In place of the index of the arm alone
                self.assertFalse(any(re.search(rf'\({arm} ?\)', d)
                        for d in definitions), (arm, definitions))

    @pool_test()
    def test_tab_counts_are_read_from_the_arms_indexes(self, users):
        """sao's counts of the deal and opportunity lists' tabs, as a
        salesperson asks them (his customers, shares, the public pool),
        are counted arm by arm on PostgreSQL, and the index of each big
        arm — his own customers', the public pool's — holds every column
        the count tests: each arm is read from its index alone and stops at the
        limit (at 1,000,000 customers a bitmap of the public pool's
        20,000 contracts and a visit of each: bench/README.md)"""
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        TabDomain = pool.get('ir.action.act_window.domain')
        tabs = [('sale.sale', 'sale_sale', 'act_sale_form_domain_contract'),
            ('sale.sale', 'sale_sale', 'act_sale_form_domain_order'),
            ('sale.sale', 'sale_sale', 'act_sale_form_domain_submitted'),
            ('sale.opportunity', 'sale_opportunity',
                'act_opportunity_form_domain_open')]
        for model, table, xml_id in tabs:
            Model = pool.get(model)
            tab = TabDomain(ModelData.get_id('xtools_crm_sales', xml_id))
            self.assertTrue(tab.count, xml_id)
            domain = PYSONDecoder({}).decode(tab.domain)
            # As on a big table: below its size, a count goes by arms
            with as_user(users['staff_a1']), executed() as statements, \
                    mock.patch.object(Model, 'estimated_count',
                        return_value=10 ** 6):
                Model.search_count(domain, 0, 1000)
            sql, _ = statements[-1]
            self.assertIn('COUNT', sql)
            aliases = re.findall(rf'FROM "{table}" AS "(\w+)"', sql)
            tested = {c for a in aliases
                for c in re.findall(rf'"{a}"\."(\w+)"', sql)}
            self.assertTrue({'crm_party_owner', 'crm_party_library',
                    'crm_party_deleted_date'} <= tested, sql)
            if backend.name != 'postgresql':
                # SQLite's indexes cannot INCLUDE: Tryton's count
                self.assertEqual(len(aliases), 1, sql)
                continue
            # One branch per arm: own customers, shares, public pool …
            self.assertGreaterEqual(len(aliases), 3, sql)
            held = {}
            for definition in index_definitions(table):
                found = re.search(
                    r'\(([\w, ]+)\)(?: include \(([\w, ]+)\))?$',
                    definition)
                if not found:
                    continue
                keys = found.group(1).split(', ')
                held[keys[0]] = set(keys) | set(
                    (found.group(2) or '').split(', '))
            for arm in ['crm_party_owner', 'crm_party_library']:
                self.assertLessEqual(tested, held[arm], (xml_id, arm))

    @pool_test()
    def test_customer_count_reads_the_owner_index(self, users):
        """The customer list's count of a salesperson who reads the public
        pool: his own customers' branch tests only columns of the owner
        index (the pool's library among them), whatever the arms' order"""
        from xtools_crm_base.tests.test_owner_arm_index import (
            counted_statement, held_by_index, owner_branch)
        if backend.name != 'postgresql':
            self.skipTest("SQLite's counts are Tryton's")
        Party = Pool().get('party.party')
        sql = counted_statement(users['staff_a1'], Party,
            [('crm_customer_type', '!=', None)], 6000)
        self.assertIn('"crm_library"', sql)
        held = held_by_index('party_party', 'crm_owner')
        self.assertIn('crm_library', held)
        owner = owner_branch(sql)
        self.assertTrue(owner, sql)
        self.assertLessEqual(
            set(re.findall(r'"\w+"\."(\w+)"', owner)), held, owner)

    @pool_test(pool_temporary_days=30, pool_private_days=90,
        pool_protection_days=10)
    def test_returning_count_reads_the_owner_index(self, users):
        """即将回归公海 (all and mine) of a department's manager and of a
        salesperson, counted arm by arm (Mine: its owner arm alone): the
        owners' branch tests only columns of the owner index — the return
        condition's (libraries, dates, grade, exemption flags, the goals'
        tests of the customer) — so a department's returning customers are
        counted from the index"""
        from xtools_crm_base.tests.test_owner_arm_index import (
            counted_statement, held_by_index, owner_branch)
        if backend.name != 'postgresql':
            self.skipTest("SQLite's counts are Tryton's")
        Party = Pool().get('party.party')
        held = held_by_index('party_party', 'crm_owner')
        returning = [('crm_customer_type', '!=', None),
            ('crm_returning_soon', '=', True)]
        for login in ['manager_a', 'staff_a1']:
            user = users[login]
            mine = returning + [('crm_owner', '=', user.id)]
            for domain in [returning, mine]:
                sql = counted_statement(user, Party, domain, 6000)
                # The owners' branch apart from the other arms' (Mine: that
                # branch alone, the domain implies it)
                self.assertEqual('UNION ALL' in sql, domain is returning)
                owner = owner_branch(sql)
                self.assertTrue(owner, (login, sql))
                alias, = re.findall(r'FROM "party_party" AS "(\w+)"', owner)
                tested = set(re.findall(rf'"{alias}"\."(\w+)"', owner))
                self.assertTrue({'crm_library_date', 'crm_protection_end',
                        'crm_pool_approved_deal'} <= tested, owner)
                self.assertLessEqual(tested, held, (login, owner))
