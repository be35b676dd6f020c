"""Demo data of the reports and workbenches (xtools_crm_reports).

For load_demo.py once the users, customers, products and the first deals
exist:

    from demo_reports import load_reports   # or: from . import demo_reports
    load_reports(config)

A year of approved orders of both sales teams (so that the reports, the
year-on-year comparison and the workbench charts have something to show),
a receipt, the monthly targets of this month and the last for the
salespeople and the two teams, and the special permissions the boss
(cost price, export, reports) and finance (export, reports) hold.
"""
import datetime as dt
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from proteus import Model

# Special permissions (特殊权限) by login
PERMISSIONS = {
    'wangtianhong': ['group_perm_cost_price', 'group_perm_export',
        'group_perm_report'],
    'huangxiuying': ['group_perm_export', 'group_perm_report'],
    'lijianhua': ['group_perm_report'],
    }
# Approved orders: months before today, customer, [(product code, qty)]
PAST_ORDERS = [
    (13, "上海申城律师事务所", [('FD-ZY-1260', 6)]),
    (12, "上海市徐汇区育才实验中学", [('FD-ZY-WJG', 10)]),
    (11, "杭州云栖网络科技有限公司", [('FD-PF-4P', 4)]),
    (9, "上海康华医院", [('FD-ZY-1470', 8), ('FD-ZY-HDG', 8)]),
    (7, "宁波港城贸易有限公司", [('FD-DB-2016', 2)]),
    (5, "上海浦江国际物流有限公司", [('FD-PF-6P', 3)]),
    (4, "苏州金鸡湖商务中心有限公司", [('FD-DB-1809', 5)]),
    (3, "上海远景建筑设计院有限公司", [('FD-PF-1L', 12)]),
    (2, "上海市闵行区行政服务中心", [('FD-ZY-1260', 20)]),
    (1, "南京紫金山软件有限公司", [('FD-PF-AL', 15)]),
    (1, "上海星光传媒集团有限公司", [('FD-DB-2418', 1), ('FD-ZY-HDG', 2)]),
    (0, "嘉兴南湖宾馆", [('FD-ZY-1470', 6)]),
    ]
# The order of PAST_ORDERS paid in full by finance
PAID_ORDER = 9
# Monthly targets (contract amount, receipts) by login, and by team
SALES_TARGETS = {
    'zhanghao': (60000, 40000),
    'zhaoxue': (50000, 30000),
    'chenzhiming': (40000, 30000),
    'wujunjie': (60000, 40000),
    'zhengjiayi': (50000, 30000),
    'zhouguoqiang': (40000, 30000),
    }
TEAM_TARGETS = {
    "销售一部": (200000, 120000),
    "销售二部": (200000, 120000),
    }


def load_reports(config):
    "Load the demo data of the reports; return counts"
    grant_permissions(config)
    orders = create_past_orders(config)
    targets = create_targets(config)
    return {'past_orders': len(orders), 'targets': len(targets)}


def grant_permissions(config):
    User = Model.get('res.user', config=config)
    Group = Model.get('res.group', config=config)
    ModelData = Model.get('ir.model.data', config=config)
    for login, fs_ids in PERMISSIONS.items():
        user, = User.find([('login', '=', login)])
        for fs_id in fs_ids:
            user.groups.append(Group(ModelData.get_id(
                        'xtools_crm_base', fs_id, config.context)))
        user.save()


def create_past_orders(config):
    Sale = Model.get('sale.sale', config=config)
    Party = Model.get('party.party', config=config)
    Product = Model.get('product.product', config=config)
    Receipt = Model.get('crm.deal.receipt', config=config)
    Location = Model.get('stock.location', config=config)
    # The company's first warehouse (the stock demo may add others)
    warehouse = Location.find(
        [('type', '=', 'warehouse')], order=[('id', 'ASC')])[0]
    today = dt.date.today()
    orders = []
    for months, customer_name, lines in PAST_ORDERS:
        customer, = Party.find([('name', '=', customer_name)])
        date = today - relativedelta(months=months)
        order = Sale(party=customer, crm_deal_type='order', sale_date=date)
        order.warehouse = warehouse
        for code, quantity in lines:
            product, = Product.find([('code', '=', code)])
            line = order.lines.new()
            line.product = product
            line.quantity = quantity
        order.save()
        order.click('quote')
        order.click('confirm')
        orders.append(order)
    paid = orders[PAID_ORDER]
    paid.reload()
    receipt = Receipt(deal=paid, amount=paid.total_amount)
    receipt.date = paid.sale_date + dt.timedelta(days=20)
    receipt.method = 'transfer'
    receipt.save()
    return orders


def create_targets(config):
    Target = Model.get('crm.sales.target', config=config)
    User = Model.get('res.user', config=config)
    Department = Model.get('crm.department', config=config)
    today = dt.date.today()
    targets = []
    for month in [today - relativedelta(months=1), today]:
        for login, (contract, receipts) in SALES_TARGETS.items():
            user, = User.find([('login', '=', login)])
            targets.append(Target(
                    year=month.year, month=month.month,
                    kind='salesperson', salesperson=user,
                    contract_amount=Decimal(contract),
                    receipt_amount=Decimal(receipts)))
        for name, (contract, receipts) in TEAM_TARGETS.items():
            department, = Department.find([('name', '=', name)])
            targets.append(Target(
                    year=month.year, month=month.month,
                    kind='team', department=department,
                    contract_amount=Decimal(contract),
                    receipt_amount=Decimal(receipts)))
    Target.save(targets)
    return targets
