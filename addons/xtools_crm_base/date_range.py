"""One check for the records that run from a start to an end — a schedule,
a campaign, a training course: the end may not come before the start.
Either may be empty (a campaign without an end date yet).

A model lists its two fields in ``_date_range`` and takes the check
through ``validate_fields``, so every path (form, RPC, import) meets the
same translated message."""
import datetime as dt
from zoneinfo import ZoneInfo

from trytond.i18n import gettext
from trytond.tools import timezone as tz

from .exceptions import DateRangeError


def format_moment(value):
    """A date as ISO; a (naive UTC) datetime in the company's timezone, to
    the minute"""
    if not isinstance(value, dt.datetime):
        return value.isoformat()
    from .schedule import company_timezone
    name = company_timezone()
    zone = ZoneInfo(name) if name else tz.SERVER
    local = value.replace(tzinfo=tz.UTC).astimezone(zone)
    return local.strftime('%Y-%m-%d %H:%M')


class DateRangeMixin:
    "Refuses a record whose end comes before its start"
    __slots__ = ()
    # The names of the start and the end fields
    _date_range = ('start_date', 'end_date')

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        cls.check_date_range(records, field_names)

    @classmethod
    def check_date_range(cls, records, field_names=None):
        start_name, end_name = cls._date_range
        if field_names and not field_names & {start_name, end_name}:
            return
        for record in records:
            start = getattr(record, start_name)
            end = getattr(record, end_name)
            if start is not None and end is not None and end < start:
                raise DateRangeError(gettext(
                        'xtools_crm_base.msg_end_before_start',
                        model=cls.__names__()['model'],
                        record=record.rec_name,
                        start=format_moment(start),
                        end=format_moment(end)))
