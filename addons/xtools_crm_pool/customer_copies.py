"""The pool's library is a customer rule column (a pool user reads the
public pool): deals and opportunities copy it too
(xtools_crm_base/customer_copy.py, issue 21)."""
from trytond.model import Index, fields
from trytond.pool import PoolMeta

from xtools_crm_base.customer_copy import customer_selection


class CopyLibraryMixin:
    __slots__ = ()
    crm_party_library = fields.Selection(
        'get_crm_party_libraries', "Customer Library", readonly=True,
        help="The customer's library, as the data permissions see it.")

    @classmethod
    def get_crm_party_libraries(cls):
        return customer_selection('crm_library')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._crm_party_copies['crm_library'] = 'crm_party_library'
        t = cls.__table__()
        cls._sql_indexes.add(Index(
                t, (t.crm_party_library, Index.Equality(cardinality='low'))))


class Sale(CopyLibraryMixin, metaclass=PoolMeta):
    __name__ = 'sale.sale'


class Opportunity(CopyLibraryMixin, metaclass=PoolMeta):
    __name__ = 'sale.opportunity'
