"""Demo contracts and orders (合同订单) of 上海飞达办公家具有限公司.

Plain data and one loader, for load_demo.py once the users, customers and
products exist (xtools_crm_sales activated):

    from demo_deals import load_deals   # or: from . import demo_deals
    load_deals(config)

An approved order paid in installments with its first receipt and fapiao,
an order waiting for its approval, a draft order and an approved
maintenance contract. The demo company keeps no accounts in Tryton: the
deals do not make Tryton invoices (the CRM records receipts and fapiao).
"""
import datetime as dt
from decimal import Decimal

from proteus import Model, Wizard

# A service product for the contracts: (name, code, unit, list price)
SERVICE = ("办公家具年度维护", 'FD-FW-NB', "套", '12000.00')

# customer, deal type, [(product code, quantity)], stage, payment plan
#   stage: draft, submitted (提交审批) or approved (审批同意)
#   plan: None, 'single' (一次付清) or 'installments' (default 3-6-1)
DEALS = [
    ("上海明珠广告有限公司", 'order',
        [('FD-DB-2418', 1), ('FD-YZ-801', 1), ('FD-PF-4P', 3)],
        'approved', 'installments'),
    ("杭州西湖国际酒店", 'order',
        [('FD-HY-3615', 2), ('FD-YZ-602', 24)],
        'submitted', 'single'),
    ("上海华信电子科技有限公司", 'order',
        [('FD-ZY-1470', 10), ('FD-YZ-301', 10)],
        'draft', None),
    ("上海锦绣置业有限公司", 'contract',
        [(SERVICE[1], 1)],
        'approved', 'single'),
    ]
# The first approved order: finance received its down payment and issued
# a special VAT fapiao for it.
FIRST_RECEIPT_METHOD = 'transfer'
FIRST_FAPIAO_NUMBER = "31001234"


def load_deals(config):
    """Create the demo deals with the proteus config of the admin (a boss,
    who approves); return {'deals': count}"""
    SaleConfig = Model.get('sale.configuration', config=config)
    sale_config = SaleConfig(1)
    sale_config.sale_invoice_method = 'manual'
    sale_config.save()
    service = _service_product(config)
    # In the users' language: the plans are named after the installments
    with config.set_context(language='zh_CN'):
        deals = [_deal(config, service, *deal) for deal in DEALS]
        _first_receipt(config, deals[0])
    return {'deals': len(deals)}


def _deal(config, service, customer_name, deal_type, lines, stage, plan):
    Sale = Model.get('sale.sale', config=config)
    Party = Model.get('party.party', config=config)
    Product = Model.get('product.product', config=config)
    customer, = Party.find([('name', '=', customer_name)])
    deal = Sale(party=customer, crm_deal_type=deal_type)
    for code, quantity in lines:
        if code == service.code:
            product = service
        else:
            product, = Product.find([('code', '=', code)])
        line = deal.lines.new()
        line.product = product
        line.quantity = quantity
    deal.save()
    if plan:
        _plan(config, deal, plan)
    if stage in {'submitted', 'approved'}:
        deal.click('quote')
    if stage == 'approved':
        deal.click('confirm')
    return deal


def _service_product(config):
    Template = Model.get('product.template', config=config)
    Uom = Model.get('product.uom', config=config)
    name, code, unit, price = SERVICE
    uom, = Uom.find([('name', '=', unit)])
    template = Template(name=name, type='service', code=code)
    template.salable = True
    template.default_uom = uom
    template.list_price = Decimal(price)
    template.save()
    product, = template.products
    return product


def _plan(config, deal, mode):
    "The plan wizard offered on saving a deal, started on the deal's date"
    wizard = Wizard('crm.payment.plan.create', [deal], config=config)
    wizard.form.mode = mode
    wizard.form.start_date = deal.sale_date or dt.date.today()
    wizard.execute('create_')


def _first_receipt(config, deal):
    "The down payment received and invoiced by finance"
    Receipt = Model.get('crm.deal.receipt', config=config)
    Fapiao = Model.get('crm.deal.fapiao', config=config)
    deal.reload()
    down = deal.crm_payment_plans[0]
    receipt = Receipt(deal=deal, plan=down)
    receipt.amount = down.amount
    receipt.method = FIRST_RECEIPT_METHOD
    receipt.save()
    fapiao = Fapiao(deal=deal, number=FIRST_FAPIAO_NUMBER, type='special')
    fapiao.amount = down.amount
    fapiao.save()
