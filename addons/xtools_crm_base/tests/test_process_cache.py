"""Several processes on PostgreSQL: a change committed elsewhere is obeyed
by the very next transaction of this process, however late its listener
thread runs (xtools_crm_base/cache.py)."""
import json
import threading
import time
import unittest
from unittest import mock

from trytond import backend, config
from trytond.cache import _CacheLocal
from trytond.tests.test_tryton import DB_NAME, activate_module
from trytond.transaction import Transaction

from .. import cache as process_cache

# A listener on a busy machine: it wakes up this long after a notification
LISTENER_DELAY = 3


class SlowSelector(process_cache.selectors.DefaultSelector):

    def select(self, timeout=None):
        events = super().select(timeout)
        time.sleep(LISTENER_DELAY)
        return events


class _Selectors:
    "selectors as the listener sees it: its selector is slow"
    DefaultSelector = SlowSelector
    EVENT_READ = process_cache.selectors.EVENT_READ


class IsolatedCache(process_cache.ProcessCache):
    "The process cache with listeners of its own (not the test process's)"
    _local = _CacheLocal()
    _listening = process_cache._Listening()


CACHE = IsolatedCache('xtools_crm_base.test_process_cache')


def notify_from_another_process(payload):
    "A notification on the cache channel, on a connection of its own"
    database = backend.Database(DB_NAME)
    connection = database.get_connection(autocommit=True)
    try:
        database.notify(connection, IsolatedCache._channel, payload)
    finally:
        database.put_connection(connection)


def cleared_elsewhere(*names):
    "What a commit that clears the names sends"
    notify_from_another_process(json.dumps(names))


@unittest.skipUnless(backend.name == 'postgresql',
    "the notification channel is PostgreSQL's")
class ProcessCacheTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        activate_module('xtools_crm_base')

    def setUp(self):
        patches = [
            mock.patch('trytond.cache.Cache', IsolatedCache),
            mock.patch.object(process_cache, 'selectors', _Selectors),
            ]
        clean_timeout = config.get('cache', 'clean_timeout')
        config.set('cache', 'clean_timeout', '0')
        self.addCleanup(config.set, 'cache', 'clean_timeout', clean_timeout)
        for patch in patches:
            patch.start()
            self.addCleanup(patch.stop)
        self.addCleanup(IsolatedCache.drop, DB_NAME)

    def transaction(self):
        return Transaction().start(DB_NAME, 0, readonly=True)

    def start_listener(self):
        "The first transaction of a process starts no listener, the next do"
        for _ in range(2):
            with self.transaction():
                pass

    def test_next_transaction_obeys_a_change_made_elsewhere(self):
        "Cleared by the next transaction, not seconds later by the listener"
        self.start_listener()
        self.assertIn(DB_NAME, IsolatedCache._local.listeners)
        with self.transaction():
            CACHE.set('visible', 'before')
        with self.transaction():
            self.assertEqual(CACHE.get('visible'), 'before')

        cleared_elsewhere(CACHE._name)
        started = time.monotonic()
        with self.transaction():
            self.assertIsNone(CACHE.get('visible'))
        # Not by waiting for the listener
        self.assertLess(time.monotonic() - started, LISTENER_DELAY)

        # Other caches are kept
        with self.transaction():
            CACHE.set('visible', 'after')
        cleared_elsewhere('xtools_crm_base.another_cache')
        with self.transaction():
            self.assertEqual(CACHE.get('visible'), 'after')

    def test_transactions_in_parallel_each_obey_the_change(self):
        "Threads catching up at once each see the cache cleared"
        self.start_listener()
        seen = []

        def request():
            with self.transaction():
                seen.append(CACHE.get('visible'))

        for round_ in range(3):
            with self.transaction():
                CACHE.set('visible', round_)
            cleared_elsewhere(CACHE._name)
            threads = [threading.Thread(target=request) for _ in range(4)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        self.assertEqual(seen, [None] * 12)

    def test_pool_refreshed_outside_the_catch_up(self):
        """Modules changed by another process: the next transaction has the
        pool refreshed, without holding the catch-up's lock (a pool that
        loads holds its own lock and starts transactions)"""
        self.start_listener()
        refreshed = []

        def refresh(dbname, modules):
            # Another thread could take the catch-up's lock now
            taken = []

            def take():
                lock = IsolatedCache._listening.lock
                taken.append(lock.acquire(timeout=0))
                if taken[0]:
                    lock.release()
            thread = threading.Thread(target=take)
            thread.start()
            thread.join()
            refreshed.append((dbname, bool(modules), taken[0]))

        notify_from_another_process(
            f'{process_cache.REFRESH_POOL_MSG} another-process')
        with mock.patch.object(process_cache.Pool, 'refresh', refresh):
            with self.transaction():
                pass
        self.assertEqual(refreshed, [(DB_NAME, True, True)])
