import datetime as dt

from sql import Literal, Null
from sql.aggregate import Count, Sum
from sql.conditionals import Case

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.tools import timezone as tz
from trytond.transaction import Transaction

from xtools_crm_base.linear_browse import LinearBrowse


class CustomerContext(ModelView):
    "Filter of the customer statistics"
    __name__ = 'crm.reporting.customer.context'
    __string__ = "Customer Statistics Filter"

    from_date = fields.Date(
        "From Date",
        domain=[
            If(Eval('to_date') & Eval('from_date'),
                ('from_date', '<=', Eval('to_date')),
                ()),
            ],
        help="Count the customers created on or after this day.")
    to_date = fields.Date(
        "To Date",
        domain=[
            If(Eval('from_date') & Eval('to_date'),
                ('to_date', '>=', Eval('from_date')),
                ()),
            ],
        help="Count the customers created on or before this day.")

    @classmethod
    def default_from_date(cls):
        return Transaction().context.get('from_date')

    @classmethod
    def default_to_date(cls):
        return Transaction().context.get('to_date')


class CustomerStatistics(LinearBrowse, ModelSQL, ModelView):
    "Customer Statistics: the number of customers of each owner, by type"
    __name__ = 'crm.reporting.customer'
    __string__ = "Customer Statistics"

    owner = fields.Many2One('res.user', "Owner")
    number = fields.Integer("Customers")
    enterprise = fields.Integer("Enterprise Customers")
    individual = fields.Integer("Individual Customers")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('number', 'DESC'))

    @classmethod
    def table_query(cls):
        from_item, tables = cls._joins()
        return from_item.select(*cls._columns(tables),
            where=cls._where(tables),
            group_by=cls._group_by(tables))

    @classmethod
    def _joins(cls):
        Party = Pool().get('party.party')
        tables = {}
        tables['party'] = party = Party.__table__()
        return party, tables

    @classmethod
    def _columns(cls, tables):
        party = tables['party']
        return [
            cls._column_id(tables).as_('id'),
            party.crm_owner.as_('owner'),
            Count().as_('number'),
            cls._count_type(tables, 'enterprise').as_('enterprise'),
            cls._count_type(tables, 'individual').as_('individual'),
            ]

    @classmethod
    def _count_type(cls, tables, customer_type):
        party = tables['party']
        return Sum(Case(
                (party.crm_customer_type == customer_type, Literal(1)),
                else_=Literal(0)))

    @classmethod
    def _column_id(cls, tables):
        # One row per owner: the owner is the row's identity.
        return tables['party'].crm_owner

    @classmethod
    def _group_by(cls, tables):
        return [tables['party'].crm_owner]

    @classmethod
    def _where(cls, tables):
        context = Transaction().context
        party = tables['party']
        where = ((party.crm_customer_type != Null)
            & (party.crm_owner != Null)
            & (party.active == Literal(True)))
        date = cls._column_date(tables)
        from_date = context.get('from_date')
        if from_date:
            where &= date >= cls._day_start(from_date)
        to_date = context.get('to_date')
        if to_date:
            where &= date < cls._day_start(to_date + dt.timedelta(days=1))
        return where

    @classmethod
    def _column_date(cls, tables):
        return tables['party'].create_date

    @classmethod
    def _day_start(cls, date):
        "The UTC timestamp at which the day starts for the company"
        start = dt.datetime.combine(date, dt.time.min, cls._timezone())
        return start.astimezone(tz.UTC).replace(tzinfo=None)

    @classmethod
    def _timezone(cls):
        # Timestamps are stored in UTC, but a Chinese company's day starts
        # at 00:00 in Beijing, 8 hours earlier.
        Company = Pool().get('company.company')
        company_id = Transaction().context.get('company')
        if company_id is not None and company_id >= 0:
            company = Company(company_id)
            if company.timezone:
                return tz.get_tzinfo(company.timezone)
        return tz.UTC

    def get_rec_name(self, name):
        return self.owner.rec_name if self.owner else ''

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('owner.rec_name', *clause[1:])]
