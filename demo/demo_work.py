"""Demo office of 上海飞达办公家具有限公司 (SPEC B8's SMS, B9, B10): the sales
staff's daily and weekly reports of the last working days — most on time,
some late, one missing —, their managers' comments, two notices of the
boss, the knowledge base, a note, and an SMS through the loopback gateway.

Plain data and one loader, for load_demo.py once the users and customers
exist:

    from demo_work import load_work   # or: from . import demo_work
    load_work(config)

The reports follow the day the demo is loaded. Their submission times are
set in the loader's process (freeze_submission_time): with a proteus
configuration over XML-RPC, the server dates them when they are loaded.
"""
import contextlib
import datetime as dt
import urllib.parse
from zoneinfo import ZoneInfo

from proteus import Model, Wizard
from proteus.config import TrytondConfig, XmlrpcConfig

try:
    from . import demo_data as data
except ImportError:
    import demo_data as data

ZONE = ZoneInfo('Asia/Shanghai')
BOSS = 'wangtianhong'
# The reports: author → {working days ago: submitted n working days after
# the due date (0 on time), None: missing}. The last five working days
# before the loading day.
DAILY = {
    'zhanghao': {1: 0, 2: 0, 3: 1, 4: 0, 5: 0},
    'zhaoxue': {1: 0, 2: None, 3: 0, 4: 0, 5: 0},
    'wujunjie': {1: 0, 2: 0, 3: 0, 4: 0, 5: 0},
    'zhengjiayi': {1: 0, 2: 0, 3: 0, 4: 2, 5: 0},
    }
# Weekly reports of the last full week: author → working days late
WEEKLY = {'zhanghao': 0, 'zhaoxue': 1, 'wujunjie': 0, 'zhengjiayi': 0}
SUMMARIES = [
    ("电话回访明珠广告，确认会议桌样品已收到；拜访华信电子研发中心，测量工位尺寸。",
        "整理华信电子的工位方案，下午发报价。"),
    ("与西湖国际酒店确认大堂沙发的颜色与交期；更新两家潜在客户的联系人。",
        "跟进酒店的合同条款，约采购经理周三面谈。"),
    ("参加部门例会，学习新款屏风工作站的卖点；给三家老客户寄送产品目录。",
        "电话回访寄送目录的客户，争取一家上门拜访。"),
    ("陪同主管拜访行政服务中心，了解明年的采购计划；录入拜访记录。",
        "准备行政服务中心的资质材料和案例。"),
    ("处理客户对交期的询问，与仓库确认库存；完成本周任务清单。",
        "周末前把下周的拜访计划排进日程。"),
    ]
WEEKLY_SUMMARY = (
    "本周拜访客户五家，新增潜在客户两家；一份报价待客户确认。",
    "下周重点跟进报价中的客户，争取签约一单。")
COMMENTS = [
    ('chenzhiming', 'zhanghao', 3, "报告晚交了一天，下次注意按时提交。华信的方案先给我看一下。"),
    ('liuxiaoyan', 'zhaoxue', 1, "明珠广告的样品反馈很好，可以约他们看新品。"),
    ('zhouguoqiang', 'wujunjie', 1, "酒店项目抓紧，合同条款有疑问随时找我。"),
    ]
NOTICES = [
    ("关于劳动节放假安排的通知", "company", None, False,
        "全体同事：劳动节放假五天，节前请整理好客户跟进计划，"
        "假期中的客户来电由客服部值班处理。"),
    ("本周五销售例会", "departments", "销售部", True,
        "本周五下午两点在三楼会议室召开销售例会，"
        "各销售请带上本月的客户跟进表和下月计划。"),
    ]
KNOWLEDGE = {
    "行业动态": [
        ("2026年办公家具市场趋势", "趋势 市场",
            "开放式办公和灵活工位需求上升，升降桌、隔音舱类产品增长较快；"
            "政府和学校采购更看重环保认证。"),
        ],
    "销售技巧": [
        ("如何做好第一次电话拜访", "电话 开场",
            "先说明来意和对客户的价值，控制在三分钟以内；"
            "通话结束前约定下次跟进的时间，并在CRM里记下要点。"),
        ("报价后客户不回复怎么办", "报价 跟进",
            "三天内电话回访，确认客户是否收到报价、有无疑问；"
            "了解决策流程和预算，必要时请主管一起拜访。"),
        ],
    "产品资料": [
        ("屏风工作站规格说明", "屏风 工位 尺寸",
            "标准工位1400×1200毫米，屏风高1100毫米，可选线槽和抽屉柜；"
            "交期一般为15个工作日。"),
        ],
    }
NOTE = ('zhanghao', "客户生日", "明珠广告张总5月12日生日，提前一周准备贺卡。")
SMS = ('zhanghao', "上海明珠广告有限公司",
    "张总您好，新款会议桌样品已寄出，预计明天送达，有问题随时联系我。")


def load_work(config):
    """Create the demo office records with the proteus config of the admin;
    return their counts"""
    _sms_settings(config)
    reports = _reports(config)
    comments = _comments(config)
    notices = _notices(config)
    articles = _knowledge(config)
    _note(config)
    sms = _sms(config)
    return {
        'work_reports': reports,
        'work_report_comments': comments,
        'notices': notices,
        'knowledge_articles': articles,
        'sms': sms,
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
            url.netloc.rsplit('@', 1)[-1])
        yield XmlrpcConfig(
            urllib.parse.urlunsplit(url._replace(netloc=netloc)))
    else:
        raise TypeError(config)


@contextlib.contextmanager
def submitted_at(config, when):
    "Submissions dated when (a naive UTC datetime) in this process"
    if not isinstance(config, TrytondConfig):
        yield
        return
    from xtools_crm_base.work_report import freeze_submission_time
    freeze_submission_time(when)
    try:
        yield
    finally:
        freeze_submission_time(None)


def working_days_before(day, count):
    "The count working days (Monday–Friday) before day, latest first"
    days = []
    while len(days) < count:
        day -= dt.timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    return days


def working_day_after(day, count):
    "The day count working days after day"
    while count:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def evening_utc(day):
    "18:00 in Shanghai on day, as naive UTC"
    return dt.datetime.combine(day, dt.time(18), tzinfo=ZONE).astimezone(
        dt.timezone.utc).replace(tzinfo=None)


def _today():
    return dt.datetime.now(ZONE).date()


def _sms_settings(config):
    Configuration = Model.get('crm.configuration', config=config)
    settings = Configuration(1)
    settings.sms_provider = 'loopback'
    settings.sms_signature = "【飞达家具】"
    settings.save()


def _reports(config):
    days = working_days_before(_today(), 5)
    count = 0
    for login, plan in DAILY.items():
        with as_user(config, login) as user_config:
            Report = Model.get('crm.work.report', config=user_config)
            for ago, late in sorted(plan.items(), reverse=True):
                if late is None:
                    continue
                day = days[ago - 1]
                summary, next_plan = SUMMARIES[(ago + count) % len(SUMMARIES)]
                report = Report(type='daily', date=day, summary=summary,
                    plan=next_plan)
                report.save()
                with submitted_at(user_config,
                        evening_utc(working_day_after(day, late))):
                    report.click('submit')
                count += 1
    # Last week's weekly reports, due on its Friday
    friday = _today() - dt.timedelta(days=_today().weekday() + 3)
    for login, late in WEEKLY.items():
        with as_user(config, login) as user_config:
            Report = Model.get('crm.work.report', config=user_config)
            report = Report(type='weekly', date=friday,
                summary=WEEKLY_SUMMARY[0], plan=WEEKLY_SUMMARY[1])
            report.save()
            with submitted_at(user_config,
                    evening_utc(working_day_after(friday, late))):
                report.click('submit')
            count += 1
    # Today's report, being written
    with as_user(config, 'zhanghao') as user_config:
        Report = Model.get('crm.work.report', config=user_config)
        Report(type='daily', date=_today(),
            summary="上午整理客户资料，下午拜访两家新客户。").save()
        count += 1
    return count


def _comments(config):
    days = working_days_before(_today(), 5)
    for commenter, author, ago, text in COMMENTS:
        with as_user(config, commenter) as user_config:
            Report = Model.get('crm.work.report', config=user_config)
            report, = Report.find([
                    ('author.login', '=', author),
                    ('type', '=', 'daily'),
                    ('date', '=', days[ago - 1]),
                    ])
            Comment = Model.get('crm.work.report.comment', config=user_config)
            Comment(report=report, text=text).save()
    return len(COMMENTS)


def _notices(config):
    with as_user(config, BOSS) as boss:
        Notice = Model.get('crm.notice', config=boss)
        Department = Model.get('crm.department', config=boss)
        notices = []
        for title, scope, department, important, content in NOTICES:
            notice = Notice(title=title, content=content, scope=scope,
                important=important)
            if department:
                notice.departments.extend(
                    Department.find([('name', '=', department)]))
            notice.save()
            notice.click('publish')
            notices.append(notice)
    # Zhang Hao has read the company's notice
    with as_user(config, 'zhanghao') as user_config:
        Notice = Model.get('crm.notice', config=user_config)
        notice = Notice(notices[0].id)
        notice.click('mark_read')
    return len(notices)


def _knowledge(config):
    count = 0
    with as_user(config, BOSS) as boss:
        Category = Model.get('crm.knowledge.category', config=boss)
        Article = Model.get('crm.knowledge.article', config=boss)
        for sequence, (name, articles) in enumerate(KNOWLEDGE.items(), 1):
            category = Category(name=name, sequence=sequence)
            category.save()
            for title, keywords, content in articles:
                Article(title=title, category=category, keywords=keywords,
                    content=content).save()
                count += 1
    return count


def _note(config):
    login, title, content = NOTE
    with as_user(config, login) as user_config:
        Note = Model.get('crm.note', config=user_config)
        Note(title=title, content=content).save()


def _sms(config):
    login, customer, text = SMS
    with as_user(config, login) as user_config:
        Contact = Model.get('crm.contact', config=user_config)
        contacts = Contact.find([
                ('customer.name', '=', customer),
                ('mobile', '!=', None),
                ], limit=1)
        if not contacts:
            return 0
        send = Wizard('crm.sms.send', contacts, config=user_config)
        send.form.text = text
        send.execute('send')
        return send.form.sent
