"""The indexes of search_indexes.py exist after activation, serve the
searches they are for, and the searches still find the right customers
(SQLite and PostgreSQL; the trigram checks on PostgreSQL only)."""
import re
import unittest
from unittest.mock import patch

from trytond import backend
from trytond.modules.company.tests import create_company, set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from .. import search_indexes


def index_definitions(table):
    "The SQL of every index of table, lower case"
    cursor = Transaction().connection.cursor()
    if backend.name == 'postgresql':
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = %s", (table,))
    else:
        cursor.execute(
            "SELECT sql FROM sqlite_master "
            "WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
            (table,))
    return [' '.join(d.lower().replace('"', '').split()) for d, in cursor]


def server_has_trigram():
    cursor = Transaction().connection.cursor()
    cursor.execute(
        "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
    return bool(cursor.fetchone())


def create_customers():
    "Three customers of admin, with a contact each"
    pool = Pool()
    Party = pool.get('party.party')
    Contact = pool.get('crm.contact')
    customers = Party.create([{
                'name': name, 'crm_customer_type': 'enterprise',
                'crm_owner': 1,
                'contact_mechanisms': [('create', [{
                                'type': 'phone', 'value': phone}])],
                } for name, phone in [
                ("上海明珠科技有限公司", '+86 21 6438 0001'),
                ("明珠贸易商行", '+86 21 5555 0002'),
                ("华信物流有限公司", '+86 10 8888 0003'),
                ]])
    Contact.create([{
                'customer': customer.id, 'name': name, 'mobile': mobile,
                } for customer, name, mobile in zip(customers,
                ["王明", "李明珠", "张伟"],
                ['13801380000', '13912345678', '13701380111'])])
    return customers


# Names whose 1-, 2- and 3+-character fragments the searches below must
# find exactly as Tryton's plain ILIKE does (ASCII and CJK only: Python's
# lower() and the database's agree on them)
NAMES = [
    "上海明珠科技有限公司", "明珠贸易商行", "珠明电子", "明 珠", "明明珠珠",
    "明珠", "华信物流有限公司", "ABC Trading 12", "abc trading", "Ab12 Ltd",
    "A_B%C 公司", "100% 纯净水", "aab", "xAaY", "b1 明A", "x\\y 公司",
    ]
FRAGMENTS = [
    '%明珠%', '%珠明%', '%明%', '%珠%', '%明珠科%', '%上海明珠%', '%ab%',
    '%AB%', '%Ab%', '%aa%', '%AA%', '%12%', '%b1%', '%1 %', '% 公%',
    '%明a%', '%明A%', '%_B%', '%\\_B%', '%\\%%', '%0%', '%0%%',
    '%明_%', '%a%a%', '明珠%', '%%', '%\\\\y%', '%y 公%', '%物流%',
    ]


def like(text, pattern):
    "text ILIKE pattern (escape backslash), in Python"
    regex, characters = '', iter(pattern)
    for character in characters:
        if character == '\\':
            regex += re.escape(next(characters, ''))
        elif character == '%':
            regex += '.*'
        elif character == '_':
            regex += '.'
        else:
            regex += re.escape(character)
    return bool(re.fullmatch(regex, text, re.IGNORECASE | re.DOTALL))


def plan_of(Model, domain):
    "PostgreSQL's plan of Model.search(domain), scans forbidden"
    cursor = Transaction().connection.cursor()
    # Tiny tables: forbid the scan so that only a usable index is used
    cursor.execute('SET LOCAL enable_seqscan = off')
    sql, params = tuple(Model.search(domain, query=True))
    cursor.execute('EXPLAIN ' + sql, params)
    plan = '\n'.join(r for r, in cursor)
    cursor.execute('SET LOCAL enable_seqscan = on')
    return plan


class SearchIndexesTestCase(unittest.TestCase):
    "Indexes for the customer list and substring searches"

    @classmethod
    def setUpClass(cls):
        activate_module('xtools_crm_base')

    @with_transaction()
    def test_list_order_index(self):
        "party.party has an index on its list order (name, id)"
        definitions = index_definitions('party_party')
        self.assertTrue(
            any(re.search(r'\(name( asc)?, ?id( asc)?\)', d)
                for d in definitions),
            definitions)

    @with_transaction()
    def test_trigram_indexes(self):
        "PostgreSQL: pg_trgm is created and the searched columns get GIN"
        if backend.name != 'postgresql':
            self.skipTest("trigram indexes are PostgreSQL's")
        if not server_has_trigram():
            self.skipTest("the server has no pg_trgm")
        cursor = Transaction().connection.cursor()
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        self.assertTrue(cursor.fetchone(), "pg_trgm not created")
        for table, column in [
                ('party_party', "coalesce(name, ''::character varying)"),
                ('party_party', 'code'),
                ('party_contact_mechanism', 'value'),
                ('party_contact_mechanism',
                    "coalesce(value_compact, ''::character varying)"),
                ('crm_contact', 'name'),
                ('crm_contact', "coalesce(mobile, ''::character varying)"),
                ('crm_contact', "coalesce(phone, ''::character varying)"),
                ]:
            with self.subTest(table=table, column=column):
                self.assertTrue(any(
                        'using gin' in d and 'gin_trgm_ops' in d
                        and column in d
                        for d in index_definitions(table)),
                    index_definitions(table))

    @with_transaction()
    def test_substring_search_uses_trigram_index(self):
        "PostgreSQL: the planner can serve name ilike '%…%' from the index"
        if backend.name != 'postgresql' or not server_has_trigram():
            self.skipTest("trigram indexes are PostgreSQL's")
        pool = Pool()
        Party = pool.get('party.party')
        Contact = pool.get('crm.contact')
        cursor = Transaction().connection.cursor()
        # Tiny tables: forbid the scan so that only a usable index is used
        cursor.execute('SET LOCAL enable_seqscan = off')
        for Model, domain, table in [
                (Party, [('name', 'ilike', '%明珠科%')], 'party_party'),
                (Contact, [('mobile', 'ilike', '%0138%')], 'crm_contact'),
                ]:
            with self.subTest(table=table):
                sql, params = tuple(Model.search(domain, query=True))
                cursor.execute('EXPLAIN ' + sql, params)
                plan = '\n'.join(r for r, in cursor)
                # A (bitmap) index scan whose condition is the ilike
                self.assertRegex(plan, r'Index Cond: .*~~\*')

    @with_transaction()
    def test_substring_searches_find_the_customers(self):
        "ilike on name, rec_name, contact and mechanism finds the right ones"
        pool = Pool()
        Party = pool.get('party.party')
        Contact = pool.get('crm.contact')
        company = create_company()
        with set_company(company):
            shanghai, pearl, xinhua = create_customers()
            for domain, expected in [
                    ([('name', 'ilike', '%明珠%')], {shanghai, pearl}),
                    ([('rec_name', 'ilike', '%明珠%')], {shanghai, pearl}),
                    ([('name', 'ilike', '%物流%')], {xinhua}),
                    ([('contact_mechanisms.rec_name', 'ilike', '%6438%')],
                        {shanghai}),
                    ([('crm_contacts.name', 'ilike', '%明珠%')], {pearl}),
                    ([('crm_contacts.mobile', 'ilike', '%0138%')],
                        {shanghai, xinhua}),
                    ]:
                with self.subTest(domain=domain):
                    self.assertEqual(set(Party.search(
                                domain + [('crm_customer_type', '!=', None)])),
                        expected)
            self.assertEqual(
                {c.customer for c in Contact.search(
                        [('name', 'ilike', '%明%')])}, {shanghai, pearl})
            # The customers-only flag stays inside the search
            found = Party.search([('crm_customer_type', '!=', None)])
            self.assertTrue(found)
            self.assertFalse(any(
                    p._context.get('_crm_customers_only') for p in found))

    @with_transaction()
    def test_pending_entries_cleaned_after_a_large_write(self):
        "PostgreSQL: the trigram indexes hold no pending entries after it"
        if backend.name != 'postgresql' or not server_has_trigram():
            self.skipTest("trigram indexes are PostgreSQL's")
        company = create_company()
        with set_company(company):
            create_customers()
        search_indexes.refresh_planner_statistics(
            search_indexes.IMPORTED_TABLES)
        # Nothing left for another cleaning: searches scan no pending list
        self.assertEqual(search_indexes.clean_pending_entries(
                search_indexes.IMPORTED_TABLES), 0)
        # What a write leaves, moved by the first one
        Party = Pool().get('party.party')
        with set_company(company):
            Party.create([{
                        'name': f"新客户{i}", 'crm_customer_type': 'enterprise',
                        'crm_owner': 1} for i in range(20)])
        self.assertGreater(search_indexes.clean_pending_entries(
                ['party_party']), 0)

    @with_transaction()
    def test_missing_extension_does_not_break_the_update(self):
        "PostgreSQL: an extension the server lacks is skipped, not raised"
        if backend.name != 'postgresql':
            self.skipTest("extensions are PostgreSQL's")
        cursor = Transaction().connection.cursor()
        name = search_indexes.TRIGRAM_EXTENSION
        search_indexes.TRIGRAM_EXTENSION = 'xtools_no_such_extension'
        try:
            with self.assertLogs(search_indexes.logger, 'WARNING'):
                search_indexes.create_trigram_extension()
        finally:
            search_indexes.TRIGRAM_EXTENSION = name
        # The transaction goes on
        cursor.execute('SELECT COUNT(*) FROM party_party')
        self.assertIsNotNone(cursor.fetchone())

    @with_transaction()
    def test_short_fragments_find_the_same(self):
        "1-, 2- and 3+-character fragments find what the plain ILIKE finds"
        pool = Pool()
        Party = pool.get('party.party')
        Contact = pool.get('crm.contact')
        company = create_company()
        with set_company(company):
            customers = Party.create([{
                        'name': name, 'crm_customer_type': 'enterprise',
                        'crm_owner': 1} for name in NAMES])
            Contact.create([{'customer': customers[0].id, 'name': name}
                    for name in NAMES])
            parties = Party.search([])
            contacts = Contact.search([])
            for pattern in FRAGMENTS:
                for Model, records, domain in [
                        (Party, parties, [('name', 'ilike', pattern)]),
                        (Contact, contacts, [('name', 'ilike', pattern)]),
                        (Party, parties, [('rec_name', 'ilike', pattern)]),
                        (Party, parties,
                            [('crm_contacts.name', 'ilike', pattern)]),
                        ]:
                    with self.subTest(pattern=pattern, domain=domain):
                        found = set(Model.search(domain))
                        # As before: without the doubled-name clause
                        with patch.object(
                                search_indexes, 'has_trigram',
                                lambda: False):
                            before = set(Model.search(domain))
                        self.assertEqual(found, before)
                        if domain[0][0] == 'name':
                            self.assertEqual(found, {
                                    r for r in records
                                    if like(r.name, pattern)})
            self.assertEqual(
                {p.name for p in Party.search([('name', 'ilike', '%明珠%')])},
                {"上海明珠科技有限公司", "明珠贸易商行", "明明珠珠", "明珠"})
            self.assertEqual(
                {p.name for p in Party.search([('name', 'ilike', '%aa%')])},
                {"aab", "xAaY"})

    @with_transaction()
    def test_two_characters_use_the_pair_index(self):
        "PostgreSQL: '%明珠%' on customer and contact names uses an index"
        if backend.name != 'postgresql' or not server_has_trigram():
            self.skipTest("trigram indexes are PostgreSQL's")
        pool = Pool()
        Party = pool.get('party.party')
        Contact = pool.get('crm.contact')
        for table, column in [
                ('party_party', "coalesce(name, ''::character varying)"),
                ('crm_contact', 'name'),
                ]:
            with self.subTest(table=table):
                self.assertTrue(any(
                        'using gin' in d and 'gin_trgm_ops' in d
                        and f'regexp_replace(({column})' in d
                        for d in index_definitions(table)),
                    index_definitions(table))
        for Model in [Party, Contact]:
            with self.subTest(model=Model.__name__):
                plan = plan_of(Model, [('name', 'ilike', '%明珠%')])
                self.assertRegex(plan, r'Index Cond: .*regexp_replace')
                # Tryton's own ILIKE still decides
                self.assertRegex(plan, r"~~\* '%明珠%'")

    @with_transaction()
    def test_search_bar_arms_use_their_indexes(self):
        "PostgreSQL: the search bar's arms are a UNION, each one indexed"
        if backend.name != 'postgresql' or not server_has_trigram():
            self.skipTest("trigram indexes are PostgreSQL's")
        Party = Pool().get('party.party')
        for fragment in ['%明珠%', '%明珠科%']:
            with self.subTest(fragment=fragment):
                plan = plan_of(Party, [('rec_name', 'ilike', fragment)])
                # Name and mechanisms by their trigram indexes
                self.assertRegex(plan,
                    r'Index Cond: .*coalesce\(party_party\.name|'
                    r'Index Cond: .*COALESCE\(.*name')
                self.assertRegex(plan, r'Index Cond: .*value')
                # Not every party filtered through hashed subplans
                self.assertNotIn('SubPlan', plan)
