"""The fixtures of the cross-module tests (and only them; what they are made
of is in tests/support/, see its __init__):

    demo_database      the SQLite demo database, built once by
                       scripts/demo_db.py (cached under $DB_CACHE); a private
                       copy, so tests may write to it
    fresh_database     a function-scoped copy of the demo database for a test
                       that changes it deeply (module activation …)
    start_server       factory: start another trytond on a database copy
    server             the real server on the demo database, for the session
    admin, boss        RPCClients logged in as admin and as wangtianhong
    clients            factory, per test module: clients(login) is the
                       RPCClient of a demo user (demo password), made once
    demo_data          demo/demo_data.py: the names and logins to expect
    chromium           factory: a page in a headless Chromium with a fresh
                       user data dir (playwright, Debian's /usr/bin/chromium)

A test talks to the server as a user through `server.rpc_as(login,
password)` or `clients(login)`; errors come back as support.rpc's RPCError
subclasses so a test can tell an access refusal from a business error:

    from support.rpc import RPCAccessError

    boss = server.rpc_as('wangtianhong', 'feida2026')
    boss.search_read('party.party', [], ['name'])
    with pytest.raises(RPCAccessError):
        clients('zhanghao').call('crm.department', 'create', [{'name': 'X'}])

Environment: XTOOLS_ARTIFACTS (server logs, screenshots), DB_CACHE (where the
built demo database is kept between runs), XTOOLS_SAO_ROOT (the sao folder,
default var/sao as made by scripts/setup.sh). The servers and the demo build
run with a generated copy of trytond.conf (support.server.write_config).
"""
import contextlib
import importlib.util
import os

import pytest

from support.browser import CHROMIUM, new_page, save_failure_screenshots
from support.demo_db import demo_database_copy
from support.env import ADMIN, BOSS, ROOT, artifacts_dir, sao_root
from support.server import TrytonServer


# ---------------------------------------------------------------------------
# The demo database and its server
# ---------------------------------------------------------------------------

@pytest.fixture(scope='session')
def demo_database(tmp_path_factory):
    """The demo database (scripts/demo_db.py), a private copy for the
    session. Built once and kept under $DB_CACHE, named after the hash of
    the sources; without DB_CACHE it is built for every session."""
    return demo_database_copy(
        tmp_path_factory.mktemp('demo-db'),
        lambda: tmp_path_factory.mktemp('demo-build'),
        artifacts_dir() / 'demo_db.log')


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


@pytest.fixture(scope='module')
def clients(server, demo_data):
    """Factory: clients(login) is an RPCClient of the demo user `login`
    (password demo_data.DEMO_PASSWORD), logged in once per test module"""
    made = {}

    def client(login):
        if login not in made:
            made[login] = server.rpc_as(login, demo_data.DEMO_PASSWORD)
        return made[login]
    return client


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

    def open_page(locale='zh-CN'):
        context, page = new_page(playwright_instance,
            tmp_path / f'chromium-profile-{len(contexts)}', locale)
        contexts.append(context)
        pages.append(page)
        return page

    yield open_page
    report = getattr(request.node, 'report_call', None)
    if report is not None and report.failed:
        save_failure_screenshots(pages, request.node.name)
    for context in contexts:
        with contextlib.suppress(Exception):
            context.close()
