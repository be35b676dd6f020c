"""Transfer (转移) customers with their related records to a new owner."""
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .access import CheckedWizardMixin, check_rights
from .append_only import AppendOnlyLog
from .exceptions import OwnerChangeError

# Set by crm_transfer only (a leading _: no client can send it)
TRANSFERRING = '_crm_transferring'


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    @classmethod
    def check_modification(cls, mode, parties, values=None, external=False):
        super().check_modification(
            mode, parties, values=values, external=external)
        # Ownership changes only through a logged transfer (转移)
        if (mode == 'write' and values and 'crm_owner' in values
                and Transaction().user
                and not Transaction().context.get(TRANSFERRING)
                and any(p.crm_customer_type
                    and p.crm_owner and p.crm_owner.id != values['crm_owner']
                    for p in parties)):
            raise OwnerChangeError(gettext(
                    'xtools_crm_base.msg_owner_change_by_transfer'))

    @classmethod
    def crm_transfer(cls, customers, new_owner, reason=None):
        """Give the customers to new_owner and log it. Records that carry
        their own owner (tasks, opportunities, deals …) follow through
        _crm_transfer_related, which later modules extend.
        Transferring needs the right to delete the customers: their owner,
        the owner's leaders, bosses and CRM admins — not a share."""
        Log = Pool().get('crm.customer.transfer.log')
        # Checked as the calling user before anything else, whatever the
        # path (wizard, RPC, code called by a button)
        check_rights(cls, customers, 'delete', operation='transfer')
        customers = [c for c in customers if c.crm_owner != new_owner]
        if not customers:
            return
        entries = [{
                'customer': c.id,
                'customer_name': c.rec_name,
                'from_owner': c.crm_owner.id if c.crm_owner else None,
                'from_owner_name': c.crm_owner.rec_name if c.crm_owner else '',
                'to_owner': new_owner.id,
                'to_owner_name': new_owner.rec_name,
                'reason': reason,
                } for c in customers]
        # Afterwards the customers may well be out of the user's sight
        # (Tryton re-checks the rules after a write), so the move itself is
        # done as root.
        with Transaction().set_user(0), without_check_access(), \
                Transaction().set_context({TRANSFERRING: True}):
            customers = cls.browse(customers)
            cls.write(customers, {'crm_owner': new_owner.id})
            cls._crm_transfer_related(customers, new_owner)
        Log.log(entries)

    @classmethod
    def _crm_transfer_related(cls, customers, new_owner):
        """Move the customers' owned related records to new_owner: here the
        follow-up (followup.py); later modules extend it, calling super()
        (the pool, sales' deals …)"""
        cls._crm_transfer_followup(customers, new_owner)


class CustomerTransferLog(AppendOnlyLog):
    "Customer transfer log"
    __name__ = 'crm.customer.transfer.log'
    __string__ = "Customer Transfer Log"
    _nullable_links = {'customer', 'from_owner', 'to_owner'}

    customer = fields.Many2One(
        'party.party', "Customer", readonly=True, ondelete='SET NULL')
    customer_name = fields.Char("Customer Name", readonly=True)
    from_owner = fields.Many2One(
        'res.user', "From", readonly=True, ondelete='SET NULL')
    from_owner_name = fields.Char("From (name)", readonly=True)
    to_owner = fields.Many2One(
        'res.user', "To", readonly=True, ondelete='SET NULL')
    to_owner_name = fields.Char("To (name)", readonly=True)
    reason = fields.Char("Reason", readonly=True)


class CustomerTransferStart(ModelView):
    "Transfer customers"
    __name__ = 'crm.customer.transfer.start'
    __string__ = "Transfer Customers"

    new_owner = fields.Many2One(
        'res.user', "New Owner", required=True,
        domain=[('active', '=', True)])
    reason = fields.Char("Reason")
    count = fields.Integer("Customers", readonly=True)


class CustomerTransfer(CheckedWizardMixin, Wizard):
    "Transfer customers"
    __name__ = 'crm.customer.transfer'
    __string__ = "Transfer Customers"
    _state_access = {'transfer': 'delete'}

    start = StateView(
        'crm.customer.transfer.start',
        'xtools_crm_base.customer_transfer_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Transfer", 'transfer', 'tryton-ok', default=True),
            ])
    transfer = StateTransition()

    def default_start(self, fields):
        return {'count': len(self.records)}

    def transition_transfer(self):
        customers = [r for r in self.records if r.crm_customer_type]
        if not customers:
            raise AccessError(gettext(
                    'xtools_crm_base.msg_transfer_no_customer'))
        self.model.crm_transfer(
            customers, self.start.new_owner, self.start.reason)
        return 'end'
