"""A statement sao repeats all day keeps being planned for its values on
PostgreSQL (custom_plans.py): no generic plan of a prepared statement."""
import unittest

from trytond import backend
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction


def generic_plans_after(connection, times):
    """The generic plans PostgreSQL used for one statement executed times
    on connection (a plain one: PostgreSQL goes generic after five)"""
    cursor = connection.cursor()
    for i in range(times):
        cursor.execute('SELECT id FROM party_party WHERE id = %s', (i,))
        cursor.fetchall()
    cursor.execute('SELECT COALESCE(SUM(generic_plans), 0) '
        'FROM pg_prepared_statements')
    return cursor.fetchone()[0]


@unittest.skipIf(backend.name != 'postgresql', "PostgreSQL's plan cache")
class CustomPlansTestCase(unittest.TestCase):
    "Repeated statements planned for their values"

    @classmethod
    def setUpClass(cls):
        activate_module('xtools_crm_base')

    @with_transaction()
    def test_repeated_statement_is_not_planned_generically(self):
        self.assertEqual(generic_plans_after(Transaction().connection, 20), 0)

    @with_transaction()
    def test_psycopg_default_would_be(self):
        "what the test above guards against: a plain psycopg connection"
        import psycopg
        database = Transaction().database
        params = database._connection_params(database.name)
        with psycopg.connect(params['conninfo']) as connection:
            self.assertGreater(generic_plans_after(connection, 20), 0)
