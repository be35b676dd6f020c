"""Cost price adjustment (调成本价 and 订单成本微调, SPEC K10).

After a purchase (manual 10.8): the products received from a supplier
since their cost price was last set are listed for whoever holds the
cost-price permission (需要调整成本价的产品), with the price paid and the
cost price; "Adjust Cost Price" sets the new cost price and sale price.
The cost price is Tryton's own (``product.cost_price``, fixed or average)
and is changed the way Tryton's "Modify Cost Price" does it: a
``product.cost_price.revision`` dated today, then the cost updated (fixed)
or recomputed from the moves (average). The revisions are the history of
the adjustments, and a product leaves the list once reviewed (a revision
dated on or after its last inbound), even when its cost price was kept.

Per shipped order (manual 8.8): a cost price that changed but was not
adjusted in time makes the shipped goods' cost, and so the margin, wrong.
Tryton keeps the cost of each shipped move (``stock.move.cost_price``, set
when it is done, the base of Tryton's margin reporting); the order's
"Adjust Shipped Cost" corrects it, only for orders with goods shipped and
only for the cost-price permission.

Tryton's product_cost_history (the history of the cost price by date) is
not used: the cost of what was shipped is already on its moves, and the
revisions tell who changed the cost price, when and to what.

Who reads cost prices: field access (cost_adjustment.xml) on every cost
field of products, moves and assembly documents, and model access on the
cost price tables, so that without the permission they are neither in the
forms nor readable over RPC.
"""
from decimal import Decimal

from sql import Literal, Null, Window
from sql.functions import RowNumber
from sql.operators import Exists

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.product import price_digits, round_price
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from xtools_crm_base.access import Access, CheckedWizardMixin

COST_PRICE = 'xtools_crm_base.group_perm_cost_price'


class CostAdjustmentError(UserError):
    pass


class CostReview(ModelSQL, ModelView):
    "A product received since its cost price was last set"
    __name__ = 'crm.stock.cost_review'
    __string__ = "Product to Re-cost"

    product = fields.Many2One('product.product', "Product", readonly=True,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    company = fields.Many2One('company.company', "Company", readonly=True)
    date = fields.Date("Received", readonly=True)
    move = fields.Many2One('stock.move', "Inbound Move", readonly=True)
    unit = fields.Function(
        fields.Many2One('product.uom', "Unit"), 'get_prices')
    purchase_price = fields.Function(fields.Numeric(
            "Purchase Price", digits=price_digits,
            help="The unit price of the last inbound, in the product's "
            "unit."), 'get_prices')
    cost_price = fields.Function(fields.Numeric(
            "Cost Price", digits=price_digits), 'get_prices')
    price_changed = fields.Function(fields.Boolean(
            "Price Changed",
            help="The last purchase price differs from the cost price."),
        'get_prices', searcher='search_price_changed')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def table_query(cls):
        """The last inbound from a supplier of each product and company,
        when no cost revision is dated on or after it"""
        pool = Pool()
        Move = pool.get('stock.move')
        Location = pool.get('stock.location')
        Product = pool.get('product.product')
        Revision = pool.get('product.cost_price.revision')
        move = Move.__table__()
        supplier = Location.__table__()
        product = Product.__table__()
        revision = Revision.__table__()
        ranked = move.join(supplier,
            condition=move.from_location == supplier.id
            ).select(
                move.id, move.product, move.company, move.effective_date,
                RowNumber(window=_window(move)).as_('rank'),
                where=(move.state == 'done')
                & (supplier.type == 'supplier'))
        reviewed = revision.select(Literal(1),
            where=(revision.company == ranked.company)
            & (revision.date >= ranked.effective_date)
            & ((revision.product == ranked.product)
                | ((revision.product == Null)
                    & (revision.template == product.template))))
        return ranked.join(product,
            condition=ranked.product == product.id
            ).select(
                ranked.id.as_('id'),
                ranked.product.as_('product'),
                ranked.company.as_('company'),
                ranked.effective_date.as_('date'),
                ranked.id.as_('move'),
                where=(ranked.rank == 1) & ~Exists(reviewed))

    @classmethod
    def get_prices(cls, reviews, names):
        pool = Pool()
        Uom = pool.get('product.uom')
        Currency = pool.get('currency.currency')
        result = {n: {} for n in names}
        with without_check_access():
            for review in cls.browse(reviews):
                move, product = review.move, review.product
                unit = product.default_uom
                price = move.unit_price
                if price is not None:
                    price = Uom.compute_price(move.unit, price, unit)
                    if move.currency != move.company.currency:
                        price = Currency.compute(
                            move.currency, price, move.company.currency,
                            date=move.effective_date, round=False)
                    price = round_price(price)
                with Transaction().set_context(company=review.company.id):
                    cost = type(product)(product.id).cost_price
                values = {
                    'unit': unit.id,
                    'purchase_price': price,
                    'cost_price': cost,
                    'price_changed': (
                        price is not None and price != (cost or 0)),
                    }
                for name in names:
                    result[name][review.id] = values[name]
        return result

    @classmethod
    def search_price_changed(cls, name, clause):
        _, operator, value = clause[:3]
        if operator not in {'=', '!='}:
            raise NotImplementedError(operator)
        wanted = bool(value) if operator == '=' else not value
        reviews = cls.search([])
        changed = cls.get_prices(reviews, ['price_changed'])['price_changed']
        return [('id', 'in', [i for i, c in changed.items() if c == wanted])]


def _window(move):
    return Window([move.product, move.company],
        order_by=[move.effective_date.desc, move.id.desc])


def set_cost_prices(products, company, date=None):
    """Set the cost price of products ({product: new cost price}) in
    company as Tryton's Modify Cost Price does: a revision each, then the
    cost updated (fixed) or recomputed from the moves (average)"""
    pool = Pool()
    Product = pool.get('product.product')
    Revision = pool.get('product.cost_price.revision')
    Date = pool.get('ir.date')
    today = Date.today()
    date = date or today
    revisions, costs, to_recompute = [], {}, []
    with Transaction().set_context(company=company.id):
        for product, cost in products.items():
            product = Product(product.id)
            cost = round_price(cost)
            revisions.append(Revision(
                    template=product.template, product=product,
                    company=company, date=date, cost_price=str(cost)))
            if ((product.cost_price_method == 'fixed' and date == today)
                    or product.type == 'service'):
                costs.setdefault(cost, []).append(product)
            else:
                to_recompute.append(product)
        Revision.save(revisions)
        if costs:
            Product.update_cost_price(costs)
        if to_recompute:
            Product.recompute_cost_price(to_recompute, start=date)
    return revisions


class AdjustCostStart(ModelView):
    "Adjust cost prices"
    __name__ = 'crm.stock.cost_review.adjust.start'
    __string__ = "Adjust Cost Price"

    lines = fields.One2Many(
        'crm.stock.cost_review.adjust.line', None, "Products")


class AdjustCostLine(ModelView):
    "A product whose cost price is adjusted"
    __name__ = 'crm.stock.cost_review.adjust.line'
    __string__ = "Cost Price to Adjust"

    product = fields.Many2One('product.product', "Product", readonly=True)
    purchase_price = fields.Numeric(
        "Purchase Price", digits=price_digits, readonly=True)
    cost_price = fields.Numeric(
        "Cost Price", digits=price_digits, readonly=True)
    new_cost_price = fields.Numeric(
        "New Cost Price", digits=price_digits, required=True,
        domain=[('new_cost_price', '>=', 0)])
    list_price = fields.Numeric(
        "Sale Price", digits=price_digits, required=True,
        domain=[('list_price', '>=', 0)],
        help="The product's sale price, to change with its cost.")


class AdjustCost(CheckedWizardMixin, Wizard):
    "Adjust cost prices"
    __name__ = 'crm.stock.cost_review.adjust'
    _state_access = {'adjust': Access('read', groups=(COST_PRICE,))}

    start = StateView(
        'crm.stock.cost_review.adjust.start',
        'xtools_crm_stock.cost_review_adjust_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Adjust", 'adjust', 'tryton-ok', default=True),
            ])
    adjust = StateTransition()

    def default_start(self, fields):
        lines = []
        for review in self.records:
            lines.append({
                    'product': review.product.id,
                    'purchase_price': review.purchase_price,
                    'cost_price': review.cost_price,
                    'new_cost_price': (
                        review.purchase_price
                        if review.purchase_price is not None
                        else review.cost_price),
                    'list_price': review.product.list_price_used,
                    })
        return {'lines': lines}

    def transition_adjust(self):
        pool = Pool()
        Template = pool.get('product.template')
        Product = pool.get('product.product')
        # Only the products of the reviews the user selected
        reviews = {r.product: r for r in self.records}
        by_company = {}
        list_prices, variant_prices = [], []
        for line in self.start.lines:
            review = reviews.get(line.product)
            if not review:
                continue
            by_company.setdefault(review.company, {})[review.product] = (
                line.new_cost_price)
            product = review.product
            if line.list_price != product.list_price_used:
                # The variant's own sale price when it has one
                if product.list_price is not None:
                    variant_prices.extend(([product],
                            {'list_price': line.list_price}))
                else:
                    list_prices.extend(([product.template],
                            {'list_price': line.list_price}))
        for company, products in by_company.items():
            set_cost_prices(products, company)
        if list_prices:
            Template.write(*list_prices)
        if variant_prices:
            Product.write(*variant_prices)
        return 'end'


class Move(metaclass=PoolMeta):
    __name__ = 'stock.move'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Read on demand, not with the move's other fields: whoever lacks
        # the cost-price permission still reads the rest of a move
        cls.cost_price.loading = 'lazy'
        cls.product_cost_price.loading = 'lazy'


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    def crm_shipped_moves(self):
        "The done moves that took this order's goods to the customer"
        return [m for l in self.lines for m in getattr(l, 'moves', [])
            if m.state == 'done' and m.to_location.type == 'customer']


class AdjustShippedCostStart(ModelView):
    "Adjust the cost of an order's shipped goods"
    __name__ = 'sale.sale.crm_cost_adjust.start'
    __string__ = "Adjust Shipped Cost"

    sale = fields.Many2One('sale.sale', "Order", readonly=True)
    lines = fields.One2Many(
        'sale.sale.crm_cost_adjust.line', None, "Shipped Goods")


class AdjustShippedCostLine(ModelView):
    "The cost of goods shipped by one move"
    __name__ = 'sale.sale.crm_cost_adjust.line'
    __string__ = "Shipped Goods Cost"

    move = fields.Many2One('stock.move', "Move", readonly=True)
    product = fields.Many2One('product.product', "Product", readonly=True)
    date = fields.Date("Shipped", readonly=True)
    quantity = fields.Float("Quantity", digits='unit', readonly=True)
    unit = fields.Many2One('product.uom', "Unit", readonly=True,
        help="The product's unit, of the quantity and the costs.")
    cost_price = fields.Numeric(
        "Cost When Shipped", digits=price_digits, readonly=True)
    product_cost_price = fields.Numeric(
        "Cost Price Now", digits=price_digits, readonly=True)
    new_cost_price = fields.Numeric(
        "Adjusted Cost", digits=price_digits, required=True,
        domain=[('new_cost_price', '>=', 0)],
        help="The unit cost of these goods.")


class AdjustShippedCost(CheckedWizardMixin, Wizard):
    "Adjust the cost of an order's shipped goods"
    __name__ = 'sale.sale.crm_cost_adjust'
    # Who reads the order and holds the cost-price permission: the cost
    # of its moves is not the order's data its owner changes
    _state_access = {'adjust': Access('read', groups=(COST_PRICE,))}

    start = StateView(
        'sale.sale.crm_cost_adjust.start',
        'xtools_crm_stock.sale_cost_adjust_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Adjust", 'adjust', 'tryton-ok', default=True),
            ])
    adjust = StateTransition()

    def default_start(self, fields):
        sale = self.record
        moves = sale.crm_shipped_moves()
        if not moves:
            raise CostAdjustmentError(gettext(
                    'xtools_crm_stock.msg_cost_adjust_not_shipped',
                    sale=sale.number or sale.id))
        lines = []
        with Transaction().set_context(company=sale.company.id):
            for move in moves:
                # Tryton's cost of a move is per unit of the product
                now = round_price(move.product.cost_price or Decimal(0))
                lines.append({
                        'move': move.id,
                        'product': move.product.id,
                        'date': move.effective_date,
                        'quantity': move.internal_quantity,
                        'unit': move.product.default_uom.id,
                        'cost_price': move.cost_price,
                        'product_cost_price': now,
                        'new_cost_price': now,
                        })
        return {'sale': sale.id, 'lines': lines}

    def transition_adjust(self):
        Move = Pool().get('stock.move')
        # Only the shipped moves of this order, whatever the client sent
        moves = {m.id: m for m in self.record.crm_shipped_moves()}
        to_write = []
        for line in self.start.lines:
            move = moves.get(line.move.id if line.move else None)
            if move is None or line.new_cost_price is None:
                continue
            cost = round_price(line.new_cost_price)
            if cost != move.cost_price:
                to_write.extend(([move], {'cost_price': cost}))
        if to_write:
            Move.write(*to_write)
        return 'end'
