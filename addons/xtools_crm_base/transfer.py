"""Transfer (转移) customers with their related records to a new owner."""
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .append_only import AppendOnlyLog


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    @classmethod
    def crm_transfer(cls, customers, new_owner, reason=None):
        """Give the customers to new_owner and log it. Records that carry
        their own owner (tasks, opportunities, deals …) follow through
        _crm_transfer_related, which later modules extend."""
        pool = Pool()
        Log = pool.get('crm.customer.transfer.log')
        ModelAccess = pool.get('ir.model.access')
        Rule = pool.get('ir.rule')
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
        # The user must be allowed to write the customers now; afterwards
        # they may well be out of the user's sight (Tryton re-checks the
        # rules after a write), so the move itself is done as root.
        ModelAccess.check(cls.__name__, 'write')
        Rule.check(cls.__name__, [c.id for c in customers], 'write')
        with Transaction().set_user(0), without_check_access():
            customers = cls.browse(customers)
            cls.write(customers, {'crm_owner': new_owner.id})
            cls._crm_transfer_related(customers, new_owner)
        Log.log(entries)

    @classmethod
    def _crm_transfer_related(cls, customers, new_owner):
        "Move the customers' owned related records to new_owner"
        pass


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


class CustomerTransfer(Wizard):
    "Transfer customers"
    __name__ = 'crm.customer.transfer'
    __string__ = "Transfer Customers"

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
