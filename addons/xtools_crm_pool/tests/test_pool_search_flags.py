"""A customer search tells the read rule what its domain admits (base and
pool search_flags.py): a search of libraries the user reads whole as a
pool person gets no customer read rule; a search of owned customers
(即将回归公海) no public arm. Every user, every library, every list finds
what he reads of what the search asks, no more, no less — and a search's
facts never widen the rules of other models."""
import unittest

from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module
from trytond.transaction import Transaction

from xtools_crm_base.rules import OWNED_ONLY, UNOWNED_ONLY

from ..search_flags import LIBRARIES_ONLY
from .tools import (
    TODAY, as_user, customer, days, frozen, pool_test, set_last_contact)

LIBRARIES = ['public', 'special', 'claimed', 'private', 'temporary']
DOMAINS = [
    *([('crm_library', '=', library)] for library in LIBRARIES),
    [('crm_customer_type', '!=', None), ('crm_library', '=', 'public'),
        ('crm_owner', '=', None)],
    [('crm_library', '=', 'public'), ('crm_owner', '!=', None)],
    [('crm_library', '=', 'claimed'), ('crm_owner', '=', None)],
    [('crm_library', 'in', ['special', 'claimed'])],
    [('crm_library', 'in', ['special', 'claimed']), ('crm_owner', '=', None)],
    [('crm_library', 'in', ['public', 'special', None]),
        ('crm_owner', '=', None)],
    ['OR', [('crm_library', '=', 'claimed')]],
    ['OR', ('crm_library', '=', 'claimed'), ('crm_library', '=', 'private')],
    [('crm_customer_type', '!=', None), ('crm_returning_soon', '=', True)],
    [('crm_return_date', '<=', TODAY + days(40))],
    [('crm_return_date', '!=', None)],
    [('crm_returning_soon', '=', False)],
    [('crm_owner', '!=', None)],
    ]


def read_group_id():
    return Pool().get('ir.model.data').get_id(
        'xtools_crm_base', 'rule_group_customer_read')


class PoolSearchFlagsTestCase(unittest.TestCase):
    "The facts of a customer search, and the rules they give"

    @classmethod
    def setUpClass(cls):
        activate_module('xtools_crm_pool')

    @pool_test(pool_temporary_days=30, pool_warn_days=5)
    def test_searches_find_what_the_user_reads(self, users):
        "Each user finds, for each domain, what he reads of its customers"
        pool = Pool()
        Party = pool.get('party.party')
        Share = pool.get('crm.customer.share')
        owners = [users['staff_a1'], users['staff_b'], users['manager_a']]
        parties = []
        for age in [2, 27]:
            with frozen(TODAY - days(age)):
                parties += [customer(f"{o.login} {age}", o, 'E')
                    for o in owners]
        parties += [customer(f"Public {o.login}", o) for o in owners]
        # the age 2 ones: last contact before their library day
        set_last_contact(parties[:2], TODAY - days(29))
        # Every library, with and without an owner, behind the pool's back
        table = Party.__table__()
        cursor = Transaction().connection.cursor()
        for index, library in [(1, 'claimed'), (2, 'private'),
                (7, 'special'), (8, 'claimed')]:
            cursor.execute(*table.update(
                    [table.crm_library], [library],
                    where=table.id == parties[index].id))
        Share.create([{'customer': parties[6].id,
                    'user': users['staff_a2'].id, 'mode': 'read'}])
        all_ids = {p.id for p in parties}
        hidden = shown = 0
        for domain in DOMAINS:
            with frozen(TODAY):
                wanted = {p.id for p in Party.search(domain)} & all_ids
            for login, user in users.items():
                with as_user(user), frozen(TODAY):
                    readable = {p.id for p in Party.search([])}
                    found = {p.id for p in Party.search(domain)} & all_ids
                    self.assertEqual(found, wanted & readable,
                        (login, domain))
                    self.assertEqual(
                        Party.search_count(
                            [domain, ('id', 'in', list(all_ids))]),
                        len(wanted & readable), (login, domain))
                    shown += bool(found)
                    hidden += bool(wanted - readable)
        # The lists had something to find, and the rules to hide
        self.assertGreater(shown, len(DOMAINS))
        self.assertGreater(hidden, len(DOMAINS))
        with frozen(TODAY):
            for domain in [DOMAINS[0], DOMAINS[-5]]:
                self.assertTrue(Party.search(domain), domain)

    @pool_test()
    def test_rule_left_out_only_where_the_pool_arm_holds(self, users):
        """The customer read rule is left out of a search of libraries the
        user reads whole, kept otherwise, and never for other models"""
        pool = Pool()
        Rule = pool.get('ir.rule')
        cases = [
            ('pooladmin', {LIBRARIES_ONLY: ('claimed',)}, False),
            ('pooladmin', {LIBRARIES_ONLY: ('claimed', 'special')}, False),
            ('pooladmin', {LIBRARIES_ONLY: ('public',),
                    UNOWNED_ONLY: True}, False),
            # Outside an unowned search the public arm also says "no owner"
            ('pooladmin', {LIBRARIES_ONLY: ('public',)}, True),
            ('pooladmin', {LIBRARIES_ONLY: ('claimed', 'private')}, True),
            ('staff_a1', {LIBRARIES_ONLY: ('public',),
                    UNOWNED_ONLY: True}, False),
            ('staff_a1', {LIBRARIES_ONLY: ('claimed',)}, True),
            ('outsider', {LIBRARIES_ONLY: ('public',),
                    UNOWNED_ONLY: True}, True),
            ('manager_a', {LIBRARIES_ONLY: ('public',),
                    UNOWNED_ONLY: True}, True),
            ('staff_a1', {}, True),
            ]
        for login, flags, ruled in cases:
            with self.subTest(login=login, flags=flags):
                with as_user(users[login]):
                    plain = Rule.domain_get('crm.contact')
                    with Transaction().set_context(flags):
                        _, clause_global = Rule.get('party.party')
                        self.assertEqual(
                            read_group_id() in {g.id for g in clause_global},
                            ruled)
                        # A contact's rule in the same search is the same
                        self.assertEqual(Rule.domain_get('crm.contact'), plain)

    @pool_test()
    def test_owned_search_has_no_public_arm(self, users):
        "即将回归公海: the rule of a search of owned customers, no public arm"
        Rule = Pool().get('ir.rule')

        def public_arm(domain):
            if isinstance(domain, (list, tuple)):
                if tuple(domain[:3]) == ('crm_library', '=', 'public'):
                    return True
                return any(public_arm(d) for d in domain)
            return False
        with as_user(users['staff_a1']):
            self.assertTrue(public_arm(Rule.domain_get('party.party')))
            with Transaction().set_context({OWNED_ONLY: True}):
                self.assertFalse(
                    public_arm(Rule.domain_get('party.party')))
