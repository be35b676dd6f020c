"""Purchases and their inbound documents (采购入库, SPEC K2) on Tryton's
``purchase.purchase`` and ``stock.shipment.in`` (入库单):

- the purchaser writes the purchase (采购单) and, once it is confirmed,
  makes an inbound document of what is still expected (生成入库单);
- the keeper checks the goods received against it, corrects the
  quantities (a line at 0 stays expected) and confirms it (确认入库):
  Tryton receives it and puts the goods in storage;
- what was not received stays expected on the purchase (Tryton's purchase
  recreates the rest): the next inbound document takes it, as many times as
  needed (多次入库);
- a purchase may be linked to an approved order (与订单关联的采购单) and
  import the goods of its lines; the order lists its purchases and their
  total;
- with the purchase approval setting on (采购单审批), only a boss, a CRM
  administrator or a holder of the purchase permission approves
  (confirms) a submitted purchase.

Reuse notes: Tryton's ``purchase_request`` and ``sale_supply`` create
purchase requests by themselves (from order points, or for every order line
of a product supplied on sale, holding its shipment until the goods come);
the company here links a purchase to an order by hand and imports the
products only (12.3), so they are not used for this. stock_supply (which
brings purchase_request) serves the stock limits (stock_limit.py).
"""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction

from xtools_crm_base.access import Access, ButtonAccessMixin, check_rights

from .exceptions import (
    InboundError, OutboundStepError, PurchaseApprovalError,
    PurchaseOrderLinkError)
from .locking import lock_rows

KEEPER = 'xtools_crm_base.group_role_stock'
PURCHASER_GROUPS = (
    'xtools_crm_base.group_role_purchase',
    'xtools_crm_base.group_perm_purchase',
    )
APPROVED_SALE_STATES = ['confirmed', 'processing', 'done']


class Configuration(metaclass=PoolMeta):
    __name__ = 'purchase.configuration'

    crm_purchase_approval = fields.Boolean(
        "Purchase Approval",
        help="A submitted purchase is confirmed only by a boss, a CRM "
        "administrator or a holder of the purchase permission (采购单审批).")

    @classmethod
    def default_crm_purchase_approval(cls):
        return False


class ConfigurationPurchaseMethod(metaclass=PoolMeta):
    __name__ = 'purchase.configuration.purchase_method'

    @classmethod
    def default_purchase_invoice_method(cls):
        # The CRM records payments without Tryton's accounting: a purchase
        # makes no supplier invoice unless asked (which would need accounts
        # on every product)
        return 'manual'


class Purchase(ButtonAccessMixin, metaclass=PoolMeta):
    __name__ = 'purchase.purchase'

    crm_sale = fields.Many2One(
        'sale.sale', "Linked Order", ondelete='RESTRICT',
        domain=[
            ('crm_deal_type', '=', 'order'),
            ('state', 'in', APPROVED_SALE_STATES),
            ],
        states={
            'readonly': Eval('state') != 'draft',
            },
        help="The approved order these goods are bought for (与订单关联的"
        "采购单): its products can be imported as lines.")
    crm_sale_number = fields.Char(
        "Order Number", readonly=True,
        help="The number of the linked order, readable by whoever reads "
        "the purchase.")
    crm_submitted_by = fields.Many2One(
        'res.user', "Submitted By", readonly=True, ondelete='RESTRICT')
    crm_approved_by = fields.Many2One(
        'res.user', "Approved By", readonly=True, ondelete='RESTRICT')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'crm_import_sale_lines': {
                    'invisible': ((Eval('state') != 'draft')
                        | ~Bool(Eval('crm_sale'))),
                    'icon': 'tryton-import',
                    'depends': ['state', 'crm_sale'],
                    },
                'crm_create_inbound': {
                    'invisible': ~Eval('state').in_(
                        ['processing', 'done']),
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                })
        # Confirming a submitted purchase may be an approval: the method
        # checks who approves (crm_check_approval)
        cls._button_access['crm_create_inbound'] = Access(
            'write', groups=PURCHASER_GROUPS)

    @fields.depends('crm_sale')
    def on_change_crm_sale(self):
        self.crm_sale_number = self.crm_sale.number if self.crm_sale else None

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('crm_sale'):
            Sale = Pool().get('sale.sale')
            with Transaction().set_context(_check_access=False):
                sale = Sale(values['crm_sale'])
                values['crm_sale_number'] = sale.number or str(sale.id)
        elif 'crm_sale' in values:
            values['crm_sale_number'] = None
        return values

    # -- approval ------------------------------------------------------------

    @classmethod
    def crm_approval_required(cls):
        Config = Pool().get('purchase.configuration')
        return bool(Config(1).crm_purchase_approval)

    @classmethod
    def crm_may_approve(cls, user):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        if user.id == 0 or user.crm_level == 'boss':
            return True
        groups = set()
        for module, fs_id in [
                ('xtools_crm_base', 'group_crm_admin'),
                ('xtools_crm_base', 'group_perm_purchase')]:
            groups.add(ModelData.get_id(module, fs_id))
        with Transaction().set_user(user.id):
            return bool(groups & set(User.get_groups()))

    @classmethod
    def crm_check_approval(cls, purchases):
        User = Pool().get('res.user')
        if not purchases or not cls.crm_approval_required():
            return
        user_id = Transaction().user
        with Transaction().set_user(0):
            user = User(user_id)
        if cls.crm_may_approve(user):
            return
        raise PurchaseApprovalError(gettext(
                'xtools_crm_stock.msg_purchase_not_approver',
                purchase=purchases[0].rec_name))

    @classmethod
    def quote(cls, purchases):
        "Submit (提交): for approval when the setting is on"
        super().quote(purchases)
        cls.write([p for p in purchases if p.state == 'quotation'], {
                'crm_submitted_by': Transaction().user or None,
                })

    @classmethod
    def confirm(cls, purchases):
        "Confirm, or approve (审批同意) when the setting is on"
        cls.crm_check_approval(
            [p for p in purchases if p.state == 'quotation'])
        super().confirm(purchases)
        if cls.crm_approval_required():
            cls.write([p for p in purchases if p.state != 'quotation'], {
                    'crm_approved_by': Transaction().user or None,
                    })

    # -- linked order ----------------------------------------------------------

    @classmethod
    @ModelView.button
    def crm_import_sale_lines(cls, purchases):
        """Add the goods of the linked order's lines (导入关联订单的明细产品):
        the products, the ordered quantities and their cost price, all
        editable before the purchase is submitted."""
        pool = Pool()
        Line = pool.get('purchase.line')
        Sale = pool.get('sale.sale')
        Move = pool.get('stock.move')
        to_save = []
        for purchase in purchases:
            if purchase.state != 'draft' or not purchase.crm_sale:
                continue
            # The order is read with the caller's rights
            check_rights(Sale, [purchase.crm_sale], 'read')
            sale = Sale(purchase.crm_sale.id)
            if sale.crm_deal_type != 'order' or (
                    sale.state not in APPROVED_SALE_STATES):
                raise PurchaseOrderLinkError(gettext(
                        'xtools_crm_stock.msg_purchase_order_not_approved',
                        purchase=purchase.rec_name))
            present = {l.product for l in purchase.lines
                if getattr(l, 'product', None)}
            for sale_line in sale.line_lines:
                product = sale_line.product
                if (not product or product in present
                        or product.type not in Move.get_product_types()):
                    continue
                # Not Tryton's on_change_product: outside a client's form
                # it insists on accounts and taxes the company may not keep
                line = Line(purchase=purchase, type='line')
                line.product = product
                line.unit = sale_line.unit
                line.quantity = abs(sale_line.quantity)
                line.unit_price = product.cost_price or Decimal(0)
                line.taxes = []
                to_save.append(line)
                present.add(product)
        Line.save(to_save)

    # -- inbound documents ---------------------------------------------------

    @classmethod
    @ModelView.button
    def crm_create_inbound(cls, purchases):
        "Make an inbound document (生成入库单) of what each purchase expects"
        cls.crm_inbounds_for(purchases)

    @classmethod
    def crm_inbounds_for(cls, purchases):
        """The inbound documents of what each purchase still expects, made
        and returned"""
        pool = Pool()
        Move = pool.get('stock.move')
        ShipmentIn = pool.get('stock.shipment.in')
        lock_rows(cls, purchases)
        shipments = []
        for purchase in cls.browse(purchases):
            moves = Move.search([
                    ('purchase', '=', purchase.id),
                    ('state', '=', 'draft'),
                    ('shipment', '=', None),
                    ('quantity', '>', 0),
                    ])
            if not moves:
                raise InboundError(gettext(
                        'xtools_crm_stock.msg_inbound_nothing_expected',
                        purchase=purchase.rec_name))
            shipment = ShipmentIn(
                company=purchase.company,
                supplier=purchase.party,
                warehouse=purchase.warehouse,
                reference=purchase.number,
                crm_purchase=purchase,
                )
            shipment.on_change_warehouse()
            shipment.contact_address = purchase.party.address_get()
            shipment.moves = moves
            shipments.append(shipment)
        with Transaction().set_context(_check_access=False):
            ShipmentIn.save(shipments)
        return shipments


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    crm_purchases = fields.One2Many(
        'purchase.purchase', 'crm_sale', "Purchases", readonly=True,
        states={
            'invisible': Eval('crm_deal_type') != 'order',
            })
    crm_purchase_amount = fields.Function(fields.Numeric(
            "Purchase Amount", digits=(16, 2),
            states={
                'invisible': Eval('crm_deal_type') != 'order',
                },
            help="The total of the purchases linked to the order."),
        'get_crm_purchase_amount')

    @classmethod
    def get_crm_purchase_amount(cls, sales, name):
        Purchase = Pool().get('purchase.purchase')
        result = {s.id: Decimal(0) for s in sales}
        with Transaction().set_context(_check_access=False):
            for purchase in Purchase.search([
                        ('crm_sale', 'in', [s.id for s in sales]),
                        ('state', '!=', 'cancelled'),
                        ]):
                result[purchase.crm_sale.id] += (
                    purchase.total_amount or Decimal(0))
        return result


class ShipmentIn(ButtonAccessMixin, metaclass=PoolMeta):
    __name__ = 'stock.shipment.in'

    crm_purchase = fields.Many2One(
        'purchase.purchase', "Purchase", readonly=True,
        ondelete='RESTRICT')
    crm_received_by = fields.Many2One(
        'res.user', "Received By", readonly=True, ondelete='RESTRICT')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'crm_receive': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })
        cls._button_access['crm_receive'] = Access('write', groups=(KEEPER,))
        for name in ['receive', 'do']:
            cls._button_access[name] = Access(
                'write', groups=('stock.group_stock_admin',))

    @classmethod
    @ModelView.button
    def crm_receive(cls, shipments):
        """确认入库: the keeper confirms the quantities received; a line at
        0 is not received now and stays expected on its purchase"""
        pool = Pool()
        Move = pool.get('stock.move')
        lock_rows(cls, shipments)
        shipments = cls.browse(shipments)
        for shipment in shipments:
            if shipment.state != 'draft':
                raise OutboundStepError(gettext(
                        'xtools_crm_stock.msg_inbound_not_draft',
                        shipment=shipment.number or shipment.id,
                        user=shipment.crm_received_by.rec_name
                        if shipment.crm_received_by else '-'))
        # Not received now: the purchase expects it again (Tryton's purchase
        # recreates what its lines still miss)
        empty = [m for s in shipments for m in s.incoming_moves
            if not m.quantity]
        if empty:
            Move.delete(empty)
        shipments = cls.browse(shipments)
        for shipment in shipments:
            if not shipment.incoming_moves:
                raise InboundError(gettext(
                        'xtools_crm_stock.msg_inbound_empty',
                        shipment=shipment.number or shipment.id))
        cls.receive(shipments)
        cls.do(cls.browse(shipments))
        cls.write(list(shipments), {
                'crm_received_by': Transaction().user or None,
                })

    @classmethod
    def copy(cls, shipments, default=None):
        default = default.copy() if default else {}
        default.setdefault('crm_received_by')
        return super().copy(shipments, default=default)
