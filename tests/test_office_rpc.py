"""The office desk (SPEC M3) through the real server, as the demo's users.

张浩 (zhanghao, staff of 销售一部) asks for a day of leave and claims an
expense above the amount the boss approves. His colleague 赵雪 neither
finds, reads nor approves them; his manager 陈志明 approves first, then
the boss 王天虹. 张浩's private document and its file are his alone; his
public one is read by 赵雪, who cannot change it.

The requests are on days of 2022, which the demo does not use."""
import datetime as dt
from decimal import Decimal

import pytest

from support.rpc import RPCAccessError, RPCUserError

STAFF = 'zhanghao'           # 销售一部 staff
PEER = 'zhaoxue'             # 销售一部 staff
MANAGER = 'chenzhiming'      # 销售一部 manager
BOSS = 'wangtianhong'
APPROVAL = 'crm.office.approval'
DOCUMENT = 'crm.office.document'


@pytest.fixture(scope='module')
def leave(clients):
    "张浩's submitted leave request"
    staff = clients(STAFF)
    request_id, = staff.create(APPROVAL, [{
                'kind': 'leave', 'leave_type': 'personal',
                'start_date': dt.date(2022, 4, 6),
                'end_date': dt.date(2022, 4, 6),
                'reason': "孩子家长会，请假一天。"}])
    staff.button(APPROVAL, 'submit', [request_id])
    return request_id


def test_peer_cannot_read_leave(clients, leave):
    peer = clients(PEER)
    assert peer.search(APPROVAL, [('id', '=', leave)]) == []
    with pytest.raises(RPCAccessError):
        peer.read(APPROVAL, [leave], ['reason'])
    with pytest.raises(RPCAccessError):
        peer.button(APPROVAL, 'approve', [leave])
    with pytest.raises(RPCAccessError):
        peer.button(APPROVAL, 'cancel', [leave])
    values, = clients(STAFF).read(APPROVAL, [leave], ['state', 'step'])
    assert values == {'id': leave, 'state': 'submitted', 'step': 'manager'}


def test_manager_approves_leave(clients, leave):
    staff = clients(STAFF)
    with pytest.raises(RPCUserError):
        staff.button(APPROVAL, 'approve', [leave])
    manager = clients(MANAGER)
    values, = manager.read(APPROVAL, [leave], ['reason', 'requester.login'])
    assert values['requester.']['login'] == STAFF
    manager.button(APPROVAL, 'approve', [leave])
    values, = staff.read(APPROVAL, [leave],
        ['state', 'manager_approved_by.login'])
    assert values['state'] == 'approved'
    assert values['manager_approved_by.']['login'] == MANAGER


def test_expense_through_manager_and_boss(clients, admin):
    limit = admin.read('crm.configuration', [1], ['office_boss_amount'])[0][
        'office_boss_amount']
    staff = clients(STAFF)
    claim_id, = staff.create(APPROVAL, [{
                'kind': 'expense', 'amount': Decimal(limit) + 1,
                'reason': "客户招待及差旅费"}])
    staff.button(APPROVAL, 'submit', [claim_id])
    # Not the boss's turn yet; the colleague does not see it at all
    with pytest.raises(RPCUserError):
        clients(BOSS).button(APPROVAL, 'approve', [claim_id])
    assert clients(PEER).search(APPROVAL, [('id', '=', claim_id)]) == []
    clients(MANAGER).button(APPROVAL, 'approve', [claim_id])
    assert staff.read(APPROVAL, [claim_id], ['state', 'step'])[0] == {
        'id': claim_id, 'state': 'submitted', 'step': 'boss'}
    with pytest.raises(RPCUserError):
        clients(MANAGER).button(APPROVAL, 'approve', [claim_id])
    clients(BOSS).button(APPROVAL, 'approve', [claim_id])
    assert staff.read(APPROVAL, [claim_id], ['state'])[0]['state'] == (
        'approved')
    # Decided: the requester can no longer change it
    with pytest.raises(RPCUserError):
        staff.write(APPROVAL, [claim_id], {'amount': Decimal(1)})


def test_private_document_is_the_owners(clients):
    staff = clients(STAFF)
    private, public = staff.create(DOCUMENT, [
            {'name': "客户拜访笔记（私人）", 'scope': 'private'},
            {'name': "报价流程说明", 'scope': 'public'},
            ])
    attachment, = staff.create('ir.attachment', [{
                'name': 'notes.txt', 'data': "只给自己看".encode(),
                'resource': f'{DOCUMENT},{private}'}])
    peer = clients(PEER)
    found = peer.search(DOCUMENT, [('id', 'in', [private, public])])
    assert found == [public]
    with pytest.raises(RPCAccessError):
        peer.read(DOCUMENT, [private], ['name'])
    assert peer.search('ir.attachment', [
            ('resource', '=', f'{DOCUMENT},{private}')]) == []
    with pytest.raises(RPCAccessError):
        peer.read('ir.attachment', [attachment], ['data'])
    with pytest.raises(RPCAccessError):
        peer.write(DOCUMENT, [public], {'name': "改"})
    # The owner reads his file
    data, = staff.read('ir.attachment', [attachment], ['name'])
    assert data['name'] == 'notes.txt'
