"""Service records (客服记录, SPEC V1): a call, a visit, a training given
to a customer, typed and routed by the data dictionary."""
import datetime

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from xtools_crm_base.customer_related import CustomerRelatedMixin
from xtools_crm_base.dictionary import dictionary_field

from .exceptions import NegativeTimeSpentError

STATES = [
    ('draft', "Draft"),
    ('in_progress', "In Progress"),
    ('done', "Done"),
    ]


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
    service_type = dictionary_field(
        'service_type', "Service Type", required=True, states=_states)
    service_way = dictionary_field(
        'service_way', "Service Way", required=True, states=_states,
        help="How the service was given.")
    start_time = fields.DateTime("Start Time", required=True, states=_states)
    assignee = fields.Many2One(
        'res.user', "Assignee", required=True, ondelete='RESTRICT',
        states=_states, help="The user who carries out the service.")
    minutes_spent = fields.Integer(
        "Minutes Spent", states=_states,
        help="The time spent on the service, in minutes.")
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
        return dictionary_id('xtools_crm_base', 'dict_service_type_consulting')

    @classmethod
    def default_service_way(cls):
        return dictionary_id('xtools_crm_service', 'dict_service_way_phone')

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
        cls.check_minutes_spent(records, field_names)

    @classmethod
    def check_minutes_spent(cls, records, field_names=None):
        if field_names and 'minutes_spent' not in field_names:
            return
        for record in records:
            if record.minutes_spent is not None and record.minutes_spent < 0:
                raise NegativeTimeSpentError(gettext(
                        'xtools_crm_service.msg_time_spent_negative',
                        record=record.rec_name,
                        minutes=record.minutes_spent))

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


def dictionary_id(module, fs_id):
    "The id of a data dictionary entry of the XML data"
    ModelData = Pool().get('ir.model.data')
    try:
        return ModelData.get_id(module, fs_id)
    except KeyError:
        # While the module is being activated
        return None
