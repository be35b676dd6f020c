"""The company's working calendar (工作日历): working weekdays (a CRM
setting), public holidays and the weekend days worked in exchange (调休),
and the business-day arithmetic of the service desks: complaints answered
within one business day (V2), repairs promised in N business days (V4)."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.tools import timezone as tz
from trytond.transaction import Transaction

from .exceptions import HolidayError

KINDS = [
    ('holiday', "Day Off"),
    ('workday', "Working Day"),
    ]
# Python's weekday numbers, Monday first
WEEKDAYS = [
    ('0', "Monday"),
    ('1', "Tuesday"),
    ('2', "Wednesday"),
    ('3', "Thursday"),
    ('4', "Friday"),
    ('5', "Saturday"),
    ('6', "Sunday"),
    ]
DEFAULT_WORKING_WEEKDAYS = ('0', '1', '2', '3', '4')
# How far ahead a deadline may look for a working day: beyond, the
# calendar has no working day at all.
HORIZON_DAYS = 370


class Holiday(ModelSQL, ModelView):
    """A day of the company's calendar that is not what its weekday says: a
    public holiday (休息日) or a weekend day worked instead (调休上班)"""
    __name__ = 'crm.holiday'
    __string__ = "Company Holiday"

    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='CASCADE')
    date = fields.Date("Date", required=True)
    name = fields.Char("Name", required=True, help="元旦, 春节, 国庆 …")
    kind = fields.Selection(
        KINDS, "Kind", required=True,
        help="Day off: no work that day, whatever its weekday.\n"
        "Working day: a weekend day worked in exchange for a holiday.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('company_date_unique', Unique(t, t.company, t.date),
                'xtools_crm_service.msg_holiday_unique'),
            ]
        cls._sql_indexes.add(
            Index(t, (t.company, Index.Equality()), (t.date, Index.Range())))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_kind(cls):
        return 'holiday'

    @classmethod
    def validate_fields(cls, holidays, field_names):
        super().validate_fields(holidays, field_names)
        if field_names and not field_names & {'date', 'kind'}:
            return
        working = set(working_weekdays())
        for holiday in holidays:
            if (holiday.kind == 'workday'
                    and str(holiday.date.weekday()) in working):
                lang = Pool().get('ir.lang').get()
                raise HolidayError(gettext(
                        'xtools_crm_service.msg_holiday_workday_weekday',
                        date=lang.strftime(holiday.date),
                        name=holiday.name))


def working_weekdays():
    "The weekdays ('0' Monday … '6' Sunday) the company works"
    Configuration = Pool().get('crm.configuration')
    with Transaction().set_context(_check_access=False):
        weekdays = Configuration(1).service_working_weekdays
    if weekdays is None:
        return DEFAULT_WORKING_WEEKDAYS
    return tuple(weekdays)


class BusinessCalendar:
    """Which days are worked: the working weekdays, except the days off,
    plus the weekend days worked in exchange."""

    def __init__(self, weekdays, days_off=(), workdays=()):
        self.weekdays = {int(d) for d in weekdays}
        self.days_off = set(days_off)
        self.workdays = set(workdays)

    def is_business_day(self, day):
        if day in self.days_off:
            return False
        return day in self.workdays or day.weekday() in self.weekdays

    def next_business_day(self, day):
        "The first working day after day"
        for n in range(1, HORIZON_DAYS + 1):
            candidate = day + dt.timedelta(days=n)
            if self.is_business_day(candidate):
                return candidate
        raise ValueError("no working day in the calendar")

    def add_business_days(self, day, days):
        """The day `days` working days after day; from a day off, counting
        starts at the next working day"""
        if not self.is_business_day(day):
            day = self.next_business_day(day)
            days -= 1
        for _ in range(days):
            day = self.next_business_day(day)
        return day

    def deadline(self, start, days=1):
        """When `days` business days have passed since start (a local naive
        datetime), counting only working days: received on Friday at 15:00,
        one business day is up on Monday at 15:00 (Tuesday if Monday is a
        holiday). Received on a day off, the clock starts with the next
        working day: the deadline is the end of that day, and so on."""
        day, time = start.date(), start.time()
        if not self.is_business_day(day):
            day, time = self.next_business_day(day), dt.time.min
        for _ in range(days):
            day = self.next_business_day(day)
        return dt.datetime.combine(day, time)


def company_calendar(company_id, start, end=None):
    """The BusinessCalendar of the company from day start to day end
    (by default far enough for any deadline of the desks)"""
    Holiday = Pool().get('crm.holiday')
    if end is None:
        end = start + dt.timedelta(days=HORIZON_DAYS)
    with Transaction().set_context(_check_access=False):
        holidays = Holiday.search([
                ('company', '=', company_id),
                ('date', '>=', start),
                ('date', '<=', end),
                ]) if company_id is not None else []
    return BusinessCalendar(
        working_weekdays(),
        days_off=[h.date for h in holidays if h.kind == 'holiday'],
        workdays=[h.date for h in holidays if h.kind == 'workday'])


def company_zone(company_id):
    "The company's timezone (the server's when it has none)"
    Company = Pool().get('company.company')
    name = None
    if company_id is not None and company_id >= 0:
        with Transaction().set_context(_check_access=False):
            name = Company(company_id).timezone
    return tz.ZoneInfo(name) if name else tz.SERVER


def to_local(value, zone):
    "A naive UTC datetime (as Tryton stores them) in zone, naive"
    return value.replace(tzinfo=tz.UTC).astimezone(zone).replace(tzinfo=None)


def to_utc(value, zone):
    "A naive local datetime of zone as naive UTC"
    return value.replace(tzinfo=zone).astimezone(tz.UTC).replace(tzinfo=None)


def business_deadline(start, days, company_id):
    """The naive UTC datetime when `days` business days of the company have
    passed since start (naive UTC)"""
    zone = company_zone(company_id)
    local = to_local(start, zone)
    calendar = company_calendar(company_id, local.date())
    return to_utc(calendar.deadline(local, days), zone)


def business_date(start, days, company_id):
    "The day `days` business days of the company after day start"
    calendar = company_calendar(company_id, start)
    return calendar.add_business_days(start, days)
