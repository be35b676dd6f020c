"""Simulated users of XToolsCRM over JSON-RPC, as the web client calls the
server, for a bounded time; latency per call type.

A small thread driver rather than locust: locust (and its gevent) is not a
dependency of the project, a closed loop of at most a few hundred users
needs nothing more than threads with keep-alive HTTP connections, and the
calls go through the same JSON-RPC conventions as the tests (sessions,
context, Tryton's error lists), which locust would make us write anyway.
On a 2-core machine the driver shares the CPU with the server: it stays
cheap (no parsing beyond JSON).

Each simulated user logs in, reads its preferences (its context and its
landing workbench), then loops: picks a call type by its role's weights,
runs it, records the time and the outcome, waits a think time (random,
±50 % around --think seconds). Outcomes: ok; refused (a UserError the
user is meant to see — e.g. a pool customer someone else claimed a moment
before); error (anything else: internal errors, HTTP failures). Composite
call types (open a customer = its form fields and its activities; the
workbench = preferences and its blocks) are timed as the user waits for
all of their requests.
"""
import base64
import datetime
import http.client
import json
import random
import threading
import time
from collections import defaultdict

# call type -> weight, per role
MIX = {
    'staff': {'list_my_customers': 30, 'open_customer': 30,
        'log_activity': 15, 'claim_from_pool': 10, 'open_workbench': 15},
    'manager': {'list_my_customers': 35, 'open_customer': 35,
        'log_activity': 10, 'open_workbench': 20},
    'keeper': {'open_workbench': 100},
    'finance': {'record_receipt': 30, 'list_my_customers': 30,
        'open_customer': 20, 'open_workbench': 20},
    'service': {'list_my_customers': 30, 'open_customer': 40,
        'log_activity': 10, 'open_workbench': 20},
    }
# Share of the simulated users per role
ROLE_SHARE = {'staff': .55, 'manager': .15, 'keeper': .10, 'finance': .10,
    'service': .10}
FORM_FIELDS = ['name', 'code', 'crm_customer_type', 'crm_owner',
    'crm_library', 'crm_status', 'crm_source', 'crm_industry',
    'crm_region', 'crm_hot', 'addresses', 'contact_mechanisms', 'active',
    'create_date', 'write_date']
LIST_FIELDS = ['name', 'code', 'crm_owner', 'crm_customer_type',
    'crm_library', 'write_date']


class RPCError(Exception):
    def __init__(self, error):
        super().__init__(error)
        self.error = error

    @property
    def refused(self):
        return (isinstance(self.error, list) and self.error
            and self.error[0] in {'UserError', 'AccessError', 'UserWarning'})


class Session:
    "A logged-in user on one keep-alive HTTP connection"

    def __init__(self, port, database, login, password):
        self.port = port
        self.path = f'/{database}/rpc/'
        self.connection = http.client.HTTPConnection(
            '127.0.0.1', port, timeout=300)
        self.requests = 0
        user_id, key = self.post('common.db.login',
            [login, {'password': password}, 'en'])[:2]
        self.user_id = user_id
        self.authorization = 'Session ' + base64.b64encode(
            f'{login}:{user_id}:{key}'.encode()).decode()
        self.context = self.post('model.res.user.get_preferences',
            [True, {}])

    def post(self, method, params):
        body = json.dumps({'id': 1, 'method': method, 'params': params})
        headers = {'Content-Type': 'application/json'}
        if getattr(self, 'authorization', None):
            headers['Authorization'] = self.authorization
        for attempt in range(2):
            try:
                self.connection.request('POST', self.path, body, headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError,
                    ConnectionResetError):
                # A keep-alive connection the server closed: once more
                self.connection.close()
                if attempt:
                    raise
        self.requests += 1
        if response.status != 200:
            raise RPCError(['HTTP', response.status, data[:200]])
        answer = json.loads(data)
        if answer.get('error') is not None:
            raise RPCError(answer['error'])
        return answer['result']

    def call(self, model, method, *args):
        return self.post(f'model.{model}.{method}',
            [*args, self.context])


class SimulatedUser:
    def __init__(self, role, session, world, rng):
        self.role = role
        self.session = session
        self.world = world
        self.rng = rng
        self.customers = []

    # The call types
    def list_my_customers(self):
        "The customer list as it opens: the first page, by name"
        domain = [('crm_customer_type', '!=', None)]
        if self.role in {'staff', 'manager'}:
            domain.append(('crm_owner', '!=', None))
        rows = self.session.call('party.party', 'search_read', domain,
            0, 60, [['name', 'ASC']], LIST_FIELDS)
        if rows:
            self.customers = [r['id'] for r in rows]
        return rows

    def _a_customer(self):
        if not self.customers:
            self.list_my_customers()
        return self.rng.choice(self.customers) if self.customers else None

    def open_customer(self):
        "The customer's form and its activity timeline"
        customer = self._a_customer()
        if customer is None:
            return
        self.session.call('party.party', 'read', [customer], FORM_FIELDS)
        self.session.call('crm.activity', 'search_read',
            [('customer', '=', customer)], 0, 20, [['date', 'DESC']],
            ['subject', 'date', 'author'])

    def log_activity(self):
        customer = self._a_customer()
        if customer is None:
            return
        self.session.call('crm.activity', 'create', [{
                    'customer': customer,
                    'subject': "电话回访",
                    'date': {'__class__': 'date',
                        'year': self.world['today'].year,
                        'month': self.world['today'].month,
                        'day': self.world['today'].day},
                    'description': "客户对报价有兴趣，下周再联系。"}])

    def claim_from_pool(self):
        "A customer of the public pool: the first page, one of them taken"
        public = self.session.call('party.party', 'search',
            [('crm_library', '=', 'public')], self.rng.randrange(0, 200),
            20, None)
        if public:
            self.session.call('party.party', 'crm_pool_claim',
                [self.rng.choice(public)])

    def record_receipt(self):
        "A receipt of a small amount on an approved deal still owed"
        deal = self.rng.choice(self.world['deals'])
        self.session.call('crm.deal.receipt', 'create', [{
                    'deal': deal['id'], 'owner': deal['owner'],
                    'customer': deal['customer'],
                    'amount': {'__class__': 'Decimal', 'decimal': '0.01'},
                    'method': 'transfer'}])

    def open_workbench(self):
        "The landing page: preferences, then each block's first rows"
        self.session.post('model.res.user.get_preferences', [False, {}])
        for model in self.world['blocks'].get(self.role, []):
            self.session.call(model, 'search_read', [], 0, 10, None,
                ['rec_name'])


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.times = defaultdict(list)
        self.outcomes = defaultdict(lambda: defaultdict(int))
        self.samples = defaultdict(list)

    def record(self, kind, seconds, outcome, detail=None):
        with self.lock:
            self.times[kind].append(seconds)
            self.outcomes[kind][outcome] += 1
            if outcome == 'error' and len(self.samples[kind]) < 3:
                self.samples[kind].append(str(detail)[:300])


def percentile(values, q):
    values = sorted(values)
    if not values:
        return float('nan')
    k = (len(values) - 1) * q
    low = int(k)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (k - low)


def run(port, database, accounts, password, world, n_users, duration,
        think, seed=19):
    """accounts: {role: [login, ...]}; returns (stats, seconds, requests)"""
    rng = random.Random(seed)
    plan = []
    for role, share in ROLE_SHARE.items():
        plan += [role] * max(1, round(n_users * share))
    plan = plan[:n_users] if len(plan) >= n_users else (
        plan + ['staff'] * (n_users - len(plan)))
    used = defaultdict(int)
    people = []
    for role in plan:
        logins = accounts[role]
        people.append((role, logins[used[role] % len(logins)]))
        used[role] += 1
    stats = Stats()
    sessions = []
    start_barrier = threading.Barrier(len(people) + 1)
    deadline = [None]

    def life(i, role, login):
        own = random.Random(seed * 1000 + i)
        try:
            session = Session(port, database, login, password)
        except Exception as error:
            stats.record('login', 0, 'error', error)
            start_barrier.wait()
            return
        sessions.append(session)
        user = SimulatedUser(role, session, world, own)
        kinds, weights = zip(*MIX[role].items())
        start_barrier.wait()
        # Not all at the same instant
        time.sleep(own.random() * max(think, .2))
        while time.monotonic() < deadline[0]:
            kind = own.choices(kinds, weights)[0]
            began = time.perf_counter()
            try:
                getattr(user, kind)()
                outcome, detail = 'ok', None
            except RPCError as error:
                outcome = 'refused' if error.refused else 'error'
                detail = error.error
            except Exception as error:
                outcome, detail = 'error', repr(error)
            stats.record(kind, time.perf_counter() - began, outcome, detail)
            if think:
                time.sleep(think * (.5 + own.random()))

    threads = [threading.Thread(target=life, args=(i, role, login),
            daemon=True) for i, (role, login) in enumerate(people)]
    for thread in threads:
        thread.start()
    start_barrier.wait()
    requests_before = sum(s.requests for s in sessions)
    began = time.monotonic()
    deadline[0] = began + duration
    for thread in threads:
        thread.join(duration + 600)
    seconds = time.monotonic() - began
    requests = sum(s.requests for s in sessions) - requests_before
    return stats, seconds, requests


def report(stats, seconds, requests):
    "Rows: call type, calls/s, p50, p95, p99 (ms), ok, refused, errors"
    rows = []
    every = []
    for kind in sorted(stats.times):
        times = stats.times[kind]
        every += times
        outcomes = stats.outcomes[kind]
        rows.append([kind, len(times) / seconds,
            percentile(times, .5) * 1000, percentile(times, .95) * 1000,
            percentile(times, .99) * 1000, outcomes['ok'],
            outcomes['refused'], outcomes['error']])
    rows.append(['all', len(every) / seconds,
            percentile(every, .5) * 1000, percentile(every, .95) * 1000,
            percentile(every, .99) * 1000,
            sum(r[5] for r in rows), sum(r[6] for r in rows),
            sum(r[7] for r in rows)])
    return rows, requests / seconds


def today():
    return datetime.date.today()
