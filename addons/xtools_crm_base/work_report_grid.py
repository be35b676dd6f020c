"""What managers see of the work reports (SPEC B9): the submission grid
(提交情况: one row per person, one column per period — ✓ on time, +n
late by n working days, missing) and the period summary (汇总: the
reference data of the submitted reports added up per person and kind).

Both are read-only reporting models over the people a user sees (the
hierarchy of visibility.py: staff their own row, a manager and the
assistants their departments, bosses everyone), filtered by the context
model's type, period and department. A period is missing once due and
not submitted, on a report day (daily reports), and when the person owed
it: from the day the account was made, or from the first report written
when earlier (a company starting with the CRM owes nothing before)."""
import datetime as dt

from sql import Literal, Null
from sql.aggregate import Count, Min, Sum

from trytond import backend
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .access import context_company
from .work_period import (
    FIRST_DAY, LAST_DAY, TYPE_CODES, TYPES, grid_periods)
from .work_report import local_date, punctuality

# A column per day of a month at most
COLUMNS = 31
COLUMN_NAMES = ['c%02d' % n for n in range(1, COLUMNS + 1)]
TYPE_KEY = 'crm_period_type'
DATE_KEY = 'crm_period_date'
DEPARTMENT_KEY = 'crm_period_department'


def grid_context():
    """(type, day, department id) of the context, checked: a client sends
    what it wants"""
    pool = Pool()
    Date = pool.get('ir.date')
    context = Transaction().context
    type_ = context.get(TYPE_KEY)
    if type_ not in TYPE_CODES:
        type_ = 'daily'
    day = context.get(DATE_KEY)
    if (isinstance(day, dt.datetime) or not isinstance(day, dt.date)
            or not FIRST_DAY <= day <= LAST_DAY):
        day = Date.today()
    department = context.get(DEPARTMENT_KEY)
    if not isinstance(department, int) or isinstance(department, bool):
        department = None
    return type_, day, department


def department_ids(department):
    "The department and its sub-departments"
    Department = Pool().get('crm.department')
    with Transaction().set_context(_check_access=False, active_test=False):
        return [d.id for d in Department.search([
                    ('parent', 'child_of', [department]),
                    ])]


def _columns(type_, day):
    "How many columns the grid of type_ around day uses"
    return len(grid_periods(type_, day))


class WorkReportGridContext(ModelView):
    "Work report period"
    __name__ = 'crm.work.report.grid.context'
    __string__ = "Work Report Period"

    crm_period_type = fields.Selection(
        TYPES, "Type", required=True, sort=False)
    crm_period_date = fields.Date(
        "Period", required=True,
        help="Any day of the month shown (of the year for monthly "
        "reports).")
    crm_period_department = fields.Many2One(
        'crm.department', "Department",
        help="Only the people of this department and its sub-departments.")
    crm_period_columns = fields.Integer("Columns", readonly=True)

    @classmethod
    def default_crm_period_type(cls):
        return grid_context()[0]

    @classmethod
    def default_crm_period_date(cls):
        return grid_context()[1]

    @classmethod
    def default_crm_period_department(cls):
        return grid_context()[2]

    @classmethod
    def default_crm_period_columns(cls):
        type_, day, _ = grid_context()
        return _columns(type_, day)

    @fields.depends('crm_period_type', 'crm_period_date')
    def on_change_with_crm_period_columns(self, name=None):
        if self.crm_period_type and self.crm_period_date:
            return _columns(self.crm_period_type, self.crm_period_date)
        return COLUMNS


class WorkReportGrid(ModelSQL, ModelView):
    "Work report submissions (提交情况)"
    __name__ = 'crm.work.report.grid'
    __string__ = "Work Report Submissions"

    user = fields.Many2One('res.user', "Person")
    department = fields.Many2One('crm.department', "Department")
    on_time = fields.Function(fields.Integer("On Time"), 'get_cells')
    late = fields.Function(fields.Integer("Late"), 'get_cells')
    missing = fields.Function(fields.Integer("Missing"), 'get_cells')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('department', 'ASC'), ('user', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        User = pool.get('res.user')
        UserCompany = pool.get('res.user-company.company')
        user = User.__table__()
        user_company = UserCompany.__table__()
        _, _, department = grid_context()
        # The people who write reports: active users of a department of
        # the company
        where = ((user.active == Literal(True))
            & (user.crm_department != Null)
            & user.id.in_(user_company.select(
                    user_company.user,
                    where=user_company.company == (context_company() or -1))))
        if department:
            where &= user.crm_department.in_(department_ids(department))
        return user.select(
            user.id.as_('id'),
            user.create_uid.as_('create_uid'),
            user.create_date.as_('create_date'),
            user.write_uid.as_('write_uid'),
            user.write_date.as_('write_date'),
            user.id.as_('user'),
            user.crm_department.as_('department'),
            where=where)

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            # The columns beyond the periods of the context are hidden
            ('/tree/field[@name="%s"]' % name, 'tree_invisible',
                Eval('crm_period_columns', COLUMNS) < n)
            for n, name in enumerate(COLUMN_NAMES, 1)]

    @classmethod
    def get_cells(cls, rows, names):
        """The cell of each period column and the counts, for every row at
        once (one search of the reports)"""
        pool = Pool()
        Report = pool.get('crm.work.report')
        Company = pool.get('company.company')
        Date = pool.get('ir.date')
        type_, day, _ = grid_context()
        periods = grid_periods(type_, day)
        today = Date.today()
        company_id = context_company()
        company = Company(company_id) if company_id is not None else None
        is_report_day = Report.report_day_test(
            company, periods[0][0], periods[-1][1])
        missing_text = gettext('xtools_crm_base.msg_work_report_missing')
        user_ids = [r.id for r in rows]
        # The rows are the people whose reports the user reads (the same
        # hierarchy rule): their submitted reports are read as a whole
        with Transaction().set_context(_check_access=False):
            reports = Report.search([
                    ('author', 'in', user_ids),
                    ('type', '=', type_),
                    ('state', '=', 'submitted'),
                    ('period_start', '>=', periods[0][0]),
                    ('period_start', '<=', periods[-1][0]),
                    ])
            owed_since = cls._owed_since(company, type_, rows)
        submitted = {(r.author.id, r.period_start): r.late_days
            for r in reports}
        result = {name: {} for name in names}
        for row in rows:
            counts = {'on_time': 0, 'late': 0, 'missing': 0}
            cells = [''] * COLUMNS
            for n, (start, end, due) in enumerate(periods):
                key = (row.id, start)
                if key in submitted:
                    days = submitted[key]
                    cells[n] = punctuality(days)
                    counts['late' if days else 'on_time'] += 1
                elif due >= today:
                    # Not due yet (today's may still come)
                    continue
                elif end < owed_since[row.id]:
                    continue
                elif type_ == 'daily' and not is_report_day(start):
                    continue
                else:
                    cells[n] = missing_text
                    counts['missing'] += 1
            for name in names:
                if name in counts:
                    result[name][row.id] = counts[name]
                else:
                    result[name][row.id] = cells[COLUMN_NAMES.index(name)]
        return result

    @classmethod
    def _owed_since(cls, company, type_, rows):
        """The first day each person owes reports of type_ from: the day
        the account was made (company's time), or the first report written,
        when earlier (the reports of the days before the account)"""
        pool = Pool()
        Report = pool.get('crm.work.report')
        User = pool.get('res.user')
        report = Report.__table__()
        user_ids = [r.id for r in rows]
        firsts = {}
        cursor = Transaction().connection.cursor()
        for sub in grouped_slice(user_ids, backend.MAX_QUERY_PARAMS):
            cursor.execute(*report.select(
                    report.author, Min(report.period_start),
                    where=report.author.in_(list(sub))
                    & (report.type == type_),
                    group_by=[report.author]))
            firsts.update(cursor)
        since = {}
        for user in User.browse(user_ids):
            created = local_date(company, user.create_date)
            first = firsts.get(user.id)
            if isinstance(first, str):
                first = dt.date.fromisoformat(first)
            since[user.id] = min(created, first) if first else created
        return since


# One Char column per period, named c01 … c31 and labelled 1 … 31
for _n, _name in enumerate(COLUMN_NAMES, 1):
    setattr(WorkReportGrid, _name, fields.Function(
            fields.Char(str(_n)), 'get_cells'))
del _n, _name


class WorkReportSummary(ModelSQL, ModelView):
    "Work report summary (汇总)"
    __name__ = 'crm.work.report.summary'
    __string__ = "Work Report Summary"

    author = fields.Many2One('res.user', "Person")
    department = fields.Many2One('crm.department', "Department")
    kind = fields.Selection('get_kinds', "Kind")
    reports = fields.Integer("Reports")
    count = fields.Integer("Count")
    amount = fields.Numeric("Amount", digits=(16, 2))

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('department', 'ASC'), ('author', 'ASC'), ('kind', 'ASC'),
            ('id', 'ASC')]

    @classmethod
    def get_kinds(cls):
        return Pool().get('crm.work.report.fact').get_kinds()

    @classmethod
    def table_query(cls):
        pool = Pool()
        Fact = pool.get('crm.work.report.fact')
        Report = pool.get('crm.work.report')
        User = pool.get('res.user')
        fact = Fact.__table__()
        report = Report.__table__()
        user = User.__table__()
        type_, day, department = grid_context()
        periods = grid_periods(type_, day)
        where = ((report.state == 'submitted')
            & (report.type == type_)
            & (report.company == (context_company() or -1))
            & (report.period_start >= periods[0][0])
            & (report.period_start <= periods[-1][0]))
        if department:
            where &= user.crm_department.in_(department_ids(department))
        return (fact
            .join(report, condition=fact.report == report.id)
            .join(user, condition=report.author == user.id)
            .select(
                Min(fact.id).as_('id'),
                Min(fact.create_uid).as_('create_uid'),
                Min(fact.create_date).as_('create_date'),
                Min(fact.write_uid).as_('write_uid'),
                Min(fact.write_date).as_('write_date'),
                report.author.as_('author'),
                user.crm_department.as_('department'),
                fact.kind.as_('kind'),
                Count(fact.id).as_('reports'),
                Sum(fact.count).as_('count'),
                Sum(fact.amount).as_('amount'),
                where=where,
                group_by=[report.author, user.crm_department, fact.kind]))
