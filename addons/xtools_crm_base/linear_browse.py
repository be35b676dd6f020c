"""Browsing a long list of records in linear time.

Tryton's ModelStorage.browse hands every record the whole id list, and
ModelStorage.__init__ asserts for each record that its id is in the list
and that every id of the list is an int: O(n) per record, O(n²) for the
list. A report's thousands of rows, or the ids of a customer's 2,000
activities read by the customer form, then spend seconds in those checks
(bench/README.md, "Reports"). LinearBrowse makes the same records, the
list checked once. (The asserts are also gone under ``python -O``, which
a Tryton server is not run with.)
"""
from trytond.model.modelstorage import local_cache
from trytond.transaction import Transaction


class LinearBrowse:
    "Mixin (first among the bases): browse(ids) in O(len(ids))"
    __slots__ = ()

    @classmethod
    def browse(cls, ids):
        transaction = Transaction()
        ids = list(map(int, ids))
        shared = {
            '_local_cache': local_cache(cls, transaction),
            '_transaction_cache': transaction.get_cache(),
            '_transaction': transaction,
            }
        records = [cls(id_, **shared) for id_ in ids]
        # What Tryton's browse gives each record: the list to read ahead
        for record in records:
            record._ids = ids
        return records
