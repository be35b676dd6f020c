"""The organisation's user operations and the nine roles, through a real
server, as the people they are done to would notice (SPEC B1, B2):

- promoted from staff, a salesperson sees the team's customers; demoted,
  no longer; a second manager of a team is refused;
- a locked-out user cannot log in, even with the right password, until
  the CRM administrator unlocks the account;
- a user who leaves (离职) with customers is refused, naming them;
- a boss without account rights reads every customer and changes no
  setting: users, departments, groups, settings, the dictionary, the
  repair statuses;
- each of the nine roles sees its own menus and no other (the table
  MENUS below), a user with two roles the union of both.

The run creates and changes users: it has a server of its own.
"""
import pytest

from support.env import BOSS as BOSS_LOGIN
from support.rpc import RPCAccessError, RPCLoginError, RPCServerError, \
    RPCUserError

CUSTOMERS = [('crm_customer_type', '!=', None)]
PASSWORD = 'feida2026'
ADMIN_BOSS = BOSS_LOGIN[0]       # 王天虹, boss with account rights
MANAGER_A = 'chenzhiming'        # 销售一部 manager
STAFF_A1 = 'zhanghao'            # 销售一部 staff
STAFF_A2 = 'zhaoxue'             # 销售一部 staff
STAFF_B = 'zhengjiayi'           # 销售二部 staff

# The top menus of the CRM, by XML id
TOP_MENUS = {
    'workbench': 'xtools_crm_reports.menu_workbench',
    'customers': 'xtools_crm_base.menu_customers',
    'followup': 'xtools_crm_base.menu_followup',
    'office': 'xtools_crm_base.menu_office',
    'sales': 'xtools_crm_sales.menu_sales',
    'products': 'xtools_crm_stock.menu_products_stock',
    'pool': 'xtools_crm_pool.menu_pool',
    'service': 'xtools_crm_service.menu_service',
    'repair': 'xtools_crm_service.menu_repair',
    'reports': 'xtools_crm_reports.menu_reports',
    'organisation': 'xtools_crm_base.menu_organisation',
    'marketing': 'xtools_crm_marketing.menu_marketing',
    }
EVERYONE = {'workbench', 'followup', 'office', 'products'}
# role → (its top menus, menus below them it must have)
MENUS = {
    'boss': (EVERYONE | {'customers', 'sales', 'pool', 'service', 'repair',
            'reports', 'marketing'}, [
            'xtools_crm_base.menu_customer_logs',
            'xtools_crm_pool.menu_pool_special',
            'xtools_crm_stock.menu_ledger',
            ]),
    'sales': (EVERYONE | {'customers', 'sales', 'pool', 'repair',
            'reports'}, [
            'xtools_crm_base.menu_customer_form',
            'xtools_crm_stock.menu_outbound_form',
            'xtools_crm_service.menu_repair_ticket_form',
            ]),
    'product': (EVERYONE, [
            'xtools_crm_stock.menu_template_form',
            'xtools_crm_stock.menu_assembly_plan',
            ]),
    'purchase': (EVERYONE, [
            'xtools_crm_stock.menu_purchase_form',
            'xtools_crm_stock.menu_inbound_form',
            'xtools_crm_stock.menu_stock_limit_warning',
            ]),
    'stock': (EVERYONE, [
            'xtools_crm_stock.menu_outbound_form',
            'xtools_crm_stock.menu_inventory_form',
            'xtools_crm_stock.menu_ledger',
            ]),
    'service': (EVERYONE | {'customers', 'service', 'repair'}, [
            'xtools_crm_service.menu_console',
            'xtools_crm_service.menu_complaint_form',
            'xtools_crm_service.menu_repair_desk',
            ]),
    'repair': (EVERYONE | {'repair'}, [
            'xtools_crm_service.menu_repair_desk',
            'xtools_crm_service.menu_repair_ticket_form',
            'xtools_crm_service.menu_repair_qa_form',
            'xtools_crm_stock.menu_template_form',
            ]),
    'finance': (EVERYONE | {'customers', 'sales', 'reports'}, [
            'xtools_crm_base.menu_customer_form',
            ]),
    'marketing': (EVERYONE | {'customers', 'marketing'}, [
            'xtools_crm_base.menu_customer_form',
            'xtools_crm_base.menu_contact_form',
            'xtools_crm_marketing.menu_campaign_form',
            'xtools_crm_marketing.menu_material_gift',
            ]),
    }
# Menus of the CRM administration: no role shows them by itself
ADMIN_ONLY = [
    'xtools_crm_base.menu_organisation',
    'xtools_crm_base.menu_dictionary',
    'xtools_crm_base.menu_configuration',
    'xtools_crm_service.menu_service_configuration',
    'xtools_crm_service.menu_repair_status_form',
    ]
ROLE_DEPARTMENTS = {
    'boss': None, 'sales': "销售一部", 'product': "商品部",
    'purchase': "采购部", 'stock': "仓储部", 'service': "客户部",
    'repair': "客户部", 'finance': "财务部", 'marketing': "市场部",
    }


@pytest.fixture(scope='module')
def server(demo_database, start_server, tmp_path_factory):
    "A server of its own: the run promotes, locks and creates users"
    copy = demo_database.copy_to(tmp_path_factory.mktemp('roles'))
    return start_server(copy, 'roles')


@pytest.fixture(scope='module')
def admin(server):
    return server.admin()


@pytest.fixture(scope='module')
def crm_admin(server):
    "The demo boss with account rights: the CRM administrator"
    return server.rpc_as(ADMIN_BOSS, PASSWORD)


@pytest.fixture(scope='module')
def users(admin):
    return {u['login']: u for u in admin.search_read('res.user', [],
            ['login', 'crm_level', 'crm_department'])}


@pytest.fixture(scope='module')
def menu_ids(admin):
    "XML id → database id of the CRM menus the tables name"
    names = set(TOP_MENUS.values()) | set(ADMIN_ONLY) | {
        f'xtools_crm_reports.menu_workbench_{r}' for r in MENUS}
    for _, below in MENUS.values():
        names |= set(below)
    return {name: admin.model_data_id(*name.split('.'))
        for name in sorted(names)}


def group_id(client, name):
    return client.model_data_id('xtools_crm_base', name)


def department_id(client, name):
    ids = client.search('crm.department', [('name', '=', name)])
    assert len(ids) == 1, name
    return ids[0]


def new_user(server, crm_admin, login, roles, level='staff',
        department=None):
    "A user made by the CRM administrator, logged in"
    sales = group_id(crm_admin, 'group_role_sales')
    groups = {group_id(crm_admin, f'group_role_{r}') for r in roles}
    crm_admin.create('res.user', [{
                'name': f"测试 {login}", 'login': login,
                'password': PASSWORD, 'crm_level': level,
                'crm_department': (department_id(crm_admin, department)
                    if department else None),
                # a new user gets the sales role: keep it only if asked
                'groups': [('add', list(groups | {sales}))],
                }])
    if 'sales' not in roles:
        user_id, = crm_admin.search('res.user', [('login', '=', login)])
        crm_admin.write('res.user', [user_id],
            {'groups': [('remove', [sales])]})
    return server.rpc_as(login, PASSWORD)


def customer_names(client):
    return {c['name'] for c in client.search_read(
            'party.party', CUSTOMERS, ['name'])}


def owned_by(admin, users, login):
    return {c['name'] for c in admin.search_read('party.party',
            CUSTOMERS + [('crm_owner', '=', users[login]['id'])], ['name'])}


def level(admin, users, login):
    user, = admin.read('res.user', [users[login]['id']], ['crm_level'])
    return user['crm_level']


# ---------------------------------------------------------------------------
# B1: promote, demote, unlock, leave
# ---------------------------------------------------------------------------

def test_promotion_shows_the_team_and_demotion_hides_it(
        server, admin, crm_admin, users):
    """赵雪 (staff of 销售一部) is promoted: as assistant she sees and
    changes 张浩's customers; as manager too once 陈志明 steps down (two
    managers of one team are refused); demoted back to staff she sees
    only her own again, and so does 陈志明"""
    zhaoxue = server.rpc_as(STAFF_A2, PASSWORD)
    chen = server.rpc_as(MANAGER_A, PASSWORD)
    own = owned_by(admin, users, STAFF_A2)
    colleague = owned_by(admin, users, STAFF_A1)
    assert own and colleague
    assert customer_names(zhaoxue) == own

    def press(button, login):
        crm_admin.button('res.user', button, [users[login]['id']])

    press('crm_promote', STAFF_A2)
    assert level(admin, users, STAFF_A2) == 'assistant'
    seen = customer_names(zhaoxue)
    assert colleague <= seen and own <= seen
    target, = admin.search('party.party', CUSTOMERS + [
            ('name', '=', sorted(colleague)[0])])
    zhaoxue.write('party.party', [target], {'crm_city': "上海市"})

    # 陈志明 is the team's manager: a second one is refused, by name
    with pytest.raises(RPCUserError, match="陈志明"):
        press('crm_promote', STAFF_A2)
    assert level(admin, users, STAFF_A2) == 'assistant'

    press('crm_demote', MANAGER_A)
    assert level(admin, users, MANAGER_A) == 'assistant'
    press('crm_promote', STAFF_A2)
    assert level(admin, users, STAFF_A2) == 'manager'
    assert colleague <= customer_names(zhaoxue)

    press('crm_demote', STAFF_A2)
    press('crm_demote', STAFF_A2)
    assert level(admin, users, STAFF_A2) == 'staff'
    assert customer_names(zhaoxue) == own
    with pytest.raises(RPCAccessError):
        zhaoxue.read('party.party', [target], ['name'])

    press('crm_demote', MANAGER_A)
    assert level(admin, users, MANAGER_A) == 'staff'
    assert customer_names(chen) == owned_by(admin, users, MANAGER_A)
    assert not colleague & customer_names(chen)
    press('crm_promote', MANAGER_A)
    press('crm_promote', MANAGER_A)
    assert level(admin, users, MANAGER_A) == 'manager'
    assert colleague <= customer_names(chen)


def test_locked_user_logs_in_after_unlock(server, crm_admin, users):
    """Too many wrong passwords lock the account: the right one is refused
    too, until the CRM administrator, who sees the account locked on the
    user's form, unlocks it"""
    def locked():
        user, = crm_admin.read('res.user', [users[STAFF_B]['id']],
            ['crm_login_locked'])
        return user['crm_login_locked']

    server.login(STAFF_B, PASSWORD)
    assert not locked()
    field = crm_admin.call('res.user', 'fields_get', ['crm_login_locked'])
    assert field['crm_login_locked']['string'] == "登录已锁定"
    attempts = 0
    while True:
        attempts += 1
        assert attempts <= 10, "the account never locked"
        try:
            server.login(STAFF_B, PASSWORD + 'x')
        except RPCServerError as error:
            assert 'HTTP 429' in error.kind
            break
        except RPCLoginError:
            continue
    with pytest.raises(RPCServerError, match='HTTP 429'):
        server.login(STAFF_B, PASSWORD)
    assert locked()

    crm_admin.button('res.user', 'crm_unlock', [users[STAFF_B]['id']])
    assert not locked()
    client = server.rpc_as(STAFF_B, PASSWORD)
    assert client.user_id == users[STAFF_B]['id']
    assert customer_names(client)


def test_staff_cannot_unlock_or_promote(server, admin, users):
    "Unlock, promote, demote and leave are the CRM administrator's"
    staff = server.rpc_as(STAFF_A1, PASSWORD)
    for button in ['crm_unlock', 'crm_promote', 'crm_demote', 'crm_leave']:
        with pytest.raises(RPCAccessError):
            staff.button('res.user', button, [users[STAFF_A1]['id']])
    assert level(admin, users, STAFF_A1) == 'staff'


def test_leave_with_customers_is_refused_naming_them(
        server, admin, crm_admin, users):
    "离职 is refused while the user owns customers, which it names"
    owned = owned_by(admin, users, STAFF_A1)
    with pytest.raises(RPCUserError) as info:
        crm_admin.button('res.user', 'crm_leave', [users[STAFF_A1]['id']])
    assert sorted(owned)[0] in info.value.message
    assert server.rpc_as(STAFF_A1, PASSWORD).user_id


def test_boss_without_account_rights_reads_all_changes_no_setting(
        server, admin, crm_admin, users):
    """A second boss without account rights: every customer, and
    changes them; but users, departments, groups, settings and the data
    dictionary stay as they are"""
    boss = new_user(server, crm_admin, 'boss_noadmin', ['boss'],
        level='boss')
    rights, = admin.search_read('res.user', [('login', '=', 'boss_noadmin')],
        ['crm_account_rights'])
    assert rights['crm_account_rights'] is False
    everything = {c['name'] for c in admin.search_read(
            'party.party', CUSTOMERS, ['name'])}
    assert customer_names(boss) == everything
    for model in ['crm.contact', 'sale.sale', 'sale.opportunity',
            'crm.activity']:
        assert boss.search_count(model, []) == admin.search_count(model, [])
    some = sorted(owned_by(admin, users, STAFF_B))[0]
    target, = boss.search('party.party', [('name', '=', some)])
    boss.write('party.party', [target], {'crm_city': "杭州市"})

    staff_b = users[STAFF_B]['id']
    team = department_id(admin, "销售一部")
    refused = [
        lambda: boss.write('res.user', [staff_b], {'crm_department': team}),
        lambda: boss.write('res.user', [boss.user_id],
            {'crm_account_rights': True}),
        lambda: boss.create('res.user', [{
                    'name': "新员工", 'login': 'newcomer',
                    'crm_level': 'staff'}]),
        lambda: boss.button('res.user', 'crm_promote', [staff_b]),
        lambda: boss.button('res.user', 'crm_unlock', [staff_b]),
        lambda: boss.create('crm.department', [{'name': "新部门"}]),
        lambda: boss.write('crm.department', [team], {'name': "改名"}),
        lambda: boss.write('res.group',
            [group_id(admin, 'group_crm_admin')],
            {'users': [('add', [boss.user_id])]}),
        lambda: boss.call('crm.configuration', 'write', [1],
            {'hot_customer_cap': 99}),
        lambda: boss.create('crm.dictionary', [{
                    'type': 'customer_source', 'name': "展会"}]),
        lambda: boss.create('crm.repair.status', [{
                    'name': "待取件", 'stage': 'repaired'}]),
        ]
    for change in refused:
        with pytest.raises(RPCAccessError):
            change()
    after, = admin.read('res.user', [staff_b], ['crm_department'])
    assert after['crm_department'] == users[STAFF_B]['crm_department']
    rights, = admin.search_read('res.user', [('login', '=', 'boss_noadmin')],
        ['crm_account_rights'])
    assert rights['crm_account_rights'] is False
    assert not admin.search('crm.department', [('name', '=', "新部门")])
    # and the organisation's menus are not shown to him
    menus = boss.search_read('ir.ui.menu', [('parent', '=', None)], ['id'])
    organisation = admin.model_data_id(
        'xtools_crm_base', 'menu_organisation')
    assert organisation not in {m['id'] for m in menus}


# ---------------------------------------------------------------------------
# B2: the menus of each role
# ---------------------------------------------------------------------------

@pytest.fixture(scope='module')
def role_clients(server, crm_admin):
    "One staff user per role (a boss for the boss role), no account rights"
    return {role: new_user(server, crm_admin, f'role_{role}', [role],
            level='boss' if role == 'boss' else 'staff',
            department=ROLE_DEPARTMENTS[role])
        for role in MENUS}


def visible_menus(client, menu_ids):
    """XML ids of the menus of the tables the client sees, and the top
    menus it sees that no table names (Tryton's own …)"""
    by_id = {v: k for k, v in menu_ids.items()}
    menus = client.search_read('ir.ui.menu', [], ['parent'])
    crm = {by_id[m['id']] for m in menus if m['id'] in by_id}
    other_tops = [m['id'] for m in menus
        if not m['parent'] and m['id'] not in by_id]
    return crm, other_tops


@pytest.mark.parametrize('role', list(MENUS))
def test_each_role_sees_its_menus_and_no_other(role, role_clients, menu_ids):
    tops, below = MENUS[role]
    crm, other_tops = visible_menus(role_clients[role], menu_ids)
    assert not other_tops, "menus outside the CRM's are shown"
    shown_tops = {name for name, xml_id in TOP_MENUS.items()
        if xml_id in crm}
    assert shown_tops == tops
    workbenches = {m for m in crm if '.menu_workbench_' in m}
    assert workbenches == {f'xtools_crm_reports.menu_workbench_{role}'}
    assert set(below) <= crm, set(below) - crm
    assert not set(ADMIN_ONLY) & crm


def test_marketing_works_on_its_own_customers(
        role_clients, admin, users):
    """Marketing's customer menu opens its own leads and contacts, under
    the data permissions of staff"""
    marketing = role_clients['marketing']
    assert customer_names(marketing) == set()
    lead, = marketing.create('party.party', [{
                'name': "展会线索 上海某公司", 'crm_customer_type': 'enterprise',
                'crm_owner': marketing.user_id}])
    marketing.create('crm.contact', [{'customer': lead, 'name': "王经理"}])
    assert customer_names(marketing) == {"展会线索 上海某公司"}
    assert marketing.search_count('crm.contact', [('customer', '=', lead)])
    other = sorted(owned_by(admin, users, STAFF_A1))[0]
    other_id, = admin.search('party.party', [('name', '=', other)])
    with pytest.raises(RPCAccessError):
        marketing.read('party.party', [other_id], ['name'])


def test_two_roles_see_both_menu_sets(server, crm_admin, menu_ids):
    "A user with repair and marketing roles sees the menus of both"
    client = new_user(server, crm_admin, 'role_two', ['repair', 'marketing'],
        department="客户部")
    crm, _ = visible_menus(client, menu_ids)
    shown_tops = {name for name, xml_id in TOP_MENUS.items()
        if xml_id in crm}
    assert shown_tops == MENUS['repair'][0] | MENUS['marketing'][0]
    assert {m for m in crm if '.menu_workbench_' in m} == {
        'xtools_crm_reports.menu_workbench_repair',
        'xtools_crm_reports.menu_workbench_marketing'}
