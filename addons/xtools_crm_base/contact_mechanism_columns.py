"""A customer list's phone (mobile, email …) column for the whole page at once.

Tryton's party getter is per record: each party walks its contact
mechanisms as records (the one2many, then each mechanism's columns), 4-5 ms
of the customer list's read for 60 customers (bench/README.md, "The names
of a list's customers and salespeople"). This getter asks for the page's
mechanisms of the listed types in one search, in the order of the
one2many, and picks for each party what party's contact_mechanism_get
picks: the first mechanism of the type, or the first with the usage of
the context (``party_contact_mechanism_usage``).
"""
from trytond import backend
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access


class ContactMechanismColumns:
    "Mixin for party.party: its mechanism columns read for all records"
    __slots__ = ()
    _crm_mechanism_columns = ('phone', 'mobile', 'fax', 'email', 'website')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        for name in cls._crm_mechanism_columns:
            getattr(cls, name).getter = 'crm_get_contact_mechanisms'

    @classmethod
    @without_check_access
    def crm_get_contact_mechanisms(cls, parties, names):
        Mechanism = Pool().get('party.contact_mechanism')
        usage = Transaction().context.get('party_contact_mechanism_usage')
        field = Mechanism._fields.get(usage) if isinstance(usage, str) else None
        if not field or field._type != 'boolean':
            # A client's key names no usage here (Tryton's getter failed
            # on it): the first mechanism of the type
            usage = None
        ids = list(map(int, parties))
        result = {n: dict.fromkeys(ids, '') for n in names}
        # (party, type) with a mechanism chosen: the first, or by its usage
        first, by_usage = set(), set()
        # The one2many's order: its party, then the mechanisms' own
        order = [('party.id', None)] + [(o, d) for o, d in Mechanism._order
            if not o.startswith('party.')]
        fields_names = ['party', 'type', 'value'] + ([usage] if usage else [])
        for sub_ids in grouped_slice(ids, backend.MAX_QUERY_PARAMS):
            for row in Mechanism.search_read([
                        ('party', 'in', list(sub_ids)),
                        ('type', 'in', list(names)),
                        ], order=order, fields_names=fields_names):
                column = result[row['type']]
                key = row['party'], row['type']
                if key in by_usage:
                    continue
                if usage and row[usage]:
                    column[row['party']] = row['value']
                    by_usage.add(key)
                elif key not in first:
                    column[row['party']] = row['value']
                first.add(key)
        return result
