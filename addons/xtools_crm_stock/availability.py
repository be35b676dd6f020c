"""What a warehouse can give, and the one way stock leaves it in our flows.

Every flow of this module that takes goods out of a location (outbound,
direct outbound, transfer, assembly) reserves them with Tryton's own
``stock.move.assign_try``, one reservation of a product at a time (the
second waits for the first, see locking.py), and is refused as a whole
when the location cannot give everything: stock never goes negative
through these flows, and nothing is half done.
"""
from collections import defaultdict

from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.transaction import Transaction

from .exceptions import StockShortageError
from .locking import lock_rows


def available_quantities(location, products):
    """{product id: quantity in the product's default unit} that location
    (and its children) can still give today: on hand minus what is already
    reserved for other documents"""
    pool = Pool()
    Product = pool.get('product.product')
    Date = pool.get('ir.date')
    product_ids = sorted({int(p) for p in products})
    if not product_ids:
        return {}
    with Transaction().set_context(
            stock_date_end=Date.today(), stock_assign=True,
            company=location.warehouse.company.id
            if getattr(location.warehouse, 'company', None)
            else Transaction().context.get('company')):
        quantities = Product.products_by_location(
            [location.id], with_childs=True,
            grouping_filter=(product_ids,))
    result = defaultdict(float)
    for (location_id, product_id), quantity in quantities.items():
        result[product_id] += quantity
    return result


def assign_or_refuse(moves, document):
    """Reserve moves with Tryton's assign_try; when any cannot be reserved
    in full, raise StockShortageError naming each product short (the
    transaction is then rolled back: nothing stays reserved)"""
    pool = Pool()
    Move = pool.get('stock.move')
    Lang = pool.get('ir.lang')
    moves = [m for m in moves if m.state in {'draft', 'staging'}]
    # Wait for whoever is reserving the same products (Tryton's own lock
    # in assign_try does not wait: a busy moment would be a server error)
    lock_rows(pool.get('product.product'), {m.product for m in moves})
    wanted = defaultdict(float)
    for move in moves:
        wanted[move.product, move.from_location, move.unit] += move.quantity
    if not moves or Move.assign_try(moves):
        return
    # assign_try reserves what it can in copies and leaves the part it
    # could not reserve on the draft original
    short = defaultdict(float)
    for move in Move.search([
                ('id', 'in', [m.id for m in moves]),
                ('state', '=', 'draft'),
                ]):
        short[move.product, move.from_location, move.unit] += move.quantity
    lang = Lang.get()
    lines = []
    for (product, location, unit), quantity in wanted.items():
        missing = short.get((product, location, unit), 0)
        if missing <= 0:
            continue
        available = unit.round(max(quantity - missing, 0))
        lines.append(gettext('xtools_crm_stock.msg_stock_shortage_line',
                product=product.rec_name,
                location=(location.warehouse or location).rec_name,
                wanted=lang.format_number_symbol(quantity, unit),
                available=lang.format_number_symbol(available, unit)))
    raise StockShortageError(
        gettext('xtools_crm_stock.msg_stock_shortage', document=document),
        '\n'.join(lines))


def default_unit_quantity(move):
    "The quantity of move in the product's default unit"
    Uom = Pool().get('product.uom')
    return Uom.compute_qty(
        move.unit, move.quantity, move.product.default_uom, round=False)
