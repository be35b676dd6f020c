"""The demo data as a user of the sample company would see it.

A throwaway SQLite database is created with trytond-admin (like
scripts/demo_db.py does), the demo is loaded in-process through
load_demo.connect/load, and the checks read it back with proteus.

Set DB_CACHE=<dir> to reuse the freshly activated database between runs
(keyed by the module list and the addons' files), and
XTOOLS_DEMO_MODULES="xtools_crm_base …" to choose the modules.
"""
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parent
ROOT = DEMO.parent
sys.path.insert(0, str(DEMO))

import demo_data as data  # noqa: E402
import load_demo  # noqa: E402

DB_NAME = 'demo_test'
ADMIN_PASSWORD = 'admin2026'
# Tryton modules whose screens the demo users get groups for.
TRYTON_MODULES = ['sale_opportunity', 'stock', 'purchase']


def modules():
    if os.environ.get('XTOOLS_DEMO_MODULES'):
        return os.environ['XTOOLS_DEMO_MODULES'].replace(',', ' ').split()
    addons = sorted(
        cfg.parent.name for cfg in (ROOT / 'addons').glob('*/tryton.cfg'))
    return addons + TRYTON_MODULES


def cache_file(names):
    "A cache key that changes with the modules and with any addon file"
    cache = os.environ.get('DB_CACHE')
    if not cache or cache.startswith('postgresql://'):
        return None
    digest = hashlib.sha256(' '.join(names).encode())
    for path in sorted((ROOT / 'addons').rglob('*')):
        if path.is_file() and '__pycache__' not in path.parts:
            digest.update(str(path).encode())
            digest.update(str(path.stat().st_mtime_ns).encode())
    return Path(cache) / f'xtools-demo-{digest.hexdigest()[:16]}.sqlite'


def create_database(path, names):
    "An activated database at path/DB_NAME.sqlite, as the run script makes"
    target = path / f'{DB_NAME}.sqlite'
    cached = cache_file(names)
    if cached and cached.exists():
        shutil.copyfile(cached, target)
        return
    target.touch()
    passfile = path / 'admin.pass'
    passfile.write_text(ADMIN_PASSWORD)
    env = {k: v for k, v in os.environ.items() if k != 'TRYTOND_CONFIG'}
    env.update(
        TRYTOND_DATABASE__URI='sqlite://',
        TRYTOND_DATABASE__PATH=str(path),
        TRYTONPASSFILE=str(passfile))
    admin = [str(Path(sys.executable).parent / 'trytond-admin'),
        '-d', DB_NAME]
    for args in [
            ['--all', '--email', 'admin@example.com', '-l', 'zh_CN'],
            ['-u', *names, '--activate-dependencies', '-l', 'zh_CN'],
            ]:
        subprocess.run(
            admin + args, env=env, check=True, capture_output=True)
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        for stale in cached.parent.glob('xtools-demo-*.sqlite'):
            stale.unlink()
        shutil.copyfile(target, cached)


# Whether the database fixture gave a database with the demo loaded
LOADED = []


def copy_built_demo(path, tmp_path_factory):
    """Copy into path the demo database the cross-module tests use
    (scripts/demo_db.py: the same activation and the same load_demo.load,
    cached under $DB_CACHE and built once for both suites, which run at the
    same time); False where there is no such cache or the modules are
    chosen"""
    cache = os.environ.get('DB_CACHE')
    if (not cache or cache.startswith('postgresql://')
            or os.environ.get('XTOOLS_DEMO_MODULES')):
        return False
    sys.path.insert(0, str(ROOT / 'tests'))
    from support.demo_db import demo_database_copy
    from support.env import artifacts_dir
    copy = demo_database_copy(
        tmp_path_factory.mktemp('demo-copy'),
        lambda: tmp_path_factory.mktemp('demo-build'),
        artifacts_dir() / 'demo_db.log')
    copy.copy_to(path, DB_NAME)
    LOADED[:] = [True]
    return True


@pytest.fixture(scope='module')
def database(tmp_path_factory):
    """The database path; trytond's configuration (in this process) and the
    TRYTOND_* variables (for subprocesses) point at it while the tests run"""
    from trytond import backend
    from trytond import config as tconfig
    if backend.name != 'sqlite':
        pytest.skip("the demo test runs on an in-process SQLite file")
    path = tmp_path_factory.mktemp('demo')
    if not copy_built_demo(path, tmp_path_factory):
        create_database(path, modules())
        LOADED.clear()
    saved = {key: tconfig.get('database', key) for key in ['uri', 'path']}
    tconfig.set('database', 'uri', 'sqlite://')
    tconfig.set('database', 'path', str(path))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv('TRYTOND_DATABASE__URI', 'sqlite://')
        patch.setenv('TRYTOND_DATABASE__PATH', str(path))
        patch.delenv('TRYTOND_CONFIG', raising=False)
        # proteus.config.set_trytond leaves the database name there.
        patch.delenv('TRYTOND_DATABASE_URI', raising=False)
        yield path
    for key, value in saved.items():
        tconfig.set('database', key, value)


@pytest.fixture(scope='module')
def demo(database):
    "The admin's proteus config, after one load of the demo data"
    config = load_demo.connect(DB_NAME)
    if not LOADED:
        load_demo.load(config)
    else:
        # The admin's session as the loader's: opened before the load set
        # the admin's language to Chinese (the checks read Tryton's own
        # names, such as the groups', in English)
        config._context = dict(config.context, language='en')
    return config


def as_user(login):
    """login's proteus config. proteus initialises the pool again for each
    config (every module loaded anew: 15–25 s a user on CI, three minutes
    for a test that asks as ten users); the demo database's pool is ready
    and its modules do not change within these tests."""
    from unittest import mock

    from proteus import config as pconfig
    from trytond.pool import Pool
    if not Pool._pools.get(DB_NAME):
        return pconfig.set_trytond(DB_NAME, user=login)
    with mock.patch.object(Pool, 'init', lambda self, *a, **k: None):
        return pconfig.set_trytond(DB_NAME, user=login)


def test_company(demo):
    from proteus import Model
    Company = Model.get('company.company', config=demo)
    company, = Company.find([])
    assert company.rec_name == "上海飞达办公家具有限公司"
    assert company.currency.code == 'CNY'
    assert company.currency.symbol == "¥"
    assert company.timezone == 'Asia/Shanghai'
    address, = company.party.addresses
    assert address.city == "上海市"


def test_departments(demo):
    from proteus import Model
    Department = Model.get('crm.department', config=demo)
    top = Department.find([('parent', '=', None)])
    assert sorted(d.name for d in top) == sorted([
            "研发部", "市场部", "采购部", "生产部", "商品部",
            "销售部", "客户部", "仓储部", "财务部"])
    sales, = [d for d in top if d.name == "销售部"]
    assert sorted(d.rec_name for d in sales.children) == [
        "销售部 / 销售一部", "销售部 / 销售二部"]
    assert len(Department.find([])) == 11


def test_boss(demo):
    from proteus import Model
    User = Model.get('res.user', config=demo)
    boss, = User.find([('login', '=', 'wangtianhong')])
    assert boss.name == "王天虹"
    assert boss.crm_level == 'boss'
    assert boss.language.code == 'zh_CN'
    assert boss.company.rec_name == data.COMPANY_NAME
    assert boss.employee.rec_name == "王天虹"
    groups = {g.name for g in boss.groups}
    assert {"CRM Role: Boss", "CRM Role: Sales"} <= groups


def test_sales_teams(demo):
    from proteus import Model
    User = Model.get('res.user', config=demo)
    for team in ["销售一部", "销售二部"]:
        members = User.find([('crm_department.name', '=', team)])
        levels = sorted(u.crm_level for u in members)
        assert levels == ['assistant', 'manager', 'staff', 'staff'], team
    director, = User.find([('crm_department.name', '=', "销售部")])
    assert director.crm_level == 'manager'


def test_users(demo):
    "Every demo user is in the company, speaks zh_CN and has a role"
    from proteus import Model
    User = Model.get('res.user', config=demo)
    users = User.find([('login', 'in', [u['login'] for u in data.LOGINS])])
    assert len(users) == len(data.LOGINS)
    for user in users:
        assert user.language.code == 'zh_CN', user.login
        assert user.company and user.employee, user.login
        assert any(g.name.startswith("CRM Role:") for g in user.groups)
    keeper, = User.find([('login', '=', 'yangjianjun')])
    assert "CRM Role: Sales" not in {g.name for g in keeper.groups}
    admin, = User.find([('login', '=', 'admin')])
    assert admin.language.code == 'zh_CN'


def test_demo_logins_can_log_in(demo):
    "The password of the table works (what the run script shows)"
    from trytond.transaction import Transaction
    User = demo.pool.get('res.user')
    for login in [data.LOGINS[0], data.LOGINS[-1]]:
        with Transaction().start(DB_NAME, 0):
            user_id = User.get_login(
                login['login'], {'password': login['password']})
            assert user_id and User(user_id).login == login['login']


def test_customers(demo):
    from proteus import Model
    Party = Model.get('party.party', config=demo)
    customers = Party.find([('crm_customer_type', '!=', None)])
    assert len(customers) >= 30
    for customer in customers:
        assert customer.crm_owner, customer.name
        assert customer.crm_contacts, customer.name
    individuals = [
        c for c in customers if c.crm_customer_type == 'individual']
    assert len(individuals) == 6
    mobiles = {row[0]: row[5] for row in data.INDIVIDUAL_CUSTOMERS}
    for individual in individuals:
        own, = [c for c in individual.crm_contacts
            if c.name == individual.name]
        # Party numbers are stored formatted (+86 …): compare the digits.
        digits = ''.join(d for d in own.mobile if d.isdigit())
        assert digits.endswith(mobiles[individual.name])
    for name, login in data.WELL_KNOWN_CUSTOMERS.items():
        customer, = Party.find([('name', '=', name)])
        assert customer.crm_owner.login == login


def test_customers_seen_by_their_users(demo):
    "The boss sees every customer; a salesperson sees his well-known one"
    from proteus import Model
    domain = [('crm_customer_type', '!=', None)]
    total = len(Model.get('party.party', config=demo).find(domain))
    Party = Model.get('party.party', config=as_user('wangtianhong'))
    assert len(Party.find(domain)) == total
    for name, login in data.WELL_KNOWN_CUSTOMERS.items():
        Party = Model.get('party.party', config=as_user(login))
        assert Party.find([('name', '=', name)]), (login, name)


def test_products(demo):
    from proteus import Model
    Category = Model.get('product.category', config=demo)
    Template = Model.get('product.template', config=demo)
    series = ["大班桌系列", "屏风组合系列", "职员系列", "会议桌系列",
        "办公沙发系列", "转椅系列"]
    for name in series:
        category, = Category.find([('name', '=', name)])
        templates = Template.find([('categories', '=', category.id)])
        assert len(templates) >= 3, name
        for template in templates:
            assert template.list_price > template.products[0].cost_price
            assert template.salable
    if 'crm_model' in Template._fields:
        template, = Template.find([('code', '=', 'FD-DB-2418')])
        assert template.crm_model == 'FD-DB-2418'


def test_sales_pipeline_and_deals(demo):
    "Opportunities, a project, a quote, contracts and orders to look at"
    from proteus import Model
    Module = Model.get('ir.module', config=demo)
    if not Module.find([
                ('name', '=', 'xtools_crm_sales'),
                ('state', '=', 'activated')]):
        pytest.skip("xtools_crm_sales is not activated")
    import demo_deals
    import demo_sales
    Opportunity = Model.get('sale.opportunity', config=demo)
    assert len(Opportunity.find([])) == len(demo_sales.OPPORTUNITIES)
    project, = Model.get('crm.project', config=demo).find([])
    assert len(project.partners) == len(demo_sales.PROJECT['partners'])
    quote, = Model.get('crm.quote', config=demo).find([])
    assert quote.lines
    Sale = Model.get('sale.sale', config=demo)
    deals = Sale.find([])
    # The reports' demo adds a year of past orders when it is activated
    past_orders = 0
    if Module.find([
                ('name', '=', 'xtools_crm_reports'),
                ('state', '=', 'activated')]):
        import demo_reports
        past_orders = len(demo_reports.PAST_ORDERS)
    assert len(deals) == len(demo_deals.DEALS) + past_orders
    assert {d.crm_deal_type for d in deals} == {'contract', 'order'}
    # The boss sees them all; a salesperson sees his customer's only
    Sale = Model.get('sale.sale', config=as_user('zhanghao'))
    assert 0 < len(Sale.find([])) < len(deals)


def test_service_desks(demo):
    "Services, an overdue complaint, QA and tickets at several steps"
    from proteus import Model
    Module = Model.get('ir.module', config=demo)
    if not Module.find([
                ('name', '=', 'xtools_crm_service'),
                ('state', '=', 'activated')]):
        pytest.skip("xtools_crm_service is not activated")
    import demo_service
    Record = Model.get('crm.service.record', config=demo)
    assert len(Record.find([])) == len(demo_service.SERVICES)
    Complaint = Model.get('crm.complaint', config=demo)
    overdue, = Complaint.find([('overdue', '=', True)])
    assert overdue.subject == demo_service.COMPLAINTS[0][1]
    Ticket = Model.get('crm.repair.ticket', config=demo)
    tickets = Ticket.find([])
    assert sorted(t.state for t in tickets) == sorted(
        t[4] for t in demo_service.TICKETS)
    # The repair desk: the queue, and tickets given to each engineer
    Ticket = Model.get('crm.repair.ticket', config=as_user('linzhiqiang'))
    assert {t.engineer.login if t.engineer else None
        for t in Ticket.find([])} == {None, 'linzhiqiang'}
    QA = Model.get('crm.qa', config=as_user('xujing'))
    assert QA.find([('rec_name', 'ilike', '%升降%')])


def test_office(demo):
    """Work reports of the sales staff — some late, one missing — with
    comments, two notices, the knowledge base and an SMS"""
    from proteus import Model
    import demo_work
    Report = Model.get('crm.work.report', config=as_user('chenzhiming'))
    reports = Report.find([('state', '=', 'submitted')])
    # The team of 销售一部 (the other team's are not the manager's)
    assert {r.author.login for r in reports} == {'zhanghao', 'zhaoxue'}
    assert {r.punctuality for r in reports} == {'✓', '+1'}
    Grid = Model.get('crm.work.report.grid', config=as_user('liuxiaoyan'))
    with Grid._config.set_context(crm_period_type='daily',
            crm_period_date=demo_work.working_days_before(
                demo_work._today(), 2)[1]):
        row, = Grid.find([('user.login', '=', 'zhaoxue')])
        assert row.missing >= 1
    Comment = Model.get(
        'crm.work.report.comment', config=as_user('zhanghao'))
    assert [c.author.login for c in Comment.find([])] == ['chenzhiming']
    # Nobody else's reports for a colleague
    Report = Model.get('crm.work.report', config=as_user('zhaoxue'))
    assert {r.author.login for r in Report.find([])} == {'zhaoxue'}
    Notice = Model.get('crm.notice', config=as_user('wujunjie'))
    assert len(Notice.find([('state', '=', 'published')])) == 2
    Notice = Model.get('crm.notice', config=as_user('yangjianjun'))
    assert len(Notice.find([])) == 1     # the company's only
    Article = Model.get('crm.knowledge.article', config=as_user('xujing'))
    assert Article.find([('rec_name', 'ilike', '%屏风%')])
    Log = Model.get('crm.sms.log', config=demo)
    log, = Log.find([])
    assert (log.author.login, log.state) == ('zhanghao', 'sent')


def activated(config, name):
    from proteus import Model
    Module = Model.get('ir.module', config=config)
    return bool(Module.find([
                ('name', '=', name), ('state', '=', 'activated')]))


def test_marketing_desk(demo):
    """林晓 of 市场部 finds the three campaigns; the fair shows what it
    brought (leads, customers, an approved deal and its amount) and its
    cost; its thank-you e-mail went out with a send log, skipping the
    contact who unsubscribed"""
    from proteus import Model
    if not activated(demo, 'xtools_crm_marketing'):
        pytest.skip("xtools_crm_marketing is not activated")
    import demo_marketing
    marketing = as_user(demo_marketing.MARKETER)
    Campaign = Model.get('marketing.campaign', config=marketing)
    campaigns = {c.name: c for c in Campaign.find([])}
    assert set(campaigns) == {c[0] for c in demo_marketing.CAMPAIGNS}
    assert len({c.crm_type.id for c in campaigns.values()}) == 3
    fair = campaigns[demo_marketing.FAIR]
    assert fair.crm_end_date < demo_work_today() < campaigns[
        "人体工学座椅品鉴会"].crm_start_date
    assert fair.crm_actual_leads == 1
    assert fair.crm_actual_customers == len(demo_marketing.LEADS)
    assert fair.crm_actual_deals == 1
    assert fair.crm_actual_amount > 0
    assert 0 < fair.crm_actual_cost <= fair.crm_budget
    assert {m.kind for m in fair.crm_materials} == {'ad', 'printed', 'gift'}
    linked = Model.get('marketing.campaign', config=demo)(fair.id)
    assert len(linked.crm_customers) == (
        len(demo_marketing.AUDIENCE[demo_marketing.FAIR])
        + len(demo_marketing.LEADS))
    # The other campaigns brought nothing yet
    assert all(not c.crm_actual_deals for c in campaigns.values()
        if c != fair)

    MassMessage = Model.get('crm.mass.message', config=marketing)
    mailing, = MassMessage.find([])
    assert (mailing.state, mailing.sender.login, mailing.campaign) == (
        'done', demo_marketing.MARKETER, fair)
    assert (mailing.sent_count, mailing.skipped_count,
        mailing.failed_count) == (2, 1, 0)
    skipped, = [log for log in mailing.logs if log.state == 'skipped']
    assert (skipped.contact.name, skipped.reason) == (
        demo_marketing.UNSUBSCRIBED[0], 'unsubscribed')
    Unsubscribe = Model.get('crm.marketing.unsubscribe', config=marketing)
    stop, = Unsubscribe.find([])
    assert stop.contact == skipped.contact
    # A salesperson reads the campaigns (to attribute his deals)
    Campaign = Model.get('marketing.campaign', config=as_user('zhanghao'))
    assert len(Campaign.find([])) == len(demo_marketing.CAMPAIGNS)


def demo_work_today():
    import demo_work
    return demo_work._today()


def test_office_desk(demo):
    """The boss has 张浩's expense claim waiting for him (its manager has
    approved it); 赵雪's leave is approved; the work logs, the document
    shared with 销售一部 and the customers' training are there for whom
    they concern"""
    from proteus import Model
    if not activated(demo, 'xtools_crm_office'):
        pytest.skip("xtools_crm_office is not activated")
    import demo_office
    Approval = Model.get('crm.office.approval', config=as_user(
            'wangtianhong'))
    waiting, = Approval.find([
            ('state', '=', 'submitted'), ('step', '=', 'boss')])
    assert waiting.kind == 'expense'
    assert waiting.requester.login == demo_office.EXPENSE[0]
    assert waiting.manager_approved_by.login == 'chenzhiming'
    assert waiting.amount > Model.get(
        'crm.configuration', config=demo)(1).office_boss_amount
    Approval = Model.get('crm.office.approval', config=as_user('zhaoxue'))
    leave, = Approval.find([])
    assert (leave.kind, leave.state) == ('leave', 'approved')
    assert leave.start_date > demo_work_today()
    # 张浩's colleague sees neither his claim nor his work logs
    WorkLog = Model.get('crm.office.work.log', config=as_user('zhaoxue'))
    assert WorkLog.find([]) == []
    WorkLog = Model.get('crm.office.work.log', config=as_user('chenzhiming'))
    assert {log.author.login for log in WorkLog.find([])} == {'zhanghao'}
    # The team's document and its file: 销售一部 reads it, others do not
    Document = Model.get('crm.office.document', config=as_user('zhaoxue'))
    document, = Document.find([])
    assert document.name == demo_office.DOCUMENT[1]
    assert [f.name for f in document.files] == [demo_office.DOCUMENT[5][0]]
    Document = Model.get('crm.office.document', config=as_user('wujunjie'))
    assert Document.find([]) == []
    Training = Model.get('crm.office.training', config=as_user('zhanghao'))
    training, = Training.find([])
    assert training.trainer.login == demo_office.TRAINING[4]
    assert sorted((a.customer.name, a.attended)
        for a in training.attendees) == sorted(
        (name, attended) for name, _, attended in demo_office.TRAINING[5])


def test_first_login_lands_on_menu(demo):
    from proteus import Model
    Item = Model.get('ir.module.config_wizard.item', config=demo)
    assert not Item.find([('state', '!=', 'done')])


def test_second_load_refused(demo):
    from proteus import Model
    with pytest.raises(load_demo.DemoRefused, match="already exists"):
        load_demo.load(demo)
    Company = Model.get('company.company', config=demo)
    assert len(Company.find([])) == 1


def test_second_load_refused_by_the_script(demo, database):
    "The command line says why and exits with 2"
    config_file = database / 'trytond.conf'
    config_file.write_text(
        f"[database]\nuri = sqlite://\npath = {database}\n")
    result = subprocess.run(
        [sys.executable, str(DEMO / 'load_demo.py'),
            '--database', DB_NAME, '--config', str(config_file)],
        capture_output=True, text=True)
    assert result.returncode == 2, result.stderr
    assert "上海飞达办公家具有限公司 already exists" in result.stderr


def test_print_logins():
    result = subprocess.run(
        [sys.executable, str(DEMO / 'load_demo.py'), '--print-logins'],
        capture_output=True, text=True, check=True)
    for login in data.LOGINS:
        assert login['login'] in result.stdout
        assert login['name'] in result.stdout
    assert data.DEMO_PASSWORD in result.stdout
