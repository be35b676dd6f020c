"""The demo's public pool switched on in one command (demo/demo_pool.py),
on the running server, as the README tells a first-time user: the pool
settings, the demo's maturity grades and each customer in the library of
its grade; the sales staff then find the public customers in 公海.

On its own copy of the demo database (the switch changes where
customers are kept)."""
import subprocess
import sys
import urllib.parse

import pytest

from support.env import ADMIN, ROOT

sys.path.insert(0, str(ROOT / 'demo'))
import demo_pool  # noqa: E402

STAFF = ('zhaoxue', 'feida2026')
PUBLIC_GRADES = {'G', 'H', 'I', 'J'}


@pytest.fixture
def pool_demo_server(fresh_database, start_server):
    return start_server(fresh_database, 'pool-demo')


def switch_on(server):
    "Run the command of the README against the server"
    login, password = (urllib.parse.quote(x, safe='') for x in ADMIN)
    url = (f'http://{login}:{password}@127.0.0.1:{server.port}/'
        f'{server.database}/rpc/')
    return subprocess.run(
        [sys.executable, str(ROOT / 'demo' / 'demo_pool.py'), '--url', url],
        cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_demo_pool_switched_on_in_one_command(pool_demo_server):
    server = pool_demo_server
    admin = server.admin()
    config, = admin.read('crm.configuration', [1], ['pool_enabled'])
    assert not config['pool_enabled'], "the demo keeps the pool off"

    result = switch_on(server)
    assert result.returncode == 0, result.stderr
    assert 'public: 6' in result.stdout, result.stdout

    config, = admin.read('crm.configuration', [1],
        ['pool_enabled', 'pool_users', 'pool_admins'])
    assert config['pool_enabled']
    staff_id, = admin.search('res.user', [('login', '=', STAFF[0])])
    assert staff_id in config['pool_users']

    public = {name for name, grade in demo_pool.POOL_GRADES.items()
        if grade in PUBLIC_GRADES}
    customers = admin.search_read('party.party',
        [('crm_customer_type', '!=', None)],
        ['name', 'crm_library', 'crm_owner', 'crm_maturity.code'])
    by_name = {c['name']: c for c in customers}
    for name in public:
        assert by_name[name]['crm_library'] == 'public', by_name[name]
        assert by_name[name]['crm_owner'] is None
    mingzhu = by_name["上海明珠广告有限公司"]
    assert (mingzhu['crm_library'], mingzhu['crm_maturity.']['code']) == (
        'private', 'A')
    assert mingzhu['crm_owner'] is not None
    assert by_name["上海申城律师事务所"]['crm_library'] == 'temporary'
    assert not [c for c in customers if c['crm_library'] == 'normal']

    # A salesperson (pool user) finds them in 公海 → 公海客户
    staff = server.rpc_as(*STAFF)
    seen = staff.search_read('party.party',
        [('crm_library', '=', 'public')], ['name'])
    assert {c['name'] for c in seen} == public
    # The 公海客户 list's own domain: a pool user reads the public pool
    # whole, so that search runs without the customer rule
    # (xtools_crm_pool/search_flags.py): still exactly the public customers
    listed = [('crm_customer_type', '!=', None),
        ('crm_library', '=', 'public'), ('crm_owner', '=', None)]
    seen = staff.search_read('party.party', listed, ['name'])
    assert {c['name'] for c in seen} == public
    assert staff.search_count('party.party', listed) == len(public)
    # … and the same list without the pool's right shows nothing of it
    stock = server.rpc_as('yangjianjun', 'feida2026')
    assert not stock.search('party.party', listed)

    # Run twice: refused, nothing changes
    again = switch_on(server)
    assert again.returncode == demo_pool.EXIT_REFUSED, again.stdout
    assert admin.search_count('party.party',
        [('crm_library', '=', 'public')]) == len(public)
