"""What the lists users scan every morning show (SPEC R1, issue 16): the
opportunity's owner (the customer's salesperson) and the deal's payment
status, beside what the sales module's lists already show."""
from decimal import Decimal

from trytond.model import fields
from trytond.pool import PoolMeta

PAYMENT_STATUSES = [
    ('none', "--"),
    ('unpaid', "Unpaid"),
    ('partial', "Partly Received"),
    ('paid', "Received"),
    ]


class Opportunity(metaclass=PoolMeta):
    __name__ = 'sale.opportunity'

    crm_owner = fields.Function(fields.Many2One(
            'res.user', "Owner",
            help="The salesperson who owns the customer."),
        'get_crm_owner', searcher='search_crm_owner')

    @classmethod
    def get_crm_owner(cls, opportunities, name):
        return {o.id: o.party.crm_owner.id
            if o.party and o.party.crm_owner else None
            for o in opportunities}

    @classmethod
    def search_crm_owner(cls, name, clause):
        return [('party.crm_owner' + clause[0][len(name):], *clause[1:])]


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    crm_payment_status = fields.Function(fields.Selection(
            PAYMENT_STATUSES, "Payment Status",
            help="What finance received of an approved deal's amount."),
        'get_crm_payment_status')

    @classmethod
    def get_crm_payment_status(cls, sales, name):
        received = cls.get_crm_received_amounts(sales)
        result = {}
        for sale in sales:
            if not sale.crm_is_approved:
                result[sale.id] = 'none'
                continue
            got = received.get(sale.id) or Decimal(0)
            if got <= 0:
                result[sale.id] = 'unpaid'
            elif got < (sale.total_amount or 0):
                result[sale.id] = 'partial'
            else:
                result[sale.id] = 'paid'
        return result

    @classmethod
    def get_crm_received_amounts(cls, sales):
        "{sale id: received}, by the sales module's own getter (one query)"
        return cls.get_crm_payment_amounts(
            sales, ['crm_received_amount'])['crm_received_amount']
