"""Schedules (日程, SPEC B8): time-bound events, with invitees, that do
not wait (以时间为核心、过期不候): once over they show as done.

A recurring schedule is a series: saving it creates one schedule record
per occurrence up to the "until" date, so that lists, calendars, the
customer's timeline and the reminders see each occurrence."""
import datetime as dt

from dateutil.relativedelta import relativedelta

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.tools import timezone as tz
from trytond.transaction import Transaction

from .access import context_company
from .date_range import DateRangeMixin
from .exceptions import ScheduleValidationError
from .followup import OptionalCustomerMixin
from .linear_browse import LinearBrowse
from .selection_labels import SelectionLabels

RECURRENCES = [
    ('none', "Does not repeat"),
    ('daily', "Daily"),
    ('weekly', "Weekly"),
    ('monthly', "Monthly"),
    ]
RECURRENCE_STEPS = {
    'daily': relativedelta(days=1),
    'weekly': relativedelta(weeks=1),
    'monthly': relativedelta(months=1),
    }
# Beyond that, a series is a mistake (or a job for a longer "until" later)
MAX_OCCURRENCES = 400
# What an occurrence takes from its series
SERIES_FIELDS = [
    'subject', 'customer', 'contact', 'all_day', 'location', 'description',
    'organiser', 'invitees',
    ]
STATES = [
    ('planned', "Planned"),
    ('done', "Done"),
    ]


def company_timezone():
    "Name of the company's timezone, if it has one"
    Company = Pool().get('company.company')
    company_id = context_company()
    if company_id is not None:
        return Company(company_id).timezone or None


def local_day_start(date=None):
    """The (naive UTC) datetime at which the given day, today by default,
    starts in the company's timezone (or the server's)."""
    name = company_timezone()
    zone = tz.ZoneInfo(name) if name else tz.SERVER
    if date is None:
        date = Pool().get('ir.date').today()
    start = dt.datetime.combine(date, dt.time.min).replace(tzinfo=zone)
    return start.astimezone(tz.UTC).replace(tzinfo=None)


class Schedule(
        LinearBrowse, SelectionLabels, DateRangeMixin, OptionalCustomerMixin,
        ModelSQL, ModelView):
    "Schedule (日程)"
    __name__ = 'crm.schedule'
    __string__ = "Schedule"
    _rec_name = 'subject'
    _date_range = ('start', 'end')

    subject = fields.Char("Subject", required=True)
    customer = fields.Many2One(
        'party.party', "Customer", ondelete='CASCADE',
        domain=[('crm_customer_type', '!=', None)],
        help="Leave empty for an event that concerns no customer.")
    contact = fields.Many2One(
        'crm.contact', "Contact", ondelete='SET NULL',
        domain=[('customer', '=', Eval('customer', -1))],
        states={'invisible': ~Eval('customer')})
    start = fields.DateTime("Start", required=True)
    end = fields.DateTime("End", required=True)
    all_day = fields.Boolean(
        "All Day", help="An all-day event stays planned until the end "
        "of its last day.")
    location = fields.Char("Location")
    description = fields.Text("Description")
    organiser = fields.Many2One(
        'res.user', "Organiser", required=True, ondelete='RESTRICT')
    invitees = fields.Many2Many(
        'crm.schedule-res.user', 'schedule', 'user', "Invitees")
    recurrence = fields.Selection(
        RECURRENCES, "Repeats", required=True, sort=False,
        states={'readonly': Bool(Eval('recurrence_parent'))})
    recurrence_until = fields.Date(
        "Until",
        states={
            'invisible': Eval('recurrence') == 'none',
            'required': Eval('recurrence') != 'none',
            })
    recurrence_parent = fields.Many2One(
        'crm.schedule', "Series", readonly=True, ondelete='CASCADE',
        states={'invisible': ~Eval('recurrence_parent')},
        help="The recurring schedule this occurrence belongs to.")
    occurrences = fields.One2Many(
        'crm.schedule', 'recurrence_parent', "Occurrences", readonly=True,
        states={'invisible': Eval('recurrence') == 'none'})
    state = fields.Function(fields.Selection(
            STATES, "State",
            help="A schedule is done once its end has passed "
            "(the end of the day for all-day events)."),
        'get_state', searcher='search_state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.customer, Index.Equality())),
                Index(t, (t.start, Index.Range())),
                Index(t, (t.recurrence_parent, Index.Equality())),
                })
        cls._order = [('start', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_organiser(cls):
        return Transaction().user or None

    @classmethod
    def default_recurrence(cls):
        return 'none'

    @classmethod
    def default_all_day(cls):
        return False

    @fields.depends(
        'customer', '_parent_customer.id',
        'contact', '_parent_contact.customer')
    def on_change_customer(self):
        if self.contact and self.contact.customer != self.customer:
            self.contact = None

    @fields.depends('start', 'end')
    def on_change_start(self):
        if self.start and (not self.end or self.end < self.start):
            self.end = self.start + dt.timedelta(hours=1)

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('state') == 'done', 'muted', '')),
            ]

    @classmethod
    def _state_bounds(cls):
        "(now, start of today): what ended before is done"
        return dt.datetime.now(), local_day_start()

    @classmethod
    def get_state(cls, schedules, name):
        now, day_start = cls._state_bounds()
        return {
            s.id: 'done' if s.end < (day_start if s.all_day else now)
            else 'planned'
            for s in schedules}

    @classmethod
    def search_state(cls, name, clause):
        _, operator, value = clause[:3]
        now, day_start = cls._state_bounds()
        done = ['OR',
            [('all_day', '=', True), ('end', '<', day_start)],
            [('all_day', '!=', True), ('end', '<', now)],
            ]
        planned = ['OR',
            [('all_day', '=', True), ('end', '>=', day_start)],
            [('all_day', '!=', True), ('end', '>=', now)],
            ]
        values = value if isinstance(value, (list, tuple)) else [value]
        wanted = {v for v in values if v in {'done', 'planned'}}
        if operator in {'!=', 'not in'}:
            wanted = {'done', 'planned'} - wanted
        elif operator not in {'=', 'in'}:
            return []
        if wanted == {'done', 'planned'}:
            return []
        if wanted == {'done'}:
            return done
        if wanted == {'planned'}:
            return planned
        return [('id', '=', None)]

    @classmethod
    def validate_fields(cls, schedules, field_names):
        super().validate_fields(schedules, field_names)
        cls.check_recurrence(schedules, field_names)

    @classmethod
    def check_recurrence(cls, schedules, field_names=None):
        if field_names and not field_names & {
                'start', 'recurrence', 'recurrence_until'}:
            return
        Lang = Pool().get('ir.lang')
        lang = Lang.get()
        for schedule in schedules:
            if schedule.recurrence == 'none':
                continue
            if schedule.recurrence_until < schedule.start.date():
                raise ScheduleValidationError(gettext(
                        'xtools_crm_base.msg_schedule_until_before_start',
                        schedule=schedule.rec_name,
                        until=lang.strftime(schedule.recurrence_until)))
            if len(schedule._occurrence_starts()) > MAX_OCCURRENCES:
                raise ScheduleValidationError(gettext(
                        'xtools_crm_base.msg_schedule_too_many_occurrences',
                        schedule=schedule.rec_name,
                        max=MAX_OCCURRENCES))

    def _occurrence_starts(self):
        "Starts of the occurrences after the first, up to the until date"
        if self.recurrence == 'none' or not self.recurrence_until:
            return []
        step = RECURRENCE_STEPS[self.recurrence]
        starts = []
        # From the first start each time, so that "monthly on the 31st"
        # falls on the last day of shorter months and comes back after.
        n = 1
        while len(starts) <= MAX_OCCURRENCES:
            start = self.start + step * n
            if start.date() > self.recurrence_until:
                break
            starts.append(start)
            n += 1
        return starts

    @classmethod
    def copy(cls, schedules, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('occurrences', None)
        default.setdefault('recurrence_parent', None)
        return super().copy(schedules, default=default)

    @classmethod
    def on_modification(cls, mode, schedules, field_names=None):
        super().on_modification(mode, schedules, field_names=field_names)
        if mode == 'create' or (mode == 'write' and field_names & (
                    {'start', 'end', 'recurrence', 'recurrence_until'}
                    | set(SERIES_FIELDS))):
            series = [s for s in schedules
                if s.recurrence != 'none' or s.occurrences]
            if series:
                cls.generate_occurrences(series)

    @classmethod
    def generate_occurrences(cls, series):
        """(Re)create the occurrences of the series: a change of the series
        applies to all its occurrences."""
        to_delete, to_create = [], []
        for schedule in series:
            to_delete.extend(schedule.occurrences)
            duration = schedule.end - schedule.start
            values = {}
            for name in SERIES_FIELDS:
                value = getattr(schedule, name)
                if name == 'invitees':
                    value = [('add', [u.id for u in value])]
                elif isinstance(value, ModelSQL):
                    value = value.id
                values[name] = value
            for start in schedule._occurrence_starts():
                to_create.append({
                        **values,
                        'start': start,
                        'end': start + duration,
                        'recurrence': 'none',
                        'recurrence_parent': schedule.id,
                        })
        if to_delete:
            cls.delete(to_delete)
        if to_create:
            cls.create(to_create)


class ScheduleInvitee(ModelSQL):
    "Schedule invitee"
    __name__ = 'crm.schedule-res.user'
    __string__ = "Schedule Invitee"

    schedule = fields.Many2One(
        'crm.schedule', "Schedule", required=True, ondelete='CASCADE')
    user = fields.Many2One(
        'res.user', "User", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('schedule')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.user, Index.Equality())))
