"""Returns of shipped orders (退货管理, SPEC S8).

A return document lists what comes back from an approved order's shipped
goods. Confirming it creates the inbound (对应入库单: a Tryton customer
return shipment received by the stock keeper) and expects the refund
records (对应退款, recorded by finance). It closes itself once the goods
are received back and the refunds reach its amount; it may be closed by
force (结束退货) or revoked (撤销) to the state before it, as long as the
goods have not been received back. The order shows 有退货 (has returns).
"""
from decimal import Decimal

from trytond import backend
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.model.fields import SQL_OPERATORS
from trytond.modules.currency.fields import Monetary
from trytond.modules.product import price_digits
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from xtools_crm_base.access import ButtonAccessMixin

from .deal import APPROVED_STATES
from .exceptions import ReturnAccessError, ReturnError

RETURN_STATES = [
    ('draft', "Draft"),
    ('processing', "Processing"),
    ('done', "Done"),
    ('closed', "Closed"),
    ('revoked', "Revoked"),
    ]
INBOUND_RECEIVED_STATES = {'received', 'done'}


class Return(ButtonAccessMixin, Workflow, ModelSQL, ModelView):
    "Deal Return"
    __name__ = 'crm.deal.return'
    __string__ = "Return"
    _rec_name = 'number'

    number = fields.Char("Number", readonly=True)
    deal = fields.Many2One(
        'sale.sale', "Order", required=True, ondelete='RESTRICT',
        states={
            'readonly': (Eval('state') != 'draft') | Eval('lines', [0]),
            },
        help="An approved order with shipped goods.")
    date = fields.Date(
        "Date", required=True,
        states={
            'readonly': Eval('state') != 'draft',
            })
    reason = fields.Text(
        "Reason",
        states={
            'readonly': Eval('state') != 'draft',
            })
    lines = fields.One2Many(
        'crm.deal.return.line', 'document', "Lines",
        states={
            'readonly': (Eval('state') != 'draft') | ~Eval('deal'),
            })
    currency = fields.Function(fields.Many2One(
            'currency.currency', "Currency"), 'on_change_with_currency')
    amount = fields.Function(Monetary(
            "Amount", currency='currency', digits='currency',
            help="The amount to refund."),
        'get_amounts')
    refunded_amount = fields.Function(Monetary(
            "Refunded", currency='currency', digits='currency'),
        'get_amounts')
    shipment = fields.Many2One(
        'stock.shipment.out.return', "Inbound", readonly=True,
        ondelete='RESTRICT',
        help="The inbound of the returned goods (对应入库单).")
    goods_received = fields.Function(
        fields.Boolean("Goods Received"), 'get_goods_received')
    refunds = fields.One2Many(
        'crm.deal.refund', 'document', "Refunds", readonly=True,
        help="The refunds of the return (对应退款).")
    customer = fields.Function(fields.Many2One(
            'party.party', "Customer"),
        'on_change_with_customer', searcher='search_customer')
    state = fields.Selection(
        RETURN_STATES, "State", readonly=True, required=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('deal')
        cls._order = [
            ('date', 'DESC'),
            ('id', 'DESC'),
            ]
        cls._transitions |= {
            ('draft', 'processing'),
            ('processing', 'done'),
            ('processing', 'closed'),
            ('draft', 'revoked'),
            ('processing', 'revoked'),
            }
        cls._buttons.update({
                'confirm': {
                    'invisible': Eval('state') != 'draft',
                    'readonly': ~Eval('lines', []),
                    'icon': 'tryton-forward',
                    'depends': ['state', 'lines'],
                    },
                'close': {
                    'invisible': Eval('state') != 'processing',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'revoke': {
                    'invisible': ~Eval('state').in_(['draft', 'processing']),
                    'icon': 'tryton-undo',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @fields.depends('deal', '_parent_deal.currency')
    def on_change_with_currency(self, name=None):
        return self.deal.currency if self.deal else None

    @fields.depends('deal', '_parent_deal.party')
    def on_change_with_customer(self, name=None):
        return self.deal.party if self.deal else None

    @classmethod
    def search_customer(cls, name, clause):
        return [('deal.party' + clause[0][len(name):], *clause[1:])]

    @classmethod
    def get_amounts(cls, returns, names):
        result = {n: {} for n in names}
        for return_ in returns:
            if 'amount' in names:
                result['amount'][return_.id] = sum(
                    (l.amount or 0 for l in return_.lines), Decimal(0))
            if 'refunded_amount' in names:
                result['refunded_amount'][return_.id] = sum(
                    (r.amount or 0 for r in return_.refunds), Decimal(0))
        return result

    def get_goods_received(self, name):
        return bool(self.shipment
            and self.shipment.state in INBOUND_RECEIVED_STATES)

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Sequence = pool.get('ir.sequence')
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('number'):
            sequence = Sequence(ModelData.get_id(
                    'xtools_crm_sales', 'sequence_return'))
            values['number'] = sequence.get()
        return values

    @classmethod
    def validate_fields(cls, returns, field_names):
        super().validate_fields(returns, field_names)
        if not field_names or 'deal' in field_names:
            cls.check_deal(returns)

    @classmethod
    def check_deal(cls, returns):
        for return_ in returns:
            deal = return_.deal
            if (deal.crm_deal_type != 'order'
                    or deal.state not in APPROVED_STATES
                    or deal.crm_shipping_status not in {'partial', 'all'}):
                raise ReturnError(gettext(
                        'xtools_crm_sales.msg_return_not_shipped',
                        deal=deal.rec_name))

    @classmethod
    def check_modification(cls, mode, returns, values=None, external=False):
        super().check_modification(
            mode, returns, values=values, external=external)
        if mode == 'delete':
            for return_ in returns:
                if return_.state != 'draft':
                    raise ReturnAccessError(gettext(
                            'xtools_crm_sales.msg_return_delete',
                            return_=return_.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('processing')
    def confirm(cls, returns):
        "Create the inbound of the returned goods"
        ShipmentOutReturn = Pool().get('stock.shipment.out.return')
        for return_ in returns:
            if not return_.lines:
                raise ReturnError(gettext(
                        'xtools_crm_sales.msg_return_no_lines',
                        return_=return_.rec_name))
        shipments = [r._get_inbound() for r in returns]
        ShipmentOutReturn.save(shipments)
        for return_, shipment in zip(returns, shipments):
            return_.shipment = shipment
        cls.save(returns)

    def _get_inbound(self):
        "The customer return shipment (入库单) of the lines"
        pool = Pool()
        ShipmentOutReturn = pool.get('stock.shipment.out.return')
        Location = pool.get('stock.location')
        deal = self.deal
        customer = deal.shipment_party or deal.party
        shipment = ShipmentOutReturn(
            customer=customer,
            company=deal.company,
            warehouse=deal.warehouse or Location.get_default_warehouse(),
            reference=self.number,
            planned_date=self.date)
        shipment.on_change_warehouse()
        shipment.contact_address = customer.address_get()
        shipment.moves = [l._get_move(shipment) for l in self.lines]
        return shipment

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, returns):
        "结束退货: close by force"
        pass

    @classmethod
    @Workflow.transition('done')
    def do(cls, returns):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('revoked')
    def revoke(cls, returns):
        "Back to the state before the return: no inbound, no refund"
        pool = Pool()
        ShipmentOutReturn = pool.get('stock.shipment.out.return')
        Refund = pool.get('crm.deal.refund')
        for return_ in returns:
            if return_.goods_received:
                raise ReturnAccessError(gettext(
                        'xtools_crm_sales.msg_return_revoke_received',
                        return_=return_.rec_name,
                        shipment=return_.shipment.rec_name))
        shipments = [r.shipment for r in returns
            if r.shipment and r.shipment.state != 'cancelled']
        if shipments:
            ShipmentOutReturn.cancel(shipments)
        refunds = [f for r in returns for f in r.refunds]
        if refunds:
            with Transaction().set_context(_crm_return_revoke=True):
                Refund.delete(refunds)

    @classmethod
    def check_complete(cls, returns):
        "Close by itself when all is received back and refunded"
        complete = [r for r in returns
            if r.state == 'processing' and r.goods_received
            and r.refunded_amount >= r.amount]
        if complete:
            cls.do(complete)

    @classmethod
    def copy(cls, returns, default=None):
        default = default.copy() if default else {}
        default.setdefault('number')
        default.setdefault('shipment')
        default.setdefault('refunds')
        return super().copy(returns, default=default)


class ReturnLine(ModelSQL, ModelView):
    "Deal Return Line"
    __name__ = 'crm.deal.return.line'
    __string__ = "Return Line"

    document = fields.Many2One(
        'crm.deal.return', "Return", required=True, ondelete='CASCADE')
    sale_line = fields.Many2One(
        'sale.line', "Order Line", required=True, ondelete='RESTRICT',
        domain=[
            ('sale', '=', Eval('_parent_document.deal', -1)),
            ('type', '=', 'line'),
            ('product.type', 'in', ['goods', 'assets']),
            ])
    product = fields.Function(fields.Many2One(
            'product.product', "Product"), 'on_change_with_product')
    quantity = fields.Float(
        "Quantity", digits='unit', required=True,
        domain=[('quantity', '>', 0)])
    unit = fields.Function(
        fields.Many2One('product.uom', "Unit"), 'on_change_with_unit')
    unit_price = Monetary(
        "Unit Price", currency='currency', digits=price_digits, required=True)
    amount = fields.Function(Monetary(
            "Amount", currency='currency', digits='currency'),
        'on_change_with_amount')
    currency = fields.Function(fields.Many2One(
            'currency.currency', "Currency"), 'on_change_with_currency')
    moves = fields.One2Many(
        'stock.move', 'origin', "Moves", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('document')

    @fields.depends('sale_line')
    def on_change_with_product(self, name=None):
        return self.sale_line.product if self.sale_line else None

    @fields.depends('sale_line')
    def on_change_with_unit(self, name=None):
        return self.sale_line.unit if self.sale_line else None

    @fields.depends('document', '_parent_document.currency')
    def on_change_with_currency(self, name=None):
        return self.document.currency if self.document else None

    @fields.depends('sale_line', 'unit_price', 'quantity')
    def on_change_sale_line(self):
        if self.sale_line:
            self.unit_price = self.sale_line.unit_price
            if not self.quantity:
                self.quantity = self.sale_line.crm_returnable_quantity

    @fields.depends('quantity', 'unit_price', 'currency')
    def on_change_with_amount(self, name=None):
        if self.quantity is None or self.unit_price is None:
            return None
        amount = Decimal(str(self.quantity)) * self.unit_price
        return self.currency.round(amount) if self.currency else amount

    @classmethod
    def validate_fields(cls, lines, field_names):
        super().validate_fields(lines, field_names)
        cls.check_quantities(lines, field_names)

    @classmethod
    def check_quantities(cls, lines, field_names=None):
        "Never return more than was shipped and not returned yet"
        if field_names and not field_names & {
                'sale_line', 'quantity', 'document'}:
            return
        for line in lines:
            if line.sale_line.sale != line.document.deal:
                raise ReturnError(gettext(
                        'xtools_crm_sales.msg_return_line_other_deal',
                        line=line.sale_line.rec_name,
                        deal=line.document.deal.rec_name))
        SaleLine = Pool().get('sale.line')
        for sale_line in SaleLine.browse({l.sale_line for l in lines}):
            if sale_line.crm_returnable_quantity < 0:
                raise ReturnError(gettext(
                        'xtools_crm_sales.msg_return_quantity_exceeds',
                        line=sale_line.rec_name,
                        shipped=sale_line.crm_shipped_quantity,
                        returned=sale_line.crm_returned_quantity))

    def _get_move(self, shipment):
        "The move bringing the goods back from the customer"
        Move = Pool().get('stock.move')
        deal = self.document.deal
        move = Move(
            product=self.sale_line.product,
            unit=self.sale_line.unit,
            quantity=self.quantity,
            from_location=shipment.customer.customer_location,
            to_location=shipment.warehouse_input,
            company=deal.company,
            planned_date=self.document.date,
            origin=self,
            state='draft')
        if move.on_change_with_unit_price_required():
            move.unit_price = self.unit_price
            move.currency = deal.currency
        return move


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    crm_returns = fields.One2Many(
        'crm.deal.return', 'deal', "Returns", readonly=True,
        states={
            'invisible': Eval('crm_deal_type') != 'order',
            })
    crm_has_returns = fields.Function(fields.Boolean(
            "Has Returns",
            help="The order has returns (有退货)."),
        'get_crm_has_returns', searcher='search_crm_has_returns')

    @classmethod
    def get_crm_has_returns(cls, sales, name):
        # Every return counts, whoever may read it (as before: a search
        # without access check), in one query per slice
        Return = Pool().get('crm.deal.return')
        return_ = Return.__table__()
        cursor = Transaction().connection.cursor()
        with_returns = set()
        for sub_ids in grouped_slice(
                [s.id for s in sales], backend.MAX_QUERY_PARAMS):
            cursor.execute(*return_.select(return_.deal,
                    where=SQL_OPERATORS['in'](return_.deal, sub_ids)
                    & (return_.state != 'revoked'),
                    group_by=[return_.deal]))
            with_returns.update(d for d, in cursor)
        return {s.id: s.id in with_returns for s in sales}

    @classmethod
    def search_crm_has_returns(cls, name, clause):
        _, operator, value = clause[:3]
        has = (operator == '=') == bool(value)
        domain = ('crm_returns', 'where', [('state', '!=', 'revoked')])
        return [domain] if has else [('crm_returns', 'not where',
                [('state', '!=', 'revoked')])]

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('//label[@id="crm_has_returns_tag"]', 'states', {
                    'invisible': ~Eval('crm_has_returns', False),
                    }),
            ]

    @classmethod
    def copy(cls, sales, default=None):
        default = default.copy() if default else {}
        default.setdefault('crm_returns')
        return super().copy(sales, default=default)


class SaleLine(metaclass=PoolMeta):
    __name__ = 'sale.line'

    @property
    def crm_shipped_quantity(self):
        "What left for the customer (done outgoing moves), in the line unit"
        Uom = Pool().get('product.uom')
        return sum((Uom.compute_qty(m.unit, m.quantity, self.unit)
                for m in self.moves if m.state == 'done'
                and m.to_location.type == 'customer'), 0.)

    @property
    def crm_returned_quantity(self):
        "What the returns (not revoked) of the line bring back"
        pool = Pool()
        ReturnLine = pool.get('crm.deal.return.line')
        with Transaction().set_context(_check_access=False):
            lines = ReturnLine.search([
                    ('sale_line', '=', self.id),
                    ('document.state', '!=', 'revoked'),
                    ])
        # A return line counts in the unit of its order line
        return sum((l.quantity for l in lines), 0.)

    @property
    def crm_returnable_quantity(self):
        return self.unit.round(
            self.crm_shipped_quantity - self.crm_returned_quantity)


class Move(metaclass=PoolMeta):
    __name__ = 'stock.move'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['crm.deal.return.line']


class ShipmentOutReturn(metaclass=PoolMeta):
    __name__ = 'stock.shipment.out.return'

    @classmethod
    def receive(cls, shipments):
        super().receive(shipments)
        cls._crm_check_returns(shipments)

    @classmethod
    def do(cls, shipments):
        super().do(shipments)
        cls._crm_check_returns(shipments)

    @classmethod
    def _crm_check_returns(cls, shipments):
        Return = Pool().get('crm.deal.return')
        with Transaction().set_context(_check_access=False):
            returns = Return.search([
                    ('shipment', 'in', [s.id for s in shipments]),
                    ('state', '=', 'processing'),
                    ])
        Return.check_complete(returns)

