"""Send an SMS (发手机短信, SPEC B8): to the selected contacts' mobiles, or
to a number typed in (the wizard opened from the menu). What is sent and
what failed is logged by the gateway (sms.py)."""
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .access import CheckedWizardMixin
from .exceptions import SMSError
from .sms import MAX_SMS_LENGTH

CONTACT = 'crm.contact'


class SendSMSStart(ModelView):
    "Send SMS"
    __name__ = 'crm.sms.send.start'
    __string__ = "Send SMS"

    recipients = fields.Text(
        "Recipients", readonly=True,
        states={'invisible': ~Eval('recipients')})
    number = fields.Char(
        "Number",
        states={
            'invisible': Bool(Eval('recipients')),
            'required': ~Eval('recipients'),
            },
        help="A mobile, or a fixed line with its area code, without "
        "spaces (外地号码不加0).")
    text = fields.Text(
        "Text", required=True,
        help="For work only: the SMS log can be neither edited nor "
        "deleted.")
    length = fields.Integer("Characters", readonly=True)

    @fields.depends('text')
    def on_change_with_length(self, name=None):
        return len(self.text or '')


class SendSMSResult(ModelView):
    "SMS sent"
    __name__ = 'crm.sms.send.result'
    __string__ = "SMS Sent"

    sent = fields.Integer("Sent", readonly=True)
    failed = fields.Integer("Failed", readonly=True)
    errors = fields.Text(
        "Errors", readonly=True, states={'invisible': ~Eval('errors')})


class SendSMS(CheckedWizardMixin, Wizard):
    "Send SMS"
    __name__ = 'crm.sms.send'
    __string__ = "Send SMS"
    # Whoever reads the contacts may send them an SMS
    _state_access = {'send': 'read'}

    start = StateView(
        'crm.sms.send.start', 'xtools_crm_base.sms_send_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Send", 'send', 'tryton-ok', default=True),
            ])
    send = StateTransition()
    result = StateView(
        'crm.sms.send.result', 'xtools_crm_base.sms_send_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def _contacts(self):
        if self.model and self.model.__name__ == CONTACT:
            return list(self.records)
        return None

    def default_start(self, fields):
        contacts = self._contacts()
        if contacts is None:
            return {}
        return {
            'recipients': '\n'.join(
                f'{c.name} {c.mobile or "-"}' for c in contacts),
            }

    def transition_send(self):
        SMS = Pool().get('crm.sms.gateway')
        text = self.start.text
        contacts = self._contacts()
        if contacts is None:
            messages = [{'number': self.start.number, 'text': text}]
        else:
            messages = [{'number': c.mobile, 'text': text, 'contact': c.id}
                for c in contacts if c.mobile]
            if not messages:
                raise SMSError(gettext('xtools_crm_base.msg_sms_no_mobile'))
        if isinstance(text, str) and len(text) > MAX_SMS_LENGTH:
            raise SMSError(gettext('xtools_crm_base.msg_sms_too_long',
                    length=len(text), max=MAX_SMS_LENGTH))
        self._logs = SMS.send(messages)
        return 'result'

    def default_result(self, fields):
        logs = getattr(self, '_logs', [])
        failed = [log for log in logs if log.state != 'sent']
        return {
            'sent': len(logs) - len(failed),
            'failed': len(failed),
            'errors': '\n'.join(
                f'{log.number}: {log.error}' for log in failed) or None,
            }
