"""Tryton's sale columns of the deal list (合同订单), computed for the whole
page at once (issue 21, bench/README.md "The deal list's read").

Tryton computes a sale's amounts that are not cached (draft, quotation)
sale by sale, and the quotation expiry with one ``Date.today()`` per sale;
for 60 rows that was a third of the list's read. The values are the same
as Tryton's: a sale without any line of type 'line' is worth 0 (nothing to
sum, no tax), the others go through Tryton's ``get_amount``; the expiry
takes "today" once per company.
"""
import inspect
from collections import defaultdict
from contextvars import ContextVar
from decimal import Decimal

from trytond import backend
from trytond.model.fields import SQL_OPERATORS
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

# The Function columns of the deal list (sale.sale_view_tree) that are
# computed by the CRM or by deal_list.py
LIST_COLUMNS = ['crm_approval_state', 'crm_delivery_status',
    'crm_shipping_status', 'crm_has_returns', 'crm_received_amount',
    'crm_receivable_amount', 'quotation_expire', 'untaxed_amount']
# The stored columns their getters read (crm_columns), read once for all
PAGE_COLUMNS = ['state', 'crm_deal_type', 'crm_rejection_reason', 'currency',
    'company', 'quotation_validity', 'quotation_date',
    'untaxed_amount_cache', 'tax_amount_cache', 'total_amount_cache']
# {id: row} of PAGE_COLUMNS while crm_get_list_columns runs
_page = ContextVar('_page', default=None)


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.quotation_expire.getter = 'crm_get_quotation_expire'

    @classmethod
    def __post_setup__(cls):
        super().__post_setup__()
        # One getter call for all the list's columns: for each getter,
        # Tryton makes new records and copies the page's values into them
        # (about 1 ms for 60 rows), whatever the getter computes
        # (their getters are classmethods). The pool sets up the class
        # as each module registers its part: a column may not be there yet.
        getters = dict(getattr(cls, '_crm_list_getters', {}))
        for name in LIST_COLUMNS:
            field = getattr(cls, name, None)
            if field is None:
                continue
            if field.getter != 'crm_get_list_columns':
                getters[name] = field.getter
                field.getter = 'crm_get_list_columns'
        cls._crm_list_getters = getters

    @classmethod
    def crm_get_list_columns(cls, sales, names):
        "Each column by its own getter"
        by_getter = defaultdict(list)
        for name in names:
            by_getter[cls._crm_list_getters[name]].append(name)
        result = {}
        token = _page.set(None)
        try:
            if len(by_getter) > 1:
                _page.set({r['id']: r for r in cls.read(
                            list(map(int, sales)), PAGE_COLUMNS)})
            for getter, getter_names in by_getter.items():
                method = getattr(cls, getter)
                if 'names' in inspect.signature(method).parameters:
                    result.update(method(sales, getter_names))
                else:
                    for name in getter_names:
                        result[name] = method(sales, name)
        finally:
            _page.reset(token)
        return result

    @classmethod
    def crm_columns(cls, sales, names):
        """{id: {name: value}} of stored columns, in one query: a getter's
        records know only the columns of the read that called it, and
        asking one of them for another column reads every column of
        the page's sales"""
        ids = list(map(int, sales))
        page = _page.get()
        if (page is not None and set(names) <= set(PAGE_COLUMNS)
                and all(i in page for i in ids)):
            return {i: page[i] for i in ids}
        return {r['id']: r for r in cls.read(ids, names)}

    @classmethod
    def _crm_with_lines(cls, sale_ids):
        "The ids of the sales with a line of type 'line' (amounts, taxes)"
        line = Pool().get('sale.line').__table__()
        cursor = Transaction().connection.cursor()
        result = set()
        for sub_ids in grouped_slice(sale_ids, backend.MAX_QUERY_PARAMS):
            cursor.execute(*line.select(line.sale,
                    where=SQL_OPERATORS['in'](line.sale, sub_ids)
                    & (line.type == 'line'),
                    group_by=[line.sale]))
            result.update(s for s, in cursor)
        return result

    @classmethod
    def get_amount(cls, sales, names):
        # Tryton's get_amount: the stored amounts of a sale in a cached
        # state when all three are stored, else the lines and taxes
        caches = {'untaxed_amount': 'untaxed_amount_cache',
            'tax_amount': 'tax_amount_cache',
            'total_amount': 'total_amount_cache'}
        columns = cls.crm_columns(sales, ['state', *caches.values()])
        cached = {i for i, c in columns.items()
            if c['state'] in cls._states_cached
            and all(c[n] is not None for n in caches.values())}
        computed = [i for i in columns if i not in cached]
        with_lines = cls._crm_with_lines(computed) if computed else set()
        result = super().get_amount(
            [s for s in sales if s.id in with_lines], names)
        for name, values in result.items():
            for id_ in cached:
                values[id_] = columns[id_][caches[name]]
            values.update(dict.fromkeys(
                    (i for i in computed if i not in with_lines),
                    Decimal(0)))
        return result

    @classmethod
    def crm_get_quotation_expire(cls, sales, name):
        "on_change_with_quotation_expire with one today per company"
        Date = Pool().get('ir.date')
        todays = {}
        result = {}
        columns = cls.crm_columns(sales,
            ['quotation_validity', 'quotation_date', 'company'])
        for id_, c in columns.items():
            if c['quotation_validity'] is None:
                result[id_] = None
                continue
            company = c['company']
            if company not in todays:
                with Transaction().set_context(company=company):
                    todays[company] = Date.today()
            result[id_] = ((c['quotation_date'] or todays[company])
                + c['quotation_validity'])
        return result
