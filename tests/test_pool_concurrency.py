"""Parallel claims on PostgreSQL through the real server (SPEC P7).

A throwaway PostgreSQL database with xtools_crm_pool, a real `trytond`
server on a free loopback port, and pool users who claim at the same moment
over JSON-RPC, each request in its own HTTP connection and server thread:

- two users claim the same customer at once: exactly one owns it, the other
  is told who took it;
- one user fires more parallel claims than their cap allows: the cap holds
  exactly, the others are told why;
- several users claim the same customers at once: every success is the
  customer's owner, nobody exceeds the cap, every refusal is a clear
  message.

The server is the one place the claims meet, as in production; on
PostgreSQL a concurrent claim fails with a serialization error that
trytond replays in a new transaction (see xtools_crm_pool/tools.py).

XTOOLS_PG_URI names the PostgreSQL server (default
postgresql://postgres@127.0.0.1:5432/); the test is skipped when none
answers. The database is created and dropped here.
"""
import base64
import collections
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_URI = os.environ.get('XTOOLS_PG_URI') or 'postgresql://postgres@127.0.0.1:5432/'
ADMIN_PASSWORD = 'Pool-Admin-2026!'
PASSWORD = 'Claim-Race-2026!'
START_TIMEOUT = 120


def _maintenance():
    import psycopg
    from psycopg.conninfo import make_conninfo
    return psycopg.connect(
        make_conninfo(PG_URI, dbname='postgres'), autocommit=True,
        connect_timeout=5)


def _pg_available():
    try:
        with _maintenance() as conn:
            conn.execute('SELECT 1')
        return True
    except Exception:
        return False


pytestmark = pytest.mark.skipif(
    not _pg_available(), reason=f"no PostgreSQL answers at {PG_URI}")


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
        self.context = self.call_raw('model.res.user.get_preferences', True, {})

    def call_raw(self, method, *params):
        return post(self.server.rpc_url, method, list(params),
            self.authorization)

    def call(self, model, method, *args):
        return self.call_raw(f'model.{model}.{method}', *args, self.context)


class Server:
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

    def write_config(self):
        with socket.socket() as sock:
            sock.bind(('127.0.0.1', 0))
            self.port = sock.getsockname()[1]
        self.config.write_text(
            '[database]\n'
            f'uri = {PG_URI}\n'
            f'path = {self.workdir}\n'
            'language = en\n'
            '[web]\n'
            f'listen = 127.0.0.1:{self.port}\n')

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
        with _maintenance() as conn:
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

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def drop(self):
        with _maintenance() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture(scope='module')
def server():
    workdir = tempfile.mkdtemp(prefix='xtools-pool-concurrency-')
    server = Server(f'xtools_pool_conc_{os.getpid()}', workdir)
    server.write_config()
    try:
        server.create()
        server.start()
        yield server
    finally:
        server.stop()
        server.drop()
        if os.environ.get('XTOOLS_ARTIFACTS') and server.log.exists():
            target = Path(os.environ['XTOOLS_ARTIFACTS'])
            target.mkdir(parents=True, exist_ok=True)
            (target / 'pool_concurrency_server.log').write_bytes(
                server.log.read_bytes())


@pytest.fixture(scope='module')
def admin(server):
    return Client(server, 'admin', ADMIN_PASSWORD)


@pytest.fixture(scope='module')
def users(server, admin):
    "Six pool users, logged in; the pool switched on"
    logins = [f'racer{i}' for i in range(6)]
    # English: the database also has zh_CN (see test_claim_storm)
    english, = admin.call('ir.lang', 'search', [('code', '=', 'en')])
    ids = admin.call('res.user', 'create', [{
                'login': login, 'name': login.capitalize(),
                'password': PASSWORD, 'crm_level': 'staff',
                'language': english,
                } for login in logins])
    admin.call('crm.configuration', 'write', [1], {
            'pool_enabled': True,
            'pool_users': [['add', ids]],
            'pool_daily_claim_cap': None,
            'pool_claimed_cap': 100,
            })
    return {login: (user_id, Client(server, login, PASSWORD))
        for login, user_id in zip(logins, ids)}


def public_customers(admin, prefix, count):
    "New customers in the public pool (recorded without a grade)"
    ids = admin.call('party.party', 'create', [{
                'name': f'{prefix} {i}', 'crm_customer_type': 'enterprise',
                'crm_owner': admin.user_id,
                } for i in range(count)])
    for values in admin.call(
            'party.party', 'read', ids, ['crm_library', 'crm_owner']):
        assert (values['crm_library'], values['crm_owner']) == ('public', None)
    return ids


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


def set_claimed_cap(admin, user_ids, cap):
    admin.call('res.user', 'write', user_ids, {'crm_pool_claimed_cap': cap})


def test_two_users_claim_the_same_customer(admin, users):
    "Exactly one owner; the other is told who took it"
    (id_a, client_a), (id_b, client_b) = users['racer0'], users['racer1']
    names = {id_a: 'Racer0', id_b: 'Racer1'}
    for round_, customer in enumerate(
            public_customers(admin, "Contested", 12)):
        outcomes = at_once([
                lambda c=client_a: c.call(
                    'party.party', 'crm_pool_claim', [customer]),
                lambda c=client_b: c.call(
                    'party.party', 'crm_pool_claim', [customer]),
                ])
        winners = [i for i, (_, error) in enumerate(outcomes) if not error]
        assert len(winners) == 1, (round_, outcomes)
        loser_error = outcomes[1 - winners[0]][1]
        owner, = admin.call('party.party', 'read', [customer],
            ['crm_owner', 'crm_library'])
        winner_id = [id_a, id_b][winners[0]]
        assert (owner['crm_owner'], owner['crm_library']) == (
            winner_id, 'claimed')
        message = loser_error.message
        assert loser_error.kind == 'UserError', loser_error.error
        assert names[winner_id] in message, message
        assert message.startswith(
            'Customer "Contested %s" is no longer in the public pool: %s '
            'took it on ' % (round_, names[winner_id])), message
    logs = admin.call('crm.pool.log', 'search_count',
        [('operation', '=', 'claim'), ('customer_name', 'like', 'Contested%')])
    assert logs == 12


def test_parallel_claims_never_exceed_the_cap(admin, users):
    "One user, eight claims at once, a cap of three: exactly three"
    user_id, client = users['racer2']
    set_claimed_cap(admin, [user_id], 3)
    customers = public_customers(admin, "Capped", 8)
    outcomes = at_once([
            lambda c=customer: client.call(
                'party.party', 'crm_pool_claim', [c])
            for customer in customers])
    successes = [o for o in outcomes if not o[1]]
    refusals = [o[1] for o in outcomes if o[1]]
    assert len(successes) == 3, outcomes
    for error in refusals:
        assert error.kind == 'UserError', error.error
        assert error.message == (
            "Racer2 would hold 4 customers claimed or assigned from the "
            "pool, more than the cap of 3: release some first (or meet "
            "their goal)."), error.message
    owned = admin.call('party.party', 'search_count', [
            ('crm_owner', '=', user_id), ('crm_library', '=', 'claimed')])
    assert owned == 3


def test_claim_storm(admin, users):
    "Four users claim the same six customers at once, cap two each"
    racers = ['racer3', 'racer4', 'racer5', 'racer0']
    ids = [users[r][0] for r in racers]
    set_claimed_cap(admin, ids, 2)
    # racer0 already holds twelve customers (first test): lift them first
    admin.call('res.user', 'write', [users['racer0'][0]],
        {'crm_pool_claimed_cap': 14})
    # racer5 reads the CRM in Chinese: so do its refusals
    zh_cn, = admin.call('ir.lang', 'search', [('code', '=', 'zh_CN')])
    admin.call('res.user', 'write', [users['racer5'][0]], {'language': zh_cn})
    chinese = users['racer5'][1]
    chinese.context = chinese.call_raw(
        'model.res.user.get_preferences', True, {})
    assert chinese.context['language'] == 'zh_CN'
    customers = public_customers(admin, "Storm", 6)
    calls, who = [], []
    for racer in racers:
        for customer in customers:
            client = users[racer][1]
            calls.append(lambda c=client, x=customer: c.call(
                    'party.party', 'crm_pool_claim', [x]))
            who.append((users[racer][0], customer))
    outcomes = at_once(calls)
    won = collections.defaultdict(list)
    refused = collections.Counter()
    for (user_id, customer), (_, error) in zip(who, outcomes):
        if error is None:
            won[customer].append(user_id)
        else:
            assert error.kind == 'UserError', error.error
            texts = ['is no longer in the public pool', 'more than the cap of']
            if user_id == users['racer5'][0]:
                texts = ['已不在公海中', '超过上限']
            assert any(text in error.message for text in texts), (
                error.message)
            refused[user_id] += 1
    owners = {v['id']: v['crm_owner'] for v in admin.call(
            'party.party', 'read', customers, ['crm_owner'])}
    for customer in customers:
        # One success per claimed customer, and it is the owner
        assert len(won[customer]) <= 1, won
        if won[customer]:
            assert owners[customer] == won[customer][0]
        else:
            assert owners[customer] is None
    per_user = collections.Counter(
        w for winners in won.values() for w in winners)
    for racer in racers[:3]:
        assert per_user[users[racer][0]] <= 2, per_user
    assert sum(per_user.values()) == 6, (per_user, outcomes)
    # Six customers, four racers: most claims are refused, in words
    assert sum(refused.values()) == len(calls) - 6
    assert refused[users['racer5'][0]] >= 4
