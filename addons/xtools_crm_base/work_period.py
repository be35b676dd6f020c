"""The periods of the work reports (日报/周报/月报, SPEC B9), as plain
date arithmetic: what a report covers, when it is due, how late it came,
and which periods a submission grid shows.

- a daily report (日报) covers its day and is due that day;
- a weekly report (周报) covers Monday to Sunday and is due on the Friday;
- a monthly report (月报) covers the month and is due on its last day.

Lateness counts report days (working days by default: Monday to Friday,
or the company calendar of a later module) after the due date, at least
one: a Friday's daily report written on Monday is one day late, not
three."""
import calendar
import datetime as dt

TYPES = [
    ('daily', "Daily Report"),
    ('weekly', "Weekly Report"),
    ('monthly', "Monthly Report"),
    ]
TYPE_CODES = [code for code, _ in TYPES]
FRIDAY = 4
# Dates a report may be about: beyond them a date is a typing mistake
# (and near the ends of Python's calendar, an overflow)
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2099, 12, 31)


def is_weekday(day):
    "Monday to Friday: the report days without a company calendar"
    return day.weekday() < 5


def month_end(day):
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def period_of(type_, day):
    "(first day, last day) of the period of type_ that holds day"
    if type_ == 'daily':
        return day, day
    if type_ == 'weekly':
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=6)
    if type_ == 'monthly':
        return day.replace(day=1), month_end(day)
    raise ValueError(type_)


def due_date(type_, start):
    "The day the report of the period starting on start is due"
    if type_ == 'daily':
        return start
    if type_ == 'weekly':
        return start + dt.timedelta(days=FRIDAY)
    if type_ == 'monthly':
        return month_end(start)
    raise ValueError(type_)


def late_days(due, submitted, is_report_day=is_weekday):
    """How many report days late a report submitted on day `submitted` is
    (0: on time); a report submitted after its due date is at least one
    day late, even when only days off came between."""
    if submitted <= due:
        return 0
    days = sum(1 for n in range(1, (submitted - due).days + 1)
        if is_report_day(due + dt.timedelta(days=n)))
    return max(days, 1)


def grid_periods(type_, day):
    """The periods a submission grid shows around day, as (start, end,
    due) by column: the days of day's month (daily), the weeks whose
    Friday falls in day's month (weekly: a week across a month end belongs
    to the month of its due date), the months of day's year (monthly)."""
    if type_ == 'daily':
        first = day.replace(day=1)
        return [(d, d, d) for d in (
                first + dt.timedelta(days=n)
                for n in range(month_end(day).day))]
    if type_ == 'weekly':
        first = day.replace(day=1)
        friday = first + dt.timedelta(days=(FRIDAY - first.weekday()) % 7)
        periods = []
        while friday.month == day.month:
            start = friday - dt.timedelta(days=FRIDAY)
            periods.append((start, start + dt.timedelta(days=6), friday))
            friday += dt.timedelta(days=7)
        return periods
    if type_ == 'monthly':
        periods = []
        for month in range(1, 13):
            start = dt.date(day.year, month, 1)
            periods.append((start, month_end(start), month_end(start)))
        return periods
    raise ValueError(type_)
