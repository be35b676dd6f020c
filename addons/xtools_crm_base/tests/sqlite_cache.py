"""pytest plugin: on SQLite, Tryton's periodic cache check is off in the
tests, as scripts/run.sh turns it off for the server (trytond.conf).

Every `[cache] clean_timeout` seconds (300 by default) Tryton's
MemoryCache.sync reads which caches other processes changed, on a
connection it asks in autocommit: on SQLite the one connection, flipped
to autocommit under the running transaction, which commits it. A test
that outlasted the 300 seconds on a busy machine then left its records
behind, and the next tests of its class could not create the same users
("You can not have two users with the same login!"). One process: there
is nothing to hear from.

Loaded by ``-p xtools_crm_base.tests.sqlite_cache`` (pyproject.toml).
"""
# scripts/run.sh's "never"
NEVER = '2000000000'


def pytest_configure(config):
    from trytond import backend
    from trytond import config as tryton_config
    if backend.name == 'sqlite':
        tryton_config.set('cache', 'clean_timeout', NEVER)
