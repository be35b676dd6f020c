"""Two server processes on one PostgreSQL database obey each other at once
(production: several worker processes behind one address, `make serve-pg`).

One throwaway database with xtools_crm_pool (and so xtools_crm_base), two
`trytond` processes on it (`one` and `two`), each with its own in-process
caches of permissions (Tryton's record rules, the users' groups, the CRM's
visibility: who sees which customers). A change made through one server
is obeyed by the other at the next request:

- a manager moved to another department reads the new department's
  customers and no longer the old one's;
- a role (group) given from the user's side and taken back from the
  group's side: read-all and back;
- a customer shared, then the share deleted;
- a customer transferred to another salesperson;
- the pool's daily auto-return run twice at the same moment, through both
  servers (ir.cron's "run once"), and by two `trytond-cron --once`
  processes started together: each due customer returns once, with one
  log entry, and the cron is recorded as run once;
- queued customer imports taken by two `trytond-worker` processes: each
  file imported once, no customer twice;
- 即将回归公海's pages as a salesperson and as his manager, through both
  servers: their own (and shared) returning customers, in the list's
  order, page after page (a salesperson's taken arm by arm from the
  owner index on PostgreSQL);
- server `two` runs with `[xtools] refuse_demo_passwords = True`
  (scripts/serve_pg.sh): the demo's password is refused there, and said
  so, while server `one` (no such setting) accepts it.

What makes it hold: Tryton's caches (trytond.cache.Cache) are cleared in
every process through PostgreSQL's notification channel when
`[cache] clean_timeout = 0` (trytond.conf); the CRM's visibility cache is
one of them (xtools_crm_base/visibility.py). The servers run with the
cache class of scripts/serve_pg.sh (xtools_crm_base/cache.py), which also
clears the committing process's own caches during the commit, and makes
every transaction catch up with the channel before it begins (the next
request obeys a change however late the listener thread runs). The cron's
task is taken
with SELECT ... FOR UPDATE SKIP LOCKED and the run of the auto-return is
a REPEATABLE READ transaction: a second run at the same moment fails to
serialise and is replayed, then finds nothing due. Queue tasks are taken
with SKIP LOCKED too.

XTOOLS_PG_URI names the PostgreSQL server; the test is skipped when none
answers. The database is created (a few minutes) and dropped here.
"""
import base64
import io
import os
import signal
import tempfile
import time

import pytest

from support.postgres import (
    ADMIN_PASSWORD, PG_URI, Client, RPCError, Server, at_once,
    pg_available)

PASSWORD = 'Coherence-2026!'
DEMO_PASSWORD = 'feida2026'  # demo/demo_data.py

pytestmark = pytest.mark.skipif(
    not pg_available(), reason=f"no PostgreSQL answers at {PG_URI}")


@pytest.fixture(scope='module')
def servers():
    "(one, two): two trytond processes on one new database"
    name = f'xtools_coherence_{os.getpid()}'
    # Queued tasks are left to the workers (as serve_pg.sh does)
    queue = '[queue]\nworker = True\n'
    one = Server(name, tempfile.mkdtemp(prefix='xtools-coherence-1-'))
    two = Server(name, tempfile.mkdtemp(prefix='xtools-coherence-2-'))
    one.write_config(queue)
    two.write_config(queue + '[xtools]\nrefuse_demo_passwords = True\n')
    try:
        one.create()
        one.start()
        two.start()
        yield one, two
    finally:
        for server in [one, two]:
            server.stop()
        one.drop()
        one.save_log('coherence_server_one.log')
        two.save_log('coherence_server_two.log')


def sql(server, query, params=None):
    "Run query on the test database directly (rows, or None)"
    import psycopg
    from psycopg.conninfo import make_conninfo
    with psycopg.connect(make_conninfo(PG_URI, dbname=server.name),
            autocommit=True, connect_timeout=5) as conn:
        cursor = conn.execute(query, params)
        return cursor.fetchall() if cursor.description else None


@pytest.fixture(scope='module')
def world(servers):
    """A company, departments 销售一部 / 销售二部 with a manager and two
    staff each, 销售三部 with one staff and no manager yet (a department
    has one manager); one customer owned by each staff"""
    one, two = servers
    admin = Client(one, 'admin', ADMIN_PASSWORD)
    currency, = admin.call('currency.currency', 'create', [{
                'name': "Yuan Renminbi", 'code': 'CNY', 'symbol': "¥",
                'rounding': {'__class__': 'Decimal', 'decimal': '0.01'},
                'digits': 2}])
    party, = admin.call('party.party', 'create', [{'name': "飞达家具"}])
    company, = admin.call('company.company', 'create', [{
                'party': party, 'currency': currency}])
    admin.call('res.user', 'write', [admin.user_id], {
            'companies': [['add', [company]]], 'company': company})
    admin.context = admin.call_raw(
        'model.res.user.get_preferences', True, {})
    english, = admin.call('ir.lang', 'search', [('code', '=', 'en')])
    dept_a, dept_b, dept_c = admin.call('crm.department', 'create', [
            {'name': "销售一部", 'company': company},
            {'name': "销售二部", 'company': company},
            {'name': "销售三部", 'company': company}])
    people = {
        'manager_a': ('manager', dept_a), 'manager_b': ('manager', dept_b),
        'staff_a': ('staff', dept_a), 'staff_a2': ('staff', dept_a),
        'staff_b': ('staff', dept_b), 'staff_b2': ('staff', dept_b),
        'staff_c': ('staff', dept_c),
        }
    ids = admin.call('res.user', 'create', [{
                'login': login, 'name': login.replace('_', ' ').title(),
                'password': PASSWORD, 'crm_level': level,
                'crm_department': department, 'language': english,
                'companies': [['add', [company]]], 'company': company,
                } for login, (level, department) in people.items()])
    users = dict(zip(people, ids))
    customers = {}
    for login in ['staff_a', 'staff_a2', 'staff_b', 'staff_b2', 'staff_c']:
        customers[login], = admin.call('party.party', 'create', [{
                    'name': f"Customer of {login}",
                    'crm_customer_type': 'enterprise',
                    'crm_owner': users[login]}])
    return {
        'admin_one': admin, 'admin_two': Client(two, 'admin', ADMIN_PASSWORD),
        'company': company, 'departments': (dept_a, dept_b, dept_c),
        'users': users, 'customers': customers,
        }


def login(server, user):
    return Client(server, user, PASSWORD)


def visible(client, world):
    "The logins whose customer the client reads (of the world's four)"
    ids = client.call('party.party', 'search', [
            ('id', 'in', list(world['customers'].values()))])
    return {login for login, id_ in world['customers'].items()
        if id_ in ids}


def test_department_move_is_obeyed_by_the_other_server(servers, world):
    "Manager A moved to department C through server two: at once on one"
    one, two = servers
    manager = login(one, 'manager_a')
    assert visible(manager, world) == {'staff_a', 'staff_a2'}
    # Served again from the caches of server one
    assert visible(manager, world) == {'staff_a', 'staff_a2'}
    dept_a, dept_b, dept_c = world['departments']
    world['admin_two'].call('res.user', 'write',
        [world['users']['manager_a']], {'crm_department': dept_c})
    assert visible(manager, world) == {'staff_c'}
    with pytest.raises(RPCError) as refused:
        manager.call('party.party', 'read',
            [world['customers']['staff_a']], ['name'])
    assert 'You are not allowed to read records' in refused.value.message
    # And back, this time through server one, read on server two
    manager_two = login(two, 'manager_a')
    assert visible(manager_two, world) == {'staff_c'}
    world['admin_one'].call('res.user', 'write',
        [world['users']['manager_a']], {'crm_department': dept_a})
    assert visible(manager_two, world) == {'staff_a', 'staff_a2'}


def test_staff_moved_takes_their_customer_to_the_new_manager(servers, world):
    "Staff B2 moved to department A through one: managers on two follow"
    one, two = servers
    manager_a, manager_b = login(two, 'manager_a'), login(two, 'manager_b')
    assert visible(manager_a, world) == {'staff_a', 'staff_a2'}
    assert visible(manager_b, world) == {'staff_b', 'staff_b2'}
    dept_a, dept_b, _ = world['departments']
    world['admin_one'].call('res.user', 'write',
        [world['users']['staff_b2']], {'crm_department': dept_a})
    try:
        assert visible(manager_a, world) == {
            'staff_a', 'staff_a2', 'staff_b2'}
        assert visible(manager_b, world) == {'staff_b'}
    finally:
        world['admin_one'].call('res.user', 'write',
            [world['users']['staff_b2']], {'crm_department': dept_b})
    assert visible(manager_b, world) == {'staff_b', 'staff_b2'}


def test_group_change_from_either_side(servers, world):
    """The service role (reads every customer) given to staff A on server
    one from the user's side, taken back on server two from the group's
    side: staff A's reads on the other server follow at once"""
    one, two = servers
    staff_on_two = login(two, 'staff_a')
    staff_on_one = login(one, 'staff_a')
    assert visible(staff_on_two, world) == {'staff_a'}
    assert visible(staff_on_one, world) == {'staff_a'}
    admin_one, admin_two = world['admin_one'], world['admin_two']
    service = admin_one.call(
        'ir.model.data', 'get_id', 'xtools_crm_base', 'group_role_service')
    user = world['users']['staff_a']
    admin_one.call('res.user', 'write', [user], {
            'groups': [['add', [service]]]})
    assert visible(staff_on_two, world) == set(world['customers'])
    assert visible(staff_on_one, world) == set(world['customers'])
    admin_two.call('res.group', 'write', [service], {
            'users': [['remove', [user]]]})
    assert visible(staff_on_one, world) == {'staff_a'}
    assert visible(staff_on_two, world) == {'staff_a'}


def test_share_and_unshare_are_obeyed_by_the_other_server(servers, world):
    "Staff A shares their customer on one; staff B reads it on two"
    one, two = servers
    owner = login(one, 'staff_a')
    reader = login(two, 'staff_b')
    assert visible(reader, world) == {'staff_b'}
    share, = owner.call('crm.customer.share', 'create', [{
                'customer': world['customers']['staff_a'],
                'user': world['users']['staff_b']}])
    assert visible(reader, world) == {'staff_a', 'staff_b'}
    name, = reader.call('party.party', 'read',
        [world['customers']['staff_a']], ['name'])
    assert name['name'] == "Customer of staff_a"
    owner.call('crm.customer.share', 'delete', [share])
    assert visible(reader, world) == {'staff_b'}


def run_wizard(client, name, steps, model=None, ids=None):
    context = dict(client.context)
    if model:
        context.update(active_model=model, active_ids=ids, active_id=ids[0])
    session, _, _ = client.call_raw(f'wizard.{name}.create', context)
    try:
        for state, data in steps:
            client.call_raw(
                f'wizard.{name}.execute', session, data, state, context)
    finally:
        client.call_raw(f'wizard.{name}.delete', session, context)


def test_transfer_is_obeyed_by_the_other_server(servers, world):
    "Admin transfers staff A2's customer to staff B on two: seen on one"
    one, two = servers
    giver, taker = login(one, 'staff_a2'), login(one, 'staff_b')
    assert visible(giver, world) == {'staff_a2'}
    assert visible(taker, world) == {'staff_b'}
    customer = world['customers']['staff_a2']
    run_wizard(world['admin_two'], 'crm.customer.transfer', [
            ('start', {}),
            ('transfer', {'start': {
                        'new_owner': world['users']['staff_b'],
                        'count': 1}}),
            ], 'party.party', [customer])
    assert visible(giver, world) == set()
    assert visible(taker, world) == {'staff_a2', 'staff_b'}


# ---------------------------------------------------------------------------
# Pool auto-return: once, whoever runs it
# ---------------------------------------------------------------------------

@pytest.fixture(scope='module')
def pool_users(servers, world):
    "The pool switched on; two pool users (staff A2, staff B2), logged in"
    one, two = servers
    ids = [world['users']['staff_a2'], world['users']['staff_b2']]
    world['admin_one'].call('crm.configuration', 'write', [1], {
            'pool_enabled': True,
            'pool_users': [['add', ids]],
            'pool_daily_claim_cap': None,
            'pool_claimed_cap': 100,
            'pool_protection_days': 10,
            })
    return [login(one, 'staff_a2'), login(two, 'staff_b2')]


def claimed_and_overdue(servers, world, pool_users, prefix, count):
    """count public customers claimed by the two pool users, their
    protection ended three days ago (the days aged in SQL): due to return
    on the next run"""
    admin = world['admin_one']
    ids = admin.call('party.party', 'create', [{
                'name': f'{prefix} {i}', 'crm_customer_type': 'enterprise',
                'crm_owner': admin.user_id,
                } for i in range(count)])
    for i, customer in enumerate(ids):
        pool_users[i % 2].call('party.party', 'crm_pool_claim', [customer])
    for values in admin.call('party.party', 'read', ids,
            ['crm_library', 'crm_owner']):
        assert values['crm_library'] == 'claimed', values
    sql(servers[0], "UPDATE party_party SET "
        "crm_protection_end = CURRENT_DATE - 3, "
        "crm_library_date = CURRENT_DATE - 13 WHERE id = ANY(%s)", [ids])
    return ids


def assert_returned_once(admin, ids):
    for values in admin.call('party.party', 'read', ids,
            ['crm_library', 'crm_owner']):
        assert (values['crm_library'], values['crm_owner']) == (
            'public', None), values
    logs = admin.call('crm.pool.log', 'search_read', [
            ('customer', 'in', ids), ('operation', '=', 'return')],
        0, None, None, ['customer'])
    assert sorted(log['customer'] for log in logs) == sorted(ids)


def pool_cron(admin):
    cron, = admin.call('ir.cron', 'search', [
            ('method', '=', 'party.party|crm_pool_cron')])
    return cron


def test_auto_return_run_through_both_servers_at_once(
        servers, world, pool_users):
    "The administrator's 'run once' on both servers at the same moment"
    ids = claimed_and_overdue(servers, world, pool_users, "Overdue", 6)
    admin_one, admin_two = world['admin_one'], world['admin_two']
    cron = pool_cron(admin_one)
    outcomes = at_once([
            lambda: admin_one.call('ir.cron', 'run_once', [cron]),
            lambda: admin_two.call('ir.cron', 'run_once', [cron]),
            ])
    assert [error for _, error in outcomes] == [None, None], outcomes
    assert_returned_once(admin_one, ids)


def test_two_cron_processes_run_the_daily_return_once(
        servers, world, pool_users):
    """Two `trytond-cron --once` started together (one too many, by
    mistake) with the pool's run due: one takes it, each customer returns
    once, one log entry each, the cron's log records one run"""
    one, two = servers
    ids = claimed_and_overdue(servers, world, pool_users, "Lapsed", 6)
    admin = world['admin_one']
    cron = pool_cron(admin)
    runs_before = admin.call('ir.cron.log', 'search_count',
        [('cron', '=', cron)])
    # Due now: the other crons are put off, so both runs are about the
    # pool's only
    sql(one, "UPDATE ir_cron SET next_call = "
        "CASE WHEN id = %s THEN now() - interval '1 minute' "
        "ELSE now() + interval '1 day' END", [cron])
    logs = [server.workdir / 'cron.log' for server in servers]
    processes = [server.spawn('trytond-cron', '--once', '-n', '1', '-vv',
            log=log) for server, log in zip(servers, logs)]
    for process, log in zip(processes, logs):
        assert process.wait(300) == 0, log.read_text()[-3000:]
    # Ran in one of the two processes, once
    ran = [line for log in logs for line in log.read_text().splitlines()
        if 'party.party|crm_pool_cron> in ' in line]
    assert len(ran) == 1, ran
    assert_returned_once(admin, ids)
    runs_after = admin.call('ir.cron.log', 'search_count',
        [('cron', '=', cron)])
    assert runs_after - runs_before == 1
    # A run later the same day (started by hand) returns nothing more
    logs = admin.call('crm.pool.log', 'search_count', [])
    world['admin_two'].call('ir.cron', 'run_once', [cron])
    assert admin.call('crm.pool.log', 'search_count', []) == logs
    assert_returned_once(admin, ids)


# ---------------------------------------------------------------------------
# Queued imports: once, whichever worker takes them
# ---------------------------------------------------------------------------

def customer_file(prefix, rows):
    import openpyxl
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "客户"
    sheet.append(["客户名称*", "客户来源", "联系人", "手机"])
    for i in range(rows):
        sheet.append([f"{prefix} {i:03d}", None, None, None])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def test_queued_imports_run_once_with_two_workers(servers, world):
    "Four files queued above the threshold, two workers: each row once"
    one, two = servers
    admin = world['admin_one']
    admin.call('crm.configuration', 'write', [1],
        {'import_queue_rows': 5})
    importers = [login(one, 'staff_a'), login(two, 'staff_b')]
    files = {f"Queued {n}": 20 for n in range(4)}
    for n, (prefix, rows) in enumerate(files.items()):
        data = customer_file(prefix, rows)
        run_wizard(importers[n % 2], 'crm.customer.import', [
                ('start', {}),
                ('import_', {'start': {
                            'file': {'__class__': 'bytes',
                                'base64': base64.b64encode(data).decode()},
                            'file_name': f'{prefix}.xlsx'}}),
                ])
    jobs = admin.call('crm.customer.import.job', 'search', [])
    assert len(jobs) == 4
    # Nothing ran inside the requests: [queue] worker = True
    states = admin.call('crm.customer.import.job', 'read', jobs, ['state'])
    assert {s['state'] for s in states} == {'queued'}
    workers = [server.spawn('trytond-worker', '-n', '1')
        for server in servers]
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            states = admin.call('crm.customer.import.job', 'read', jobs,
                ['state', 'customers'])
            if all(s['state'] in {'done', 'failed'} for s in states):
                break
            time.sleep(1)
    finally:
        # trytond-worker and the processes of its pool
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers:
            worker.wait(30)
    assert [(s['state'], s['customers']) for s in states] == [
        ('done', 20)] * 4, states
    for prefix, rows in files.items():
        names = [p['name'] for p in admin.call('party.party', 'search_read',
                [('name', 'like', f'{prefix} %')], 0, None, None, ['name'])]
        assert len(names) == rows == len(set(names)), (prefix, names)
    # One queue task a job, done once
    tasks = sql(one, "SELECT count(*), count(finished_at) FROM ir_queue "
        "WHERE data::text LIKE '%%crm.customer.import.job%%'")
    assert tasks == [(4, 4)]


# ---------------------------------------------------------------------------
# The demo's passwords in production
# ---------------------------------------------------------------------------

def test_demo_password_refused_where_configured(servers, world):
    """Server two (refuse_demo_passwords) refuses the demo password, with
    the reason; server one accepts it; another password works on both"""
    one, two = servers
    admin = world['admin_one']
    user, = admin.call('res.user', 'create', [{
                'login': 'demo_like', 'name': "Demo Like",
                'password': DEMO_PASSWORD,
                'companies': [['add', [world['company']]]],
                'company': world['company']}])
    assert Client(one, 'demo_like', DEMO_PASSWORD).user_id == user
    with pytest.raises(RPCError) as refused:
        Client(two, 'demo_like', DEMO_PASSWORD)
    assert refused.value.kind == 'LoginException', refused.value.error
    assert refused.value.error[1][1] == (
        'This server refuses the demo passwords: the administrator must '
        'give "demo_like" a new password first.'), refused.value.error
    admin.call('res.user', 'write', [user], {'password': PASSWORD})
    assert Client(two, 'demo_like', PASSWORD).user_id == user


RETURNING = [('crm_customer_type', '!=', None),
    ('crm_returning_soon', '=', True)]
RETURNING_ORDER = [('crm_library_date', 'ASC'), ('id', 'ASC')]


def test_returning_soon_pages_as_each_user(servers, world, pool_users):
    """即将回归公海 over JSON-RPC on PostgreSQL, page by page as sao asks
    (the list's order, tabs All and Mine): a salesperson's pages (taken
    arm by arm from the owner index, xtools_crm_base/rule_arm_search.py)
    are his returning customers and the one shared with him, in order,
    nobody else's; his manager's are the department's; the counts agree"""
    one, two = servers
    admin = world['admin_one']
    users = world['users']
    ids = admin.call('party.party', 'create', [{
                'name': f'Returning {i}', 'crm_customer_type': 'enterprise',
                'crm_owner': admin.user_id} for i in range(7)])
    for i, customer in enumerate(ids):
        pool_users[i % 2].call('party.party', 'crm_pool_claim', [customer])
    # Protection ends tomorrow (within the 3 days' warning): returning
    # soon; taken on three different days, so that the order shows
    sql(one, "UPDATE party_party SET "
        "crm_protection_end = CURRENT_DATE + 1, "
        "crm_library_date = CURRENT_DATE - 9 - id %% 3 WHERE id = ANY(%s)",
        [ids])
    staff_a2, staff_b2 = users['staff_a2'], users['staff_b2']
    theirs = [i for n, i in enumerate(ids) if n % 2]
    shared = theirs[0]
    pool_users[1].call('crm.customer.share', 'create', [{
                'customer': shared, 'user': staff_a2, 'mode': 'read'}])

    def oracle(owners, also=()):
        "the returning customers of owners (and also), as admin orders them"
        return admin.call('party.party', 'search', RETURNING + [
                ['OR', ('crm_owner', 'in', owners),
                    ('id', 'in', list(also))]], 0, None, RETURNING_ORDER)

    def pages(client, domain):
        found = []
        for offset in range(0, 40, 2):
            found += client.call('party.party', 'search', domain, offset, 2,
                RETURNING_ORDER)
        assert found == client.call(
            'party.party', 'search', domain, 0, 61, RETURNING_ORDER)
        assert len(found) == client.call(
            'party.party', 'search_count', domain, 0, 6000)
        return found

    salesperson = login(two, 'staff_a2')
    mine = oracle([staff_a2])
    assert len(mine) >= 4 and shared not in mine
    assert pages(salesperson, RETURNING) == oracle([staff_a2], [shared])
    assert pages(salesperson, RETURNING + [
            ('crm_owner', '=', staff_a2)]) == mine
    manager = login(one, 'manager_a')
    department = [users['manager_a'], users['staff_a'], staff_a2]
    assert pages(manager, RETURNING) == oracle(department)
    assert not set(pages(manager, RETURNING)) & set(theirs)
