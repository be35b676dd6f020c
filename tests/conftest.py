"""Session fixtures for the cross-module tests: the demo database, the real
trytond server serving sao, RPC clients logged in as a given user, and a
headless Chromium.

    demo_database      the SQLite demo database, built once by
                       scripts/demo_db.py (cached under $DB_CACHE); a private
                       copy, so tests may write to it
    fresh_database     a function-scoped copy of the demo database for a test
                       that changes it deeply (module activation …)
    start_server       factory: start another trytond on a database copy
    server             the real server on the demo database, for the session
    admin, boss        RPCClients logged in as admin and as wangtianhong
    demo_data          demo/demo_data.py: the names and logins to expect
    chromium           factory: a page in a headless Chromium with a fresh
                       user data dir (playwright, Debian's /usr/bin/chromium)

A test talks to the server as a user through `server.rpc_as(login,
password)`; errors come back as RPCError subclasses so a test can tell an
access refusal from a business error:

    boss = server.rpc_as('wangtianhong', 'feida2026')
    boss.search_read('party.party', [], ['name'])
    with pytest.raises(RPCAccessError):
        staff.call('crm.department', 'create', [{'name': 'X'}])

Environment: XTOOLS_ARTIFACTS (server logs, screenshots), DB_CACHE (where the
built demo database is kept between runs), XTOOLS_SAO_ROOT (the sao folder,
default var/sao as made by scripts/setup.sh). The servers and the demo build
run with a generated copy of trytond.conf (see write_config).
"""
import base64
import configparser
import contextlib
import fcntl
import functools
import hashlib
import importlib.util
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import xmlrpc.client
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CONFIG = ROOT / 'trytond.conf'
DEMO_NAME = 'xtools_demo'
DEMO_CACHE_PREFIX = 'xtools-e2e-demo-'
DEMO_BUILD_TIMEOUT = 1800
SERVER_START_TIMEOUT = 120
ADMIN = ('admin', os.environ.get('XTOOLS_ADMIN_PASSWORD', 'admin2026'))
BOSS = ('wangtianhong', 'feida2026')
CHROMIUM = '/usr/bin/chromium'
CHROMIUM_ARGS = [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update',
    '--disable-sync',
    ]


def artifacts_dir():
    path = Path(os.environ.get('XTOOLS_ARTIFACTS') or ROOT / 'test-artifacts')
    path.mkdir(parents=True, exist_ok=True)
    return path


def sao_root():
    return Path(os.environ.get('XTOOLS_SAO_ROOT') or ROOT / 'var' / 'sao')


def _tail(path, lines=60):
    try:
        with open(path, encoding='utf-8', errors='replace') as fp:
            return ''.join(fp.readlines()[-lines:])
    except OSError:
        return ''


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------

class RPCError(Exception):
    "An error answered by the server; `kind` is Tryton's exception name"

    def __init__(self, kind, message, description='', data=None):
        super().__init__(kind, message, description)
        self.kind = kind
        self.message = message
        self.description = description
        self.data = data

    def __str__(self):
        text = f'{self.kind}: {self.message}'
        if self.description:
            text += f' - {self.description}'
        return text


class RPCUserError(RPCError):
    "trytond UserError and its subclasses (validation, business rules)"


class RPCAccessError(RPCUserError):
    """A refusal by access rights, record rules, button/wizard/report access
    (ir.model.access, ir.rule, ir.model.button …). Tryton sends these as a
    plain UserError: they are recognised by the text of ir's messages, in
    English and zh_CN."""


class RPCUserWarning(RPCError):
    "trytond UserWarning: `name` is the warning key to skip it"

    @property
    def name(self):
        return self.data[0] if self.data else None


class RPCLoginError(RPCError):
    "Login refused (wrong password, HTTP 401/403) or LoginException"


class RPCConcurrencyError(RPCError):
    pass


class RPCServerError(RPCError):
    "Any other exception: `description` holds the server traceback"


@functools.cache
def _access_error_patterns():
    """Regular expressions matching ir's access-refusal messages, built from
    the installed trytond's message.xml and zh_CN.po."""
    import trytond
    ir = Path(trytond.__file__).parent / 'ir'
    ids = [
        'msg_access_rule_error', 'msg_access_rule_field_error',
        'msg_read_rule_error', 'msg_write_rule_error',
        'msg_create_rule_error', 'msg_delete_rule_error',
        'msg_access_button_error', 'msg_access_wizard_error',
        'msg_access_wizard_model_error', 'msg_access_report_error',
        ]
    from lxml import etree
    texts = {}
    tree = etree.parse(str(ir / 'message.xml'))
    for record in tree.iterfind('.//record'):
        if record.get('id') in ids:
            texts[record.get('id')] = [record.findtext('field')]
    for lang_file in (ir / 'locale').glob('zh_CN.po'):
        for ctxt, msgstr in _po_entries(lang_file):
            name = ctxt.rsplit(':', 1)[-1]
            if ctxt.startswith('model:ir.message,text:') and name in ids \
                    and msgstr:
                texts[name].append(msgstr)
    patterns = []
    for variants in texts.values():
        for text in variants:
            # Only the first line: the rest lists the rules
            first = text.strip().splitlines()[0]
            parts = re.split(r'%\(\w+\)s', first)
            patterns.append(re.compile(
                '.*?'.join(re.escape(p) for p in parts), re.S))
    return patterns


def _po_entries(path):
    "(msgctxt, msgstr) pairs of a .po file"
    entries, current, key = [], {}, None
    for line in Path(path).read_text(encoding='utf-8').splitlines():
        line = line.strip()
        if not line or line.startswith('#'):
            if current:
                entries.append(current)
                current, key = {}, None
            continue
        match = re.match(r'^(msgctxt|msgid|msgstr)\s+(".*")$', line)
        if match:
            key = match.group(1)
            current[key] = json.loads(match.group(2))
        elif line.startswith('"') and key:
            current[key] += json.loads(line)
    if current:
        entries.append(current)
    return [(e.get('msgctxt', ''), e.get('msgstr', '')) for e in entries]


def is_access_refusal(message):
    return any(p.search(message or '') for p in _access_error_patterns())


def error_from_tryton(error):
    "The RPCError for the `error` member of a JSON-RPC answer"
    if isinstance(error, (list, tuple)) and len(error) == 2 \
            and isinstance(error[0], str):
        kind, args = error
        if kind == 'UserError':
            message, description = args[0], args[1] if len(args) > 1 else ''
            cls = (RPCAccessError if is_access_refusal(message)
                else RPCUserError)
            return cls(kind, message, description, args)
        if kind == 'UserWarning':
            name, message, description = args
            return RPCUserWarning(kind, message, description, args)
        if kind == 'LoginException':
            name, message, type_ = args
            return RPCLoginError(kind, message, '', args)
        if kind == 'ConcurrencyException':
            return RPCConcurrencyError(kind, args, '', args)
        # An unexpected exception: (str(exception), traceback)
        return RPCServerError('ServerError', kind, args, error)
    return RPCServerError('ServerError', str(error), '', error)


# ---------------------------------------------------------------------------
# Clients
# ---------------------------------------------------------------------------

def _json_dumps(data):
    from trytond.protocols.jsonrpc import JSONEncoder
    return json.dumps(data, cls=JSONEncoder, separators=(',', ':'))


def _json_loads(text):
    from trytond.protocols.jsonrpc import JSONDecoder
    return json.loads(text, object_hook=JSONDecoder())


def basic_auth(login, password):
    token = base64.b64encode(f'{login}:{password}'.encode('utf-8'))
    return 'Basic ' + token.decode('ascii')


def session_auth(login, user_id, session):
    token = base64.b64encode(f'{login}:{user_id}:{session}'.encode('utf-8'))
    return 'Session ' + token.decode('ascii')


def post_jsonrpc(url, method, params, authorization=None, timeout=300):
    """Call `method` at `url`; return the result or raise an RPCError
    (RPCLoginError for an HTTP 401/403)."""
    body = _json_dumps({'id': 1, 'method': method, 'params': list(params)})
    request = urllib.request.Request(
        url, data=body.encode('utf-8'), method='POST',
        headers={'Content-Type': 'application/json'})
    if authorization:
        request.add_header('Authorization', authorization)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer = _json_loads(response.read().decode('utf-8'))
    except urllib.error.HTTPError as e:
        text = e.read().decode('utf-8', errors='replace')
        if e.code in {401, 403}:
            raise RPCLoginError(f'HTTP {e.code}', e.reason, text) from None
        raise RPCServerError(f'HTTP {e.code}', e.reason, text) from None
    if answer.get('error') is not None:
        raise error_from_tryton(answer['error'])
    return answer.get('result')


class SessionTransport(xmlrpc.client.Transport):
    "xmlrpc.client transport sending Tryton's Session authorization"

    def __init__(self, authorization):
        super().__init__()
        self._authorization = authorization

    def send_headers(self, connection, headers):
        connection.putheader('Authorization', self._authorization)
        super().send_headers(connection, headers)


class RPCClient:
    """A user logged in over JSON-RPC with a session, like sao: the context
    of the user's preferences goes with every call."""

    def __init__(self, server, login, password, language='en'):
        self.server = server
        self.login = login
        self.user_id, self.session = server.login(login, password, language)
        self.authorization = session_auth(login, self.user_id, self.session)
        self.preferences = self.raw(
            'model.res.user.get_preferences', False, {})
        self.context = self.raw('model.res.user.get_preferences', True, {})

    def __repr__(self):
        return f'<RPCClient {self.login}@{self.server.database}>'

    def raw(self, method, *params):
        "A call by Tryton method name ('model.party.party.read'), as is"
        return post_jsonrpc(
            self.server.rpc_url, method, params, self.authorization)

    def _context(self, context):
        return {**self.context, **(context or {})}

    def call(self, model, method, *args, context=None):
        "model.MODEL.METHOD(*args, context) with the user's context"
        return self.raw(f'model.{model}.{method}', *args,
            self._context(context))

    def search(self, model, domain, offset=0, limit=None, order=None,
            context=None):
        return self.call(model, 'search', domain, offset, limit, order,
            context=context)

    def search_read(self, model, domain, fields_names, offset=0, limit=None,
            order=None, context=None):
        return self.call(model, 'search_read', domain, offset, limit, order,
            fields_names, context=context)

    def search_count(self, model, domain, context=None):
        return self.call(model, 'search_count', domain, context=context)

    def read(self, model, ids, fields_names, context=None):
        return self.call(model, 'read', ids, fields_names, context=context)

    def create(self, model, values, context=None):
        "Create from a list of dicts; return the ids"
        return self.call(model, 'create', values, context=context)

    def write(self, model, ids, values, context=None):
        return self.call(model, 'write', ids, values, context=context)

    def delete(self, model, ids, context=None):
        return self.call(model, 'delete', ids, context=context)

    def button(self, model, name, ids, context=None):
        "Press the button `name` on the records `ids`"
        return self.call(model, name, ids, context=context)

    def run_wizard(self, name, steps, model=None, ids=None, context=None):
        """Run wizard `name` as the client does: create it, execute each
        (state, data) of `steps` in turn (data: the values of the view
        shown before, {view state: {field: value}}), delete it. model and
        ids: the records it is launched on. Returns the execute results."""
        context = self._context(context)
        if model:
            ids = list(ids or [])
            context.update(active_model=model, active_ids=ids,
                active_id=ids[0] if ids else None)
        session_id, _, _ = self.raw(f'wizard.{name}.create', context)
        results = []
        try:
            for state, data in steps:
                results.append(self.raw(f'wizard.{name}.execute',
                        session_id, data or {}, state, context))
        finally:
            self.raw(f'wizard.{name}.delete', session_id, context)
        return results

    def model_data_id(self, module, fs_id):
        "The database id of the XML record module.fs_id (e.g. a group)"
        return self.call('ir.model.data', 'get_id', module, fs_id)

    def logout(self):
        with contextlib.suppress(RPCError):
            self.raw('common.db.logout')


class TrytonServer:
    "A running `trytond -d NAME` on a loopback port"

    def __init__(self, database, database_path, log_path, name='server'):
        self.database = database
        self.database_path = Path(database_path)
        self.log_path = Path(log_path)
        self.name = name
        self.process = None
        self.port = None

    # URLs
    @property
    def url(self):
        return f'http://127.0.0.1:{self.port}/'

    @property
    def rpc_url(self):
        return f'{self.url}{self.database}/rpc/'

    @property
    def database_file(self):
        return self.database_path / f'{self.database}.sqlite'

    def sql(self, query, *params):
        "Rows of a read-only SQL query on the database file (white-box checks)"
        uri = f'file:{self.database_file}?mode=ro'
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as conn:
            return conn.execute(query, params).fetchall()

    def start(self, timeout=SERVER_START_TIMEOUT):
        for attempt in range(3):
            self.port = free_port()
            config_file = write_config(
                self.log_path.with_suffix('.conf'), self.database_path,
                listen=f'127.0.0.1:{self.port}')
            env = dict(os.environ, PYTHONUNBUFFERED='1')
            with open(self.log_path, 'ab') as log:
                log.write(f'==== {self.name}: trytond -d {self.database} '
                    f'on port {self.port}\n'.encode())
                self.process = subprocess.Popen(
                    [str(BIN / 'trytond'), '-c', str(config_file),
                        '-d', self.database, '-v'],
                    cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                    start_new_session=True)
            if self._wait_ready(timeout):
                return self
            if self.process.poll() is None:
                self.stop()
                break
            if 'Address already in use' not in _tail(self.log_path, 20):
                break
        raise RuntimeError(
            f'trytond did not start ({self.log_path}):\n'
            + _tail(self.log_path))

    def _wait_ready(self, timeout):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.process.poll() is not None:
                return False
            try:
                # trytond -d loads the database's pool before it listens
                post_jsonrpc(f'{self.url}rpc/', 'common.server.version', [],
                    timeout=5)
            except (OSError, RPCError):
                time.sleep(0.3)
                continue
            return True
        return False

    def stop(self):
        if self.process and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)

    def restart(self):
        "Stop and start again (on a new port) with the same database"
        self.stop()
        return self.start()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # Protocols
    def login(self, login, password, language='en'):
        "common.db.login: (user id, session key); RPCLoginError if refused"
        result = post_jsonrpc(self.rpc_url, 'common.db.login',
            [login, {'password': password}, language])
        return result[0], result[1]

    def xmlrpc(self, login, password):
        "ServerProxy on /DB/rpc/ with Basic auth"
        quoted = ':'.join(urllib.parse.quote(x, safe='')
            for x in (login, password))
        return xmlrpc.client.ServerProxy(
            f'http://{quoted}@127.0.0.1:{self.port}/{self.database}/rpc/',
            allow_none=True)

    def xmlrpc_session(self, login, password):
        "ServerProxy on /DB/rpc/ authenticated by a session (login first)"
        user_id, session = self.login(login, password)
        return xmlrpc.client.ServerProxy(self.rpc_url, allow_none=True,
            transport=SessionTransport(
                session_auth(login, user_id, session)))

    def jsonrpc(self, login, password, method, *params):
        "One JSON-RPC call with Basic auth; params as Tryton expects them"
        return post_jsonrpc(self.rpc_url, method, params,
            basic_auth(login, password))

    def rpc_as(self, login, password, language='en'):
        "An RPCClient logged in as `login`"
        return RPCClient(self, login, password, language)

    def admin(self):
        return self.rpc_as(*ADMIN)


def write_config(config_file, database_path, listen='127.0.0.1:0'):
    """trytond.conf with the database and web settings of a test server.

    TRYTOND_<SECTION>__<KEY> variables cannot do it: trytond 8.0 applies
    them before reading the -c file, so trytond.conf's values win. A relative
    database path is not usable either: trytond opens `var/NAME.sqlite` as
    /var/NAME.sqlite."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(CONFIG, encoding='utf-8')
    for section in ('database', 'web'):
        if not parser.has_section(section):
            parser.add_section(section)
    parser.set('database', 'uri', 'sqlite://')
    parser.set('database', 'path', str(Path(database_path).resolve()))
    parser.set('web', 'listen', listen)
    parser.set('web', 'root', str(sao_root().resolve()))
    with open(config_file, 'w', encoding='utf-8') as fp:
        parser.write(fp)
    return config_file


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


# ---------------------------------------------------------------------------
# The demo database
# ---------------------------------------------------------------------------

class Database:
    "A SQLite database file NAME.sqlite in `path`"

    def __init__(self, name, path):
        self.name = name
        self.path = Path(path)

    @property
    def file(self):
        return self.path / f'{self.name}.sqlite'

    def copy_to(self, path, name=None):
        "A copy of this database in directory `path`"
        copy = Database(name or self.name, path)
        copy.path.mkdir(parents=True, exist_ok=True)
        copy_sqlite(self.file, copy.file)
        return copy


def copy_sqlite(source, target):
    """Copy a SQLite database with the backup API. trytond runs SQLite in
    WAL mode: committed data may still sit in NAME.sqlite-wal (a server
    that was killed leaves it there), and a stale -wal next to a new file
    would be replayed onto it. A plain file copy gets both wrong."""
    target = Path(target)
    for suffix in ('', '-wal', '-shm', '-journal'):
        with contextlib.suppress(FileNotFoundError):
            os.remove(f'{target}{suffix}')
    partial = target.with_name(target.name + f'.{os.getpid()}.partial')
    with contextlib.closing(sqlite3.connect(source)) as src, \
            contextlib.closing(sqlite3.connect(partial)) as dst:
        src.backup(dst)
        dst.execute('PRAGMA journal_mode=DELETE')
    os.replace(partial, target)


def build_demo_database(path, log_path):
    "Run scripts/demo_db.py into `path` (SQLite); return the Database"
    config_file = write_config(Path(path) / 'trytond-build.conf', path)
    env = dict(os.environ, PYTHONUNBUFFERED='1')
    started = time.monotonic()
    with open(log_path, 'wb') as log:
        process = subprocess.run(
            [sys.executable, str(ROOT / 'scripts' / 'demo_db.py'), DEMO_NAME,
                '--config', str(config_file)],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            timeout=DEMO_BUILD_TIMEOUT)
    database = Database(DEMO_NAME, path)
    if process.returncode or not database.file.exists():
        pytest.fail(
            f'scripts/demo_db.py failed (exit {process.returncode}, '
            f'log {log_path}):\n{_tail(log_path)}', pytrace=False)
    with open(log_path, 'a') as log:
        log.write(f'\nbuilt in {time.monotonic() - started:.0f} s\n')
    return database


@contextlib.contextmanager
def _locked(path):
    "An exclusive lock on file `path`, so parallel sessions build once"
    with open(path, 'w') as fp:
        fcntl.flock(fp, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fp, fcntl.LOCK_UN)


def sources_hash():
    """A hash of what the demo database is made from (as scripts/test.sh
    keys DB_CACHE), so a cached copy never outlives a change"""
    digest = hashlib.sha256()
    suffixes = {'.py', '.xml', '.cfg', '.po', '.txt', '.sh'}
    files = [ROOT / 'requirements.txt']
    for folder in ('addons', 'demo', 'scripts'):
        files += (p for p in (ROOT / folder).rglob('*')
            if p.suffix in suffixes and '__pycache__' not in p.parts)
    for path in sorted(f for f in files if f.is_file()):
        digest.update(str(path.relative_to(ROOT)).encode('utf-8'))
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@pytest.fixture(scope='session')
def demo_database(tmp_path_factory):
    """The demo database (scripts/demo_db.py), a private copy for the
    session. Built once and kept under $DB_CACHE, named after the hash of
    the sources; without DB_CACHE it is built for every session."""
    session_dir = tmp_path_factory.mktemp('demo-db')
    log_path = artifacts_dir() / 'demo_db.log'
    cache = os.environ.get('DB_CACHE')
    if not cache or cache.startswith('postgresql://'):
        return build_demo_database(session_dir, log_path)
    cache = Path(cache)
    cache.mkdir(parents=True, exist_ok=True)
    cached_file = cache / f'{DEMO_CACHE_PREFIX}{sources_hash()}.sqlite'
    with _locked(cache / f'{DEMO_CACHE_PREFIX}lock'):
        if not cached_file.exists():
            built = build_demo_database(
                tmp_path_factory.mktemp('demo-build'), log_path)
            for stale in cache.glob(f'{DEMO_CACHE_PREFIX}*.sqlite'):
                stale.unlink()
            copy_sqlite(built.file, cached_file)
        copy = Database(DEMO_NAME, session_dir)
        copy_sqlite(cached_file, copy.file)
    return copy


@pytest.fixture
def fresh_database(demo_database, tmp_path):
    "A copy of the demo database for one test to change at will"
    return demo_database.copy_to(tmp_path / 'db')


@pytest.fixture(scope='session')
def start_server():
    """Factory: start_server(database, name) starts trytond on `database`
    and stops it at the end of the session (or use it as a context
    manager). Logs go to $XTOOLS_ARTIFACTS/trytond-<name>.log."""
    servers = []

    def start(database, name='server'):
        log_path = artifacts_dir() / f'trytond-{name}.log'
        server = TrytonServer(
            database.name, database.path, log_path, name=name)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope='session')
def server(demo_database, start_server):
    "The real trytond on the demo database, serving sao, for the session"
    return start_server(demo_database, 'server')


@pytest.fixture(scope='session')
def demo_data():
    "demo/demo_data.py: what the demo database holds (names, logins …)"
    path = ROOT / 'demo' / 'demo_data.py'
    spec = importlib.util.spec_from_file_location('xtools_demo_data', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='session')
def admin(server):
    "RPCClient as admin"
    return server.rpc_as(*ADMIN)


@pytest.fixture(scope='session')
def boss(server):
    "RPCClient as the demo boss wangtianhong"
    return server.rpc_as(*BOSS)


# ---------------------------------------------------------------------------
# Browser
# ---------------------------------------------------------------------------

@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f'report_{report.when}', report)
    return report


@pytest.fixture(scope='session')
def playwright_instance():
    sync_api = pytest.importorskip('playwright.sync_api')
    if not os.path.exists(CHROMIUM):
        pytest.fail(f'{CHROMIUM} is missing: scripts/setup.sh --test '
            'installs Debian\'s chromium', pytrace=False)
    with sync_api.sync_playwright() as playwright:
        yield playwright


@pytest.fixture
def chromium(playwright_instance, tmp_path, request):
    """Factory: chromium() returns a new page in a headless Chromium with a
    fresh user data dir (one browser per call, closed after the test). On a
    failure each page's screenshot is saved to
    $XTOOLS_ARTIFACTS/<test>-failure-<n>.png."""
    if not (sao_root() / 'index.html').exists():
        pytest.fail(f'sao is not installed in {sao_root()}: run '
            'scripts/setup.sh', pytrace=False)
    contexts, pages = [], []

    def new_page(locale='zh-CN'):
        context = playwright_instance.chromium.launch_persistent_context(
            str(tmp_path / f'chromium-profile-{len(contexts)}'),
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            locale=locale, viewport={'width': 1400, 'height': 900})
        contexts.append(context)
        page = context.pages[0] if context.pages else context.new_page()
        page.set_default_timeout(30_000)
        pages.append(page)
        return page

    yield new_page
    report = getattr(request.node, 'report_call', None)
    if report is not None and report.failed:
        name = re.sub(r'\W+', '_', request.node.name)
        for n, page in enumerate(pages):
            with contextlib.suppress(Exception):
                page.screenshot(
                    path=str(artifacts_dir() / f'{name}-failure-{n}.png'),
                    full_page=True)
    for context in contexts:
        with contextlib.suppress(Exception):
            context.close()
