"""Every statement planned for its own values on PostgreSQL.

psycopg prepares a statement on the server from its fifth execution on a
connection (``prepare_threshold``), and Tryton's connection pool keeps its
connections: the searches, counts and reads that sao repeats all day
become prepared statements. From the sixth execution of one, PostgreSQL
may keep a generic plan, made without the parameters' values. The record
rules pass their owners, shared customers and companies as arrays
(``crm_owner = ANY(%s)``), whose length a generic plan cannot know, and
which plan wins then turns on the cost estimates of the day: at
1,000,000 customers, with the customers' owner index made covering, a
manager's 即将回归 Mine search took 16.0 ms once generic against 12.1
planned for its values, the same index and data (bench/README.md,
"Generic plans"). Each transaction's connection is therefore used
without server-side prepared statements, as Tryton was with psycopg 2:
every statement is parsed and planned with its values (the unruled pages
measured even).

``install()`` wraps the PostgreSQL backend's get_connection, which every
transaction calls, whatever connection the pool hands out.
"""
from trytond import backend

# False: psycopg's default (bench/bench_lists_ab.py --b-off)
ENABLED = True


def install():
    "Connections of the PostgreSQL backend without prepared statements"
    if backend.name != 'postgresql':
        return
    Database = backend.Database
    if getattr(Database.get_connection, 'crm_custom_plans', False):
        return
    get_connection = Database.get_connection

    def custom_plans_connection(self, *args, **kwargs):
        connection = get_connection(self, *args, **kwargs)
        # None: never prepared (psycopg's documented switch); 5 its default
        connection.prepare_threshold = None if ENABLED else 5
        return connection
    custom_plans_connection.crm_custom_plans = True
    Database.get_connection = custom_plans_connection
