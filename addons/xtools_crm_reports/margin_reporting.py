"""Gross margin (毛利) by customer, product and salesperson (SPEC R2).

Net sales (approved deals less returns) against their cost: shipped goods
at the cost their stock moves went out at (K10's order cost adjustment
changes it), what is not shipped yet at the product's current cost price
(sales_lines.py). Only users with the cost price permission
(成本价权限) read these reports: the access rights of the models say so, so
the figures are refused over RPC as in the web client, not only hidden."""
from sql.aggregate import Sum
from sql.conditionals import Case, Coalesce

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.currency.fields import Monetary

from .reporting import round_amount
from .sales_reporting import SalesReportMixin


class MarginMixin(SalesReportMixin):
    __slots__ = ()
    _with_cost = True

    cost = Monetary("Cost", currency='currency', digits='currency')
    margin = Monetary("Gross Margin", currency='currency', digits='currency')
    margin_rate = fields.Float(
        "Margin Rate", digits=(16, 4),
        help="Gross margin / net sales.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('margin', 'DESC'), ('id', 'ASC')]

    @classmethod
    def _columns(cls, tables):
        line = tables['line']
        cost = Coalesce(Sum(line.cost), 0)
        net = Coalesce(Sum(line.amount), 0)
        return super()._columns(tables) + [
            round_amount(cls.cost, cost).as_('cost'),
            round_amount(cls.margin, net - cost).as_('margin'),
            Case((net != 0, (net - cost) / net), else_=None).as_(
                'margin_rate'),
            ]


class MarginByCustomer(MarginMixin, ModelSQL, ModelView):
    "Gross margin per customer"
    __name__ = 'crm.reporting.margin.customer'
    __string__ = "Gross Margin by Customer"

    customer = fields.Many2One('party.party', "Customer")

    @classmethod
    def _column_id(cls, tables):
        return tables['line'].customer

    @classmethod
    def _columns(cls, tables):
        return super()._columns(tables) + [
            tables['line'].customer.as_('customer')]

    @classmethod
    def _group_by(cls, tables):
        return super()._group_by(tables) + [tables['line'].customer]


class MarginByProduct(MarginMixin, ModelSQL, ModelView):
    "Gross margin per product"
    __name__ = 'crm.reporting.margin.product'
    __string__ = "Gross Margin by Product"

    product = fields.Many2One('product.product', "Product")

    @classmethod
    def _column_id(cls, tables):
        return Coalesce(tables['line'].product, 0)

    @classmethod
    def _columns(cls, tables):
        return super()._columns(tables) + [
            tables['line'].product.as_('product')]

    @classmethod
    def _group_by(cls, tables):
        return super()._group_by(tables) + [tables['line'].product]


class MarginBySalesperson(MarginMixin, ModelSQL, ModelView):
    "Gross margin per salesperson"
    __name__ = 'crm.reporting.margin.salesperson'
    __string__ = "Gross Margin by Salesperson"

    salesperson = fields.Many2One('res.user', "Salesperson")

    @classmethod
    def _column_id(cls, tables):
        return Coalesce(tables['line'].salesperson, 0)

    @classmethod
    def _columns(cls, tables):
        return super()._columns(tables) + [
            tables['line'].salesperson.as_('salesperson')]

    @classmethod
    def _group_by(cls, tables):
        return super()._group_by(tables) + [tables['line'].salesperson]
