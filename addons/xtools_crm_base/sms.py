"""SMS (短信, SPEC B8): reminders and messages by SMS through a pluggable
gateway, and the SMS log nobody can edit or delete (短信日志不可删除和编辑).

The CRM settings choose the provider (sms_provider). crm.sms.gateway
sends through it: a provider is a code listed by providers() and a
method _send_<code>(mobile, text) returning the provider's reference of
the message or raising SMSGatewayError. A module adding a real provider
extends crm.sms.gateway (providers() calling super(), its _send_ method)
and nothing else. The loopback provider shipped here sends nothing: it
keeps what it "sends" in its outbox (crm.sms.loopback), for the tests
and the demo.

Every SMS the gateway handles, sent or failed, is written to crm.sms.log,
an append-only log (append_only.py), in the same transaction."""
import datetime as dt
import re
import uuid

from trytond.i18n import gettext
from trytond.model import Model, ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .append_only import AppendOnlyLog
from .contact import clean_number
from .exceptions import SMSError, SMSGatewayError, UserMobileError
from .input_check import shown, text_problem

# A mobile (11 digits from 1, optionally +86) or a fixed line with its
# area code (0 + 9 to 11 digits): written without spaces or signs
SMS_NUMBER_RE = re.compile(r'^(?:(?:\+?86)?1[3-9]\d{9}|0\d{9,11})$')
# A long SMS is sent in parts of 67 characters; beyond this, it is a
# letter, not an SMS
MAX_SMS_LENGTH = 500
KINDS = [
    ('message', "Message"),
    ('reminder', "Reminder"),
    ]
STATES = [
    ('sent', "Sent"),
    ('failed', "Failed"),
    ]


class Configuration(metaclass=PoolMeta):
    __name__ = 'crm.configuration'

    sms_provider = fields.Selection(
        'get_sms_providers', "SMS Gateway",
        help="Who sends the SMS of the CRM; empty: no SMS is sent.")
    sms_signature = fields.Char(
        "SMS Signature",
        help="Put before every SMS, as the gateways require "
        "(e.g. 【飞达家具】).")

    @classmethod
    def get_sms_providers(cls):
        return [(None, "")] + Pool().get('crm.sms.gateway').providers()


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    crm_mobile = fields.Char(
        "Mobile", help="Where the CRM sends the user's SMS reminders.")
    crm_sms_reminders = fields.Boolean(
        "Reminders by SMS",
        help="Also send the reminders (tasks, schedules, work reports) "
        "to the mobile by SMS.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._preferences_fields += ['crm_mobile', 'crm_sms_reminders']

    @classmethod
    def default_crm_sms_reminders(cls):
        return False

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if isinstance(values.get('crm_mobile'), str):
            values['crm_mobile'] = clean_number(values['crm_mobile']) or None
        return values

    @fields.depends('crm_mobile')
    def on_change_crm_mobile(self):
        self.crm_mobile = clean_number(self.crm_mobile)

    @classmethod
    def validate_fields(cls, users, field_names):
        super().validate_fields(users, field_names)
        if field_names and not field_names & {
                'crm_mobile', 'crm_sms_reminders'}:
            return
        for user in users:
            if user.crm_mobile and not SMS_NUMBER_RE.match(user.crm_mobile):
                raise UserMobileError(gettext(
                        'xtools_crm_base.msg_sms_invalid_number',
                        number=user.crm_mobile))
            if user.crm_sms_reminders and not user.crm_mobile:
                raise UserMobileError(gettext(
                        'xtools_crm_base.msg_sms_reminders_need_mobile'))


class SMSGateway(Model):
    "SMS gateway"
    __name__ = 'crm.sms.gateway'
    __string__ = "SMS Gateway"

    @classmethod
    def providers(cls):
        "(code, label) of the providers a gateway can send through"
        return [('loopback',
                gettext('xtools_crm_base.msg_sms_provider_loopback'))]

    @classmethod
    def provider(cls):
        "The provider chosen in the settings, None for no SMS"
        Configuration = Pool().get('crm.configuration')
        with Transaction().set_context(_check_access=False):
            return Configuration(1).sms_provider or None

    @classmethod
    def check_message(cls, number, text):
        "Refuse what no gateway can send, naming what is wrong"
        Log = Pool().get('crm.sms.log')
        if not isinstance(number, str) or not SMS_NUMBER_RE.match(number):
            raise SMSError(gettext(
                    'xtools_crm_base.msg_sms_invalid_number',
                    number=shown(number) if isinstance(number, str) else ''))
        if not isinstance(text, str) or not text.strip():
            raise SMSError(gettext('xtools_crm_base.msg_sms_empty'))
        problem = text_problem(
            text, multiline=True, max_length=MAX_SMS_LENGTH)
        if problem:
            message, values = problem
            if message == 'msg_input_too_long':
                raise SMSError(gettext(
                        'xtools_crm_base.msg_sms_too_long', **values))
            raise SMSError(gettext(f'xtools_crm_base.{message}',
                    **Log.__names__(field='text'), **values))

    @classmethod
    def send(cls, messages, kind='message'):
        """Send messages, dicts of number, text and optionally recipient (a
        res.user id) and contact (a crm.contact id), through the provider
        of the settings; log each. Returns the log entries."""
        pool = Pool()
        Configuration = pool.get('crm.configuration')
        Log = pool.get('crm.sms.log')
        provider = cls.provider()
        if not provider:
            raise SMSError(gettext('xtools_crm_base.msg_sms_no_provider'))
        with Transaction().set_context(_check_access=False):
            signature = Configuration(1).sms_signature or ''
        entries = []
        for message in messages:
            number = message.get('number')
            if isinstance(number, str):
                number = clean_number(number)
            text = message.get('text')
            cls.check_message(number, text)
            entry = {
                'kind': kind,
                'number': number,
                'text': text,
                'provider': provider,
                'recipient': message.get('recipient'),
                'contact': message.get('contact'),
                }
            try:
                entry['reference'] = getattr(cls, f'_send_{provider}')(
                    number, signature + text)
                entry['state'] = 'sent'
            except SMSGatewayError as error:
                entry['state'] = 'failed'
                entry['error'] = str(error)[:200]
            entries.append(entry)
        return Log.log(entries)

    @classmethod
    def remind(cls, user, lines):
        """Send the reminder lines to user by SMS when they chose it and a
        provider is set; returns whether an SMS was sent"""
        if (not user.crm_sms_reminders or not user.crm_mobile
                or not lines or not cls.provider()):
            return False
        text = '\n'.join(lines)
        if len(text) > MAX_SMS_LENGTH:
            text = text[:MAX_SMS_LENGTH - 1] + '…'
        logs = cls.send([{
                    'number': user.crm_mobile,
                    'text': text,
                    'recipient': user.id,
                    }], kind='reminder')
        return all(log.state == 'sent' for log in logs)

    @classmethod
    def _send_loopback(cls, number, text):
        "The loopback provider: keeps the message in its outbox"
        Outbox = Pool().get('crm.sms.loopback')
        reference = uuid.uuid4().hex
        with Transaction().set_user(0):
            Outbox.create([{
                        'number': number,
                        'text': text,
                        'reference': reference,
                        'date': dt.datetime.now().replace(microsecond=0),
                        }])
        return reference


class SMSLog(AppendOnlyLog):
    "SMS log (短信日志)"
    __name__ = 'crm.sms.log'
    __string__ = "SMS Log"
    _nullable_links = {'recipient', 'contact'}

    kind = fields.Selection(KINDS, "Kind", readonly=True)
    number = fields.Char("Number", readonly=True)
    text = fields.Text("Text", readonly=True)
    provider = fields.Char("Gateway", readonly=True)
    state = fields.Selection(STATES, "State", readonly=True)
    error = fields.Char(
        "Error", readonly=True,
        states={'invisible': Eval('state') != 'failed'})
    reference = fields.Char("Gateway Reference", readonly=True)
    recipient = fields.Many2One(
        'res.user', "Recipient", readonly=True, ondelete='SET NULL')
    contact = fields.Many2One(
        'crm.contact', "Contact", readonly=True, ondelete='SET NULL')


class LoopbackMessage(ModelSQL, ModelView):
    "Loopback SMS outbox"
    __name__ = 'crm.sms.loopback'
    __string__ = "Loopback SMS"

    number = fields.Char("Number", readonly=True)
    text = fields.Text("Text", readonly=True)
    reference = fields.Char("Reference", readonly=True)
    date = fields.DateTime("Date", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
