"""Daily follow-up reminders (提醒, SPEC B8): tasks due or overdue, the
day's schedules and coming contact anniversaries, to the person concerned,
in the notification bell and by email (and by SMS to those who chose it).

Each reminder sent is logged: the same record is not brought up twice to
the same user for the same day (a task every day while it stays overdue,
an anniversary once a year)."""
import datetime as dt
import json
import logging
from email.message import EmailMessage

from trytond import config
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool, PoolMeta
from trytond.sendmail import send_message_transactional
from trytond.tools import timezone as tz
from trytond.tools.email_ import set_from_header
from trytond.transaction import Transaction, without_check_access

from .access import readable_ids
from .schedule import company_timezone, local_day_start

logger = logging.getLogger(__name__)

SOURCES = [
    ('crm.task', "Task"),
    ('crm.schedule', "Schedule"),
    ('crm.contact.anniversary', "Anniversary"),
    ]


class Reminder(ModelSQL, ModelView):
    "Follow-up reminder"
    __name__ = 'crm.reminder'
    __string__ = "Follow-up Reminder"

    user = fields.Many2One(
        'res.user', "User", required=True, readonly=True,
        ondelete='CASCADE')
    record = fields.Reference(
        "Record", SOURCES, required=True, readonly=True)
    date = fields.Date(
        "Date", required=True, readonly=True,
        help="The day the reminder is about: the day it was sent for "
        "tasks and schedules, the anniversary's day for anniversaries.")
    label = fields.Char("Label", readonly=True)
    emailed = fields.Boolean("Emailed", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('user_record_date_unique', Unique(t, t.user, t.record, t.date),
                'xtools_crm_base.msg_reminder_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.date, Index.Range())))
        cls._order = [('create_date', 'DESC'), ('id', 'DESC')]

    @classmethod
    @without_check_access
    def send_reminders(cls, today=None):
        """Remind everyone of their day; the cron calls this once a day.
        It looks at everybody's records, whoever runs it."""
        pool = Pool()
        Date = pool.get('ir.date')
        if today is None:
            today = Date.today()
        reminders = [r for r in cls._due_reminders(today)
            if r['user'].active]
        reminders = cls._not_sent(reminders)
        by_user = {}
        for reminder in reminders:
            by_user.setdefault(reminder['user'], []).append(reminder)
        logs = []
        for user, user_reminders in by_user.items():
            user_reminders = cls._readable(user, user_reminders)
            if not user_reminders:
                continue
            with Transaction().set_context(
                    language=cls._user_language(user)):
                for reminder in user_reminders:
                    reminder['label'], reminder['description'] = (
                        reminder['text'](today))
                cls._notify(user, user_reminders)
                emailed = cls._email(user, user_reminders, today)
                cls._sms(user, user_reminders)
            logs.extend({
                    'user': user.id,
                    'record': str(r['record']),
                    'date': r['date'],
                    'label': r['label'],
                    'emailed': emailed,
                    } for r in user_reminders)
        cls.create(logs)
        return logs

    @classmethod
    def _due_reminders(cls, today):
        """Yield the reminders due today as dicts: user, record, date (the
        day it is about), link (the record to open) and text (a function
        of today giving the label and description)"""
        yield from cls._task_reminders(today)
        yield from cls._schedule_reminders(today)
        yield from cls._anniversary_reminders(today)

    @classmethod
    def _not_sent(cls, reminders):
        "The reminders not logged yet (nor twice in the list)"
        keys = {(r['user'].id, str(r['record']), r['date'])
            for r in reminders}
        dates = {d for _, _, d in keys}
        sent = set()
        if dates:
            sent = {(r.user.id, str(r.record), r.date)
                for r in cls.search([('date', 'in', list(dates))])}
        result, seen = [], set()
        for reminder in reminders:
            key = (reminder['user'].id, str(reminder['record']),
                reminder['date'])
            if key not in sent and key not in seen:
                seen.add(key)
                result.append(reminder)
        return result

    @classmethod
    def _readable(cls, user, reminders):
        "A reminder tells nothing of records the user may not read"
        by_model = {}
        for reminder in reminders:
            link = reminder['link']
            by_model.setdefault(link.__name__, set()).add(link.id)
        readable = {(model, id_) for model, ids in by_model.items()
            for id_ in readable_ids(user.id, model, ids)}
        return [r for r in reminders
            if (r['link'].__name__, r['link'].id) in readable]

    @classmethod
    def _task_reminders(cls, today):
        pool = Pool()
        Task = pool.get('crm.task')
        Lang = pool.get('ir.lang')
        for task in Task.search([
                    ('state', '=', 'open'),
                    ('due_date', '<=', today),
                    ]):
            def text(today, task=task):
                lang = Lang.get()
                if task.due_date < today:
                    label = gettext(
                        'xtools_crm_base.msg_reminder_task_overdue',
                        subject=task.subject,
                        due_date=lang.strftime(task.due_date))
                else:
                    label = gettext(
                        'xtools_crm_base.msg_reminder_task_due',
                        subject=task.subject)
                return label, task.customer.rec_name if task.customer else ''
            yield {
                'user': task.assignee,
                'record': task,
                'date': today,
                'link': task,
                'text': text,
                }

    @classmethod
    def _schedule_reminders(cls, today):
        Schedule = Pool().get('crm.schedule')
        zone = company_timezone()
        zone = tz.ZoneInfo(zone) if zone else tz.SERVER
        for schedule in Schedule.search([
                    ('start', '<', local_day_start(
                            today + dt.timedelta(days=1))),
                    ('end', '>=', local_day_start(today)),
                    ]):
            def text(today, schedule=schedule):
                if schedule.all_day:
                    time = gettext('xtools_crm_base.msg_reminder_all_day')
                else:
                    time = schedule.start.replace(tzinfo=tz.UTC).astimezone(
                        zone).strftime('%H:%M')
                label = gettext(
                    'xtools_crm_base.msg_reminder_schedule',
                    subject=schedule.subject, time=time)
                return label, ' '.join(filter(None, [
                            schedule.customer.rec_name
                            if schedule.customer else '',
                            schedule.location]))
            for user in {schedule.organiser, *schedule.invitees}:
                yield {
                    'user': user,
                    'record': schedule,
                    'date': today,
                    'link': schedule,
                    'text': text,
                    }

    @classmethod
    def _anniversary_reminders(cls, today):
        "Anniversaries (纪念日) coming within their reminder days, to the owner"
        pool = Pool()
        Anniversary = pool.get('crm.contact.anniversary')
        Lang = pool.get('ir.lang')
        for anniversary in Anniversary.search([
                    ('contact.active', '=', True),
                    ('contact.customer.crm_owner', '!=', None),
                    ]):
            day = next_anniversary(anniversary.date, today)
            if (day - today).days > (anniversary.remind_days_before or 0):
                continue

            def text(today, anniversary=anniversary, day=day):
                contact = anniversary.contact
                label = gettext(
                    'xtools_crm_base.msg_reminder_anniversary',
                    contact=contact.name, occasion=anniversary.name,
                    date=Lang.get().strftime(day))
                return label, contact.customer.rec_name
            yield {
                'user': anniversary.contact.customer.crm_owner,
                'record': anniversary,
                'date': day,
                'link': anniversary.contact,
                'text': text,
                }

    @classmethod
    def _user_language(cls, user):
        Config = Pool().get('ir.configuration')
        return user.language.code if user.language else Config.get_language()

    @classmethod
    def _notify(cls, user, reminders):
        "In the notification bell (通知), each opening its record"
        Notification = Pool().get('res.notification')
        Notification.create([{
                    'user': user.id,
                    'label': r['label'],
                    'description': r['description'],
                    'icon': 'tryton-notification',
                    'model': r['link'].__name__,
                    'records': json.dumps([r['link'].id]),
                    } for r in reminders])

    @classmethod
    def _email(cls, user, reminders, today):
        """One email with all the user's reminders, sent when the
        transaction commits. Returns whether one was sent."""
        if not user.email:
            logger.info("no email address for %s: reminded in-app only",
                user.login)
            return False
        Lang = Pool().get('ir.lang')
        from_ = config.get('email', 'from')
        msg = EmailMessage()
        set_from_header(msg, from_, from_)
        msg['To'] = user.email
        msg['Subject'] = gettext(
            'xtools_crm_base.msg_reminder_email_subject',
            date=Lang.get().strftime(today))
        lines = [gettext(
                'xtools_crm_base.msg_reminder_email_greeting',
                user=user.rec_name), '']
        for reminder in reminders:
            line = f"- {reminder['label']}"
            if reminder['description']:
                line += f" ({reminder['description']})"
            lines.append(line)
        msg.set_content('\n'.join(lines))
        send_message_transactional(msg)
        return True

    @classmethod
    def _sms(cls, user, reminders):
        "By SMS too, when the user chose it (sms.py)"
        SMS = Pool().get('crm.sms.gateway')
        return SMS.remind(user, [r['label'] for r in reminders])


def next_anniversary(date, today):
    "The next day, today included, with the month and day of date"
    for year in (today.year, today.year + 1):
        try:
            day = date.replace(year=year)
        except ValueError:
            # 29 February in a common year: remembered on the 28th
            day = dt.date(year, 2, 28)
        if day >= today:
            return day


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('crm.reminder|send_reminders', "Send Follow-up Reminders"))
