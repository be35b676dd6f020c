"""Work reports (日报/周报/月报, SPEC B9).

The author picks a type and a day; the report covers that day's period
(work_period.py) and the system gathers the author's facts of the period
(参考数据): activities, new customers, tasks done and overdue here, and
whatever later modules add by extending crm_work_facts (deals signed and
payments received in xtools_crm_sales, services and complaints in
xtools_crm_service). The author writes the summary (工作总结) and the plan
(工作计划) and submits; a submitted report is read-only, its facts frozen.

Who reads what is in the record rules (work_report.xml): the author
always, the author's managers and their assistants (the hierarchy of
visibility.py, crm_owners) and the bosses once it is submitted; comments
(work_report_comment.py) follow the report."""
import datetime as dt
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.tools import timezone as tz
from trytond.transaction import Transaction, without_check_access

from .access import ButtonAccessMixin, context_company
from .exceptions import WorkReportError
from .work_period import (
    FIRST_DAY, LAST_DAY, TYPES, due_date, is_weekday, late_days, period_of)

STATES = [
    ('draft', "Draft"),
    ('submitted', "Submitted"),
    ]
# The facts of the base module; later modules add theirs to the selection
FACT_KINDS = [
    ('activities', "Activities"),
    ('new_customers', "New Customers"),
    ('tasks_done', "Tasks Done"),
    ('tasks_overdue', "Overdue Tasks"),
    ]
# Lines of detail kept per fact; the count says how many there were
MAX_DETAIL_LINES = 10
# What the author may not change once the report exists
FIXED_FIELDS = {'author', 'company', 'type', 'date'}
# Context key that sets the time of a submission (tests, the demo's past
# days). Its leading _ keeps clients from sending it: RPC strips such keys.
SUBMITTED_AT_KEY = '_crm_submitted_at'

_frozen_submission_time = None


def freeze_submission_time(value):
    """Make value (a naive UTC datetime) the time of the submissions in
    this process (None: the real one). For the demo and scenarios, whose
    proteus calls lose the _ keys of the context as a client's would."""
    global _frozen_submission_time
    _frozen_submission_time = value


def company_zone(company):
    "The timezone of the company (the server's when it has none)"
    return (tz.ZoneInfo(company.timezone)
        if company and company.timezone else tz.SERVER)


def local_date(company, value):
    "The day, in the company's timezone, of a naive UTC datetime"
    return value.replace(tzinfo=tz.UTC).astimezone(
        company_zone(company)).date()


def utc_bounds(company, start, end):
    "Naive UTC datetimes bounding days start to end in the company's time"
    zone = company_zone(company)

    def utc(day):
        return dt.datetime.combine(day, dt.time.min).replace(
            tzinfo=zone).astimezone(tz.UTC).replace(tzinfo=None)
    return utc(start), utc(end + dt.timedelta(days=1))


def detail(lines):
    "The detail text of a fact: its first lines, then how many more"
    lines = list(lines)
    text = lines[:MAX_DETAIL_LINES]
    if len(lines) > MAX_DETAIL_LINES:
        text.append(gettext('xtools_crm_base.msg_work_fact_more',
                count=len(lines) - MAX_DETAIL_LINES))
    return '\n'.join(text)


class WorkReport(ButtonAccessMixin, Workflow, ModelSQL, ModelView):
    "Work report (日报/周报/月报)"
    __name__ = 'crm.work.report'
    __string__ = "Work Report"

    _draft = {'readonly': Eval('state') != 'draft'}
    _fixed = {'readonly': Eval('id', -1) >= 0}

    company = fields.Many2One(
        'company.company', "Company", required=True, states=_fixed)
    author = fields.Many2One(
        'res.user', "Author", required=True, readonly=True,
        ondelete='RESTRICT')
    type = fields.Selection(
        TYPES, "Type", required=True, sort=False, states=_fixed)
    date = fields.Date(
        "Date", required=True, states=_fixed,
        help="Any day of the period: the day of a daily report, a day of "
        "the week or of the month.")
    period_start = fields.Date("From", readonly=True)
    period_end = fields.Date("To", readonly=True)
    due_date = fields.Date(
        "Due Date", readonly=True,
        help="Daily reports are due on their day, weekly reports on the "
        "Friday, monthly reports on the last day of the month.")
    summary = fields.Text(
        "Summary", states=_draft,
        help="What was done in the period (工作总结); required to submit.")
    plan = fields.Text(
        "Plan", states=_draft, help="What comes next (工作计划).")
    facts = fields.One2Many(
        'crm.work.report.fact', 'report', "Reference Data", readonly=True,
        help="Gathered from the author's records of the period; refreshed "
        "until the report is submitted.")
    comments = fields.One2Many(
        'crm.work.report.comment', 'report', "Comments", readonly=True,
        states={'invisible': Eval('state') != 'submitted'},
        help="By the author's leaders and the author (the Comment "
        "button).")
    state = fields.Selection(
        STATES, "State", required=True, readonly=True, sort=False)
    submitted_at = fields.DateTime("Submitted At", readonly=True)
    submitted_date = fields.Date(
        "Submitted On", readonly=True,
        help="The day of the submission in the company's timezone.")
    late_days = fields.Integer(
        "Days Late", readonly=True,
        help="Working days between the due date and the submission.")
    punctuality = fields.Function(
        fields.Char("Punctuality"), 'get_punctuality')

    del _draft, _fixed

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('author_period_unique',
                Unique(t, t.author, t.type, t.period_start),
                'xtools_crm_base.msg_work_report_unique'),
            ]
        cls._sql_indexes.update({
                Index(t,
                    (t.author, Index.Equality()),
                    (t.period_start, Index.Range(order='DESC'))),
                Index(t, (t.due_date, Index.Range())),
                })
        cls._order = [
            ('period_start', 'DESC'), ('type', 'ASC'), ('id', 'DESC')]
        cls._transitions |= {('draft', 'submitted')}
        cls._buttons.update({
                'submit': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'refresh_facts': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-refresh',
                    'depends': ['state'],
                    },
                'comment': {
                    'invisible': Eval('state') != 'submitted',
                    'icon': 'tryton-chat',
                    'depends': ['state'],
                    },
                })
        # Whoever reads a submitted report may comment on it
        cls._button_access.update({'comment': 'read'})

    @classmethod
    def default_company(cls):
        return context_company()

    @classmethod
    def default_author(cls):
        return Transaction().user or None

    @classmethod
    def default_type(cls):
        return 'daily'

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_state(cls):
        return 'draft'

    @fields.depends('type', 'date')
    def on_change_with_period_start(self, name=None):
        if self.type and self.date:
            return period_of(self.type, self.date)[0]

    @fields.depends('type', 'date')
    def on_change_with_period_end(self, name=None):
        if self.type and self.date:
            return period_of(self.type, self.date)[1]

    @fields.depends('type', 'date')
    def on_change_with_due_date(self, name=None):
        if self.type and self.date:
            return due_date(self.type, period_of(self.type, self.date)[0])

    def get_rec_name(self, name):
        lang = Pool().get('ir.lang').get()
        type_ = dict(self.fields_get(['type'])['type']['selection'])[
            self.type]
        if self.type == 'daily':
            period = lang.strftime(self.period_start)
        elif self.type == 'monthly':
            period = self.period_start.strftime('%Y-%m')
        else:
            period = '%s – %s' % (
                lang.strftime(self.period_start),
                lang.strftime(self.period_end))
        return f'{type_} {period} {self.author.rec_name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('author.rec_name',) + tuple(clause[1:])]

    @classmethod
    def get_punctuality(cls, reports, name):
        return {r.id: punctuality(r.late_days)
            if r.state == 'submitted' else '' for r in reports}

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual',
                If(Eval('late_days', 0) > 0, 'warning', '')),
            ]

    # -- lifecycle ------------------------------------------------------------

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            user = Transaction().user
            # One writes one's own reports (root, loading data, may not)
            if user or not values.get('author'):
                values['author'] = user
            # In a company of the author's (its timezone dates the report)
            if user or not values.get('company'):
                values['company'] = context_company()
            type_, day = values.get('type'), values.get('date')
            if isinstance(day, dt.date) and type_ in dict(TYPES):
                if not FIRST_DAY <= day <= LAST_DAY:
                    raise WorkReportError(gettext(
                            'xtools_crm_base.msg_work_report_date_range',
                            first=FIRST_DAY.year, last=LAST_DAY.year))
                start, end = period_of(type_, day)
                values.update({
                        'period_start': start,
                        'period_end': end,
                        'due_date': due_date(type_, start),
                        })
        return values

    @classmethod
    def check_modification(cls, mode, reports, values=None, external=False):
        super().check_modification(
            mode, reports, values=values, external=external)
        if mode == 'write' and values.keys() & (
                FIXED_FIELDS | {'period_start', 'period_end', 'due_date'}):
            raise WorkReportError(gettext(
                    'xtools_crm_base.msg_work_report_period_fixed'))
        if mode in {'write', 'delete'}:
            for report in reports:
                if report.state != 'draft':
                    raise WorkReportError(gettext(
                            'xtools_crm_base.msg_work_report_submitted',
                            report=report.id))

    @classmethod
    def on_modification(cls, mode, reports, field_names=None):
        super().on_modification(mode, reports, field_names=field_names)
        if mode == 'create':
            cls.gather_facts(reports)

    @classmethod
    def copy(cls, reports, default=None):
        # A report is about one period of one author: not copied
        if reports:
            raise WorkReportError(gettext(
                    'xtools_crm_base.msg_work_report_no_copy'))
        return super().copy(reports, default=default)

    # -- buttons --------------------------------------------------------------

    @classmethod
    @ModelView.button
    def refresh_facts(cls, reports):
        cls.gather_facts([r for r in reports if r.state == 'draft'])

    @classmethod
    @ModelView.button_action(
        'xtools_crm_base.wizard_work_report_comment_add')
    def comment(cls, reports):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('submitted')
    def submit(cls, reports):
        for report in reports:
            if not (report.summary or '').strip():
                raise WorkReportError(gettext(
                        'xtools_crm_base.msg_work_report_summary_required',
                        report=report.rec_name))
        cls.gather_facts(reports)
        now = cls.submission_time()
        for report in reports:
            report.submitted_at = now
            report.submitted_date = local_date(report.company, now)
            report.late_days = late_days(
                report.due_date, report.submitted_date,
                cls.report_day_test(report.company, report.due_date,
                    report.submitted_date))
        cls.save(reports)

    @classmethod
    def submission_time(cls):
        """Now, as naive UTC, or the time the server's own code set
        (SUBMITTED_AT_KEY, freeze_submission_time)"""
        value = (Transaction().context.get(SUBMITTED_AT_KEY)
            or _frozen_submission_time)
        if isinstance(value, dt.datetime):
            return value
        return dt.datetime.now().replace(microsecond=0)

    # -- the facts ------------------------------------------------------------

    @classmethod
    @without_check_access
    def gather_facts(cls, reports):
        """(Re)write the facts of the reports from their authors' records of
        the period (the records of the author, gathered whatever the
        calling user reads)"""
        Fact = Pool().get('crm.work.report.fact')
        if not reports:
            return
        Fact.delete([f for r in reports for f in r.facts])
        to_create = []
        for report in reports:
            if not (report.company and report.period_start
                    and report.period_end):
                # No period yet (refused by the validation): no facts
                continue
            with Transaction().set_context(company=report.company.id):
                facts = cls.crm_work_facts(
                    report.author, report.company,
                    report.period_start, report.period_end)
            for sequence, fact in enumerate(facts, 1):
                to_create.append({
                        'report': report.id,
                        'sequence': sequence,
                        'kind': fact['kind'],
                        'count': fact.get('count') or 0,
                        'amount': fact.get('amount'),
                        'detail': fact.get('detail') or None,
                        })
        Fact.create(to_create)

    @classmethod
    def crm_work_facts(cls, author, company, start, end):
        """The facts (参考数据) of author's work from day start to day end,
        both included: a list of dicts with kind (a key of the fact's kind
        selection), count, and optionally amount and detail (text).

        The provider hook of the work reports: a later module overrides it,
        calls super() and appends its facts (and adds its kinds to
        crm.work.report.fact's selection). Called with access checks off
        and the report's company in the context."""
        return [
            cls._fact_activities(author, start, end),
            cls._fact_new_customers(author, company, start, end),
            cls._fact_tasks_done(author, start, end),
            cls._fact_tasks_overdue(author, end),
            ]

    @staticmethod
    def describable(author, customer):
        """Whether a fact may name a record of customer: readers of the
        report (the author's leaders) read the author's customers, not
        necessarily those shared with the author"""
        return customer is None or customer.crm_owner == author

    @classmethod
    def _fact_activities(cls, author, start, end):
        Activity = Pool().get('crm.activity')
        activities = Activity.search([
                ('author', '=', author.id),
                ('date', '>=', start),
                ('date', '<=', end),
                ], order=[('date', 'ASC'), ('id', 'ASC')])
        return {
            'kind': 'activities',
            'count': len(activities),
            'detail': detail(
                f'{a.date:%m-%d} {a.customer.rec_name}: {a.subject}'
                for a in activities if cls.describable(author, a.customer)),
            }

    @classmethod
    def _fact_new_customers(cls, author, company, start, end):
        Party = Pool().get('party.party')
        since, until = utc_bounds(company, start, end)
        customers = Party.search([
                ('crm_customer_type', '!=', None),
                ('crm_owner', '=', author.id),
                ('create_date', '>=', since),
                ('create_date', '<', until),
                ], order=[('create_date', 'ASC'), ('id', 'ASC')])
        return {
            'kind': 'new_customers',
            'count': len(customers),
            'detail': detail(c.rec_name for c in customers),
            }

    @classmethod
    def _fact_tasks_done(cls, author, start, end):
        Task = Pool().get('crm.task')
        tasks = Task.search([
                ('assignee', '=', author.id),
                ('state', '=', 'done'),
                ('done_date', '>=', start),
                ('done_date', '<=', end),
                ], order=[('done_date', 'ASC'), ('id', 'ASC')])
        return {
            'kind': 'tasks_done',
            'count': len(tasks),
            'detail': detail(
                t.subject for t in tasks
                if cls.describable(author, t.customer)),
            }

    @classmethod
    def _fact_tasks_overdue(cls, author, end):
        "Tasks still open whose due date had passed at the period's end"
        pool = Pool()
        Task = pool.get('crm.task')
        Date = pool.get('ir.date')
        Lang = pool.get('ir.lang')
        lang = Lang.get()
        limit = min(end + dt.timedelta(days=1), Date.today())
        tasks = Task.search([
                ('assignee', '=', author.id),
                ('state', '=', 'open'),
                ('due_date', '<', limit),
                ], order=[('due_date', 'ASC'), ('id', 'ASC')])
        return {
            'kind': 'tasks_overdue',
            'count': len(tasks),
            'detail': detail(
                f'{t.subject} ({lang.strftime(t.due_date)})' for t in tasks
                if cls.describable(author, t.customer)),
            }

    # -- who and when ---------------------------------------------------------

    @classmethod
    def expected_authors(cls, company):
        """The people expected to write reports in company: its active users
        who belong to a department"""
        User = Pool().get('res.user')
        with Transaction().set_context(_check_access=False):
            return User.search([
                    ('crm_department', '!=', None),
                    ('companies', '=', company.id),
                    ], order=[('id', 'ASC')])

    @classmethod
    def report_day_test(cls, company, start, end):
        """A function telling whether a day between start and end is a
        report day (a daily report is expected; lateness counts them):
        Monday to Friday here; a module with a company calendar extends
        it (holidays, weekend days worked)."""
        return is_weekday


def punctuality(days):
    "✓ on time, +n n days late"
    if days is None:
        return ''
    return '✓' if not days else f'+{days}'


class WorkReportFact(ModelSQL, ModelView):
    "Work report fact (参考数据)"
    __name__ = 'crm.work.report.fact'
    __string__ = "Work Report Fact"

    report = fields.Many2One(
        'crm.work.report', "Report", required=True, ondelete='CASCADE')
    sequence = fields.Integer("Sequence")
    kind = fields.Selection(FACT_KINDS, "Kind", required=True)
    count = fields.Integer("Count")
    amount = fields.Numeric("Amount", digits=(16, 2))
    detail = fields.Text("Detail")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('report')
        cls._order = [('report', 'ASC'), ('sequence', 'ASC'), ('id', 'ASC')]
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.report, Index.Equality())))

    @classmethod
    def get_kinds(cls):
        "The kinds in the user's language (for the summaries)"
        return cls.fields_get(['kind'])['kind']['selection']


def amount_sum(values):
    "Sum of amounts, None without any"
    values = [v for v in values if v is not None]
    return sum(values, Decimal(0)) if values else None
