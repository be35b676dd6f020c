"""Paths of xtools_crm_stock: the stock desk (outbound documents, direct
outbound, inbound from purchases, transfers, assembly, stocktaking, the
ledger), purchases, stock limits (K9) and cost price adjustment (K10).

The keeper's buttons are for the stock keeper role, the purchaser's for
the purchase role, Tryton's own steps (which the keeper's buttons chain)
for stock, production and purchase administrators, the cost wizards for
the cost-price permission: none of the adversaries (sales, finance,
service) holds any of them. The control of the keeper's and the
purchaser's buttons is a keeper or a purchaser made for the run (the
demo's administrator is neither), that of Tryton's steps and the cost
wizards the administrator. The documents are made by the administrator,
as the keeper or the purchaser would."""
import itertools
from decimal import Decimal

from support.rpc import RPCUserWarning

from . import Case, ContextKey, Getter, Target, fixture
from .world import PASSWORD
from .xtools_crm_sales import _deal, _product

_serial = itertools.count(1)


@fixture('shipped_deal')
def shipped_deal(world):
    """An approved order of the owner whose goods the administrator
    shipped (as the stock keeper would)"""
    admin = world.admin
    deal = _deal(world, 'draft', shipment_method='order')
    warehouse, = admin.search('stock.location', [('type', '=', 'warehouse')],
        limit=1)
    world.owner.write('sale.sale', deal.ids, {'warehouse': warehouse})
    world.owner.button('sale.sale', 'quote', deal.ids)
    world.client('manager').button('sale.sale', 'confirm', deal.ids)
    line, = admin.search_read('sale.line', [('sale', '=', deal.ids[0])],
        ['product'])
    storage, = admin.search('stock.location', [('code', '=', 'STO')],
        limit=1)
    inventory, = admin.create('stock.inventory', [{
                'location': storage,
                'lines': [('create', [{'product': line['product'],
                                'quantity': 100,
                                'crm_reason_note': "期初"}])]}])
    admin.button('stock.inventory', 'confirm', [inventory])
    shipments = admin.search('stock.shipment.out',
        [('moves.sale', '=', deal.ids[0])])
    for button in ['assign_try', 'pick', 'pack', 'do']:
        admin.button('stock.shipment.out', button, shipments)
    return deal


@fixture('cost_review')
def cost_review(world):
    """A product of its own received from a supplier above its cost
    price: a row of the products to re-cost"""
    admin = world.admin
    unit = admin.model_data_id('product', 'uom_unit')
    template, = admin.create('product.template', [{
                'name': f"调价测试产品 {next(_serial)}",
                'type': 'goods', 'default_uom': unit, 'purchasable': True,
                'purchase_uom': unit, 'list_price': 100,
                'products': [('create', [{'cost_price': 50}])]}])
    product, = admin.search('product.product',
        [('template', '=', template)])
    supplier, = admin.search('stock.location', [('code', '=', 'SUP')],
        limit=1)
    storage, = admin.search('stock.location', [('code', '=', 'STO')],
        limit=1)
    company, = admin.read('company.company', [world.company], ['currency'])
    move, = admin.create('stock.move', [{
                'product': product, 'unit': unit, 'quantity': 5,
                'from_location': supplier, 'to_location': storage,
                'unit_price': 60, 'currency': company['currency'],
                }])
    try:
        admin.button('stock.move', 'do', [move])
    except RPCUserWarning as warning:
        # A move without a document: the administrator goes on
        admin.create('res.user.warning', [{
                    'name': warning.name, 'always': False,
                    'user': admin.user_id}])
        admin.button('stock.move', 'do', [move])
    return Target('crm.stock.cost_review', [move])


def _shipped_costs(world, target):
    "The order's shipped goods at a new cost, as the user would type it"
    moves = world.admin.search('stock.move', [
            ('sale', '=', target.ids[0]),
            ('state', '=', 'done'),
            ('to_location.type', '=', 'customer')])
    return {'start': {'lines': [
                {'move': m, 'new_cost_price': Decimal('123.4500')}
                for m in moves]}}


def _actor(world, name, role):
    """A user of the run holding role (xtools_crm_base's group_role_<role>)
    and nothing else, made once and known to world.client(name): the
    control of the paths of that role, which no adversary holds (the
    administrator of the demo is neither keeper nor purchaser)"""
    if name not in world.clients:
        admin = world.admin
        group = admin.model_data_id('xtools_crm_base', f'group_role_{role}')
        user_id, = admin.create('res.user', [{
                    'login': f'ap_{name}_{world.tag}',
                    'name': f"{name} {world.tag}",
                    'password': PASSWORD, 'crm_level': 'staff',
                    'company': world.company,
                    'companies': [('add', [world.company])],
                    'warehouse': _warehouses(world)[0]['id'],
                    'groups': [('add', [group])]}])
        world.user_ids[name] = user_id
        world.clients[name] = world.server.rpc_as(
            f'ap_{name}_{world.tag}', PASSWORD, language='zh_CN')
    return world.clients[name]


def _keeper(world):
    return _actor(world, 'keeper', 'stock')


def _purchaser(world):
    return _actor(world, 'purchaser', 'purchase')


def _currency(world):
    return world.admin.read('company.company', [world.company],
        ['currency'])[0]['currency']


def _warehouses(world):
    "The company's warehouses, the main one first"
    return world.admin.search_read('stock.location',
        [('type', '=', 'warehouse')],
        ['storage_location', 'production_location'], order=[('id', 'ASC')])


def _stock(world, product, location, quantity=100):
    "Count quantity of product at location (a confirmed stocktaking)"
    admin = world.admin
    inventory, = admin.create('stock.inventory', [{
                'location': location,
                'lines': [('create', [{'product': product,
                                'quantity': quantity,
                                'crm_reason_note': "期初"}])]}])
    admin.button('stock.inventory', 'confirm', [inventory])


def _purchasable(world):
    """A product of the run's own, made once: purchased, and made by the
    assemblies"""
    if 'stock_purchasable' not in world.__dict__:
        admin = world.admin
        unit = admin.model_data_id('product', 'uom_unit')
        template, = admin.create('product.template', [{
                    'name': f"采购测试产品 {next(_serial)}",
                    'type': 'goods', 'default_uom': unit,
                    'purchasable': True, 'purchase_uom': unit,
                    'producible': True, 'list_price': 100,
                    'products': [('create', [{'cost_price': 50}])]}])
        product, = admin.search('product.product',
            [('template', '=', template)])
        world.__dict__['stock_purchasable'] = {
            'id': product, 'default_uom': unit}
    return world.__dict__['stock_purchasable']


def _outbound(world, steps=()):
    """The outbound document (stock.shipment.out) of an approved order of
    the owner, its goods in stock, taken through Tryton's steps by the
    administrator"""
    deal = _deal(world, 'draft', shipment_method='order')
    main = _warehouses(world)[0]
    world.owner.write('sale.sale', deal.ids, {'warehouse': main['id']})
    world.owner.button('sale.sale', 'quote', deal.ids)
    world.client('manager').button('sale.sale', 'confirm', deal.ids)
    product = _product(world)
    _stock(world, product['id'], main['storage_location'])
    shipments = world.admin.search('stock.shipment.out',
        [('moves.sale', '=', deal.ids[0])])
    for step in steps:
        world.admin.button('stock.shipment.out', step, shipments)
    _keeper(world)
    return Target('stock.shipment.out', shipments, deal.customer_name)


fixture('waiting_outbound')(_outbound)
fixture('assigned_outbound')(lambda w: _outbound(w, ['assign_try']))
fixture('picked_outbound')(lambda w: _outbound(w, ['assign_try', 'pick']))
fixture('packed_outbound')(
    lambda w: _outbound(w, ['assign_try', 'pick', 'pack']))
fixture('shipped_outbound')(
    lambda w: _outbound(w, ['assign_try', 'pick', 'pack', 'ship']))


@fixture('direct_outbound')
def direct_outbound(world):
    """A draft direct outbound of goods in stock at the main warehouse,
    written by the keeper (the stock desk's only)"""
    admin = world.admin
    main = _warehouses(world)[0]
    product = _product(world)
    _stock(world, product['id'], main['storage_location'])
    destination = admin.model_data_id(
        'xtools_crm_stock', 'location_direct_outbound')
    outbound, = _keeper(world).create('crm.stock.direct_outbound', [{
                'purpose': 'repair', 'warehouse': main['id'],
                'company': world.company, 'recipient': "维修工程师",
                'moves': [('create', [{
                                'product': product['id'], 'quantity': 1,
                                'unit': product['default_uom'],
                                'company': world.company,
                                'from_location': main['storage_location'],
                                'to_location': destination}])]}])
    return Target('crm.stock.direct_outbound', [outbound])


def _transfer(world, steps=()):
    """A transfer (stock.shipment.internal) of goods in stock from the
    main warehouse to the second one (through transit)"""
    admin = world.admin
    main, other = _warehouses(world)[:2]
    product = _product(world)
    _stock(world, product['id'], main['storage_location'])
    transfer, = admin.create('stock.shipment.internal', [{
                'company': world.company,
                'crm_from_warehouse': main['id'],
                'crm_to_warehouse': other['id'],
                'from_location': main['storage_location'],
                'to_location': other['storage_location'],
                # Drafts go from storage to storage: Tryton puts the
                # transit location between them when it waits
                'moves': [('create', [{
                                'product': product['id'], 'quantity': 1,
                                'unit': product['default_uom'],
                                'company': world.company,
                                'from_location': main['storage_location'],
                                'to_location': other['storage_location'],
                                }])]}])
    for step in steps:
        admin.button('stock.shipment.internal', step, [transfer])
    _keeper(world)
    return Target('stock.shipment.internal', [transfer])


fixture('draft_transfer')(_transfer)
fixture('waiting_transfer')(lambda w: _transfer(w, ['wait']))
fixture('assigned_transfer')(lambda w: _transfer(w, ['wait', 'assign_try']))
fixture('packed_transfer')(
    lambda w: _transfer(w, ['wait', 'assign_try', 'pack']))
fixture('shipped_transfer')(
    lambda w: _transfer(w, ['wait', 'assign_try', 'pack', 'ship']))


def _assembly(world, steps=()):
    """An assembly (production) at the main warehouse: one unit of the
    sold goods in stock, as part, makes one purchasable product"""
    admin = world.admin
    main = _warehouses(world)[0]
    part = _product(world)
    made = _purchasable(world)
    _stock(world, part['id'], main['storage_location'])
    production, = admin.create('production', [{
                'company': world.company, 'warehouse': main['id'],
                'location': main['production_location'],
                'product': made['id'], 'unit': made['default_uom'],
                'quantity': 1,
                'inputs': [('create', [{
                                'product': part['id'], 'quantity': 1,
                                'unit': part['default_uom'],
                                'company': world.company,
                                'from_location': main['storage_location'],
                                'to_location': main['production_location'],
                                }])],
                'outputs': [('create', [{
                                'product': made['id'], 'quantity': 1,
                                'unit': made['default_uom'],
                                'company': world.company,
                                'from_location': main['production_location'],
                                'to_location': main['storage_location'],
                                'unit_price': Decimal(0),
                                'currency': _currency(world),
                                }])]}])
    for step in steps:
        admin.button('production', step, [production])
    _keeper(world)
    return Target('production', [production])


fixture('draft_assembly')(_assembly)
fixture('waiting_assembly')(lambda w: _assembly(w, ['wait']))
fixture('assigned_assembly')(lambda w: _assembly(w, ['wait', 'assign_try']))
fixture('running_assembly')(
    lambda w: _assembly(w, ['wait', 'assign_try', 'run']))


@fixture('draft_stocktaking')
def draft_stocktaking(world):
    "A draft stocktaking of the main warehouse that finds a difference"
    admin = world.admin
    main = _warehouses(world)[0]
    product = _product(world)
    inventory, = admin.create('stock.inventory', [{
                'location': main['storage_location'],
                'lines': [('create', [{'product': product['id'],
                                'quantity': 7,
                                'crm_reason_note': "盘亏"}])]}])
    return Target('stock.inventory', [inventory])


def _supplier(world):
    "A supplier of the run's own, made once"
    if 'stock_supplier' not in world.__dict__:
        supplier, = world.admin.create('party.party', [{
                    'name': f"供应商 {world.tag}",
                    'addresses': [('create', [{'street': "工业路 8 号"}])],
                    }])
        world.__dict__['stock_supplier'] = supplier
    return world.__dict__['stock_supplier']


def _purchase(world, steps=(), deal=None):
    """A purchase by the administrator (as the purchaser) of the run's
    purchasable product at the main warehouse; deal: the approved order
    it is linked to"""
    admin = world.admin
    supplier = _supplier(world)
    address, = admin.search('party.address', [('party', '=', supplier)],
        limit=1)
    product = _purchasable(world)
    values = {
        'party': supplier, 'invoice_address': address,
        'company': world.company,
        'warehouse': _warehouses(world)[0]['id'],
        'lines': [('create', [{
                        'product': product['id'], 'quantity': 3,
                        'unit': product['default_uom'],
                        'unit_price': Decimal('40')}])],
        }
    if deal:
        values['crm_sale'] = deal.ids[0]
    purchase, = admin.create('purchase.purchase', [values])
    for step in steps:
        admin.button('purchase.purchase', step, [purchase])
    _purchaser(world)
    return Target('purchase.purchase', [purchase],
        deal.customer_name if deal else None)


fixture('draft_purchase')(_purchase)
fixture('submitted_purchase')(lambda w: _purchase(w, ['quote']))
fixture('confirmed_purchase')(lambda w: _purchase(w, ['quote', 'confirm']))
fixture('order_purchase')(
    lambda w: _purchase(w, deal=_deal(w, 'confirmed')))


def _inbound(world, steps=()):
    "The inbound document (stock.shipment.in) of a confirmed purchase"
    purchase = _purchase(world, ['quote', 'confirm'])
    _purchaser(world).button('purchase.purchase', 'crm_create_inbound',
        purchase.ids)
    shipments = world.admin.search('stock.shipment.in',
        [('crm_purchase', '=', purchase.ids[0])])
    for step in steps:
        world.admin.button('stock.shipment.in', step, shipments)
    _keeper(world)
    return Target('stock.shipment.in', shipments)


fixture('draft_inbound')(_inbound)
fixture('received_inbound')(lambda w: _inbound(w, ['receive']))
fixture('cancelled_inbound')(lambda w: _inbound(w, ['cancel']))


CASES = [
    Case('wizard.sale.sale.crm_cost_adjust', state='adjust',
        fixture='shipped_deal', control='admin', data=_shipped_costs,
        note="订单成本微调: the cost-price permission, on an order it reads"),
    Case('wizard.crm.stock.cost_review.adjust', state='adjust',
        fixture='cost_review', control='admin',
        note="调成本价: the cost-price permission"),
    # -- outbound documents (stock.shipment.out): the keeper's steps -----------
    Case('model.stock.shipment.out.crm_confirm', fixture='waiting_outbound',
        control='keeper', changes=False,
        note="确认出库: opens the keeper's confirmation wizard"),
    Case('model.stock.shipment.out.crm_take_out',
        fixture='assigned_outbound', control='keeper', note="出库: keeper"),
    Case('model.stock.shipment.out.crm_ship', fixture='packed_outbound',
        control='keeper', note="发货: keeper"),
    # Tryton's own steps: stock administrators
    Case('model.stock.shipment.out.draft', fixture='waiting_outbound',
        control='admin'),
    Case('model.stock.shipment.out.wait', fixture='assigned_outbound',
        control='admin'),
    Case('model.stock.shipment.out.assign_try', fixture='waiting_outbound',
        control='admin'),
    Case('model.stock.shipment.out.assign_force',
        fixture='waiting_outbound', control='admin'),
    Case('model.stock.shipment.out.assign_wizard',
        fixture='waiting_outbound', control='admin', changes=False,
        note="Opens Tryton's assignment wizard"),
    Case('model.stock.shipment.out.pick', fixture='assigned_outbound',
        control='admin'),
    Case('model.stock.shipment.out.pack', fixture='picked_outbound',
        control='admin'),
    Case('model.stock.shipment.out.ship', fixture='packed_outbound',
        control='admin'),
    Case('model.stock.shipment.out.do', fixture='shipped_outbound',
        control='admin'),
    Case('model.stock.shipment.out.cancel', fixture='waiting_outbound',
        control='admin'),
    # -- direct outbound: the keeper ---------------------------------------------
    Case('model.crm.stock.direct_outbound.confirm',
        fixture='direct_outbound', control='keeper'),
    Case('model.crm.stock.direct_outbound.cancel',
        fixture='direct_outbound', control='keeper'),
    Getter('model.crm.stock.direct_outbound.get_origin',
        "the selection of the documents that ask for goods"),
    # -- transfers (stock.shipment.internal) -------------------------------------
    Case('model.stock.shipment.internal.crm_confirm',
        fixture='draft_transfer', control='keeper',
        note="确认调拨明细: keeper"),
    Case('model.stock.shipment.internal.crm_execute',
        fixture='assigned_transfer', control='keeper',
        note="执行调拨: keeper"),
    Case('model.stock.shipment.internal.draft', fixture='waiting_transfer',
        control='admin'),
    Case('model.stock.shipment.internal.wait', fixture='draft_transfer',
        control='admin'),
    Case('model.stock.shipment.internal.assign_try',
        fixture='waiting_transfer', control='admin'),
    Case('model.stock.shipment.internal.assign_force',
        fixture='waiting_transfer', control='admin'),
    Case('model.stock.shipment.internal.assign_wizard',
        fixture='waiting_transfer', control='admin', changes=False,
        note="Opens Tryton's assignment wizard"),
    Case('model.stock.shipment.internal.pack', fixture='assigned_transfer',
        control='admin'),
    Case('model.stock.shipment.internal.ship', fixture='packed_transfer',
        control='admin'),
    Case('model.stock.shipment.internal.do', fixture='shipped_transfer',
        control='admin'),
    Case('model.stock.shipment.internal.cancel', fixture='draft_transfer',
        control='admin'),
    # -- assembly (production) ---------------------------------------------------
    Case('model.production.crm_assemble', fixture='draft_assembly',
        control='keeper', note="装配: keeper"),
    # Tryton's own steps: production administrators
    Case('model.production.draft', fixture='waiting_assembly',
        control='admin'),
    Case('model.production.wait', fixture='draft_assembly',
        control='admin'),
    Case('model.production.assign_try', fixture='waiting_assembly',
        control='admin'),
    Case('model.production.assign_force', fixture='waiting_assembly',
        control='admin'),
    Case('model.production.assign_wizard', fixture='waiting_assembly',
        control='admin', changes=False,
        note="Opens Tryton's assignment wizard"),
    Case('model.production.run', fixture='assigned_assembly',
        control='admin'),
    Case('model.production.do', fixture='running_assembly',
        control='admin'),
    Case('model.production.cancel', fixture='draft_assembly',
        control='admin'),
    Getter('model.production.reset_bom', "a button_change: returns the "
        "parts of the form's values computed from its BOM, saves nothing "
        "(saving the form is a write, checked by Tryton)"),
    Getter('model.production.get_origin', "the selection of origins"),
    # -- stocktaking (stock.inventory) ---------------------------------------------
    Case('model.stock.inventory.confirm', fixture='draft_stocktaking',
        control='admin'),
    Case('model.stock.inventory.cancel', fixture='draft_stocktaking',
        control='admin'),
    Case('model.stock.inventory.complete_lines',
        fixture='draft_stocktaking', control='admin',
        note="Adds a line for every product the books hold there"),
    Case('model.stock.inventory.do_count', fixture='draft_stocktaking',
        control='admin', changes=False, note="Opens Tryton's count wizard"),
    Getter('model.stock.inventory.line.get_inventory_states',
        "the selection of states"),
    # -- the ledger ----------------------------------------------------------------
    Getter('model.crm.stock.ledger.get_documents',
        "the selection of document models"),
    Getter('model.crm.stock.ledger.get_origin', "the selection of origins"),
    # -- purchases: purchasers and Tryton's purchase groups ---------------------
    Case('model.purchase.purchase.quote', fixture='draft_purchase',
        control='admin', note="提交"),
    Case('model.purchase.purchase.confirm', fixture='submitted_purchase',
        control='admin', note="确认 (审批 when the setting is on)"),
    Case('model.purchase.purchase.draft', fixture='submitted_purchase',
        control='admin'),
    Case('model.purchase.purchase.cancel', fixture='draft_purchase',
        control='admin'),
    Case('model.purchase.purchase.process', fixture='confirmed_purchase',
        control='admin', changes=False, note="Tryton's purchase "
        "administrators; processing a purchase again changes nothing"),
    Case('model.purchase.purchase.crm_create_inbound',
        fixture='confirmed_purchase', control='purchaser',
        note="生成入库单: purchasers"),
    Case('model.purchase.purchase.crm_import_sale_lines',
        fixture='order_purchase', control=None,
        note="导入关联订单的明细产品: the purchase role's button (Tryton's "
        "button rule refuses the administrator), reading the order with "
        "the caller's rights: the run's purchaser reads no order of the "
        "owner's customer, so no actor of the run can be the control"),
    Case('model.purchase.purchase.manual_invoice',
        fixture='confirmed_purchase', control=None,
        note="Tryton's purchase administrators; the CRM makes no supplier "
        "invoices (no accounts on its products)"),
    Case('model.purchase.purchase.modify_header',
        fixture='submitted_purchase', control=None, changes=False,
        note="Opens Tryton's header wizard (administrators)"),
    Case('model.purchase.purchase.handle_invoice_exception',
        fixture='confirmed_purchase', control=None,
        note="Opens Tryton's exception wizard, on a purchase in invoice "
        "exception only: none here"),
    Case('model.purchase.purchase.handle_shipment_exception',
        fixture='confirmed_purchase', control=None,
        note="Opens Tryton's exception wizard, on a purchase in shipment "
        "exception only: none here"),
    Getter('model.purchase.purchase.get_origin', "the selection of origins"),
    Getter('model.purchase.configuration.get_purchase_invoice_method',
        "the selection of invoice methods"),
    # -- inbound documents (stock.shipment.in) -------------------------------------
    Case('model.stock.shipment.in.crm_receive', fixture='draft_inbound',
        control='keeper', note="确认入库: keeper"),
    Case('model.stock.shipment.in.receive', fixture='draft_inbound',
        control='admin'),
    Case('model.stock.shipment.in.do', fixture='received_inbound',
        control='admin'),
    Case('model.stock.shipment.in.cancel', fixture='draft_inbound',
        control='admin'),
    Case('model.stock.shipment.in.draft', fixture='cancelled_inbound',
        control=None, note="Tryton refuses to reset to draft the "
        "cancelled goods of a purchase (the purchase asks for them again): "
        "no inbound of the CRM, all made from purchases, can take it"),
    ]

CONTEXT_KEYS = [
    ContextKey('crm_customers_read', 'rule', "ir.rule context of the "
        "stock documents, moves, invoices and purchases: the user's read "
        "domain on customers, built by the server (visibility.py)"),
    ContextKey('crm_stock_keeper', 'rule', "ir.rule context of the stock "
        "documents: whether the user holds the stock keeper role, built "
        "by the server from the user's groups (visibility.py)"),
    ContextKey('product', 'filter', "the product of the stock ledger: "
        "defaults its filter and narrows its rows; the record rules of "
        "the moves still apply", hostile=-1),
    ]
