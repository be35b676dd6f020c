"""Faults of the production configuration (`make serve-pg`), and the backup
of a live database, on a throwaway PostgreSQL cluster of this test's own
(support/cluster.py: the machine's shared PostgreSQL is never restarted).

- A `trytond-worker` killed (SIGKILL of it and its pool) in the middle of a
  queued customer import: the customers of the batches already committed
  stay hidden, nobody sees half a file; the next worker started finds the
  job interrupted, deletes what it staged and runs it again, once: the
  file is imported whole, each row once, and the job says it ran twice
  (crm.customer.import.job.recover_interrupted).
- `trytond-cron` killed in the middle of the pool's daily auto-return (its
  UPDATE held up by a row lock of the test's, so the kill lands between the
  log's INSERT and the customers' UPDATE): nothing of the run is left, the
  cron is still due; the next cron returns every due customer once, with
  one log entry each, and records one run.
- PostgreSQL stopped at once (as by a crash) and started again during a
  claim storm of four salespeople: each customer has one owner at most,
  the claim log agrees with the owners (one claim each, to the owner) and
  with every claim a client was told succeeded, and the server answers
  again (logins, claims) without a restart of its own.
- pg_dump of the database while a server serves it and users keep
  creating customers, restored into a new database with a copy of the
  attachments' file store: a server on the copy reads the same customers,
  pool logs and attachments (their bytes).

Every database, cluster and process is removed at the end. Skipped only
when the PostgreSQL server programs (initdb, pg_ctl, pg_dump, pg_restore)
are not installed. A few minutes, most of it creating the database.
"""
import base64
import io
import os
import random
import shutil
import signal
import tempfile
import threading
import time
from pathlib import Path

import pytest

from support.cluster import Cluster, ClusterServer, binaries
from support.postgres import ADMIN_PASSWORD, Client, RPCError

PASSWORD = 'Faults-2026!'
# crm.customer.import.job's advisory locks (customer_import_job.RUN_LOCK)
RUN_LOCK = 0x58544a42

pytestmark = pytest.mark.skipif(binaries() is None, reason=(
        "PostgreSQL server programs (initdb, pg_ctl, pg_dump, pg_restore) "
        "are not installed"))


def wait_for(condition, timeout, what, step=0.1):
    "condition()'s first true value, within timeout seconds"
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f'timed out waiting for {what}')
        time.sleep(step)


def kill_group(process, sig=signal.SIGKILL):
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass
    try:
        process.wait(60)
    except Exception:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


def save_logs(*paths):
    target = os.environ.get('XTOOLS_ARTIFACTS')
    if not target:
        return
    Path(target).mkdir(parents=True, exist_ok=True)
    for path in paths:
        if Path(path).exists():
            shutil.copy(path, Path(target) / f'faults_{Path(path).name}')


@pytest.fixture(scope='module')
def stack():
    """(cluster, server): a private cluster, a database with the pool
    module, `trytond` on it with queued tasks left to workers; the
    processes a test starts are added to stack_processes and killed"""
    root = Path(tempfile.mkdtemp(prefix='xtools-faults-'))
    (root / 'server').mkdir()
    # Its own folder: the cluster's user (postgres) must reach it
    cluster = Cluster(tempfile.mkdtemp(prefix='xtools-faults-pg-'))
    server = ClusterServer(cluster, 'xtools_faults', root / 'server')
    processes.clear()
    try:
        cluster.start()
        server.write_config('[queue]\nworker = True\n')
        server.create()
        server.start()
        yield cluster, server
    finally:
        for process in processes:
            if process.poll() is None:
                kill_group(process)
        server.stop()
        save_logs(server.log, cluster.log, *root.glob('server/*.log'))
        cluster.destroy()
        shutil.rmtree(root, ignore_errors=True)


processes = []


def spawn(server, tool, *args, log):
    process = server.spawn(tool, *args, log=log)
    processes.append(process)
    return process


@pytest.fixture(scope='module')
def world(stack):
    "A company, a department, four salespeople who use the pool"
    cluster, server = stack
    admin = Client(server, 'admin', ADMIN_PASSWORD)
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
    department, = admin.call('crm.department', 'create', [
            {'name': "销售一部", 'company': company}])
    logins = [f'staff_{n}' for n in range(4)]
    ids = admin.call('res.user', 'create', [{
                'login': login, 'name': login.title(), 'password': PASSWORD,
                'crm_level': 'staff', 'crm_department': department,
                'language': english, 'companies': [['add', [company]]],
                'company': company} for login in logins])
    admin.call('crm.configuration', 'write', [1], {
            'pool_enabled': True,
            'pool_users': [['add', ids]],
            'pool_daily_claim_cap': None,
            'pool_claimed_cap': 1000,
            'pool_protection_days': 10,
            'import_queue_rows': 100,
            })
    return {'admin': admin, 'users': dict(zip(logins, ids)),
        'logins': logins}


def login(server, user):
    return Client(server, user, PASSWORD)


def run_wizard(client, name, steps):
    session, _, _ = client.call_raw(f'wizard.{name}.create', client.context)
    try:
        for state, data in steps:
            client.call_raw(f'wizard.{name}.execute', session, data, state,
                client.context)
    finally:
        client.call_raw(f'wizard.{name}.delete', session, client.context)


def customer_file(prefix, rows):
    import openpyxl
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "客户"
    sheet.append(["客户名称*", "客户来源", "联系人", "手机"])
    for i in range(rows):
        sheet.append([f"{prefix} {i:05d}", None, None, None])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def waiting_on_lock(cluster, server, like):
    "The backends of the database waiting for a lock, on a query like it"
    return cluster.sql(server.name, "SELECT pid FROM pg_stat_activity "
        "WHERE datname = %s AND wait_event_type = 'Lock' "
        "AND query ILIKE %s", [server.name, like])


# ---------------------------------------------------------------------------
# A queue worker killed in the middle of an import
# ---------------------------------------------------------------------------

def test_worker_killed_in_the_middle_of_an_import(stack, world):
    cluster, server = stack
    rows = 10_000  # the size issue 19 names
    importer = login(server, 'staff_0')
    run_wizard(importer, 'crm.customer.import', [
            ('start', {}),
            ('import_', {'start': {
                        'file': {'__class__': 'bytes', 'base64':
                            base64.b64encode(customer_file(
                                    "Killed import", rows)).decode()},
                        'file_name': 'killed.xlsx'}}),
            ])
    job, = cluster.sql(server.name,
        "SELECT id FROM crm_customer_import_job WHERE state = 'queued'")
    job = job[0]
    log = server.workdir / 'worker.log'
    worker = spawn(server, 'trytond-worker', '-n', '1', '-v', log=log)

    def progress():
        done, = cluster.sql(server.name, "SELECT rows_done FROM "
            "crm_customer_import_job WHERE id = %s", [job])
        return done[0]
    wait_for(progress, 300, "the import's first batch", step=0.05)
    # Its next batch's progress waits for the test's lock on the job:
    # killed there, the batches before are committed, the rest not
    import psycopg
    from psycopg.conninfo import make_conninfo
    holder = psycopg.connect(make_conninfo(cluster.uri, dbname=server.name))
    try:
        # (NO KEY: the batch's customers, which refer to the job, are
        # inserted; its progress UPDATE waits)
        holder.execute("SELECT id FROM crm_customer_import_job "
            "WHERE id = %s FOR NO KEY UPDATE", [job])
        wait_for(lambda: waiting_on_lock(cluster, server,
                'UPDATE "crm_customer_import_job"%'), 120, "the next batch")
        kill_group(worker)
    finally:
        holder.rollback()
        holder.close()
    # The killed worker's connections gone, its lock of the job with them
    wait_for(lambda: not cluster.sql(server.name, "SELECT 1 FROM pg_locks "
            "WHERE locktype = 'advisory' AND classid = %s AND objid = %s",
            [RUN_LOCK, job]), 60, "the killed worker's lock to go")

    (state, done), = cluster.sql(server.name, "SELECT state, rows_done "
        "FROM crm_customer_import_job WHERE id = %s", [job])
    staged, = cluster.sql(server.name, "SELECT count(*) FROM party_party "
        "WHERE crm_import_job = %s", [job])
    assert state == 'running' and 0 < done == staged[0] < rows, (
        state, done, staged)
    # Half a file is never seen
    assert importer.call('party.party', 'search_count',
        [('name', 'like', 'Killed import %')]) == 0

    worker = spawn(server, 'trytond-worker', '-n', '1', '-v', log=log)

    def ended():
        (state,), = cluster.sql(server.name, "SELECT state FROM "
            "crm_customer_import_job WHERE id = %s", [job])
        return state in {'done', 'failed'}
    wait_for(ended, 600, "the import run again", step=0.5)
    kill_group(worker, signal.SIGTERM)

    values, = importer.call('crm.customer.import.job', 'read', [job],
        ['state', 'customers', 'rows_done', 'runs', 'error_count'])
    assert (values['state'], values['customers'], values['rows_done'],
        values['runs'], values['error_count']) == (
        'done', rows, rows, 2, 0), values
    # Every row once, shown, nothing staged left
    assert cluster.sql(server.name, "SELECT count(*), count(DISTINCT name), "
        "bool_and(active), count(crm_import_job) FROM party_party "
        "WHERE name LIKE 'Killed import %%'") == [(rows, rows, True, 0)]
    assert importer.call('party.party', 'search_count',
        [('name', 'like', 'Killed import %')]) == rows
    # Two tasks of the job: the one taken by the killed worker (never
    # finished) and the re-run
    tasks = cluster.sql(server.name, "SELECT count(*), count(finished_at) "
        "FROM ir_queue WHERE data::text LIKE '%%crm.customer.import.job%%'")
    assert tasks == [(2, 1)], tasks
    assert 'was interrupted: queued again' in log.read_text()


# ---------------------------------------------------------------------------
# The cron killed in the middle of the pool's auto-return
# ---------------------------------------------------------------------------

def claimed_and_overdue(server, world, prefix, count):
    admin = world['admin']
    ids = admin.call('party.party', 'create', [{
                'name': f'{prefix} {i}', 'crm_customer_type': 'enterprise',
                'crm_owner': admin.user_id} for i in range(count)])
    clients = [login(server, user) for user in world['logins']]
    for i, customer in enumerate(ids):
        clients[i % len(clients)].call(
            'party.party', 'crm_pool_claim', [customer])
    server.sql("UPDATE party_party SET "
        "crm_protection_end = CURRENT_DATE - 3, "
        "crm_library_date = CURRENT_DATE - 13 WHERE id = ANY(%s)", [ids])
    return ids


def test_cron_killed_in_the_middle_of_the_auto_return(stack, world):
    cluster, server = stack
    admin = world['admin']
    ids = claimed_and_overdue(server, world, "Overdue", 12)
    owners = dict(server.sql("SELECT id, crm_owner FROM party_party "
            "WHERE id = ANY(%s)", [ids]))
    assert set(owners.values()) == set(world['users'].values())
    cron, = admin.call('ir.cron', 'search', [
            ('method', '=', 'party.party|crm_pool_cron')])
    server.sql("UPDATE ir_cron SET next_call = CASE WHEN id = %s "
        "THEN now() - interval '1 minute' "
        "ELSE now() + interval '1 day' END", [cron])
    runs_before = server.sql(
        "SELECT count(*) FROM ir_cron_log WHERE cron = %s", [cron])
    log = server.workdir / 'cron.log'

    import psycopg
    from psycopg.conninfo import make_conninfo
    holder = psycopg.connect(make_conninfo(cluster.uri, dbname=server.name))
    try:
        # (NO KEY: the log's INSERT, which refers to the customer, goes
        # through; the customers' UPDATE waits)
        holder.execute("SELECT id FROM party_party WHERE id = %s "
            "FOR NO KEY UPDATE", [ids[-1]])
        cron_process = spawn(server, 'trytond-cron', '--once', '-n', '1',
            '-vv', log=log)
        wait_for(lambda: waiting_on_lock(cluster, server,
                'UPDATE "party_party"%'), 180, "the auto-return's update")
        kill_group(cron_process)
    finally:
        holder.rollback()
        holder.close()
    wait_for(lambda: not waiting_on_lock(cluster, server, '%'), 60,
        "the killed cron's transaction to end")
    wait_for(lambda: not cluster.sql(server.name, "SELECT 1 FROM "
            "pg_stat_activity WHERE datname = %s AND state <> 'idle' "
            "AND query ILIKE '%%party_party%%' AND pid <> pg_backend_pid()",
            [server.name]), 60, "the killed cron's backend to go")

    # Nothing of the interrupted run is left; the cron is still due
    assert dict(server.sql("SELECT id, crm_owner FROM party_party "
            "WHERE id = ANY(%s) AND crm_library = 'claimed'",
            [ids])) == owners
    assert server.sql("SELECT count(*) FROM crm_pool_log WHERE "
        "customer = ANY(%s) AND operation = 'return'", [ids]) == [(0,)]
    assert server.sql("SELECT count(*) FROM ir_cron_log WHERE cron = %s",
        [cron]) == runs_before
    assert server.sql("SELECT next_call < now() FROM ir_cron "
        "WHERE id = %s", [cron]) == [(True,)]

    cron_process = spawn(server, 'trytond-cron', '--once', '-n', '1', '-vv',
        log=log)
    assert cron_process.wait(300) == 0, log.read_text()[-3000:]
    assert server.sql("SELECT count(*) FROM party_party WHERE "
        "id = ANY(%s) AND crm_library = 'public' AND crm_owner IS NULL",
        [ids]) == [(len(ids),)]
    returns = server.sql("SELECT customer, from_owner FROM crm_pool_log "
        "WHERE customer = ANY(%s) AND operation = 'return'", [ids])
    assert sorted(returns) == sorted(owners.items())
    assert server.sql("SELECT count(*) FROM ir_cron_log WHERE cron = %s",
        [cron]) == [(runs_before[0][0] + 1,)]
    assert server.sql("SELECT next_call > now() FROM ir_cron "
        "WHERE id = %s", [cron]) == [(True,)]


# ---------------------------------------------------------------------------
# Backup of a live database
# ---------------------------------------------------------------------------

def test_backup_and_restore_of_a_live_database(stack, world):
    cluster, server = stack
    admin = world['admin']
    customer, = admin.call('party.party', 'create', [{
                'name': "Backed up", 'crm_customer_type': 'enterprise',
                'crm_owner': world['users']['staff_1']}])
    data = os.urandom(50_000)
    attachment, = admin.call('ir.attachment', 'create', [{
                'name': 'contract.pdf',
                'resource': f'party.party,{customer}',
                'data': {'__class__': 'bytes',
                    'base64': base64.b64encode(data).decode()}}])
    # Users keep working while the dump is taken
    writer = login(server, 'staff_2')
    created, errors = [], []
    stop = threading.Event()

    def work():
        n = 0
        while not stop.is_set():
            try:
                created.extend(writer.call('party.party', 'create', [{
                                'name': f'Live {n}',
                                'crm_customer_type': 'enterprise',
                                'crm_owner': writer.user_id}]))
            except Exception as error:
                errors.append(error)
                return
            n += 1
    restored_name = 'xtools_faults_restored'
    restored = ClusterServer(cluster, restored_name,
        Path(tempfile.mkdtemp(prefix='xtools-faults-restored-')))
    try:
        check_restore(cluster, server, restored, work, created, errors,
            stop, customer, attachment, data)
    finally:
        stop.set()
        restored.stop()
        restored.drop()
        shutil.rmtree(restored.workdir, ignore_errors=True)


def check_restore(cluster, server, restored, work, created, errors, stop,
        customer, attachment, data):
    restored_name = restored.name
    thread = threading.Thread(target=work)
    thread.start()
    try:
        wait_for(lambda: errors or len(created) >= 3, 120, "users at work")
        assert errors == []
        before = list(created)
        dump = cluster.dump(server.name, server.workdir / 'backup.dump')
        # The attachments' files (Tryton's file store), after the dump: it
        # holds every file the dump names
        store = restored.workdir / restored_name
        shutil.copytree(server.workdir / server.name, store)
        wait_for(lambda: errors or len(created) >= len(before) + 2, 120,
            "users still at work")
    finally:
        stop.set()
        thread.join(120)
    assert errors == []
    restored.drop()
    cluster.restore(dump, restored_name)
    restored.write_config()
    restored.start()
    copy = Client(restored, 'admin', ADMIN_PASSWORD)

    def rows(target, query):
        return cluster.sql(target, query)
    customers = ("SELECT id, name, crm_owner, crm_library, active "
        "FROM party_party ORDER BY id")
    logs = ("SELECT id, customer, operation, from_owner, to_owner, "
        "create_date FROM crm_pool_log ORDER BY id")
    attachments = ("SELECT id, name, resource, file_id, create_date "
        "FROM ir_attachment ORDER BY id")
    source_customers = rows(server.name, customers)
    copied_customers = rows(restored_name, customers)
    # A snapshot: what was created before the dump is in it, the
    # customers it holds are the source's, and what came later is not
    copied_ids = {row[0] for row in copied_customers}
    assert set(before) <= copied_ids
    assert set(copied_customers) <= set(source_customers)
    assert not set(created) <= copied_ids
    # The pool's log of those customers (new customers are logged too)
    assert rows(restored_name, logs) == [row
        for row in rows(server.name, logs)
        if row[1] is None or row[1] in copied_ids]
    assert rows(restored_name, attachments) == rows(
        server.name, attachments)
    # The same through a server on the copy, attachment bytes included
    assert copy.call('party.party', 'search_count', []) == len(
        [row for row in copied_customers if row[4]])
    read, = copy.call('ir.attachment', 'read', [attachment],
        ['name', 'resource', 'data'])
    assert (read['name'], read['resource']) == (
        'contract.pdf', f'party.party,{customer}')
    assert base64.b64decode(read['data']['base64']) == data
    name, = copy.call('party.party', 'read', [customer], ['name'])
    assert name['name'] == "Backed up"


# ---------------------------------------------------------------------------
# PostgreSQL restarted during a claim storm
# ---------------------------------------------------------------------------

def test_postgresql_restarted_during_a_claim_storm(stack, world):
    cluster, server = stack
    admin = world['admin']
    ids = admin.call('party.party', 'create', [{
                'name': f'Storm {i}', 'crm_customer_type': 'enterprise',
                'crm_owner': admin.user_id} for i in range(80)])
    claimers = {user: login(server, user) for user in world['logins']}
    succeeded, refused, failed = [], [], []
    stop = threading.Event()
    random.seed(19)

    def storm(user, client):
        while not stop.is_set():
            customer = random.choice(ids)
            try:
                client.call('party.party', 'crm_pool_claim', [customer])
                succeeded.append((customer, world['users'][user]))
            except RPCError as error:
                if error.kind in {'UserError', 'AccessError'}:
                    refused.append(customer)
                else:
                    failed.append(error)
            except Exception as error:
                # The connection cut, the server's answer lost
                failed.append(error)
                time.sleep(0.2)
    threads = [threading.Thread(target=storm, args=item)
        for item in claimers.items()]
    for thread in threads:
        thread.start()
    try:
        wait_for(lambda: len(succeeded) >= 5, 120, "the first claims")
        cluster.restart()
        after = len(succeeded)
        # The server answers again: claims succeed after the restart
        wait_for(lambda: len(succeeded) >= after + 3, 180,
            "claims after the restart", step=0.5)
    finally:
        stop.set()
        for thread in threads:
            thread.join(180)
    assert admin.call('party.party', 'search_count',
        [('id', 'in', ids)]) == len(ids)

    owners = dict(server.sql("SELECT id, crm_owner FROM party_party "
            "WHERE id = ANY(%s) AND crm_library = 'claimed'", [ids]))
    public = server.sql("SELECT count(*) FROM party_party WHERE "
        "id = ANY(%s) AND crm_library = 'public' AND crm_owner IS NULL",
        [ids])[0][0]
    assert len(owners) + public == len(ids)
    claims = server.sql("SELECT customer, to_owner FROM crm_pool_log "
        "WHERE customer = ANY(%s) AND operation = 'claim'", [ids])
    # One claim logged for each claimed customer, to its owner, none for
    # the others
    assert sorted(claims) == sorted(owners.items())
    # Every claim a salesperson was told succeeded is there
    assert set(succeeded) <= set(owners.items())
    assert len(succeeded) == len(set(c for c, _ in succeeded))
    # And the salespeople see their own
    for user, client in claimers.items():
        mine = {c for c, owner in owners.items()
            if owner == world['users'][user]}
        assert set(client.call('party.party', 'search', [
                    ('id', 'in', ids), ('crm_owner', '=',
                        world['users'][user])])) == mine
