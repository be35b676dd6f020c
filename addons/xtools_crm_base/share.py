"""Sharing a customer with chosen users, read-only or read-write (B3)."""
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool

from .append_only import AppendOnlyLog
from .customer_related import CustomerRelatedMixin
from .exceptions import ShareWithOwnerError
from .visibility import clear_visibility_cache

SHARE_MODES = [
    ('read', "Read"),
    ('write', "Read and Write"),
    ]


class CustomerShare(CustomerRelatedMixin, ModelSQL, ModelView):
    "Customer shared with a user"
    __name__ = 'crm.customer.share'
    __string__ = "Customer Share"
    # Sharing needs the right to write the customer, not only to read it.
    _crm_customer_rules = 'strict'

    customer = fields.Many2One(
        'party.party', "Customer", required=True, ondelete='CASCADE',
        domain=[('crm_customer_type', '!=', None)])
    user = fields.Many2One(
        'res.user', "Shared With", required=True, ondelete='CASCADE')
    mode = fields.Selection(SHARE_MODES, "Access", required=True)

    @classmethod
    def __setup__(cls):
        # Only those who may write the customer may share it.
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.user, Index.Equality())))
        cls._sql_constraints += [
            ('customer_user_unique', Unique(t, t.customer, t.user),
                'xtools_crm_base.msg_share_unique'),
            ]

    @classmethod
    def default_mode(cls):
        return 'read'

    @classmethod
    def validate_fields(cls, shares, field_names):
        super().validate_fields(shares, field_names)
        for share in shares:
            if share.user == share.customer.crm_owner:
                raise ShareWithOwnerError(gettext(
                        'xtools_crm_base.msg_share_with_owner',
                        customer=share.customer.rec_name,
                        user=share.user.rec_name))

    @classmethod
    def on_modification(cls, mode, shares, field_names=None):
        super().on_modification(mode, shares, field_names=field_names)
        # The rules list the shared customers of each user.
        clear_visibility_cache()
        if mode in {'create', 'write'}:
            Pool().get('crm.customer.share.log').record(
                shares, 'write' if mode == 'write' else 'share')

    @classmethod
    def on_delete(cls, shares):
        callback = super().on_delete(shares)
        Log = Pool().get('crm.customer.share.log')
        entries = Log.entries(shares, 'unshare')
        callback.append(lambda: Log.log(entries))
        return callback


class CustomerShareLog(AppendOnlyLog):
    "Customer share log"
    __name__ = 'crm.customer.share.log'
    __string__ = "Customer Share Log"
    _nullable_links = {'customer', 'user'}

    customer = fields.Many2One(
        'party.party', "Customer", readonly=True, ondelete='SET NULL')
    customer_name = fields.Char("Customer Name", readonly=True)
    user = fields.Many2One(
        'res.user', "Shared With", readonly=True, ondelete='SET NULL')
    action = fields.Selection([
            ('share', "Shared"),
            ('write', "Changed"),
            ('unshare', "Unshared"),
            ], "Action", readonly=True)
    mode = fields.Selection(SHARE_MODES, "Access", readonly=True)

    @classmethod
    def entries(cls, shares, action):
        return [{
                'customer': s.customer.id,
                'customer_name': s.customer.rec_name,
                'user': s.user.id,
                'action': action,
                'mode': s.mode,
                } for s in shares]

    @classmethod
    def record(cls, shares, action):
        cls.log(cls.entries(shares, action))
