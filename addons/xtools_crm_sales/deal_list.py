"""Tryton's sale columns of the deal list (合同订单), computed for the whole
page at once (issue 21, bench/README.md "The deal list's read").

Tryton computes a sale's amounts that are not cached (draft, quotation)
sale by sale, and the quotation expiry with one ``Date.today()`` per sale;
for 60 rows that was a third of the list's read. The values are the same
as Tryton's: a sale without any line of type 'line' is worth 0 (nothing to
sum, no tax), the others go through Tryton's ``get_amount``; the expiry
takes "today" once per company.
"""
from decimal import Decimal

from trytond import backend
from trytond.model.fields import SQL_OPERATORS
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import Transaction


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.quotation_expire.getter = 'crm_get_quotation_expire'

    @classmethod
    def _crm_amount_cached(cls, sale):
        "Whether Tryton's get_amount takes the sale's stored amounts"
        return (sale.state in cls._states_cached
            and sale.untaxed_amount_cache is not None
            and sale.tax_amount_cache is not None
            and sale.total_amount_cache is not None)

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
        computed = [s.id for s in sales if not cls._crm_amount_cached(s)]
        with_lines = cls._crm_with_lines(computed) if computed else set()
        empty = {i for i in computed if i not in with_lines}
        result = super().get_amount(
            [s for s in sales if s.id not in empty], names)
        for values in result.values():
            values.update(dict.fromkeys(empty, Decimal(0)))
        return result

    @classmethod
    def crm_get_quotation_expire(cls, sales, name):
        "on_change_with_quotation_expire with one today per company"
        Date = Pool().get('ir.date')
        todays = {}
        result = {}
        for sale in sales:
            validity = sale.quotation_validity
            if validity is None:
                result[sale.id] = None
                continue
            company = sale.company.id if sale.company else None
            if company not in todays:
                with Transaction().set_context(company=company):
                    todays[company] = Date.today()
            result[sale.id] = (
                sale.quotation_date or todays[company]) + validity
        return result
