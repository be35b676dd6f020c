"""A throwaway PostgreSQL database served by its own `trytond`, for tests of
requests that meet at the same moment (tests/test_pool_concurrency.py):
each request in its own HTTP connection and server thread, as in
production, where SQLite would serialise them.

    server = Server('xtools_pool_conc_1234', workdir)
    server.write_config(); server.create(); server.start()
    admin = Client(server, 'admin', ADMIN_PASSWORD)
    outcomes = at_once([lambda: a.call(...), lambda: b.call(...)])
    server.stop(); server.drop()

Client is deliberately small (no preferences read twice, no error
classes): its RPCError keeps Tryton's error as sent (`error`), with the
`kind` and the user-facing `message`. XTOOLS_PG_URI names the PostgreSQL
server (default postgresql://postgres@127.0.0.1:5432/); tests skip when
pg_available() is false.
"""
import base64
import contextlib
import json
import os
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from .env import BIN, ROOT

PG_URI = (os.environ.get('XTOOLS_PG_URI')
    or 'postgresql://postgres@127.0.0.1:5432/')
ADMIN_PASSWORD = 'Pool-Admin-2026!'
START_TIMEOUT = 120


def maintenance():
    "An autocommit connection to the server's `postgres` database"
    import psycopg
    from psycopg.conninfo import make_conninfo
    return psycopg.connect(
        make_conninfo(PG_URI, dbname='postgres'), autocommit=True,
        connect_timeout=5)


def pg_available():
    try:
        with maintenance() as conn:
            conn.execute('SELECT 1')
        return True
    except Exception:
        return False


class RPCError(Exception):
    "An error answered by the server"

    def __init__(self, error):
        super().__init__(error)
        self.error = error

    @property
    def kind(self):
        return self.error[0] if isinstance(self.error, list) else None

    @property
    def message(self):
        "The user-facing message of a Tryton UserError/AccessError"
        if (isinstance(self.error, list) and len(self.error) > 1
                and isinstance(self.error[1], list) and self.error[1]):
            return self.error[1][0]
        return str(self.error)


def post(url, method, params, authorization=None):
    body = json.dumps({'id': 1, 'method': method, 'params': params})
    request = urllib.request.Request(
        url, data=body.encode('utf-8'), method='POST',
        headers={'Content-Type': 'application/json'})
    if authorization:
        request.add_header('Authorization', authorization)
    with urllib.request.urlopen(request, timeout=120) as response:
        answer = json.loads(response.read().decode('utf-8'))
    if answer.get('error') is not None:
        raise RPCError(answer['error'])
    return answer.get('result')


class Client:
    "A user logged in with a session, like the web client"

    def __init__(self, server, login, password):
        self.server = server
        user_id, session = post(server.rpc_url, 'common.db.login',
            [login, {'password': password}, 'en'])[:2]
        token = base64.b64encode(
            f'{login}:{user_id}:{session}'.encode('utf-8')).decode('ascii')
        self.authorization = 'Session ' + token
        self.user_id = user_id
        self.context = self.call_raw(
            'model.res.user.get_preferences', True, {})

    def call_raw(self, method, *params):
        return post(self.server.rpc_url, method, list(params),
            self.authorization)

    def call(self, model, method, *args):
        return self.call_raw(f'model.{model}.{method}', *args, self.context)


class Server:
    """`trytond -d NAME` on PostgreSQL database NAME, files and log in
    `workdir`; create() makes the database with xtools_crm_pool (a test of
    another module overrides it)"""

    def __init__(self, name, workdir):
        self.name = name
        self.workdir = Path(workdir)
        self.port = None
        self.process = None
        self.config = self.workdir / 'trytond.conf'
        self.log = self.workdir / 'server.log'

    @property
    def rpc_url(self):
        return f'http://127.0.0.1:{self.port}/{self.name}/rpc/'

    def env(self):
        env = {k: v for k, v in os.environ.items()
            if not k.startswith('TRYTOND_')}
        env['PYTHONUNBUFFERED'] = '1'
        return env

    def write_config(self, extra=''):
        """extra: more configuration (e.g. '[queue]\\nworker = True\\n')"""
        with socket.socket() as sock:
            sock.bind(('127.0.0.1', 0))
            self.port = sock.getsockname()[1]
        # The cache settings of a PostgreSQL deployment (scripts/serve_pg.sh,
        # see trytond.conf): a change made through one process reaches the
        # others through the notification channel, by their next request
        # (xtools_crm_base/cache.py)
        self.config.write_text(
            '[database]\n'
            f'uri = {PG_URI}\n'
            f'path = {self.workdir}\n'
            'language = en\n'
            '[web]\n'
            f'listen = 127.0.0.1:{self.port}\n'
            '[cache]\n'
            'clean_timeout = 0\n'
            'class = xtools_crm_base.cache.ProcessCache\n' + extra)

    def admin(self, *args):
        passfile = self.workdir / 'admin.pass'
        passfile.write_text(ADMIN_PASSWORD)
        result = subprocess.run(
            [str(BIN / 'trytond-admin'), '-c', str(self.config),
                '-d', self.name, *args],
            env=dict(self.env(), TRYTONPASSFILE=str(passfile)),
            capture_output=True, text=True, cwd=ROOT)
        assert result.returncode == 0, result.stdout + result.stderr

    def create(self):
        with maintenance() as conn:
            conn.execute(f'CREATE DATABASE "{self.name}" '
                "TEMPLATE template0 ENCODING 'UTF8'")
        # zh_CN loaded from the start (the base module completes Tryton's
        # own zh_CN): a Chinese user's refusals are checked in Chinese
        self.admin('--all', '--email', 'admin@example.com', '-l', 'zh_CN')
        self.admin('-u', 'xtools_crm_pool', '--activate-dependencies',
            '-l', 'zh_CN')

    def start(self):
        with open(self.log, 'ab') as log:
            self.process = subprocess.Popen(
                [str(BIN / 'trytond'), '-c', str(self.config),
                    '-d', self.name],
                env=self.env(), cwd=ROOT, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                post(self.rpc_url, 'common.server.version', [])
                return
            except urllib.error.HTTPError:
                # It answers (a database call wants a login): it is up
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.3)
        raise RuntimeError(
            "trytond did not start:\n" + self.log.read_text()[-3000:])

    def spawn(self, tool, *args, log=None):
        """Start `tool` (e.g. 'trytond-cron', 'trytond-worker') on this
        server's configuration and database; its output appended to log
        (default: the server's). Returns the Popen."""
        with open(log or self.log, 'ab') as out:
            return subprocess.Popen(
                [str(BIN / tool), '-c', str(self.config), '-d', self.name,
                    *args],
                env=self.env(), cwd=ROOT, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def drop(self):
        with maintenance() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def save_log(self, file_name):
        "Keep the server's log in $XTOOLS_ARTIFACTS as file_name"
        if os.environ.get('XTOOLS_ARTIFACTS') and self.log.exists():
            target = Path(os.environ['XTOOLS_ARTIFACTS'])
            target.mkdir(parents=True, exist_ok=True)
            (target / file_name).write_bytes(self.log.read_bytes())


@contextlib.contextmanager
def served(server_class, name, label):
    """A server of server_class on a new database `name`, started, in a
    work directory of its own; stopped, its database dropped and its log
    kept as <label>_server.log afterwards"""
    workdir = tempfile.mkdtemp(prefix=f'xtools-{label}-')
    server = server_class(name, workdir)
    server.write_config()
    try:
        server.create()
        server.start()
        yield server
    finally:
        server.stop()
        server.drop()
        server.save_log(f'{label}_server.log')


def at_once(calls):
    """Run the calls (functions without argument) in parallel threads that
    start together; [(result, error)] in the calls' order"""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        try:
            outcomes[i] = (call(), None)
        except RPCError as error:
            outcomes[i] = (None, error)
    threads = [threading.Thread(target=run, args=(i, c))
        for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)
    return outcomes

