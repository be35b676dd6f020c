"""Quote lines (报价单明细): a product, its quantity, the list price of the
quote's price list, the discount and the price offered — either typed in
or derived from the discount. Discontinued products (停售) are refused."""
from decimal import Decimal

from trytond.model import ModelSQL, ModelView, fields, sequence_ordered
from trytond.modules.currency.fields import Monetary
from trytond.modules.product import price_digits, round_price
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction

from .price_list_product import check_discontinued
from .quote import STATES

DISCOUNT_DIGITS = (16, 4)


class QuoteLine(sequence_ordered(), ModelSQL, ModelView):
    "Quote line"
    __name__ = 'crm.quote.line'
    __string__ = "Quote Line"

    _draft = {'readonly': Eval('quote_state') != 'draft'}

    quote = fields.Many2One(
        'crm.quote', "Quote", required=True, ondelete='CASCADE',
        states={
            'readonly': _draft['readonly'] & Bool(Eval('quote')),
            })
    quote_state = fields.Function(
        fields.Selection(STATES, "Quote State"),
        'on_change_with_quote_state')
    product = fields.Many2One(
        'product.product', "Product", required=True, ondelete='RESTRICT',
        domain=[
            If(Eval('quote_state') == 'draft',
                [('salable', '=', True), ('crm_discontinued', '=', False)],
                []),
            ],
        context={
            'company': Eval('company', None),
            },
        depends={'company'}, states=_draft)
    product_uom_category = fields.Function(
        fields.Many2One('product.uom.category', "Product UoM Category"),
        'on_change_with_product_uom_category')
    description = fields.Text("Description", states=_draft)
    quantity = fields.Float(
        "Quantity", digits='unit', required=True, states=_draft,
        domain=[('quantity', '>', 0)])
    unit = fields.Many2One(
        'product.uom', "Unit", required=True, ondelete='RESTRICT',
        domain=[
            If(Eval('product_uom_category'),
                ('category', '=', Eval('product_uom_category', -1)),
                ('category', '=', -1)),
            ],
        states=_draft)
    base_price = fields.Numeric(
        "List Price", digits=price_digits, required=True, states=_draft,
        domain=[('base_price', '>=', 0)],
        help="The price of the price list (or the product's list price).")
    discount = fields.Numeric(
        "Discount", digits=DISCOUNT_DIGITS, required=True, states=_draft,
        domain=[('discount', '>=', 0), ('discount', '<=', 1)],
        help="The share taken off the list price.")
    unit_price = fields.Numeric(
        "Unit Price", digits=price_digits, required=True, states=_draft,
        domain=[('unit_price', '>=', 0)],
        help="The price offered: the list price less the discount.")
    currency = fields.Function(
        fields.Many2One('currency.currency', "Currency"),
        'on_change_with_currency')
    company = fields.Function(
        fields.Many2One('company.company', "Company"),
        'on_change_with_company')
    list_amount = fields.Function(
        Monetary("List Amount", currency='currency', digits='currency'),
        'on_change_with_list_amount')
    amount = fields.Function(
        Monetary("Amount", currency='currency', digits='currency'),
        'on_change_with_amount')

    del _draft

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('quote')

    @classmethod
    def default_quantity(cls):
        return 1

    @classmethod
    def default_discount(cls):
        return Decimal(0)

    @fields.depends('quote', '_parent_quote.state')
    def on_change_with_quote_state(self, name=None):
        if self.quote:
            return self.quote.state

    @fields.depends('quote', '_parent_quote.currency')
    def on_change_with_currency(self, name=None):
        return self.quote.currency if self.quote else None

    @fields.depends('quote', '_parent_quote.company')
    def on_change_with_company(self, name=None):
        return self.quote.company if self.quote else None

    @fields.depends('product')
    def on_change_with_product_uom_category(self, name=None):
        return self.product.default_uom_category if self.product else None

    @fields.depends(
        'product', 'unit', 'quantity', 'discount', 'quote',
        '_parent_quote.company', '_parent_quote.currency',
        '_parent_quote.customer', '_parent_quote.price_list',
        '_parent_quote.quote_date',
        methods=['_update_unit_price'])
    def compute_base_price(self):
        "The price of the quote's price list for the product and quantity"
        Product = Pool().get('product.product')
        if not self.product:
            return None
        context = self.quote._line_price_context() if self.quote else {}
        context['uom'] = (self.unit or self.product.sale_uom).id
        with Transaction().set_context(context):
            price = Product.get_sale_price(
                [self.product], self.quantity or 0)[self.product.id]
        return round_price(price) if price is not None else None

    @fields.depends('product', 'unit', methods=['on_change_quantity'])
    def on_change_product(self):
        if not self.product:
            return
        category = self.product.sale_uom.category
        if not self.unit or self.unit.category != category:
            self.unit = self.product.sale_uom
        self.on_change_quantity()

    @fields.depends(methods=['compute_base_price', '_update_unit_price'])
    def on_change_quantity(self):
        self.base_price = self.compute_base_price()
        self._update_unit_price()

    @fields.depends(methods=['on_change_quantity'])
    def on_change_unit(self):
        self.on_change_quantity()

    @fields.depends('base_price', 'discount', 'unit_price')
    def _update_unit_price(self):
        if self.base_price is not None:
            self.unit_price = round_price(
                self.base_price * (1 - (self.discount or 0)))

    @fields.depends(methods=['_update_unit_price'])
    def on_change_base_price(self):
        self._update_unit_price()

    @fields.depends(methods=['_update_unit_price'])
    def on_change_discount(self):
        self._update_unit_price()

    @fields.depends('base_price', 'unit_price')
    def on_change_unit_price(self):
        "A price typed in: the discount is what it takes off the list price"
        if self.base_price and self.unit_price is not None:
            self.discount = max(Decimal(0), (
                    1 - self.unit_price / self.base_price).quantize(
                    Decimal(1).scaleb(-DISCOUNT_DIGITS[1])))

    @fields.depends('quantity', 'base_price', 'currency')
    def on_change_with_list_amount(self, name=None):
        return self._amount(self.base_price)

    @fields.depends('quantity', 'unit_price', 'currency')
    def on_change_with_amount(self, name=None):
        return self._amount(self.unit_price)

    def _amount(self, price):
        amount = Decimal(str(self.quantity or 0)) * (price or Decimal(0))
        return self.currency.round(amount) if self.currency else amount

    def get_rec_name(self, name):
        return f'{self.product.rec_name} @ {self.quote.rec_name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('product.rec_name',) + tuple(clause[1:])]

    @classmethod
    def preprocess_values(cls, mode, values):
        """The offered price follows the list price and the discount when
        it is not given; a discontinued product is refused first, with a
        clear message"""
        values = super().preprocess_values(mode, values)
        if values.get('product'):
            check_discontinued([values['product']])
        if (mode == 'create' and values.get('unit_price') is None
                and values.get('base_price') is not None):
            values['unit_price'] = (
                Decimal(values['base_price'])
                * (1 - Decimal(values.get('discount') or 0)))
        for name in ['base_price', 'unit_price']:
            if values.get(name) is not None:
                values[name] = round_price(Decimal(values[name]))
        return values

    def get_sale_line(self, sale):
        "The sale line with the quoted product, quantity and price"
        SaleLine = Pool().get('sale.line')
        line = SaleLine(
            type='line',
            sale=sale,
            product=self.product,
            unit=self.unit,
            quantity=self.quantity,
            description=self.description,
            )
        line.on_change_product()
        line.unit = self.unit
        line.quantity = self.quantity
        line.unit_price = round_price(self.unit_price)
        line.amount = line.on_change_with_amount()
        return line
