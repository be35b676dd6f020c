"""Deal status (订单状态 执行中 / 结束) and shipping status (发货状态, SPEC S7).

The shipping status is derived from Tryton's stock documents by
``crm_compute_shipping_status``, the hook the stock module refines:

    none      --      approved or not, no outbound document yet
    not_out   未出库   outbound documents, nothing out of the warehouse
    to_ship   需发货   goods out of the warehouse (picked, packed), not shipped
    partial   部分     part of the goods shipped
    all       全部     everything shipped

A contract has no stock: its delivery status comes from its delivery
records (deal_delivery.py). A deal finishes by itself when it is fully
shipped (or delivered) and fully paid; it can be finished by hand, but not
while shipping or delivery is unfinished.
"""
from trytond.i18n import gettext
from trytond.model import fields
from trytond.model.exceptions import AccessError
from trytond.pool import PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .deal import APPROVED_STATES

DEAL_STATUSES = [
    ('in_progress', "In Progress"),
    ('finished', "Finished"),
    ]
SHIPPING_STATUSES = [
    ('none', "--"),
    ('not_out', "Not Out"),
    ('to_ship', "To Ship"),
    ('partial', "Partial"),
    ('all', "All"),
    ]
# Outbound documents whose goods have left the warehouse shelves
OUT_OF_STOCK_SHIPMENT_STATES = {'picked', 'packed'}
SHIPPED_SHIPMENT_STATES = {'shipped', 'done'}


class DealStatusError(AccessError):
    pass


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    crm_status = fields.Selection(
        DEAL_STATUSES, "Deal Status", required=True,
        states={
            'readonly': ~Eval('state').in_(sorted(APPROVED_STATES)),
            },
        help="Finished by itself once everything is shipped (or delivered) "
        "and paid; may be set by hand, but not to finished while shipping "
        "is unfinished.")
    crm_shipping_status = fields.Function(fields.Selection(
            SHIPPING_STATUSES, "Shipping Status",
            states={
                'invisible': Eval('crm_deal_type') != 'order',
                }),
        'get_crm_shipping_status')

    @classmethod
    def default_crm_status(cls):
        return 'in_progress'

    @classmethod
    def get_crm_shipping_status(cls, sales, name):
        return {s.id: s.crm_compute_shipping_status() for s in sales}

    def crm_compute_shipping_status(self):
        "The CRM shipping status of an order from its stock moves"
        if self.crm_deal_type != 'order' or self.state not in APPROVED_STATES:
            return 'none'
        moves = [m for line in self.line_lines for m in line.moves
            if m.state != 'cancelled']
        if not moves:
            return 'none'
        if self.crm_goods_shipped():
            return 'all'
        shipment_states = {m.shipment.state for m in moves
            if getattr(m, 'shipment', None)}
        if (any(m.state == 'done' for m in moves)
                or shipment_states & SHIPPED_SHIPMENT_STATES):
            return 'partial'
        if shipment_states & OUT_OF_STOCK_SHIPMENT_STATES:
            return 'to_ship'
        return 'not_out'

    def crm_goods_shipped(self):
        "Whether every goods line of the order is shipped in full"
        return all(
            line.moves_progress >= 1 for line in self.line_lines
            if line.moves_progress is not None)

    def crm_fulfilled(self):
        """Whether the deal is fully shipped (an order) or fully delivered
        (a contract); deal_delivery.py answers for contracts"""
        if self.crm_deal_type == 'order':
            return self.crm_goods_shipped()
        return True

    def crm_fully_paid(self):
        "payment.py answers from the receipts"
        return True

    @classmethod
    def check_modification(cls, mode, sales, values=None, external=False):
        super().check_modification(
            mode, sales, values=values, external=external)
        if (mode == 'write' and external
                and values.get('crm_status') == 'finished'):
            cls.check_may_finish(sales)

    @classmethod
    def check_may_finish(cls, sales):
        for sale in sales:
            if sale.crm_status == 'finished':
                continue
            if sale.state not in APPROVED_STATES:
                raise DealStatusError(gettext(
                        'xtools_crm_sales.msg_deal_status_not_approved',
                        deal=sale.rec_name))
            if not sale.crm_fulfilled():
                raise DealStatusError(gettext(
                        'xtools_crm_sales.msg_deal_status_unshipped',
                        deal=sale.rec_name))

    @classmethod
    def crm_update_status(cls, sales):
        """Finish the approved deals now fully shipped (or delivered) and
        fully paid. A deal finished by hand, or reopened by hand, is left
        as it is until the next payment or shipment."""
        finished = [s for s in sales
            if s.state in APPROVED_STATES
            and s.crm_status != 'finished'
            and s.crm_fulfilled() and s.crm_fully_paid()]
        if finished:
            with Transaction().set_context(_check_access=False):
                cls.write(cls.browse(finished), {'crm_status': 'finished'})

    @classmethod
    def process(cls, sales):
        super().process(sales)
        # Shipments done or cancelled bring the sale here (Tryton's queue)
        cls.crm_update_status(cls.browse(sales))

    @classmethod
    def copy(cls, sales, default=None):
        default = default.copy() if default else {}
        default.setdefault('crm_status', cls.default_crm_status())
        return super().copy(sales, default=default)

