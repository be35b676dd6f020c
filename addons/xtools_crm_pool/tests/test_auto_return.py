"""Auto-return (SPEC P4-P6): the three return rules and the goal on a
frozen "today", idempotence, re-claim locks, exemptions, grade limits, the
reminder ladder, the simulator against the real run, the return dates."""
import datetime as dt
import json
import unittest
from zoneinfo import ZoneInfo

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import create_company, set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from ..auto_return import ReturnSettings
from ..today import pool_today
from .tools import (
    TODAY, as_user, customer, days, exempted, frozen, goal_met_for, grade,
    pool_logs, pool_test, reload, run_pool, set_last_contact)


class AutoReturnTestCase(unittest.TestCase):
    "Auto-return, reminders and the rule simulator"

    @classmethod
    def setUpClass(cls):
        activate_module('xtools_crm_pool')

    def snapshot(self):
        "Everything a run may change"
        pool = Pool()
        Party = pool.get('party.party')
        Lock = pool.get('crm.pool.lock')
        Notification = pool.get('res.notification')
        fields = ['crm_owner', 'crm_library', 'crm_library_date',
            'crm_previous_owner', 'crm_protection_end', 'crm_pool_goal',
            'crm_pool_taken', 'crm_hot']
        parties = Party.search([('crm_customer_type', '!=', None)])
        return (
            sorted(tuple(sorted(r.items())) for r in Party.read(
                    [p.id for p in parties], fields)),
            len(pool_logs()), Lock.search_count([]),
            Notification.search_count([]))

    @pool_test(pool_temporary_days=30, pool_temporary_lock_days=15)
    def test_temporary_without_followup_returns(self, users):
        "No follow-up for the limit: back to the pool, owner locked out"
        Party = Pool().get('party.party')
        staff = users['staff_a1']
        with frozen(TODAY - days(60)):
            stale = customer("Stale", staff, 'E')
            fresh = customer("Fresh", staff, 'E')
        set_last_contact([stale], TODAY - days(30))
        set_last_contact([fresh], TODAY - days(29))
        counts = run_pool()
        self.assertEqual(counts['returned'], 1)
        stale, fresh = reload(stale), reload(fresh)
        self.assertEqual(
            (stale.crm_library, stale.crm_owner, stale.crm_previous_owner,
                stale.crm_library_date),
            ('public', None, staff, TODAY))
        self.assertEqual(
            (fresh.crm_library, fresh.crm_return_date),
            ('temporary', TODAY + days(1)))
        log, = pool_logs(operation='return')
        self.assertEqual(
            (log.rule, log.reference_date, log.limit_days, log.from_owner),
            ('temporary_no_followup', TODAY - days(30), 30, staff))
        self.assertEqual(
            log.facts, "No follow-up since 09/01/2026, limit 30 days.")
        # The previous owner may claim it again after 15 days only
        with as_user(staff), self.assertRaises(UserError) as cm:
            Party.crm_pool_claim([Party(stale.id)])
        self.assertIn("until 10/15/2026 included", cm.exception.message)
        with frozen(TODAY + days(15)), as_user(staff):
            Party.crm_pool_claim([Party(stale.id)])
        # Others may claim it at once
        with as_user(users['staff_a2']), self.assertRaises(UserError) as cm:
            Party.crm_pool_claim([Party(fresh.id)])

    @pool_test(pool_private_days=90)
    def test_private_without_contact_returns_for_good(self, users):
        "No contact for the limit: back to the pool, never again for them"
        Party = Pool().get('party.party')
        staff = users['staff_a1']
        with frozen(TODAY - days(200)):
            forgotten = customer("Forgotten", staff, 'A')
            kept = customer("Kept", staff, 'B')
        set_last_contact([forgotten], TODAY - days(90))
        set_last_contact([kept], TODAY - days(10))
        run_pool()
        forgotten = reload(forgotten)
        self.assertEqual(
            (forgotten.crm_library, reload(kept).crm_library),
            ('public', 'private'))
        log, = pool_logs(operation='return')
        self.assertEqual(log.facts, "No contact since 07/03/2026, limit 90 days.")
        with frozen(TODAY + days(3000)), as_user(staff), \
                self.assertRaises(UserError) as cm:
            Party.crm_pool_claim([Party(forgotten.id)])
        self.assertEqual(cm.exception.message,
            'staff_a1 may never claim "Forgotten" again: it fell back from '
            'the private library without contact (Fell Back from the '
            'Private Library on 10/01/2026).')
        with as_user(users['staff_a2']):
            Party.crm_pool_claim([Party(forgotten.id)])

    @pool_test(pool_temporary_days=30, pool_temporary_lock_days=15)
    def test_locks_list_and_lift(self, users):
        "Users see their own locks; an administrator lifts one, logged"
        pool = Pool()
        Party = pool.get('party.party')
        Lock = pool.get('crm.pool.lock')
        staff = users['staff_a1']
        with frozen(TODAY - days(40)):
            stale = customer("Stale", staff, 'E')
            other = customer("Other", users['staff_a2'], 'E')
        run_pool()
        with as_user(staff):
            lock, = Lock.search([('running', '=', True)])
        self.assertEqual(
            (lock.user, lock.customer, lock.rule, lock.since, lock.until),
            (staff, stale, 'temporary_no_followup', TODAY,
                TODAY + days(14)))
        with as_user(users['pooladmin']):
            self.assertEqual(len(Lock.search([('running', '=', True)])), 2)
            Lock.lift([Lock(lock.id)])
        with as_user(staff):
            self.assertFalse(Lock.search([('running', '=', True)]))
            Party.crm_pool_claim([Party(stale.id)])
        unlock, = pool_logs(operation='unlock')
        self.assertEqual(
            (unlock.author, unlock.from_owner, unlock.customer),
            (users['pooladmin'], staff, stale))
        self.assertEqual(unlock.facts,
            "The re-claim lock of staff_a1 (since 10/01/2026) was lifted.")
        # Only pool administrators lift locks
        with as_user(users['staff_a2']):
            own, = Lock.search([])
            self.assertEqual(own.customer, other)
            with self.assertRaises(UserError):
                Lock.lift([own])
        # A shorter lock setting shortens the running locks at once
        Pool().get('crm.configuration').write(
            [Pool().get('crm.configuration')(1)],
            {'pool_temporary_lock_days': 1})
        with frozen(TODAY + days(1)), as_user(users['staff_a2']):
            Party.crm_pool_claim([Party(other.id)])

    @pool_test(pool_protection_days=10, pool_claimed_lock_days=7)
    def test_protection_end_and_goal(self, users):
        "Goal met: protection cleared (达成); not met by the end: returned"
        Party = Pool().get('party.party')
        staff = users['staff_a1']
        won = customer("Won", users['staff_b'])
        lost = customer("Lost", users['staff_b'])
        running = customer("Running", users['staff_b'])
        with frozen(TODAY - days(10)), as_user(staff):
            Party.crm_pool_claim([Party(won.id), Party(lost.id)])
        with frozen(TODAY - days(9)), as_user(staff):
            Party.crm_pool_claim([Party(running.id)])
        self.assertEqual(reload(lost).crm_protection_end, TODAY - days(1))
        with goal_met_for(won):
            counts = run_pool()
        self.assertEqual((counts['goal_met'], counts['returned']), (1, 1))
        won, lost = reload(won), reload(lost)
        self.assertEqual(
            (won.crm_library, won.crm_owner, won.crm_protection_end,
                won.crm_pool_goal),
            ('claimed', staff, None, 'achieved'))
        self.assertEqual(
            (lost.crm_library, lost.crm_owner), ('public', None))
        self.assertEqual(reload(running).crm_library, 'claimed')
        goal, = pool_logs(operation='goal')
        self.assertEqual(goal.facts,
            "Goal met during the protection (taken on 09/21/2026, "
            "protected until 09/30/2026): the customer stays with its owner.")
        ret, = pool_logs(operation='return')
        self.assertEqual((ret.rule, ret.facts), ('protection_expired',
                "Protection ended on 09/30/2026 without the goal being met "
                "(an approved deal or a receipt)."))
        # A met goal frees the cap; the returned one is locked 7 days
        self.assertEqual(
            Pool().get('res.user')(staff.id).crm_pool_claimed_count, 1)
        with frozen(TODAY + days(6)), as_user(staff), \
                self.assertRaises(UserError):
            Party.crm_pool_claim([Party(lost.id)])

    @pool_test(pool_protection_days=10, pool_temporary_days=30,
        pool_private_days=90)
    def test_run_is_idempotent(self, users):
        "A second run on the same day changes nothing"
        Party = Pool().get('party.party')
        staff = users['staff_a1']
        with frozen(TODAY - days(120)):
            customer("Private", staff, 'A')
            customer("Temporary", staff, 'D')
            lead = customer("Lead", users['staff_b'])
            won = customer("Won", users['staff_b'])
            as_user_ctx = as_user(staff)
            with as_user_ctx:
                Party.crm_pool_claim([Party(lead.id), Party(won.id)])
        with goal_met_for(won):
            first = run_pool()
            after_first = self.snapshot()
            second = run_pool()
            self.assertEqual(self.snapshot(), after_first)
        self.assertEqual(
            (first['returned'], first['goal_met']), (3, 1))
        self.assertEqual(
            (second['returned'], second['goal_met']), (0, 0))

    @pool_test(pool_temporary_days=30)
    def test_grade_limit_and_exemption(self, users):
        "A grade's own limit applies; exempt customers stay"
        pool = Pool()
        Maturity = pool.get('crm.maturity')
        Configuration = pool.get('crm.configuration')
        Maturity.write([grade('D')], {'return_days': 10})
        staff = users['staff_a1']
        with frozen(TODAY - days(15)):
            short = customer("Short limit", staff, 'D')
            normal = customer("Default limit", staff, 'E')
            busy = customer("Open deal", staff, 'D')
        with exempted(busy):
            run_pool()
        self.assertEqual(
            [reload(c).crm_library for c in [short, normal, busy]],
            ['public', 'temporary', 'temporary'])
        log, = pool_logs(operation='return')
        self.assertEqual(log.limit_days, 10)
        # Without the exemption setting, the open deal does not protect it
        Configuration.write(
            [Configuration(1)], {'pool_exempt_open_deals': False})
        with exempted(busy):
            run_pool()
        self.assertEqual(reload(busy).crm_library, 'public')

    @pool_test(pool_temporary_days=30, pool_warn_days=3,
        pool_escalate_days=1)
    def test_reminder_ladder(self, users):
        "Owner reminded, then the manager, then returned; each once, logged"
        pool = Pool()
        Notification = pool.get('res.notification')
        staff = users['staff_a1']
        with frozen(TODAY - days(27)):
            late = customer("Late", staff, 'E')
        self.assertEqual(reload(late).crm_return_date, TODAY + days(3))
        self.assertEqual(run_pool(TODAY - days(1)), {'returned': 0})
        self.assertEqual(run_pool(), {
                'returned': 0, 'remind_owner': 1})
        self.assertEqual(run_pool(), {'returned': 0})
        notification, = Notification.search([])
        self.assertEqual(
            (notification.user, notification.label,
                json.loads(notification.records)),
            (staff, "1 of your customers return to the public pool soon",
                [late.id]))
        self.assertIn("Late (staff_a1) on 10/04/2026", notification.description)
        self.assertEqual(
            run_pool(TODAY + days(1)), {'returned': 0})
        self.assertEqual(
            run_pool(TODAY + days(2)),
            {'returned': 0, 'remind_manager': 1})
        manager_note, = Notification.search(
            [('user', '=', users['manager_a'].id)])
        self.assertEqual(manager_note.label,
            "1 customers of your team return to the public pool soon")
        self.assertEqual(
            run_pool(TODAY + days(3)), {'returned': 1})
        self.assertEqual(
            [(l.operation, l.notified) for l in pool_logs(late)
                if l.operation != 'enter'], [
                ('remind_owner', staff),
                ('remind_manager', users['manager_a']),
                ('return', None),
                ])
        owner_log = pool_logs(operation='remind_owner')[0]
        self.assertEqual(owner_log.facts,
            "Returns to the pool on 10/04/2026; owner staff_a1 reminded. "
            "No follow-up since 09/04/2026, limit 30 days.")
        # The owner sees the reminder about their customer in the log
        with as_user(staff):
            self.assertEqual(
                len(Pool().get('crm.pool.log').search(
                        [('operation', 'in',
                                ['remind_owner', 'remind_manager'])])), 2)

    @pool_test(pool_protection_days=10, pool_temporary_days=30,
        pool_private_days=60)
    def test_simulator_equals_run(self, users):
        "The simulator lists exactly what the run then does"
        pool = Pool()
        Party = pool.get('party.party')
        staff = users['staff_a1']
        with frozen(TODAY - days(100)):
            for i in range(3):
                customer(f"Private {i}", staff, 'A')
                customer(f"Temporary {i}", staff, 'D')
        private = Party.search([('name', 'like', 'Private%')])
        temporary = Party.search([('name', 'like', 'Temporary%')])
        set_last_contact(private[:1], TODAY - days(10))
        set_last_contact(temporary[:1], TODAY - days(5))
        lead = customer("Lead", users['staff_b'])
        won = customer("Won", users['staff_b'])
        with frozen(TODAY - days(10)), as_user(staff):
            Party.crm_pool_claim([Party(lead.id), Party(won.id)])
        before = self.snapshot()
        with goal_met_for(won):
            # Other limits are tried without changing anything
            other = Party.crm_pool_simulate(ReturnSettings.from_configuration(
                    today=TODAY, temporary_days=200, private_days=5))
            self.assertEqual(
                {r['name'] for r in other if r['action'] == 'return'},
                {"Lead", "Private 0", "Private 1", "Private 2"})
            self.assertEqual(self.snapshot(), before)
            simulated = Party.crm_pool_simulate(
                ReturnSettings.from_configuration(today=TODAY))
            run_pool()
        self.assertEqual(
            sorted((r['customer'], r['action'], r['rule'], r['since'],
                    r['limit']) for r in simulated),
            sorted((l.customer.id, l.operation, l.rule, l.reference_date,
                    l.limit_days) for l in pool_logs()
                if l.operation in {'return', 'goal'}))
        self.assertEqual(len(simulated), 6)

    @pool_test(pool_temporary_days=30, pool_protection_days=10,
        pool_warn_days=5)
    def test_return_dates_and_searches(self, users):
        "Each customer shows its return date; the lists find them"
        Party = Pool().get('party.party')
        staff = users['staff_a1']
        with frozen(TODAY - days(27)):
            soon = customer("Soon", staff, 'E')
        later = customer("Later", staff, 'E')
        keen = customer("Normal", staff, 'B')
        Pool().get('crm.configuration').write(
            [Pool().get('crm.configuration')(1)],
            {'pool_private_days': None})
        lead = customer("Lead", users['staff_b'])
        with as_user(staff):
            Party.crm_pool_claim([Party(lead.id)])
        self.assertEqual(
            [(reload(c).crm_return_date, reload(c).crm_return_rule)
                for c in [soon, later, keen, lead]], [
                (TODAY + days(3), 'temporary_no_followup'),
                (TODAY + days(30), 'temporary_no_followup'),
                (None, None),
                (TODAY + days(10), 'protection_expired'),
                ])

        def names(domain):
            return {p.name for p in Party.search(domain)}
        self.assertEqual(names([('crm_returning_soon', '=', True)]), {"Soon"})
        self.assertEqual(
            names([('crm_return_date', '<=', TODAY + days(10))]),
            {"Soon", "Lead"})
        self.assertEqual(
            names([('crm_return_date', '=', TODAY + days(10))]), {"Lead"})
        self.assertEqual(
            names([('crm_return_date', '>', TODAY + days(3))]),
            {"Later", "Lead"})
        self.assertEqual(
            names([('crm_return_date', '=', None),
                    ('crm_customer_type', '!=', None)]), {"Normal"})

    @with_transaction()
    def test_today_in_company_timezone(self):
        "Days are counted in the company's timezone"
        Company = Pool().get('company.company')
        company = create_company()
        for zone in ['Pacific/Kiritimati', 'Pacific/Pago_Pago']:
            Company.write([company], {'timezone': zone})
            with set_company(company):
                self.assertEqual(
                    pool_today(), dt.datetime.now(ZoneInfo(zone)).date())
        with set_company(company), frozen(TODAY):
            self.assertEqual(pool_today(), TODAY)

    @pool_test()
    def test_log_is_append_only(self, users):
        "Nobody changes or deletes the pool log, not even root"
        Log = Pool().get('crm.pool.log')
        customer("Lead", users['staff_a1'])
        log, = pool_logs(operation='enter')
        for user in [users['pooladmin'].id, 1, 0]:
            with Transaction().set_user(user):
                with self.assertRaises(AccessError):
                    Log.write([log], {'reason': "Edited"})
                with self.assertRaises(AccessError):
                    Log.delete([log])

    @pool_test(pool_temporary_days=1)
    def test_cron(self, users):
        "The daily cron runs the auto-return for the company"
        pool = Pool()
        Cron = pool.get('ir.cron')
        ModelData = pool.get('ir.model.data')
        with frozen(TODAY - days(5)):
            stale = customer("Stale", users['staff_a1'], 'E')
        cron = Cron(ModelData.get_id('xtools_crm_pool', 'cron_pool_auto_return'))
        self.assertEqual(cron.method, 'party.party|crm_pool_cron')
        with Transaction().set_user(0):
            Cron.run_once([cron])
        self.assertEqual(reload(stale).crm_library, 'public')
