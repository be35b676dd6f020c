"""The customer view (客户视图) shows the customer's services, complaints
and repair tickets; the service console finds customers by their contacts
and phone numbers too."""
import re

from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval
from trytond.tools import strip_wildcard, unescape_wildcard
from trytond.transaction import Transaction

from xtools_crm_base.contact import clean_number

from .console import SEARCH_CONTACTS

_CUSTOMER = {'invisible': ~Eval('crm_customer_type')}
# A phone number as people type it: digits, spaces, dashes, +86, brackets
PHONE_RE = re.compile(r'^\+?\d{4,}$')


def phone_digits(text):
    """The significant digits of a phone number as stored: without the
    country code and the trunk 0 (021-6328 1234 → 2163281234); None when
    text is no phone number"""
    text = clean_number(text)
    if not text or not PHONE_RE.match(text):
        return None
    digits = text.lstrip('+')
    if digits.startswith('86') and len(digits) > 11:
        digits = digits[2:]
    digits = digits.lstrip('0')
    return digits if len(digits) >= 4 else None


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    crm_service_records = fields.One2Many(
        'crm.service.record', 'customer', "Service Records", readonly=True,
        states=_CUSTOMER)
    crm_complaints = fields.One2Many(
        'crm.complaint', 'customer', "Complaints", readonly=True,
        states=_CUSTOMER)
    crm_repair_tickets = fields.One2Many(
        'crm.repair.ticket', 'customer', "Repair Tickets", readonly=True,
        states=_CUSTOMER)

    @classmethod
    def search_rec_name(cls, name, clause):
        domain = super().search_rec_name(name, clause)
        _, operator, operand, *extra = clause
        if (not Transaction().context.get(SEARCH_CONTACTS)
                or operator not in {'ilike', 'like'}
                or not isinstance(operand, str)):
            return domain
        domain = [domain, ('crm_contacts.name', operator, operand, *extra)]
        digits = phone_digits(unescape_wildcard(strip_wildcard(operand)))
        if digits:
            pattern = f'%{digits}%'
            domain += [
                ('crm_contacts.mobile', 'like', pattern),
                ('crm_contacts.phone', 'like', pattern),
                ('contact_mechanisms.value_compact', 'like', pattern),
                ]
        return ['OR', *domain]
