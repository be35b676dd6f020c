"""Pool operations (SPEC P1-P3, P5, P6): libraries by maturity, claim,
assign, release, extend, to pool, to normal, transfer, the switch — each
refusal with its reason."""
import datetime as dt
import unittest

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module
from trytond.transaction import Transaction

from .tools import (
    TODAY, as_user, customer, frozen, grade, pool_logs, pool_test, reload)


class PoolOperationsTestCase(unittest.TestCase):
    "Pool operations and their refusals"

    @classmethod
    def setUpClass(cls):
        activate_module('xtools_crm_pool')

    # -- P1, P2 --------------------------------------------------------------

    @pool_test(pool_enabled=False)
    def test_pool_off_customers_are_normal(self, users):
        "With the pool off, customers are normal whatever their grade"
        pool = Pool()
        Configuration = pool.get('crm.configuration')
        self.assertFalse(Configuration(1).pool_enabled)
        keen = customer("Keen", users['staff_a1'], 'B')
        cold = customer("Cold", users['staff_a1'], 'H')
        self.assertEqual(
            [(c.crm_library, c.crm_owner) for c in [keen, cold]],
            [('normal', users['staff_a1'])] * 2)
        self.assertFalse(pool_logs())

    @pool_test()
    def test_new_customer_library_by_maturity(self, users):
        "A-C private, D-F temporary, G-J and no grade: the public pool"
        staff = users['staff_a1']
        keen = customer("Keen", staff, 'B')
        warm = customer("Warm", staff, 'E')
        cold = customer("Cold", staff, 'H')
        unknown = customer("Unknown", staff)
        self.assertEqual(
            [(c.crm_library, c.crm_owner, c.crm_library_date)
                for c in map(reload, [keen, warm, cold, unknown])], [
                ('private', staff, TODAY),
                ('temporary', staff, TODAY),
                ('public', None, TODAY),
                ('public', None, TODAY),
                ])
        self.assertEqual(reload(cold).crm_previous_owner, staff)
        log, = pool_logs(cold)
        self.assertEqual(
            (log.operation, log.to_library, log.from_owner, log.author),
            ('enter', 'public', staff, staff))
        self.assertIn("Public Pool", log.facts)

    @pool_test()
    def test_maturity_change_moves_between_libraries(self, users):
        "A new grade moves an owned customer; a public grade releases it"
        Party = Pool().get('party.party')
        staff = users['staff_a1']
        party = customer("Moving", staff, 'E')
        with as_user(staff):
            Party.write([Party(party.id)], {'crm_maturity': grade('A').id})
        self.assertEqual(reload(party).crm_library, 'private')
        with as_user(staff):
            Party.write([Party(party.id)], {'crm_maturity': grade('J').id})
        party = reload(party)
        self.assertEqual(
            (party.crm_library, party.crm_owner, party.crm_previous_owner),
            ('public', None, staff))
        maturity = pool_logs(party, 'maturity')
        self.assertEqual(
            [(l.from_library, l.to_library) for l in maturity],
            [('temporary', 'private'), ('private', 'public')])
        self.assertIn("J - Refused", maturity[-1].facts)

    @pool_test(pool_temporary_cap=1)
    def test_maturity_move_within_caps(self, users):
        "A grade that would overfill the owner's library is refused"
        Party = Pool().get('party.party')
        staff = users['staff_a1']
        customer("First", staff, 'D')
        second = customer("Second", staff, 'B')
        with as_user(staff), self.assertRaises(AccessError) as cm:
            Party.write([Party(second.id)], {'crm_maturity': grade('F').id})
        self.assertEqual(cm.exception.message,
            "staff_a1 would have 2 customers in the temporary library, "
            "more than the cap of 1.")
        self.assertEqual(reload(second).crm_library, 'private')
        with self.assertRaises(AccessError):
            customer("Third", staff, 'E')

    @pool_test(pool_enabled=False)
    def test_normal_customers_stay_normal(self, users):
        "Customers recorded before the switch stay outside the pool rules"
        Party = Pool().get('party.party')
        staff = users['staff_a1']
        party = customer("Old friend", staff, 'B')
        Configuration = Pool().get('crm.configuration')
        Configuration.write([Configuration(1)], {'pool_enabled': True})
        with as_user(staff):
            Party.write([Party(party.id)], {'crm_maturity': grade('J').id})
        self.assertEqual(
            (reload(party).crm_library, reload(party).crm_owner),
            ('normal', staff))

    # -- claim -----------------------------------------------------------------

    @pool_test(pool_protection_days=10)
    def test_claim(self, users):
        "A pool user claims: owner, protection end, goal in progress, log"
        Party = Pool().get('party.party')
        party = customer("Lead", users['staff_b'])
        staff = users['staff_a1']
        with as_user(staff):
            Party.crm_pool_claim([Party(party.id)])
        party = reload(party)
        self.assertEqual(
            (party.crm_owner, party.crm_library, party.crm_pool_taken,
                party.crm_library_date, party.crm_protection_end,
                party.crm_pool_goal, party.crm_previous_owner),
            (staff, 'claimed', 'claim', TODAY,
                TODAY + dt.timedelta(days=9), 'pending', users['staff_b']))
        log, = pool_logs(party, 'claim')
        self.assertEqual((log.author, log.to_owner), (staff, staff))
        self.assertEqual(log.facts,
            "Claimed by staff_a1, protected until 10/10/2026 (10 days).")
        # The claimer now reads and writes it
        with as_user(staff):
            Party.write([Party(party.id)], {'crm_city': "Shanghai"})

    @pool_test()
    def test_claim_refusals(self, users):
        "Claims are refused with the reason"
        pool = Pool()
        Party = pool.get('party.party')
        Configuration = pool.get('crm.configuration')
        staff, other = users['staff_a1'], users['staff_b']
        lead = customer("Lead", other)
        mine = customer("Mine", staff, 'B')
        theirs = customer("Theirs", other, 'B')

        def claim(user, *customers):
            with as_user(user), self.assertRaises(UserError) as cm:
                Party.crm_pool_claim([Party(c.id) for c in customers])
            return cm.exception.message

        self.assertEqual(claim(users['outsider'], lead),
            "outsider is not a pool user: only pool users may claim "
            "customers from the public pool.")
        self.assertEqual(claim(staff, mine),
            'Customer "Mine" is not in the public pool: staff_a1 owns it '
            '(Private Library).')
        # Nothing is said of a customer out of the user's sight
        self.assertEqual(claim(staff, theirs),
            f'Customer #{theirs.id} is not in the public pool.')
        with as_user(users['pooladmin']):
            Party.crm_pool_to_pool([Party(lead.id)], 'special', "Empty number")
        self.assertEqual(claim(staff, lead),
            'Customer "Lead" is in the special pool: it cannot be claimed, '
            'only a pool administrator may assign it.')
        Configuration.write([Configuration(1)], {'pool_enabled': False})
        self.assertEqual(claim(staff, lead),
            "The public pool is switched off: switch it on in the pool "
            "settings first.")

    @pool_test(
            pool_claimed_cap=3, pool_daily_claim_cap=2)
    def test_claim_caps(self, users):
        "The claimed cap and the daily cap hold; a batch is all or nothing"
        pool = Pool()
        Party = pool.get('party.party')
        User = pool.get('res.user')
        staff = users['staff_a1']
        leads = [customer(f"Lead {i}", users['staff_b']) for i in range(5)]
        with as_user(staff), self.assertRaises(UserError) as cm:
            Party.crm_pool_claim([Party(c.id) for c in leads[:3]])
        self.assertIn("has claimed 0 customers today; 3 more would exceed "
            "the daily cap of 2", str(cm.exception))
        self.assertEqual(
            {reload(c).crm_owner for c in leads[:3]}, {None})
        with as_user(staff):
            Party.crm_pool_claim([Party(c.id) for c in leads[:2]])
        # Tomorrow the daily cap is back, the claimed cap is not
        with frozen(TODAY + dt.timedelta(days=1)):
            with as_user(staff):
                Party.crm_pool_claim([Party(leads[2].id)])
                with self.assertRaises(UserError) as cm:
                    Party.crm_pool_claim([Party(leads[3].id)])
        self.assertEqual(cm.exception.message,
            "staff_a1 would hold 4 customers claimed or assigned from the "
            "pool, more than the cap of 3: release some first (or meet "
            "their goal).")
        # A user's own cap overrides the company's
        User.write([staff], {'crm_pool_claimed_cap': 4})
        with frozen(TODAY + dt.timedelta(days=1)), as_user(staff):
            Party.crm_pool_claim([Party(leads[3].id)])
        self.assertEqual(User(staff.id).crm_pool_claimed_count, 4)

    # -- assign -----------------------------------------------------------------

    @pool_test(pool_claimed_cap=1)
    def test_assign(self, users):
        "Pool administrators assign to pool users, within their caps"
        Party = Pool().get('party.party')
        leads = [customer(f"Lead {i}", users['staff_b']) for i in range(2)]
        with as_user(users['staff_a1']), self.assertRaises(AccessError) as cm:
            Party.crm_pool_assign([Party(leads[0].id)], users['staff_a2'])
        self.assertEqual(cm.exception.message,
            'staff_a1 is not a pool administrator: only pool administrators '
            'may "Assign".')
        with as_user(users['pooladmin']):
            with self.assertRaises(AccessError) as cm:
                Party.crm_pool_assign([Party(leads[0].id)], users['outsider'])
            self.assertIn("outsider is not one", str(cm.exception))
            Party.crm_pool_assign([Party(leads[0].id)], users['staff_a2'].id)
            with self.assertRaises(AccessError) as cm:
                Party.crm_pool_assign(
                    [Party(leads[1].id)], users['staff_a2'])
            self.assertIn("more than the cap of 1", str(cm.exception))
        lead = reload(leads[0])
        self.assertEqual(
            (lead.crm_owner, lead.crm_pool_taken, lead.crm_library),
            (users['staff_a2'], 'assign', 'claimed'))
        log, = pool_logs(lead, 'assign')
        self.assertEqual(
            (log.author, log.to_owner), (users['pooladmin'], users['staff_a2']))

    # -- release -----------------------------------------------------------------

    @pool_test(pool_release_lock_days=7)
    def test_release(self, users):
        "The owner releases with a reason; others may not; junk to special"
        Party = Pool().get('party.party')
        staff = users['staff_a1']
        keen = customer("Keen", staff, 'B')
        junk = customer("Junk", staff, 'E')
        normal = customer("Normal", staff, 'C')
        # A pool administrator acts only on customers in sight: staff_a1's
        # private library customer is not, and is not named
        with as_user(users['pooladmin']), \
                self.assertRaises(AccessError) as cm:
            Party.crm_pool_to_normal([Party(normal.id)])
        self.assertEqual(cm.exception.message,
            f"Customer #{normal.id} is not among the customers you may see.")
        Party.crm_pool_to_normal([Party(normal.id)])
        with as_user(staff):
            with self.assertRaises(UserError) as cm:
                Party.crm_pool_release([Party(keen.id)], "  ")
            self.assertEqual(cm.exception.message,
                "Give the reason of the release: it is kept in the pool log.")
            with self.assertRaises(UserError) as cm:
                Party.crm_pool_release([Party(normal.id)], "No time")
            self.assertIn("not in a private or temporary library",
                str(cm.exception))
        # A colleague who cannot see the customer learns nothing of it
        with as_user(users['staff_a2']), self.assertRaises(UserError) as cm:
            Party.crm_pool_release([reload(keen)], "Mine now")
        self.assertEqual(cm.exception.message,
            f"Customer #{keen.id} is not among the customers you may see.")
        with as_user(staff):
            Party.crm_pool_release([Party(keen.id)], "Bought elsewhere")
            Party.crm_pool_release(
                [Party(junk.id)], "Empty number", 'special')
        self.assertEqual(
            [(c.crm_library, c.crm_owner, c.crm_previous_owner)
                for c in map(reload, [keen, junk])],
            [('public', None, staff), ('special', None, staff)])
        log, = pool_logs(keen, 'release')
        self.assertEqual(log.facts,
            "Released from staff_a1 to the Public Pool. "
            "Reason: Bought elsewhere")
        # The release lock: no immediate re-claim to renew the protection
        with as_user(staff), self.assertRaises(UserError) as cm:
            Party.crm_pool_claim([reload(keen)])
        self.assertEqual(cm.exception.message,
            'staff_a1 may not claim "Keen" again until 10/07/2026 included: '
            're-claim lock (Released on 10/01/2026).')
        with frozen(TODAY + dt.timedelta(days=7)), as_user(staff):
            Party.crm_pool_claim([reload(keen)])

    # -- extend ------------------------------------------------------------------

    @pool_test(pool_protection_days=10)
    def test_extend(self, users):
        "Administrators extend by positive whole days; anything else refused"
        Party = Pool().get('party.party')
        lead = customer("Lead", users['staff_b'])
        other = customer("Private", users['staff_b'], 'A')
        with as_user(users['staff_a1']):
            Party.crm_pool_claim([Party(lead.id)])
        with as_user(users['staff_a1']), self.assertRaises(AccessError):
            Party.crm_pool_extend([reload(lead)], 5)
        with as_user(users['pooladmin']):
            for days in [0, -3, 2.5, '3', True, None, 3651, 10 ** 9]:
                with self.subTest(days=days), \
                        self.assertRaises(UserError) as cm:
                    Party.crm_pool_extend([reload(lead)], days)
                self.assertEqual(cm.exception.message,
                    "The protection is extended by a positive whole number "
                    f'of days up to 3650, not by "{days}".')
            # Out of the administrator's sight: refused, by id only
            with self.assertRaises(UserError) as cm:
                Party.crm_pool_extend([reload(other)], 5)
            self.assertEqual(cm.exception.message,
                f"Customer #{other.id} is not among the customers you may "
                "see.")
            Party.crm_pool_extend([reload(lead)], 5)
        self.assertEqual(
            reload(lead).crm_protection_end, dt.date(2026, 10, 15))
        log, = pool_logs(lead, 'extend')
        self.assertEqual(log.facts,
            "Protection extended by 5 days, from 10/10/2026 to 10/15/2026.")

    # -- to pool, to normal, transfer ------------------------------------------

    @pool_test(pool_enabled=False)
    def test_to_pool_and_to_normal(self, users):
        "Administrators move customers to and from the pool"
        Party = Pool().get('party.party')
        staff = users['staff_a1']
        old = customer("Old", staff, 'B')
        idle = customer("Idle", staff, 'H')
        Configuration = Pool().get('crm.configuration')
        Configuration.write([Configuration(1)], {'pool_enabled': True})
        with as_user(staff), self.assertRaises(AccessError):
            Party.crm_pool_to_pool([Party(idle.id)])
        with as_user(users['boss']):
            # The boss is not a pool administrator
            with self.assertRaises(AccessError):
                Party.crm_pool_to_pool([Party(idle.id)])
        with as_user(users['pooladmin']):
            # Outside the administrator's hierarchy: not theirs to move
            with self.assertRaises(AccessError):
                Party.crm_pool_to_pool([Party(idle.id)])
        with Transaction().set_user(0):
            Party.crm_pool_to_pool(
                [Party(old.id), Party(idle.id)], 'maturity', "Sort out")
        self.assertEqual(
            [(c.crm_library, c.crm_owner) for c in map(reload, [old, idle])],
            [('private', staff), ('public', None)])
        with as_user(users['pooladmin']):
            with self.assertRaises(UserError) as cm:
                Party.crm_pool_to_normal([reload(idle)])
            self.assertIn("choose the owner", str(cm.exception))
            Party.crm_pool_to_normal(
                [reload(idle)], users['staff_a2'])
        idle = reload(idle)
        self.assertEqual(
            (idle.crm_library, idle.crm_owner),
            ('normal', users['staff_a2']))
        self.assertEqual(
            [l.operation for l in pool_logs(idle)], ['to_pool', 'to_normal'])

    @pool_test(pool_private_cap=1)
    def test_transfer(self, users):
        "Library customers transfer within caps; pool customers do not"
        Party = Pool().get('party.party')
        staff = users['staff_a1']
        first = customer("First", staff, 'A')
        second = customer("Second", users['staff_a2'], 'B')
        lead = customer("Lead", staff)
        with as_user(users['manager_a']):
            with self.assertRaises(AccessError) as cm:
                Party.crm_transfer([Party(second.id)], staff)
            self.assertIn("staff_a1 would have 2 customers in the private "
                "library", str(cm.exception))
            Party.crm_transfer(
                [Party(first.id)], users['manager_a'], "Holiday")
        with self.assertRaises(AccessError) as cm:
            Party.crm_transfer([reload(lead)], staff)
        self.assertIn("pool customers are not transferred",
            str(cm.exception))
        log, = pool_logs(first, 'transfer')
        self.assertEqual(
            (log.from_owner, log.to_owner, log.to_library),
            (staff, users['manager_a'], 'private'))

    @pool_test()
    def test_pool_fields_only_by_operations(self, users):
        "The library, protection and owner of pool customers are not edited"
        Party = Pool().get('party.party')
        staff = users['staff_a1']
        mine = customer("Mine", staff, 'E')
        lead = customer("Lead", staff)
        with as_user(staff):
            for field, value in [
                    ('crm_library', 'normal'),
                    ('crm_protection_end', dt.date(2099, 1, 1))]:
                with self.subTest(field=field), \
                        self.assertRaises(AccessError):
                    Party.write([Party(mine.id)], {field: value})
        with self.assertRaises(AccessError) as cm:
            Party.write([reload(lead)], {'crm_owner': staff.id})
        self.assertIn("it gets an owner by claim or assignment",
            str(cm.exception))
        # A copy is placed as a new customer, not as a copy of the library
        with Transaction().set_context(_skip_warnings=True):
            copy, = Party.copy([reload(mine)])
        self.assertEqual(
            (copy.crm_library, copy.crm_previous_owner),
            ('temporary', None))

    # -- P1: who reads the pool, the switch ----------------------------------

    @pool_test()
    def test_who_reads_pool_customers(self, users):
        "Pool users read the public pool; administrators the whole pool"
        Party = Pool().get('party.party')
        public = customer("Public", users['staff_b'])
        junk = customer("Junk", users['staff_b'])
        claimed = customer("Claimed", users['staff_b'])
        with as_user(users['pooladmin']):
            Party.crm_pool_to_pool([Party(junk.id)], 'special')
        with as_user(users['staff_b']):
            Party.crm_pool_claim([Party(claimed.id)])

        def seen(login):
            with as_user(users[login]):
                return {p.name for p in Party.search([
                            ('crm_customer_type', '!=', None)])}
        self.assertEqual(seen('staff_a1'), {"Public"})
        self.assertEqual(seen('staff_b'), {"Public", "Claimed"})
        self.assertEqual(
            seen('pooladmin'), {"Public", "Junk", "Claimed"})
        self.assertEqual(seen('outsider'), set())
        with as_user(users['staff_a1']), self.assertRaises(AccessError):
            Party.read([claimed.id], ['name'])
        # Reading is not writing
        with as_user(users['staff_a1']), self.assertRaises(AccessError):
            Party.write([Party(public.id)], {'name': "Mine"})
        Configuration = Pool().get('crm.configuration')
        Configuration.write([Configuration(1)], {'pool_enabled': False})
        self.assertEqual(seen('staff_a1'), set())

    @pool_test()
    def test_switch_off(self, users):
        "Switching off makes every customer normal again, logged"
        pool = Pool()
        Party = pool.get('party.party')
        Configuration = pool.get('crm.configuration')
        User = pool.get('res.user')
        keen = customer("Keen", users['staff_a1'], 'B')
        lead = customer("Lead", users['staff_a2'])
        gone = customer("Gone", users['outsider'])
        claimed = customer("Claimed", users['staff_b'])
        with as_user(users['staff_a1']):
            Party.crm_pool_claim([Party(claimed.id)])
        User.write([users['outsider']], {'active': False})
        with Transaction().set_user(users['boss'].id):
            Configuration.write([Configuration(1)], {'pool_enabled': False})
        self.assertEqual(
            [(c.crm_library, c.crm_owner, c.crm_protection_end)
                for c in map(reload, [keen, lead, gone, claimed])], [
                ('normal', users['staff_a1'], None),
                ('normal', users['staff_a2'], None),
                ('normal', users['boss'], None),
                ('normal', users['staff_a1'], None),
                ])
        log, = pool_logs(gone, 'to_normal')
        self.assertEqual(
            (log.rule, log.from_library, log.to_owner, log.author),
            ('pool_switched_off', 'public', users['boss'], users['boss']))
        self.assertEqual(len(pool_logs(operation='pool_off')), 1)
        # Switching off again changes nothing
        Configuration.write([Configuration(1)], {'pool_enabled': False})
        self.assertEqual(len(pool_logs(operation='to_normal')), 4)

    # -- settings -------------------------------------------------------------------

    @pool_test()
    def test_limits_must_be_positive(self, users):
        "A limit of 0 or less is refused, never read as off"
        pool = Pool()
        Configuration = pool.get('crm.configuration')
        Maturity = pool.get('crm.maturity')
        User = pool.get('res.user')
        for name in ['pool_temporary_days', 'pool_private_cap',
                'pool_daily_claim_cap', 'pool_protection_days']:
            for value in [0, -5]:
                with self.subTest(name=name, value=value), \
                        self.assertRaises(ValidationError):
                    Configuration.write(
                        [Configuration(1)], {name: value})
        with self.assertRaises(ValidationError):
            User.write([users['staff_a1']], {'crm_pool_claimed_cap': 0})
        with self.assertRaises(ValidationError):
            Maturity.write([grade('D')], {'return_days': -1})
        with self.assertRaises(ValidationError) as cm:
            Configuration.write([Configuration(1)], {
                    'pool_warn_days': 2, 'pool_escalate_days': 5})
        self.assertIn("remind the owner first", str(cm.exception))
        # Empty switches a rule off
        Configuration.write([Configuration(1)], {'pool_temporary_days': None})
        self.assertIsNone(Configuration(1).pool_temporary_days)

    @pool_test()
    def test_pool_people_on_the_settings(self, users):
        "Pool administrators and users are picked on the settings"
        Configuration = Pool().get('crm.configuration')
        config = Configuration(1)
        self.assertEqual(
            {u.login for u in config.pool_users},
            {'staff_a1', 'staff_a2', 'staff_b'})
        self.assertEqual(
            {u.login for u in config.pool_admins}, {'admin', 'pooladmin'})
        Configuration.write([config], {
                'pool_users': [('remove', [users['staff_b'].id])]})
        self.assertNotIn(
            'staff_b', {u.login for u in Configuration(1).pool_users})

