"""Demo office desk of 上海飞达办公家具有限公司 (SPEC M3): a leave request
approved by the team manager, an expense claim above the amount the boss
approves — the manager has approved it, it waits for the boss —, work logs,
a document shared with a team, and a training course for customers with
its attendees.

Plain data and one loader, for load_demo.py once the users and customers
exist (xtools_crm_office activated):

    from demo_office import load_office   # or: from . import demo_office
    load_office(config)

The dates follow the day the demo is loaded.
"""
import datetime as dt
from decimal import Decimal

from proteus import Model

try:
    from . import demo_work
except ImportError:
    import demo_work

# requester, approvers in turn, values (dates in working days after the
# loading day)
LEAVE = ('zhaoxue', ['chenzhiming'], {
        'kind': 'leave', 'leave_type': 'annual', 'start': 3, 'end': 4,
        'reason': "回老家参加表姐婚礼，请年假两天，客户来电由刘晓燕代为处理。",
        })
# Above the boss's amount of the settings (5,000 by default): approved by
# 陈志明, waiting for 王天虹
EXPENSE = ('zhanghao', ['chenzhiming'], {
        'kind': 'expense', 'amount': '8600.00',
        'reason': "展会期间客户招待及样品往返运输费，附发票 6 张。",
        })
# author, working days ago, hours, work done
WORK_LOGS = [
    ('zhanghao', 1, 3, "上门测量明珠广告新办公楼 3 层，整理工位布局草图。"),
    ('zhanghao', 0, 2, "与仓库确认四人位屏风工作站库存，回复客户交期。"),
    ('linxiao', 1, 4, "整理展会线索，给新锐文化和园区智造寄送产品画册。"),
    ]
# owner, title, scope, departments shared with, description, file
DOCUMENT = ('chenzhiming', "销售一部报价模板", 'shared', ["销售一部"],
    "报价单统一格式与折扣权限说明，报价前请先看。",
    ('报价模板.csv',
        "产品,型号,数量,单价,折扣\n四人位屏风工作站,FD-PF-4P,1,4800,0.95\n"))
# organiser, course, days from the loading day, location, trainer,
# [(customer, its contact's position, attended)]
TRAINING = ('zhanghao', "办公家具保养与升降桌使用培训", -14,
    "松江展厅二楼培训室", 'linzhiqiang', [
        ("上海明珠广告有限公司", 0, True),
        ("上海申城律师事务所", 0, True),
        ("上海浦江国际物流有限公司", 0, False),
        ])


def load_office(config):
    """Create the demo office records with the proteus config of the admin;
    return their counts"""
    approvals = _approvals(config)
    logs = _work_logs(config)
    _document(config)
    attendees = _training(config)
    return {
        'approvals': approvals,
        'work_logs': logs,
        'documents': 1,
        'training_attendees': attendees,
        }


def _working_day(days):
    "The day `days` working days after the loading day (before when < 0)"
    today = demo_work._today()
    if days > 0:
        return demo_work.working_day_after(today, days)
    if days < 0:
        return demo_work.working_days_before(today, -days)[-1]
    return today


def _approvals(config):
    for requester, approvers, spec in [LEAVE, EXPENSE]:
        values = dict(spec)
        for name, key in [('start_date', 'start'), ('end_date', 'end')]:
            if key in values:
                values[name] = _working_day(values.pop(key))
        if 'amount' in values:
            values['amount'] = Decimal(values['amount'])
        with demo_work.as_user(config, requester) as user_config:
            Approval = Model.get('crm.office.approval', config=user_config)
            request = Approval(**values)
            request.save()
            request.click('submit')
        for approver in approvers:
            with demo_work.as_user(config, approver) as user_config:
                Approval = Model.get(
                    'crm.office.approval', config=user_config)
                Approval(request.id).click('approve')
    return 2


def _work_logs(config):
    for author, ago, hours, content in WORK_LOGS:
        with demo_work.as_user(config, author) as user_config:
            WorkLog = Model.get('crm.office.work.log', config=user_config)
            WorkLog(date=_working_day(-ago), content=content,
                duration=dt.timedelta(hours=hours)).save()
    return len(WORK_LOGS)


def _document(config):
    owner, title, scope, departments, description, (filename, text) = (
        DOCUMENT)
    with demo_work.as_user(config, owner) as user_config:
        Document = Model.get('crm.office.document', config=user_config)
        Department = Model.get('crm.department', config=user_config)
        Attachment = Model.get('ir.attachment', config=user_config)
        document = Document(name=title, scope=scope, description=description)
        document.shared_departments.extend(
            Department.find([('name', 'in', departments)]))
        document.save()
        Attachment(name=filename, data=text.encode(),
            resource=document).save()


def _training(config):
    organiser, name, days, location, trainer, attendees = TRAINING
    with demo_work.as_user(config, organiser) as user_config:
        Training = Model.get('crm.office.training', config=user_config)
        User = Model.get('res.user', config=user_config)
        Party = Model.get('party.party', config=user_config)
        trainer, = User.find([('login', '=', trainer)])
        day = demo_work._today() + dt.timedelta(days=days)
        training = Training(name=name, start_date=day, end_date=day,
            location=location, trainer=trainer)
        for customer_name, position, attended in attendees:
            customer, = Party.find([('name', '=', customer_name)])
            training.attendees.new(customer=customer,
                contact=customer.crm_contacts[position], attended=attended)
        training.save()
    return len(attendees)
