"""The rows of a query as dicts, the column names read once per batch.

Tryton's ``trytond.tools.cursor_dict`` (used by every ``read`` and
``search`` of ModelSQL) reads ``cursor.description`` for each row. psycopg
3 builds a new list of Column objects at each access of ``description``
(a cost psycopg 3 knows of: psycopg issues 457 and 1240), so on PostgreSQL
each row read cost one Column object per column; and psycopg 3's
``arraysize`` is 1, so the "batches" were single rows: about 40 % of a
1,000-row report's read, and part of every list page (bench/README.md,
"Reports"). This gives the same dicts from the names read once per
batch of at least BATCH rows (the rows are already in the client's memory:
Tryton's cursors are client-side); ``install()`` puts it where ModelSQL
calls it. No change on SQLite, whose cursor keeps its description.
"""
import trytond.model.modelsql
import trytond.tools

BATCH = 1000


def cursor_dict(cursor, size=None):
    "trytond.tools.cursor_dict, the column names read once per batch"
    size = max(cursor.arraysize, BATCH) if size is None else size
    while True:
        rows = cursor.fetchmany(size)
        if not rows:
            break
        names = [column[0] for column in cursor.description]
        for row in rows:
            yield dict(zip(names, row))


def install():
    "Use cursor_dict in ModelSQL (and for later imports of trytond.tools')"
    trytond.model.modelsql.cursor_dict = cursor_dict
    trytond.tools.cursor_dict = cursor_dict
