"""The send log of the mass messages (群发日志): one line per recipient,
sent, skipped or failed and why; nobody can edit or delete it
(append_only.py of xtools_crm_base)."""
from trytond.model import fields
from trytond.pyson import Eval

from xtools_crm_base.append_only import AppendOnlyLog

from .mass_message import CHANNELS

STATES = [
    ('sent', "Sent"),
    ('skipped', "Skipped"),
    ('failed', "Failed"),
    ]
REASONS = [
    (None, ""),
    ('unsubscribed', "Unsubscribed"),
    ('no_address', "No address"),
    ('invalid_address', "Invalid address"),
    ('duplicate', "Address already reached"),
    ('error', "Sending error"),
    ]


class MassMessageLog(AppendOnlyLog):
    "Mass message send log (群发日志)"
    __name__ = 'crm.mass.message.log'
    __string__ = "Mass Message Log"
    _nullable_links = {'contact'}

    message = fields.Many2One(
        'crm.mass.message', "Mass Message", required=True, readonly=True,
        ondelete='RESTRICT')
    channel = fields.Selection(CHANNELS, "Channel", readonly=True)
    contact = fields.Many2One(
        'crm.contact', "Contact", readonly=True, ondelete='SET NULL')
    address = fields.Char("Address", readonly=True)
    state = fields.Selection(STATES, "State", readonly=True)
    reason = fields.Selection(REASONS, "Reason", readonly=True)
    error = fields.Char(
        "Error", readonly=True,
        states={'invisible': Eval('state') != 'failed'})

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('message')
