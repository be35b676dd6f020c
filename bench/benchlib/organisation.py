"""A realistic XToolsCRM organisation, at benchmark size.

The company, departments, users and shares go through the ORM (a few hundred
records: validation, defaults and logs run as in real use); the customers
are inserted set-based in chunks with python-sql, with what the ORM would
have filled (code, code_alnum, code_digit, active, create_uid, create_date
and the default value of every other stored column, whatever fields the
addons add), so the ORM reads them like any other party.

Call inside a transaction as root (user 0).
"""
import datetime as dt
import random
import re
from dataclasses import dataclass, field

from sql import Null, Table

from trytond.pool import Pool
from trytond.transaction import Transaction

CITIES = [
    '上海', '北京', '广州', '深圳', '杭州', '苏州', '南京', '成都', '武汉',
    '西安', '重庆', '天津', '宁波', '无锡', '东莞', '佛山', '合肥', '长沙',
    '青岛', '厦门', '郑州', '济南', '福州', '昆明']
WORDS = [
    '飞达', '华信', '宏远', '鑫源', '恒通', '金桥', '瑞丰', '永盛', '天成',
    '博雅', '新宇', '众合', '安捷', '汇丰', '德润', '嘉禾', '凯旋', '力拓',
    '明辉', '诺信', '启航', '荣泰', '盛世', '通达', '伟业', '祥和', '兴隆',
    '亚太', '卓越', '中和']
TRADES = [
    '办公家具', '电子科技', '贸易', '机械设备', '建材', '食品', '物流',
    '医疗器械', '环保科技', '文化传媒', '信息技术', '化工', '纺织', '包装']
SUFFIXES = ['有限公司', '股份有限公司', '商行', '工作室']
SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗'
GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英'


@dataclass
class Organisation:
    company: int
    boss: int
    # department id -> parent id (None for a top department)
    departments: dict = field(default_factory=dict)
    # department id -> manager user id
    managers: dict = field(default_factory=dict)
    # department id -> assistant user id (top departments only)
    assistants: dict = field(default_factory=dict)
    # department id -> staff user ids
    staff: dict = field(default_factory=dict)

    @property
    def top_departments(self):
        return [d for d, p in self.departments.items() if p is None]

    def sub_departments(self, department):
        return [d for d, p in self.departments.items() if p == department]

    @property
    def all_staff(self):
        return [u for users in self.staff.values() for u in users]

    @property
    def owners(self):
        "Users who own customers: staff and managers"
        return self.all_staff + list(self.managers.values())

    @property
    def users(self):
        return ([self.boss] + list(self.managers.values())
            + list(self.assistants.values()) + self.all_staff)


def tree_shape(n_users):
    """Number of top departments for n_users, each with two
    sub-departments, one manager per department and one assistant per top
    department; the rest of the users are staff."""
    if n_users < 10:
        raise ValueError("an organisation needs at least 10 users")
    n_top = max(1, round(n_users / 25))
    n_staff = n_users - 1 - 3 * n_top - n_top
    return n_top, n_staff


def create_company(name="上海飞达办公家具有限公司"):
    pool = Pool()
    Currency = pool.get('currency.currency')
    Party = pool.get('party.party')
    Company = pool.get('company.company')
    currency, = Currency.create([{
                'name': "Renminbi", 'code': 'CNY', 'symbol': '¥',
                'rounding': 1, 'digits': 2}])
    party, = Party.create([{'name': name, 'code': 'COMPANY'}])
    company, = Company.create([{'party': party.id, 'currency': currency.id}])
    admin_in_companies()
    return company


def admin_in_companies():
    """admin, the benchmarks' baseline (the same calls without rules), as a
    member of every company, as the timed users are: a getter that depends
    on the company (a customer's receivable, context_company()) computes
    nothing for a user outside it, and the baseline did less work than
    the users compared with it. Returns whether anything changed."""
    pool = Pool()
    User = pool.get('res.user')
    Company = pool.get('company.company')
    admin, = User.search([('login', '=', 'admin')])
    missing = [c.id for c in Company.search([])
        if c not in admin.companies]
    if missing:
        User.write([admin], {
                'companies': [('add', missing)],
                'company': admin.company.id if admin.company else missing[0],
                })
    return bool(missing)


def put_admin_in_companies(dbname):
    """admin_in_companies() on a database built before it existed, in a
    transaction of its own"""
    with Transaction().start(dbname, 0) as transaction:
        if admin_in_companies():
            transaction.commit()


def build_organisation(n_users=200, seed=1):
    """Create the company, the department tree and n_users users (with the
    module tests' create_organisation)"""
    from xtools_crm_base.tests.tools import create_organisation
    rng = random.Random(seed)
    n_top, n_staff = tree_shape(n_users)
    company = create_company()

    tops = [f"销售{i + 1}部" for i in range(n_top)]
    departments = {name: None for name in tops}
    departments.update({f"{top}{j + 1}组": top
            for top in tops for j in range(2)})

    names = set()

    def person():
        while True:
            name = rng.choice(SURNAMES) + ''.join(
                rng.choices(GIVEN, k=rng.choice([1, 2])))
            if name not in names:
                names.add(name)
                return name

    # login -> (role, department name): who is who in Organisation
    roles = {'bench_boss': ('boss', None)}
    users = {'bench_boss': {'crm_level': 'boss', 'roles': ['boss', 'sales']}}
    for i, department in enumerate(departments):
        roles[f'bench_manager_{i + 1}'] = ('manager', department)
    for i, department in enumerate(tops):
        roles[f'bench_assistant_{i + 1}'] = ('assistant', department)
    in_order = list(departments)
    for i in range(n_staff):
        # Round robin: every department, top ones included, has staff
        roles[f'bench_staff_{i + 1}'] = (
            'staff', in_order[i % len(in_order)])
    for login, (level, department) in roles.items():
        if level != 'boss':
            users[login] = {
                'crm_level': level, 'crm_department': department}
    for values in users.values():
        values['name'] = person()

    made = create_organisation(departments, users, company=company)
    org = Organisation(company=company.id, boss=None)
    for name, department in made.departments.items():
        parent = departments[name]
        org.departments[department.id] = (
            made.departments[parent].id if parent else None)
    for login, user in made.users.items():
        level, department = roles[login]
        department = made.departments[department].id if department else None
        if level == 'boss':
            org.boss = user.id
        elif level == 'manager':
            org.managers[department] = user.id
        elif level == 'assistant':
            org.assistants[department] = user.id
        else:
            org.staff.setdefault(department, []).append(user.id)
    return org


def company_name(rng):
    return (rng.choice(CITIES) + rng.choice(WORDS) + rng.choice(WORDS)
        + rng.choice(TRADES) + rng.choice(SUFFIXES))


def _stored_defaults(context):
    """The ORM's default values of party.party for the stored columns, so
    bulk-inserted rows look like ORM-created ones (whatever fields the
    addons add)"""
    from trytond.model import fields as tfields
    Party = Pool().get('party.party')
    names = [n for n, f in Party._fields.items()
        if not isinstance(f, (tfields.Function, tfields.One2Many,
                tfields.Many2Many))
        and f.sql_type() is not None]
    with Transaction().set_context(context):
        defaults = Party.default_get(names, with_rec_name=False)
    return {k: v for k, v in defaults.items() if k in names}


def insert_parties(n_customers, owners, *, n_others=0, seed=2, chunk=1000):
    """Insert n_customers customers owned by owners (uniformly at random)
    and n_others parties that are not customers (suppliers …), set-based.
    Returns the number of rows inserted."""
    party = Table('party_party')
    cursor = Transaction().connection.cursor()
    rng = random.Random(seed)
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    explicit = ['code', 'code_alnum', 'code_digit', 'name', 'active',
        'crm_customer_type', 'crm_owner', 'create_uid', 'create_date']
    customer_defaults = _stored_defaults({'crm_customer_type': 'enterprise'})
    other_defaults = _stored_defaults({})
    extra = sorted((set(customer_defaults) | set(other_defaults))
        - set(explicit) - {'id'})
    columns = [getattr(party, c) for c in explicit + extra]

    def rows():
        for i in range(n_customers + n_others):
            code = f'C{i + 1:07d}' if i < n_customers else f'S{i + 1:07d}'
            if i < n_customers:
                kind = 'enterprise' if rng.random() < .8 else 'individual'
                name = (company_name(rng) if kind == 'enterprise'
                    else rng.choice(SURNAMES) + ''.join(
                        rng.choices(GIVEN, k=2)))
                owner = rng.choice(owners)
                defaults = customer_defaults
            else:
                kind, owner = None, None
                name = company_name(rng)
                defaults = other_defaults
            yield [code, re.sub(r'[\W_]', '', code),
                int(re.sub(r'\D', '', code)), name, True, kind, owner,
                0, now] + [defaults.get(c) for c in extra]

    batch = []
    count = 0
    for row in rows():
        batch.append(row)
        if len(batch) == chunk:
            cursor.execute(*party.insert(columns, batch))
            count += len(batch)
            batch = []
    if batch:
        cursor.execute(*party.insert(columns, batch))
        count += len(batch)
    return count


def create_shares(org, per_user=3, seed=3):
    """Share per_user customers of other departments with every user below
    the boss (one of them read-write), through the ORM (validation, log)."""
    pool = Pool()
    Share = pool.get('crm.customer.share')
    party = Table('party_party')
    cursor = Transaction().connection.cursor()
    rng = random.Random(seed)
    cursor.execute(*party.select(
            party.id, party.crm_owner,
            where=party.crm_customer_type != Null))
    customers = cursor.fetchall()
    department_of = {}
    for department, user in org.managers.items():
        department_of[user] = department
    for department, user in org.assistants.items():
        department_of[user] = department
    for department, users in org.staff.items():
        for user in users:
            department_of[user] = department

    def top(department):
        return org.departments[department] or department

    values = []
    for user in org.users:
        if user == org.boss:
            continue
        chosen = set()
        while len(chosen) < per_user:
            customer, owner = rng.choice(customers)
            if (owner != user
                    and top(department_of[owner])
                    != top(department_of[user])):
                chosen.add(customer)
        for i, customer in enumerate(sorted(chosen)):
            values.append({
                    'customer': customer, 'user': user,
                    'mode': 'write' if i == 0 else 'read'})
    return Share.create(values)


def analyze():
    """Refresh the planner statistics after a bulk load: on PostgreSQL as
    autovacuum does within a minute in production, on SQLite as the
    customer import job and the demo load do (ANALYZE)."""
    from trytond import backend
    if backend.name == 'postgresql':
        Transaction().connection.cursor().execute('ANALYZE')
    else:
        from xtools_crm_base.search_indexes import refresh_planner_statistics
        refresh_planner_statistics()
