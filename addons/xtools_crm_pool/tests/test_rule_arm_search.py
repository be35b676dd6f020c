"""A ruled user's page taken arm by arm (xtools_crm_base/rule_arm_search.py):
for every user of the pool's organisation, customers, deals and
opportunities, list domains, orders and pages, the page is the one
Tryton's search returns; 即将回归公海 asks for it in its own order only."""
import unittest
from unittest.mock import patch

from trytond import backend
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module

from xtools_crm_base import rule_arm_count, rule_arm_search

from .test_customer_copies import deal_and_opportunity
from .test_rule_arm_count import (
    DOMAINS, MODULES, customers_of_every_kind, mine)
from .tools import as_user, customer, pool_test

ORDERS = {
    'party.party': [
        None,
        [('crm_library_date', 'ASC'), ('id', 'ASC')],
        [('crm_library_date', 'DESC')],
        [('name', 'ASC')],
        [('crm_owner', 'DESC NULLS FIRST'), ('code', 'ASC')],
        ],
    'sale.sale': [None, [('state', 'ASC')], [('party', 'ASC')]],
    'sale.opportunity': [None, [('state', 'DESC')]],
    }
PAGES = [(0, 1), (0, 3), (0, 61), (1, 1), (2, 4), (40, 10)]
# 即将回归公海 as sao asks for its tab All (act_pool_returning)
RETURNING = [('crm_customer_type', '!=', None),
    ('crm_returning_soon', '=', True)]
RETURNING_ORDER = [('crm_library_date', 'ASC'), ('id', 'ASC')]


class RuleArmSearchTestCase(unittest.TestCase):
    "Pages of ruled users, their rows taken arm by arm"

    @classmethod
    def setUpClass(cls):
        activate_module(MODULES)

    # Customers taken today are returning soon (即将回归公海)
    @pool_test(pool_temporary_days=3, pool_private_days=3)
    def test_pages_are_what_tryton_finds(self, users):
        "Every user, model, domain, order and page: Tryton's page"
        pool = Pool()
        customers_of_every_kind(users, 3)

        taken = []
        page_by_arms = rule_arm_search.page_by_arms

        def spy(*args):
            candidates = page_by_arms(*args)
            taken.append(candidates is not None)
            return candidates
        found = 0
        for model, domains in DOMAINS.items():
            Model = pool.get(model)
            for login, user in users.items():
                # Asked for every model and order and on both backends,
                # whether or not an arm fixes a column, the page holds for
                # any that asks
                with as_user(user), \
                        patch.object(Model, '_crm_rule_arm_search',
                            classmethod(lambda cls, order: 'id')), \
                        patch.object(rule_arm_search, '_fixes',
                            lambda domain, name: True), \
                        patch.object(rule_arm_search, 'page_by_arms', spy), \
                        patch.object(rule_arm_count, 'BACKENDS',
                            {backend.name}):
                    for domain in domains + mine(model, user):
                        for order in ORDERS[model]:
                            for offset, limit in PAGES:
                                page = Model.search(
                                    domain, offset, limit, order)
                                with patch.object(
                                        rule_arm_search, 'ENABLED', False):
                                    tryton = Model.search(
                                        domain, offset, limit, order)
                                self.assertEqual(page, tryton,
                                    (model, login, domain, order, offset,
                                        limit))
                                found += len(page)
        # The arms were taken (the salespeople's rules have several), not
        # only Tryton's search, and there were records to find
        self.assertGreater(sum(taken), 500)
        self.assertGreater(found, 1000)

    @pool_test(pool_temporary_days=3, pool_private_days=3)
    def test_returning_soon_by_arms(self, users):
        """即将回归公海 on PostgreSQL: a salesperson's All (his own and his
        shares) and anyone's Mine are taken arm by arm in the list's order,
        the owner an equality; a department leader's All (owners `= ANY`,
        which no index reads in order) and any page sorted by name are
        Tryton's search; the pages are the same either way"""
        pool = Pool()
        Party = pool.get('party.party')
        Share = pool.get('crm.customer.share')
        staff, manager = users['staff_a1'], users['manager_a']
        mine = [customer(f"Mine {i}", staff, 'B') for i in range(4)]
        his = customer("Manager's", manager, 'B')
        other = customer("Other", users['staff_b'], 'B')
        customer("Not shared", users['staff_b'], 'B')
        Share.create([{'customer': other.id, 'user': staff.id,
                    'mode': 'read'}])
        deal_and_opportunity(mine[0])
        expected = {
            (staff, False): {*mine[1:], other},
            (staff, True): set(mine[1:]),
            (manager, False): {*mine[1:], his},
            (manager, True): {his},
            }
        page_by_arms = rule_arm_search.page_by_arms

        def candidates(*args):
            taken.append(page_by_arms(*args))
            return taken[-1]
        for (user, own), records in expected.items():
            domain = RETURNING + ([('crm_owner', '=', user.id)] if own else [])
            with as_user(user), \
                    patch.object(rule_arm_search, 'page_by_arms', candidates):
                taken = []
                page = Party.search(domain, 0, 61, RETURNING_ORDER)
                with patch.object(rule_arm_search, 'ENABLED', False):
                    self.assertEqual(page,
                        Party.search(domain, 0, 61, RETURNING_ORDER))
                self.assertEqual(set(page), records)
                by_arms = any(c is not None for c in taken)
                self.assertEqual(by_arms, backend.name == 'postgresql'
                    and (own or user == staff), (user.login, own))
                if by_arms:
                    sql, _ = tuple(next(filter(None, taken)))
                    self.assertRegex(sql, r'"crm_owner" = %s\)',
                        "the owner, an equality")
                    # Mine: the owner arm alone (the domain implies it)
                    self.assertEqual('UNION ALL' in sql, not own, sql)
                taken = []
                Party.search(domain, 0, 61, [('name', 'ASC')])
                self.assertFalse(any(taken))
                # The counts, arm by arm, as many
                with patch.object(Party, 'estimated_count',
                        return_value=10 ** 9):
                    self.assertEqual(
                        Party.search_count(domain, 0, 1000), len(records))
