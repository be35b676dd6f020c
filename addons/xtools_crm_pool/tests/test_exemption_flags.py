"""The customer's flags "has an open opportunity" and "has an approved
deal" (exemption_flags.py) follow every change of the opportunities and
deals — made by the ORM or by SQL behind it — as the NOT EXISTS they
replace would see it."""
import unittest

from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module
from trytond.transaction import Transaction

from xtools_crm_sales.deal import APPROVED_STATES
from xtools_crm_sales.opportunity import OPEN_STATES

from .test_sales_goal import MODULES
from .tools import customer, pool_test


class ExemptionFlagsTestCase(unittest.TestCase):
    "The exemption flags kept by the database"

    @classmethod
    def setUpClass(cls):
        activate_module(MODULES)

    def assert_flags(self, parties):
        "Each flag is what the opportunities and deals say, read from SQL"
        pool = Pool()
        Party = pool.get('party.party')
        Sale = pool.get('sale.sale')
        Opportunity = pool.get('sale.opportunity')
        ids = [p.id for p in parties]
        table = Party.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(
                table.id, table.crm_pool_open_opportunity,
                table.crm_pool_approved_deal, where=table.id.in_(ids)))
        stored = {i: (bool(o), bool(d)) for i, o, d in cursor}
        expected = {i: (
                bool(Opportunity.search([('party', '=', i),
                            ('state', 'in', OPEN_STATES)])),
                bool(Sale.search([('party', '=', i),
                            ('state', 'in', sorted(APPROVED_STATES))])))
            for i in ids}
        self.assertEqual(stored, expected)
        return stored

    def set_state(self, Model, records, state):
        "The state written in SQL, as Tryton's workflows and merges may"
        table = Model.__table__()
        Transaction().connection.cursor().execute(*table.update(
                [table.state], [state],
                where=table.id.in_([r.id for r in records])))

    @pool_test()
    def test_flags_follow_every_change(self, users):
        pool = Pool()
        Party = pool.get('party.party')
        Sale = pool.get('sale.sale')
        Opportunity = pool.get('sale.opportunity')
        staff = users['staff_a1']
        first, second, third = parties = [
            customer(n, staff, 'D') for n in ["First", "Second", "Third"]]
        self.assertEqual(set(self.assert_flags(parties).values()),
            {(False, False)})

        lead, other = Opportunity.create([
                {'party': first.id, 'description': "Desks"},
                {'party': first.id, 'description': "Chairs"}])
        deal, = Sale.create([{'party': second.id}])
        self.assertEqual(self.assert_flags(parties)[first.id], (True, False))
        self.assertEqual(self.assert_flags(parties)[second.id],
            (False, False))

        # One of two opportunities lost: still open; both: no longer
        self.set_state(Opportunity, [lead], 'lost')
        self.assertEqual(self.assert_flags(parties)[first.id], (True, False))
        self.set_state(Opportunity, [other], 'cancelled')
        self.assertEqual(self.assert_flags(parties)[first.id],
            (False, False))
        self.set_state(Opportunity, [other], 'opportunity')

        # A deal approved, then cancelled
        self.set_state(Sale, [deal], 'confirmed')
        self.assertEqual(self.assert_flags(parties)[second.id],
            (False, True))
        self.set_state(Sale, [deal], 'cancelled')
        self.assertEqual(self.assert_flags(parties)[second.id],
            (False, False))
        self.set_state(Sale, [deal], 'done')

        # Moved to another customer (party replacement updates the links)
        for Model, record in [(Opportunity, other), (Sale, deal)]:
            table = Model.__table__()
            Transaction().connection.cursor().execute(*table.update(
                    [table.party], [third.id], where=table.id == record.id))
        self.assertEqual(self.assert_flags(parties)[third.id], (True, True))
        self.assertEqual(self.assert_flags(parties)[first.id],
            (False, False))

        # Deleted while open or approved (by SQL: Tryton refuses it)
        for Model, record in [(Opportunity, other), (Sale, deal)]:
            table = Model.__table__()
            Transaction().connection.cursor().execute(*table.delete(
                    where=table.id == record.id))
        self.assertEqual(set(self.assert_flags(parties).values()),
            {(False, False)})

        # A copy of a customer with an open opportunity has none
        Opportunity.create([{'party': first.id, 'description': "Desks"}])
        copy, = Party.copy([Party(first.id)], default={'name': "Copy"})
        self.assertEqual(self.assert_flags([first, copy]),
            {first.id: (True, False), copy.id: (False, False)})
