"""Year-on-year and month-on-month (同比/环比, SPEC R3) and the annual
overview (年度基本情况, R2): one row per month of the context's year.

Months are calendar months of the dates (a sale of 29 February 2024 is a
sale of February 2024, compared with February 2023). The figures are those
of sales_lines.py (approved deals less returns), the receipts and the new
customers and activities, each within the calling user's record rules."""
import datetime as dt

from sql import Literal, Select, Table, Union, With
from sql.aggregate import Count, Sum
from sql.conditionals import Case, Coalesce
from sql.functions import Extract

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool
from trytond.transaction import Transaction

from .reporting import (
    company_currency_column, day_start, filter_owner, join_company_rates,
    report_company, round_amount, visible)
from .sales_lines import SalesLines


def report_year():
    "The context's year, else the current one"
    year = Transaction().context.get('year')
    if isinstance(year, int) and 1900 < year < 3000:
        return year
    return Pool().get('ir.date').today().year


def month_key(date):
    "year * 12 + month - 1 of a date column, in SQL"
    return Extract('YEAR', date) * 12 + Extract('MONTH', date) - 1


def months_of_year(year):
    "A query of the 12 month keys of year (column key)"
    return Union(*(Select([Literal(year * 12 + m).as_('key')])
            for m in range(12)), all_=True)


class MonthRowMixin:
    __slots__ = ()

    month = fields.Integer("Month")
    date = fields.Function(fields.Date("Period"), 'get_date')
    currency = fields.Many2One('currency.currency', "Currency")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('month', 'ASC'), ('id', 'ASC')]

    @classmethod
    def _month_columns(cls, months):
        year = report_year()
        return [
            (months.key - year * 12 + 1).as_('id'),
            (months.key - year * 12 + 1).as_('month'),
            ]

    def get_date(self, name):
        return dt.date(report_year(), self.month, 1)

    def get_rec_name(self, name):
        return '%04d-%02d' % (report_year(), self.month)


class SalesYoY(MonthRowMixin, SalesLines, ModelSQL, ModelView):
    "Net sales of each month against the same month a year before (同比) "
    "and the month before (环比)"
    __name__ = 'crm.reporting.sales.yoy'
    __string__ = "Year-on-Year"

    net = Monetary("Net Sales", currency='currency', digits='currency')
    net_last_year = Monetary(
        "Same Month Last Year", currency='currency', digits='currency')
    yoy = fields.Float(
        "YoY", digits=(16, 4),
        help="(this month − the same month last year) / the same month "
        "last year; empty when last year's is zero.")
    net_previous_month = Monetary(
        "Previous Month", currency='currency', digits='currency')
    mom = fields.Float(
        "MoM", digits=(16, 4),
        help="(this month − the previous month) / the previous month; "
        "empty when the previous month's is zero.")

    @classmethod
    def table_query(cls):
        year = report_year()
        lines, withs = cls.deal_rows(with_dates=False)
        key = month_key(lines.date).as_('key')
        monthly = NamedWith('crm_reporting_yoy_month', query=lines.select(
                key,
                Sum(lines.amount).as_('amount'),
                where=(lines.date >= dt.date(year - 1, 1, 1))
                & (lines.date <= dt.date(year, 12, 31)),
                group_by=[key]))
        months = months_of_year(year)
        # The monthly sums once, read three times under their own aliases
        current, last_year, previous = (
            Table(monthly.alias) for _ in range(3))
        from_item = (months
            .join(current, type_='LEFT',
                condition=current.key == months.key)
            .join(last_year, type_='LEFT',
                condition=last_year.key == months.key - 12)
            .join(previous, type_='LEFT',
                condition=previous.key == months.key - 1))

        def amount(table):
            return round_amount(cls.net, Coalesce(table.amount, 0))

        def ratio(now, before):
            return Case(
                (Coalesce(before.amount, 0) != 0,
                    (Coalesce(now.amount, 0) - before.amount)
                    / before.amount),
                else_=Literal(None))
        return from_item.select(
            *cls._month_columns(months),
            company_currency_column().as_('currency'),
            amount(current).as_('net'),
            amount(last_year).as_('net_last_year'),
            ratio(current, last_year).as_('yoy'),
            amount(previous).as_('net_previous_month'),
            ratio(current, previous).as_('mom'),
            with_=withs + [monthly])


class NamedWith(With):
    "A With of a fixed name, read by several Table(name) of one query"
    __slots__ = ('_name',)

    def __init__(self, name, **kwargs):
        self._name = name
        super().__init__(**kwargs)

    @property
    def alias(self):
        return self._name


class AnnualOverview(MonthRowMixin, SalesLines, ModelSQL, ModelView):
    "The year at a glance (年度基本情况): one row per month"
    __name__ = 'crm.reporting.annual'
    __string__ = "Annual Overview"

    new_customers = fields.Integer("New Customers")
    activities = fields.Integer("Activities")
    deals = fields.Integer("Deals")
    net = Monetary("Net Sales", currency='currency', digits='currency')
    receipts = Monetary("Receipts", currency='currency', digits='currency')

    @classmethod
    def table_query(cls):
        year = report_year()
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        lines, withs = cls.deal_rows(with_dates=False)
        zero = Literal(0)
        parts = [
            lines.select(
                month_key(lines.date).as_('key'),
                zero.as_('new_customers'), zero.as_('activities'),
                Case((lines.is_return == Literal(False), lines.deal),
                    else_=Literal(None)).as_('deal'),
                lines.amount.as_('net'), zero.as_('receipts'),
                where=(lines.date >= start) & (lines.date <= end)),
            cls._receipts(start, end),
            cls._new_customers(start, end),
            cls._activities(start, end),
            ]
        union = Union(*parts, all_=True)
        months = months_of_year(year)
        from_item = months.join(union, type_='LEFT',
            condition=union.key == months.key)
        return from_item.select(
            *cls._month_columns(months),
            company_currency_column().as_('currency'),
            Coalesce(Sum(union.new_customers), 0).as_('new_customers'),
            Coalesce(Sum(union.activities), 0).as_('activities'),
            Count(union.deal, distinct=True).as_('deals'),
            round_amount(cls.net, Coalesce(Sum(union.net), 0)).as_('net'),
            round_amount(cls.receipts, Coalesce(Sum(union.receipts), 0)
                ).as_('receipts'),
            group_by=[months.key],
            with_=withs)

    @classmethod
    def _receipts(cls, start, end):
        pool = Pool()
        Receipt = pool.get('crm.deal.receipt')
        Sale = pool.get('sale.sale')
        receipt = Receipt.__table__()
        sale = Sale.__table__()
        from_item = receipt.join(sale, condition=receipt.deal == sale.id)
        from_item, convert = join_company_rates(
            from_item, sale.currency, receipt.date)
        zero = Literal(0)
        return from_item.select(
            month_key(receipt.date).as_('key'),
            zero.as_('new_customers'), zero.as_('activities'),
            Literal(None).as_('deal'), zero.as_('net'),
            convert(receipt.amount).as_('receipts'),
            where=(receipt.date >= start) & (receipt.date <= end)
            & (sale.company == (report_company() or -1))
            & filter_owner(receipt.owner)
            & visible('crm.deal.receipt', receipt.id))

    @classmethod
    def _new_customers(cls, start, end):
        Party = Pool().get('party.party')
        party = Party.__table__()
        zero = Literal(0)
        return party.select(
            month_key(party.create_date).as_('key'),
            Literal(1).as_('new_customers'), zero.as_('activities'),
            Literal(None).as_('deal'), zero.as_('net'),
            zero.as_('receipts'),
            where=(party.crm_customer_type != None)  # noqa: E711
            & (party.create_date >= day_start(start))
            & (party.create_date < day_start(end + dt.timedelta(days=1)))
            & filter_owner(party.crm_owner)
            & visible('party.party', party.id))

    @classmethod
    def _activities(cls, start, end):
        Activity = Pool().get('crm.activity')
        activity = Activity.__table__()
        zero = Literal(0)
        return activity.select(
            month_key(activity.date).as_('key'),
            zero.as_('new_customers'), Literal(1).as_('activities'),
            Literal(None).as_('deal'), zero.as_('net'),
            zero.as_('receipts'),
            where=(activity.date >= start) & (activity.date <= end)
            & filter_owner(activity.author)
            & visible('crm.activity', activity.id))
