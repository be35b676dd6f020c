"""The stock ledger (库存流水账, SPEC K6): every change of a warehouse's stock
with its source document, by product, warehouse and period, with the
running balance.

Tryton 8.0 has this report: ``stock.reporting.inventory.move`` (a
``table_query`` in python-sql over the done moves that cross a location's
boundary, with input, output and the running quantity as a window sum).
The ledger is that report under the CRM's name, with:

- the product chosen in the context and filtered inside the query: the
  report otherwise computes every product's balances before the client's
  search picks one product (bench/bench_stock_ledger.py measures it);
- the kind of change (入库, 出库, 调拨, 盘点, 装配 …) and the number of the
  source document as text, read as root: the keeper reads the line without
  having to read the document (an outbound of a customer he cannot see).
"""
from sql import Literal

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.stock.stock_reporting import (
    InventoryMove, _InventoryRangeContextMixin)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

# The kind of change, from the model of the source document
KINDS = [
    (None, ""),
    ('purchase', "Inbound"),
    ('sale', "Outbound"),
    ('customer_return', "Customer Return"),
    ('supplier_return', "Return to Supplier"),
    ('transfer', "Transfer"),
    ('stocktaking', "Stocktaking"),
    ('opening', "Opening Stock"),
    ('direct', "Direct Outbound"),
    ('assembly', "Assembly"),
    ('other', "Other"),
    ]
# Where a move's document is, first found first
DOCUMENT_FIELDS = [
    'shipment', 'production_input', 'production_output', 'origin']
KIND_OF_MODEL = {
    'stock.shipment.in': 'purchase',
    'stock.shipment.out': 'sale',
    'stock.shipment.out.return': 'customer_return',
    'stock.shipment.in.return': 'supplier_return',
    'stock.shipment.internal': 'transfer',
    'stock.inventory.line': 'stocktaking',
    'crm.stock.direct_outbound': 'direct',
    'production': 'assembly',
    }


class LedgerContext(_InventoryRangeContextMixin, ModelView):
    "Stock Ledger"
    __name__ = 'crm.stock.ledger.context'
    __string__ = "Stock Ledger"

    product = fields.Many2One(
        'product.product', "Product",
        context={
            'company': Eval('company', -1),
            },
        depends=['company'],
        help="Leave empty to list the changes of every product.")

    @classmethod
    def default_product(cls):
        return Transaction().context.get('product')

    @classmethod
    def default_location(cls):
        pool = Pool()
        Location = pool.get('stock.location')
        location = super().default_location()
        if location is None:
            warehouses = Location.search(
                [('type', '=', 'warehouse')], limit=1)
            if warehouses:
                location = warehouses[0].id
        return location


class Ledger(InventoryMove):
    "Stock Ledger"
    __name__ = 'crm.stock.ledger'
    __string__ = "Stock Ledger"

    kind = fields.Function(fields.Selection(KINDS, "Kind"), 'get_document_info')
    document_name = fields.Function(
        fields.Char("Document"), 'get_document_info')

    @classmethod
    def _state_clause(cls, move, date):
        # Tryton's report filters the product after computing every
        # product's balance: the ledger filters inside
        clause = super()._state_clause(move, date)
        product = Transaction().context.get('product')
        if product is not None:
            try:
                clause &= move.product == int(product)
            except (TypeError, ValueError):
                clause &= Literal(False)
        return clause

    @classmethod
    def get_document_info(cls, lines, names):
        "The kind and the number of the source document, read as root"
        result = {n: {l.id: None for l in lines} for n in names}
        with without_check_access(), Transaction().set_user(0):
            for line in cls.browse(lines):
                if not line.move:
                    continue
                kind, name = cls._document_info(line.move)
                if 'kind' in result:
                    result['kind'][line.id] = kind
                if 'document_name' in result:
                    result['document_name'][line.id] = name
        return result

    @classmethod
    def _document_info(cls, move):
        "(kind, number) of the document that made move"
        for name in DOCUMENT_FIELDS:
            document = getattr(move, name, None)
            if document is not None and (document.id or -1) >= 0:
                break
        else:
            return 'other', None
        kind = KIND_OF_MODEL.get(document.__name__, 'other')
        if document.__name__ == 'stock.inventory.line':
            document = document.inventory
            if document.crm_opening:
                kind = 'opening'
        number = getattr(document, 'number', None) or str(document.id)
        return kind, number
