"""A list's customer names, salespeople and phones are computed for the whole
page at once (column_rec_name.py, contact_mechanism_columns.py): the same
values as Tryton's per-record getters, without loading every column of
every customer and user of the page."""
import unittest
from unittest.mock import patch

from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction


def tryton_names(records):
    "What the model's own (instance) getter gives"
    return {r.id: r.get_rec_name('rec_name') for r in records}


def read_names(Model, records):
    return {row['id']: row['rec_name']
        for row in Model.read([r.id for r in records], ['rec_name'])}


def party_with_two_phones(**second):
    "A party and its two phones, in order; second: the second's flags"
    pool = Pool()
    Party = pool.get('party.party')
    Mechanism = pool.get('party.contact_mechanism')
    party, = Party.create([{'name': "A"}])
    phones = Mechanism.create([
            {'party': party.id, 'type': 'phone', 'value': '+862150000001'},
            {'party': party.id, 'type': 'phone', 'value': '+862150000002',
                **second},
            ])
    return party, *phones


class ListColumnGettersTestCase(unittest.TestCase):
    "Names and phones of a page, read at once"

    @classmethod
    def setUpClass(cls):
        activate_module('xtools_crm_base')

    @with_transaction()
    def test_customer_and_user_names(self):
        pool = Pool()
        Party = pool.get('party.party')
        User = pool.get('res.user')
        parties = Party.create([{'name': "上海飞达"}, {'name': "Acme"},
                {'name': None}])
        users = User.create([{'login': 'zhang', 'name': "张三"},
                {'login': 'li', 'name': None}])

        self.assertEqual(read_names(Party, parties), tryton_names(parties))
        self.assertEqual(read_names(Party, parties)[parties[2].id],
            '[%s]' % parties[2].code)
        self.assertEqual(read_names(User, users), tryton_names(users))
        self.assertEqual(read_names(User, users)[users[1].id], 'li')
        # A record's attribute asks the same getter
        self.assertEqual(Party(parties[0].id).rec_name, "上海飞达")

    @with_transaction()
    def test_names_read_without_the_other_columns(self):
        "A page of salespeople's names reads their name and login only"
        pool = Pool()
        Party = pool.get('party.party')
        User = pool.get('res.user')
        users = User.create([{'login': f'u{i}', 'name': f"User {i}"}
                for i in range(5)])
        parties = Party.create([{'name': f"Customer {i}",
                    'crm_customer_type': 'enterprise', 'crm_owner': u.id}
                for i, u in enumerate(users)])
        # As in a new request: nothing of the users in the cache
        Transaction().cache.clear()
        read = User.read.__func__
        asked = []

        def counted(cls, ids, fields_names):
            asked.append(set(fields_names))
            return read(cls, ids, fields_names)
        with patch.object(User, 'read', classmethod(counted)):
            rows = Party.read([p.id for p in parties], ['crm_owner.rec_name'])
        names = {r['id']: r['crm_owner.']['rec_name'] for r in rows}
        self.assertEqual([names[p.id] for p in parties],
            [f"User {i}" for i in range(5)])
        self.assertTrue(asked)
        for names in asked:
            self.assertLessEqual(names, {'id', 'rec_name', 'name', 'login'})

    @with_transaction()
    def test_phones(self):
        pool = Pool()
        Party = pool.get('party.party')
        Mechanism = pool.get('party.contact_mechanism')
        first, second, none = Party.create([{'name': "A"}, {'name': "B"},
                {'name': "C"}])
        mechanisms = Mechanism.create([
                {'party': first.id, 'type': 'phone', 'value': '+862111111111',
                    'sequence': 20},
                {'party': first.id, 'type': 'phone', 'value': '+862122222222',
                    'sequence': 10},
                {'party': first.id, 'type': 'mobile',
                    'value': '+8613800138000'},
                {'party': first.id, 'type': 'email', 'value': 'a@example.com'},
                {'party': second.id, 'type': 'phone', 'value': '+861033333333',
                    'active': False},
                {'party': second.id, 'type': 'phone', 'value': '+861044444444'},
                {'party': second.id, 'type': 'website',
                    'value': 'https://example.com'},
                ])
        parties = [first, second, none]
        names = ['phone', 'mobile', 'fax', 'email', 'website']
        # read's rows come in no promised order
        rows = sorted(Party.read([p.id for p in parties], names),
            key=lambda r: r['id'])
        # Tryton's own getter, record by record, in a fresh cache
        expected = [dict({n: p.get_contact_mechanism(n) for n in names},
                id=p.id) for p in Party.browse(parties)]
        self.assertEqual(rows, expected)
        # The lower sequence first; an inactive mechanism is not shown
        self.assertEqual(rows[0]['phone'], mechanisms[1].value)
        self.assertEqual(rows[1]['phone'], mechanisms[5].value)
        self.assertEqual(rows[2]['phone'], '')

    @with_transaction()
    def test_phones_of_a_page(self):
        pool = Pool()
        Party = pool.get('party.party')
        parties = Party.create([{'name': f"P{i}",
                    'contact_mechanisms': [('create', [
                                {'type': 'phone',
                                    'value': f'+86215{i:07d}'}])]}
                for i in range(30)])
        rows = sorted(Party.read([p.id for p in parties], ['phone']),
            key=lambda r: r['id'])
        self.assertEqual([r['phone'] for r in rows],
            [p.contact_mechanisms[0].value for p in parties])

    @with_transaction()
    def test_phone_with_a_name_that_is_no_usage(self):
        "A context usage that names no flag of the mechanisms is ignored"
        Party = Pool().get('party.party')
        party, first, _ = party_with_two_phones()
        for usage in [None, 'no_such_field', 'value', 7]:
            with Transaction().set_context(
                    party_contact_mechanism_usage=usage):
                phone, = Party.read([party.id], ['phone'])
            self.assertEqual(phone['phone'], first.value, usage)
