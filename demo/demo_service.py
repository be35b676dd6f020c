"""Demo service and repair desks of 上海飞达办公家具有限公司: the company's
holiday calendar, services given by customer service (客服), complaints —
one of them overdue —, the QA knowledge base, and repair tickets at every
step of the repair desk (维修工单).

Plain data and one loader, for load_demo.py once the users, customers and
products exist (xtools_crm_service activated):

    from demo_service import load_service   # or: from . import demo_service
    load_service(config)

Deterministic but for the dates, which follow the day the demo is loaded.
"""
import datetime as dt
from decimal import Decimal

from proteus import Model

# The demo's holiday calendar for 2026 (节假日安排): the public holidays
# and the weekend days worked in exchange ('workday', 调休上班) — a real
# company enters the year's official schedule.
HOLIDAYS_2026 = [
    *((dt.date(2026, 1, d), "元旦", 'holiday') for d in (1, 2, 3)),
    (dt.date(2026, 1, 4), "元旦调休", 'workday'),
    *((dt.date(2026, 2, d), "春节", 'holiday') for d in range(15, 24)),
    (dt.date(2026, 2, 14), "春节调休", 'workday'),
    (dt.date(2026, 2, 28), "春节调休", 'workday'),
    *((dt.date(2026, 4, d), "清明节", 'holiday') for d in (4, 5, 6)),
    *((dt.date(2026, 5, d), "劳动节", 'holiday') for d in range(1, 6)),
    (dt.date(2026, 5, 9), "劳动节调休", 'workday'),
    *((dt.date(2026, 6, d), "端午节", 'holiday') for d in (19, 20, 21)),
    *((dt.date(2026, 9, d), "中秋节", 'holiday') for d in (25, 26, 27)),
    *((dt.date(2026, 10, d), "国庆节", 'holiday') for d in range(1, 8)),
    (dt.date(2026, 9, 20), "国庆调休", 'workday'),
    (dt.date(2026, 10, 10), "国庆调休", 'workday'),
    ]

SERVICE_AGENT = 'xujing'
# The service manager (客服经理 of 客户部, demo_data.LOGINS) is told of the
# overdue complaint by the escalation cron of a running server.
SERVICE_MANAGER = 'qianlihua'
ENGINEERS = ['linzhiqiang', 'hejianguo']

# customer, subject, service type, way, days ago, minutes, state
SERVICES = [
    ("上海明珠广告有限公司", "指导调节大班椅高度", 'dict_service_type_consulting',
        'dict_service_way_phone', 12, 15, 'done'),
    ("上海华信电子科技有限公司", "工位安装验收", 'dict_service_type_installation',
        'dict_service_way_visit', 9, 180, 'done'),
    ("杭州西湖国际酒店", "家具保养培训", 'dict_service_type_training',
        'dict_service_way_visit', 5, 120, 'done'),
    ("上海锦绣置业有限公司", "屏风工作站布线咨询", 'dict_service_type_after_sales',
        'dict_service_way_wechat', 0, None, 'in_progress'),
    ]

# customer, subject, type, days ago, content, result (None: unanswered),
# closed. Twenty days ago, the first one is overdue whatever the holidays.
COMPLAINTS = [
    ("上海华信电子科技有限公司", "送货延误一周", 'dict_complaint_type_delivery',
        20, "研发中心的带柜职员桌比约定晚了一周送到，影响了搬迁。", None, False),
    ("上海明珠广告有限公司", "会议桌桌腿松动", 'dict_complaint_type_quality',
        0, "上月送货安装的会议桌桌腿松动，要求上门处理。", None, False),
    ("杭州西湖国际酒店", "安装工人态度差", 'dict_complaint_type_service',
        30, "安装工人在大堂大声喧哗，酒店经理不满。",
        "已向酒店致歉，对安装班组进行了培训。", True),
    ]

QA_ENTRIES = {
    "转椅": [
        ("座椅无法升降怎么办？",
            "多为气压棒故障：先检查调节手柄是否卡住；保修期内免费更换气压棒，"
            "可报修维修工单。", "气杆 下沉 升降"),
        ("椅背倾仰太松或太紧",
            "旋转座椅下方的倾仰调节旋钮：顺时针收紧，逆时针放松。", "后仰 旋钮"),
        ],
    "办公桌": [
        ("会议桌桌腿松动",
            "用随货的六角扳手拧紧桌腿连接螺丝；仍松动请报修。", "摇晃 螺丝"),
        ("抽屉锁打不开",
            "先确认钥匙编号与锁芯一致；锁芯卡滞可喷少量石墨粉后轻转钥匙。",
            "钥匙 锁芯"),
        ],
    "保修与保养": [
        ("家具保修期多长？",
            "办公家具整体保修三年，气压棒、五星脚等易损件保修一年。",
            "质保 售后"),
        ("真皮沙发如何保养？",
            "避免阳光直射，每季度用专用皮革护理剂擦拭一次。", "皮革 清洁"),
        ],
    }

# customer, product code, serial, fault, step, engineer (index in
# ENGINEERS or None), days ago taken in, promised in days from today
TICKETS = [
    ("上海明珠广告有限公司", 'FD-YZ-801', "YZ801-2025-0042",
        "座椅无法升降，坐下后自动下沉。", 'intake', None, 0, 3),
    ("上海华信电子科技有限公司", 'FD-ZY-1470', "ZY1470-2025-0318",
        "三抽柜中间抽屉滑轨断裂。", 'confirmed', 0, 2, 2),
    ("杭州西湖国际酒店", 'FD-SF-3P', None,
        "沙发扶手皮面开裂。", 'repairing', 1, 10, -2),
    ("上海锦绣置业有限公司", 'FD-PF-4P', "PF4P-2024-0107",
        "屏风桌面线槽盖板脱落。", 'delivered', 0, 15, -8),
    ]
# The part used on the ticket being repaired
REPAIR_PART = ('FD-SF-CJ', 1, "更换扶手皮面（取自样品）")


def load_service(config):
    """Create the demo service and repair records with the proteus config of
    the admin; return their counts"""
    users = _users(config)
    _holidays(config)
    services = _services(config, users)
    complaints = _complaints(config, users)
    qa = _qa(config)
    tickets = _tickets(config, users)
    return {
        'services': len(services),
        'complaints': len(complaints),
        'qa': len(qa),
        'tickets': len(tickets),
        }


def _users(config):
    User = Model.get('res.user', config=config)
    logins = [SERVICE_AGENT, *ENGINEERS]
    return {u.login: u for u in User.find([('login', 'in', logins)])}


def _dictionary(config, fs_id):
    ModelData = Model.get('ir.model.data', config=config)
    Dictionary = Model.get('crm.dictionary', config=config)
    module = ('xtools_crm_service' if 'service_way' in fs_id
        else 'xtools_crm_base')
    return Dictionary(ModelData.get_id(module, fs_id, config.context))


def _customer(config, name):
    Party = Model.get('party.party', config=config)
    customer, = Party.find([('name', '=', name)])
    return customer


def _holidays(config):
    Holiday = Model.get('crm.holiday', config=config)
    holidays = [Holiday(date=date, name=name, kind=kind)
        for date, name, kind in HOLIDAYS_2026]
    Holiday.save(holidays)
    return holidays


def _services(config, users):
    Record = Model.get('crm.service.record', config=config)
    now = dt.datetime.now().replace(microsecond=0, second=0)
    records = []
    for (customer, subject, type_, way, days, minutes,
            state) in SERVICES:
        record = Record(customer=_customer(config, customer))
        record.subject = subject
        record.service_type = _dictionary(config, type_)
        record.service_way = _dictionary(config, way)
        record.start_time = now - dt.timedelta(days=days)
        record.assignee = users[SERVICE_AGENT]
        record.minutes_spent = minutes
        record.save()
        if state in {'in_progress', 'done'}:
            record.click('start')
        if state == 'done':
            record.click('done')
        records.append(record)
    return records


def _complaints(config, users):
    Complaint = Model.get('crm.complaint', config=config)
    now = dt.datetime.now().replace(microsecond=0, second=0)
    complaints = []
    for (customer, subject, type_, days, content, result,
            closed) in COMPLAINTS:
        complaint = Complaint(customer=_customer(config, customer))
        complaint.subject = subject
        complaint.complaint_type = _dictionary(config, type_)
        complaint.complaint_time = now - dt.timedelta(days=days)
        complaint.content = content
        complaint.handler = users[SERVICE_AGENT]
        complaint.save()
        if result:
            complaint.result = result
            complaint.click('answer')
        if closed:
            complaint.click('close')
        complaints.append(complaint)
    return complaints


def _qa(config):
    Category = Model.get('crm.qa.category', config=config)
    QA = Model.get('crm.qa', config=config)
    entries = []
    for category_name, questions in QA_ENTRIES.items():
        category = Category(name=category_name)
        category.save()
        for question, answer, keywords in questions:
            entries.append(QA(
                    category=category, question=question, answer=answer,
                    keywords=keywords))
    QA.save(entries)
    return entries


def _tickets(config, users):
    Ticket = Model.get('crm.repair.ticket', config=config)
    Product = Model.get('product.product', config=config)
    today = dt.date.today()
    now = dt.datetime.now().replace(microsecond=0, second=0)
    tickets = []
    for (customer, code, serial, fault, step, engineer, days,
            promised) in TICKETS:
        ticket = Ticket(customer=_customer(config, customer))
        ticket.product, = Product.find([('code', '=', code)])
        ticket.serial_number = serial
        ticket.fault = fault
        ticket.intake_time = now - dt.timedelta(days=days)
        ticket.promised_date = today + dt.timedelta(days=promised)
        if engineer is not None:
            ticket.engineer = users[ENGINEERS[engineer]]
        ticket.save()
        _advance(config, ticket, step)
        tickets.append(ticket)
    return tickets


def _advance(config, ticket, step):
    "Take the ticket through the repair up to step"
    Product = Model.get('product.product', config=config)
    steps = ['intake', 'confirmed', 'repairing', 'repaired', 'delivered']
    target = steps.index(step)
    if target >= 1:
        ticket.quoted_amount = Decimal('0')
        ticket.confirmation_note = "保修期内免费维修。"
        ticket.click('confirm')
    if target >= 2:
        ticket.click('start_repair')
        code, quantity, note = REPAIR_PART
        product, = Product.find([('code', '=', code)])
        ticket.parts.new(product=product, quantity=quantity, note=note)
        ticket.diagnosis = "现场检查确认故障。"
        ticket.save()
    if target >= 3:
        ticket.repair_result = "已修复，测试正常。"
        ticket.click('finish')
    if target >= 4:
        ticket.delivery_way = 'onsite'
        ticket.click('deliver')
