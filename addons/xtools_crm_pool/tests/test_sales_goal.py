"""The pool goal and exemption from real deals (xtools_crm_sales activated
with the pool): an approved deal or a receipt within the protection meets
the goal; an open opportunity or an approved deal keeps a library customer
from returning. The deals' approval workflow is the sales module's (and
tested there): here a deal is put in its approved state directly."""
import unittest
from decimal import Decimal

from trytond import backend
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from xtools_crm_sales.deal import APPROVED_STATES
from xtools_crm_sales.opportunity import OPEN_STATES

from ..auto_return import ReturnSettings
from .tools import (
    TODAY, as_user, customer, days, frozen, pool_test, reload, run_pool)

MODULES = ['xtools_crm_pool', 'xtools_crm_sales']
AMOUNT = Decimal('1000.00')


def approved_deal(party, approval_date):
    "A deal of party for AMOUNT, approved on approval_date"
    Sale = Pool().get('sale.sale')
    deal, = Sale.create([{'party': party.id}])
    sale = Sale.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*sale.update(
            [sale.state, sale.sale_date, sale.crm_approval_date,
                sale.untaxed_amount_cache, sale.tax_amount_cache,
                sale.total_amount_cache],
            ['confirmed', approval_date, approval_date,
                AMOUNT, Decimal(0), AMOUNT],
            where=sale.id == deal.id))
    # Forget what the transaction cached of the draft
    transaction = Transaction()
    transaction.counter += 1
    for cache in transaction.cache.values():
        cache.get(Sale.__name__, {}).pop(deal.id, None)
    return Sale(deal.id)


class SalesGoalTestCase(unittest.TestCase):
    "The pool goal and exemption read from the deals"

    @classmethod
    def setUpClass(cls):
        activate_module(MODULES)

    @with_transaction()
    def test_deal_hooks_extend_the_run(self):
        """The deals' goal and exemption (sales.py) extend the run's
        placeholders (auto_return.py): registered after them and calling
        super(), so a reordered registration is caught here"""
        Party = Pool().get('party.party')
        modules = [c.__module__ for c in Party.__mro__]
        self.assertLess(
            modules.index('xtools_crm_pool.sales'),
            modules.index('xtools_crm_pool.auto_return'))
        party = Party.__table__()
        self.assertEqual(len(Party._crm_pool_goal_conditions(party)), 2)
        self.assertEqual(len(Party._crm_pool_goal_conditions(
                    party, deal=True, receipt=False)), 1)
        self.assertEqual(len(Party._crm_pool_exempt_conditions(party)), 2)

    @pool_test(pool_protection_days=30)
    def test_goal_by_deal_or_receipt(self, users):
        """An approved deal or a receipt within the protection: 达成; one
        approved before the claim does not count"""
        pool = Pool()
        Party = pool.get('party.party')
        Receipt = pool.get('crm.deal.receipt')
        staff = users['staff_a1']
        by_deal = customer("By Deal", users['staff_b'])
        by_receipt = customer("By Receipt", users['staff_b'])
        old_deal = customer("Old Deal", users['staff_b'])
        with as_user(staff):
            Party.crm_pool_claim([Party(by_deal.id), Party(by_receipt.id)])
        # approved the day before it was claimed: not this owner's work
        approved_deal(old_deal, TODAY - days(1))
        with as_user(staff):
            Party.crm_pool_claim([Party(old_deal.id)])
        approved_deal(by_deal, TODAY + days(5))
        paid = approved_deal(by_receipt, TODAY - days(60))
        Receipt.create([{
                    'deal': paid.id, 'date': TODAY + days(3),
                    'amount': Decimal('100'), 'owner': staff.id,
                    'method': 'transfer'}])

        counts = run_pool(TODAY + days(6))

        self.assertEqual(counts['goal_met'], 2)
        for met in [by_deal, by_receipt]:
            met = reload(met)
            self.assertEqual(
                (met.crm_library, met.crm_owner, met.crm_protection_end,
                    met.crm_pool_goal),
                ('claimed', staff, None, 'achieved'))
        self.assertEqual(reload(old_deal).crm_pool_goal, 'pending')

    @pool_test(pool_temporary_days=30, pool_exempt_open_deals=True)
    def test_open_opportunity_or_approved_deal_exempts(self, users):
        "Temporary customers with an open opportunity or a deal stay"
        pool = Pool()
        Opportunity = pool.get('sale.opportunity')
        Configuration = pool.get('crm.configuration')
        staff = users['staff_a1']
        with frozen(TODAY - days(40)):
            courted = customer("Courted", staff, 'D')
            signed = customer("Signed", staff, 'D')
            idle = customer("Idle", staff, 'D')
        Opportunity.create([{
                    'party': courted.id, 'description': "Desks"}])
        approved_deal(signed, TODAY - days(20))

        counts = run_pool(TODAY)

        self.assertEqual(counts['returned'], 1)
        self.assertEqual(
            [reload(c).crm_library for c in [courted, signed, idle]],
            ['temporary', 'temporary', 'public'])

        # Without the exemption they return too
        Configuration.write([Configuration(1)], {
                'pool_exempt_open_deals': False})
        counts = run_pool(TODAY)
        self.assertEqual(counts['returned'], 2)
        self.assertEqual(
            [reload(c).crm_library for c in [courted, signed]],
            ['public', 'public'])

    @pool_test(pool_temporary_days=30, pool_protection_days=3,
        pool_warn_days=5)
    def test_lists_leave_out_what_the_deals_keep(self, users):
        """The return searches (即将回归公海) leave out exactly the
        customers the deals keep — an open opportunity or an approved deal
        (exemption), a deal or a receipt within a claimed customer's
        protection (goal) — whichever of these settings is on"""
        pool = Pool()
        Party = pool.get('party.party')
        Opportunity = pool.get('sale.opportunity')
        Receipt = pool.get('crm.deal.receipt')
        Configuration = pool.get('crm.configuration')
        staff = users['staff_a1']
        with frozen(TODAY - days(40)):
            courted = customer("Courted", staff, 'D')
            signed = customer("Signed", staff, 'D')
            idle = customer("Idle", staff, 'D')
        Opportunity.create([{'party': courted.id, 'description': "Desks"}])
        approved_deal(signed, TODAY - days(20))
        claimed = {name: customer(name, users['staff_b']) for name in [
                "By Deal", "Old Deal", "By Receipt", "Nothing"]}
        with as_user(staff):
            Party.crm_pool_claim([Party(c.id) for c in claimed.values()])
        approved_deal(claimed["By Deal"], TODAY + days(1))
        approved_deal(claimed["Old Deal"], TODAY - days(1))
        paid = approved_deal(claimed["By Receipt"], TODAY - days(60))
        Receipt.create([{
                    'deal': paid.id, 'date': TODAY + days(1),
                    'amount': Decimal('100'), 'owner': staff.id,
                    'method': 'transfer'}])
        parties = [courted, signed, idle] + list(claimed.values())

        for exempt, goal_deal, goal_receipt in [
                (True, True, True), (False, True, True),
                (False, False, True), (False, True, False),
                (True, False, False)]:
            Configuration.write([Configuration(1)], {
                    'pool_exempt_open_deals': exempt,
                    'pool_goal_deal': goal_deal,
                    'pool_goal_receipt': goal_receipt,
                    })
            with self.subTest(exempt=exempt, goal_deal=goal_deal,
                    goal_receipt=goal_receipt):
                self.assert_lists_exact(parties)

    def assert_lists_exact(self, parties):
        "The searches agree with the dates computed here in Python"
        from .test_return_index import expected_return
        pool = Pool()
        Party = pool.get('party.party')
        Sale = pool.get('sale.sale')
        Opportunity = pool.get('sale.opportunity')
        Receipt = pool.get('crm.deal.receipt')
        settings = ReturnSettings.from_configuration()
        parties = [reload(p) for p in parties]

        def kept(party):
            deals = Sale.search([
                    ('party', '=', party.id),
                    ('state', 'in', sorted(APPROVED_STATES))])
            if settings.exempt and (deals or Opportunity.search([
                        ('party', '=', party.id),
                        ('state', 'in', OPEN_STATES)])):
                return True
            if (party.crm_library != 'claimed'
                    or not party.crm_protection_end):
                return False
            start, end = party.crm_library_date, party.crm_protection_end
            receipts = Receipt.search([('deal.party', '=', party.id)])
            return bool(
                (settings.goal_deal and any(
                        start <= d.crm_approval_date <= end for d in deals))
                or (settings.goal_receipt and any(
                        start <= r.date <= end for r in receipts)))
        dates = {p.id: None if kept(p) else expected_return(p, settings)
            for p in parties}
        # the run keeps some: the lists have something to leave out
        self.assertTrue(any(
                expected_return(p, settings) and not dates[p.id]
                for p in parties))
        self.assertEqual({p.id: p.crm_return_date for p in parties}, dates)
        ids = set(dates)

        def found(domain):
            return {p.id for p in Party.search(domain)} & ids
        soon = TODAY + days(Party._crm_pool_soon_days(settings))
        self.assertEqual(
            found([('crm_returning_soon', '=', True)]),
            {i for i, d in dates.items() if d and d <= soon})
        self.assertEqual(
            found([('crm_returning_soon', '=', False)]),
            {i for i, d in dates.items() if not d or d > soon})
        for day in [TODAY, TODAY + days(4)]:
            self.assertEqual(
                found([('crm_return_date', '<=', day)]),
                {i for i, d in dates.items() if d and d <= day})

    @pool_test(pool_temporary_days=30, pool_protection_days=3)
    def test_deals_tested_by_anti_joins(self, users):
        """PostgreSQL runs "not exempt, goal not met" as anti-joins (a
        probe or one hash of the deals per kind), not as a subplan per
        candidate customer (whose cost set off JIT on a count)"""
        if backend.name != 'postgresql':
            self.skipTest("plans are PostgreSQL's")
        Party = Pool().get('party.party')
        settings = ReturnSettings.from_configuration(
            exempt=True, goal_deal=True, goal_receipt=True)
        party = Party.__table__()
        due, _ = Party._crm_pool_due(party, settings, TODAY)
        query = party.select(party.id, where=due)
        cursor = Transaction().connection.cursor()
        cursor.execute('EXPLAIN ' + str(query), query.params)
        plan = '\n'.join(r for r, in cursor)
        self.assertIn('Anti Join', plan)
        self.assertNotIn('SubPlan', plan)
