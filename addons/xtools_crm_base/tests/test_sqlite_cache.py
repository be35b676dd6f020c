"""On SQLite a test's transaction rolls back whatever time it started at
(tests/sqlite_cache.py: Tryton's periodic cache check would commit it)."""
import datetime as dt
import unittest
from unittest import mock

from trytond import backend
from trytond.cache import MemoryCache
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, activate_module
from trytond.transaction import Transaction

NAME = 'xtools-long-test'


@unittest.skipUnless(backend.name == 'sqlite', "SQLite's one connection")
class SqliteCacheTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        activate_module('xtools_crm_base')

    def parties(self):
        with Transaction().start(DB_NAME, 0, readonly=True):
            return Pool().get('party.party').search([('name', '=', NAME)])

    def test_rolled_back_after_the_cache_timeout(self):
        "A transaction begun an hour after the last cache check rolls back"
        an_hour_ago = dt.datetime.now() - dt.timedelta(hours=1)
        with mock.patch.object(MemoryCache, '_clean_last', an_hour_ago):
            with Transaction().start(DB_NAME, 0) as transaction:
                Pool().get('party.party').create([{'name': NAME}])
                transaction.rollback()
        left = self.parties()
        if left:
            with Transaction().start(DB_NAME, 0):
                Pool().get('party.party').delete(left)
        self.assertEqual(left, [])
