"""Tryton's in-memory cache, made exact across processes
(`[cache] class = xtools_crm_base.cache.ProcessCache`, set by
scripts/serve_pg.sh and scripts/run.sh as TRYTOND_CACHE__CLASS).

With `[cache] clean_timeout = 0` (several processes on PostgreSQL, see
trytond.conf) Tryton clears a changed cache in every process through
PostgreSQL's notification channel, heard by a listener thread of each
process. Until that thread runs (a few milliseconds, longer on a busy
machine) a process serves its requests from the cache of before:

- the process that committed the change: the demo loader, which calls the
  server in a loop, was refused a button because the purchaser's groups of
  a moment before were still cached;
- every other process: a manager whose salesperson had just come back to
  his department was still refused the salesperson's customer by the other
  server (tests/test_pool_concurrency.py, on a busy machine).

So here:

- the committing process clears its own caches during the commit;
- every transaction begins by catching up with the channel: a `SELECT 1`
  on the listener's connection, whose answer PostgreSQL sends only after
  the notifications committed before it, then those notifications cleared
  by the transaction's own thread. A change committed before a request
  was sent is obeyed by that request, in every process. It costs one
  round trip on a connection the process already holds.

The listener loop is Tryton's (trytond/cache.py, MemoryCache._listen) with
its connection published for that catch-up and its notifications handled
under the same lock, so that a notification is never half handled by one
thread while the other goes on.

Loaded by trytond.cache itself (trytond/cache.py resolves the class when
it is imported): it must not import the module's models.
"""
import datetime as dt
import json
import logging
import selectors
import threading

from trytond import backend, config
from trytond.cache import REFRESH_POOL_MSG, MemoryCache, _get_modules
from trytond.pool import Pool
from trytond.tools.multiprocessing import local

logger = logging.getLogger(__name__)

# How long a transaction waits for the process's listener to be listening
# (its first connection) before going on without catching up
LISTENER_START_TIMEOUT = 10


class _Listening(local):
    "Per process (reset in a forked worker): the listeners' connections"

    def __init__(self):
        self.connections = {}
        self.ready = {}
        # One catch-up at a time: a connection answers one query at a time
        self.lock = threading.RLock()

    def event(self, dbname):
        with self.lock:
            return self.ready.setdefault(dbname, threading.Event())


def _channel_mode(database):
    return (not config.getint('cache', 'clean_timeout')
        and database.has_channel())


class ProcessCache(MemoryCache):
    _listening = _Listening()

    @classmethod
    def commit(cls, transaction):
        names = set(cls._reset.get(transaction, ()))
        super().commit(transaction)
        if not names:
            return
        database = transaction.database
        if _channel_mode(database):
            for name in names:
                instance = cls._instances.get(name)
                if instance is not None:
                    instance._clear(database.name)

    @classmethod
    def sync(cls, transaction):
        super().sync(transaction)
        database = transaction.database
        dbname = database.name
        # Not while a pool loads (Tryton's sync skips it too): it holds the
        # pool's lock, which a catch-up that refreshes the pool would wait
        # for
        if (not Pool().ready
                or not _channel_mode(database)
                or dbname not in cls._local.listeners
                or getattr(threading.current_thread(), 'xtools_listener',
                    False)):
            return
        if not cls._listening.event(dbname).wait(LISTENER_START_TIMEOUT):
            logger.warning(
                "cache listener of '%s' not listening: caches cleared",
                dbname)
            cls._clear_all(dbname)
            return
        try:
            cls._catch_up(dbname)
        except Exception:
            # The listener's connection is lost: its thread stops on it too
            # and the next transaction starts another; until then nothing
            # cached can be trusted
            logger.warning("cache catch-up of '%s' failed: caches cleared",
                dbname, exc_info=True)
            cls._clear_all(dbname)

    @classmethod
    def _catch_up(cls, dbname):
        "Clear what the notifications committed until now name"
        modules = None
        with cls._listening.lock:
            connection = cls._listening.connections.get(dbname)
            if connection is None:
                return
            cursor = connection.cursor()
            # PostgreSQL sends a listening session the notifications
            # committed before a query ahead of the query's answer
            cursor.execute('SELECT 1')
            database = backend.Database(dbname)
            for notification in database.get_notifications(connection):
                if cls._handle(dbname, notification.payload):
                    modules = _get_modules(cursor)
        if modules is not None:
            # Outside the lock: the pool's own lock is taken there
            Pool.refresh(dbname, modules)

    @classmethod
    def _handle(cls, dbname, payload):
        """What Tryton's listener does with one notification; True where
        the pool must be refreshed (another process changed the modules)"""
        if payload and payload.startswith(REFRESH_POOL_MSG):
            remote_id = payload[len(REFRESH_POOL_MSG) + 1:]
            return remote_id != cls._local.portable_id
        elif payload:
            for name in json.loads(payload):
                instance = cls._instances.get(name)
                if instance is not None:
                    instance._clear(dbname)
        return False

    @classmethod
    def _listen(cls, dbname):
        current_thread = threading.current_thread()
        current_thread.xtools_listener = True
        listening = cls._listening
        conn, selector = None, None
        database = backend.Database(dbname)
        try:
            if not database.has_channel():
                raise NotImplementedError
            logger.info(
                "listening on channel '%s' of '%s'", cls._channel, dbname)
            conn = database.get_connection(autocommit=True)
            selector = selectors.DefaultSelector()
            cursor = conn.cursor()
            cursor.execute('LISTEN "%s"' % cls._channel)
            # Clear everything in case we missed a payload
            Pool.refresh(dbname, _get_modules(cursor))
            cls._clear_all(dbname)
            current_thread.listening = True
            with listening.lock:
                listening.connections[dbname] = conn
            listening.event(dbname).set()

            selector.register(conn, selectors.EVENT_READ)
            while cls._local.listeners.get(dbname) == current_thread:
                selector.select(
                    timeout=config.getint('cache', 'select_timeout'))
                # Also keeps the connection alive, as Tryton's loop does
                cls._catch_up(dbname)
                cls._clean_last = dt.datetime.now()
        except Exception:
            logger.error(
                "cache listener on '%s' crashed", dbname, exc_info=True)
            raise
        finally:
            with listening.lock:
                if listening.connections.get(dbname) is conn:
                    del listening.connections[dbname]
                    listening.event(dbname).clear()
            if selector:
                selector.close()
            if conn:
                database.put_connection(conn)
            with cls._local.listener_lock:
                if cls._local.listeners.get(dbname) == current_thread:
                    del cls._local.listeners[dbname]
