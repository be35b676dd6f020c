"""cursor_rows.cursor_dict: Tryton's rows as dicts, the cursor's
description read once per batch instead of once per row."""
import unittest

import trytond.model.modelsql

from .. import cursor_rows, search_indexes  # noqa: F401 (installs it)


class CountingCursor:
    "A DB-API cursor of rows (a, b) that counts reads of its description"
    arraysize = 1   # as psycopg 3's

    def __init__(self, rows):
        self.rows = list(rows)
        self.description_reads = 0

    @property
    def description(self):
        self.description_reads += 1
        return [('a', None), ('b', None)]

    def fetchmany(self, size):
        batch, self.rows = self.rows[:size], self.rows[size:]
        return batch


class CursorRowsTestCase(unittest.TestCase):
    "Rows as dicts"

    def test_same_dicts_description_once_per_batch(self):
        rows = [(i, str(i)) for i in range(2500)]
        cursor = CountingCursor(rows)
        self.assertEqual(list(cursor_rows.cursor_dict(cursor)),
            [{'a': a, 'b': b} for a, b in rows])
        # 3 batches of 1,000, 1,000 and 500 rows (Tryton's: 2,500 of 1)
        self.assertEqual(cursor.description_reads, 3)
        cursor = CountingCursor(rows[:10])
        self.assertEqual(len(list(cursor_rows.cursor_dict(cursor, 4))), 10)
        self.assertEqual(cursor.description_reads, 3)

    def test_no_rows(self):
        self.assertEqual(list(cursor_rows.cursor_dict(CountingCursor([]))),
            [])

    def test_installed_where_modelsql_reads(self):
        "Registering the module's models puts it in ModelSQL's read and search"
        self.assertIs(trytond.model.modelsql.cursor_dict,
            cursor_rows.cursor_dict)
