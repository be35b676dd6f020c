import datetime

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import ValidationError
from trytond.pyson import Eval
from trytond.transaction import Transaction

from xtools_crm_base.customer_related import CustomerRelatedMixin

SERVICE_TYPES = [
    ('consultation', "Consultation"),
    ('complaint', "Complaint"),
    ('after_sales', "After-sales"),
    ('training', "Training"),
    ('other', "Other"),
    ]
SERVICE_WAYS = [
    ('phone', "Phone"),
    ('visit', "On-site Visit"),
    ('remote', "Remote"),
    ('email', "Email"),
    ('wechat', "WeChat"),
    ]
STATES = [
    ('draft', "Draft"),
    ('in_progress', "In Progress"),
    ('done', "Done"),
    ]


class NegativeTimeSpentError(ValidationError):
    pass


class ServiceRecord(CustomerRelatedMixin, Workflow, ModelSQL, ModelView):
    "A service given to a customer (客服记录): a call, a visit, a training"
    __name__ = 'crm.service.record'
    __string__ = "Service Record"
    _rec_name = 'subject'

    _states = {
        'readonly': Eval('state') == 'done',
        }

    customer = fields.Many2One(
        'party.party', "Customer", required=True, ondelete='CASCADE',
        domain=[('crm_customer_type', '!=', None)], states=_states)
    contact = fields.Many2One(
        'crm.contact', "Contact", ondelete='SET NULL',
        domain=[('customer', '=', Eval('customer', -1))],
        states=_states)
    subject = fields.Char("Subject", required=True, states=_states)
    service_type = fields.Selection(
        SERVICE_TYPES, "Service Type", required=True, states=_states)
    service_way = fields.Selection(
        SERVICE_WAYS, "Service Way", required=True, states=_states,
        help="How the service was given.")
    start_time = fields.DateTime("Start Time", required=True, states=_states)
    assignee = fields.Many2One(
        'res.user', "Assignee", required=True, ondelete='RESTRICT',
        states=_states, help="The user who carries out the service.")
    time_spent = fields.Numeric(
        "Time Spent", digits=(16, 2), states=_states,
        help="Hours spent on the service.")
    description = fields.Text("Description", states=_states)
    state = fields.Selection(
        STATES, "State", readonly=True, required=True, sort=False)

    @classmethod
    def __setup__(cls):
        # CustomerRelatedMixin: a service record is visible and editable
        # exactly when its customer is.
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.customer, Index.Equality())),
                Index(t, (t.assignee, Index.Equality())),
                Index(t, (t.start_time, Index.Range(order='DESC'))),
                Index(
                    t, (t.state, Index.Equality(cardinality='low')),
                    where=t.state.in_(['draft', 'in_progress'])),
                })
        cls._order.insert(0, ('start_time', 'DESC'))
        cls._transitions |= {
            ('draft', 'in_progress'),
            ('in_progress', 'draft'),
            ('in_progress', 'done'),
            }
        cls._buttons.update({
                'draft': {
                    'invisible': Eval('state') != 'in_progress',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'start': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'done': {
                    'invisible': Eval('state') != 'in_progress',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_start_time(cls):
        return datetime.datetime.now()

    @classmethod
    def default_assignee(cls):
        return Transaction().user or None

    @classmethod
    def default_service_type(cls):
        return 'consultation'

    @classmethod
    def default_service_way(cls):
        return 'phone'

    @classmethod
    def default_state(cls):
        return 'draft'

    @fields.depends('customer', 'contact')
    def on_change_customer(self):
        if self.contact and self.contact.customer != self.customer:
            self.contact = None

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        cls.check_time_spent(records, field_names)

    @classmethod
    def check_time_spent(cls, records, field_names=None):
        if field_names and 'time_spent' not in field_names:
            return
        for record in records:
            if record.time_spent is not None and record.time_spent < 0:
                raise NegativeTimeSpentError(gettext(
                        'xtools_crm_service.msg_time_spent_negative',
                        record=record.rec_name,
                        time_spent=record.time_spent))

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, records):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('in_progress')
    def start(cls, records):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def done(cls, records):
        pass
