"""Tryton's in-memory cache, also cleared at once in the process that made
the change (`[cache] class = xtools_crm_base.cache.ProcessCache`, set by
scripts/serve_pg.sh as TRYTOND_CACHE__CLASS).

With `[cache] clean_timeout = 0` (several processes on PostgreSQL, see
trytond.conf) Tryton clears a changed cache in every process through
PostgreSQL's notification channel, heard by a listener thread of each
process, its own included. Until that thread runs (a few milliseconds,
longer on a busy machine), the process that committed the change can
still serve its next request from the cache of before: the demo loader,
which calls the server in a loop in one process, was refused a button
because the purchaser's groups of a moment before were still cached.
Here the committing process also clears its own caches during the commit;
the notification still clears them again, after the commit, in every
process.

Loaded by trytond.cache itself (trytond/cache.py resolves the class when
it is imported): it must not import the module's models.
"""
from trytond import config
from trytond.cache import MemoryCache


class ProcessCache(MemoryCache):

    @classmethod
    def commit(cls, transaction):
        names = set(cls._reset.get(transaction, ()))
        super().commit(transaction)
        if not names:
            return
        database = transaction.database
        if (not config.getint('cache', 'clean_timeout')
                and database.has_channel()):
            for name in names:
                instance = cls._instances.get(name)
                if instance is not None:
                    instance._clear(database.name)
