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
        # The pool arm of the rule is "in a library the user reads, no
        # owner": one scan of this index (and a search by library alone),
        # where two single-column ones made the database AND the bitmaps
        # of every unowned record and every public one (1,000,000
        # customers: ~40,000 each, for every count of a deal list)
        cls._crm_rule_arm_indexes.append([
                ('crm_party_library', Index.Equality(cardinality='low')),
                ('crm_party_owner', Index.Equality())])


class Sale(CopyLibraryMixin, metaclass=PoolMeta):
    __name__ = 'sale.sale'


class Opportunity(CopyLibraryMixin, metaclass=PoolMeta):
    __name__ = 'sale.opportunity'
