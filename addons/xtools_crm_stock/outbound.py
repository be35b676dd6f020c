"""Order shipping in five steps (订单发货, SPEC K1) on Tryton's
``stock.shipment.out``, the outbound document (出库单):

    1 订单      an approved order (a sale of deal type 'order')
    2 出库申请  the salesperson requests the outbound: Tryton's "manual
                shipment" of the order (shipment method 'manual' by default
                here) makes a waiting shipment; consignee and address are
                required (checked where Tryton creates the shipment; a
                company may choose Tryton's shipment on approval instead,
                without this step)
    3 库管确认  the keeper confirms it, possibly only part of it: the rest
                becomes a new outbound request (Tryton's sale makes it);
                the goods are reserved (assign) or the confirmation is
                refused with the products short
    4 出库      the keeper takes the goods out (Tryton's pick and pack)
    5 发货      the keeper ships them (Tryton's ship and done)

The shipment keeps a copy of the customer's name, the consignee and the
address (the keeper reads them without reading the customer), and who
confirmed, took out and shipped it: keepers see the outbound documents
still open and those they handled, whatever the customer (visibility.py).
The order's shipping status and the quantities of its lines come from these
documents through the hook of xtools_crm_sales (deal_status.py): here the
quantities the keeper confirmed are told apart from the mere requests.
"""
from trytond.i18n import gettext
from trytond.model import ModelView, dualmethod, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from xtools_crm_base.access import Access, ButtonAccessMixin

from .availability import assign_or_refuse
from .exceptions import OutboundRequestError, OutboundStepError
from .locking import guard_dual_button, lock_rows

# The keeper's view of the outbound document's Tryton states
OUTBOUND_STEPS = [
    ('request', "Awaiting Keeper"),
    ('confirmed', "Confirmed"),
    ('out', "Out of Warehouse"),
    ('shipped', "Shipped"),
    ('cancelled', "Cancelled"),
    ]
STEP_STATES = {
    'request': ['draft', 'waiting'],
    'confirmed': ['assigned'],
    'out': ['picked', 'packed'],
    'shipped': ['shipped', 'done'],
    'cancelled': ['cancelled'],
    }
STATE_STEP = {s: step for step, states in STEP_STATES.items() for s in states}
# Who acted on an outbound document: these keepers keep seeing it
HANDLER_FIELDS = ['crm_confirmed_by', 'crm_out_by', 'crm_shipped_by']
KEEPER = 'xtools_crm_base.group_role_stock'
STOCK_ADMIN = 'stock.group_stock_admin'
# Tryton's own steps, which the keeper's buttons chain: for stock
# administrators only, so that nobody skips the keeper's steps
TRYTON_STEP_BUTTONS = [
    'draft', 'wait', 'assign_try', 'assign_force', 'assign_wizard', 'pick',
    'pack', 'ship', 'do',
    ]


class ConfigurationSaleMethod(metaclass=PoolMeta):
    __name__ = 'sale.configuration.sale_method'

    @classmethod
    def default_sale_shipment_method(cls):
        # An order is shipped when the salesperson asks for it (出库申请),
        # not as soon as it is approved
        return 'manual'


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    crm_consignee = fields.Many2One(
        'crm.contact', "Consignee",
        domain=[
            ('customer', '=', Eval('party', -1)),
            ],
        states={
            'invisible': Eval('crm_deal_type') != 'order',
            'readonly': Eval('state').in_(['done', 'cancelled']),
            },
        help="Who receives the goods (收货人): required before the outbound "
        "is requested, told to the stock keeper with the address.")
    crm_consignee_phone = fields.Function(fields.Char(
            "Consignee Phone",
            states={
                'invisible': Eval('crm_deal_type') != 'order',
                }),
        'on_change_with_crm_consignee_phone')

    @fields.depends('crm_consignee')
    def on_change_with_crm_consignee_phone(self, name=None):
        if self.crm_consignee:
            return self.crm_consignee.mobile or self.crm_consignee.phone

    def create_shipment(self, shipment_type):
        shipments = super().create_shipment(shipment_type)
        # The outbound request (manual shipment); a company that ships on
        # approval (shipment method 'order') has chosen to skip it
        if (shipments and shipment_type == 'out'
                and self.shipment_method == 'manual'):
            self.check_outbound_request()
        return shipments

    def check_outbound_request(self):
        "The keeper must know whom to ship to (11.6)"
        if self.crm_deal_type != 'order':
            return
        if not self.crm_consignee:
            raise OutboundRequestError(gettext(
                    'xtools_crm_stock.msg_outbound_consignee_required',
                    deal=self.rec_name))
        if not self.shipment_address or not (
                self.shipment_address.full_address or '').strip():
            raise OutboundRequestError(gettext(
                    'xtools_crm_stock.msg_outbound_address_required',
                    deal=self.rec_name))

    def _get_shipment_sale(self, Shipment, key):
        shipment = super()._get_shipment_sale(Shipment, key)
        if Shipment.__name__ == 'stock.shipment.out':
            for name, value in self._crm_outbound_values().items():
                setattr(shipment, name, value)
        return shipment

    def _crm_outbound_values(self):
        "What the keeper reads on the outbound document"
        consignee = self.crm_consignee
        address = self.shipment_address
        return {
            'crm_order': self.number or self.rec_name,
            'crm_customer_name': (self.shipment_party or self.party).rec_name,
            'crm_consignee_name': consignee.name if consignee else None,
            'crm_consignee_phone': (
                (consignee.mobile or consignee.phone) if consignee else None),
            'crm_delivery_address': (
                address.full_address if address else None),
            }

    def crm_shipping_progress(self):
        progress = super().crm_shipping_progress()
        # The keeper's confirmation: requested goods are now reserved
        for line in self.line_lines:
            if line.id not in progress.ordered:
                continue
            for move in line.moves:
                shipment = getattr(move, 'shipment', None)
                if (move.state != 'cancelled' and shipment
                        and shipment.__name__ == 'stock.shipment.out'
                        and shipment.state == 'assigned'):
                    progress.move(line.id, 'requested', 'confirmed',
                        Pool().get('product.uom').compute_qty(
                            move.unit, move.quantity, line.unit,
                            round=False))
        return progress

    @classmethod
    def copy(cls, sales, default=None):
        default = default.copy() if default else {}
        default.setdefault('crm_consignee')
        return super().copy(sales, default=default)


class SaleLine(metaclass=PoolMeta):
    __name__ = 'sale.line'

    crm_ship_requested = fields.Function(fields.Float(
            "Awaiting Keeper", digits='unit',
            states={'invisible': ~Eval('movable')}),
        'get_crm_shipping')
    crm_ship_confirmed = fields.Function(fields.Float(
            "Confirmed", digits='unit',
            states={'invisible': ~Eval('movable')}),
        'get_crm_shipping')
    crm_ship_out = fields.Function(fields.Float(
            "Out of Warehouse", digits='unit',
            states={'invisible': ~Eval('movable')}),
        'get_crm_shipping')
    crm_ship_shipped = fields.Function(fields.Float(
            "Shipped", digits='unit',
            states={'invisible': ~Eval('movable')}),
        'get_crm_shipping')
    crm_ship_remaining = fields.Function(fields.Float(
            "Not Shipped", digits='unit',
            states={'invisible': ~Eval('movable')},
            help="What is still to be shipped (未交付)."),
        'get_crm_shipping')

    @classmethod
    def get_crm_shipping(cls, lines, names):
        steps = {
            'crm_ship_requested': 'requested',
            'crm_ship_confirmed': 'confirmed',
            'crm_ship_out': 'out',
            'crm_ship_shipped': 'shipped',
            }
        result = {n: {l.id: None for l in lines} for n in names}
        for sale in {l.sale for l in lines}:
            progress = sale.crm_shipping_progress()
            for line in lines:
                if line.sale != sale or line.id not in progress.ordered:
                    continue
                for name in names:
                    if name == 'crm_ship_remaining':
                        value = progress.remaining(line.id)
                    else:
                        value = progress.quantity(line.id, steps[name])
                    result[name][line.id] = line.unit.round(value)
        return result


class ShipmentOut(ButtonAccessMixin, metaclass=PoolMeta):
    # Its record rules are in stock_rules.xml, not the customer's through
    # __access__: keepers also see the documents of customers they do not
    __name__ = 'stock.shipment.out'

    crm_order = fields.Char("Order", readonly=True)
    crm_customer_name = fields.Char("Customer Name", readonly=True)
    crm_consignee_name = fields.Char("Consignee", readonly=True)
    crm_consignee_phone = fields.Char("Consignee Phone", readonly=True)
    crm_delivery_address = fields.Text("Ship To", readonly=True)
    crm_step = fields.Function(fields.Selection(
            OUTBOUND_STEPS, "Step"),
        'get_crm_step', searcher='search_crm_step')
    # The keeper's form shows these instead of Tryton's fields, whose
    # states and domains need the customer: a keeper who cannot read the
    # customer would be refused the whole form
    crm_warehouse = fields.Function(fields.Many2One(
            'stock.location', "Warehouse", readonly=True),
        'get_crm_keeper_view')
    crm_goods = fields.Function(fields.Many2Many(
            'stock.move', None, None, "Goods", readonly=True),
        'get_crm_keeper_view')
    crm_confirmed_by = fields.Many2One(
        'res.user', "Confirmed By", readonly=True, ondelete='RESTRICT')
    crm_out_by = fields.Many2One(
        'res.user', "Taken Out By", readonly=True, ondelete='RESTRICT')
    crm_shipped_by = fields.Many2One(
        'res.user', "Shipped By", readonly=True, ondelete='RESTRICT')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'crm_confirm': {
                    'invisible': Eval('state') != 'waiting',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'crm_take_out': {
                    'invisible': Eval('state') != 'assigned',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'crm_ship': {
                    'invisible': Eval('state') != 'packed',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })
        for name in ['crm_confirm', 'crm_take_out', 'crm_ship']:
            cls._button_access[name] = Access('write', groups=(KEEPER,))
        for name in TRYTON_STEP_BUTTONS:
            cls._button_access[name] = Access(
                'write', groups=(STOCK_ADMIN,))

    @fields.depends('customer')
    def on_change_with_customer_location(self, name=None):
        # The outgoing moves' domain needs it: read as root, so that a
        # keeper who cannot read the customer opens its outbound (the
        # location is the customers' common one, nothing of the customer)
        with without_check_access():
            return super().on_change_with_customer_location(name=name)

    def get_crm_keeper_view(self, name):
        if name == 'crm_warehouse':
            return self.warehouse.id if self.warehouse else None
        return [m.id for m in self.outgoing_moves]

    @classmethod
    def get_crm_step(cls, shipments, name):
        return {s.id: STATE_STEP.get(s.state) for s in shipments}

    @classmethod
    def search_crm_step(cls, name, clause):
        _, operator, value = clause[:3]
        values = value if isinstance(value, (list, tuple)) else [value]
        states = [s for v in values for s in STEP_STATES.get(v, [])]
        if operator in {'=', 'in'}:
            return [('state', 'in', states)]
        if operator in {'!=', 'not in'}:
            return [('state', 'not in', states)]
        raise NotImplementedError(operator)

    @dualmethod
    def assign_try(cls, shipments):
        guard_dual_button(cls, 'assign_try', shipments)
        return super().assign_try(shipments)

    @classmethod
    @ModelView.button_action('xtools_crm_stock.wizard_outbound_confirm')
    def crm_confirm(cls, shipments):
        pass

    @classmethod
    def crm_lock_at_step(cls, shipments, states, action):
        """Lock the shipments and refuse any no longer in one of states:
        of two keepers acting at once, the second is told who was first"""
        lock_rows(cls, shipments)
        shipments = cls.browse(shipments)
        for shipment in shipments:
            if shipment.state not in states:
                handler = next((getattr(shipment, f) for f in reversed(
                            HANDLER_FIELDS) if getattr(shipment, f)), None)
                raise OutboundStepError(gettext(
                        'xtools_crm_stock.msg_outbound_not_at_step',
                        shipment=shipment.number or shipment.id,
                        action=action,
                        step=dict(cls.fields_get(['crm_step'])['crm_step']
                            ['selection']).get(STATE_STEP.get(shipment.state)),
                        user=handler.rec_name if handler else '-'))
        return shipments

    @classmethod
    def crm_confirm_batch(cls, shipment, quantities):
        """The keeper confirms the outbound, of each outgoing move the
        quantity given in quantities ({move id: quantity in the move's
        unit}; a move not given is confirmed in full). Less than requested
        splits the outbound: the rest is requested again in a new outbound
        document. The goods are reserved or the whole is refused."""
        pool = Pool()
        Move = pool.get('stock.move')
        shipment, = cls.crm_lock_at_step(
            [shipment], {'waiting'}, cls.crm_confirm_action())
        sales = {m.sale for m in shipment.outgoing_moves
            if getattr(m, 'sale', None)}
        if not Transaction().database.has_select_for():
            # Where rows cannot be locked, Tryton's assign_try locks the
            # table: taken late, the lock replays the request; taken
            # first, the replay starts clean
            Move.lock()
        to_write, to_delete, kept = [], [], []
        for move in shipment.outgoing_moves:
            if move.state == 'cancelled':
                continue
            quantity = quantities.get(move.id, move.quantity)
            quantity = move.unit.round(quantity or 0)
            if quantity < 0 or quantity > move.quantity:
                raise OutboundRequestError(gettext(
                        'xtools_crm_stock.msg_outbound_batch_quantity',
                        shipment=shipment.number,
                        product=move.product.rec_name,
                        requested=move.quantity))
            if quantity == 0:
                to_delete.append(move)
            else:
                kept.append(move)
                if quantity != move.quantity:
                    to_write.extend(([move], {'quantity': quantity}))
        if not kept:
            raise OutboundRequestError(gettext(
                    'xtools_crm_stock.msg_outbound_batch_empty',
                    shipment=shipment.number))
        split = bool(to_write or to_delete)
        if split:
            if to_write:
                Move.write(*to_write)
            if to_delete:
                Move.delete(to_delete)
            # The inventory moves follow the outgoing moves
            cls.wait([shipment])
            shipment = cls(shipment.id)
        assign_or_refuse(shipment.assign_moves, shipment.number)
        cls.assign([shipment])
        cls.write([shipment], {'crm_confirmed_by': Transaction().user})
        cls.crm_request_rest(sales)
        return shipment

    @classmethod
    def crm_request_rest(cls, sales):
        """Request what no outbound document holds any more (the rest of a
        batch) in a new outbound document, as Tryton's sale fulfilment
        does; nothing otherwise, so a replayed confirmation cannot lose
        the rest. Not through Sale.process: it locks the orders without
        waiting, which a keeper busy on the same order at the same moment
        would turn into an error instead of a wait."""
        shipments = []
        with Transaction().set_context(_sale_manual_shipment=True):
            for sale in Pool().get('sale.sale').browse(sales):
                for shipment in sale.create_shipment('out') or []:
                    shipments.append((sale, shipment))
        if shipments:
            cls.save([s for _, s in shipments])
            cls.wait([s for _, s in shipments])
            for sale, shipment in shipments:
                sale.copy_resources_to(shipment)

    @classmethod
    def crm_confirm_action(cls):
        return gettext('xtools_crm_stock.msg_action_confirm')

    @classmethod
    @ModelView.button
    def crm_take_out(cls, shipments):
        "出库: the goods leave the shelves, waiting to be shipped"
        shipments = cls.crm_lock_at_step(
            shipments, {'assigned'},
            gettext('xtools_crm_stock.msg_action_take_out'))
        to_pick = [s for s in shipments
            if s.warehouse_storage != s.warehouse_output]
        if to_pick:
            cls.pick(to_pick)
        cls.pack(cls.browse(shipments))
        cls.write(list(shipments), {'crm_out_by': Transaction().user})

    @classmethod
    @ModelView.button
    def crm_ship(cls, shipments):
        "发货: the goods are handed to the carrier or the customer"
        shipments = cls.crm_lock_at_step(
            shipments, {'packed'},
            gettext('xtools_crm_stock.msg_action_ship'))
        cls.ship(shipments)
        cls.do(cls.browse(shipments))
        cls.write(list(shipments), {'crm_shipped_by': Transaction().user})

    @classmethod
    def copy(cls, shipments, default=None):
        default = default.copy() if default else {}
        for name in HANDLER_FIELDS:
            default.setdefault(name)
        return super().copy(shipments, default=default)
