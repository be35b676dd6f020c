"""What every report of the module shares (SPEC R2): the filter (period,
department, salesperson), the record rules of the documents a report sums,
the conversion of amounts to the company's currency, and the bounds of a
company's day.

A report is a Tryton reporting model: a ModelSQL whose ``table_query`` is
built with python-sql from small overridable pieces, like
sale_opportunity's opportunity_reporting.py. Reports aggregate in SQL and
never loop over records.

Record rules: a report reads the documents it sums (deals, returns,
receipts, opportunities, activities …) only through
``visible(Model, column)``: the ids of the documents the calling user may
read, as Tryton's own ``ir.rule.query_get`` gives them, or
``visible_rows(Model, table)``: the same rules written on the report's own
copy of the document's table (no semi-join of the table with itself). So a salesperson's
report sums their own deals, a manager's the department's, the boss's
every deal, over RPC as in the web client. Code of the server itself
(access checks off) sums everything.

SQL that must run on SQLite and PostgreSQL alike:

- amounts are rounded only through ``round_amount``: a quantity (a Float)
  times a price is double precision on PostgreSQL, which has no
  ``ROUND(double precision, integer)``; the helper casts to NUMERIC first.
- a grouped expression that carries parameters (``DATE_TRUNC(%s, …)``,
  ``EXTRACT(…) * %s``, a CASE) is grouped by the very ``As`` column the
  select returns: python-sql writes it as the column's ordinal
  (``GROUP BY 2``). Grouped by a copy of the expression, PostgreSQL sees
  other parameters ($2 against $5) and refuses the query (GroupingError).
"""
import datetime as dt

from sql import Cast, Literal, Null
from sql.conditionals import Case, Coalesce
from sql.functions import Round

from trytond import backend
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.tools import timezone as tz
from trytond.transaction import Transaction, inactive_records

from xtools_crm_base.access import context_company

PERIODS = [
    ('year', "Year"),
    ('month', "Month"),
    ('day', "Day"),
    ]


def visible(model_name, column):
    """The condition that column (ids of model_name) holds only records the
    calling user may read (Tryton's record rules), or True without rules"""
    Rule = Pool().get('ir.rule')
    if not Rule.domain_get(model_name, mode='read'):
        return Literal(True)
    return column.in_(Rule.query_get(model_name, mode='read'))


def visible_rows(model_name, table):
    """The condition that the rows of table (model_name's own table, in
    the report's query) are records the calling user may read: the record
    rules' domain written on the table itself, as Tryton's query_get
    writes it on its own copy. visible(model_name, table.id) would join
    the table with itself: on PostgreSQL that semi-join is about half of a
    sales report's time. Falls back to it when the domain needs other
    tables joined."""
    pool = Pool()
    Rule = pool.get('ir.rule')
    Model = pool.get(model_name)
    domain = Rule.domain_get(model_name, mode='read')
    if not domain:
        return Literal(True)
    # As Rule.query_get: as root (no rule on the rule's own sub-queries)
    with Transaction().set_user(0, set_context=True), inactive_records():
        tables, expression = Model.search_domain(
            domain, active_test=False, tables={None: (table, None)})
    if len(tables) > 1:
        return visible(model_name, table.id)
    return expression


def report_company():
    "The company the report is for: the context's when the user is in it"
    return context_company()


def company_currency():
    "The currency (id) of the report's company, None without a company"
    Company = Pool().get('company.company')
    company = report_company()
    return Company(company).currency.id if company is not None else None


def join_company_rates(from_item, currency, date):
    """(from_item, convert): from_item left-joined to the rates of currency
    and of the report company's currency on date, and convert(amount) the
    amount (in currency, of date) in the company's currency (every report
    reads one company): as is in that currency, else through both rates of
    the day (Tryton's rates are per unit of the company's reference), NULL
    when a rate is missing.

    The rates are one small table of the periods in which both rates hold
    (Tryton's currency_rate_sql twice, each currency's against the
    company's), joined on the currency: the rows in the company's currency
    (nearly all) match nothing, at the cost of a hash probe. No rate is
    looked up per row in a subquery: PostgreSQL prices such a look-up in
    every row, and a price that high sets its JIT compiler to work for
    seconds on a query that runs in a fraction of one."""
    Currency = Pool().get('currency.currency')
    company = company_currency()
    rate = Currency.currency_rate_sql()
    company_rate = Currency.currency_rate_sql()
    periods = rate.join(company_rate, condition=(
            (company_rate.currency == company)
            & (rate.currency != company)
            # the periods overlap
            & ((rate.end_date == Null)
                | (company_rate.start_date < rate.end_date))
            & ((company_rate.end_date == Null)
                | (rate.start_date < company_rate.end_date)))).select(
        rate.currency.as_('currency'),
        rate.rate.as_('rate'),
        rate.start_date.as_('start_date'),
        rate.end_date.as_('end_date'),
        company_rate.rate.as_('company_rate'),
        company_rate.start_date.as_('company_start_date'),
        company_rate.end_date.as_('company_end_date'))
    from_item = from_item.join(periods, type_='LEFT', condition=(
            (periods.currency == currency)
            & (periods.start_date <= date)
            & ((periods.end_date == Null) | (periods.end_date > date))
            & (periods.company_start_date <= date)
            & ((periods.company_end_date == Null)
                | (periods.company_end_date > date))))

    def convert(amount):
        return Case(
            (currency == company, amount),
            else_=amount * periods.company_rate / periods.rate)
    return from_item, convert


def plan_without_jit():
    """PostgreSQL: no JIT compilation for the rest of the transaction (a
    request). A report's query joins the record rules of what it sums;
    the planner prices their subqueries high enough (millions) to have the
    JIT compiler spend 5–10 s on a query that runs in well under one
    (bench/README.md, "Reports"). No effect on SQLite."""
    if backend.name == 'postgresql':
        Transaction().connection.cursor().execute('SET LOCAL jit = off')


def company_currency_column():
    "The report company's currency as a column of a report's rows"
    return Literal(company_currency())


def day_start(date):
    "The UTC timestamp at which date starts in the company's timezone"
    start = dt.datetime.combine(date, dt.time.min, company_timezone())
    return start.astimezone(tz.UTC).replace(tzinfo=None)


def company_timezone():
    Company = Pool().get('company.company')
    company_id = report_company()
    if company_id is not None:
        company = Company(company_id)
        if company.timezone:
            return tz.get_tzinfo(company.timezone)
    return tz.UTC


def department_user_ids(department_id):
    """The users of the department and of its sub-departments (a
    department has at most one level below it)"""
    pool = Pool()
    User = pool.get('res.user')
    Department = pool.get('crm.department')
    with Transaction().set_context(active_test=False, _check_access=False):
        departments = Department.search([
                ('parent', 'child_of', [department_id]),
                ])
        return [u.id for u in User.search([
                    ('crm_department', 'in', [d.id for d in departments]),
                    ])]


def month_start(date):
    return date.replace(day=1)


class ReportContext(ModelView):
    """The filter of the reports: period, department, salesperson.
    The record rules of what a report sums still apply."""
    __name__ = 'crm.reporting.context'
    __string__ = "Report Filter"

    company = fields.Many2One('company.company', "Company", required=True)
    from_date = fields.Date(
        "From Date",
        domain=[
            If(Eval('to_date') & Eval('from_date'),
                ('from_date', '<=', Eval('to_date')),
                ()),
            ])
    to_date = fields.Date(
        "To Date",
        domain=[
            If(Eval('from_date') & Eval('to_date'),
                ('to_date', '>=', Eval('from_date')),
                ()),
            ])
    period = fields.Selection(PERIODS, "Period", required=True,
        help="The length of the rows of the reports by time.")
    department = fields.Many2One(
        'crm.department', "Department",
        help="Only the salespeople of this department and of its "
        "sub-departments.")
    salesperson = fields.Many2One(
        'res.user', "Salesperson",
        help="Only what this salesperson owns.")
    year = fields.Integer(
        "Year", domain=[('year', '>=', 1901), ('year', '<=', 2999)],
        help="The year of the reports by month (year-on-year, annual "
        "overview, targets).")

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_period(cls):
        context = Transaction().context
        if 'period' in context:
            return context['period']
        return cls._saved('period', lambda: 'month')

    @classmethod
    def default_from_date(cls):
        context = Transaction().context
        if 'from_date' in context:
            return context['from_date']
        return cls._saved('from_date', cls._default_from_date)

    @classmethod
    def _default_from_date(cls):
        # The current year by default: what the boss asks every morning
        return Pool().get('ir.date').today().replace(month=1, day=1)

    @classmethod
    def default_to_date(cls):
        context = Transaction().context
        if 'to_date' in context:
            return context['to_date']
        return cls._saved('to_date', lambda: None)

    @classmethod
    def default_department(cls):
        context = Transaction().context
        if 'department' in context:
            return context['department']
        return cls._saved('department', lambda: None)

    @classmethod
    def default_salesperson(cls):
        context = Transaction().context
        if 'salesperson' in context:
            return context['salesperson']
        return cls._saved('salesperson', lambda: None)

    @classmethod
    def default_year(cls):
        context = Transaction().context
        if 'year' in context:
            return context['year']
        return cls._saved(
            'year', lambda: Pool().get('ir.date').today().year)

    @classmethod
    def _saved(cls, name, default):
        "The value of the user's saved filter for the report (R4)"
        Filter = Pool().get('crm.reporting.filter')
        value = Filter.saved_value(name)
        return value if value is not None else default()


def filter_owner(column):
    """The condition of the context's salesperson and department on column
    (the user owning what is summed)"""
    context = Transaction().context
    where = Literal(True)
    salesperson = context.get('salesperson')
    if isinstance(salesperson, int):
        where &= column == salesperson
    department = context.get('department')
    if isinstance(department, int):
        users = department_user_ids(department)
        where &= column.in_(users or [-1])
    return where


def context_period():
    """The context's period of a report's rows: year, month or day (no
    quarter: SQLite's date_trunc of Tryton knows none)"""
    period = Transaction().context.get('period')
    return period if period in {'year', 'month', 'day'} else 'month'


def filter_dates(column):
    "The condition of the context's period on a date column"
    context = Transaction().context
    where = Literal(True)
    from_date = context.get('from_date')
    if isinstance(from_date, dt.date):
        where &= column >= from_date
    to_date = context.get('to_date')
    if isinstance(to_date, dt.date):
        where &= column <= to_date
    return where


def filter_timestamps(column):
    "The condition of the context's period on a timestamp column (UTC)"
    context = Transaction().context
    where = Literal(True)
    from_date = context.get('from_date')
    if isinstance(from_date, dt.date):
        where &= column >= day_start(from_date)
    to_date = context.get('to_date')
    if isinstance(to_date, dt.date):
        where &= column < day_start(to_date + dt.timedelta(days=1))
    return where


def round_amount(field, amount, digits=2):
    """amount (any numeric SQL expression) rounded to digits (the cents of
    CNY and its peers) as the Numeric field stores it. Cast to NUMERIC
    before ROUND: PostgreSQL rounds no double precision to digits"""
    numeric = field.sql_type().base
    return field.sql_cast(Round(Cast(amount, numeric), digits))


def coalesce0(value):
    return Coalesce(value, Literal(0))
