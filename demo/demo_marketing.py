"""Demo marketing desk of 上海飞达办公家具有限公司 (SPEC M1, M2): the campaigns
of 市场部 — a trade fair that is over, a promotion running and a seminar to
come — with their budgets, costs and materials; the fair's effect (the
leads 林晓 met there, an opportunity and an approved order the sales staff
attributed to it); the thank-you e-mail sent to the fair's leads, with its
send log, and the contact who asked for no more e-mail.

Plain data and one loader, for load_demo.py once the users, customers and
deals exist (xtools_crm_marketing activated):

    from demo_marketing import load_marketing   # or: from . import ...
    load_marketing(config)

The campaigns' dates follow the day the demo is loaded. The e-mail goes to
a loopback mail server of the loader's process (nothing leaves the
machine); with a proteus configuration over XML-RPC it stays a draft.
"""
import contextlib
import datetime as dt
from decimal import Decimal

from proteus import Model
from proteus.config import TrytondConfig

try:
    from . import demo_work
except ImportError:
    import demo_work

MARKETER = 'linxiao'
SALES = 'zhanghao'
FAIR = "2026上海国际办公家具展"
# name, type (xml id in xtools_crm_marketing), start and end (days from
# the loading day), budget, actual cost, expected leads, customers, deals
# and amount, description
CAMPAIGNS = [
    (FAIR, 'dict_campaign_type_exhibition', -40, -37, '80000', '76500',
        (8, 3, 2, '300000'),
        "国家会展中心 4.1 馆 B12 展位，展出新款屏风工作站和升降桌。"),
    ("年终办公家具促销月", 'dict_campaign_type_promotion', -5, 25,
        '30000', '9800', (20, 5, 4, '200000'),
        "老客户转介绍赠送人体工学椅，整单满五万元包安装。"),
    ("人体工学座椅品鉴会", 'dict_campaign_type_seminar', 12, 12,
        '15000', None, (10, 2, 1, '60000'),
        "松江展厅，邀请行政和采购负责人体验新款座椅。"),
    ]
MEDIUMS = ["新民晚报", "百度推广"]
# campaign, kind, name, medium, issue date (days from the loading day),
# quantity, unit cost
MATERIALS = [
    (FAIR, 'ad', "展会预告半版广告", "新民晚报", -47, 2, '6800'),
    (FAIR, 'printed', "2026 产品画册", None, -40, 600, '12.50'),
    (FAIR, 'gift', "定制保温杯", None, -40, 200, '35'),
    ("年终办公家具促销月", 'ad', "搜索关键词推广", "百度推广", -5, 30, '200'),
    ("年终办公家具促销月", 'printed', "促销单页", None, -5, 2000, '0.80'),
    ("人体工学座椅品鉴会", 'gift', "品鉴会伴手礼", None, 12, 40, '60'),
    ]
# Customers of the sales staff each campaign addresses
AUDIENCE = {
    FAIR: ["上海明珠广告有限公司", "上海华信电子科技有限公司",
        "上海申城律师事务所"],
    "年终办公家具促销月": ["上海锦绣置业有限公司", "杭州西湖国际酒店"],
    "人体工学座椅品鉴会": ["上海远景建筑设计院有限公司"],
    }
# The leads 林晓 met at the fair: customers of hers the fair brought.
# name, phone, [(contact, title, mobile, e-mail)]
LEADS = [
    ("上海新锐文化传播有限公司", "021-64031234", [
        ("周婷", "行政经理", "13817201234", 'zhouting@xinrui-media.example.com'),
        ("陈刚", "总经理", "13917205678", 'chengang@xinrui-media.example.com'),
        ]),
    ("苏州园区智造科技有限公司", "0512-62591234", [
        ("黄磊", "采购经理", "13862101234", 'huanglei@zhizao-tech.example.com'),
        ]),
    ]
# What the sales staff attributed to the fair: the opportunity of
# demo_sales (its description) and the approved order of demo_deals (its
# customer)
FAIR_OPPORTUNITY = "新办公楼 3 层工位"
FAIR_DEAL = "上海明珠广告有限公司"
# 陈刚 asked for no more e-mail
UNSUBSCRIBED = ("陈刚", "展会后来电，不再接收营销邮件")
MAILING = {
    'name': "展会答谢及新品目录",
    'subject': "{customer}：感谢莅临飞达家具展位",
    'body': "{contact}您好：\n感谢您莅临2026上海国际办公家具展飞达家具展位。"
    "新品目录已上线，欢迎来松江展厅参观体验。\n{sender}\n"
    "上海飞达办公家具有限公司 市场部",
    }
MAIL_FROM = 'marketing@feida.example.com'


def load_marketing(config):
    """Create the demo campaigns, their effect and the mass e-mail with the
    proteus config of the admin; return their counts"""
    _mediums(config)
    campaigns = _campaigns(config)
    leads = _leads(config, campaigns[FAIR])
    _attribute(config, campaigns[FAIR])
    sent = _mailing(config, campaigns[FAIR])
    return {
        'campaigns': len(campaigns),
        'campaign_materials': len(MATERIALS),
        'campaign_leads': leads,
        'mass_emails_sent': sent,
        }


def _day(days):
    return demo_work._today() + dt.timedelta(days=days)


def _mediums(config):
    "Where the ads appear: Tryton's marketing mediums (the admin's)"
    Medium = Model.get('marketing.medium', config=config)
    Medium.save([Medium(name=name) for name in MEDIUMS])


def _campaigns(config):
    "Return {name: campaign}, planned by the marketing staff"
    ModelData = Model.get('ir.model.data', config=config)
    Party = Model.get('party.party', config=config)
    customer_ids = {p.name: p.id for p in Party.find([
                ('name', 'in', sorted({n for names in AUDIENCE.values()
                            for n in names})),
                ])}
    with demo_work.as_user(config, MARKETER) as marketing:
        Campaign = Model.get('marketing.campaign', config=marketing)
        Dictionary = Model.get('crm.dictionary', config=marketing)
        Medium = Model.get('marketing.medium', config=marketing)
        Customer = Model.get('party.party', config=marketing)
        mediums = {m.name: m for m in Medium.find([])}
        campaigns = {}
        for (name, type_, start, end, budget, cost, expected,
                description) in CAMPAIGNS:
            leads, customers, deals, amount = expected
            campaign = Campaign(name=name,
                crm_type=Dictionary(ModelData.get_id(
                        'xtools_crm_marketing', type_, marketing.context)),
                crm_start_date=_day(start), crm_end_date=_day(end),
                crm_budget=Decimal(budget),
                crm_actual_cost=Decimal(cost) if cost else None,
                crm_expected_leads=leads, crm_expected_customers=customers,
                crm_expected_deals=deals,
                crm_expected_amount=Decimal(amount),
                crm_description=description)
            campaign.crm_customers.extend(
                Customer(customer_ids[n]) for n in AUDIENCE[name])
            for (campaign_name, kind, material, medium, issued, quantity,
                    unit_cost) in MATERIALS:
                if campaign_name == name:
                    campaign.crm_materials.new(kind=kind, name=material,
                        medium=mediums[medium] if medium else None,
                        date=_day(issued), quantity=quantity,
                        unit_cost=Decimal(unit_cost))
            campaign.save()
            campaigns[name] = campaign
    return campaigns


def _leads(config, fair):
    "The customers 林晓 brought from the fair, with their contacts"
    with demo_work.as_user(config, MARKETER) as marketing:
        Party = Model.get('party.party', config=marketing)
        Campaign = Model.get('marketing.campaign', config=marketing)
        User = Model.get('res.user', config=marketing)
        owner, = User.find([('login', '=', MARKETER)])
        leads = []
        for name, phone, contacts in LEADS:
            party = Party(name=name, crm_customer_type='enterprise',
                crm_owner=owner, marketing_campaign=Campaign(fair.id))
            party.contact_mechanisms.new(type='phone', value=phone)
            for contact, title, mobile, email in contacts:
                party.crm_contacts.new(
                    name=contact, title=title, mobile=mobile, email=email)
            leads.append(party)
        Party.save(leads)
        fair = Campaign(fair.id)
        fair.crm_customers.extend(Party(p.id) for p in leads)
        fair.save()
    return len(leads)


def _attribute(config, fair):
    """张浩 puts his opportunity and his approved order of 明珠广告 down to
    the fair where the customer saw the new workstations"""
    with demo_work.as_user(config, SALES) as sales:
        Campaign = Model.get('marketing.campaign', config=sales)
        Opportunity = Model.get('sale.opportunity', config=sales)
        Sale = Model.get('sale.sale', config=sales)
        opportunity, = Opportunity.find([
                ('description', '=', FAIR_OPPORTUNITY)])
        opportunity.marketing_campaign = Campaign(fair.id)
        opportunity.save()
        deal, = Sale.find([
                ('party.name', '=', FAIR_DEAL),
                ('state', 'in', ['confirmed', 'processing', 'done']),
                ])
        deal.marketing_campaign = Campaign(fair.id)
        deal.save()


@contextlib.contextmanager
def loopback_mail(config):
    """Tryton's mail settings pointing at a loopback server of this process
    while the e-mail is sent; None over XML-RPC (the server sends)"""
    if not isinstance(config, TrytondConfig):
        yield None
        return
    from trytond import config as tryton_config
    from xtools_crm_base.tests.smtp_sink import SMTPSink
    saved = {k: tryton_config.get('email', k) for k in ['uri', 'from']}
    with SMTPSink() as sink:
        tryton_config.set('email', 'uri', sink.uri)
        tryton_config.set('email', 'from', MAIL_FROM)
        try:
            yield sink
        finally:
            for key, value in saved.items():
                if value is not None:
                    tryton_config.set('email', key, value)


def _mailing(config, fair):
    """陈刚's unsubscription, then the thank-you e-mail to the fair's
    audience as 林晓 sees it: her leads' contacts. Return the number of
    e-mails sent."""
    with demo_work.as_user(config, MARKETER) as marketing:
        Contact = Model.get('crm.contact', config=marketing)
        Unsubscribe = Model.get('crm.marketing.unsubscribe', config=marketing)
        MassMessage = Model.get('crm.mass.message', config=marketing)
        Campaign = Model.get('marketing.campaign', config=marketing)
        name, reason = UNSUBSCRIBED
        contact, = Contact.find([('name', '=', name)])
        stop = Unsubscribe(channel='email', contact=contact, reason=reason,
            date=_day(-30))
        stop.address = contact.email.lower()
        stop.save()
        mailing = MassMessage(channel='email', campaign=Campaign(fair.id),
            campaign_audience=True, **MAILING)
        mailing.save()
        with loopback_mail(config) as sink:
            if sink is None:
                return 0
            mailing.click('send')
        return len(sink.messages)
