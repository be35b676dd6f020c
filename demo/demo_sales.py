"""Demo sales pipeline of 上海飞达办公家具有限公司: opportunities at every
stage of the funnel, a project with partner units and a decision map, a
quote, and a price list for old customers (老客户).

Call load(config) with the admin's proteus configuration once the demo
users, customers and products exist (demo/load_demo.py). Deterministic:
tests and manuals may rely on the names below.
"""
from decimal import Decimal

from proteus import Model

# customer, description, stage (XML id in xtools_crm_sales), expected
# amount, whether it is still a lead. The owner of the customer follows it.
OPPORTUNITIES = [
    ("上海明珠广告有限公司", "新办公楼 3 层工位", 'stage_solution',
        '180000', False),
    ("上海申城律师事务所", "合伙人办公室家具", 'stage_initial_contact',
        '90000', True),
    ("上海华信电子科技有限公司", "研发中心办公家具", 'stage_needs_analysis',
        '260000', False),
    ("杭州西湖国际酒店", "客房及大堂家具更新", 'stage_negotiation',
        '560000', False),
    ("宁波港城贸易有限公司", "会议室改造", 'stage_bidding', '75000', False),
    ("苏州金鸡湖商务中心有限公司", "共享办公区", 'stage_assessment',
        '320000', True),
    ]

# A project of 销售一部: its manager follows the developer, the partner units
# are customers of his team.
PROJECT = {
    'name': "锦绣大厦办公家具项目",
    'customer': "上海锦绣置业有限公司",
    'stage': 'stage_bidding',
    'amount': '1800000',
    'partners': [
        ("上海远景建筑设计院有限公司", 'designer'),
        ("上海浦江国际物流有限公司", 'supplier'),
        ],
    # (customer, position of the contact among its contacts, role,
    #  position of the superior in this list or None)
    'decisions': [
        ("上海锦绣置业有限公司", 0, 'decision_maker', None),
        ("上海远景建筑设计院有限公司", 0, 'technical', 0),
        ("上海远景建筑设计院有限公司", 1, 'influencer', 1),
        ("上海浦江国际物流有限公司", 0, 'user', 0),
        ],
    }

# The quote of the first opportunity: (product code, quantity, discount)
QUOTE = {
    'opportunity': "新办公楼 3 层工位",
    'title': "明珠广告新办公楼报价",
    'lines': [
        ('FD-ZY-1470', 60, '0.05'),
        ('FD-YZ-602', 60, '0.08'),
        ('FD-HY-3615', 2, '0'),
        ],
    }

OLD_CUSTOMERS = "老客户"
OLD_CUSTOMER_NAMES = ["上海明珠广告有限公司", "杭州西湖国际酒店"]
OLD_CUSTOMER_PRICE_LIST = ("老客户价格表", 'unit_price * 0.9')


def load(config):
    """Create the demo pipeline in the database of config (a proteus config
    of the admin, in the demo company). Return a dict of counts."""
    ModelData = Model.get('ir.model.data', config=config)

    def stage(fs_id):
        return ModelData.get_id('xtools_crm_sales', fs_id, config.context)

    customers = _customers(config)
    price_list = _old_customer_prices(config, customers)
    opportunities = _opportunities(config, customers, stage)
    project = _project(config, customers, stage)
    quote = _quote(config, opportunities, price_list)
    return {
        'opportunities': len(opportunities),
        'projects': 1 if project else 0,
        'quotes': 1 if quote else 0,
        }


def _customers(config):
    Party = Model.get('party.party', config=config)
    return {p.name: p for p in Party.find([('crm_customer_type', '!=', None)])}


def _employee(customer):
    owner = customer.crm_owner
    return owner.employee if owner else None


def _old_customer_prices(config, customers):
    "老客户: a customer group with its price list"
    Category = Model.get('party.category', config=config)
    PriceList = Model.get('product.price_list', config=config)
    Party = Model.get('party.party', config=config)
    group = Category(name=OLD_CUSTOMERS)
    group.save()
    name, formula = OLD_CUSTOMER_PRICE_LIST
    price_list = PriceList(name=name, price='list_price')
    price_list.lines.new(formula=formula)
    price_list.crm_customer_groups.append(Category(group.id))
    price_list.save()
    parties = []
    for customer_name in OLD_CUSTOMER_NAMES:
        party = Party(customers[customer_name].id)
        party.categories.append(Category(group.id))
        parties.append(party)
    Party.save(parties)
    return price_list


def _opportunities(config, customers, stage):
    Opportunity = Model.get('sale.opportunity', config=config)
    Stage = Model.get('crm.opportunity.stage', config=config)
    opportunities = []
    for name, description, stage_id, amount, lead in OPPORTUNITIES:
        customer = customers[name]
        opportunity = Opportunity(description=description)
        opportunity.party = customer
        opportunity.employee = _employee(customer)
        opportunity.crm_stage = Stage(stage(stage_id))
        opportunity.amount = Decimal(amount)
        opportunities.append(opportunity)
    Opportunity.save(opportunities)
    Opportunity.click(
        [o for o, spec in zip(opportunities, OPPORTUNITIES) if not spec[-1]],
        'opportunity')
    return opportunities


def _project(config, customers, stage):
    Project = Model.get('crm.project', config=config)
    Stage = Model.get('crm.opportunity.stage', config=config)
    Decision = Model.get('crm.project.decision', config=config)
    main = customers[PROJECT['customer']]
    project = Project(name=PROJECT['name'])
    project.customer = main
    project.employee = _employee(main)
    project.stage = Stage(stage(PROJECT['stage']))
    project.amount = Decimal(PROJECT['amount'])
    for name, role in PROJECT['partners']:
        project.partners.new(customer=customers[name], role=role)
    project.save()
    decisions = []
    for name, position, role, superior in PROJECT['decisions']:
        contacts = sorted(customers[name].crm_contacts, key=lambda c: c.id)
        decision = Decision(project=project, role=role)
        decision.contact = contacts[min(position, len(contacts) - 1)]
        if superior is not None:
            decision.superior = decisions[superior]
        decision.save()
        decisions.append(decision)
    return project


def _quote(config, opportunities, price_list):
    Quote = Model.get('crm.quote', config=config)
    Product = Model.get('product.product', config=config)
    opportunity, = [o for o in opportunities
        if o.description == QUOTE['opportunity']]
    quote = Quote(title=QUOTE['title'])
    quote.customer = opportunity.party
    quote.opportunity = opportunity
    quote.price_list = price_list
    for code, quantity, discount in QUOTE['lines']:
        products = Product.find([('code', '=', code)])
        if not products:
            continue
        # Set one by one, so that each change fills the prices
        line = quote.lines.new()
        line.product = products[0]
        line.quantity = quantity
        line.discount = Decimal(discount)
    quote.save()
    quote.click('send')
    return quote
