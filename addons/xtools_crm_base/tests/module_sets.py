"""pytest plugin: every test class gets the modules it asks for, no more,
and no module set is activated from scratch when a smaller one is at hand.

Tryton's ``activate_module`` keeps the test database when it exists and only
activates what is missing. Tryton runs each module's tests in a process of
its own; one pytest run over all our modules does not, so the sales tests
ran on the database the reports tests had left (with the stock module, which
changes how an order ships) and cached it as "xtools_crm_sales" for the sales
scenarios too. Here a database holding a module the request does not need
is dropped first.

Activation dominates a cold run (a few minutes per set on a busy machine).
So a set that is neither in the database nor in Tryton's DB_CACHE starts
from the largest set already cached in this run that it contains (the
pool's tests start from the base's database, the stock's from the sales'),
and only what is missing is activated; proteus scenarios
(``trytond.tests.tools.activate_modules``) do the same. The modules' tests
run in an order where each set mostly grows the previous one.

Loaded by ``-p xtools_crm_base.tests.module_sets`` (pyproject.toml).
"""
import functools
import pathlib

# The order in which the modules' tests run: each set contains the previous
# one, except the office's, the service's and the pool's, which start from
# the base's
RUN_ORDER = [
    'xtools_crm_base', 'xtools_crm_office', 'xtools_crm_sales',
    'xtools_crm_service',
    'xtools_crm_stock', 'xtools_crm_reports', 'xtools_crm_pool',
    'xtools_crm_marketing']

# Cache name -> (closure of its modules, language) of every database this
# run activated or restored: the candidates to start a larger set from
_CACHED = {}


def pytest_configure(config):
    # Before the test files are collected: they import activate_module by
    # name
    from trytond.tests import test_tryton, tools
    if getattr(test_tryton.activate_module, 'exact_module_set', False):
        return
    test_tryton.activate_module = _exact(test_tryton.activate_module)
    tools.activate_modules = _scenario(tools.activate_modules)


def pytest_collection_modifyitems(session, config, items):
    def rank(item):
        parts = pathlib.Path(str(item.path)).parts
        for index, module in enumerate(RUN_ORDER):
            if module in parts:
                return index
        return len(RUN_ORDER)
    # sort is stable: a file's tests keep their order
    items.sort(key=rank)


def _exact(activate_module):
    @functools.wraps(activate_module)
    def wrapper(modules, lang='en'):
        if isinstance(modules, str):
            modules = [modules]
        name = '-'.join(modules) + ('' if lang == 'en' else '--' + lang)
        if _start_from_cached_subset(name, modules, lang):
            # restored as Tryton's activate_module would have: done
            _CACHED[name] = (_closure(modules), lang)
            return
        result = activate_module(modules, lang=lang)
        _CACHED[name] = (_closure(modules), lang)
        return result
    wrapper.exact_module_set = True
    return wrapper


def _scenario(activate_modules):
    "proteus' activate_modules, started from a cached subset like above"
    @functools.wraps(activate_modules)
    def wrapper(modules, *setup):
        from proteus import Model, Wizard
        from trytond.tests import test_tryton, tools
        if isinstance(modules, str):
            modules = [modules]
        name = '-'.join(sorted(modules))
        if setup or not test_tryton.DB_CACHE:
            return activate_modules(modules, *setup)
        if test_tryton.restore_db_cache(name):
            _CACHED[name] = (_closure(modules), 'en')
            return tools._get_config()
        if test_tryton.db_exist(test_tryton.DB_NAME):
            test_tryton.drop_db()
        if not _restore_largest_subset(_closure(modules), 'en'):
            result = activate_modules(modules)
        else:
            # as activate_modules does after its drop_create
            result = tools._get_config()
            Module = Model.get('ir.module')
            Module.click(Module.find([
                        ('name', 'in', modules),
                        ('state', '!=', 'activated'),
                        ]), 'activate')
            Wizard('ir.module.activate_upgrade').execute('upgrade')
            test_tryton.backup_db_cache(name)
        _CACHED[name] = (_closure(modules), 'en')
        return result
    return wrapper


def _start_from_cached_subset(name, modules, lang):
    """Leave in the test database the best start for modules: the database
    itself when it holds no module too many, its cached copy when there is
    one (then return True: nothing is left to do), else the largest cached
    subset"""
    from trytond.tests import test_tryton
    needed = _closure(modules)
    db_name = test_tryton.DB_NAME
    current = set()
    if test_tryton.db_exist(db_name):
        current = _activated(db_name)
        if current - needed:
            test_tryton.drop_db()
            current = set()
    if test_tryton.DB_CACHE and not current:
        if test_tryton.restore_db_cache(name):
            return True
    best = _largest_cached_subset(needed, lang)
    if best and len(_CACHED[best][0]) > len(current):
        if current:
            test_tryton.drop_db()
        test_tryton.restore_db_cache(best)


def _restore_largest_subset(needed, lang):
    from trytond.tests import test_tryton
    best = _largest_cached_subset(needed, lang)
    return bool(best) and test_tryton.restore_db_cache(best)


def _largest_cached_subset(needed, lang):
    from trytond.tests import test_tryton
    if not test_tryton.DB_CACHE:
        return None
    candidates = [(len(closure), name)
        for name, (closure, language) in _CACHED.items()
        if language == lang and closure <= needed]
    return max(candidates)[1] if candidates else None


def _closure(modules):
    "The modules and everything they depend on"
    from trytond.modules import get_module_info
    needed, todo = {'ir', 'res'}, list(modules)
    while todo:
        module = todo.pop()
        if module in needed:
            continue
        needed.add(module)
        info = get_module_info(module) or {}
        todo.extend(info.get('depends', []))
    return frozenset(needed)


def _activated(name):
    from trytond import backend
    database = backend.Database(name).connect()
    connection = database.get_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(
            "SELECT name FROM ir_module WHERE state = 'activated'")
        return {row[0] for row in cursor}
    finally:
        connection.rollback()
        database.put_connection(connection)
