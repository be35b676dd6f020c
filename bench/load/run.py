"""Load bench of the production configuration: simulated staff, managers,
keepers, finance and customer-service users drive gunicorn + trytond on
PostgreSQL over JSON-RPC on loopback, with 1, 2 and 4 gunicorn workers.

    .venv/bin/python bench/load/run.py                       # quick: 5,000 customers, 40 users
    .venv/bin/python bench/load/run.py --customers 100000 --users 200 --duration 120

What it does:
1. the demo database on PostgreSQL (scripts/demo_db.py; `--source`, kept
   for the next run, built if absent — several minutes);
2. a copy of it (CREATE DATABASE … TEMPLATE) grown to --customers and
   --users by scale.py (ORM for users and departments, set-based SQL for
   the customers, owners and departments as the rules expect); kept as
   xtools_load_<customers>_<users> for the next run unless --drop;
3. for each --workers count: gunicorn serving trytond.application:app
   as `make serve-pg` does (--preload, sync workers, the process cache,
   clean_timeout 0), a warm-up, then --sim-users simulated users
   (driver.py) for --duration seconds;
4. a table per worker count: calls/s, p50/p95/p99 (ms), ok / refused /
   errors per call type, and the JSON-RPC requests/s.

PostgreSQL: --pg-uri or $XTOOLS_PG_URI (default
postgresql://postgres@127.0.0.1:5432/). The figures are those of the
machine it runs on: run it on a quiet one.
"""
import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

import driver  # noqa: E402
from scale import PASSWORD  # noqa: E402

BIN = os.path.dirname(sys.executable)


def maintenance(uri):
    import psycopg
    from psycopg.conninfo import make_conninfo
    return psycopg.connect(make_conninfo(uri, dbname='postgres'),
        autocommit=True)


def exists(uri, name):
    with maintenance(uri) as conn:
        return bool(conn.execute(
                'SELECT 1 FROM pg_database WHERE datname = %s',
                [name]).fetchone())


def write_config(path, uri, files):
    with open(path, 'w') as f:
        f.write('[database]\n'
            f'uri = {uri}\npath = {files}\nlanguage = en\n'
            '[cache]\nclean_timeout = 0\n'
            'class = xtools_crm_base.cache.ProcessCache\n'
            '[queue]\nworker = True\n'
            '[session]\nmax_age = 43200\n')
    return path


def env_for(uri, files):
    env = {k: v for k, v in os.environ.items()
        if not k.startswith('TRYTOND_')}
    env.update(TRYTOND_DATABASE__URI=uri, TRYTOND_DATABASE__PATH=files,
        PYTHONUNBUFFERED='1')
    return env


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def say(*args):
    print(*args, file=sys.stderr, flush=True)


def ensure_source(uri, name, files):
    if exists(uri, name):
        return
    say(f"Building the demo database {name} (several minutes) …")
    subprocess.run([sys.executable, os.path.join(ROOT, 'scripts',
                'demo_db.py'), name, '--config', 'trytond.conf'],
        cwd=ROOT, env=env_for(uri, files), check=True)


def ensure_scaled(args, config, files):
    name = args.database or f'xtools_load_{args.customers}_{args.users}'
    if args.rebuild and exists(args.pg_uri, name):
        with maintenance(args.pg_uri) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    fresh = not exists(args.pg_uri, name)
    if fresh:
        ensure_source(args.pg_uri, args.source, files)
        say(f"Copying {args.source} to {name} …")
        with maintenance(args.pg_uri) as conn:
            conn.execute(f'CREATE DATABASE "{name}" '
                f'TEMPLATE "{args.source}"')
    started = time.monotonic()
    command = [sys.executable, os.path.join(HERE, 'scale.py'), config,
        name, '--users', str(args.users), '--customers', str(args.customers)]
    if not fresh:
        command.append('--describe')
    else:
        say(f"Growing {name} to {args.customers} customers and "
            f"{args.users} users …")
    result = subprocess.run(command, cwd=ROOT,
        env=env_for(args.pg_uri, files), capture_output=True, text=True)
    if result.returncode:
        say(result.stdout[-3000:], result.stderr[-5000:])
        raise SystemExit("scale.py failed")
    if fresh:
        say(f"… in {time.monotonic() - started:.0f} s")
    # As make serve-pg: no JIT compilation for the CRM's database
    with maintenance(args.pg_uri) as conn:
        conn.execute(f'ALTER DATABASE "{name}" SET jit = off')
    return name, json.loads(result.stdout.strip().splitlines()[-1])


def start_gunicorn(args, config, files, name, workers, log):
    port = free_port()
    env = env_for(args.pg_uri, files)
    env.update(TRYTOND_CONFIG=config, TRYTOND_DATABASE_NAMES=name,
        TRYTOND_LOGGING_LEVEL='40')
    process = subprocess.Popen([os.path.join(BIN, 'gunicorn'),
            'trytond.application:app', '--bind', f'127.0.0.1:{port}',
            '--workers', str(workers), '--preload', '--timeout', '300',
            '--graceful-timeout', '30', '--backlog', '2048'],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn did not start: see the log")
        try:
            urllib.request.urlopen(f'http://127.0.0.1:{port}/', timeout=2)
            return process, port
        except urllib.error.HTTPError:
            return process, port
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer")


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def table(rows):
    lines = ["| call type | calls/s | p50 ms | p95 ms | p99 ms | ok | "
        "refused | errors |", "|---|--:|--:|--:|--:|--:|--:|--:|"]
    for kind, rate, p50, p95, p99, ok, refused, errors in rows:
        lines.append(f"| {kind} | {rate:.1f} | {p50:.0f} | {p95:.0f} | "
            f"{p99:.0f} | {ok} | {refused} | {errors} |")
    return '\n'.join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--customers', type=int, default=5000)
    parser.add_argument('--users', type=int, default=40,
        help="user accounts in the database")
    parser.add_argument('--sim-users', type=int, default=20,
        help="simulated users at the same time")
    parser.add_argument('--workers', default='1,2,4',
        help="gunicorn worker counts to run, comma separated")
    parser.add_argument('--duration', type=float, default=60,
        help="seconds measured per worker count")
    parser.add_argument('--warmup', type=float, default=10)
    parser.add_argument('--think', type=float, default=1.0,
        help="mean seconds between two calls of a simulated user "
        "(0: as fast as the server answers)")
    parser.add_argument('--pg-uri', default=os.environ.get('XTOOLS_PG_URI')
        or 'postgresql://postgres@127.0.0.1:5432/')
    parser.add_argument('--source', default='xtools_load_demo',
        help="the demo database copied (kept, built if absent)")
    parser.add_argument('--database',
        help="the grown database (default xtools_load_CUSTOMERS_USERS)")
    parser.add_argument('--rebuild', action='store_true')
    parser.add_argument('--drop', action='store_true',
        help="drop the grown database at the end")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix='xtools-load-')
    files = os.path.join(workdir, 'files')
    os.makedirs(files)
    config = write_config(os.path.join(workdir, 'trytond.conf'),
        args.pg_uri, files)
    name, world = ensure_scaled(args, config, files)
    world['today'] = driver.today()
    accounts = {role: [login for login, _ in users]
        for role, users in world['roles'].items()}
    say(f"Database {name}: users by role "
        + ', '.join(f'{r} {len(u)}' for r, u in accounts.items())
        + f"; {len(world['deals'])} approved deals")
    results = []
    log_path = os.path.join(workdir, 'gunicorn.log')
    try:
        for workers in [int(w) for w in args.workers.split(',')]:
            with open(log_path, 'ab') as log:
                process, port = start_gunicorn(
                    args, config, files, name, workers, log)
            try:
                say(f"{workers} worker(s): warm-up {args.warmup:.0f} s …")
                driver.run(port, name, accounts, PASSWORD, world,
                    args.sim_users, args.warmup, args.think, seed=7)
                say(f"{workers} worker(s): {args.sim_users} users for "
                    f"{args.duration:.0f} s …")
                stats, seconds, requests = driver.run(port, name, accounts,
                    PASSWORD, world, args.sim_users, args.duration,
                    args.think)
            finally:
                stop(process)
            rows, rps = driver.report(stats, seconds, requests)
            results.append((workers, rows, rps, stats))
    finally:
        if args.drop:
            with maintenance(args.pg_uri) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" '
                    'WITH (FORCE)')

    print(f"\n# Load: {args.customers} customers, {args.users} users, "
        f"{args.sim_users} simulated users, think {args.think} s, "
        f"{args.duration:.0f} s per run, {os.cpu_count()} CPU(s)\n")
    for workers, rows, rps, stats in results:
        print(f"## {workers} gunicorn worker(s): {rps:.1f} JSON-RPC "
            "requests/s\n")
        print(table(rows))
        for kind, samples in stats.samples.items():
            for sample in samples:
                print(f"\n- error in {kind}: {sample}")
        print()
    print("| workers | calls/s | requests/s | p95 ms (all) | errors |")
    print("|--:|--:|--:|--:|--:|")
    for workers, rows, rps, _ in results:
        total = rows[-1]
        print(f"| {workers} | {total[1]:.1f} | {rps:.1f} | {total[3]:.0f} "
            f"| {total[7]} |")
    print(f"\nLog: {log_path}")


if __name__ == '__main__':
    main()
