#!/usr/bin/env python
"""Does one big import stall the other users? A real server and its queue
worker (as `make run` starts them) on a throwaway database; a manager
uploads a --rows customer file through the import wizard (queued: above
the 2,000-row setting), and while the job runs, two other users log in,
list their customers and save one, in a loop. The same loop is timed
first with no import running (the baseline).

Goal: while a 10,000-row import runs, every login, list and save of the
other users answers within 2 s, on SQLite and on PostgreSQL.

    .venv/bin/python bench/bench_import_contention.py               # SQLite
    .venv/bin/python bench/bench_import_contention.py --backend postgresql
    .venv/bin/python bench/bench_import_contention.py --rows 2500   # quick
"""
import argparse
import base64
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench_import  # noqa: E402
from benchlib import db as benchdb  # noqa: E402
from benchlib.timing import summary  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)
PASSWORD = 'bench-pass-2026'
GOAL_SECONDS = 2.0
BASELINE_SECONDS = 20


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--backend', choices=['sqlite', 'postgresql'],
        default='sqlite')
    parser.add_argument('--rows', type=int, default=10_000)
    parser.add_argument('--pg-uri', default=benchdb.pg_uri_default())
    parser.add_argument('--json', metavar='FILE')
    return parser.parse_args(argv)


# --- a small JSON-RPC client ---------------------------------------------

class Client:
    def __init__(self, url, login):
        self.url, self.login = url, login
        self.authorization = None

    def _post(self, method, params, authorization=None):
        from trytond.protocols.jsonrpc import JSONDecoder, JSONEncoder
        body = json.dumps({'id': 1, 'method': method, 'params': params},
            cls=JSONEncoder).encode()
        request = urllib.request.Request(self.url, data=body,
            headers={'Content-Type': 'application/json'}, method='POST')
        if authorization:
            request.add_header('Authorization', authorization)
        with urllib.request.urlopen(request, timeout=600) as response:
            answer = json.loads(response.read().decode(),
                object_hook=JSONDecoder())
        if answer.get('error'):
            raise RuntimeError(f"{method}: {str(answer['error'])[:500]}")
        return answer['result']

    def log_in(self):
        user_id, session = self._post('common.db.login',
            [self.login, {'password': PASSWORD}, 'en'])[:2]
        token = base64.b64encode(
            f'{self.login}:{user_id}:{session}'.encode()).decode()
        self.authorization = f'Session {token}'
        self.user_id = user_id
        self.context = self.call('model.res.user.get_preferences', True)
        return self

    def call(self, method, *args):
        context = getattr(self, 'context', {})
        return self._post(method, list(args) + [context], self.authorization)


# --- the server -------------------------------------------------------------

def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def start(database, port, log_path):
    "trytond and its queue worker, as scripts/run.sh starts them"
    config = database.config_file
    with open(config, 'a') as f:
        f.write(f'[web]\nlisten = 127.0.0.1:{port}\n[queue]\nworker = True\n')
    log = open(log_path, 'wb')
    server = subprocess.Popen([os.path.join(BIN, 'trytond'), '-c', config,
            '-d', database.name], stdout=log, stderr=subprocess.STDOUT,
        cwd=ROOT)
    if database.backend == 'sqlite':
        worker_cmd = [sys.executable, os.path.join(ROOT, 'scripts',
                'queue_worker.py'), '-c', config, '-d', database.name]
    else:
        worker_cmd = [os.path.join(BIN, 'trytond-worker'), '-c', config,
            '-d', database.name, '-n', '1']
    worker = subprocess.Popen(worker_cmd, stdout=log,
        stderr=subprocess.STDOUT, cwd=ROOT)
    url = f'http://127.0.0.1:{port}/{database.name}/rpc/'
    for _ in range(300):
        try:
            Client(f'http://127.0.0.1:{port}/rpc/', None)._post(
                'common.server.version', [])
            break
        except OSError:
            time.sleep(0.3)
    return url, [server, worker]


def set_passwords(database, logins):
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(database.name, 0) as transaction:
        User = Pool().get('res.user')
        users = User.search([('login', 'in', logins)])
        User.write(users, {'password': PASSWORD})
        transaction.commit()


# --- the timing -------------------------------------------------------------

def user_loop(url, login, customer_id, samples, stop):
    "Log in, list, save, again and again until stop; seconds per kind"
    while not stop.is_set():
        start = time.perf_counter()
        client = Client(url, login).log_in()
        samples['login'].append(time.perf_counter() - start)
        start = time.perf_counter()
        ids = client.call('model.party.party.search',
            [('crm_customer_type', '!=', None)], 0, 60, None)
        client.call('model.party.party.read', ids,
            ['code', 'name', 'crm_customer_type', 'crm_owner.rec_name'])
        samples['list'].append(time.perf_counter() - start)
        start = time.perf_counter()
        client.call('model.party.party.write', [customer_id],
            {'crm_city': f'杭州市{time.time():.0f}'})
        samples['save'].append(time.perf_counter() - start)
        time.sleep(0.2)


def timed(url, users, seconds=None, until=None):
    samples = {login: {'login': [], 'list': [], 'save': []}
        for login, _ in users}
    stop = threading.Event()
    threads = [threading.Thread(target=user_loop,
            args=(url, login, customer, samples[login], stop))
        for login, customer in users]
    for thread in threads:
        thread.start()
    if seconds:
        time.sleep(seconds)
    else:
        until()
    stop.set()
    for thread in threads:
        thread.join()
    merged = {kind: sum((s[kind] for s in samples.values()), [])
        for kind in ['login', 'list', 'save']}
    return merged


def main(argv=None):
    args = parse_args(argv)
    database = benchdb.ThrowawayDatabase(args.backend, pg_uri=args.pg_uri)
    database.configure()
    processes = []
    try:
        ids, _ = bench_import.build(database)
        logins = ['bench_manager', 'bench_staff_1', 'bench_staff_2']
        set_passwords(database, logins)
        data = bench_import.workbook(args.rows, ids['owners'])
        port = free_port()
        url, processes = start(database, port,
            os.path.join(database.workdir, 'server.log'))
        manager = Client(url, 'bench_manager').log_in()
        users = []
        for login in logins[1:]:
            client = Client(url, login).log_in()
            customer, = client.call('model.party.party.create', [{
                        'name': f"{login} 的客户",
                        'crm_customer_type': 'enterprise',
                        'crm_owner': client.user_id}])
            users.append((login, customer))
        print(f"[{args.backend}] baseline {BASELINE_SECONDS} s …",
            flush=True)
        baseline = timed(url, users, seconds=BASELINE_SECONDS)
        print(f"[{args.backend}] uploading {args.rows} rows …", flush=True)
        session, _, _ = manager.call('wizard.crm.customer.import.create')
        upload_start = time.perf_counter()
        result = manager.call('wizard.crm.customer.import.execute', session,
            {'start': {'file': data, 'file_name': 'bench.xlsx'}}, 'import_')
        upload_seconds = time.perf_counter() - upload_start
        job_id = result['view']['defaults']['job']
        job = {}

        def until_done():
            while True:
                job.update(manager.call('model.crm.customer.import.job.read',
                        [job_id], ['state', 'rows_done', 'customers',
                            'error_lines'])[0])
                if job['state'] in {'done', 'failed'}:
                    return
                time.sleep(1)
        start_job = time.perf_counter()
        during = timed(url, users, until=until_done)
        job_seconds = time.perf_counter() - start_job
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(30)
        database.drop()
    report = {
        'backend': args.backend, 'rows': args.rows,
        'upload_seconds': upload_seconds, 'job_seconds': job_seconds,
        'job': job, 'load_average': os.getloadavg(),
        'baseline': {k: summary(v) for k, v in baseline.items()},
        'during': {k: summary(v) for k, v in during.items()},
        'max_during': {k: max(v) for k, v in during.items() if v},
        }
    print(f"\n## {args.backend}: {args.rows} rows, job {job['state']} "
        f"({job.get('customers')} customers) in {job_seconds:.0f} s; "
        f"upload request {upload_seconds:.2f} s; load "
        f"{', '.join(f'{x:.1f}' for x in report['load_average'])}")
    print("| kind | baseline median | during median | during p90 | "
        "during max | calls during |")
    print("|---|---:|---:|---:|---:|---:|")
    ok = job['state'] == 'done'
    for kind in ['login', 'list', 'save']:
        b, d = report['baseline'][kind], report['during'][kind]
        worst = report['max_during'].get(kind, 0)
        ok = ok and worst <= GOAL_SECONDS
        print(f"| {kind} | {b['median_ms']:.0f} ms | {d['median_ms']:.0f} ms"
            f" | {d['p90_ms']:.0f} ms | {worst * 1000:.0f} ms | "
            f"{len(during[kind])} |")
    print(f"goal: every call within {GOAL_SECONDS:.0f} s while importing: "
        + ('holds' if ok else 'FAILS'))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(report, f, indent=2, default=str)
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
