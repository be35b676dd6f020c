"""Deals and opportunities keep copies of their customer's rule columns,
so that their lists' record rules are conditions on their own indexed
columns (xtools_crm_base/customer_copy.py, issue 21)."""
from trytond.pool import PoolMeta

from xtools_crm_base.customer_copy import CustomerCopyMixin


class Sale(CustomerCopyMixin, metaclass=PoolMeta):
    __name__ = 'sale.sale'
    # 合同订单's counted tabs: Contracts and Orders (crm_deal_type, half
    # of the deals each) and To Approve (crm_approval_state, searched as
    # the state: few deals)
    _crm_list_column = 'crm_deal_type'
    _crm_counted_columns = ('state',)


class Opportunity(CustomerCopyMixin, metaclass=PoolMeta):
    __name__ = 'sale.opportunity'
    # The opportunity list's counted tab (In Progress: lead, opportunity,
    # converted) and its list
    _crm_list_column = 'state'
