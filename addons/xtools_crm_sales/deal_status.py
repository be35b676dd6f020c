"""Deal status (订单状态 执行中 / 结束) and shipping status (发货状态, SPEC S7).

The shipping status is derived from Tryton's stock documents through one
hook, ``Sale.crm_shipping_progress()``: it returns a ``ShippingProgress``,
the quantities of each goods line at each step of the shipping. This module
counts the moves Tryton's sale made for the lines, by the state of their
outbound document; a module that knows more about those documents (the
stock module knows the keeper's confirmation) overrides the hook, calls
``super()`` and adds to (or moves quantities within) what it returns —
never replaces it. The status follows from the combined progress:

    none      --      approved or not, no outbound document yet
    not_out   未出库   outbound documents, nothing out of the warehouse
                      (including documents the keeper has not confirmed)
    to_ship   需发货   goods out of the warehouse (picked, packed) waiting to
                      be shipped, also when earlier batches are shipped
    partial   部分     part of the goods shipped, nothing waiting
    all       全部     everything shipped

A contract has no stock: its delivery status comes from its delivery
records (deal_delivery.py). A deal finishes by itself when it is fully
shipped (or delivered) and fully paid; it can be finished by hand, but not
while shipping or delivery is unfinished.
"""
from collections import defaultdict

from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .deal import APPROVED_STATES
from .exceptions import DealStatusError

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
# The steps of a goods line's shipping, each quantity counted in one step:
# on an outbound document (requested), confirmed by the keeper (the stock
# module), out of the warehouse, shipped.
SHIPPING_STEPS = ('requested', 'confirmed', 'out', 'shipped')


class ShippingProgress:
    """How far the goods lines of one order are shipped (发货情况), in each
    line's unit: ``ordered[line_id]`` and ``quantity(line_id, step)`` for
    the SHIPPING_STEPS. The hook Sale.crm_shipping_progress fills it."""

    def __init__(self):
        self.ordered = {}
        self._quantities = defaultdict(lambda: defaultdict(float))

    def add(self, line_id, step, quantity):
        assert step in SHIPPING_STEPS, step
        self._quantities[line_id][step] += quantity

    def move(self, line_id, from_step, to_step, quantity):
        "Count quantity of a line in to_step instead of from_step"
        self.add(line_id, from_step, -quantity)
        self.add(line_id, to_step, quantity)

    def quantity(self, line_id, step):
        return self._quantities[line_id][step]

    def remaining(self, line_id):
        "What is still to be shipped of the line (未交付)"
        return max(
            self.ordered.get(line_id, 0)
            - self.quantity(line_id, 'shipped'), 0)

    def total(self, step):
        return sum(q[step] for q in self._quantities.values())

    def status(self):
        "The shipping status (SHIPPING_STATUSES) of the progress"
        if not self.ordered or not any(
                self.total(step) for step in SHIPPING_STEPS):
            return 'none'
        if all(self.quantity(line_id, 'shipped') >= ordered
                for line_id, ordered in self.ordered.items()):
            return 'all'
        # 需发货 comes first: goods are waiting at the door even when
        # earlier batches are already shipped (8.11)
        if self.total('out') > 0:
            return 'to_ship'
        if self.total('shipped') > 0:
            return 'partial'
        return 'not_out'


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
        "The CRM shipping status of an order from its stock documents"
        if self.crm_deal_type != 'order' or self.state not in APPROVED_STATES:
            return 'none'
        if self.crm_goods_shipped():
            return 'all'
        status = self.crm_shipping_progress().status()
        # Tryton counts what is shipped in full (returns, recreated moves):
        # the progress of the documents cannot say 'all' when it does not.
        return 'partial' if status == 'all' else status

    def crm_shipping_progress(self):
        """Hook: the ShippingProgress of the order's goods lines.

        Here: the moves Tryton's sale made for the lines, each in one step
        by its state and its outbound document's state. Overrides call
        super() and combine with the result (add, or move quantities
        between steps); none replaces it (see the module docstring)."""
        pool = Pool()
        Uom = pool.get('product.uom')
        Move = pool.get('stock.move')
        progress = ShippingProgress()
        if self.crm_deal_type != 'order':
            return progress
        for line in self.line_lines:
            if (not line.product or not line.quantity
                    or line.product.type not in Move.get_product_types()):
                continue
            progress.ordered[line.id] = abs(line.quantity)
            for move in line.moves:
                if move.state == 'cancelled':
                    continue
                shipment = getattr(move, 'shipment', None)
                shipment_state = shipment.state if shipment else None
                if (move.state == 'done'
                        or shipment_state in SHIPPED_SHIPMENT_STATES):
                    step = 'shipped'
                elif shipment_state in OUT_OF_STOCK_SHIPMENT_STATES:
                    step = 'out'
                else:
                    step = 'requested'
                progress.add(line.id, step, Uom.compute_qty(
                        move.unit, move.quantity, line.unit, round=False))
        return progress

    def crm_goods_shipped(self):
        "Whether every goods line of the order is shipped in full"
        return all(
            line.moves_progress >= 1 for line in self.line_lines
            if line.moves_progress is not None)

    def crm_fulfilled(self):
        """Whether the deal is fully shipped (an order: here) or fully
        delivered (a contract: deal_delivery.py). Whether it is fully paid
        is crm_fully_paid, in payment_receipt.py: each answer in one place,
        whatever order the classes are registered in."""
        if self.crm_deal_type == 'order':
            return self.crm_goods_shipped()
        return self.crm_services_delivered()

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

