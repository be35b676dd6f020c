"""The deal list's order has its index (list_indexes.py), and on
PostgreSQL the first page of a deal tab is read from it in order instead
of sorting every deal (bench/bench_views.py measures the gain)."""
import datetime as dt
import re
import unittest

from trytond import backend
from trytond.modules.company.tests import create_company, set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from xtools_crm_base.tests.test_search_indexes import index_definitions


class ListIndexesTestCase(unittest.TestCase):
    "Indexes of the sales lists"

    @classmethod
    def setUpClass(cls):
        activate_module('xtools_crm_sales')

    @with_transaction()
    def test_sale_order_index_exists(self):
        "sale_sale has an index on (sale_date, id), both descending"
        definitions = index_definitions('sale_sale')
        # SQLite's CREATE INDEX takes no NULLS FIRST: Tryton drops it there
        # (SQLite sorts NULL first in a descending index anyway)
        wanted = re.compile(r'\(sale_date desc( nulls first)? ?, ?id desc\)')
        self.assertTrue(
            any(wanted.search(d) for d in definitions), definitions)

    @with_transaction()
    def test_deal_page_uses_order_index(self):
        "The first page of contracts walks the index, newest first"
        pool = Pool()
        Sale = pool.get('sale.sale')
        Party = pool.get('party.party')
        company = create_company()
        with set_company(company):
            customer, = Party.create([{
                        'name': "Customer", 'crm_customer_type': 'enterprise',
                        'crm_owner': 1,
                        }])
            days = [dt.date(2026, 1, 1) + dt.timedelta(days=i)
                for i in range(5)]
            sales = Sale.create([{
                        'party': customer.id, 'crm_deal_type': 'contract',
                        'sale_date': day} for day in days] + [{
                        'party': customer.id, 'crm_deal_type': 'contract',
                        }])
            domain = [('crm_deal_type', '=', 'contract')]
            # Tryton's order: the undated draft first, then newest first
            found = Sale.search(domain, limit=3)
            self.assertEqual(found, [sales[-1], sales[4], sales[3]])
            if backend.name != 'postgresql':
                return
            sql, params = tuple(Sale.search(domain, limit=60, query=True))
            cursor = Transaction().connection.cursor()
            # A handful of rows: forbid the alternatives the planner would
            # rightly prefer on so small a table
            cursor.execute('SET LOCAL enable_seqscan = off')
            cursor.execute('SET LOCAL enable_sort = off')
            cursor.execute('EXPLAIN ' + sql, params)
            plan = '\n'.join(line for line, in cursor)
            self.assertNotIn('Sort', plan.replace('Incremental Sort', ''),
                plan)
            self.assertIn('Index Scan', plan, plan)

