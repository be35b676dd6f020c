"""Discontinued products (产品停售, SPEC S9): a discontinued product can no
longer be put on quotes, contracts or orders — it is not even offered when
editing their lines — but it stays in the product list, in stock and
available for purchase (停售的产品……在编辑采购明细时可以看到该产品)."""
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from .exceptions import DiscontinuedProductError


def check_discontinued(product_ids):
    "Refuse the discontinued products among product_ids, with their name"
    Product = Pool().get('product.product')
    for product in Product.browse(sorted(set(map(int, product_ids)))):
        if product.crm_discontinued:
            raise DiscontinuedProductError(gettext(
                    'xtools_crm_sales.msg_product_discontinued',
                    product=product.rec_name))


class Template(metaclass=PoolMeta):
    __name__ = 'product.template'

    crm_discontinued = fields.Boolean(
        "Discontinued",
        help="No longer sold (停售): it cannot be put on quotes, contracts "
        "or orders, but it can still be purchased and kept in stock.")

    @classmethod
    def default_crm_discontinued(cls):
        return False


class Product(metaclass=PoolMeta):
    # Registered so that product.product takes the template's new field
    __name__ = 'product.product'


class SaleLine(metaclass=PoolMeta):
    __name__ = 'sale.line'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # As Tryton's "salable": not offered for new sale lines; returns
        # (negative quantities) of a discontinued product stay possible.
        cls.product.domain = [
            cls.product.domain,
            If(Eval('sale_state').in_(['draft', 'quotation'])
                & ~(Eval('quantity', 0) < 0),
                ('crm_discontinued', '=', False),
                ()),
            ]

    @classmethod
    def preprocess_values(cls, mode, values):
        """Refuse a discontinued product with a message that says so,
        before the product domain would refuse it in general terms."""
        values = super().preprocess_values(mode, values)
        if (mode == 'create' and values.get('product')
                and values.get('type', 'line') == 'line'
                and (values.get('quantity') or 0) >= 0):
            check_discontinued([values['product']])
        return values

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if mode == 'write' and values.get('product'):
            quantities = [
                values.get('quantity', line.quantity) or 0 for line in lines]
            if any(q >= 0 for q in quantities):
                check_discontinued([values['product']])
