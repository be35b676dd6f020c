"""Stock limits (库存上限/库存下限, SPEC K9; manual 10.7: "some products are
managed with an upper and a lower stock limit").

The limits are Tryton's own order points (``stock.order_point`` of
stock_supply): one per product and warehouse, its minimal quantity the
lower limit (下限) and its maximal quantity the upper limit (上限). So the
purchaser may also let Tryton's supply scheduler (purchase requests) refill
what falls below the minimum, up to the target quantity. Here they gain:

- the upper limit on warehouse order points too (Tryton shows it only for
  internal ones) and a target that follows the limits when left empty;
- limits on goods that are not bought (an assembled set): Tryton's purchase
  requests skip them (they search purchasable products only);
- the quantity in the warehouse and whether it is below, within or above
  its limits, searchable: the list of products outside their limits for
  the keeper and the purchaser (库存预警);
- the keeper's warning (a Tryton warning) when a confirmation of an
  outbound takes a product below its lower limit, and the purchasers' bell
  once it did.
"""
from collections import defaultdict

from trytond.exceptions import UserWarning
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access

from .availability import available_quantities

LIMIT_STATES = [
    ('below', "Below Minimum"),
    ('within', "Within Limits"),
    ('above', "Above Maximum"),
    ]
PURCHASER = 'xtools_crm_base.group_role_purchase'


class StockBelowMinimumWarning(UserWarning):
    "A confirmation takes a product below its lower stock limit"


class OrderPoint(metaclass=PoolMeta):
    __name__ = 'stock.order_point'

    crm_quantity = fields.Function(fields.Float(
            "Quantity in Stock", digits='unit',
            help="What the warehouse holds today."),
        'get_crm_limit')
    crm_limit_state = fields.Function(fields.Selection(
            LIMIT_STATES, "Stock Limits"),
        'get_crm_limit', searcher='search_crm_limit_state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # The upper limit (上限) of a warehouse
        cls.max_quantity.states = {}
        cls.max_quantity.help = (
            "The upper stock limit: more is reported as overstock.")
        cls.min_quantity.help = (
            "The lower stock limit: less is reported, and the keeper is "
            "warned when an outbound goes below it.")
        cls.target_quantity.help = (
            "What a refill aims at: the upper limit unless changed, or the "
            "lower one without it.")
        # Limits on any goods kept in stock, bought or assembled
        cls.product.domain = [
            ('type', '=', 'goods'),
            ('consumable', '=', False),
            ]

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create' and values.get('target_quantity') is None:
            target = values.get('max_quantity')
            if target is None:
                target = values.get('min_quantity')
            values['target_quantity'] = target or 0
        return values

    @fields.depends('max_quantity')
    def on_change_max_quantity(self):
        # A refill aims at the upper limit
        if self.max_quantity is not None:
            self.target_quantity = self.max_quantity

    @fields.depends('min_quantity', 'max_quantity', 'target_quantity')
    def on_change_min_quantity(self):
        if self.min_quantity is not None and (
                self.target_quantity is None
                or self.target_quantity < self.min_quantity):
            self.target_quantity = (
                self.max_quantity if self.max_quantity is not None
                else self.min_quantity)

    @property
    def crm_warehouse(self):
        return self.location.warehouse or self.location

    @classmethod
    def crm_quantities(cls, order_points):
        "{order point id: quantity in its warehouse today, default unit}"
        by_warehouse = defaultdict(list)
        for point in order_points:
            by_warehouse[point.crm_warehouse].append(point)
        result = {}
        with without_check_access():
            for warehouse, points in by_warehouse.items():
                storage = warehouse.storage_location or warehouse
                quantities = on_hand_quantities(
                    storage, [p.product for p in points])
                for point in points:
                    result[point.id] = quantities.get(point.product.id, 0)
        return result

    @staticmethod
    def crm_state_of(point, quantity):
        if point.min_quantity is not None and quantity < point.min_quantity:
            return 'below'
        if point.max_quantity is not None and quantity > point.max_quantity:
            return 'above'
        return 'within'

    @classmethod
    def get_crm_limit(cls, order_points, names):
        quantities = cls.crm_quantities(order_points)
        result = {n: {} for n in names}
        for point in order_points:
            quantity = quantities[point.id]
            if 'crm_quantity' in names:
                result['crm_quantity'][point.id] = point.unit.round(quantity)
            if 'crm_limit_state' in names:
                result['crm_limit_state'][point.id] = cls.crm_state_of(
                    point, quantity)
        return result

    @classmethod
    def search_crm_limit_state(cls, name, clause):
        _, operator, value = clause[:3]
        values = set(value if isinstance(value, (list, tuple)) else [value])
        if operator in {'=', 'in'}:
            keep = values.__contains__
        elif operator in {'!=', 'not in'}:
            keep = (lambda s: s not in values)
        else:
            raise NotImplementedError(operator)
        # The warehouse limits the user may read (record rules applied)
        points = cls.search([('type', '=', 'purchase')])
        quantities = cls.crm_quantities(points)
        return [('id', 'in', [p.id for p in points
                    if keep(cls.crm_state_of(p, quantities[p.id]))])]

    @classmethod
    def crm_limits_of(cls, warehouse, products):
        "{product id: order point} of the warehouse's limits on products"
        with without_check_access():
            points = cls.search([
                    ('type', '=', 'purchase'),
                    ('location', '=', warehouse.id),
                    ('product', 'in', [int(p) for p in products]),
                    ])
        return {p.product.id: p for p in points}


def on_hand_quantities(location, products):
    "{product id: quantity on hand today in location and its children}"
    pool = Pool()
    Product = pool.get('product.product')
    Date = pool.get('ir.date')
    product_ids = sorted({int(p) for p in products})
    if not product_ids:
        return {}
    with Transaction().set_context(stock_date_end=Date.today()):
        quantities = Product.products_by_location(
            [location.id], with_childs=True, grouping_filter=(product_ids,))
    result = defaultdict(float)
    for (_, product_id), quantity in quantities.items():
        result[product_id] += quantity
    return result


class ConfirmOutbound(metaclass=PoolMeta):
    __name__ = 'stock.shipment.out.crm_confirm'

    def _execute(self, state_name):
        # Around the confirmation (defined in outbound_confirm.py), once the
        # keeper's rights on the outbound are checked: the warning names
        # products and quantities
        if state_name != 'confirm':
            return super()._execute(state_name)
        self.check_state_access(state_name)
        below = self.crm_below_minimum()
        if below:
            Warning = Pool().get('res.user.warning')
            key = Warning.format('crm_stock_below_minimum', [self.record])
            if Warning.check(key):
                raise StockBelowMinimumWarning(key,
                    gettext('xtools_crm_stock.msg_outbound_below_minimum',
                        shipment=self.record.number or self.record.id),
                    '\n'.join(line for line, _ in below))
        result = super()._execute(state_name)
        if below:
            self.crm_ring_purchasers([point for _, point in below])
        return result

    def crm_below_minimum(self):
        """[(text, order point)] of the products this batch leaves below
        their lower limit in the outbound's warehouse: what the warehouse
        can still give (on hand, less what other documents reserved) less
        this batch"""
        pool = Pool()
        Uom = pool.get('product.uom')
        Lang = pool.get('ir.lang')
        OrderPoint = pool.get('stock.order_point')
        shipment = self.record
        batch = defaultdict(float)
        for line in self.start.lines:
            if not line.move or not line.quantity:
                continue
            move = line.move
            batch[move.product] += Uom.compute_qty(
                move.unit, line.quantity, move.product.default_uom,
                round=False)
        if not batch or not shipment.warehouse:
            return []
        limits = OrderPoint.crm_limits_of(shipment.warehouse, batch)
        products = [p for p in batch if p.id in limits
            and limits[p.id].min_quantity is not None]
        if not products:
            return []
        with without_check_access():
            available = available_quantities(
                shipment.warehouse_storage, products)
        lang = Lang.get()
        below = []
        for product in products:
            point = limits[product.id]
            left = available.get(product.id, 0) - batch[product]
            if left < point.min_quantity:
                unit = product.default_uom
                below.append((gettext(
                            'xtools_crm_stock.msg_below_minimum_line',
                            product=product.rec_name,
                            warehouse=shipment.warehouse.rec_name,
                            left=lang.format_number_symbol(
                                unit.round(left), unit),
                            minimum=lang.format_number_symbol(
                                point.min_quantity, unit)),
                        point))
        return below

    def crm_ring_purchasers(self, points):
        "The purchasers' bell: these products need restocking"
        from xtools_crm_base.bell import notify
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        group_id = ModelData.get_id(*PURCHASER.split('.'))
        with without_check_access():
            users = User.search([('groups', '=', group_id)])
            for point in points:
                notify(users, 'xtools_crm_stock.msg_bell_below_minimum',
                    variables={
                        'product': point.product.rec_name,
                        'warehouse': point.crm_warehouse.rec_name,
                        },
                    model='stock.order_point', ids=[point.id])
