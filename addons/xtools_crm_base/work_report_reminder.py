"""Reminders of the work reports due (SPEC B9): on the day a report is due
— every report day for the daily report, Friday for the weekly one, the
last day of the month for the monthly one — whoever has not submitted it
is reminded from the hour set in the CRM settings (company's time) on, in
the notification bell and by SMS when they chose it (sms.py). Each
reminder is sent once: the cron runs every hour and logs what it sent."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import ModelSQL, Unique, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access

from .access import context_company
from .bell import notify, user_language
from .work_period import FRIDAY, TYPES, month_end
from .work_report import company_zone

DEFAULT_REMIND_TIME = dt.time(16, 0)
MESSAGES = {
    'daily': 'xtools_crm_base.msg_work_report_due_daily',
    'weekly': 'xtools_crm_base.msg_work_report_due_weekly',
    'monthly': 'xtools_crm_base.msg_work_report_due_monthly',
    }


class Configuration(metaclass=PoolMeta):
    __name__ = 'crm.configuration'

    work_report_remind_time = fields.Time(
        "Remind of Reports At",
        help="On the day a work report is due, who has not submitted it "
        "is reminded from this time on (company's time).")

    @classmethod
    def default_work_report_remind_time(cls):
        return DEFAULT_REMIND_TIME


class WorkReportReminder(ModelSQL):
    "Work report reminder sent"
    __name__ = 'crm.work.report.reminder'
    __string__ = "Work Report Reminder"

    user = fields.Many2One(
        'res.user', "User", required=True, ondelete='CASCADE')
    type = fields.Selection(TYPES, "Type", required=True)
    period_start = fields.Date("From", required=True)
    date = fields.DateTime("Sent", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('user_period_unique',
                Unique(t, t.user, t.type, t.period_start),
                'xtools_crm_base.msg_work_report_reminder_unique'),
            ]

    @classmethod
    @without_check_access
    def send_reminders(cls, now=None):
        """Remind the authors of the reports due today and not submitted,
        in the company of the context, or in each company when the cron
        runs for none. Returns the reminders sent as (user id, type,
        period start)."""
        Company = Pool().get('company.company')
        if now is None:
            now = dt.datetime.now()
        company_id = context_company()
        companies = ([Company(company_id)] if company_id is not None
            else Company.search([]))
        sent = []
        for company in companies:
            with Transaction().set_context(company=company.id):
                sent.extend(cls._send_company_reminders(company, now))
        return sent

    @classmethod
    def _send_company_reminders(cls, company, now):
        pool = Pool()
        Configuration = pool.get('crm.configuration')
        Report = pool.get('crm.work.report')
        SMS = pool.get('crm.sms.gateway')
        ModelData = pool.get('ir.model.data')
        Lang = pool.get('ir.lang')
        local = now.replace(tzinfo=dt.timezone.utc).astimezone(
            company_zone(company)).replace(tzinfo=None)
        remind_time = (Configuration(1).work_report_remind_time
            or DEFAULT_REMIND_TIME)
        if local.time() < remind_time:
            return []
        due = cls._due_today(company, local.date())
        if not due:
            return []
        authors = Report.expected_authors(company)
        author_ids = [a.id for a in authors]
        starts = sorted({s for _, s in due})
        done = {(r.user.id, r.type, r.period_start) for r in cls.search([
                    ('user', 'in', author_ids),
                    ('period_start', 'in', starts),
                    ])}
        done |= {(r.author.id, r.type, r.period_start)
            for r in Report.search([
                    ('author', 'in', author_ids),
                    ('state', '=', 'submitted'),
                    ('period_start', 'in', starts),
                    ])}
        action = ModelData.get_id('xtools_crm_base', 'act_work_report_form')
        logs = []
        for author in authors:
            for type_, start in due:
                if (author.id, type_, start) in done:
                    continue
                with Transaction().set_context(
                        language=user_language(author)):
                    variables = {'date': Lang.get().strftime(start)}
                    text = gettext(MESSAGES[type_], **variables)
                notify([author], MESSAGES[type_], variables, action=action)
                SMS.remind(author, [text])
                logs.append({
                        'user': author.id, 'type': type_,
                        'period_start': start,
                        'date': now.replace(microsecond=0),
                        })
        cls.create(logs)
        return [(log['user'], log['type'], log['period_start'])
            for log in logs]

    @classmethod
    def _due_today(cls, company, today):
        "(type, period start) of the reports due today"
        Report = Pool().get('crm.work.report')
        due = []
        if Report.report_day_test(company, today, today)(today):
            due.append(('daily', today))
        if today.weekday() == FRIDAY:
            due.append(('weekly', today - dt.timedelta(days=FRIDAY)))
        if today == month_end(today):
            due.append(('monthly', today.replace(day=1)))
        return due


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('crm.work.report.reminder|send_reminders',
                "Remind of Work Reports Due"))
