"""The pool goal and the exemption from the deals (SPEC P4), when
xtools_crm_sales is activated too: an approved deal or a receipt within
the protection meets the goal (达成); an open opportunity or an approved
deal keeps a customer from returning automatically (a setting).

Both are SQL conditions on the customer table, so the auto-return run,
the rule simulator and the return dates stay set-based. They extend the
placeholders of auto_return.Party and combine with what super() gives;
tests/test_sales_goal.py checks that the run reads them.

This class is registered only when xtools_crm_sales is activated
(tryton.cfg [register xtools_crm_sales]): the states an approved deal and
an open opportunity are in are the sales module's own."""
from sql import Literal
from sql.operators import Exists, Is

from trytond.pool import Pool, PoolMeta

from xtools_crm_sales.deal import APPROVED_STATES


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    @classmethod
    def _crm_pool_goal_conditions(cls, party, deal=True, receipt=True):
        pool = Pool()
        Sale = pool.get('sale.sale')
        Receipt = pool.get('crm.deal.receipt')
        conditions = super()._crm_pool_goal_conditions(
            party, deal=deal, receipt=receipt)
        if deal:
            sale = Sale.__table__()
            conditions['deal'] = Exists(sale.select(
                        Literal(1),
                        where=(sale.party == party.id)
                        & sale.state.in_(sorted(APPROVED_STATES))
                        & cls._crm_pool_in_protection(
                            party, sale.crm_approval_date)))
        if receipt:
            sale = Sale.__table__()
            receipt_ = Receipt.__table__()
            conditions['receipt'] = Exists(receipt_.join(
                        sale, condition=receipt_.deal == sale.id
                        ).select(
                        Literal(1),
                        where=(sale.party == party.id)
                        & cls._crm_pool_in_protection(party, receipt_.date)))
        return conditions

    @classmethod
    def _crm_pool_exempt_conditions(cls, party):
        # The customer's own flags, kept by the database
        # (exemption_flags.py): a NOT EXISTS on the opportunities and deals
        # hashed all of them for every count of the returning customers.
        # An approved deal exempts whatever its date, so it also covers the
        # goal met by a deal ('deal' in both). IS TRUE: NULL (a row
        # inserted behind the ORM) is no flag, and the planner estimates
        # "IS NOT TRUE" from the column's statistics (NOT COALESCE(…) it
        # took for one row in four and sorted a manager's 3,300 returning
        # customers for a page instead of walking the list's order).
        return {
            **super()._crm_pool_exempt_conditions(party),
            'opportunity': Is(party.crm_pool_open_opportunity, True),
            'deal': Is(party.crm_pool_approved_deal, True),
            }
