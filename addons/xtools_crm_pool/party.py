from trytond.model import Index, fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval
from trytond.tools.domain_inversion import eval_domain

from .maturity import LIBRARIES


def customer_library(customer_type, maturity):
    "The library of a customer: by maturity, the public pool without one"
    if not customer_type:
        return None
    return maturity.library if maturity else 'public'


class Party(metaclass=PoolMeta):
    "A customer's maturity grade decides its library"
    __name__ = 'party.party'

    crm_maturity = fields.Many2One(
        'crm.maturity', "Maturity", ondelete='RESTRICT',
        states={
            'invisible': ~Eval('crm_customer_type'),
            },
        help="How likely the customer is to sign; it decides whether the "
        "customer is kept in the owner's private or temporary library "
        "or in the public pool.")
    crm_library = fields.Function(fields.Selection(
            [(None, "")] + LIBRARIES, "Library",
            states={
                'invisible': ~Eval('crm_customer_type'),
                },
            help="Customers without maturity are in the public pool."),
        'get_crm_library', searcher='search_crm_library')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.crm_maturity, Index.Equality())))

    @fields.depends(
        'crm_customer_type', 'crm_maturity', '_parent_crm_maturity.library')
    def on_change_with_crm_library(self, name=None):
        return customer_library(self.crm_customer_type, self.crm_maturity)

    @classmethod
    def get_crm_library(cls, parties, name):
        # The parties are browsed together, so their maturities are read in
        # one query for the whole list, not one per party.
        return {
            p.id: customer_library(p.crm_customer_type, p.crm_maturity)
            for p in parties}

    @classmethod
    def search_crm_library(cls, name, clause):
        # Find which values (no library for non-customers, or one of the
        # three libraries) satisfy the clause, then turn them into a domain
        # on stored columns that the database can answer in one query.
        _, operator, operand = clause[:3]
        matching = [
            value for value in [None] + [k for k, _ in LIBRARIES]
            if eval_domain([(name, operator, operand)], {name: value})]
        domain = ['OR']
        if None in matching:
            domain.append(('crm_customer_type', '=', None))
            matching.remove(None)
        if matching:
            in_library = ['OR', ('crm_maturity.library', 'in', matching)]
            if 'public' in matching:
                in_library.append(('crm_maturity', '=', None))
            domain.append([
                    ('crm_customer_type', '!=', None),
                    in_library,
                    ])
        if len(domain) == 1:
            return [('id', '=', None)]
        return domain
