"""Complaints (投诉, SPEC V2): what a customer complained about, how it was
handled and answered.

A complaint is answered within one business day (处理和反馈客户的时间不得
长于一个工作日, a CRM setting): its deadline follows the company's working
calendar. A complaint still unanswered at its deadline is overdue; a cron
flags it and tells the service managers, in the notification bell and by
email, once."""
import datetime as dt
import json
import logging
from email.message import EmailMessage

from trytond import config
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.sendmail import send_message_transactional
from trytond.tools.email_ import set_from_header
from trytond.transaction import Transaction, without_check_access

from xtools_crm_base.access import readable_ids
from xtools_crm_base.boolean_search import boolean_domain
from xtools_crm_base.dictionary import dictionary_field

from .calendar import business_deadline, company_zone, to_local
from .configuration import service_configuration
from .desk import DeskRecordMixin
from .exceptions import ComplaintError, ComplaintHandlerError
from .service import dictionary_id

logger = logging.getLogger(__name__)

STATES = [
    ('open', "Open"),
    ('answered', "Answered"),
    ('closed', "Closed"),
    ]


class Complaint(DeskRecordMixin, Workflow, ModelSQL, ModelView):
    "Complaint (投诉)"
    __name__ = 'crm.complaint'
    __string__ = "Complaint"
    _rec_name = 'subject'
    _crm_desk_fields = ('handler',)

    _open = {'readonly': Eval('state') != 'open'}

    customer = fields.Many2One(
        'party.party', "Customer", required=True, ondelete='CASCADE',
        domain=[('crm_customer_type', '!=', None)], states=_open)
    contact = fields.Many2One(
        'crm.contact', "Complainant", ondelete='SET NULL',
        domain=[('customer', '=', Eval('customer', -1))], states=_open,
        help="The contact person who complained.")
    subject = fields.Char("Subject", required=True, states=_open)
    complaint_type = dictionary_field(
        'complaint_type', "Complaint Type", required=True, states=_open)
    way = dictionary_field(
        'service_way', "Way", required=True, states=_open,
        help="How the complaint came in.")
    complaint_time = fields.DateTime(
        "Complaint Time", required=True, states=_open,
        help="When the customer complained: the response time counts "
        "from it.")
    content = fields.Text("Content", required=True, states=_open)
    handler = fields.Many2One(
        'res.user', "Handler", required=True, ondelete='RESTRICT',
        states={'readonly': Eval('state') == 'closed'},
        help="Who handles the complaint and answers the customer.")
    result = fields.Text(
        "Result",
        states={
            'readonly': Eval('state') == 'closed',
            'required': Eval('state') != 'open',
            },
        help="How the complaint was handled and what the customer was "
        "told.")
    deadline = fields.DateTime(
        "Answer By", readonly=True,
        help="The complaint is to be answered by then: one business day "
        "(CRM setting) after the complaint time, counted in the company's "
        "working days.")
    answer_time = fields.DateTime("Answered On", readonly=True)
    escalated = fields.DateTime(
        "Escalated On", readonly=True,
        help="When the service managers were told that the complaint was "
        "overdue.")
    overdue = fields.Function(
        fields.Boolean(
            "Overdue", help="Still unanswered after its deadline."),
        'get_overdue', searcher='search_overdue')
    state = fields.Selection(
        STATES, "State", required=True, readonly=True, sort=False)

    del _open

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.customer, Index.Equality())),
                Index(t, (t.handler, Index.Equality())),
                Index(t, (t.complaint_time, Index.Range(order='DESC'))),
                Index(
                    t, (t.deadline, Index.Range()),
                    where=t.state == 'open'),
                })
        cls._order = [('complaint_time', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('open', 'answered'),
            ('answered', 'closed'),
            ('answered', 'open'),
            ('closed', 'open'),
            }
        cls._buttons.update({
                'answer': {
                    'invisible': Eval('state') != 'open',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'answered',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'reopen': {
                    'invisible': Eval('state') == 'open',
                    'icon': 'tryton-undo',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_complaint_time(cls):
        return dt.datetime.now().replace(microsecond=0)

    @classmethod
    def default_handler(cls):
        return Transaction().user or None

    @classmethod
    def default_complaint_type(cls):
        return dictionary_id(
            'xtools_crm_base', 'dict_complaint_type_quality')

    @classmethod
    def default_way(cls):
        return dictionary_id('xtools_crm_service', 'dict_service_way_phone')

    @classmethod
    def default_state(cls):
        return 'open'

    @fields.depends('customer', 'contact')
    def on_change_customer(self):
        if self.contact and self.contact.customer != self.customer:
            self.contact = None

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('overdue', False), 'danger',
                    If(Eval('state') == 'closed', 'muted', ''))),
            ]

    @classmethod
    def get_overdue(cls, complaints, name):
        now = dt.datetime.now()
        return {c.id: bool(
                c.state == 'open' and c.deadline and c.deadline < now)
            for c in complaints}

    @classmethod
    def search_overdue(cls, name, clause):
        now = dt.datetime.now()
        return boolean_domain(clause,
            [('state', '=', 'open'), ('deadline', '<', now)],
            ['OR',
                ('state', '!=', 'open'),
                ('deadline', '=', None),
                ('deadline', '>=', now)])

    def compute_fields(self, field_names=None):
        values = super().compute_fields(field_names=field_names)
        if field_names is None or 'complaint_time' in field_names:
            complaint_time = getattr(self, 'complaint_time', None)
            if complaint_time:
                deadline = self.compute_deadline(complaint_time)
                if getattr(self, 'deadline', None) != deadline:
                    values['deadline'] = deadline
        return values

    @staticmethod
    def compute_deadline(complaint_time, company_id=None):
        "When a complaint made at complaint_time is to be answered"
        if company_id is None:
            company_id = Transaction().context.get('company')
        days = service_configuration().service_setting(
            'complaint_response_days')
        return business_deadline(complaint_time, days, company_id)

    @classmethod
    def validate_fields(cls, complaints, field_names):
        super().validate_fields(complaints, field_names)
        cls.check_handler(complaints, field_names)

    @classmethod
    def check_handler(cls, complaints, field_names=None):
        """The handler reads the customer: else the complaint given to them
        would be out of their sight"""
        if field_names and not field_names & {'handler', 'customer'}:
            return
        by_handler = {}
        for complaint in complaints:
            if complaint.state != 'closed':
                by_handler.setdefault(complaint.handler, []).append(complaint)
        for handler, handled in by_handler.items():
            customers = {c.customer.id for c in handled}
            hidden = customers - readable_ids(
                handler.id, 'party.party', customers)
            if hidden:
                complaint = next(
                    c for c in handled if c.customer.id in hidden)
                raise ComplaintHandlerError(gettext(
                        'xtools_crm_service.msg_complaint_handler_cannot_see',
                        complaint=complaint.rec_name,
                        user=handler.rec_name))

    @classmethod
    def copy(cls, complaints, default=None):
        default = default.copy() if default is not None else {}
        for name in ['answer_time', 'escalated', 'result']:
            default.setdefault(name, None)
        return super().copy(complaints, default=default)

    @classmethod
    @ModelView.button
    @Workflow.transition('answered')
    def answer(cls, complaints):
        for complaint in complaints:
            if not (complaint.result or '').strip():
                raise ComplaintError(gettext(
                        'xtools_crm_service.msg_complaint_answer_result',
                        complaint=complaint.rec_name))
        cls.write(complaints, {
                'answer_time': dt.datetime.now().replace(microsecond=0),
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, complaints):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    def reopen(cls, complaints):
        cls.write(complaints, {'answer_time': None})

    @classmethod
    @without_check_access
    def escalate_overdue(cls, now=None):
        """Flag the complaints unanswered after their deadline and tell the
        service managers, once per complaint (the cron calls this)"""
        if now is None:
            now = dt.datetime.now()
        complaints = cls.search([
                ('state', '=', 'open'),
                ('deadline', '<', now),
                ('escalated', '=', None),
                ], order=[('deadline', 'ASC'), ('id', 'ASC')])
        if not complaints:
            return []
        for manager in service_managers():
            readable = readable_ids(
                manager.id, cls.__name__, [c.id for c in complaints])
            told = [c for c in complaints if c.id in readable]
            if told:
                with Transaction().set_context(
                        language=_user_language(manager)):
                    cls._notify_overdue(manager, told)
                    cls._email_overdue(manager, told)
        cls.write(complaints, {'escalated': now.replace(microsecond=0)})
        return complaints

    @classmethod
    def _notify_overdue(cls, user, complaints):
        "In the notification bell (通知), each opening its complaint"
        Notification = Pool().get('res.notification')
        Notification.create([{
                    'user': user.id,
                    'label': gettext(
                        'xtools_crm_service.msg_complaint_overdue',
                        subject=c.subject),
                    'description': c.customer.rec_name,
                    'icon': 'tryton-notification',
                    'model': cls.__name__,
                    'records': json.dumps([c.id]),
                    } for c in complaints])

    @classmethod
    def _email_overdue(cls, user, complaints):
        "One email listing the overdue complaints, sent at commit"
        if not user.email:
            logger.info("no email address for %s: told in-app only",
                user.login)
            return False
        Lang = Pool().get('ir.lang')
        lang = Lang.get()
        zone = company_zone(Transaction().context.get('company'))
        from_ = config.get('email', 'from')
        msg = EmailMessage()
        set_from_header(msg, from_, from_)
        msg['To'] = user.email
        msg['Subject'] = gettext(
            'xtools_crm_service.msg_complaint_overdue_email_subject',
            count=len(complaints))
        lines = [gettext(
                'xtools_crm_service.msg_complaint_overdue_email_greeting',
                user=user.rec_name), '']
        for complaint in complaints:
            deadline = to_local(complaint.deadline, zone)
            lines.append(gettext(
                    'xtools_crm_service.msg_complaint_overdue_email_line',
                    subject=complaint.subject,
                    customer=complaint.customer.rec_name,
                    handler=complaint.handler.rec_name,
                    deadline=lang.strftime(deadline, '%Y-%m-%d %H:%M')))
        msg.set_content('\n'.join(lines))
        send_message_transactional(msg)
        return True


def service_managers():
    """The users told of overdue complaints: the managers (主管) with the
    service role; the bosses when there is none"""
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    service = ModelData.get_id('xtools_crm_base', 'group_role_service')
    with Transaction().set_context(_check_access=False):
        managers = User.search([
                ('groups', '=', service),
                ('crm_level', '=', 'manager'),
                ])
        if not managers:
            managers = User.search([('crm_level', '=', 'boss')])
    return managers


def _user_language(user):
    Config = Pool().get('ir.configuration')
    return user.language.code if user.language else Config.get_language()


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('crm.complaint|escalate_overdue',
                "Escalate Overdue Complaints"))
