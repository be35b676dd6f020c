"""Service settings (客服设置) on the CRM configuration: the working week,
the response time of complaints, the promised time of repairs and the
numbering of repair tickets."""
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .calendar import DEFAULT_WORKING_WEEKDAYS, WEEKDAYS
from .exceptions import ServiceSettingError

DEFAULTS = {
    'complaint_response_days': 1,
    'repair_promise_days': 3,
    }


class Configuration(metaclass=PoolMeta):
    __name__ = 'crm.configuration'

    service_working_weekdays = fields.MultiSelection(
        WEEKDAYS, "Working Weekdays", sort=False,
        help="The days of the week the company works. Public holidays and "
        "the weekend days worked instead (调休) are set in the holiday "
        "calendar.")
    complaint_response_days = fields.Integer(
        "Complaint Response (Business Days)",
        help="A complaint not answered within this many business days is "
        "overdue and escalated to the service managers "
        "(处理和反馈客户的时间不得长于一个工作日).")
    repair_promise_days = fields.Integer(
        "Repair Promise (Business Days)",
        help="The delivery date promised by default to a repair ticket, "
        "counted from its intake.")
    repair_ticket_sequence = fields.Many2One(
        'ir.sequence', "Repair Ticket Sequence",
        domain=[
            ('sequence_type', '=', Eval('repair_ticket_sequence_type', -1)),
            ])
    repair_ticket_sequence_type = fields.Function(
        fields.Many2One('ir.sequence.type', "Repair Ticket Sequence Type"),
        'get_repair_ticket_sequence_type')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        for name in DEFAULTS:
            # Empty on a configuration saved before the module: the default
            getattr(cls, name).domain = [
                'OR', (name, '=', None), (name, '>', 0)]

    @classmethod
    def default_service_working_weekdays(cls):
        return list(DEFAULT_WORKING_WEEKDAYS)

    @classmethod
    def default_complaint_response_days(cls):
        return DEFAULTS['complaint_response_days']

    @classmethod
    def default_repair_promise_days(cls):
        return DEFAULTS['repair_promise_days']

    @classmethod
    def default_repair_ticket_sequence(cls):
        return _model_data_id('sequence_repair_ticket')

    @classmethod
    def default_repair_ticket_sequence_type(cls):
        return _model_data_id('sequence_type_repair_ticket')

    def get_repair_ticket_sequence_type(self, name):
        return self.default_repair_ticket_sequence_type()

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        if field_names and 'service_working_weekdays' not in field_names:
            return
        for record in records:
            weekdays = record.service_working_weekdays
            if weekdays is not None and not weekdays:
                raise ServiceSettingError(gettext(
                        'xtools_crm_service.msg_working_weekdays_empty'))

    def service_setting(self, name):
        "The setting, or its default for a configuration saved before it"
        value = getattr(self, name)
        if value is None:
            return DEFAULTS[name]
        return value

    def get_repair_sequence(self):
        "The sequence numbering repair tickets"
        Sequence = Pool().get('ir.sequence')
        if self.repair_ticket_sequence:
            return self.repair_ticket_sequence
        return Sequence(self.default_repair_ticket_sequence())


def _model_data_id(fs_id):
    ModelData = Pool().get('ir.model.data')
    try:
        return ModelData.get_id('xtools_crm_service', fs_id)
    except KeyError:
        # While the module is being activated
        return None


def service_configuration():
    "The CRM configuration, read whatever the user's rights"
    Configuration = Pool().get('crm.configuration')
    with Transaction().set_context(_check_access=False):
        return Configuration(1)
