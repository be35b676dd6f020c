"""A record's name read from its own columns, for a whole page at once.

Tryton's ``get_rec_name`` of a party (``self.name``) or a user
(``self.name or self.login``) is an instance getter: its first attribute
read loads every eager column of every record of the page (a party has
about 60, a user 29, with the user's company and employee adjustments when
the page holds the reader himself). A deal list names 60 customers and
their salespeople that way: 6.7 and 4 ms of its 27 ms read at 100,000
customers (bench/README.md, "The names of a list's customers and
salespeople"). This getter reads the few columns the name is made of.
"""
from trytond.transaction import without_check_access


class ColumnRecName:
    """Mixin: rec_name is ``_crm_rec_name(values)`` of the columns listed in
    ``_crm_rec_name_columns``, read for all the records at once. The model's
    instance ``get_rec_name`` stays for code that calls it; it must give the
    same name (tests compare the two)."""
    __slots__ = ()
    _crm_rec_name_columns = ()

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.rec_name.getter = 'crm_get_rec_names'

    @classmethod
    @without_check_access
    def crm_get_rec_names(cls, records, name):
        columns = cls._crm_rec_name_columns
        result, missing = {}, []
        for record in records:
            # The columns read by the same call (a list that shows the name
            # and code) are in the record's cache, as Tryton's getter finds
            values = record._local_cache.get(record.id) or {}
            if all(c in values for c in columns):
                result[record.id] = cls._crm_rec_name(values)
            else:
                missing.append(record.id)
        # The records were read under the caller's rules; a plain read of
        # their own columns follows the history date (_datetime) as
        # Tryton's getter does.
        for row in cls.read(missing, list(columns)) if missing else []:
            result[row['id']] = cls._crm_rec_name(row)
        return result

    @classmethod
    def _crm_rec_name(cls, values):
        raise NotImplementedError
