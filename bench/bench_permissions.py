#!/usr/bin/env python
"""Data-permission benchmark: what the hierarchy record rules of
xtools_crm_base cost on "the first page of my customers".

Builds a throwaway database (SQLite and/or PostgreSQL) with xtools_crm_base,
an organisation of --users users (boss → departments → sub-departments →
staff) and --customers customers, then times, per role, the customer list's
first page with the record rules on, against the same page read by admin
without rules (the baseline: the practical limit, the same query served
by the addon's indexes). Goal: the rules cost at most 1.2× the unruled
query, and on PostgreSQL the page takes under 50 ms at 100,000 customers.
See bench/README.md.

    .venv/bin/python bench/bench_permissions.py         # both, full size
    .venv/bin/python bench/bench_permissions.py --customers 5000 \
        --backend sqlite
"""
import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from benchlib import db as benchdb  # noqa: E402
from benchlib.timing import ms, summary, table, timed  # noqa: E402

GOAL = 1.2
# Absolute goal of the page, per backend (100,000 customers)
GOAL_MS = {'postgresql': 50}
MODULE = 'xtools_crm_base'
# What the customer list (act_customer_form) asks: its domain, no order of
# its own — sao then sends order=None and the server applies party.party's
# _order (distance, name, then id because of the limit) — and the tree
# view's fields.
DOMAIN = [('crm_customer_type', '!=', None)]
LIMIT = 60
ORDER = None
LIST_FIELDS = ['code', 'name', 'crm_customer_type', 'crm_owner.rec_name']
# sao really reads (Sao.Model.load) every field of the list view as it is
# now (see sao_fields), the many2ones' rec_name, the record's rec_name and
# the access columns; and, because the page is full, it counts up to
# limit × 100.
SAO_COUNT_LIMIT = LIMIT * 100
SAO_EXTRA = ['rec_name', '_timestamp', '_write', '_delete']
VARIANTS = {
    'list': "search(limit 60) + read(code, name, crm_customer_type, "
    "crm_owner.rec_name)",
    'sao': "as sao: search + search_count(≤6000) + read(every field of "
    "the customer list view, rec_names, _timestamp, _write, _delete)",
    }
ROLES = ['staff', 'manager', 'assistant', 'boss']
# Extra context the customer list's screen sends (none today; experiments
# may add some)
SCREEN_CONTEXT = {}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Environment: XTOOLS_PG_URI (default %s)"
        % benchdb.DEFAULT_PG_URI)
    parser.add_argument('--backend', choices=['sqlite', 'postgresql', 'both'],
        default='both')
    parser.add_argument('--customers', type=int, default=100_000)
    parser.add_argument('--users', type=int, default=200)
    parser.add_argument('--repeat', type=int, default=20,
        help="timed repetitions per role (default %(default)s)")
    parser.add_argument('--cold', type=int, default=5,
        help="cold calls (rule cache miss) per role (default %(default)s)")
    parser.add_argument('--pg-uri', default=benchdb.pg_uri_default(),
        help="PostgreSQL server URI (default $XTOOLS_PG_URI or "
        "%(default)s)")
    parser.add_argument('--explain', action='store_true',
        help="print the SQL of each role's search and its plan")
    parser.add_argument('--trace', action='store_true',
        help="print the SQL statements of one first page per role, "
        "with their time")
    parser.add_argument('--json', metavar='FILE',
        help="also write the results as JSON")
    parser.add_argument('--keep', action='store_true',
        help="keep the database (its name and directory are printed)")
    parser.add_argument('--reuse', metavar='NAME',
        help="time an existing database made by a --keep run (with "
        "--workdir for SQLite) instead of building one")
    parser.add_argument('--workdir',
        help="directory of the SQLite file and generated trytond.conf "
        "(default: a new temporary directory)")
    return parser.parse_args(argv)


# --- building -------------------------------------------------------------

def build(args, database):
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    from benchlib import organisation

    steps = {}
    steps['activate_s'] = database.create([MODULE])
    Pool(database.name).init()
    if args.reuse:
        return steps
    with Transaction().start(database.name, 0):
        seconds, org = timed(organisation.build_organisation, args.users)
        steps['organisation_s'] = seconds
        seconds, count = timed(organisation.insert_parties,
            args.customers, org.owners, n_others=args.customers // 50)
        steps['parties_s'] = seconds
        steps['parties'] = count
        seconds, shares = timed(organisation.create_shares, org)
        steps['shares_s'] = seconds
        steps['shares'] = len(shares)
    with Transaction().start(database.name, 0):
        organisation.analyze()
    return steps


def pick_users():
    """The timed users: a staff member of a sub-department, the manager of
    a department with sub-departments, an assistant of another department,
    the boss; and admin for the baseline"""
    pool = Pool_()
    User = pool.get('res.user')
    Party = pool.get('party.party')
    order = [('id', 'ASC')]
    staff = User.search([
            ('crm_level', '=', 'staff'),
            ('crm_department.parent', '!=', None),
            ], order=order, limit=1)[0]
    manager = next(u for u in User.search([
                ('crm_level', '=', 'manager'),
                ('crm_department.parent', '=', None),
                ], order=order)
        if u.crm_department.children)
    assistant = User.search([
            ('crm_level', '=', 'assistant'),
            ('crm_department', '!=', manager.crm_department.id),
            ], order=order, limit=1)[0]
    boss = User.search([('crm_level', '=', 'boss')], order=order, limit=1)[0]
    admin, = User.search([('login', '=', 'admin')])
    users = {
        'staff': staff, 'manager': manager, 'assistant': assistant,
        'boss': boss, 'baseline': admin}
    info = {}
    for role, user in users.items():
        info[role] = {
            'login': user.login, 'id': user.id,
            'level': getattr(user, 'crm_level', None),
            'department': (user.crm_department.rec_name
                if user.crm_department else None),
            'check_access': role != 'baseline',
            }
    info['_total'] = Party.search_count(DOMAIN)
    info['_users'] = User.search_count([('login', 'like', 'bench_%')])
    info['_sao_fields'] = sao_fields()
    return info


def sao_fields():
    "What sao reads for a page of the customer list view"
    pool = Pool_()
    Party = pool.get('party.party')
    ModelData = pool.get('ir.model.data')
    view = Party.fields_view_get(
        ModelData.get_id(MODULE, 'customer_view_list'), 'tree')
    names = sorted(view['fields'])
    return names + [f'{n}.rec_name' for n in names
        if view['fields'][n]['type'] in {'many2one', 'one2one', 'reference'}
        ] + SAO_EXTRA


def Pool_():
    from trytond.pool import Pool
    return Pool()


# --- timing ---------------------------------------------------------------

@contextlib.contextmanager
def request(dbname, user, check_access):
    """What one RPC call gets: a new transaction (rolled back, the page only
    reads), the user and access checks on or off"""
    from trytond.transaction import Transaction
    transaction = Transaction().start(dbname, 0, readonly=True)
    try:
        with transaction.set_user(user), \
                transaction.set_context(
                    SCREEN_CONTEXT, _check_access=check_access):
            yield transaction
    finally:
        transaction.stop(False)


def first_page(variant, fields):
    "(search seconds, read seconds, ids) of the customer list's first page"
    Party = Pool_().get('party.party')
    start = time.perf_counter()
    ids = list(map(int, Party.search(DOMAIN, 0, LIMIT, ORDER)))
    if variant == 'sao' and len(ids) == LIMIT:
        Party.search_count(DOMAIN, 0, SAO_COUNT_LIMIT)
    searched = time.perf_counter()
    Party.read(ids, fields[variant])
    return searched - start, time.perf_counter() - searched, ids


def clear_rule_caches():
    "What an organisation change does: forget visibilities and rule domains"
    from xtools_crm_base.visibility import clear_visibility_cache
    clear_visibility_cache()


def measure(args, dbname, users, fields):
    roles = ROLES + ['baseline']
    samples = {(r, v, k): [] for r in roles for v in VARIANTS
        for k in ('total', 'search', 'read')}
    pages = {}
    # Warm-up: rule and visibility caches, group caches, database pages
    for _ in range(2):
        for role in roles:
            for variant in VARIANTS:
                with request(dbname, users[role]['id'],
                        users[role]['check_access']):
                    pages[role] = first_page(variant, fields)[2]
    # Interleaved, so background noise spreads over every role alike
    for _ in range(args.repeat):
        for role in roles:
            for variant in VARIANTS:
                with request(dbname, users[role]['id'],
                        users[role]['check_access']):
                    search, read, _ = first_page(variant, fields)
                samples[role, variant, 'search'].append(search)
                samples[role, variant, 'read'].append(read)
                samples[role, variant, 'total'].append(search + read)
    cold = {(r, v): [] for r in ROLES for v in VARIANTS}
    for _ in range(args.cold):
        for role in ROLES:
            for variant in VARIANTS:
                with request(dbname, users[role]['id'], True):
                    clear_rule_caches()
                    search, read, _ = first_page(variant, fields)
                cold[role, variant].append(search + read)
    visible = {}
    for role in roles:
        with request(dbname, users[role]['id'], users[role]['check_access']):
            visible[role] = Pool_().get('party.party').search_count(DOMAIN)
    results = {}
    for role in roles:
        results[role] = {
            'visible': visible[role],
            'first_ids': pages[role][:5],
            }
        for variant in VARIANTS:
            results[role][variant] = {
                k: summary(samples[role, variant, k])
                for k in ('total', 'search', 'read')}
            if role != 'baseline':
                results[role][variant]['cold'] = summary(cold[role, variant])
    return results


# --- diagnosis ------------------------------------------------------------

def explain_searches(dbname, users):
    from benchlib.sqltrace import explain
    out = []
    for role in ROLES + ['baseline']:
        with request(dbname, users[role]['id'], users[role]['check_access']):
            Party = Pool_().get('party.party')
            query = Party.search(DOMAIN, 0, LIMIT, ORDER, query=True)
            sql, params = tuple(query)
            out.append(f"\n### {role} ({users[role]['login']}): search SQL\n")
            out.append(sql)
            out.append(f"params: {list(params)!r}")
            out.append('\nplan:')
            out.extend('    ' + line for line in explain(sql, params))
    return '\n'.join(out)


def trace_pages(dbname, users, fields):
    from benchlib.sqltrace import SQLTrace
    out = []
    for role in ROLES + ['baseline']:
        for variant in VARIANTS:
            with request(dbname, users[role]['id'],
                    users[role]['check_access']):
                first_page(variant, fields)  # warm
            with request(dbname, users[role]['id'],
                    users[role]['check_access']):
                with SQLTrace() as trace:
                    total = sum(first_page(variant, fields)[:2])
            out.append(
                f"\n### {role}, {variant}: {len(trace.statements)} "
                f"statements, {trace.seconds * 1000:.1f} ms in SQL of "
                f"{total * 1000:.1f} ms")
            for sql, _, seconds in trace.statements:
                text = ' '.join(sql.split())
                if len(text) > 300:
                    text = text[:300] + ' …'
                out.append(f"  {seconds * 1000:7.2f} ms  {text}")
    return '\n'.join(out)


# --- reporting ------------------------------------------------------------

def report(result):
    lines = []
    users = result['users']
    setup = result['setup']
    lines.append(
        f"\n## {result['backend']}"
        + (f" [{result['label']}]" if result.get('label') else '')
        + f": {result['customers']} customers, "
        f"{result['users_count']} users, {result['repeat']} repetitions")
    if 'parties_s' in setup:
        lines.append(
            f"set-up: activation {setup['activate_s']:.0f} s, organisation "
            f"{setup['organisation_s']:.1f} s, {setup['parties']} parties "
            f"{setup['parties_s']:.1f} s, {setup['shares']} shares "
            f"{setup['shares_s']:.1f} s")
    timings = result['timings']
    base = timings['baseline']
    for variant, title in VARIANTS.items():
        lines.append(f"\n{variant}: {title}")
        rows = []
        for role in ROLES + ['baseline']:
            r = timings[role][variant]
            total = r['total']
            ratio = total['median_ms'] / base[variant]['total']['median_ms']
            ratio90 = total['p90_ms'] / base[variant]['total']['p90_ms']
            cold = r.get('cold')
            base_ms = base[variant]['total']['median_ms']
            rows.append([
                    role if role != 'baseline' else 'admin, no rules',
                    users[role]['login'],
                    timings[role]['visible'],
                    ms(total['median_ms']), ms(total['p90_ms']),
                    ms(r['search']['median_ms']), ms(r['read']['median_ms']),
                    f"{ratio:.2f}×", f"{ratio90:.2f}×",
                    ms(cold['median_ms']) if cold else '',
                    f"{cold['median_ms'] / base_ms:.2f}×" if cold else '',
                    '' if role == 'baseline'
                    else ('yes' if ratio <= GOAL and total['median_ms']
                        < GOAL_MS.get(result['backend'], float('inf'))
                        else 'NO'),
                    ])
        lines.append(table(
                ['role', 'user', 'visible', 'median ms', 'p90 ms',
                    'search ms', 'read ms', 'ratio', 'ratio p90',
                    'cold ms', 'cold ratio', f'≤{GOAL}×'
                    + (f", <{GOAL_MS[result['backend']]} ms"
                        if result['backend'] in GOAL_MS else '')],
                rows, align=['l', 'l'] + ['r'] * 10))
    lines.append("sao variant reads: " + ', '.join(result['sao_fields']))
    for variant in VARIANTS:
        verdict = goal_verdict(result, variant)
        lines.append(
            f"Goal \"rule costs at most {GOAL}× the unruled query"
            + (f", under {GOAL_MS[result['backend']]} ms"
                if result['backend'] in GOAL_MS else '') + "\" "
            f"(median, {variant} variant) on {result['backend']}: "
            + ('HOLDS' if verdict['holds'] else
                'FAILS for ' + ', '.join(verdict['failing'])))
    return '\n'.join(lines)


def goal_verdict(result, variant='list'):
    timings = result['timings']
    base = timings['baseline'][variant]['total']['median_ms']
    failing = [r for r in ROLES
        if timings[r][variant]['total']['median_ms'] / base > GOAL
        or timings[r][variant]['total']['median_ms']
        >= GOAL_MS.get(result['backend'], float('inf'))]
    return {'holds': not failing, 'failing': failing}


def combined_report(results):
    rows = []
    for result in results:
        timings = result['timings']
        for variant in VARIANTS:
            base = timings['baseline'][variant]['total']['median_ms']
            row = [result['backend'], variant, ms(base)]
            for kind in ('total', 'cold'):
                for role in ROLES:
                    median = timings[role][variant][kind]['median_ms']
                    row.append(f"{median / base:.2f}×")
            rows.append(row)
    lines = ["\n## Ruled / unruled (median), per role and backend"]
    lines.append(table(
            ['backend', 'variant', 'baseline ms']
            + [f'{r}' for r in ROLES] + [f'{r} cold' for r in ROLES],
            rows, align=['l', 'l'] + ['r'] * (1 + 2 * len(ROLES))))
    for result in results:
        verdict = goal_verdict(result)
        lines.append(
            f"goal ≤{GOAL}× on {result['backend']}: "
            + ('holds' if verdict['holds'] else
                'FAILS (' + ', '.join(verdict['failing']) + ')'))
    return '\n'.join(lines)


# --- main -----------------------------------------------------------------

def run_backend(args, backend):
    database = benchdb.ThrowawayDatabase(
        backend, pg_uri=args.pg_uri, name=args.reuse, workdir=args.workdir,
        keep=args.keep, reuse=bool(args.reuse))
    database.configure()
    print(f"[{backend}] database {database.location}", flush=True)
    try:
        print(f"[{backend}] building: activating {MODULE}, "
            f"{args.users} users, {args.customers} customers …", flush=True)
        setup = build(args, database)
        return time_database(args, database, setup)
    finally:
        database.finish()


def time_database(args, database, setup, label=None):
    "Time a built database, print the report; returns the results"
    from benchlib import organisation
    from trytond.transaction import Transaction
    organisation.put_admin_in_companies(database.name)
    with Transaction().start(database.name, 0, readonly=True) as t:
        users = pick_users()
        t.rollback()
    total = users.pop('_total')
    n_users = users.pop('_users')
    fields = {'list': LIST_FIELDS, 'sao': users.pop('_sao_fields')}
    print(f"[{database.backend}] timing {args.repeat} repetitions …",
        flush=True)
    timings = measure(args, database.name, users, fields)
    result = {
        'backend': database.backend, 'label': label, 'customers': total,
        'users_count': n_users, 'repeat': args.repeat,
        'cold_calls': args.cold, 'setup': setup, 'users': users,
        'sao_fields': fields['sao'], 'timings': timings, 'goal': GOAL,
        }
    print(report(result), flush=True)
    if args.explain:
        print(explain_searches(database.name, users), flush=True)
    if args.trace:
        print(trace_pages(database.name, users, fields), flush=True)
    return result


def run_both(args, argv):
    "One process per backend: trytond binds its backend at import"
    results = []
    with tempfile.TemporaryDirectory(prefix='xtools-bench-') as tmp:
        for backend in ['sqlite', 'postgresql']:
            out = os.path.join(tmp, backend + '.json')
            # drop the value following a separate "--backend X" / "--json F"
            cleaned, skip = [], False
            for a in argv:
                if skip:
                    skip = False
                    continue
                if a in {'--backend', '--json'}:
                    skip = True
                    continue
                if a.startswith('--backend=') or a.startswith('--json='):
                    continue
                cleaned.append(a)
            subprocess.run(
                [sys.executable, os.path.abspath(__file__), *cleaned,
                    '--backend', backend, '--json', out],
                check=True)
            with open(out) as f:
                results.append(json.load(f))
    return results


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    if args.backend == 'both':
        if args.reuse:
            sys.exit("--reuse names one database: give --backend too")
        results = run_both(args, argv)
    else:
        results = [run_backend(args, args.backend)]
    if len(results) > 1:
        print(combined_report(results))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(results[0] if len(results) == 1 else results, f,
                indent=1)
    return results


if __name__ == '__main__':
    main()
