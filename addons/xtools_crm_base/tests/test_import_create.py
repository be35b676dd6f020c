"""The import's set-based creation (customer_import_create.py) stores
exactly what Tryton's create() stores for the same checked file: every
column of the customers, their contacts, contact mechanisms, addresses and
company-dependent values, compared row by row."""
import unittest

from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from ..customer_import import CustomerFileImport
from .test_data_safety import as_user, xlsx
from .tools import build_organisation, create_zhejiang

HEADERS = ["客户名称*", "客户类型", "客户来源", "省份", "城市", "地址",
    "公司电话", "网址", "负责人", "联系人", "职务", "手机", "电子邮箱"]
# Columns that differ between two creations of the same rows
VOLATILE = {'id', 'create_date', 'write_date', 'code', 'code_alnum',
    'code_digit'}
# Tables of what an import creates, and their link to the customer
TABLES = [
    ('party_party', 'id'),
    ('crm_contact', 'customer'),
    ('party_contact_mechanism', 'party'),
    ('party_address', 'party'),
    ('party_party_lang', 'party'),
    ]


def rows():
    "A file of every kind of row the import knows"
    return xlsx([
            HEADERS,
            ["杭州西湖茶业有限公司", "企业客户", "Web Search", "浙江", "杭州",
                "西湖区龙井路1号", "0571 8888 6666", "https://tea.example.com",
                'staff_a1', "王芳", "采购经理", "１３９ 0000 1111",
                "WF@Example.com"],
            ["宁波港务", None, "Advertising", "CN-ZJ", None, None,
                "+86 574 8765 4321", None, 'staff_a2', "赵强", None, None,
                None],
            ["李雷", "个人客户", None, None, None, None, None, None, None,
                None, None, "13900002222", "li@example.com"],
            ["韩梅梅", "个人客户", None, "浙江", "宁波", "海曙区1号", None,
                None, None, None, None, None, None],
            ["无联系人公司", None, None, None, None, None, None, None, None,
                None, None, None, None],
            ], contacts=[
            ["客户名称", "联系人", "职务", "手机"],
            ["杭州西湖茶业有限公司", "陈明", "采购", "13900003333"],
            ["宁波港务", "孙丽", None, "13900004444"],
            ])


def snapshot(party_ids):
    """Every row created for the parties, the links to a party replaced by
    its name, the volatile columns left out: sorted per table"""
    cursor = Transaction().connection.cursor()
    ids = ', '.join(map(str, party_ids))
    cursor.execute(f'SELECT id, name FROM party_party WHERE id IN ({ids})')
    names = dict(cursor)
    result = {}
    for table, link in TABLES:
        cursor.execute(f'SELECT * FROM {table} WHERE {link} IN ({ids})')
        columns = [d[0] for d in cursor.description]
        found = []
        for row in cursor:
            values = dict(zip(columns, row))
            values[f'{link}->name'] = names[values[link]]
            found.append(tuple(sorted(
                        (k, str(v)) for k, v in values.items()
                        if k not in VOLATILE and k != link)))
        result[table] = sorted(found)
    return result


def purge(party_ids):
    "Remove the rows of the parties, to import the same names again"
    cursor = Transaction().connection.cursor()
    ids = ', '.join(map(str, party_ids))
    for table, link in reversed(TABLES):
        cursor.execute(f'DELETE FROM {table} WHERE {link} IN ({ids})')


class ImportCreateTestCase(unittest.TestCase):
    "Set-based creation of an import: the same as Tryton's create()"

    @classmethod
    def setUpClass(cls):
        activate_module('xtools_crm_base')

    def setup(self):
        company, users, _ = build_organisation()
        create_zhejiang()
        return company, users

    def imported(self, user, company, orm):
        "The ids of the parties the file created, by create() or set-based"
        Party = Pool().get('party.party')
        before = {p.id for p in Party.search([])}
        with as_user(user, company=company.id):
            importer = CustomerFileImport(rows())
            self.assertTrue(importer.check(), [
                    (i.row, i.column, i.reason) for i in importer.issues])
            importer.create(orm=orm)
        Transaction().reset_cache() if hasattr(
            Transaction(), 'reset_cache') else None
        return sorted({p.id for p in Party.search([])} - before)

    @with_transaction()
    def test_same_rows_as_tryton_create(self):
        "Every column of every row equal to what create() stores"
        company, users = self.setup()
        manager = users['manager_a']
        by_orm = self.imported(manager, company, orm=True)
        self.assertEqual(len(by_orm), 5)
        expected = snapshot(by_orm)
        purge(by_orm)
        by_sql = self.imported(manager, company, orm=False)
        self.assertEqual(len(by_sql), 5)
        got = snapshot(by_sql)
        for table, _ in TABLES:
            with self.subTest(table=table):
                self.assertEqual(got[table], expected[table])
        # The rows are there at all: contacts of both sheets, the own
        # contact of an individual, formatted phone numbers
        self.assertEqual(len(got['crm_contact']), 6)
        self.assertTrue(any("+86 571 8888 6666" in str(r)
                for r in got['party_contact_mechanism']))

    @with_transaction()
    def test_codes_as_the_sequence_draws_them(self):
        "Each customer a code of the party sequence, its compact forms"
        Party = Pool().get('party.party')
        company, users = self.setup()
        ids = self.imported(users['manager_a'], company, orm=False)
        parties = Party.browse(ids)
        codes = [p.code for p in parties]
        self.assertEqual(len(set(codes)), 5)
        for party in parties:
            self.assertTrue(party.code)
            self.assertEqual(party.code_alnum,
                ''.join(c for c in party.code if c.isalnum()))
            self.assertEqual(party.create_uid, users['manager_a'])

    @with_transaction()
    def test_models_with_create_logic_of_their_own_use_create(self):
        "Set-based only where no module adds logic to create()"
        from ..customer_import_create import supported
        pool = Pool()
        for name in ['party.party', 'crm.contact', 'party.contact_mechanism',
                'party.address', 'party.party.lang']:
            with self.subTest(model=name):
                self.assertTrue(supported(pool.get(name)))
        # ir.sequence overrides create(): Tryton's create() runs
        self.assertFalse(supported(pool.get('ir.sequence')))

    @with_transaction()
    def test_code_taken_refused_as_create_refuses_it(self):
        "A customer code already taken: create()'s error"
        from trytond.exceptions import UserError
        pool = Pool()
        Party = pool.get('party.party')
        Sequence = pool.get('ir.sequence')
        company, users = self.setup()
        sequence = Party._code_sequence()
        following = Sequence(sequence.id).number_next
        taken = sequence.get()
        Sequence.write([Sequence(sequence.id)], {'number_next': following})
        Party.create([{'name': "Taken", 'code': taken}])
        with as_user(users['manager_a'], company=company.id):
            importer = CustomerFileImport(rows())
            self.assertTrue(importer.check())
            with self.assertRaises(UserError) as cm:
                importer.create()
        # (the request's transaction is then rolled back: all or nothing)
        self.assertIn("code", cm.exception.message.lower())
