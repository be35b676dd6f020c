"""Reports and workbenches (SPEC R1, R2, S10) through the real server, as the
demo's users: the record rules of the documents a report sums hold over
RPC as in the web client.

张浩 (zhanghao, 销售一部 staff) reads his own figures only; 陈志明
(chenzhiming) his team's; 李建华 (lijianhua, 销售部, whose sub-departments
are both teams) both teams'; 周国强 (zhouguoqiang, 销售二部) not 销售一部's;
the boss 王天虹 everyone's. Margins need the cost price permission, even
over RPC; the export needs the data export permission and writes the rows
the user may read, with the filter of the context.
"""
import datetime as dt
import io

import openpyxl
import pytest

from support.rpc import RPCAccessError, RPCUserError

BOSS = 'wangtianhong'
DIRECTOR = 'lijianhua'
TEAM1_MANAGER = 'chenzhiming'
TEAM2_MANAGER = 'zhouguoqiang'
STAFF = 'zhanghao'
TEAM1 = {'chenzhiming', 'liuxiaoyan', 'zhanghao', 'zhaoxue'}
TEAM2 = {'zhouguoqiang', 'sunlijuan', 'wujunjie', 'zhengjiayi'}
LEADERBOARD = 'crm.reporting.sales.salesperson'


def net_by_salesperson(client, context=None):
    rows = client.search_read(LEADERBOARD, [], ['salesperson', 'net'],
        context=context)
    logins = dict((u['id'], u['login']) for u in client.search_read(
            'res.user', [('id', 'in', [r['salesperson'] for r in rows])],
            ['login'], context={'active_test': False}))
    return {logins.get(r['salesperson'], r['salesperson']): r['net']
        for r in rows}


@pytest.fixture(scope='module')
def boss_figures(clients):
    return net_by_salesperson(clients(BOSS))


def test_boss_sees_every_salesperson(boss_figures):
    "The demo's sales span both teams and the sales director's own"
    assert set(boss_figures) & TEAM1, boss_figures
    assert set(boss_figures) & TEAM2, boss_figures
    assert all(v is not None for v in boss_figures.values())


@pytest.mark.parametrize('login, visible', [
        (STAFF, {STAFF}),
        (TEAM1_MANAGER, TEAM1),
        (TEAM2_MANAGER, TEAM2),
        (DIRECTOR, TEAM1 | TEAM2 | {DIRECTOR}),
        ])
def test_report_covers_what_the_user_may_read(
        clients, boss_figures, login, visible):
    """Staff read their own figures, a manager the department's with its
    sub-departments'; the figures are the boss's for the same people"""
    got = net_by_salesperson(clients(login))
    assert set(got) <= visible, got
    expected = {k: v for k, v in boss_figures.items() if k in visible}
    assert got == expected


def test_staff_summary_and_detail_are_their_own(clients):
    staff = clients(STAFF)
    me = staff.user_id
    for model in ['crm.reporting.sales.summary', 'crm.reporting.sales.detail',
            'crm.reporting.receivable', 'crm.reporting.shipment']:
        rows = staff.search_read(model, [], ['salesperson'])
        assert {r['salesperson'] for r in rows} <= {me}, model
    # The same filter as the boss's, asking for another salesperson, gives
    # nothing more
    boss = clients(BOSS)
    other, = boss.search('res.user', [('login', '=', 'wujunjie')])
    assert staff.search_read(LEADERBOARD, [], ['net'],
        context={'salesperson': other}) == []


def test_margin_needs_the_cost_price_permission(clients):
    "Refused over RPC to the salesperson, read by the boss who holds it"
    with pytest.raises(RPCAccessError):
        clients(STAFF).search_read(
            'crm.reporting.margin.salesperson', [], ['margin'])
    with pytest.raises(RPCAccessError):
        clients(STAFF).search('crm.reporting.margin.product', [])
    rows = clients(BOSS).search_read(
        'crm.reporting.margin.salesperson', [], ['net', 'cost', 'margin'])
    assert rows
    for row in rows:
        assert row['margin'] == row['net'] - row['cost']


def test_export_with_the_filter_of_the_report(clients):
    """The boss exports the leaderboard of a period: the file holds the
    rows the report shows with the same filter, cell by cell"""
    boss = clients(BOSS)
    today = dt.date.today()
    context = {'from_date': today.replace(month=1, day=1),
        'to_date': today, 'crm_report': 'leaderboard'}
    rows = boss.search_read(LEADERBOARD, [],
        ['salesperson.rec_name', 'deals', 'net'], context=context)
    assert rows
    result = boss.run_wizard('crm.reporting.export', [('start', {})],
        model=LEADERBOARD, ids=[], context=context)
    view = result[0]['view']
    data = view['defaults']['file']
    if isinstance(data, dict):   # JSON-RPC bytes
        import base64
        data = base64.b64decode(data['base64'])
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    # Column titles in the user's language (the boss's is Chinese)
    assert values[0][:3] in (
        ["Salesperson", "Department", "Deals"], ["销售人员", "部门", "合同订单数"])
    assert [(v[0], v[2], v[5]) for v in values[1:]] == [
        (r['salesperson.']['rec_name'], r['deals'], float(r['net']))
        for r in rows]


def test_export_needs_the_export_permission(clients):
    # Refused with the reason (an access or a user error, both translated)
    with pytest.raises(RPCUserError) as refusal:
        clients(STAFF).run_wizard('crm.reporting.export', [('start', {})],
            model=LEADERBOARD, ids=[])
    assert any(word in str(refusal.value)
        for word in ('导出', 'export', 'Export'))


def test_targets_staff_read_managers_set(clients):
    """The month's targets: staff read their own and cannot change them,
    their manager can; progress shows on the workbench's block"""
    staff, manager = clients(STAFF), clients(TEAM1_MANAGER)
    targets = staff.search_read('crm.sales.target', [],
        ['salesperson', 'department', 'kind'])
    assert targets
    mine = [t for t in targets if t['salesperson'] == staff.user_id]
    assert mine
    with pytest.raises(RPCAccessError):
        staff.write('crm.sales.target', [mine[0]['id']],
            {'contract_amount': 1})
    progress = staff.search_read('crm.reporting.target',
        [('current', '=', True)], ['salesperson', 'contract_target'])
    assert {p['salesperson'] for p in progress} <= {staff.user_id, None}
    team = manager.search('crm.sales.target',
        [('salesperson', '=', staff.user_id)])
    assert team


def test_login_lands_on_the_workbench(clients):
    "Each demo role's first login action is its workbench"
    expected = {
        BOSS: 'act_workbench_boss',
        STAFF: 'act_workbench_sales',
        'huangxiuying': 'act_workbench_finance',
        'xujing': 'act_workbench_service',
        'linzhiqiang': 'act_workbench_repair',
        'yangjianjun': 'act_workbench_stock',
        }
    for login, fs_id in expected.items():
        client = clients(login)
        action = client.model_data_id('xtools_crm_reports', fs_id)
        actions = client.preferences['actions']
        assert actions, login
        value = client.call('ir.action', 'get_action_value', actions[0])
        assert value['id'] == action, login
