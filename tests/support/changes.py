"""Which tables a call changed, told by SQLite itself.

The permission suite compares the whole database before and after each
adversary's call. Reading and hashing every table for that took more than
half of the suite's time; instead, triggers on every table of the test's own
copy of the database log each insert, delete and real update (a no-op
update that writes the same values, such as a row lock, is not a change) in
a table of their own. A mark is the log's last id; what changed between two
marks is the tables logged in between.

Installed on the copy before its server starts; the product never sees it.
"""
import contextlib
import sqlite3

LOG = 'xtools_test_change'


def install(database_file, skip=()):
    "Log the changes of every table of database_file but those in skip"
    with contextlib.closing(sqlite3.connect(database_file)) as conn:
        conn.execute(f'CREATE TABLE IF NOT EXISTS {LOG} '
            '(id INTEGER PRIMARY KEY, tbl TEXT NOT NULL)')
        tables = [t for t, in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            if table in skip or table == LOG or table.startswith('sqlite_'):
                continue
            columns = [row[1] for row in conn.execute(
                    f'PRAGMA table_info("{table}")')]
            differs = ' OR '.join(
                f'OLD."{c}" IS NOT NEW."{c}"' for c in columns)
            name = table.replace("'", "''")
            log = f"INSERT INTO {LOG} (tbl) VALUES ('{name}');"
            for event, when in [('INSERT', ''), ('DELETE', ''),
                    ('UPDATE', f'WHEN {differs}')]:
                conn.execute(
                    f'CREATE TRIGGER IF NOT EXISTS "{LOG}_{event}_{table}" '
                    f'AFTER {event} ON "{table}" {when} BEGIN {log} END')
        conn.commit()


def mark(server):
    "The position of the change log now"
    (last,), = server.sql(f'SELECT coalesce(max(id), 0) FROM {LOG}')
    return server, last


def changed_tables(before, after):
    "The tables changed between two marks"
    server, start = before
    _, end = after
    return sorted(t for t, in server.sql(
            f'SELECT DISTINCT tbl FROM {LOG} WHERE id > ? AND id <= ?',
            start, end))
