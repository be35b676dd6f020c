"""Demo warehouses, stock, purchases and shipping of 上海飞达办公家具有限公司.

Plain data and one loader, for load_demo.py once the users, customers,
products and deals exist (xtools_crm_stock activated):

    from demo_stock import load_stock   # or: from . import demo_stock
    load_stock(config)

Two warehouses (上海总仓, 嘉兴分仓) with their opening stock; a purchase
from a supplier received in one inbound document and a second one still
waiting for the keeper (待入库); the approved order of 上海明珠广告有限公司
shipped in two batches by the keeper 杨建军: the salesperson 张浩 requests
the outbound, the keeper confirms all but two workstations, ships them, and
ships the last two in a second outbound document.

Each step is done by the person whose job it is, logged in as them (the
demo password), so the demo holds what the real flow leaves behind.
"""
import contextlib
import datetime as dt
import urllib.parse
from decimal import Decimal

from proteus import Model, Wizard
from proteus.config import TrytondConfig, XmlrpcConfig

try:
    from . import demo_data as data
except ImportError:
    import demo_data as data

# The warehouse Tryton creates is the main one; a second one in Jiaxing
MAIN_WAREHOUSE = ("上海总仓", 'SH')
SECOND_WAREHOUSE = ("嘉兴分仓", 'JX')
# Opening stock (期初库存): product code → (main, second)
OPENING_STOCK = {
    'FD-DB-2418': (6, 2), 'FD-DB-2016': (10, 4), 'FD-DB-2820': (3, 0),
    'FD-DB-1809': (15, 5), 'FD-PF-4P': (8, 4), 'FD-PF-6P': (5, 2),
    'FD-PF-1L': (20, 10), 'FD-PF-AL': (40, 20), 'FD-ZY-1260': (60, 30),
    'FD-ZY-1470': (40, 20), 'FD-ZY-HDG': (80, 40), 'FD-ZY-WJG': (30, 10),
    'FD-HY-3615': (4, 1), 'FD-HY-2412': (8, 3), 'FD-HY-1809': (10, 5),
    'FD-HY-1445': (30, 15), 'FD-SF-3P': (6, 2), 'FD-SF-1P': (12, 4),
    'FD-SF-113': (3, 1), 'FD-SF-CJ': (10, 4), 'FD-YZ-801': (12, 4),
    'FD-YZ-602': (50, 20), 'FD-YZ-401': (30, 10), 'FD-YZ-301': (80, 40),
    }
SUPPLIER = ("浙江安吉椅业有限公司", "湖州市安吉县递铺镇天荒坪路 88 号",
    "313300", "0572-5121234")
# Purchases of the purchaser: [(product code, quantity, unit price)], and
# whether the keeper received them (one received, one still expected)
PURCHASES = [
    ([('FD-ZY-1260', 20, '460.00'), ('FD-ZY-HDG', 30, '220.00')], True),
    ([('FD-DB-1809', 10, '2050.00')], False),
    ]
# The product manager also buys for the demo company (采购)
PURCHASER = 'mayonggang'
KEEPER = 'yangjianjun'
# The order shipped in two batches: its customer, and what the first batch
# leaves for the second
SHIPPED_ORDER_CUSTOMER = "上海明珠广告有限公司"
SECOND_BATCH = {'FD-PF-4P': 2}


def load_stock(config):
    """Warehouses, opening stock, purchases and the order shipped in two
    batches, with the proteus config of the admin; returns counts"""
    grant_purchasing(config)
    warehouses = setup_warehouses(config)
    opening_stock(config, warehouses)
    purchases = load_purchases(config, warehouses[0])
    outbounds = ship_order_in_two_batches(config)
    return {
        'warehouses': len(warehouses),
        'purchases': len(purchases),
        'outbounds': len(outbounds),
        }


@contextlib.contextmanager
def as_user(config, login):
    "The config acting as the demo user login (demo password)"
    User = Model.get('res.user', config=config)
    user, = User.find([('login', '=', login)])
    if isinstance(config, TrytondConfig):
        previous, context = config.user, config._context
        config.user = user.id
        config._context = User.get_preferences(True, {})
        try:
            yield config
        finally:
            config.user, config._context = previous, context
    elif isinstance(config, XmlrpcConfig):
        url = urllib.parse.urlsplit(config.url)
        netloc = '%s:%s@%s' % (
            urllib.parse.quote(login, safe=''),
            urllib.parse.quote(data.DEMO_PASSWORD, safe=''),
            url.hostname + (f':{url.port}' if url.port else ''))
        yield XmlrpcConfig(urllib.parse.urlunsplit(url._replace(
                    netloc=netloc)))
    else:
        raise TypeError(config)


def grant_purchasing(config):
    "The purchaser's role for the product manager"
    User = Model.get('res.user', config=config)
    Group = Model.get('res.group', config=config)
    ModelData = Model.get('ir.model.data', config=config)
    role = ModelData.get_id(
        'xtools_crm_base', 'group_role_purchase', config.context)
    user, = User.find([('login', '=', PURCHASER)])
    user.groups.append(Group(role))
    user.save()


def setup_warehouses(config):
    "The main warehouse renamed, and a second one with its locations"
    Location = Model.get('stock.location', config=config)
    main, = Location.find([('type', '=', 'warehouse')], limit=1)
    main.name, main.code = MAIN_WAREHOUSE
    main.save()
    name, code = SECOND_WAREHOUSE
    locations = {}
    for kind, label in [
            ('input', "收货区"), ('output', "发货区"), ('storage', "库位")]:
        location = Location(name=f"{name}{label}", type='storage')
        location.save()
        locations[kind] = location
    second = Location(name=name, code=code, type='warehouse')
    second.input_location = locations['input']
    second.output_location = locations['output']
    second.storage_location = locations['storage']
    # Stocktaking differences and assembly are booked in the same places
    # for both
    second.lost_found_location = main.lost_found_location
    if hasattr(main, 'production_location'):
        second.production_location = main.production_location
    second.save()
    for location in locations.values():
        location.parent = second
    Location.save(list(locations.values()))
    # Everybody works at the main warehouse by default (user preference)
    User = Model.get('res.user', config=config)
    users = User.find([('login', '!=', 'admin')])
    for user in users:
        user.warehouse = main
    User.save(users)
    return [main, second]


def opening_stock(config, warehouses):
    "The opening stock of each warehouse, counted by the keeper"
    with as_user(config, KEEPER) as keeper:
        Inventory = Model.get('stock.inventory', config=keeper)
        Product = Model.get('product.product', config=keeper)
        products = {p.code: p for p in Product.find([
                    ('code', 'in', list(OPENING_STOCK))])}
        for index, warehouse in enumerate(warehouses):
            inventory = Inventory(
                location=warehouse.storage_location,
                date=dt.date.today() - dt.timedelta(days=30))
            for code, quantities in OPENING_STOCK.items():
                if quantities[index]:
                    line = inventory.lines.new(product=products[code])
                    line.quantity = quantities[index]
            inventory.click('confirm')


def load_purchases(config, warehouse):
    "The purchaser's purchases; the keeper receives the first"
    Party = Model.get('party.party', config=config)
    name, street, postal_code, phone = SUPPLIER
    supplier = Party(name=name)
    address, = supplier.addresses
    address.street = street
    address.postal_code = postal_code
    address.city = "湖州市"
    supplier.save()
    purchases = []
    with as_user(config, PURCHASER) as purchaser:
        Purchase = Model.get('purchase.purchase', config=purchaser)
        Product = Model.get('product.product', config=purchaser)
        Location = Model.get('stock.location', config=purchaser)
        for lines, received in PURCHASES:
            purchase = Purchase(party=Party(supplier.id))
            purchase.warehouse = Location(warehouse.id)
            purchase.description = "办公家具补货"
            for code, quantity, price in lines:
                line = purchase.lines.new()
                line.product, = Product.find([('code', '=', code)])
                line.quantity = quantity
                line.unit_price = Decimal(price)
            purchase.click('quote')
            purchase.click('confirm')
            purchase.click('crm_create_inbound')
            purchases.append((purchase, received))
    with as_user(config, KEEPER) as keeper:
        Inbound = Model.get('stock.shipment.in', config=keeper)
        for purchase, received in purchases:
            if received:
                for inbound in Inbound.find([
                            ('crm_purchase', '=', purchase.id)]):
                    inbound.click('crm_receive')
    return [p for p, _ in purchases]


def ship_order_in_two_batches(config):
    """The salesperson requests the outbound of the approved order, the
    keeper confirms and ships it in two batches"""
    Party = Model.get('party.party', config=config)
    Sale = Model.get('sale.sale', config=config)
    customer, = Party.find([('name', '=', SHIPPED_ORDER_CUSTOMER)])
    order, = Sale.find([
            ('party', '=', customer.id),
            ('crm_deal_type', '=', 'order'),
            ('state', '=', 'processing'),
            ])
    owner = customer.crm_owner.login
    with as_user(config, owner) as salesperson:
        Sale = Model.get('sale.sale', config=salesperson)
        Contact = Model.get('crm.contact', config=salesperson)
        order = Sale(order.id)
        order.crm_consignee, = Contact.find(
            [('customer', '=', customer.id)], limit=1)
        order.save()
        order.click('manual_shipment')
        # The keeper does not read the order: he knows its number
        number = order.number
    with as_user(config, KEEPER) as keeper:
        Shipment = Model.get('stock.shipment.out', config=keeper)
        first, = Shipment.find([('crm_order', '=', number)])
        confirm = Wizard(
            'stock.shipment.out.crm_confirm', [first], config=keeper)
        for line in confirm.form.lines:
            line.quantity -= SECOND_BATCH.get(line.product.code, 0)
        confirm.execute('confirm')
        first.reload()
        first.click('crm_take_out')
        first.click('crm_ship')
        second, = Shipment.find([
                ('crm_order', '=', number),
                ('crm_step', '=', 'request'),
                ])
        Wizard('stock.shipment.out.crm_confirm', [second],
            config=keeper).execute('confirm')
        second.reload()
        second.click('crm_take_out')
        second.click('crm_ship')
    return [first, second]
