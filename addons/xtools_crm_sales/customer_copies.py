"""Deals and opportunities keep copies of their customer's rule columns,
so that their lists' record rules are conditions on their own indexed
columns (xtools_crm_base/customer_copy.py, issue 21)."""
from trytond.pool import PoolMeta

from xtools_crm_base.customer_copy import CustomerCopyMixin


class Sale(CustomerCopyMixin, metaclass=PoolMeta):
    __name__ = 'sale.sale'


class Opportunity(CustomerCopyMixin, metaclass=PoolMeta):
    __name__ = 'sale.opportunity'
