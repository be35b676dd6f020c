"""Helpers of the tests of xtools_crm_base and of the modules built on it
(sales, pool, bench): an organisation of departments, users in their roles
and customers, made in-process (inside a transaction, as an administrator).

build_organisation() makes the organisation most tests of the base module
use (ORGANISATION: departments A with team A1 and B, a boss, managers,
an assistant, staff, a stock keeper, one customer for each of four owners):

    from xtools_crm_base.tests.tools import build_organisation
    company, users, customers = build_organisation()
    users['staff_a1'], customers['staff_a1']

create_organisation makes any other:

    org = create_organisation(
        {'Sales': None, 'Team': 'Sales'},            # department → parent
        {'boss': {'crm_level': 'boss', 'roles': ['boss', 'sales']},
            'director': {'crm_level': 'manager', 'crm_department': 'Sales'},
            'staff': {'crm_department': 'Team'},
            'admin': {'roles': ['crm_admin']}},
        customers=['staff'])
    org.company, org.departments['Team'], org.users['staff'],
    org.customers['staff']

Nothing here imports trytond.tests at import time: the benchmarks in bench/
use create_organisation in a plain trytond transaction.
"""
import contextlib
from collections import namedtuple
from unittest import mock

from trytond.pool import Pool
from trytond.transaction import Transaction

__all__ = [
    'ORGANISATION', 'Organisation', 'build_organisation',
    'create_organisation', 'executed', 'role_group']

Organisation = namedtuple(
    'Organisation', ['company', 'departments', 'users', 'customers'])

# The organisation of build_organisation: sales department A with its team
# A1, department B, a stock keeper outside them; one customer for each of
# four owners (create_organisation's arguments)
ORGANISATION = {
    'departments': {'A': None, 'B': None, 'A1': 'A'},
    'users': {
        'boss': {'crm_level': 'boss'},
        'manager_a': {'crm_level': 'manager', 'crm_department': 'A'},
        'assistant_a': {'crm_level': 'assistant', 'crm_department': 'A'},
        'staff_a1': {'crm_department': 'A1'},
        'staff_a2': {'crm_department': 'A'},
        'manager_b': {'crm_level': 'manager', 'crm_department': 'B'},
        'staff_b': {'crm_department': 'B'},
        'keeper': {'roles': ['stock']},
        },
    'customers': ['staff_a1', 'staff_a2', 'manager_a', 'staff_b'],
    }


def role_group(name):
    """The id of the CRM group `name` of roles.xml: a role ('sales',
    'boss', 'finance', 'stock', 'service' …: group_role_NAME), a permission
    ('perm_export' …: group_perm_export) or 'crm_admin'"""
    ModelData = Pool().get('ir.model.data')
    if name == 'crm_admin' or name.startswith('perm_'):
        fs_id = f'group_{name}'
    else:
        fs_id = f'group_role_{name}'
    return ModelData.get_id('xtools_crm_base', fs_id)


def build_organisation():
    """The organisation of ORGANISATION in a new company: (company, users
    by login, customers by owner login)"""
    org = create_organisation(**ORGANISATION)
    return org.company, org.users, org.customers


def create_zhejiang():
    "China and its province 浙江省 (CN-ZJ), the region the import files name"
    pool = Pool()
    Country = pool.get('country.country')
    Subdivision = pool.get('country.subdivision')
    china, = Country.create([{'name': "China", 'code': 'CN'}])
    Subdivision.create([{'name': "浙江省", 'code': 'CN-ZJ',
                'type': 'province', 'country': china.id}])


def create_organisation(departments, users, customers=(), company=None):
    """Create an organisation in `company`:

    departments  {name: name of the parent department or None}, parents
                 first
    users        {login: res.user values}; 'crm_level' defaults to staff,
                 'name' to the login, 'crm_department' may be a department
                 name, 'roles' lists role_group names
    customers    logins that get one enterprise customer each, named
                 "Customer of <login>", with one contact
    company      None: a new company (Tryton's company test helper), and
                 everything is made with it as the administrator's company
                 (set_company), as a module test does. Given (bench/): made
                 in it as is, without touching the current user.

    Departments of one level are created together, and all users at once.
    Returns an Organisation: (company, departments by name, users by
    login, customers by owner login)."""
    if company is None:
        from trytond.modules.company.tests import (
            create_company, set_company)
        company = create_company()
        with set_company(company):
            return _build(company, departments, users, customers)
    if customers:
        raise ValueError("customers are made only in a new company")
    return _build(company, departments, users, customers)


def _build(company, departments, users, customers):
    pool = Pool()
    Department = pool.get('crm.department')
    User = pool.get('res.user')
    Party = pool.get('party.party')

    made = {}
    pending = dict(departments)
    while pending:
        level = [n for n, parent in pending.items()
            if parent is None or parent in made]
        if not level:
            raise ValueError(f"departments without their parent: {pending}")
        records = Department.create([{
                    'name': name, 'company': company.id,
                    'parent': made[pending[name]].id if pending[name]
                    else None,
                    } for name in level])
        made.update(zip(level, records))
        for name in level:
            del pending[name]
    departments = {name: made[name] for name in departments}

    # The CRM administrators' group, given at creation, would be taken away
    # again by the account rights' default (False): it is added afterwards
    later = {}
    vlist = []
    for login, values in users.items():
        values = dict(values)
        roles = values.pop('roles', [])
        later[login] = [r for r in roles if r == 'crm_admin']
        groups = [role_group(r) for r in roles if r != 'crm_admin']
        department = values.get('crm_department')
        if isinstance(department, str):
            values['crm_department'] = departments[department].id
        if groups:
            values.setdefault('groups', []).append(('add', groups))
        vlist.append({
                'login': login, 'name': login, 'crm_level': 'staff',
                'companies': [('add', [company.id])],
                'company': company.id, **values})
    users = dict(zip(users, User.create(vlist)))
    for login, roles in later.items():
        if roles:
            User.write([users[login]], {
                    'groups': [('add', [role_group(r) for r in roles])]})

    owned = {}
    if customers:
        records = Party.create([{
                    'name': f"Customer of {login}",
                    'crm_customer_type': 'enterprise',
                    'crm_owner': users[login].id,
                    'crm_contacts': [('create', [{'name': "Contact"}])],
                    } for login in customers])
        owned = dict(zip(customers, records))
    return Organisation(company, departments, users, owned)


@contextlib.contextmanager
def executed():
    "[(sql, params)] of the statements the cursor runs within the block"
    statements = []
    Cursor = type(Transaction().connection.cursor())
    original = Cursor.execute

    def execute(cursor, sql, params=None, *args, **kwargs):
        statements.append((sql, params))
        return original(cursor, sql, params, *args, **kwargs)
    with mock.patch.object(Cursor, 'execute', execute):
        yield statements
