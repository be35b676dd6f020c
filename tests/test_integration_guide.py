"""docs/integration.md, the integrators' guide, is run as written.

Its ```python blocks are executed in order, in one namespace, against a
real server on a private copy of the demo database, with URL, DATABASE and
ADMIN_PASSWORD set first; what each block prints must match the ```text
block that follows it ("..." stands for any text within a line), and a
block without one must print nothing.

Then the integration user the guide's first example creates (网站接口,
销售一部, staff, sales role and pool users) is checked over RPC: it sees and
changes its own customers and no other team's, and a refusal does not name
the customer it refuses; the finance integration user reads every customer
and changes none; their records carry their own names.

The names the guide calls (models, methods, wizards, crm_ fields, XML ids)
must be listed in the public interface of docs/features.md.
"""
import datetime as dt
import json
import re
import subprocess
import sys

import pytest

from support.env import ADMIN, ROOT
from support.rpc import RPCAccessError

GUIDE = ROOT / 'docs' / 'integration.md'
FEATURES = ROOT / 'docs' / 'features.md'
FENCE = re.compile(r'^```(\w*)[ \t]*\n(.*?)^```[ \t]*$', re.M | re.S)
# Tryton's methods of every model and wizard (Tryton's interface)
TRYTON_METHODS = {
    'create', 'read', 'write', 'delete', 'search', 'search_read',
    'search_count', 'fields_get', 'copy', 'default_get',
    }
WIZARD_METHODS = {'create', 'execute', 'delete'}
HOTEL = '杭州西湖国际酒店'          # 吴俊杰's customer, 销售二部
MINGZHU = '上海明珠广告有限公司'    # 张浩's customer, 销售一部
CUSTOMERS = [('crm_customer_type', '!=', None)]


# ---------------------------------------------------------------------------
# The guide's blocks
# ---------------------------------------------------------------------------

class Block:
    "A python block of the guide and the output it must print"

    def __init__(self, line, code, expected):
        self.line, self.code, self.expected = line, code, expected

    def matches(self, output):
        "Whether output is the expected text ('...': any text in a line)"
        expected = _lines(self.expected or '')
        actual = _lines(output)
        if len(expected) != len(actual):
            return False
        return all(
            re.fullmatch('.*?'.join(map(re.escape, e.split('...'))), a)
            for e, a in zip(expected, actual))


def _lines(text):
    return [line.rstrip() for line in text.strip('\n').splitlines()]


def guide_blocks():
    "The python blocks of the guide, each with the text block after it"
    text = GUIDE.read_text(encoding='utf-8')
    fences = list(FENCE.finditer(text))
    blocks = []
    for index, fence in enumerate(fences):
        if fence.group(1) != 'python':
            continue
        expected = None
        following = fences[index + 1] if index + 1 < len(fences) else None
        if (following and following.group(1) == 'text'
                and not text[fence.end():following.start()].strip()):
            expected = following.group(2)
        line = text.count('\n', 0, fence.start()) + 1
        blocks.append(Block(line, fence.group(2), expected))
    return blocks


def guide_code():
    return '\n'.join(block.code for block in guide_blocks())


@pytest.fixture(scope='module')
def guide_server(demo_database, start_server, tmp_path_factory):
    "A server of its own: the guide creates users and switches the pool on"
    copy = demo_database.copy_to(tmp_path_factory.mktemp('integration'))
    server = start_server(copy, 'integration-guide')
    yield server
    server.stop()


# The guide's examples run in a Python of their own, as an integrator's
# program does: trytond, which the tests import, changes xmlrpc.client
# (it reads dates and writes Decimals), and an example relying on that
# would fail for the integrator.
RUNNER = r"""
import contextlib, io, json, sys, traceback
blocks, variables = json.load(sys.stdin)
namespace = dict(variables, __name__='integration_guide')
results = []
for name, code in blocks:
    output, error = io.StringIO(), None
    try:
        with contextlib.redirect_stdout(output):
            exec(compile(code, name, 'exec'), namespace)
    except Exception:
        error = traceback.format_exc()
    results.append([output.getvalue(), error])
    if error:
        break
exported = {k: v for k, v in namespace.items() if not k.startswith('_')
    and type(v) in (int, str)}
json.dump([results, exported], sys.__stdout__)
"""


@pytest.fixture(scope='module')
def guide_run(guide_server):
    """Run the guide's blocks in order: (the int and str variables they
    define, [(block, output, error)]); it stops at the first block that
    raises"""
    blocks = guide_blocks()
    variables = {
        'URL': guide_server.url,
        'DATABASE': guide_server.database,
        'ADMIN_PASSWORD': ADMIN[1],
        }
    process = subprocess.run([sys.executable, '-I', '-c', RUNNER],
        input=json.dumps([
                [[f'{GUIDE.name}:{b.line}', b.code] for b in blocks],
                variables]),
        capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert process.returncode == 0, process.stderr
    results, namespace = json.loads(process.stdout)
    return namespace, [(block, output, error)
        for block, (output, error) in zip(blocks, results)]


def test_guide_examples_print_what_the_guide_says(guide_run):
    _, results = guide_run
    for block, output, error in results:
        where = f'docs/integration.md, the block at line {block.line}'
        assert error is None, f'{where} failed:\n{output}\n{error}'
        assert block.matches(output), (
            f'{where} printed:\n{output}\ninstead of:\n'
            f'{block.expected or "(nothing)"}')
    assert len(results) == len(guide_blocks()) >= 10


def test_expected_outputs_are_compared():
    "The comparison of outputs is not a formality"
    block = Block(1, '', 'code: ...\n周明 13912345678\n')
    assert block.matches('code: 57\n周明 13912345678\n')
    assert not block.matches('code: 57\n周明 13912345679\n')
    assert not block.matches('code: 57\n')
    assert not Block(1, '', None).matches('something\n')
    assert Block(1, '', None).matches('')


# ---------------------------------------------------------------------------
# The integration users over RPC
# ---------------------------------------------------------------------------

@pytest.fixture(scope='module')
def integration(guide_run, guide_server):
    "RPCClients of the guide's website and finance integration users"
    namespace, results = guide_run
    if any(error for _, _, error in results):
        pytest.fail('the guide did not run through', pytrace=False)
    website = guide_server.rpc_as(
        namespace['WEBSITE_LOGIN'], namespace['WEBSITE_PASSWORD'])
    finance = guide_server.rpc_as(
        namespace['FINANCE_LOGIN'], namespace['FINANCE_PASSWORD'])
    return namespace, website, finance, guide_server.admin()


def test_integration_user_sees_its_own_customers_only(integration):
    """The website user (staff) sees the customers it owns and, as a pool
    user, the public pool: exactly what its groups and level allow"""
    namespace, website, _, admin = integration
    own = set(admin.search('party.party', CUSTOMERS + [
                ('crm_owner', '=', website.user_id)]))
    public = set(admin.search('party.party', CUSTOMERS + [
                ('crm_library', '=', 'public')]))
    assert namespace['customer_id'] in own
    assert namespace['kept_id'] in public - own
    assert set(website.search('party.party', CUSTOMERS)) == own | public
    assert admin.search_count('party.party', CUSTOMERS) > len(own | public)


def test_integration_user_cannot_read_another_teams_customer(integration):
    """Another team's customer is out of the website user's reach for
    reading, changing and recording work on it, and the refusals name it
    by id only"""
    _, website, _, admin = integration
    hotel_id, = admin.search('party.party', [('name', '=', HOTEL)])
    hotel, = admin.read('party.party', [hotel_id], ['crm_owner.name'])
    owner = hotel['crm_owner.']['name']
    assert website.search('party.party', [('name', '=', HOTEL)]) == []
    refusals = []
    for call in [
            lambda: website.read('party.party', [hotel_id], ['name']),
            lambda: website.write(
                'party.party', [hotel_id], {'crm_city': '杭州'}),
            lambda: website.create('crm.activity', [{
                        'customer': hotel_id, 'subject': '回访',
                        'date': dt.date.today()}]),
            ]:
        with pytest.raises(RPCAccessError) as info:
            call()
        refusals.append(info.value)
    for refusal in refusals:
        text = f'{refusal.message} {refusal.description}'
        assert HOTEL not in text and owner not in text, text
    assert str(hotel_id) in refusals[0].message
    city, = admin.read('party.party', [hotel_id], ['crm_city'])
    assert city['crm_city'] != '杭州'


def test_integration_user_changes_its_own_customer(integration):
    namespace, website, _, admin = integration
    customer_id = namespace['customer_id']
    website.write('party.party', [customer_id], {'crm_city': '上海市'})
    customer, = admin.read('party.party', [customer_id], ['crm_city'])
    assert customer['crm_city'] == '上海市'


def test_finance_integration_reads_every_customer_and_changes_none(
        integration):
    namespace, _, finance, admin = integration
    assert set(finance.search('party.party', CUSTOMERS)) == set(
        admin.search('party.party', CUSTOMERS))
    mingzhu, = finance.search('party.party', [('name', '=', MINGZHU)])
    with pytest.raises(RPCAccessError):
        finance.write('party.party', [mingzhu], {'crm_city': '北京'})
    with pytest.raises(RPCAccessError):
        finance.write('party.party', [namespace['customer_id']],
            {'crm_city': '北京'})


def test_integration_records_carry_their_names(integration):
    """What the integrations did is theirs in the records and logs: the
    customer, its activity, the receipt, the pool moves"""
    namespace, website, finance, admin = integration
    customer, = admin.read('party.party', [namespace['customer_id']],
        ['create_uid', 'crm_owner'])
    assert customer['create_uid'] == customer['crm_owner'] == (
        website.user_id)
    activity, = admin.read('crm.activity', [namespace['activity_id']],
        ['create_uid', 'author'])
    assert activity['create_uid'] == activity['author'] == website.user_id
    receipt, = admin.read('crm.deal.receipt', [namespace['receipt_id']],
        ['create_uid'])
    assert receipt['create_uid'] == finance.user_id
    authors = {e['author'] for e in admin.search_read('crm.pool.log', [
                ('customer', 'in',
                    [namespace['kept_id'], namespace['pooled_id']]),
                ], ['author'])}
    assert authors == {website.user_id}


# ---------------------------------------------------------------------------
# The names the guide uses are the public interface
# ---------------------------------------------------------------------------

def public_interface():
    "The text of the public interface section of docs/features.md"
    text = FEATURES.read_text(encoding='utf-8')
    return text[text.index('\n## Public interface'):]


def guide_calls(code):
    """{(kind, name, method)} the code calls: kind 'model' or 'wizard',
    from proxy attribute paths (api.model.party.party.read(…)) and
    method names in strings ('model.party.party.read',
    'wizard.crm.customer.import')"""
    calls = set()
    for kind, path in re.findall(
            r'\.(model|wizard)\.((?:[a-z_]+\.)+[a-z_]+)(?![\w.])', code):
        name, method = path.rsplit('.', 1)
        calls.add((kind, name, method))
    for kind, path in re.findall(r"'(model|wizard)\.([a-z_.]+)'", code):
        if kind == 'model':
            name, method = path.rsplit('.', 1)
        else:
            name, method = path, None
        calls.add((kind, name, method))
    return calls


def test_guide_calls_are_parsed():
    code = ("api.model.party.party.crm_pool_claim([1], context)\n"
        "rpc('model.res.user.warning.skip', name, False, context)\n"
        "getattr(api, 'wizard.crm.customer.import')\n"
        "admin.model.ir.model.data.get_id('m', 'x', context)\n")
    assert guide_calls(code) == {
        ('model', 'party.party', 'crm_pool_claim'),
        ('model', 'res.user.warning', 'skip'),
        ('wizard', 'crm.customer.import', None),
        ('model', 'ir.model.data', 'get_id'),
        }


def _listed(section, name):
    return re.search(r'`%s\b' % re.escape(name), section) is not None


def test_guide_uses_only_the_public_interface():
    """Every model, wizard, method, crm_ field and XML id the guide uses is
    listed in docs/features.md's public interface"""
    section = public_interface()
    code = guide_code()
    calls = guide_calls(code)
    assert len(calls) > 20
    missing = set()
    for kind, name, method in calls:
        if not _listed(section, name):
            missing.add(f'{kind} {name}')
        standard = WIZARD_METHODS if kind == 'wizard' else TRYTON_METHODS
        if method and method not in standard and not _listed(
                section, method):
            missing.add(f'method {name}.{method}')
    for field in set(re.findall(r"\b(crm_\w+)", code)):
        if not _listed(section, field):
            missing.add(f'field {field}')
    for module, xml_id in set(re.findall(
                r"get_id\(\s*'(\w+)',\s*'(\w+)'", code)):
        if not _listed(section, f'{module}.{xml_id}'):
            missing.add(f'XML id {module}.{xml_id}')
    assert not missing, (
        'docs/integration.md uses names that the public interface of '
        f'docs/features.md does not list: {sorted(missing)}')
