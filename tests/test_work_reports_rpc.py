"""Work reports (SPEC B9) and SMS (SPEC B8) through the real server, as the
demo's users.

张浩 (zhanghao, staff of 销售一部) writes and submits a daily report. His
manager 陈志明 and the team's assistant 刘晓燕 read it and comment, as do
the sales director 李建华 (销售部, the team's parent) and the boss; his
colleague 赵雪 and the manager of 销售二部 周国强 neither find it, read it
nor comment on it, and nobody changes it once submitted. The submission
grid shows each of them the same people.

张浩 sends an SMS to a contact of his customer through the demo's loopback
gateway; the SMS log keeps it, and nobody — not the administrator —
edits or deletes it.

The reports are on days of 2021, which the demo does not use; submitted
reports cannot be deleted, so they stay in the session's database copy.
"""
import datetime as dt

import pytest

from support.rpc import RPCAccessError, RPCUserError

AUTHOR = 'zhanghao'          # 销售一部 staff
PEER = 'zhaoxue'             # 销售一部 staff
MANAGER = 'chenzhiming'      # 销售一部 manager
ASSISTANT = 'liuxiaoyan'     # 销售一部 assistant
DIRECTOR = 'lijianhua'       # 销售部 manager (the parent department)
OTHER_MANAGER = 'zhouguoqiang'   # 销售二部 manager
BOSS = 'wangtianhong'
DAY = dt.date(2021, 3, 1)    # a Monday
DRAFT_DAY = dt.date(2021, 3, 2)
COMMENT_WIZARD = 'crm.work.report.comment.add'


@pytest.fixture(scope='module')
def report(clients):
    "张浩's daily report of DAY, submitted"
    author = clients(AUTHOR)
    report_id, = author.create('crm.work.report', [{
                'type': 'daily', 'date': DAY,
                'summary': "拜访明珠广告，介绍新款会议桌；给华信电子发报价。",
                'plan': "周三电话回访明珠广告。"}])
    author.button('crm.work.report', 'submit', [report_id])
    return report_id


def comment(client, report_id, text):
    "Comment through the report's Comment wizard, as the UI does"
    client.run_wizard(COMMENT_WIZARD, [
            ('start', {}), ('add', {'start': {'text': text}})],
        model='crm.work.report', ids=[report_id])


def test_author_submits_and_cannot_change(clients, report):
    author = clients(AUTHOR)
    values, = author.read('crm.work.report', [report],
        ['state', 'author', 'due_date', 'punctuality', 'facts'])
    assert values['state'] == 'submitted'
    assert values['due_date'] == DAY
    assert values['punctuality'].startswith('+')    # written years later
    assert len(values['facts']) >= 4
    with pytest.raises(RPCUserError):
        author.write('crm.work.report', [report], {'summary': "改"})
    with pytest.raises(RPCUserError):
        author.delete('crm.work.report', [report])
    # Nor may he write a report for someone else
    peer_id = author.search('res.user', [('login', '=', PEER)])
    report_id, = author.create('crm.work.report', [{
                'type': 'daily', 'date': DRAFT_DAY,
                'author': peer_id[0] if peer_id else None}])
    draft, = author.read('crm.work.report', [report_id], ['author.login'])
    assert draft['author.']['login'] == AUTHOR


@pytest.mark.parametrize('login', [PEER, OTHER_MANAGER])
def test_others_neither_read_nor_comment(clients, report, login):
    client = clients(login)
    assert client.search('crm.work.report', [('id', '=', report)]) == []
    with pytest.raises(RPCAccessError):
        client.read('crm.work.report', [report], ['summary'])
    with pytest.raises(RPCAccessError):
        client.create('crm.work.report.comment', [
                {'report': report, 'text': "看看"}])
    with pytest.raises(RPCAccessError):
        comment(client, report, "看看")
    with pytest.raises(RPCAccessError):
        client.read('crm.work.report.fact', clients(AUTHOR).read(
                'crm.work.report', [report], ['facts'])[0]['facts'],
            ['count'])
    assert client.search('crm.work.report.comment',
        [('report', '=', report)]) == []


def test_leaders_read_and_comment(clients, report):
    for login in [MANAGER, ASSISTANT, DIRECTOR, BOSS]:
        client = clients(login)
        values, = client.read('crm.work.report', [report], ['summary'])
        assert "明珠广告" in values['summary'], login
        comment(client, report, f"{login}：好，按计划推进。")
        # Reading is not changing
        with pytest.raises(RPCUserError):
            client.write('crm.work.report', [report], {'plan': "改"})
    author = clients(AUTHOR)
    comments = author.search_read('crm.work.report.comment',
        [('report', '=', report)], ['author.login', 'text'])
    assert sorted(c['author.']['login'] for c in comments) == sorted(
        [MANAGER, ASSISTANT, DIRECTOR, BOSS])
    # Each comment rang his bell
    bells = author.search_read('res.notification', [
            ('model', '=', 'crm.work.report'),
            ('records', '=', f'[{report}]')], ['label'])
    assert len(bells) == 4
    # A comment is its author's: the assistant cannot change the manager's
    manager_comment, = [c['id'] for c in comments
        if c['author.']['login'] == MANAGER]
    with pytest.raises(RPCAccessError):
        clients(ASSISTANT).write('crm.work.report.comment',
            [manager_comment], {'text': "改"})


def test_drafts_are_the_authors(clients, report):
    "The manager does not see what is not submitted"
    author = clients(AUTHOR)
    drafts = author.search('crm.work.report', [
            ('date', '=', DRAFT_DAY), ('state', '=', 'draft')])
    if not drafts:
        drafts = author.create('crm.work.report', [{
                    'type': 'daily', 'date': DRAFT_DAY}])
    assert clients(MANAGER).search(
        'crm.work.report', [('id', 'in', drafts)]) == []


def grid_logins(client, day=DAY):
    rows = client.search_read('crm.work.report.grid', [],
        ['user.login', 'c%02d' % day.day],
        context={'crm_period_type': 'daily', 'crm_period_date': day})
    return {r['user.']['login']: r['c%02d' % day.day] for r in rows}


def test_submission_grid_by_hierarchy(clients, report):
    assert set(grid_logins(clients(PEER))) == {PEER}
    team = grid_logins(clients(MANAGER))
    assert {AUTHOR, PEER, MANAGER, ASSISTANT} <= set(team)
    assert 'wujunjie' not in team
    assert team[AUTHOR].startswith('+')
    assert grid_logins(clients(ASSISTANT)) == team
    director = grid_logins(clients(DIRECTOR))
    assert set(team) < set(director) and 'wujunjie' in director
    assert set(director) <= set(grid_logins(clients(BOSS)))
    other = grid_logins(clients(OTHER_MANAGER))
    assert AUTHOR not in other and 'wujunjie' in other


def test_sms_logged_and_log_unchangeable(clients, admin, demo_data):
    author = clients(AUTHOR)
    customer = next(name for name, login
        in demo_data.WELL_KNOWN_CUSTOMERS.items() if login == AUTHOR)
    contact_id = author.search('crm.contact', [
            ('customer.name', '=', customer), ('mobile', '!=', None)],
        limit=1)[0]
    before = set(author.search('crm.sms.log', []))
    result, = author.run_wizard('crm.sms.send', [
            ('start', {}),
            ('send', {'start': {'text': "您好，样品已寄出，请查收。"}})],
        model='crm.contact', ids=[contact_id])[1:]
    assert result['view']['defaults']['sent'] == 1
    log_id, = set(author.search('crm.sms.log', [])) - before
    log, = author.read('crm.sms.log', [log_id],
        ['number', 'text', 'state', 'contact', 'reference'])
    assert (log['state'], log['contact']) == ('sent', contact_id)
    # The loopback gateway "sent" it, signed
    sent, = admin.search_read('crm.sms.loopback',
        [('reference', '=', log['reference'])], ['number', 'text'])
    assert sent['number'] == log['number']
    assert sent['text'].endswith(log['text'])
    # Nobody edits or deletes the log, not the administrator
    for client in [author, clients(BOSS), admin]:
        with pytest.raises(RPCUserError):
            client.write('crm.sms.log', [log_id], {'text': "改过的内容"})
        with pytest.raises(RPCUserError):
            client.delete('crm.sms.log', [log_id])
        assert client.read('crm.sms.log', [log_id], ['text'])[0]['text'] \
            == log['text']
    # The manager reads the team's SMS, a colleague does not
    assert clients(MANAGER).search('crm.sms.log', [('id', '=', log_id)])
    assert clients(PEER).search('crm.sms.log', [('id', '=', log_id)]) == []
    # Nor is the loopback outbox anyone's but the administrators'
    with pytest.raises(RPCAccessError):
        author.search('crm.sms.loopback', [])
