"""The return dates searched through an index (bench_views.py's 即将回归公海):
the lists find exactly the customers whose date, computed one by one the
way the customer form shows it, falls in the range — after follow-ups,
claims, grade and settings changes — and on PostgreSQL an index serves
each rule's arms."""
import unittest

from trytond import backend
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module
from trytond.transaction import Transaction

from ..auto_return import DAY, ReturnSettings
from .tools import (
    TODAY, as_user, customer, days, frozen, grade, pool_test, reload,
    set_last_contact)


def expected_return(party, settings):
    """The return date of party by the rules, computed in Python from its
    stored fields (what the lists must agree with)"""
    if not party.crm_owner:
        return None
    if party.crm_library == 'claimed':
        end = party.crm_protection_end
        return end + DAY if end else None
    if party.crm_library not in {'temporary', 'private'}:
        return None
    limit = settings.grade_days.get(
        party.crm_maturity.id if party.crm_maturity else None,
        settings.limits[f'{party.crm_library}_days'])
    since = party.crm_library_date
    if party.crm_last_contact_date and (
            party.crm_last_contact_date > since):
        since = party.crm_last_contact_date
    return since + days(limit) if limit and since else None


class ReturnIndexTestCase(unittest.TestCase):
    "The return-date searches, exact and indexed"

    @classmethod
    def setUpClass(cls):
        activate_module('xtools_crm_pool')

    def assert_lists_exact(self, parties):
        "Every range search finds the customers whose date is in it"
        Party = Pool().get('party.party')
        settings = ReturnSettings.from_configuration()
        parties = [reload(p) for p in parties]
        dates = {p.id: expected_return(p, settings) for p in parties}
        # The form's date is the same as the one computed here
        self.assertEqual({p.id: p.crm_return_date for p in parties}, dates)
        ids = set(dates)

        def found(domain):
            return {p.id for p in Party.search(domain)} & ids
        for offset in range(-3, 45, 4):
            day = TODAY + days(offset)
            with self.subTest(day=day):
                self.assertEqual(
                    found([('crm_return_date', '<=', day)]),
                    {i for i, d in dates.items() if d and d <= day})
                self.assertEqual(
                    found([('crm_return_date', '=', day)]),
                    {i for i, d in dates.items() if d == day})
                self.assertEqual(
                    found([('crm_return_date', '>', day)]),
                    {i for i, d in dates.items() if d and d > day})
        soon = TODAY + days(Party._crm_pool_soon_days(settings))
        self.assertEqual(
            found([('crm_returning_soon', '=', True)]),
            {i for i, d in dates.items() if d and d <= soon})
        self.assertEqual(
            found([('crm_returning_soon', '=', False)]),
            {i for i, d in dates.items() if not d or d > soon})
        self.assertEqual(
            found([('crm_return_date', '=', None)]),
            {i for i, d in dates.items() if not d})
        self.assertEqual(
            found([('crm_return_date', '!=', None)]),
            {i for i, d in dates.items() if d})

    @pool_test(pool_temporary_days=30, pool_private_days=20,
        pool_protection_days=10, pool_warn_days=5)
    def test_lists_follow_every_change(self, users):
        "Follow-ups, claims, grades and settings move customers in and out"
        pool = Pool()
        Party = pool.get('party.party')
        Maturity = pool.get('crm.maturity')
        Configuration = pool.get('crm.configuration')
        Maturity.write([grade('D')], {'return_days': 10})
        staff, other = users['staff_a1'], users['staff_b']
        parties = []
        for age in [0, 8, 12, 26, 29]:
            with frozen(TODAY - days(age)):
                for code in ['A', 'D', 'E', None]:
                    parties.append(
                        customer(f"T{age}{code}", staff, code))
        lead = customer("Lead", other)
        parties.append(lead)
        self.assert_lists_exact(parties)

        # Follow-ups: before the library day (no effect), after it
        set_last_contact(parties[0:8], TODAY - days(40))
        set_last_contact(parties[8:16], TODAY - days(1))
        self.assert_lists_exact(parties)

        # A claim: the protection end
        with as_user(staff):
            Party.crm_pool_claim([Party(lead.id)])
        self.assertEqual(reload(lead).crm_library, 'claimed')
        self.assert_lists_exact(parties)

        # Grade changes (within the library, to the private library), a
        # grade's limit change, a setting change
        Party.write([Party(parties[2].id)], {'crm_maturity': grade('D').id})
        Party.write([Party(parties[14].id)], {'crm_maturity': grade('A').id})
        self.assertEqual(reload(parties[14]).crm_library, 'private')
        self.assert_lists_exact(parties)
        Maturity.write([grade('E')], {'return_days': 3})
        self.assert_lists_exact(parties)
        Maturity.write([grade('D'), grade('E')], {'return_days': None})
        Configuration.write([Configuration(1)], {'pool_temporary_days': 7})
        self.assert_lists_exact(parties)

        # A library customer without a library day (data from before the
        # pool, an import): no date, so "not returning soon" and "no
        # date" must find it although its rule's condition is unknown
        # (NULL) in SQL
        party = Party.__table__()
        Transaction().connection.cursor().execute(*party.update(
                [party.crm_library_date], [None],
                where=party.id == parties[17].id))
        self.assertEqual(reload(parties[17]).crm_library, 'temporary')
        self.assert_lists_exact(parties)

    @pool_test(pool_temporary_days=30, pool_warn_days=5)
    def test_searched_on_the_listed_table(self, users):
        """The return searches are conditions on the listed customers
        themselves, not id IN (the customers that return): a count then
        stops after the first matches instead of joining the customer
        table with itself"""
        Party = Pool().get('party.party')
        for domain in [
                [('crm_returning_soon', '=', True)],
                [('crm_returning_soon', '=', False)],
                [('crm_return_date', '<=', TODAY)],
                [('crm_return_date', '=', None)],
                ]:
            with self.subTest(domain=domain):
                for count in [False, True]:
                    query = Party.search(
                        domain, limit=10, count=count, query=True)
                    self.assertEqual(
                        str(query).count('"party_party"'), 1, str(query))

    @pool_test(pool_temporary_days=30, pool_warn_days=5)
    def test_index_serves_the_rules(self, users):
        "PostgreSQL can read each rule's arms from the (library, day) index"
        if backend.name != 'postgresql':
            self.skipTest("plans are PostgreSQL's")
        pool = Pool()
        Party = pool.get('party.party')
        Maturity = pool.get('crm.maturity')
        Maturity.write([grade('D')], {'return_days': 10})
        customer("Someone", users['staff_a1'], 'D')
        settings = ReturnSettings.from_configuration()
        party = Party.__table__()
        due, _ = Party._crm_pool_due(party, settings, TODAY + days(5))
        cursor = Transaction().connection.cursor()
        cursor.execute('SET LOCAL enable_seqscan = off')
        query = party.select(party.id, where=due)
        cursor.execute('EXPLAIN ' + str(query), query.params)
        plan = '\n'.join(r for r, in cursor)
        self.assertNotIn('Seq Scan on party_party', plan)
        self.assertIn('crm_library', plan)
