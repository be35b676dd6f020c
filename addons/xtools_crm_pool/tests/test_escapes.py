"""No way around the pool rules (SPEC P4, P5): an owner cannot escape the
protection period or the no-contact clock, nor a re-claim lock, by
changing the customer's grade, by toggling its customer type, by
transferring it back and forth or by merging it into another customer;
every way a customer leaves a library is in the pool log."""
import unittest

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module

from .tools import (
    TODAY, as_user, customer, days, frozen, goal_met_for, grade, pool_logs,
    pool_test, reload, run_pool)


class PoolEscapeTestCase(unittest.TestCase):
    "The protection clock and the re-claim locks hold on every path"

    @classmethod
    def setUpClass(cls):
        activate_module('xtools_crm_pool')

    def set_grade(self, user, party, code):
        Party = Pool().get('party.party')
        with as_user(user):
            Party.write([Party(party.id)], {'crm_maturity': grade(code).id})

    # -- the grade --------------------------------------------------------------

    @pool_test(pool_protection_days=10, pool_claimed_lock_days=30)
    def test_grade_keeps_protection(self, users):
        """A claimed customer stays claimed, protected until the same day,
        whatever grade its owner gives it; then it returns and locks"""
        Party = Pool().get('party.party')
        staff = users['staff_a1']
        lead = customer("Lead", users['staff_b'])
        won = customer("Won", users['staff_b'])
        with as_user(staff):
            Party.crm_pool_claim([Party(lead.id), Party(won.id)])
        end = TODAY + days(9)
        for code in ['A', 'E', 'J']:
            with self.subTest(grade=code):
                self.set_grade(staff, lead, code)
                party = reload(lead)
                self.assertEqual(
                    (party.crm_library, party.crm_owner,
                        party.crm_protection_end, party.crm_pool_goal),
                    ('claimed', staff, end, 'pending'))
        with goal_met_for(won):
            counts = run_pool(TODAY + days(10))
        self.assertEqual((counts['returned'], counts['goal_met']), (1, 1))
        self.assertEqual(reload(lead).crm_library, 'public')
        with frozen(TODAY + days(10)), as_user(staff), \
                self.assertRaises(UserError) as cm:
            Party.crm_pool_claim([Party(lead.id)])
        self.assertIn("may not claim", cm.exception.message)
        # Its goal met, a claimed customer follows its grade: the no-contact
        # clock of the library starts then
        with frozen(TODAY + days(12)):
            self.set_grade(staff, won, 'A')
        won = reload(won)
        self.assertEqual(
            (won.crm_library, won.crm_library_date, won.crm_pool_goal),
            ('private', TODAY + days(12), None))

    @pool_test(pool_temporary_days=30, pool_private_days=90)
    def test_grade_keeps_no_contact_clock(self, users):
        """Moving between the private and the temporary library by grade
        does not restart the clock: without follow-up the customer
        returns when it would have"""
        staff = users['staff_a1']
        with frozen(TODAY - days(29)):
            idle = customer("Idle", staff, 'E')
        # Day 29 of 30 in the temporary library: up to private and back
        self.set_grade(staff, idle, 'A')
        self.assertEqual(
            (reload(idle).crm_library, reload(idle).crm_library_date),
            ('private', TODAY - days(29)))
        self.set_grade(staff, idle, 'E')
        self.assertEqual(reload(idle).crm_library_date, TODAY - days(29))
        self.assertEqual(run_pool(TODAY + days(1))['returned'], 1)
        log, = pool_logs(idle, 'return')
        self.assertEqual(
            (log.rule, log.from_library, log.reference_date),
            ('temporary_no_followup', 'temporary', TODAY - days(29)))
        self.assertEqual(
            [(l.from_library, l.to_library)
                for l in pool_logs(idle, 'maturity')],
            [('temporary', 'private'), ('private', 'temporary')])

    @pool_test(pool_release_lock_days=30, pool_protection_days=10)
    def test_public_grade_locks_like_release(self, users):
        """An owner who sends a customer to the pool by its grade is locked
        out as by a release: no fresh protection by claiming it back"""
        Party = Pool().get('party.party')
        staff = users['staff_a1']
        with frozen(TODAY - days(80)):
            old = customer("Old", staff, 'B')
        self.set_grade(staff, old, 'J')
        self.assertEqual(
            (reload(old).crm_library, reload(old).crm_owner),
            ('public', None))
        with as_user(staff), self.assertRaises(UserError) as cm:
            Party.crm_pool_claim([Party(old.id)])
        self.assertEqual(cm.exception.message,
            'staff_a1 may not claim "Old" again until 10/30/2026 included: '
            're-claim lock (Released on 10/01/2026).')
        # A colleague may
        with as_user(users['staff_a2']):
            Party.crm_pool_claim([Party(old.id)])

    # -- the customer type ------------------------------------------------------

    @pool_test(pool_protection_days=10)
    def test_customer_type_stays_while_in_pool(self, users):
        """A customer kept by the pool rules stays a customer: removing its
        type (to set it again as a new customer) is refused; a normal
        customer's type may still be removed"""
        pool = Pool()
        Party = pool.get('party.party')
        Configuration = pool.get('crm.configuration')
        staff = users['staff_a1']
        lead = customer("Lead", users['staff_b'])
        warm = customer("Warm", staff, 'E')
        with as_user(staff):
            Party.crm_pool_claim([Party(lead.id)])
        before = [(c.crm_library, c.crm_library_date, c.crm_protection_end)
            for c in map(reload, [lead, warm])]
        for party, library in [
                (lead, "Claimed from Pool"), (warm, "Temporary Library")]:
            with self.subTest(customer=party.name):
                with as_user(staff), self.assertRaises(UserError) as cm:
                    Party.write(
                        [Party(party.id)], {'crm_customer_type': None})
                self.assertEqual(cm.exception.message,
                    f'"{party.name}" is kept by the public pool ({library}): '
                    'it stays a customer while it is there. A pool '
                    'administrator can make it a normal customer first '
                    '(To Normal).')
        self.assertEqual(
            [(c.crm_library, c.crm_library_date, c.crm_protection_end)
                for c in map(reload, [lead, warm])], before)
        # Outside the pool rules the type can go, and come back as new,
        # logged: without a grade, to the public pool
        with as_user(users['pooladmin']):
            Party.crm_pool_to_normal([Party(lead.id)])
        with as_user(staff):
            Party.write([Party(lead.id)], {'crm_customer_type': None})
            Party.write(
                [Party(lead.id)], {'crm_customer_type': 'enterprise'})
        lead = reload(lead)
        self.assertEqual(
            (lead.crm_library, lead.crm_owner, lead.crm_protection_end),
            ('public', None, None))
        self.assertEqual(
            [l.operation for l in pool_logs(lead)][-2:],
            ['to_normal', 'enter'])
        # Switched off, the pool keeps nothing
        Configuration.write([Configuration(1)], {'pool_enabled': False})
        with as_user(staff):
            Party.write([Party(warm.id)], {'crm_customer_type': None})
        self.assertIsNone(reload(warm).crm_library)

    # -- transfer -----------------------------------------------------------------

    @pool_test(pool_temporary_days=30, pool_temporary_lock_days=30,
        pool_protection_days=10)
    def test_transfer_keeps_locks(self, users):
        """A customer its owner lost to the pool cannot come back to them
        by a colleague's transfer while they are locked out"""
        Party = Pool().get('party.party')
        staff, colleague = users['staff_a1'], users['staff_a2']
        with frozen(TODAY - days(30)):
            stale = customer("Stale", staff, 'E')
        run_pool()
        with as_user(colleague):
            Party.crm_pool_claim([Party(stale.id)])
        with as_user(colleague), self.assertRaises(AccessError) as cm:
            Party.crm_transfer([Party(stale.id)], staff)
        self.assertEqual(cm.exception.message,
            'staff_a1 may not take "Stale" back until 10/30/2026 '
            'included, by transfer or otherwise: re-claim lock (Fell Back '
            'from the Temporary Library on 10/01/2026). A pool '
            'administrator can lift the lock.')
        self.assertEqual(reload(stale).crm_owner, colleague)
        # To another colleague it goes, protection kept
        with as_user(colleague):
            Party.crm_transfer([Party(stale.id)], users['manager_a'])
        stale = reload(stale)
        self.assertEqual(
            (stale.crm_owner, stale.crm_library, stale.crm_protection_end),
            (users['manager_a'], 'claimed', TODAY + days(9)))

    # -- merge --------------------------------------------------------------------

    @pool_test(pool_protection_days=10, pool_temporary_days=30)
    def test_merge_keeps_clocks(self, users):
        """Merging a customer under protection into a fresh one is refused
        (the other way round is fine); a library customer merged into
        another gives it its older clock; the customer merged away leaves
        its library in the log"""
        Party = Pool().get('party.party')
        staff = users['staff_a1']
        lead = customer("Lead", users['staff_b'])
        with as_user(staff):
            Party.crm_pool_claim([Party(lead.id)])
        fresh = customer("Lead Ltd", staff, 'B')
        with as_user(staff), self.assertRaises(UserError) as cm:
            Party.crm_merge(Party(fresh.id), [Party(lead.id)])
        self.assertEqual(cm.exception.message,
            '"Lead" is protected from the pool until 10/10/2026 while its '
            'goal is in progress: merge "Lead Ltd" into it instead.')
        with as_user(staff):
            Party.crm_merge(Party(lead.id), [Party(fresh.id)])
        lead = reload(lead)
        self.assertEqual(
            (lead.crm_library, lead.crm_protection_end),
            ('claimed', TODAY + days(9)))
        log, = pool_logs(fresh, 'merge')
        self.assertEqual(
            (log.from_library, log.from_owner, log.to_library),
            ('private', staff, None))
        self.assertEqual(log.facts, 'Merged into "Lead".')
        self.assertIsNone(reload(fresh).crm_library)

        with frozen(TODAY - days(29)):
            idle = customer("Idle", staff, 'E')
        twin = customer("Idle Co", staff, 'E')
        with as_user(staff):
            Party.crm_merge(Party(twin.id), [Party(idle.id)])
        self.assertEqual(reload(twin).crm_library_date, TODAY - days(29))
        self.assertEqual(run_pool(TODAY + days(1))['returned'], 1)
        self.assertEqual(reload(twin).crm_library, 'public')

    @pool_test()
    def test_merge_into_normal_or_from_pool_refused(self, users):
        """A library customer is not merged into a normal customer (outside
        the pool rules), nor a public pool customer into an owned one"""
        pool = Pool()
        Party = pool.get('party.party')
        Configuration = pool.get('crm.configuration')
        staff = users['staff_a1']
        Configuration.write([Configuration(1)], {'pool_enabled': False})
        old = customer("Old friend", staff, 'B')
        Configuration.write([Configuration(1)], {'pool_enabled': True})
        warm = customer("Warm", staff, 'E')
        with as_user(staff), self.assertRaises(UserError) as cm:
            Party.crm_merge(Party(old.id), [Party(warm.id)])
        self.assertEqual(cm.exception.message,
            '"Warm" is kept by the public pool (Temporary Library): it '
            'cannot be merged into "Old friend" (Normal Customer), which is '
            'outside the pool\'s libraries; merge "Old friend" into it '
            'instead.')
        lead = customer("Lead", users['staff_b'])
        with as_user(users['boss']), self.assertRaises(UserError) as cm:
            Party.crm_merge(Party(warm.id), [Party(lead.id)])
        self.assertEqual(cm.exception.message,
            '"Lead" is in the Public Pool: it cannot be merged into '
            '"Warm" (Temporary Library); claim or assign it first.')
        # The normal customer merged into the library one is fine
        with as_user(staff):
            Party.crm_merge(Party(warm.id), [Party(old.id)])
        self.assertEqual(reload(warm).crm_library, 'temporary')


