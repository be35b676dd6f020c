"""Sales reports (SPEC R2, R3): sales summary (销售综合汇总) by period and
salesperson, sales detail (销售明细), leaderboards (业绩排行, 光荣榜) by
salesperson and by department, sales by period (time series).

They sum the sales lines of sales_lines.py: approved deals minus returns,
untaxed, in the company's currency, within the record rules of the deals
and returns of the calling user."""
from sql import Literal, Null
from sql.aggregate import Count, Min, Sum
from sql.conditionals import Case, Coalesce
from sql.functions import DateTrunc

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool

from .reporting import context_period, round_amount
from .sales_lines import SalesLines


class SalesReportMixin(SalesLines):
    "A report over the sales lines: table_query from overridable pieces"
    __slots__ = ()

    currency = fields.Many2One('currency.currency', "Currency")
    sales = Monetary(
        "Sales", currency='currency', digits='currency',
        help="The untaxed amount of the approved deals.")
    returns = Monetary(
        "Returns", currency='currency', digits='currency',
        help="The untaxed amount of the returns (a negative figure).")
    net = Monetary(
        "Net Sales", currency='currency', digits='currency',
        help="Sales less returns.")
    deals = fields.Integer("Deals")
    # Whether the report sums the cost of the lines (only the margins do)
    _with_cost = False

    @classmethod
    def table_query(cls):
        lines, withs = cls._sales_rows()
        from_item, tables = cls._joins(lines)
        return from_item.select(*cls._columns(tables),
            where=cls._where(tables),
            group_by=cls._group_by(tables),
            with_=withs)

    @classmethod
    def _sales_rows(cls):
        "lines() for the margins (cost, product), else the deals' totals"
        if cls._with_cost:
            return cls.lines(with_cost=True)
        return cls.deal_rows()

    @classmethod
    def _joins(cls, lines):
        return lines, {'line': lines}

    @classmethod
    def _columns(cls, tables):
        line = tables['line']
        return [
            cls._column_id(tables).as_('id'),
            line.currency.as_('currency'),
            cls._sum(Case((line.is_return == Literal(False), line.amount),
                    else_=Literal(0))).as_('sales'),
            cls._sum(Case((line.is_return == Literal(True), line.amount),
                    else_=Literal(0))).as_('returns'),
            cls._sum(line.amount).as_('net'),
            Count(Case((line.is_return == Literal(False), line.deal),
                    else_=Null), distinct=True).as_('deals'),
            ]

    @classmethod
    def _sum(cls, amount):
        return round_amount(cls.net, Coalesce(Sum(amount), 0))

    @classmethod
    def _column_id(cls, tables):
        return Min(tables['line'].id)

    @classmethod
    def _where(cls, tables):
        return Literal(True)

    @classmethod
    def _group_by(cls, tables):
        return [tables['line'].currency]


class PeriodMixin:
    "Rows per period of the context: year, month or day"
    __slots__ = ()

    date = fields.Date("Period")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('date', 'ASC'))
        if ('id', 'ASC') not in cls._order:
            cls._order.append(('id', 'ASC'))

    @classmethod
    def _period(cls):
        return context_period()

    @classmethod
    def _column_date(cls, tables):
        return cls.date.sql_cast(
            DateTrunc(cls._period(), tables['line'].date))

    @classmethod
    def _columns(cls, tables):
        return super()._columns(tables) + [
            cls._column_date(tables).as_('date')]

    @classmethod
    def _group_by(cls, tables):
        # The select's own column: grouped by its ordinal (see reporting)
        return super()._group_by(tables) + [
            cls._column_date(tables).as_('date')]


class SalespersonMixin:
    __slots__ = ()

    salesperson = fields.Many2One('res.user', "Salesperson")
    department = fields.Many2One('crm.department', "Department")

    @classmethod
    def _columns(cls, tables):
        line = tables['line']
        return super()._columns(tables) + [
            line.salesperson.as_('salesperson'),
            line.department.as_('department'),
            ]

    @classmethod
    def _group_by(cls, tables):
        line = tables['line']
        return super()._group_by(tables) + [
            line.salesperson, line.department]


class SalesSummary(
        SalespersonMixin, PeriodMixin, SalesReportMixin, ModelSQL, ModelView):
    "Sales summary (销售综合汇总): per period and salesperson"
    __name__ = 'crm.reporting.sales.summary'
    __string__ = "Sales Summary"


class SalesBySalesperson(
        SalespersonMixin, SalesReportMixin, ModelSQL, ModelView):
    "The salespeople ranked by net sales (业绩排行, 光荣榜)"
    __name__ = 'crm.reporting.sales.salesperson'
    __string__ = "Sales Leaderboard"

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('net', 'DESC'), ('salesperson', 'ASC'), ('id', 'ASC')]

    @classmethod
    def _column_id(cls, tables):
        # One row per salesperson (the leaderboard's rows stay the same
        # records whatever the period)
        return Coalesce(tables['line'].salesperson, 0)

    def get_rec_name(self, name):
        return self.salesperson.rec_name if self.salesperson else ''


class SalesByDepartment(SalesReportMixin, ModelSQL, ModelView):
    """Departments ranked by net sales: a department counts its own
    salespeople's and its sub-departments'"""
    __name__ = 'crm.reporting.sales.department'
    __string__ = "Department Leaderboard"

    department = fields.Many2One('crm.department', "Department")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('net', 'DESC'), ('department', 'ASC'), ('id', 'ASC')]

    @classmethod
    def _joins(cls, lines):
        Department = Pool().get('crm.department')
        own = Department.__table__()
        team = Department.__table__()
        from_item = (lines
            .join(own, condition=lines.department == own.id)
            .join(team, condition=(team.id == own.id)
                | (team.id == own.parent)))
        return from_item, {'line': lines, 'team': team}

    @classmethod
    def _column_id(cls, tables):
        return tables['team'].id

    @classmethod
    def _columns(cls, tables):
        return super()._columns(tables) + [
            tables['team'].id.as_('department')]

    @classmethod
    def _group_by(cls, tables):
        return super()._group_by(tables) + [tables['team'].id]

    def get_rec_name(self, name):
        return self.department.rec_name if self.department else ''


class SalesByPeriod(PeriodMixin, SalesReportMixin, ModelSQL, ModelView):
    "Net sales per period: the time series (时间统计)"
    __name__ = 'crm.reporting.sales.period'
    __string__ = "Sales by Period"

    @classmethod
    def _column_id(cls, tables):
        return Min(tables['line'].id)


class SalesDetail(SalesLines, ModelSQL, ModelView):
    "Sales detail (销售明细): each deal line and return line"
    __name__ = 'crm.reporting.sales.detail'
    __string__ = "Sales Detail"

    date = fields.Date("Date")
    deal = fields.Many2One('sale.sale', "Deal")
    deal_type = fields.Selection('get_deal_types', "Deal Type")
    customer = fields.Many2One('party.party', "Customer")
    salesperson = fields.Many2One('res.user', "Salesperson")
    department = fields.Many2One('crm.department', "Department")
    product = fields.Many2One('product.product', "Product")
    quantity = fields.Float("Quantity")
    currency = fields.Many2One('currency.currency', "Currency")
    amount = Monetary("Amount", currency='currency', digits='currency')
    is_return = fields.Boolean("Return")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'ASC'), ('id', 'ASC')]

    @classmethod
    def get_deal_types(cls):
        Sale = Pool().get('sale.sale')
        return Sale.fields_get(['crm_deal_type'])['crm_deal_type'][
            'selection']

    @classmethod
    def table_query(cls):
        lines, withs = cls.lines()
        return lines.select(
            lines.id, lines.date, lines.deal, lines.deal_type,
            lines.customer, lines.salesperson, lines.department,
            lines.product, lines.quantity, lines.currency,
            round_amount(cls.amount, lines.amount).as_('amount'),
            lines.is_return,
            with_=withs)
