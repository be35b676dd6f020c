"""Hierarchy data permissions through the real server (SPEC B3).

Every user of the demo organisation logs in over JSON-RPC; what each one
may search, read, write and delete is checked against the rule stated in
the SPEC, computed from the demo data itself (owners and departments), so
the test holds for any organisation the demo may grow into.
"""
import pytest

from support.rpc import RPCAccessError, RPCUserError

CUSTOMERS = [('crm_customer_type', '!=', None)]

# The matrix of the issue: who is who in the demo organisation.
BOSS = 'wangtianhong'
DIRECTOR = 'lijianhua'        # manager of 销售部, above both sales teams
MANAGER_A = 'chenzhiming'     # 销售一部
ASSISTANT_A = 'liuxiaoyan'    # 销售一部
STAFF_A1 = 'zhanghao'         # 销售一部
STAFF_A2 = 'zhaoxue'          # 销售一部
MANAGER_B = 'zhouguoqiang'    # 销售二部
STAFF_B = 'wujunjie'          # 销售二部
KEEPER = 'yangjianjun'        # 仓储部, stock keeper
SERVICE = 'xujing'            # 客户部, customer service
MATRIX = [BOSS, DIRECTOR, MANAGER_A, ASSISTANT_A, STAFF_A1, STAFF_A2,
    MANAGER_B, STAFF_B, KEEPER]


@pytest.fixture(scope='module')
def org(server):
    """The demo organisation as admin sees it: users by login with level
    and department, departments with their parent, customers by owner."""
    admin = server.admin()
    users = {u['login']: u for u in admin.search_read(
            'res.user', [], ['login', 'crm_level', 'crm_department'])}
    departments = {d['id']: d for d in admin.search_read(
            'crm.department', [], ['parent'])}
    customers = admin.search_read(
        'party.party', CUSTOMERS, ['name', 'crm_owner'])
    return admin, users, departments, customers


def expected_visible(login, org):
    "Customer names the SPEC says `login` reads and writes"
    _, users, departments, customers = org
    user = users[login]
    if user['crm_level'] == 'boss':
        return {c['name'] for c in customers}
    owners = {user['id']}
    if user['crm_level'] in {'manager', 'assistant'} \
            and user['crm_department']:
        scope = {user['crm_department']} | {
            d for d, v in departments.items()
            if v['parent'] == user['crm_department']}
        owners |= {u['id'] for u in users.values()
            if u['crm_department'] in scope}
    return {c['name'] for c in customers if c['crm_owner'] in owners}


def names(client, domain=CUSTOMERS):
    return {c['name'] for c in client.search_read(
            'party.party', domain, ['name'])}


def customer_of(login, org):
    _, users, _, customers = org
    return next(c for c in customers
        if c['crm_owner'] == users[login]['id'])


@pytest.mark.parametrize('login', MATRIX)
def test_search_shows_exactly_the_hierarchy(login, org, clients):
    "Staff: own; manager and assistants: department and below; boss: all"
    expected = expected_visible(login, org)
    assert names(clients(login)) == expected
    if login in {STAFF_A1, STAFF_A2, STAFF_B}:
        assert expected, "every demo salesperson owns customers"
    # sao's counters count up to a limit (the rule's arms one after the
    # other where the limit is below the table's size)
    for offset, limit in [(0, 1), (0, 3), (1, 2), (0, 1000)]:
        assert clients(login).call('party.party', 'search_count',
            CUSTOMERS, offset, limit) == max(
            0, min(limit, len(expected) - offset)), (offset, limit)


def test_departments_are_isolated(org):
    "Team A's leaders and team B's never see each other's customers"
    for a, b in [(MANAGER_A, MANAGER_B), (ASSISTANT_A, STAFF_B),
            (STAFF_A1, STAFF_A2)]:
        assert not expected_visible(a, org) & expected_visible(b, org)
    assert expected_visible(MANAGER_A, org) < expected_visible(DIRECTOR, org)
    assert expected_visible(MANAGER_B, org) < expected_visible(DIRECTOR, org)


@pytest.mark.parametrize('login', MATRIX)
def test_read_write_delete_outside_is_an_access_error(login, org, clients):
    "What a user does not see cannot be read, written or deleted by id"
    client = clients(login)
    visible = expected_visible(login, org)
    _, _, _, customers = org
    outside = [c for c in customers if c['name'] not in visible]
    if not outside:
        pytest.skip(f"{login} sees every customer")
    target = outside[0]['id']
    with pytest.raises(RPCAccessError):
        client.read('party.party', [target], ['name'])
    with pytest.raises(RPCAccessError):
        client.write('party.party', [target], {'crm_city': "X"})
    with pytest.raises(RPCAccessError):
        client.delete('party.party', [target])
    with pytest.raises(RPCAccessError):
        client.create('crm.contact', [{'customer': target, 'name': "X"}])


@pytest.mark.parametrize('login', [BOSS, MANAGER_A, ASSISTANT_A, STAFF_A1])
def test_inside_can_be_read_written_and_deleted(login, org, clients):
    "What a user sees can be read and changed, and a new one deleted"
    client = clients(login)
    own = customer_of(STAFF_A1, org)
    read, = client.read('party.party', [own['id']], ['name', 'crm_city'])
    client.write('party.party', [own['id']], {'crm_city': read['crm_city']})
    new_id, = client.create('party.party', [{
                'name': f"临时客户 {login}", 'crm_customer_type': 'enterprise',
                'crm_owner': client.user_id}])
    client.delete('party.party', [new_id])


def test_service_reads_all_but_writes_none(org, clients):
    "Customer service searches every customer, changes none of them"
    service = clients(SERVICE)
    _, _, _, customers = org
    assert names(service) == {c['name'] for c in customers}
    with pytest.raises(RPCAccessError):
        service.write(
            'party.party', [customers[0]['id']], {'crm_city': "X"})


def test_sharing_read_then_write(org, clients):
    "A read share shows the customer; a read-write share lets change it"
    owner, other = clients(STAFF_A1), clients(STAFF_B)
    customer = customer_of(STAFF_A1, org)
    assert customer['name'] not in names(other)
    share_id, = owner.create('crm.customer.share', [{
                'customer': customer['id'], 'user': other.user_id,
                'mode': 'read'}])
    try:
        assert customer['name'] in names(other)
        with pytest.raises(RPCAccessError):
            other.write('party.party', [customer['id']], {'crm_city': "X"})
        owner.write('crm.customer.share', [share_id], {'mode': 'write'})
        other.write('party.party', [customer['id']], {'crm_city': "苏州市"})
        with pytest.raises(RPCAccessError):
            other.delete('party.party', [customer['id']])
    finally:
        owner.delete('crm.customer.share', [share_id])
    assert customer['name'] not in names(other)


def test_transfer_moves_customer_to_new_owner(org, clients, server):
    "A manager transfers a customer of A2 to A1: A2 loses it, A1 has it"
    manager, a1, a2 = clients(MANAGER_A), clients(STAFF_A1), clients(STAFF_A2)
    customer = customer_of(STAFF_A2, org)
    _, users, _, _ = org

    def transfer(client, to_login, reason):
        client.run_wizard('crm.customer.transfer', [
                ('start', None),
                ('transfer', {'start': {
                            'new_owner': users[to_login]['id'],
                            'reason': reason, 'count': 1}}),
                ], model='party.party', ids=[customer['id']])

    transfer(manager, STAFF_A1, "调整客户分配")
    try:
        assert customer['name'] in names(a1)
        assert customer['name'] not in names(a2)
        with pytest.raises(RPCAccessError):
            a2.read('party.party', [customer['id']], ['name'])
        logs = clients(BOSS).search_read(
            'crm.customer.transfer.log',
            [('customer', '=', customer['id'])],
            ['from_owner', 'to_owner', 'author', 'reason'])
        assert logs[0]['from_owner'] == users[STAFF_A2]['id']
        assert logs[0]['to_owner'] == users[STAFF_A1]['id']
        assert logs[0]['author'] == users[MANAGER_A]['id']
        assert logs[0]['reason'] == "调整客户分配"
        # Staff B cannot take it: not theirs to transfer
        with pytest.raises(RPCAccessError):
            clients(STAFF_B).run_wizard('crm.customer.transfer', [
                    ('start', None),
                    ('transfer', {'start': {
                                'new_owner': users[STAFF_B]['id'],
                                'count': 1}}),
                    ], model='party.party', ids=[customer['id']])
    finally:
        transfer(manager, STAFF_A2, "还原")


def test_logs_refuse_change_even_for_admin(org, clients):
    "The transfer log is append-only for everyone"
    admin = org[0]
    log_ids = admin.search('crm.customer.transfer.log', [])
    if not log_ids:
        pytest.skip("no transfer happened yet")
    before = admin.read('crm.customer.transfer.log', log_ids[:1], ['reason'])
    # Refused by the access rights or, past them, by the model itself
    refused = r"append-only|只能追加|权限|access"
    with pytest.raises(RPCUserError, match=refused):
        admin.write('crm.customer.transfer.log', log_ids[:1], {'reason': "x"})
    with pytest.raises(RPCUserError, match=refused):
        admin.delete('crm.customer.transfer.log', log_ids[:1])
    assert admin.read(
        'crm.customer.transfer.log', log_ids[:1], ['reason']) == before


def test_moving_a_user_changes_visibility_at_once(org, clients):
    "A2 moves from team A to team B: the managers' views follow at once"
    admin, users, departments, _ = org
    manager_a, manager_b = clients(MANAGER_A), clients(MANAGER_B)
    customer = customer_of(STAFF_A2, org)
    home = users[STAFF_A2]['crm_department']
    team_b = users[MANAGER_B]['crm_department']
    assert customer['name'] in names(manager_a)
    admin.write('res.user', [users[STAFF_A2]['id']],
        {'crm_department': team_b})
    try:
        assert customer['name'] not in names(manager_a)
        assert customer['name'] in names(manager_b)
    finally:
        admin.write('res.user', [users[STAFF_A2]['id']],
            {'crm_department': home})
    assert customer['name'] in names(manager_a)
    assert customer['name'] not in names(manager_b)
