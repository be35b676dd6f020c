"""Unsubscribed (退订): a contact, an e-mail address or a mobile number that
asked to receive no more mass e-mail or SMS. The mass messages skip them
and log the skip."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import UnsubscribeError
from .mass_message import CHANNELS, contact_address, normalize_address


class Unsubscribe(ModelSQL, ModelView):
    "Unsubscribed (退订)"
    __name__ = 'crm.marketing.unsubscribe'
    __string__ = "Unsubscribed"

    channel = fields.Selection(CHANNELS, "Channel", required=True)
    contact = fields.Many2One(
        'crm.contact', "Contact", ondelete='CASCADE',
        help="Unsubscribes the contact whatever its address.")
    address = fields.Char(
        "Address",
        states={'required': ~Eval('contact')},
        help="The e-mail address or the mobile number; filled from the "
        "contact when empty.")
    date = fields.Date("Date", required=True)
    reason = fields.Char("Reason")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_channel(cls):
        return 'email'

    @classmethod
    def default_date(cls):
        return dt.date.today()

    @fields.depends('channel', 'contact', 'address')
    def on_change_contact(self):
        if self.contact and not self.address and self.channel:
            self.address = contact_address(self.channel, self.contact)

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('address'):
            channel = values.get('channel') or 'email'
            values['address'] = normalize_address(channel, values['address'])
        return values

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        for record in records:
            if not record.contact and not record.address:
                raise UnsubscribeError(gettext(
                        'xtools_crm_marketing.msg_unsubscribe_who'))

    def get_rec_name(self, name):
        return self.address or (self.contact.rec_name if self.contact
            else str(self.id))

    @classmethod
    def stopped(cls, channel, contacts):
        """The contact ids and addresses of the channel among contacts that
        are unsubscribed"""
        ids = [c.id for c in contacts]
        addresses = [a for a in (contact_address(channel, c)
                for c in contacts) if a]
        with Transaction().set_context(_check_access=False):
            records = cls.search([
                    ('channel', '=', channel),
                    ['OR',
                        ('contact', 'in', ids),
                        ('address', 'in', addresses),
                        ],
                    ])
        result = set()
        for record in records:
            if record.contact:
                result.add(record.contact.id)
            if record.address:
                result.add(record.address)
        return result
