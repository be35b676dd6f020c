"""Work logs (工作日志, SPEC M3): what one did, when, and how long.

Tryton's timesheet module (8.0) was evaluated and not used: a timesheet
line needs a company employee for its user and a timesheet work (a
project or task to book time on), and its rules give access by employee,
not by the CRM's department hierarchy. A CRM work log is a dated diary
line of a user, read by the user's leaders; requiring every CRM user to be
an employee with works to book on would make the diary a time-billing
tool. The period reports (日报/周报/月报) stay in xtools_crm_base; a log
line is the raw note one writes during the day.

Rules (work_log.xml): the author reads and changes their own lines; their
leaders (crm_owners) and the bosses read them."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

from xtools_crm_base.access import ButtonAccessMixin, context_company

from .exceptions import WorkLogError

MAX_DURATION = dt.timedelta(hours=24)


class WorkLog(ButtonAccessMixin, ModelSQL, ModelView):
    "Work log (工作日志)"
    __name__ = 'crm.office.work.log'
    __string__ = "Work Log"

    company = fields.Many2One('company.company', "Company", required=True)
    author = fields.Many2One(
        'res.user', "Author", required=True, readonly=True,
        ondelete='RESTRICT')
    date = fields.Date("Date", required=True)
    duration = fields.TimeDelta(
        "Duration", domain=['OR',
            ('duration', '=', None),
            ('duration', '>=', dt.timedelta(0)),
            ])
    content = fields.Text("Work Done", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t,
                (t.author, Index.Equality()),
                (t.date, Index.Range(order='DESC'))))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_company(cls):
        return context_company()

    @classmethod
    def default_author(cls):
        return Transaction().user or None

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    def get_rec_name(self, name):
        return f'{self.date} {self.author.rec_name}'

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            user = Transaction().user
            if user or not values.get('author'):
                values['author'] = user
            if user or not values.get('company'):
                values['company'] = context_company()
        return values

    @classmethod
    def check_modification(cls, mode, logs, values=None, external=False):
        super().check_modification(
            mode, logs, values=values, external=external)
        if mode == 'write' and external and 'author' in values:
            raise WorkLogError(gettext(
                    'xtools_crm_office.msg_work_log_author_fixed'))

    @classmethod
    def validate_fields(cls, logs, field_names):
        super().validate_fields(logs, field_names)
        if field_names and 'duration' not in field_names:
            return
        for log in logs:
            if log.duration and log.duration > MAX_DURATION:
                raise WorkLogError(gettext(
                        'xtools_crm_office.msg_work_log_duration',
                        log=log.id))
