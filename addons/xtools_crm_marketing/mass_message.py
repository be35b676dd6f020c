"""Mass e-mail and SMS (群发, SPEC M2): one text, with placeholders, to the
contacts a filter over the CRM customers selects — as the sending user
sees them, never more.

Tryton's marketing_email module (8.0) was evaluated and is not used: it
mails static lists of addresses (marketing.email.list) that people
subscribe to through web pages (it pulls web_user and web_shortener), with
Genshi HTML content processed by a cron as root. Here the audience is a
filter over our customers and contacts evaluated with the sender's record
rules, the same text goes by SMS too, and every recipient gets a line in
an append-only log with its reason — none of which it has.

Sending: the send button resolves the recipients as the user pressing it
(who becomes the sender) and sends at once when they fit in one batch
(crm.configuration's mass_message_batch); a larger mailing is left to the
cron (ir.cron, every minute), which sends one batch per message and run,
each batch again resolved as the sender and committed on its own. A
contact is reached once per message: the log says who was done."""
import datetime as dt
import re
from email.message import EmailMessage

from trytond import config
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.sendmail import get_smtp_server, sendmail
from trytond.tools.email_ import set_from_header
from trytond.transaction import Transaction

from xtools_crm_base.access import ButtonAccessMixin, context_company
from xtools_crm_base.contact import EMAIL_RE, clean_number
from xtools_crm_base.customer import CUSTOMER_TYPES
from xtools_crm_base.dictionary import dictionary_field
from xtools_crm_base.exceptions import SMSError
from xtools_crm_base.sms import MAX_SMS_LENGTH, SMS_NUMBER_RE

from .exceptions import MassMessageError

CHANNELS = [
    ('email', "E-mail"),
    ('sms', "SMS"),
    ]
PLACEHOLDERS = ('contact', 'customer', 'sender')
PLACEHOLDER_RE = re.compile(r'\{([^{}]*)\}')
_DRAFT = {'readonly': Eval('state') != 'draft'}


def normalize_address(channel, address):
    "The form an address is compared in: e-mails lower case, bare numbers"
    if not address:
        return None
    if channel == 'email':
        return address.strip().lower() or None
    return clean_number(address) or None


def contact_address(channel, contact):
    return normalize_address(
        channel, contact.email if channel == 'email' else contact.mobile)


class Configuration(metaclass=PoolMeta):
    __name__ = 'crm.configuration'

    mass_message_batch = fields.Integer(
        "Mass Message Batch Size",
        domain=['OR',
            ('mass_message_batch', '=', None),
            ('mass_message_batch', '>', 0)],
        help="How many recipients a mass e-mail or SMS reaches per run of "
        "its sending task (every minute); one with no more recipients is "
        "sent at once.")

    @classmethod
    def default_mass_message_batch(cls):
        return 100

    @classmethod
    def mass_message_batch_size(cls):
        with Transaction().set_context(_check_access=False):
            return cls(1).mass_message_batch or 100


class MassMessage(ButtonAccessMixin, Workflow, ModelSQL, ModelView):
    "Mass e-mail or SMS (群发)"
    __name__ = 'crm.mass.message'
    __string__ = "Mass Message"

    name = fields.Char("Name", required=True, states=_DRAFT)
    company = fields.Many2One(
        'company.company', "Company", required=True, readonly=True,
        ondelete='RESTRICT')
    channel = fields.Selection(
        CHANNELS, "Channel", required=True, states=_DRAFT)
    campaign = fields.Many2One(
        'marketing.campaign', "Campaign", ondelete='RESTRICT',
        states=_DRAFT,
        domain=[('crm_company', '=', Eval('company', -1))])
    sender = fields.Many2One(
        'res.user', "Sender", readonly=True, ondelete='RESTRICT',
        help="Who sent it: the contacts are those this user can see.")
    subject = fields.Char(
        "Subject",
        states={
            'readonly': _DRAFT['readonly'],
            'required': Eval('channel') == 'email',
            'invisible': Eval('channel') != 'email',
            })
    body = fields.Text(
        "Text", required=True, states=_DRAFT,
        help="Placeholders: {contact} the contact's name, {customer} the "
        "customer's name, {sender} the sender's name.")

    # The filter (a saved search over the customers and their contacts)
    customer_type = fields.Selection(
        [(None, "")] + CUSTOMER_TYPES, "Customer Type", states=_DRAFT)
    customer_kind = dictionary_field(
        'customer_kind', "Customer Kind", states=_DRAFT)
    customer_status = dictionary_field(
        'customer_status', "Customer Status", states=_DRAFT)
    industry = dictionary_field('industry', "Industry", states=_DRAFT)
    region = fields.Many2One(
        'country.subdivision', "Region", ondelete='RESTRICT', states=_DRAFT)
    campaign_audience = fields.Boolean(
        "Campaign's Audience Only",
        states={
            'readonly': _DRAFT['readonly'],
            'invisible': ~Eval('campaign'),
            },
        help="Only the customers and contacts linked to the campaign.")
    contacts = fields.Many2Many(
        'crm.mass.message-crm.contact', 'message', 'contact',
        "Chosen Contacts", states=_DRAFT,
        help="When given, only these contacts (the other criteria apply "
        "too).")
    recipient_count = fields.Function(fields.Integer(
            "Recipients",
            help="The contacts the filter selects among those you can see "
            "(those without an address or unsubscribed are logged as "
            "skipped)."),
        'on_change_with_recipient_count')

    state = fields.Selection([
            ('draft', "Draft"),
            ('sending', "Sending"),
            ('done', "Done"),
            ], "State", readonly=True, required=True, sort=False)
    sent_date = fields.DateTime("Sent", readonly=True)
    logs = fields.One2Many(
        'crm.mass.message.log', 'message', "Send Log", readonly=True)
    sent_count = fields.Function(
        fields.Integer("Sent Count"), 'get_counts')
    skipped_count = fields.Function(
        fields.Integer("Skipped Count"), 'get_counts')
    failed_count = fields.Function(
        fields.Integer("Failed Count"), 'get_counts')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('id', 'DESC')]
        cls._transitions |= {('draft', 'sending'), ('sending', 'done')}
        cls._buttons.update({
                'send': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_company(cls):
        return context_company()

    @classmethod
    def default_channel(cls):
        return 'email'

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_campaign_audience(cls):
        return False

    def _recipient_domain(self):
        "The contacts the filter selects (the rules of the searcher apply)"
        domain = [('customer.crm_customer_type', '!=', None)]
        if self.customer_type:
            domain.append(
                ('customer.crm_customer_type', '=', self.customer_type))
        for name, field in [
                ('customer_kind', 'crm_kind'),
                ('customer_status', 'crm_status'),
                ('industry', 'crm_industry'),
                ('region', 'crm_region'),
                ]:
            value = getattr(self, name, None)
            if value:
                domain.append((f'customer.{field}', '=', value.id))
        if self.campaign and self.campaign_audience:
            domain.append(['OR',
                    ('id', 'in', [c.id for c in self.campaign.crm_contacts]),
                    ('customer', 'in',
                        [c.id for c in self.campaign.crm_customers]),
                    ])
        if self.contacts:
            domain.append(('id', 'in', [c.id for c in self.contacts]))
        return domain

    def _search_recipients(self, user_id, **kwargs):
        """The contacts of the filter that user_id can see, searched as that
        user with their record rules"""
        Contact = Pool().get('crm.contact')
        transaction = Transaction()
        # The filter's values as this record has them, read before
        # becoming the sender
        domain = self._recipient_domain()
        context = {'_check_access': True, 'active_test': True}
        if self.company:
            context['company'] = self.company.id
        with transaction.set_user(user_id), \
                transaction.set_context(**context):
            return Contact.search(domain, order=[('id', 'ASC')], **kwargs)

    @fields.depends(
        'customer_type', 'customer_kind', 'customer_status', 'industry',
        'region', 'campaign', 'campaign_audience', 'contacts', 'company',
        'state', 'sender')
    def on_change_with_recipient_count(self, name=None):
        if self.state in {'sending', 'done'} and self.sender:
            user_id = self.sender.id
        else:
            # Who presses send becomes the sender
            user_id = Transaction().user
        return self._search_recipients(user_id, count=True)

    @classmethod
    def get_counts(cls, messages, names):
        pool = Pool()
        Log = pool.get('crm.mass.message.log')
        ids = [m.id for m in messages]
        result = {n: dict.fromkeys(ids, 0) for n in names}
        with Transaction().set_context(_check_access=False):
            logs = Log.search_read(
                [('message', 'in', ids)], fields_names=['message', 'state'])
        for log in logs:
            name = f"{log['state']}_count"
            if name in result:
                result[name][log['message']] += 1
        return result

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            # Nobody sends in another's name: the sender is who sends
            values['sender'] = Transaction().user or values.get('sender')
            values.setdefault('company', context_company())
        return values

    @classmethod
    def validate_fields(cls, messages, field_names):
        super().validate_fields(messages, field_names)
        if field_names & {'body', 'subject'}:
            cls.check_placeholders(messages)

    @classmethod
    def check_placeholders(cls, messages):
        for message in messages:
            for text in [message.subject, message.body]:
                for placeholder in PLACEHOLDER_RE.findall(text or ''):
                    if placeholder not in PLACEHOLDERS:
                        raise MassMessageError(gettext(
                                'xtools_crm_marketing'
                                '.msg_mass_message_placeholder',
                                message=message.rec_name,
                                placeholder='{%s}' % placeholder[:30]))

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if mode == 'delete':
            for message in records:
                if message.state != 'draft':
                    raise AccessError(gettext(
                            'xtools_crm_marketing.msg_mass_message_delete',
                            message=message.rec_name))

    @classmethod
    def copy(cls, messages, default=None):
        default = default.copy() if default else {}
        for name in ['logs', 'sent_date', 'sender']:
            default.setdefault(name, None)
        default.setdefault('state', 'draft')
        return super().copy(messages, default=default)

    @classmethod
    @ModelView.button
    def send(cls, messages):
        """Send as the user pressing the button: at once when the message
        fits in one batch, else batch by batch by the cron"""
        # Not a Workflow.transition: the state may go on to done inside
        messages = [m for m in messages if m.state == 'draft']
        pool = Pool()
        Configuration = pool.get('crm.configuration')
        Gateway = pool.get('crm.sms.gateway')
        user_id = Transaction().user
        batch = Configuration.mass_message_batch_size()
        now = dt.datetime.now()
        for message in messages:
            if message.channel == 'sms':
                if not Gateway.provider():
                    raise SMSError(gettext(
                            'xtools_crm_base.msg_sms_no_provider'))
                if len(message.body) > MAX_SMS_LENGTH:
                    raise SMSError(gettext(
                            'xtools_crm_base.msg_sms_too_long',
                            length=len(message.body), max=MAX_SMS_LENGTH))
            if not message._search_recipients(user_id, count=True):
                raise MassMessageError(gettext(
                        'xtools_crm_marketing.msg_mass_message_no_recipient',
                        message=message.rec_name))
        cls.write(messages, {
                'state': 'sending', 'sender': user_id or None,
                'sent_date': now})
        for message in messages:
            if message._search_recipients(user_id, count=True) <= batch:
                message._send_batch(batch)

    @classmethod
    def process_sending(cls):
        "The cron: one batch of each message being sent"
        pool = Pool()
        Configuration = pool.get('crm.configuration')
        batch = Configuration.mass_message_batch_size()
        for message in cls.search([('state', '=', 'sending')]):
            message._send_batch(batch)

    def _pending(self, batch):
        "The next recipients, as the sender sees them, not yet logged"
        Log = Pool().get('crm.mass.message.log')
        with Transaction().set_context(_check_access=False):
            done = {log.contact.id for log in Log.search([
                        ('message', '=', self.id),
                        ('contact', '!=', None),
                        ])}
            addresses = {log.address for log in Log.search([
                        ('message', '=', self.id),
                        ('state', '=', 'sent'),
                        ])}
        pending = [c for c in self._search_recipients(self.sender.id)
            if c.id not in done]
        return pending[:batch], len(pending) > batch, addresses

    def _send_batch(self, batch):
        "Send to the next batch of recipients, log each; done when none left"
        pool = Pool()
        Log = pool.get('crm.mass.message.log')
        Unsubscribe = pool.get('crm.marketing.unsubscribe')
        transaction = Transaction()
        if not self.sender:
            self.__class__.sent([self])
            return
        with transaction.set_user(self.sender.id), transaction.set_context(
                _check_access=True, company=self.company.id,
                language=self.sender.language.code
                if self.sender.language else None):
            contacts, more, addresses = self._pending(batch)
            stopped = Unsubscribe.stopped(self.channel, contacts)
            entries = []
            to_send = []
            for contact in contacts:
                address = contact_address(self.channel, contact)
                entry = {
                    'message': self.id,
                    'channel': self.channel,
                    'contact': contact.id,
                    'address': address,
                    }
                entries.append(entry)
                if not address:
                    entry.update(state='skipped', reason='no_address')
                elif not self._valid_address(address):
                    entry.update(state='skipped', reason='invalid_address')
                elif contact.id in stopped or address in stopped:
                    entry.update(state='skipped', reason='unsubscribed')
                elif address in addresses:
                    entry.update(state='skipped', reason='duplicate')
                else:
                    addresses.add(address)
                    to_send.append((entry, contact))
            if to_send:
                getattr(self, f'_send_{self.channel}')(to_send)
            # Logged in the sender's name
            Log.log(entries)
        if not more:
            self.__class__.sent([self])

    @classmethod
    @Workflow.transition('done')
    def sent(cls, messages):
        pass

    def _valid_address(self, address):
        if self.channel == 'email':
            return bool(EMAIL_RE.match(address))
        return bool(SMS_NUMBER_RE.match(address))

    def render(self, text, contact):
        "The text for the contact, its placeholders replaced"
        values = {
            'contact': contact.name or '',
            'customer': contact.customer.rec_name if contact.customer
            else '',
            'sender': self.sender.name or self.sender.login,
            }
        return PLACEHOLDER_RE.sub(
            lambda m: values.get(m.group(1), m.group(0)), text or '')

    def _send_email(self, recipients):
        "Through Tryton's mail (the [email] settings), one e-mail each"
        from_ = config.get('email', 'from')
        note = gettext(
            'xtools_crm_marketing.msg_mass_email_unsubscribe_note')
        server = None
        try:
            server = get_smtp_server(strict=True)
        except Exception as exception:
            for entry, _ in recipients:
                entry.update(state='failed', reason='error',
                    error=str(exception)[:200])
            return
        try:
            for entry, contact in recipients:
                msg = EmailMessage()
                set_from_header(msg, from_, from_)
                msg['To'] = entry['address']
                msg['Subject'] = self.render(self.subject, contact)
                msg['List-Unsubscribe'] = (
                    f'<mailto:{from_}?subject=unsubscribe>')
                msg.set_content(
                    self.render(self.body, contact) + '\n\n--\n' + note)
                try:
                    sendmail(from_, [entry['address']], msg, server=server,
                        strict=True)
                    entry['state'] = 'sent'
                except Exception as exception:
                    entry.update(state='failed', reason='error',
                        error=str(exception)[:200])
        finally:
            try:
                server.quit()
            except Exception:
                pass

    def _send_sms(self, recipients):
        "Through the CRM's SMS gateway, which keeps its own SMS log too"
        Gateway = Pool().get('crm.sms.gateway')
        note = gettext('xtools_crm_marketing.msg_mass_sms_unsubscribe_note')
        for entry, contact in recipients:
            text = self.render(self.body, contact).rstrip() + ' ' + note
            try:
                log, = Gateway.send([{
                            'number': entry['address'],
                            'text': text,
                            'contact': contact.id,
                            }])
            except SMSError as exception:
                entry.update(state='failed', reason='error',
                    error=str(exception)[:200])
                continue
            if log.state == 'sent':
                entry['state'] = 'sent'
            else:
                entry.update(state='failed', reason='error', error=log.error)


class MassMessageContact(ModelSQL):
    "Mass Message - Contact"
    __name__ = 'crm.mass.message-crm.contact'
    __string__ = "Mass Message - Contact"

    message = fields.Many2One(
        'crm.mass.message', "Mass Message", required=True,
        ondelete='CASCADE')
    contact = fields.Many2One(
        'crm.contact', "Contact", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('message')


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('crm.mass.message|process_sending', "Send Mass Messages"))
