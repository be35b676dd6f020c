"""Bad input never breaks, blocks or poisons (SPEC B12, quality bars),
through the real server, with generated input (hypothesis):

- hostile values (control characters, direction overrides, invisible or
  huge text, formulas, NaN and Infinity, out-of-range numbers, values of
  the wrong type, unknown field names) for create() and write() of every
  model the product adds, as a sales staff member;
- hostile workbooks (formula text, dates, logical values, merged cells,
  long text, damaged bytes) through the import wizard.

The answer is a success or a clean refusal (UserError, ValidationError,
AccessError: RPCUserError here), never an internal error (RPCServerError),
and a refusal changes nothing. Examples found failing are kept in
tests/hostile_corpus/*.json and replayed first. The run is bounded
(XTOOLS_HOSTILE_EXAMPLES examples per model and method, default 6;
deterministic unless XTOOLS_HOSTILE_RANDOM=1).

The tests run on a server of their own, on a copy of the demo database:
what they create and change stays out of the other tests' way.
"""
import datetime as dt
import io
import json
import math
import os
import re
import uuid
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support.rpc import (
    RPCAccessError, RPCError, RPCServerError, RPCUserError, json_dumps,
    json_loads)

PASSWORD = 'feida2026'
STAFF = 'zhanghao'          # 销售一部 staff
CORPUS = Path(__file__).parent / 'hostile_corpus'
EXAMPLES = int(os.environ.get('XTOOLS_HOSTILE_EXAMPLES', 6))
SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, database=None,
    derandomize=not os.environ.get('XTOOLS_HOSTILE_RANDOM'),
    suppress_health_check=list(HealthCheck))
# Models of ours that are not data a client creates or changes
SKIPPED = set()

HOSTILE_TEXT = [
    "a\x07b", "\x00", "名\x00字", "\x1b[31m红", "tab\there", "line\nbreak",
    "\r", "\x85", "\u200b", "\u200b\u200c\ufeff", "abc\u202egnp.exe",
    "\u2066x\u2069", "\ud800", "\ufffe", '=HYPERLINK("http://x/?"&A1,"x")',
    "+1", "-1", "@SUM(A1)", "x" * 5000, "", " ", "正常的名字",
    ]
HOSTILE_NUMBERS = [
    math.nan, math.inf, -math.inf, 2**31, -2**31 - 1, 2**63, 10**20,
    1e308, -1.5, 0.5, Decimal('NaN'), Decimal('Infinity'), Decimal('-1'),
    Decimal('1e400'), "12", "abc", [1], {'a': 1}, True,
    ]
HOSTILE_IDS = [-1, 0, 2**31, 2**40, 10**30, "abc", "1", 1.5, [1], {}, True]
HOSTILE_DATES = [
    "garbage", "2024-13-45", "", 5, 1.5, [2024, 1, 1],
    dt.datetime(2024, 1, 1, 8, 30), dt.date(1, 1, 1), dt.date(9999, 12, 31),
    ]
HOSTILE_X2M = [
    "x", 5, [1], [('create', 5)], [('create', [5])], [('add', ["a"])],
    [('write', [1])], [('bogus', [1])], [[]], [('delete', [2**40])],
    [('remove', [-1])], [('copy', ["x"])],
    ]


def hostile_text():
    return st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(
            alphabet=st.characters(codec='utf-8',
                categories=['Cc', 'Cf', 'Zs', 'Lo', 'Mn', 'Sm', 'Nd']),
            max_size=40))


def hostile_value(definition):
    "A strategy of hostile values for a field of fields_get"
    kind = definition['type']
    if kind in {'char', 'text'}:
        return st.one_of(hostile_text(), st.sampled_from([5, [1], {}]))
    if kind in {'integer', 'biginteger', 'float', 'numeric'}:
        return st.one_of(st.sampled_from(HOSTILE_NUMBERS),
            st.integers(min_value=-2**70, max_value=2**70),
            st.floats(allow_nan=True, allow_infinity=True))
    if kind in {'many2one', 'reference'}:
        return st.one_of(st.sampled_from(HOSTILE_IDS), st.integers())
    if kind in {'one2many', 'many2many'}:
        return st.sampled_from(HOSTILE_X2M)
    if kind in {'date', 'datetime', 'timestamp', 'time'}:
        return st.sampled_from(HOSTILE_DATES)
    if kind in {'selection', 'multiselection'}:
        return st.one_of(hostile_text(), st.sampled_from([5, None, [1]]))
    if kind == 'binary':
        return st.sampled_from([b'\x00' * 10, "text", 5, [1]])
    return st.one_of(hostile_text(), st.sampled_from(HOSTILE_NUMBERS))


@pytest.fixture(scope='module')
def own_server(demo_database, start_server, tmp_path_factory):
    "A server on a copy of the demo database, for these tests only"
    database = demo_database.copy_to(tmp_path_factory.mktemp('hostile-db'))
    return start_server(database, 'hostile')


@pytest.fixture(scope='module')
def staff(own_server):
    return own_server.rpc_as(STAFF, PASSWORD)


@pytest.fixture(scope='module')
def admin_client(own_server):
    return own_server.admin()


def report_models():
    """The models that are SQL queries (reports, 报表): computed from other
    records, never stored, so nothing can be created or written in them
    (Tryton refuses before anything is looked at)"""
    names = set()
    for path in (Path(__file__).parent.parent / 'addons').rglob('*.py'):
        text = path.read_text(encoding='utf-8')
        for block in re.split(r'\nclass ', text):
            name = re.search(r"__name__ = '([\w.]+)'", block)
            if name and 'def table_query' in block:
                names.add(name.group(1))
    return names


def our_models(admin):
    "The models the product adds that a client can create or change"
    models = admin.search_read('ir.model',
        [('module', 'like', 'xtools_crm_%')], ['name'],
        order=[('name', 'ASC')])
    result = []
    reports = report_models()
    for model in (m['name'] for m in models):
        if (model in SKIPPED or model in reports
                or model.startswith('crm.reporting.')):
            continue
        try:
            admin.call(model, 'search_count', [])
        except RPCError:
            # A form of a wizard, not stored data
            continue
        result.append(model)
    return result


@pytest.fixture(scope='module')
def models(admin_client):
    return our_models(admin_client)


def writable_fields(client, model):
    definitions = client.call(model, 'fields_get', None)
    return {name: d for name, d in definitions.items()
        if not d.get('readonly') and name not in {
            'id', 'create_uid', 'create_date', 'write_uid', 'write_date',
            'rec_name'}
        and d['type'] not in {'function'}}


def call(client, model, method, *args):
    "The outcome of a call: 'ok' or the refusal; an internal error fails"
    try:
        return 'ok', client.call(model, method, *args)
    except RPCServerError as error:
        pytest.fail(f"internal error on {model}.{method}{args!r}:\n"
            f"{error.message}\n{error.description}")
    except RPCUserError as error:
        return 'refused', error


def state(admin, model, ids=None):
    """What a refusal must leave as it was: the number of records, and the
    values of ids"""
    context = {'active_test': False}
    count = admin.call(model, 'search_count', [], context=context)
    values = None
    if ids:
        # (a singleton without its record reads create_date as now)
        names = [n for n, d in admin.call(model, 'fields_get', None).items()
            if d['type'] not in {'one2many', 'many2many', 'binary'}
            and n not in {'create_date', 'write_date'}]
        values = admin.read(model, ids, names, context=context)
    return count, values


def check_create(staff, admin, model, values):
    before = state(admin, model)
    outcome, result = call(staff, model, 'create', [values])
    if outcome == 'ok':
        # Created: a clean value. Leave the demo data as it was.
        try:
            admin.delete(model, result)
        except RPCError:
            pass
    else:
        assert state(admin, model) == before, (model, values, result)


def check_write(staff, admin, model, record_id, values):
    # Some records are private even to the administrator (the notepad):
    # their owner, who found the record, reads what must stay as it was
    reader = admin
    try:
        before = state(admin, model, [record_id])
    except RPCAccessError:
        reader = staff
        before = state(staff, model, [record_id])
    outcome, result = call(staff, model, 'write', [record_id], values)
    if outcome == 'refused':
        assert state(reader, model, [record_id]) == before, (
            model, values, result)


def a_record(staff, model):
    "A record of model the staff member sees, or None"
    try:
        ids = staff.search(model, [], 0, 1)
    except RPCError:
        return None
    return ids[0] if ids else None


# ---------------------------------------------------------------------------
# The corpus of examples found failing
# ---------------------------------------------------------------------------

def corpus():
    "(file name, case) of every kept example"
    cases = []
    for path in sorted(CORPUS.glob('*.json')):
        for index, case in enumerate(json_loads(path.read_text('utf-8'))):
            cases.append(pytest.param(case, id=f'{path.stem}-{index}'))
    return cases


@pytest.mark.parametrize('case', corpus())
def test_corpus(case, staff, admin_client):
    "Every example once found failing answers cleanly now"
    model, method = case['model'], case['method']
    if method == 'create':
        check_create(staff, admin_client, model, case['values'])
    else:
        record_id = a_record(staff, model)
        if record_id is None:
            pytest.skip(f"no {model} record for {STAFF}")
        check_write(staff, admin_client, model, record_id, case['values'])


def keep(model, method, values, name='found'):
    """Add an example to the corpus (used while exploring with
    XTOOLS_HOSTILE_RANDOM=1 and XTOOLS_HOSTILE_KEEP=1)"""
    path = CORPUS / f'{name}.json'
    cases = json_loads(path.read_text('utf-8')) if path.exists() else []
    cases.append({'model': model, 'method': method, 'values': values})
    path.write_text(json.dumps(json.loads(json_dumps(cases)), indent=1,
            ensure_ascii=False) + '\n', 'utf-8')


# ---------------------------------------------------------------------------
# Hostile values for every model we add
# ---------------------------------------------------------------------------

def test_every_model_answers_hostile_values_cleanly(
        staff, admin_client, models):
    "create() and write() of each model: success or a clean refusal"
    assert len(models) > 20, models
    for model in models:
        fields = writable_fields(staff, model)
        if not fields:
            continue
        names = sorted(fields)
        record_id = a_record(staff, model)
        values_strategy = st.lists(
            st.sampled_from(names + ['no_such_field']),
            min_size=1, max_size=3, unique=True).flatmap(
            lambda keys, fields=fields: st.fixed_dictionaries({
                    k: hostile_value(fields.get(k, {'type': 'char'}))
                    for k in keys}))

        @SETTINGS
        @given(values=values_strategy)
        def create(values):
            try:
                check_create(staff, admin_client, model, values)
            except BaseException:
                if os.environ.get('XTOOLS_HOSTILE_KEEP'):
                    keep(model, 'create', values)
                raise

        @SETTINGS
        @given(values=values_strategy)
        def write(values):
            try:
                check_write(staff, admin_client, model, record_id, values)
            except BaseException:
                if os.environ.get('XTOOLS_HOSTILE_KEEP'):
                    keep(model, 'write', values)
                raise

        create()
        if record_id is not None:
            write()


# ---------------------------------------------------------------------------
# Hostile workbooks
# ---------------------------------------------------------------------------

HOSTILE_CELLS = [
    '=HYPERLINK("http://x/?"&A1,"x")', "+86 138", "-", "@x", "\u202ex",
    "line\nbreak", "tab\tx", "\x85", "\u200b", "x" * 2000,
    dt.datetime(2024, 1, 15), dt.date(2024, 1, 15), dt.time(8, 30), True,
    False, 1.5, 13800138000, -1, None, "正常", "个人客户", "CN-ZJ",
    ]
HEADERS = ["客户名称*", "客户类型", "省份", "联系人", "手机", "电子邮箱",
    "未知列", None]


@st.composite
def hostile_workbooks(draw):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = draw(st.sampled_from(["客户", "客户", "Customers", "表1"]))
    if draw(st.booleans()):
        sheet.append(["客户资料表"])
        sheet.merge_cells('A1:D1')
    headers = draw(st.lists(st.sampled_from(HEADERS), min_size=1,
            max_size=6))
    if "客户名称*" not in headers and draw(st.booleans()):
        headers.insert(0, "客户名称*")
    sheet.append(headers)
    tag = uuid.uuid4().hex[:6]
    rows = draw(st.lists(st.lists(st.one_of(
                    st.sampled_from(HOSTILE_CELLS),
                    st.text(max_size=8).map(lambda t: f"{t}{tag}")),
                min_size=1, max_size=len(headers) + 1),
            min_size=0, max_size=6))
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, str):
                # As typed: openpyxl refuses C0 controls, Excel too
                value = ''.join(c for c in value
                    if c in '\t\n\r' or ord(c) >= 32)
            cells.append(value)
        sheet.append(cells)
    if draw(st.booleans()) and sheet.max_row > 2:
        sheet.merge_cells(start_row=sheet.max_row - 1, start_column=1,
            end_row=sheet.max_row, end_column=1)
    output = io.BytesIO()
    workbook.save(output)
    data = output.getvalue()
    damage = draw(st.sampled_from(['none', 'none', 'truncate', 'flip']))
    if damage == 'truncate':
        data = data[:draw(st.integers(0, len(data)))]
    elif damage == 'flip':
        position = draw(st.integers(0, len(data) - 1))
        data = data[:position] + bytes([data[position] ^ 0xff]) + data[
            position + 1:]
    return data


def import_file(client, data):
    try:
        _, result = client.run_wizard('crm.customer.import', [
                ('start', None),
                ('import_', {'start': {'file': data, 'file_name': 'h.xlsx'}}),
                ])
    except RPCServerError as error:
        pytest.fail(f"internal error importing:\n{error.message}\n"
            f"{error.description}")
    except RPCUserError as error:
        return 'refused', error
    view = result['view']
    return view['state'], {**view['defaults'], **view.get('values', {})}


def formula_cells(data):
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return [c.coordinate for ws in workbook for row in ws.iter_rows()
        for c in row if c.data_type == 'f']


@settings(max_examples=EXAMPLES * 5, deadline=None, database=None,
    derandomize=not os.environ.get('XTOOLS_HOSTILE_RANDOM'),
    suppress_health_check=list(HealthCheck))
@given(data=hostile_workbooks())
def test_hostile_workbooks_import_cleanly(data, staff, admin_client):
    "Imported whole, or refused with every error placed and nothing made"
    before = state(admin_client, 'party.party')
    outcome, values = import_file(staff, data)
    assert outcome in {'done', 'failed', 'refused'}, outcome
    if outcome == 'failed':
        assert state(admin_client, 'party.party') == before
        assert values['errors'] or values['error_count']
        assert formula_cells(values['error_file']) == []
    elif outcome == 'done':
        assert values['customers'] >= 1
