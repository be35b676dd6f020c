"""Every path obeys the data permissions (SPEC B3, B11, P3–P5).

Beyond the ordinary create/read/write/delete, a user reaches the data
through buttons, wizards and other RPC methods, each of which Tryton checks
less than a write (see xtools_crm_base/access.py). This suite takes every
such path of the models the xtools modules define or extend, enumerated
from the running server, and calls it over JSON-RPC as users who may only
read the record and as one who cannot see it, plainly and with a hostile
context; every table's changes are logged (support/changes.py). The expectation
table is tests/access_cases/ (one file per module); a path without an entry
fails test_every_path_has_an_entry.

The organisation of the run is new, made over RPC: two departments, a
customer owner, two colleagues of another department with the same groups
(one the customer is shared with, one who cannot see it), a read-write
share, finance and customer service — none of the demo's users.
"""
import re

import pytest

import access_cases
from access_cases import ACTORS, BLIND, FIXTURES, Case
from access_cases.world import World
from support import changes
from support.env import ROOT
from support.rpc import RPCError, RPCServerError, RPCUserWarning, post_jsonrpc

# Tables whose rows change with logging in and opening a wizard, not
# with the data
VOLATILE_TABLES = {
    'ir_session', 'ir_session_wizard', 'ir_cache', 'res_user_login_attempt',
    'ir_model_button_click', 'res_user_warning', 'ir_lang_cache',
    'sqlite_sequence', 'sqlite_stat1', 'ir_queue', 'res_user_device',
    }
# Methods every model answers: Tryton's ordinary paths, checked by Tryton
ORDINARY = {
    'autocomplete', 'copy', 'create', 'default_get', 'delete', 'export_data',
    'export_data_domain', 'fields_get', 'fields_view_get',
    'history_revisions', 'import_data', 'on_change', 'on_change_notify',
    'on_change_with', 'on_scan_code', 'pre_validate', 'read', 'resources',
    'search', 'search_count', 'search_read', 'view_toolbar_get', 'write',
    'view_attachment', 'read_history',
    }
ENTRIES = access_cases.all_entries()
CASES = [e for e in ENTRIES.values() if isinstance(e, Case)]


@pytest.fixture(scope='module')
def server(demo_database, start_server, tmp_path_factory):
    """A server of its own on a copy of the demo database: the run switches
    the pool on and makes users. Its changes are logged, table by table."""
    copy = demo_database.copy_to(tmp_path_factory.mktemp('access-paths'))
    changes.install(copy.file, skip=VOLATILE_TABLES)
    return start_server(copy, 'access-paths')


@pytest.fixture(scope='module')
def world(server):
    return World(server)


# -- the database, before and after --------------------------------------------

def snapshot(server):
    "A mark of the database's change log (support.changes)"
    return changes.mark(server)


def changed_tables(before, after):
    return changes.changed_tables(before, after)


# -- calling a path ------------------------------------------------------------

def hostile_context(target):
    "Every context key the code reads, set to what would do harm"
    context = {}
    for key in access_cases.all_context_keys().values():
        value = key.hostile
        context[key.name] = value(target) if callable(value) else value
    return context


def call(world, actor, case, target, context=None, confirm=False):
    """Take the path as actor. confirm: answer a warning as a user who
    goes on (sao records the warning as seen and calls again)"""
    if confirm:
        try:
            return call(world, actor, case, target, context)
        except RPCUserWarning as warning:
            world.client(actor).create('res.user.warning', [{
                        'name': warning.name, 'always': False,
                        'user': world.client(actor).user_id}])
    client = world.client(actor)
    context = {**(case.context or {}), **(context or {})}
    args = case.args(world, target) if case.args else ()
    if case.is_wizard:
        data = case.data(world, target) if case.data else {}
        start = client.raw(f'{case.method}.create', client._context(
                {'active_model': target.model, 'active_ids': target.ids,
                    'active_id': target.ids[0] if target.ids else None,
                    **(context or {})}))
        session_id, start_state, _ = start
        ctx = client._context({
                'active_model': target.model, 'active_ids': target.ids,
                'active_id': target.ids[0] if target.ids else None,
                **(context or {})})
        try:
            if start_state != case.state:
                # As a client: the start view's defaults come back with
                # what the user typed
                shown = client.raw(f'{case.method}.execute',
                    session_id, {}, start_state, ctx)
                view = shown.get('view') or {}
                defaults = {k: v for k, v in
                    (view.get('defaults') or {}).items() if '.' not in k}
                data = {start_state: {
                        **defaults, **data.get(start_state, {})},
                    **{k: v for k, v in data.items() if k != start_state}}
            return client.raw(f'{case.method}.execute',
                session_id, data, case.state, ctx)
        finally:
            client.raw(f'{case.method}.delete', session_id, ctx)
    model, method = case.name.rsplit('.', 1)
    return client.call(model, method, target.ids, *args, context=context)


def expect_refused(world, actor, case, target, context):
    """The call raises a user or access error (or does nothing), never an
    internal error, and names no customer the actor cannot read"""
    try:
        call(world, actor, case, target, context)
    except RPCServerError as error:
        pytest.fail(f"{case.key} as {actor}: internal error {error}")
    except (RPCError, RPCUserWarning) as error:
        if actor in BLIND and target.customer_name:
            text = f'{error.message} {error.description}'
            assert target.customer_name not in text, (
                f"{case.key} as {actor} names the customer: {text}")


def culprits(world, server, case, actors):
    "Which adversary changed what: each one again on a fresh record"
    found = []
    for actor in actors:
        for label, context in [('plain', None), ('hostile', True)]:
            target = FIXTURES[case.fixture](world)
            before = snapshot(server)
            expect_refused(world, actor, case, target,
                hostile_context(target) if context else None)
            changed = changed_tables(before, snapshot(server))
            if changed:
                found.append(f"{actor} ({label}) changed {', '.join(changed)}")
    return '; '.join(found) or "a change no single adversary repeats"


# -- the tests -----------------------------------------------------------------

@pytest.mark.parametrize('case', CASES, ids=[c.key for c in CASES])
def test_path(world, server, case):
    "Adversaries change nothing; the control actor succeeds"
    target = FIXTURES[case.fixture](world)
    refused = [a for a in ACTORS if a not in case.allowed]
    before = snapshot(server)
    for actor in refused:
        for context in [None, hostile_context(target)]:
            expect_refused(world, actor, case, target, context)
    after = snapshot(server)
    if changed_tables(before, after):
        pytest.fail(f"{case.key}: " + culprits(world, server, case, refused))
    for actor in sorted(case.allowed):
        # Each on a record of its own: what one did may stop the next
        call(world, actor, case, FIXTURES[case.fixture](world), confirm=True)
    if case.control:
        before = snapshot(server)
        call(world, case.control, case, target, confirm=True)
        if case.changes:
            assert changed_tables(before, snapshot(server)), (
                f"{case.key}: the control ({case.control}) changed nothing: "
                "the fixture does not let the path act")


def _xtools_models(admin):
    "Models the xtools modules define or add fields to"
    fields = admin.search_read('ir.model.field',
        [('module', 'like', 'xtools_crm_%')], ['model'])
    models = admin.search_read('ir.model',
        [('module', 'like', 'xtools_crm_%')], ['name'])
    return {f['model'] for f in fields} | {m['name'] for m in models}


def _wizard_states(name):
    "The transition states of wizard `name`, from its registered classes"
    from trytond.pool import Pool
    from trytond.wizard import StateTransition
    if not Pool._started:
        Pool.start()
    states = set()
    for classes in Pool.classes['wizard'].values():
        for cls in classes:
            if getattr(cls, '__name__', None) != name:
                continue
            for attr in dir(cls):
                if isinstance(getattr(cls, attr, None), StateTransition):
                    states.add(attr)
    return states


def test_every_path_has_an_entry(world, server):
    """Each button, wizard transition and RPC method of the xtools models
    (Tryton's own on models we extend included) is in the table"""
    admin = world.admin
    models = _xtools_models(admin)
    methods = post_jsonrpc(
        server.rpc_url, 'system.listMethods', [], admin.authorization)
    wanted = set()
    for method in methods:
        kind, rest = method.split('.', 1)
        if kind != 'model':
            continue
        model, name = rest.rsplit('.', 1)
        if (model in models and name not in ORDINARY
                and not name.startswith('on_change')):
            wanted.add(method)
    wizards = admin.search_read('ir.action.wizard', [], ['wiz_name', 'model'])
    for wizard in wizards:
        name = wizard['wiz_name']
        if wizard['model'] in models or name.startswith('crm.'):
            for state in _wizard_states(name):
                wanted.add(f'wizard.{name}:{state}')
    missing = sorted(wanted - set(ENTRIES))
    assert not missing, (
        "Paths without an entry in tests/access_cases/: " + ', '.join(missing))


CONTEXT_READ = re.compile(
    r"context(?:\.get\(|\[)\s*(?:'([\w]+)'|([A-Z][A-Z_]+))")


def test_context_keys_are_declared():
    """Every context key the xtools code reads is in the table: a key a
    client can send (no leading _) must only filter or default"""
    declared = access_cases.all_context_keys()
    found = {}
    for path in (ROOT / 'addons').rglob('*.py'):
        if 'tests' in path.parts:
            continue
        text = path.read_text(encoding='utf-8')
        constants = dict(re.findall(r"^([A-Z][A-Z_]+) = '(\w+)'", text, re.M))
        for literal, constant in CONTEXT_READ.findall(text):
            key = literal or constants.get(constant)
            if key:
                found.setdefault(key, path.relative_to(ROOT))
    undeclared = {k: str(p) for k, p in found.items() if k not in declared}
    assert not undeclared, f"Context keys not in the table: {undeclared}"
    for key in declared.values():
        if key.kind == 'stripped':
            assert key.name.startswith('_'), key.name
        else:
            assert key.kind in {'filter', 'view', 'tryton', 'rule'}, key
