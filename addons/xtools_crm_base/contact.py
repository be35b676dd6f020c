"""Contact persons of a customer (联系人, SPEC B6)."""
import re
import unicodedata

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, fields)
from trytond.pool import Pool
from trytond.transaction import Transaction

from .access import readable_ids
from .customer import IMPORT_CHECKED, disclosed_owner
from .customer_related import CustomerRelatedMixin
from .dictionary import dictionary_field
from .exceptions import ContactValidationError, DuplicateMobileWarning

# Chinese mobile numbers: 11 digits starting with 1, optionally +86.
MOBILE_RE = re.compile(r'^(?:\+?86)?1[3-9]\d{9}$')
# A syntax check only: a deliverability check would need the network.
EMAIL_RE = re.compile(r'^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$')
QQ_RE = re.compile(r'^[1-9]\d{4,11}$')
WECHAT_RE = re.compile(r'^[A-Za-z][-_A-Za-z0-9]{5,19}$|^1[3-9]\d{9}$')


def to_half_width(text):
    """Full-width digits, letters and signs (１３８, ＠) typed with a
    Chinese input method become their ASCII forms; spaces and dashes
    inside phone numbers are dropped by the callers."""
    if text is None:
        return None
    return unicodedata.normalize('NFKC', text).strip()


def clean_number(text):
    text = to_half_width(text)
    if text:
        text = re.sub(r'[\s\-()]', '', text)
    return text


class Contact(CustomerRelatedMixin, DeactivableMixin, ModelSQL, ModelView):
    "Contact person of a customer (联系人)"
    __name__ = 'crm.contact'
    __string__ = "Contact"

    customer = fields.Many2One(
        'party.party', "Customer", required=True, ondelete='CASCADE',
        domain=[('crm_customer_type', '!=', None)])
    name = fields.Char("Name", required=True)
    title = fields.Char("Title")
    category = dictionary_field('contact_category', "Category")
    mobile = fields.Char("Mobile")
    phone = fields.Char("Phone")
    email = fields.Char("Email")
    qq = fields.Char("QQ")
    wechat = fields.Char("WeChat")
    anniversaries = fields.One2Many(
        'crm.contact.anniversary', 'contact', "Anniversaries")
    note = fields.Text("Note")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('name', 'ASC'))

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        for name in ('mobile', 'phone', 'qq'):
            if values.get(name):
                values[name] = clean_number(values[name])
        for name in ('email', 'wechat'):
            if values.get(name):
                values[name] = to_half_width(values[name])
        return values

    @fields.depends('mobile')
    def on_change_mobile(self):
        self.mobile = clean_number(self.mobile)

    @fields.depends('email')
    def on_change_email(self):
        self.email = to_half_width(self.email)

    @classmethod
    def validate_fields(cls, contacts, field_names):
        super().validate_fields(contacts, field_names)
        checks = [
            ('mobile', MOBILE_RE, 'msg_invalid_mobile'),
            ('email', EMAIL_RE, 'msg_invalid_email'),
            ('qq', QQ_RE, 'msg_invalid_qq'),
            ('wechat', WECHAT_RE, 'msg_invalid_wechat'),
            ]
        for contact in contacts:
            for name, regex, message in checks:
                if field_names and name not in field_names:
                    continue
                value = getattr(contact, name)
                if value and not regex.match(value):
                    raise ContactValidationError(gettext(
                            f'xtools_crm_base.{message}',
                            contact=contact.name, value=value))
        if not field_names or 'mobile' in field_names:
            cls._warn_duplicate_mobiles(contacts)

    @classmethod
    def _warn_duplicate_mobiles(cls, contacts):
        "The same mobile at another customer: probably the same person"
        Warning = Pool().get('res.user.warning')
        if Transaction().context.get(IMPORT_CHECKED):
            return
        for contact in contacts:
            if not contact.mobile:
                continue
            with Transaction().set_context(
                    _check_access=False, active_test=False):
                others = cls.search([
                        ('mobile', '=', contact.mobile),
                        ('customer', '!=', contact.customer.id),
                        ], limit=1)
            if others:
                # Keyed on the existing contact: a new one has no stable id.
                warning = Warning.format('crm_duplicate_mobile', others)
                if Warning.check(warning):
                    raise DuplicateMobileWarning(
                        warning, cls._duplicate_mobile_message(
                            contact.mobile, others[0]))

    @staticmethod
    def _duplicate_mobile_message(mobile, other):
        "Name the other customer and contact only to whoever reads them"
        user_id = Transaction().user
        customer = other.customer
        if not user_id or readable_ids(
                user_id, 'party.party', [customer.id]):
            return gettext('xtools_crm_base.msg_duplicate_mobile',
                mobile=mobile, customer=customer.rec_name,
                contact=other.name)
        owner = disclosed_owner(customer)
        if owner:
            return gettext('xtools_crm_base.msg_duplicate_mobile_owner',
                mobile=mobile, owner=owner)
        return gettext('xtools_crm_base.msg_duplicate_mobile_hidden',
            mobile=mobile)


class Anniversary(ModelSQL, ModelView):
    "Contact anniversary (纪念日)"
    __name__ = 'crm.contact.anniversary'
    __string__ = "Anniversary"

    contact = fields.Many2One(
        'crm.contact', "Contact", required=True, ondelete='CASCADE')
    name = fields.Char("Occasion", required=True,
        help="E.g. birthday, company anniversary, wedding anniversary.")
    date = fields.Date(
        "Date", required=True,
        help="Only the month and day matter for the yearly reminder.")
    remind_days_before = fields.Integer(
        "Remind Days Before", required=True,
        domain=[('remind_days_before', '>=', 0)])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('contact')

    @classmethod
    def default_remind_days_before(cls):
        return 3
