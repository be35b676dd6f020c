"""Indexes for the deal list (issue 21, bench/bench_views.py).

sale.sale's list order is Tryton's: sale date, newest first with the
undated drafts on top (DESC NULLS FIRST), then id descending. Tryton's
sale module indexes neither, so the first page of 合同订单 read and
sorted every contract or order of the tab; a b-tree in that very order
gives the page by reading 60 index entries (and the rules then filter
the rows it walks, as on the customer list)."""
from trytond.model import Index
from trytond.pool import PoolMeta


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(
                t,
                (t.sale_date, Index.Range(order='DESC NULLS FIRST')),
                (t.id, Index.Range(order='DESC'))))
