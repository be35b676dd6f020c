"""A ruled user's capped count runs the read rule's arms one after the
other (xtools_crm_base/rule_arm_count.py): for every user of the pool's
organisation, customers, deals and opportunities, every list domain and
page, the count is the number of records
the same user's search returns — public customers (no owner: the owner
arm is NULL, not FALSE), shared, binned and other departments' ones
included."""
import unittest
from unittest.mock import patch

from trytond import backend
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from xtools_crm_base import plain_sql, rule_arm_count
from xtools_crm_base.rules import OWNED_ONLY, UNOWNED_ONLY
from xtools_crm_base.tests.tools import executed

from .test_customer_copies import deal_and_opportunity
from .tools import as_user, customer, pool_test

MODULES = ['xtools_crm_pool', 'xtools_crm_sales']
DOMAINS = {
    'party.party': [
        [],
        [('crm_library', '=', 'public'), ('crm_owner', '=', None)],
        [('crm_library', '!=', 'public')],
        [('name', 'ilike', '%1%')],
        ['OR', ('crm_owner', '=', None), ('name', 'ilike', 'B%')],
        [('crm_owner', '!=', None), ('crm_customer_type', '!=', None)],
        [('crm_returning_soon', '=', True)],
        [('crm_customer_type', '!=', None), ('crm_returning_soon', '=', True),
            ('crm_owner', '!=', None)],
        ],
    'sale.sale': [
        [],
        [('state', '=', 'draft')],
        [('party.name', 'ilike', '%1%')],
        [('crm_party_owner', '=', None)],
        ],
    'sale.opportunity': [
        [],
        [('state', '=', 'lead')],
        [('party.crm_library', '=', 'public')],
        ],
    }
PAGES = [(0, 1), (0, 2), (0, 5), (0, 1000), (1, 1), (3, 4), (40, 10)]


def mine(model, user):
    """The user's own customers (a Mine tab), returning or not: the
    domain implies the rule's owner arm, the only one split"""
    if model != 'party.party':
        return []
    owned = [('crm_owner', '=', user.id)]
    return [owned, owned + [('crm_returning_soon', '=', True)]]


def customers_of_every_kind(users, rounds):
    """rounds customers of each salesperson, manager and boss, public ones,
    a shared, a binned one and a party that is not a customer, half of them
    with a deal and an opportunity"""
    pool = Pool()
    Party = pool.get('party.party')
    Share = pool.get('crm.customer.share')
    owners = ['staff_a1', 'staff_a2', 'staff_b', 'manager_a', 'boss']
    parties = []
    for i in range(rounds):
        for login in owners:
            parties.append(customer(f"{login} {i}", users[login], 'B'))
    # Public customers: released into the pool, no owner
    for login in ['staff_a1', 'staff_b']:
        public = customer(f"Public {login}", users[login], 'E')
        with as_user(users[login]):
            Party.crm_pool_release([Party(public.id)], "No time")
        parties.append(public)
    # A party that is not a customer, a shared and a binned customer
    Party.create([{'name': "Supplier 1"}])
    Share.create([{'customer': parties[2].id,
                'user': users['staff_a1'].id, 'mode': 'read'}])
    with as_user(users['staff_b']):
        Party.crm_recycle([Party(parties[7].id)])
    # Not all: an open opportunity keeps its customer from returning
    for party in parties[::2]:
        deal_and_opportunity(party)


class RuleArmCountTestCase(unittest.TestCase):
    "Capped counts of ruled users, arm by arm"

    @classmethod
    def setUpClass(cls):
        activate_module(MODULES)

    # Customers taken today are returning soon (即将回归公海)
    @pool_test(pool_temporary_days=3, pool_private_days=3)
    def test_counts_are_what_the_user_finds(self, users):
        "Every user, model, domain and page: the count is the search's size"
        pool = Pool()
        customers_of_every_kind(users, 2)

        ran = []
        count_by_arms = rule_arm_count.count_by_arms

        def spy(*args):
            number = count_by_arms(*args)
            ran.append(number is not None)
            return number
        counted = 0
        returning = 0
        for model, domains in DOMAINS.items():
            Model = pool.get(model)
            for login, user in users.items():
                # Asked for every model, domain and backend (the pool's
                # lists and SQLite do not ask: slower there), the count
                # holds for any that does
                with as_user(user), \
                        patch.object(Model, 'estimated_count',
                            return_value=10 ** 9), \
                        patch.object(Model, '_crm_rule_arm_count',
                            classmethod(lambda cls: True)), \
                        patch.object(rule_arm_count, 'count_by_arms', spy), \
                        patch.object(rule_arm_count, 'BACKENDS',
                            {backend.name}):
                    for domain in domains + mine(model, user):
                        found = len(Model.search(domain))
                        counted += found
                        if 'crm_returning_soon' in str(domain):
                            returning += found
                        for offset, limit in PAGES:
                            self.assertEqual(
                                Model.search_count(domain, offset, limit),
                                max(0, min(limit, found - offset)),
                                (model, login, domain, offset, limit))
        # The arms ran (the salespeople's rules have several), not only
        # Tryton's count, and there were records to count
        self.assertGreater(sum(ran), len(PAGES) * 10)
        self.assertGreater(counted, 100)
        self.assertGreater(returning, 10)

    @pool_test()
    def test_statements_made_once_are_the_same(self, users):
        """Each arm formatted once per statement, the rule converted once
        per model and rule, and the statement of a plain domain and rule
        made once: the same statements, text and parameters, as when every
        copy is made anew (a domain that joins the customer included); a
        second count converts nothing (plain domain) or its own domain
        only"""
        pool = Pool()
        Party = pool.get('party.party')
        Share = pool.get('crm.customer.share')
        parties = [customer(f"{login} {i}", users[login], 'B')
            for login in ['staff_a1', 'staff_b'] for i in range(2)]
        Share.create([{'customer': parties[2].id,
                    'user': users['staff_a1'].id, 'mode': 'read'}])
        for party in parties:
            deal_and_opportunity(party)
        Party.create([{'name': "Supplier 1"}])

        def statements(Model, domain, once):
            with patch.object(rule_arm_count, 'FORMAT_ONCE', once), \
                    patch.object(rule_arm_count, 'CONVERT_ONCE', once), \
                    executed() as ran:
                number = Model.search_count(domain, 0, 1000)
            # The arms' statement, where the rule has arms to count
            return number, [s for s in ran if 'UNION ALL' in s[0]]
        split = 0
        for model, domains in DOMAINS.items():
            Model = pool.get(model)
            with as_user(users['staff_a1']), \
                    patch.object(Model, 'estimated_count',
                        return_value=10 ** 9), \
                    patch.object(Model, '_crm_rule_arm_count',
                        classmethod(lambda cls: True)), \
                    patch.object(rule_arm_count, 'BACKENDS',
                        {backend.name}):
                for domain in domains:
                    if domain and domain[0] == 'OR':
                        continue
                    once = statements(Model, domain, True)
                    self.assertEqual(
                        once, statements(Model, domain, False),
                        (model, domain))
                    # Again, from what was made once
                    self.assertEqual(
                        once, statements(Model, domain, True),
                        (model, domain))
                    if not once[1]:
                        continue
                    split += 1
                    converted = []
                    search_domain = Model.search_domain

                    def spy(*args, **kwargs):
                        converted.append(args)
                        return search_domain(*args, **kwargs)
                    with patch.object(Model, 'search_domain', spy):
                        Model.search_count(domain, 0, 1000)
                    self.assertEqual(len(converted),
                        0 if plain_sql.plain(Model, domain) else 1,
                        (model, domain))
        # The deals' and opportunities' domains, and the customers' but the
        # pool's (no owner arm there)
        self.assertGreaterEqual(split, 10)

    @pool_test()
    def test_a_statement_made_once_counts_today_s_records(self, users):
        """What is kept is the statement, not its answer: a deal recorded
        after a count is in the next one"""
        Sale = Pool().get('sale.sale')
        mine = customer("Mine", users['staff_a1'], 'B')
        deal_and_opportunity(mine)
        with as_user(users['staff_a1']), \
                patch.object(Sale, 'estimated_count', return_value=10 ** 9), \
                patch.object(rule_arm_count, 'BACKENDS', {backend.name}), \
                executed() as ran:
            before = Sale.search_count([('state', '=', 'draft')], 0, 1000)
            deal_and_opportunity(mine)
            after = Sale.search_count([('state', '=', 'draft')], 0, 1000)
        counted = [s for s in ran if 'UNION ALL' in s[0]]
        self.assertEqual(len(counted), 2)
        self.assertEqual(counted[0], counted[1])
        self.assertEqual((before, after), (1, 2))

    def test_plain_rules(self):
        "Only stored columns' plain tests are converted once"
        @with_transaction()
        def check():
            Sale = Pool().get('sale.sale')
            plain = plain_sql.plain
            self.assertTrue(plain(Sale, [
                        ('crm_party_owner', 'in', [1, 2]),
                        ['OR', ('party', '=', None),
                            ('crm_party_library', '=', 'public')],
                        ('company', 'in', (1,))]))
            for leaf in [
                    ('party.name', '=', 'a'),
                    ('party', 'child_of', [1], 'parent'),
                    ('party', 'where', [('name', '=', 'a')]),
                    ('party', '=', 'A customer'),
                    ('crm_party_owner', 'in', ['admin']),
                    ('reference', 'ilike', '%a%'),
                    ('crm_party_owner', 'in', [[1]]),
                    ('untaxed_amount', '>', 0),
                    ]:
                self.assertFalse(plain(Sale, [leaf]), leaf)
        check()

    @pool_test()
    def test_counts_beyond_the_estimate_are_tryton_s(self, users):
        "A limit above the table's size: Tryton's plain count"
        Party = Pool().get('party.party')
        customer("Mine", users['staff_a1'], 'B')
        with as_user(users['staff_a1']):
            found = len(Party.search([]))
            returned = []
            count_by_arms = rule_arm_count.count_by_arms

            def spy(*args):
                returned.append(count_by_arms(*args))
                return returned[-1]
            with patch.object(rule_arm_count, 'count_by_arms', spy), \
                    patch.object(rule_arm_count, 'BACKENDS', {backend.name}):
                self.assertEqual(Party.search_count([], 0, 10 ** 9), found)
        # Asked, and left to Tryton
        self.assertEqual(returned, [None])
        self.assertGreater(found, 0)

    @pool_test()
    def test_salesperson_rule_has_arms(self, users):
        "The customer read rule of a salesperson is an OR of several reasons"
        Rule = Pool().get('ir.rule')
        for model in DOMAINS:
            with as_user(users['staff_a1']):
                split = rule_arm_count.rule_arms(
                    Rule.domain_get(model, mode='read'))
            self.assertIsNotNone(split, model)
            _, arms = split
            self.assertGreaterEqual(len(arms), 2, model)
        with Transaction().set_user(0):
            self.assertIsNone(rule_arm_count.rule_arms(
                    Rule.domain_get('party.party', mode='read')))

    def test_an_or_admitting_everything_is_no_arm(self):
        "An OR with an empty arm (Tryton's 'no rule') is no condition"
        self.assertIsNone(rule_arm_count.rule_arms(
                ['OR', [('name', '=', 'a')], []]))
        others, arms = rule_arm_count.rule_arms([
                ('active', '=', True),
                ['OR', ('name', '=', 'a'), ('code', '=', 'b')],
                ['OR', ('crm_owner', '=', 1), (), ('crm_owner', '=', 2)]])
        self.assertEqual(others, [('active', '=', True)])
        self.assertEqual(arms, [('name', '=', 'a'), ('code', '=', 'b')])

    @pool_test()
    def test_boss_counts_are_tryton_s(self, users):
        """The boss reads every customer: his rules have no arms to count
        one by one (each would be a branch of every record)"""
        Rule = Pool().get('ir.rule')
        for model in DOMAINS:
            with as_user(users['boss']):
                self.assertIsNone(rule_arm_count.rule_arms(
                        Rule.domain_get(model, mode='read')), model)

    @pool_test()
    def test_who_asks_for_arms(self, users):
        """The customer list, 即将回归公海 (owned customers only), the deals
        and the opportunities ask; 公海客户 (unowned customers only) does
        not"""
        pool = Pool()
        Party = pool.get('party.party')
        with as_user(users['staff_a1']):
            self.assertTrue(Party._crm_rule_arm_count())
            with Transaction().set_context({OWNED_ONLY: True}):
                self.assertTrue(Party._crm_rule_arm_count())
            with Transaction().set_context({UNOWNED_ONLY: True}):
                self.assertFalse(Party._crm_rule_arm_count())
            for model in ['sale.sale', 'sale.opportunity']:
                self.assertTrue(pool.get(model)._crm_rule_arm_count())
