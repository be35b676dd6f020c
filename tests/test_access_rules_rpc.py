"""The rules of the data permissions that are not one path each (SPEC B1,
B3, B11, P3–P5), through a real server, as users made for the run:

- ownership changes only through a logged transfer, by the hierarchy;
- membership changed from the group's side is obeyed at once;
- exporting any customer data needs the export permission;
- no context key a client sends moves the pool's day;
- duplicate warnings name only what the settings allow;
- the CRM administrator administers users, within the CRM's groups;
- day counts and caps are bounded with a clear message.
"""
import datetime as dt
import uuid

import pytest

from access_cases.world import World
from support.rpc import RPCAccessError, RPCUserError, RPCUserWarning


@pytest.fixture(scope='module')
def server(demo_database, start_server, tmp_path_factory):
    "A server of its own: the run changes groups and settings"
    copy = demo_database.copy_to(tmp_path_factory.mktemp('access-rules'))
    return start_server(copy, 'access-rules')


@pytest.fixture(scope='module')
def world(server):
    return World(server)


def owner_of(world, customer_id):
    customer, = world.admin.read('party.party', [customer_id], ['crm_owner'])
    return customer['crm_owner']


def transfer(client, customer_id, new_owner):
    return client.run_wizard('crm.customer.transfer', [
            ('start', {}),
            ('transfer', {'start': {
                        'new_owner': new_owner, 'reason': "调整"}})],
        model='party.party', ids=[customer_id])


def transfer_logs(world, customer_id):
    return world.admin.search_count('crm.customer.transfer.log',
        [('customer', '=', customer_id)])


def test_transfer_is_the_hierarchy_s_and_logged(world):
    """Finance, customer service and a read-write share are refused; the
    owner's manager transfers, and the log has it"""
    customer_id, _ = world.customer()
    for actor in ['finance', 'service', 'writer', 'reader', 'outsider']:
        with pytest.raises(RPCUserError):
            transfer(world.client(actor), customer_id,
                world.user_ids[actor])
        assert owner_of(world, customer_id) == world.user_ids['owner']
    assert transfer_logs(world, customer_id) == 0
    transfer(world.client('manager'), customer_id, world.user_ids['reader'])
    assert owner_of(world, customer_id) == world.user_ids['reader']
    assert transfer_logs(world, customer_id) == 1


def test_owner_changes_only_by_transfer(world):
    "Writing the owner is refused, even to the read-write share and owner"
    customer_id, _ = world.customer()
    for actor in ['writer', 'owner', 'manager']:
        with pytest.raises(RPCUserError) as info:
            world.client(actor).write('party.party', [customer_id],
                {'crm_owner': world.user_ids['writer']})
        assert "转移" in info.value.message, info.value.message
    assert owner_of(world, customer_id) == world.user_ids['owner']
    assert transfer_logs(world, customer_id) == 0


def group_id(world, fs_id, module='xtools_crm_base'):
    return world.admin.model_data_id(module, fs_id)


def visible(world, actor, customer_id):
    return bool(world.client(actor).search(
            'party.party', [('id', '=', customer_id)]))


@pytest.mark.parametrize('fs_id', ['group_crm_admin', 'group_role_finance'])
def test_group_side_changes_are_obeyed_at_once(world, fs_id):
    """Adding the outsider to a group that reads every customer through the
    group's user list shows him the customer at once; removing him the
    same way hides it at once"""
    customer_id, _ = world.customer()
    group = group_id(world, fs_id)
    assert not visible(world, 'outsider', customer_id)
    world.admin.write('res.group', [group],
        {'users': [('add', [world.user_ids['outsider']])]})
    try:
        assert visible(world, 'outsider', customer_id)
    finally:
        world.admin.write('res.group', [group],
            {'users': [('remove', [world.user_ids['outsider']])]})
    assert not visible(world, 'outsider', customer_id)


def test_moving_users_is_obeyed_at_once(world):
    "A user moved into the owner's department by a manager is seen"
    customer_id, _ = world.customer()
    manager_two = world.admin.create('res.user', [{
                'login': f'ap_m2_{uuid.uuid4().hex[:6]}', 'name': "二部主管",
                'password': 'Access-Paths-2026!',
                'crm_department': world.departments['two'],
                'crm_level': 'manager'}])[0]
    client = world.server.rpc_as(
        world.admin.read('res.user', [manager_two], ['login'])[0]['login'],
        'Access-Paths-2026!')
    assert not client.search('party.party', [('id', '=', customer_id)])
    world.admin.write('res.user', [world.user_ids['owner']],
        {'crm_department': world.departments['two']})
    try:
        assert client.search('party.party', [('id', '=', customer_id)])
    finally:
        world.admin.write('res.user', [world.user_ids['owner']],
            {'crm_department': world.departments['one']})
    assert not client.search('party.party', [('id', '=', customer_id)])


@pytest.mark.parametrize('model', [
        'party.party', 'crm.contact', 'crm.task', 'sale.opportunity',
        'crm.quote', 'sale.sale', 'crm.payment.plan'])
def test_export_needs_the_export_permission(world, model):
    """Tryton's generic export of any customer data is refused without the
    permission (the owner) and allowed with it (the manager)"""
    with pytest.raises(RPCUserError) as info:
        world.owner.call(model, 'export_data_domain', [], ['id'])
    assert "数据导出权限" in info.value.message, info.value.message
    world.client('manager').call(model, 'export_data_domain', [], ['id'])


def test_pool_day_cannot_come_from_the_client(world):
    """A pool user's daily claim cap holds whatever day the client sends,
    and the protection counts from the server's today"""
    world.admin.write('crm.configuration', [1], {
            'pool_daily_claim_cap': 1, 'pool_protection_days': 10})
    try:
        first, second = [world.customer(
                "公海客户", share=False, crm_maturity=world.grade('H'))[0]
            for _ in range(2)]
        owner = world.owner
        owner.call('party.party', 'crm_pool_claim', [first])
        tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
        with pytest.raises(RPCUserError) as info:
            owner.call('party.party', 'crm_pool_claim', [second], context={
                    'crm_pool_today': tomorrow,
                    '_crm_pool_today': tomorrow})
        assert "1" in info.value.message, info.value.message
        left, = world.admin.read('party.party', [second],
            ['crm_owner', 'crm_library'])
        assert (left['crm_owner'], left['crm_library']) == (None, 'public')
        claimed, = world.admin.read('party.party', [first],
            ['crm_protection_end', 'crm_library_date'])
        # Counted from the server's today (the company's timezone)
        assert claimed['crm_library_date'] in {
            dt.date.today(), dt.date.today() + dt.timedelta(days=1)}
        assert claimed['crm_protection_end'] == (
            claimed['crm_library_date'] + dt.timedelta(days=9))
    finally:
        world.admin.write('crm.configuration', [1],
            {'pool_daily_claim_cap': 10})


@pytest.mark.parametrize('disclosure', ['owner', 'nothing'])
def test_duplicate_warnings_name_what_the_settings_allow(world, disclosure):
    """The outsider meets the owner's customer name and contact mobile:
    the warning never names a customer he cannot read, and names its owner
    only when the company says so"""
    world.admin.write('crm.configuration', [1],
        {'duplicate_disclosure': disclosure})
    customer_id, name = world.customer()
    mobile = f'139{uuid.uuid4().int % 10 ** 8:08d}'
    world.owner.create('crm.contact', [{
                'customer': customer_id, 'name': "王经理", 'mobile': mobile}])
    owner_name = f"owner {world.tag}"
    outsider = world.client('outsider')
    with pytest.raises(RPCUserWarning) as info:
        outsider.create('party.party', [{
                    'name': name, 'crm_customer_type': 'enterprise',
                    'crm_owner': outsider.user_id}])
    assert (owner_name in info.value.message) == (disclosure == 'owner')
    own_id, _ = (outsider.create('party.party', [{
                    'name': f"自有 {uuid.uuid4().hex[:6]}",
                    'crm_customer_type': 'enterprise',
                    'crm_owner': outsider.user_id}])[0], None)
    with pytest.raises(RPCUserWarning) as info:
        outsider.create('crm.contact', [{
                    'customer': own_id, 'name': "李四", 'mobile': mobile}])
    message = info.value.message
    assert name not in message and "王经理" not in message, message
    # Refused, the contact was not saved
    assert not world.admin.search('crm.contact', [
            ('customer', '=', own_id), ('mobile', '=', mobile)])
    assert (owner_name in message) == (disclosure == 'owner'), message
    # The owner's manager reads the customer: it is named
    with pytest.raises(RPCUserWarning) as info:
        world.client('manager').create('crm.contact', [{
                    'customer': world.customer()[0], 'name': "张三",
                    'mobile': mobile}])
    assert name in info.value.message


def test_crm_admin_administers_users_within_crm_groups(world, server):
    """The boss with account rights (not a Tryton administrator) creates a
    user with department, level and roles, promotes him; he can neither
    grant Tryton's administration nor touch an administrator"""
    boss = server.rpc_as('wangtianhong', 'feida2026')
    sales = group_id(world, 'group_role_sales')
    admin_group = group_id(world, 'group_admin', module='res')
    user_id, = boss.create('res.user', [{
                'login': f'ap_hire_{uuid.uuid4().hex[:6]}', 'name': "新销售",
                'crm_department': world.departments['one'],
                'crm_level': 'staff', 'groups': [('add', [sales])]}])
    boss.button('res.user', 'crm_promote', [user_id])
    user, = boss.read('res.user', [user_id], ['crm_level', 'groups'])
    assert user['crm_level'] == 'assistant'
    with pytest.raises(RPCUserError) as info:
        boss.write('res.user', [user_id],
            {'groups': [('add', [admin_group])]})
    assert "CRM" in info.value.message, info.value.message
    admin_id, = world.admin.search('res.user', [('login', '=', 'admin')])
    with pytest.raises(RPCUserError) as info:
        boss.write('res.user', [admin_id], {'email': 'boss@example.com'})
    assert "管理员" in info.value.message, info.value.message
    admin_user, = world.admin.read('res.user', [admin_id], ['email'])
    assert admin_user['email'] != 'boss@example.com'
    # A salesperson cannot administer users at all
    with pytest.raises(RPCAccessError):
        world.owner.write('res.user', [user_id], {'crm_level': 'boss'})


@pytest.mark.parametrize('field, value', [
        ('pool_protection_days', 10 ** 9), ('pool_daily_claim_cap', 10 ** 9),
        ('pool_warn_days', 3651)])
def test_day_counts_and_caps_are_bounded(world, field, value):
    with pytest.raises(RPCUserError) as info:
        world.admin.write('crm.configuration', [1], {field: value})
    assert str(value) in info.value.message
