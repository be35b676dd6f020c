"""Delivery records of contracts (交付记录, SPEC S4/S7).

A contract has no stock: its lines with their planned delivery date are
the delivery plan (交付计划); each delivery of a service is recorded here,
once the contract is approved, never beyond the quantity sold. The
delivered quantity of an order's line is what its outbound documents
shipped (Sale.crm_shipping_progress in deal_status.py).
"""
from collections import defaultdict

from sql.aggregate import Sum

from trytond import backend
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.model.fields import SQL_OPERATORS
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .deal import APPROVED_STATES
from .exceptions import DeliveryError, DeliveryNotApprovedError

DELIVERY_STATUSES = [
    ('none', "--"),
    ('undelivered', "Not Delivered"),
    ('partial', "Partial"),
    ('all', "All"),
    ]


class Delivery(ModelSQL, ModelView):
    "Contract Delivery"
    __name__ = 'crm.deal.delivery'
    __string__ = "Contract Delivery"

    deal = fields.Many2One(
        'sale.sale', "Contract", required=True, ondelete='CASCADE',
        help="An approved contract.")
    line = fields.Many2One(
        'sale.line', "Line", required=True, ondelete='RESTRICT',
        domain=[
            ('sale', '=', Eval('deal', -1)),
            ('type', '=', 'line'),
            ])
    date = fields.Date("Date", required=True)
    quantity = fields.Float(
        "Quantity", digits='unit', required=True,
        domain=[('quantity', '>', 0)])
    unit = fields.Function(
        fields.Many2One('product.uom', "Unit"), 'on_change_with_unit')
    delivered_by = fields.Many2One(
        'res.user', "Delivered By", required=True, ondelete='RESTRICT')
    note = fields.Text("Note")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('deal')
        cls._order.insert(0, ('date', 'DESC'))

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_delivered_by(cls):
        return Transaction().user or None

    @fields.depends('line')
    def on_change_with_unit(self, name=None):
        return self.line.unit if self.line else None

    @fields.depends('line', 'quantity')
    def on_change_line(self):
        if self.line and not self.quantity:
            self.quantity = self.line.crm_remaining_delivery

    @classmethod
    def validate_fields(cls, deliveries, field_names):
        super().validate_fields(deliveries, field_names)
        cls.check_deliveries(deliveries, field_names)

    @classmethod
    def check_deliveries(cls, deliveries, field_names=None):
        if field_names and not field_names & {'deal', 'line', 'quantity'}:
            return
        lines = set()
        for delivery in deliveries:
            deal = delivery.deal
            if deal.crm_deal_type != 'contract':
                raise DeliveryError(gettext(
                        'xtools_crm_sales.msg_delivery_not_contract',
                        deal=deal.rec_name))
            if deal.state not in APPROVED_STATES:
                raise DeliveryNotApprovedError(gettext(
                        'xtools_crm_sales.msg_delivery_not_approved',
                        deal=deal.rec_name))
            if delivery.line.sale != deal:
                raise DeliveryError(gettext(
                        'xtools_crm_sales.msg_delivery_line_other_deal',
                        line=delivery.line.rec_name, deal=deal.rec_name))
            lines.add(delivery.line)
        SaleLine = Pool().get('sale.line')
        for line in SaleLine.browse(lines):
            if line.crm_delivered_quantity > abs(line.quantity or 0):
                raise DeliveryError(gettext(
                        'xtools_crm_sales.msg_delivery_exceeds',
                        line=line.rec_name,
                        quantity=line.quantity,
                        delivered=line.crm_delivered_quantity))

    @classmethod
    def on_modification(cls, mode, deliveries, field_names=None):
        super().on_modification(mode, deliveries, field_names=field_names)
        if mode in {'create', 'write'}:
            Sale = Pool().get('sale.sale')
            Sale.crm_update_status(Sale.browse({d.deal for d in deliveries}))


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    crm_deliveries = fields.One2Many(
        'crm.deal.delivery', 'deal', "Deliveries",
        states={
            'invisible': Eval('crm_deal_type') != 'contract',
            'readonly': ~Eval('state').in_(sorted(APPROVED_STATES)),
            })
    crm_delivery_status = fields.Function(fields.Selection(
            DELIVERY_STATUSES, "Delivery Status",
            states={
                'invisible': Eval('crm_deal_type') != 'contract',
                }),
        'get_crm_delivery_status')

    @classmethod
    def get_crm_delivery_status(cls, sales, name):
        "crm_compute_delivery_status of a page of deals in two queries"
        pool = Pool()
        SaleLine = pool.get('sale.line')
        Delivery = pool.get('crm.deal.delivery')
        Uom = pool.get('product.uom')
        line = SaleLine.__table__()
        delivery = Delivery.__table__()
        cursor = Transaction().connection.cursor()
        result = {s.id: 'none' for s in sales}
        contracts = [i for i, c in cls.crm_columns(
                sales, ['crm_deal_type', 'state']).items()
            if c['crm_deal_type'] == 'contract'
            and c['state'] in APPROVED_STATES]
        # The lines with a quantity (line_lines) and what was delivered
        lines = defaultdict(list)
        for sub_ids in grouped_slice(contracts, backend.MAX_QUERY_PARAMS):
            cursor.execute(*line.join(delivery, 'LEFT',
                    condition=delivery.line == line.id).select(
                    line.sale, line.quantity, line.unit,
                    Sum(delivery.quantity),
                    where=SQL_OPERATORS['in'](line.sale, sub_ids)
                    & (line.type == 'line'),
                    group_by=[line.id, line.sale, line.quantity, line.unit]))
            for sale_id, quantity, unit, delivered in cursor:
                if quantity:
                    lines[sale_id].append((quantity, unit, delivered or 0.))
        units = {u.id: u for u in Uom.browse(
                {u for l in lines.values() for _, u, _ in l if u})}

        def round_(unit, quantity):
            return units[unit].round(quantity) if unit else quantity
        for sale_id, sale_lines in lines.items():
            # as SaleLine.crm_delivered_quantity / crm_remaining_delivery
            delivered = [round_(u, d) for _, u, d in sale_lines]
            remaining = [round_(u, abs(q) - d)
                for (q, u, _), d in zip(sale_lines, delivered)]
            if all(r <= 0 for r in remaining):
                result[sale_id] = 'all'
            elif any(delivered):
                result[sale_id] = 'partial'
            else:
                result[sale_id] = 'undelivered'
        return result

    def crm_compute_delivery_status(self):
        if (self.crm_deal_type != 'contract'
                or self.state not in APPROVED_STATES):
            return 'none'
        lines = [l for l in self.line_lines if l.quantity]
        if not lines:
            return 'none'
        if all(l.crm_remaining_delivery <= 0 for l in lines):
            return 'all'
        if any(l.crm_delivered_quantity for l in lines):
            return 'partial'
        return 'undelivered'

    def crm_services_delivered(self):
        "Whether every line of the contract is delivered in full"
        return all(l.crm_remaining_delivery <= 0
            for l in self.line_lines if l.quantity)

    @classmethod
    def copy(cls, sales, default=None):
        default = default.copy() if default else {}
        default.setdefault('crm_deliveries')
        return super().copy(sales, default=default)


class SaleLine(metaclass=PoolMeta):
    __name__ = 'sale.line'

    crm_delivered_quantity = fields.Function(fields.Float(
            "Delivered", digits='unit',
            states={
                'invisible': Eval('type') != 'line',
                }),
        'get_crm_delivered_quantity')

    @classmethod
    def get_crm_delivered_quantity(cls, lines, name):
        Delivery = Pool().get('crm.deal.delivery')
        delivery = Delivery.__table__()
        cursor = Transaction().connection.cursor()
        result = defaultdict(float)
        for sub_ids in grouped_slice(
                [l.id for l in lines], backend.MAX_QUERY_PARAMS):
            cursor.execute(*delivery.select(
                    delivery.line, Sum(delivery.quantity),
                    where=SQL_OPERATORS['in'](delivery.line, sub_ids),
                    group_by=[delivery.line]))
            for line_id, quantity in cursor:
                result[line_id] = quantity or 0.
        # The goods of an order are delivered by shipping them: what the
        # stock documents shipped (the hook of deal_status.py)
        for sale in {l.sale for l in lines
                if l.sale.crm_deal_type == 'order'}:
            progress = sale.crm_shipping_progress()
            for line_id in progress.ordered:
                result[line_id] += progress.quantity(line_id, 'shipped')
        return {l.id: l.unit.round(result[l.id]) if l.unit
            else result[l.id] for l in lines}

    @property
    def crm_remaining_delivery(self):
        quantity = abs(self.quantity or 0) - self.crm_delivered_quantity
        return self.unit.round(quantity) if self.unit else quantity
