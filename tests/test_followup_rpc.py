"""Follow-up records (SPEC B8) follow their customer's data permissions
(SPEC B3), through the real server.

吴俊杰 (wujunjie, staff of 销售二部) records his work on his customer
杭州西湖国际酒店 over RPC: a contact, a phone call that plans a task, and a
schedule. 张浩 (zhanghao, staff of 销售一部) does not see any of it: search
finds none and a read by id is an access error; neither does 销售一部's
manager. 销售二部's manager (zhouguoqiang) and the boss do. Once wujunjie
shares the customer read-only with zhanghao, zhanghao reads them and logs
his own call on the customer, but cannot delete wujunjie's records.

The records are created by their owner and deleted at the end of the
module, so the session's other tests see the demo data as it was.
"""
import datetime as dt
import time

import pytest

from support.rpc import RPCAccessError

OWNER = 'wujunjie'          # 销售二部 staff
STAFF_A = 'zhanghao'        # 销售一部 staff
MANAGER_A = 'chenzhiming'   # 销售一部 manager
MANAGER_B = 'zhouguoqiang'  # 销售二部 manager
BOSS = 'wangtianhong'
CALL = '电话'
# What each follow-up model calls its text (shown to prove a read)
TEXT_FIELDS = {
    'crm.contact': 'name',
    'crm.activity': 'subject',
    'crm.task': 'subject',
    'crm.schedule': 'subject',
    }
MODELS = list(TEXT_FIELDS)


@pytest.fixture(scope='module')
def customer(clients, demo_data):
    "The well-known customer of the owner (杭州西湖国际酒店)"
    name, = [n for n, login in demo_data.WELL_KNOWN_CUSTOMERS.items()
        if login == OWNER]
    owner = clients(OWNER)
    customer_id, = owner.search('party.party', [('name', '=', name)])
    return customer_id


def call_type(client):
    type_id, = client.search('crm.dictionary',
        [('type', '=', 'activity_type'), ('name', '=', CALL)])
    return type_id


def log_call(client, customer_id, subject):
    """Create an activity (a phone call today) that plans its follow-up
    task; return (activity id, task id)"""
    today = client.call('ir.date', 'today')
    activity_id, = client.create('crm.activity', [{
                'customer': customer_id,
                'type': call_type(client),
                'subject': subject,
                'date': today,
                'next_task_date': today + dt.timedelta(days=3),
                'next_task_subject': f"跟进：{subject}",
                }])
    task_id, = client.search('crm.task', [('activity', '=', activity_id)])
    return activity_id, task_id


@pytest.fixture(scope='module')
def owner_records(clients, customer):
    """The owner's contact, activity, task and schedule on his customer:
    {model: id}. Deleted, by him, at the end of the module."""
    owner = clients(OWNER)
    stamp = time.strftime('%H%M%S')
    records = {}
    records['crm.contact'], = owner.create('crm.contact', [{
                'customer': customer,
                'name': f"钱经理 {stamp}",
                'title': "采购部经理",
                'mobile': f"1370571{stamp[-4:]}",
                }])
    records['crm.activity'], records['crm.task'] = log_call(
        owner, customer, f"电话确认客房家具更新计划 {stamp}")
    start = dt.datetime.combine(
        owner.call('ir.date', 'today') + dt.timedelta(days=7),
        dt.time(2, 0))
    records['crm.schedule'], = owner.create('crm.schedule', [{
                'customer': customer,
                'subject': f"拜访酒店工程部 {stamp}",
                'start': start,
                'end': start + dt.timedelta(hours=2),
                }])
    yield records
    for model in ['crm.schedule', 'crm.task', 'crm.activity', 'crm.contact']:
        owner.delete(model, [records[model]])


def test_the_owner_created_them(clients, owner_records):
    "The test data is the owner's: author, assignee, organiser, creator"
    owner = clients(OWNER)
    uid = owner.user_id
    activity, = owner.read(
        'crm.activity', [owner_records['crm.activity']], ['author'])
    task, = owner.read(
        'crm.task', [owner_records['crm.task']], ['assignee', 'activity'])
    schedule, = owner.read(
        'crm.schedule', [owner_records['crm.schedule']], ['organiser'])
    contact, = owner.read(
        'crm.contact', [owner_records['crm.contact']], ['create_uid'])
    assert activity['author'] == uid
    assert (task['assignee'], task['activity']) == (
        uid, owner_records['crm.activity'])
    assert schedule['organiser'] == uid
    assert contact['create_uid'] == uid


@pytest.mark.parametrize('login', [STAFF_A, MANAGER_A])
@pytest.mark.parametrize('model', MODELS)
def test_outside_the_team_finds_and_reads_none(
        login, model, clients, customer, owner_records):
    """Team 1 (a salesperson, and the manager) neither finds team 2's
    follow-up records nor reads them by id"""
    client = clients(login)
    record_id = owner_records[model]
    assert client.search(model, [('id', '=', record_id)]) == []
    assert client.search_count(model, [('customer', '=', customer)]) == 0
    with pytest.raises(RPCAccessError):
        client.read(model, [record_id], [TEXT_FIELDS[model]])


def test_outside_the_team_sees_no_timeline(clients, customer, owner_records):
    "Nor does the customer's timeline show them to team 1"
    assert clients(STAFF_A).search_count(
        'crm.customer.timeline', [('customer', '=', customer)]) == 0


@pytest.mark.parametrize('login', [MANAGER_B, BOSS])
@pytest.mark.parametrize('model', MODELS)
def test_team_manager_and_boss_find_and_read_them(
        login, model, clients, customer, owner_records):
    "销售二部's manager and the boss find and read them"
    client, owner = clients(login), clients(OWNER)
    record_id = owner_records[model]
    text = TEXT_FIELDS[model]
    expected, = owner.read(model, [record_id], [text])
    assert record_id in client.search(model, [('customer', '=', customer)])
    record, = client.read(model, [record_id], [text])
    assert record[text] == expected[text]


@pytest.fixture
def read_share(clients, customer, owner_records):
    """The owner shares the customer read-only with team 1's salesperson
    (until the end of the test, if the test did not unshare it)"""
    owner, staff = clients(OWNER), clients(STAFF_A)
    share_id, = owner.create('crm.customer.share', [{
                'customer': customer, 'user': staff.user_id,
                'mode': 'read'}])
    yield share_id
    left = owner.search('crm.customer.share', [('id', '=', share_id)])
    if left:
        owner.delete('crm.customer.share', left)


def test_read_share_reads_adds_but_does_not_delete(
        clients, customer, owner_records, read_share):
    """Shared read-only, the customer's follow-up shows to zhanghao: he
    reads it, logs his own call (and gets its task), and may not delete
    the owner's records"""
    staff, owner = clients(STAFF_A), clients(OWNER)
    for model, record_id in owner_records.items():
        assert record_id in staff.search(
            model, [('customer', '=', customer)]), model
        text = TEXT_FIELDS[model]
        record, = staff.read(model, [record_id], [text])
        assert record[text], model

    subject = f"电话了解客房家具更新进度 {time.strftime('%H%M%S')}"
    activity_id, task_id = log_call(staff, customer, subject)
    try:
        activity, = staff.read(
            'crm.activity', [activity_id], ['author', 'customer'])
        task, = staff.read('crm.task', [task_id], ['assignee', 'customer'])
        assert activity == {
            'id': activity_id, 'author': staff.user_id, 'customer': customer}
        assert task == {
            'id': task_id, 'assignee': staff.user_id, 'customer': customer}
        # The owner sees his colleague's call on his customer
        progress, = owner.read(
            'party.party', [customer], ['crm_latest_progress'])
        assert progress['crm_latest_progress'] == subject

        for model, record_id in owner_records.items():
            with pytest.raises(RPCAccessError):
                staff.delete(model, [record_id])
            # still there
            assert owner.search(model, [('id', '=', record_id)]) == [
                record_id], model
    finally:
        owner.delete('crm.task', [task_id])
        owner.delete('crm.activity', [activity_id])


def test_unshared_again_nothing_shows(
        clients, customer, owner_records, read_share):
    "Once the share is removed, zhanghao sees none of it again"
    owner, staff = clients(OWNER), clients(STAFF_A)
    assert staff.search('crm.activity', [
            ('id', '=', owner_records['crm.activity'])])
    owner.delete('crm.customer.share', [read_share])
    for model, record_id in owner_records.items():
        assert staff.search(model, [('id', '=', record_id)]) == [], model
        with pytest.raises(RPCAccessError):
            staff.read(model, [record_id], [TEXT_FIELDS[model]])


def test_read_share_stays_read_only(clients, customer, read_share):
    """The recipient of a read-only share can neither make it read-write
    nor share the customer with someone else"""
    owner, staff = clients(OWNER), clients(STAFF_A)
    third = clients('zhaoxue')
    try:
        with pytest.raises(RPCAccessError):
            staff.write('crm.customer.share', [read_share], {'mode': 'write'})
        with pytest.raises(RPCAccessError):
            staff.create('crm.customer.share', [{
                        'customer': customer, 'user': third.user_id,
                        'mode': 'read'}])
    finally:
        made = owner.search('crm.customer.share', [
                ('customer', '=', customer),
                ('user', '=', third.user_id)])
        if made:
            owner.delete('crm.customer.share', made)
        owner.write('crm.customer.share', [read_share], {'mode': 'read'})
