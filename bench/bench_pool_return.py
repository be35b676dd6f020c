#!/usr/bin/env python
"""Auto-return benchmark: one run of the public pool's daily auto-return
(xtools_crm_pool) against the same selection done as one plain SQL UPDATE.

Builds a throwaway database (SQLite and/or PostgreSQL) with xtools_crm_pool,
an organisation of --users users and --customers customers spread over the
libraries (private, temporary, claimed from the pool, public pool, normal)
with grades, follow-up dates and protection ends such that about a third
of them are due. Then times, each in its own transaction rolled back
afterwards, alternately:
- run: Party.crm_pool_auto_return() — goal check, the three return rules,
  pool log entries, re-claim locks, the reminders and their notifications;
- plain: one UPDATE party_party SET crm_owner = NULL, crm_library =
  'public' … WHERE <the same selection>.
Goal: run ≤ 3× plain, and under 10 s for 100,000 customers on PostgreSQL.

    .venv/bin/python bench/bench_pool_return.py            # both backends
    .venv/bin/python bench/bench_pool_return.py --backend sqlite \\
        --customers 10000
"""
import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from benchlib import db as benchdb  # noqa: E402
from benchlib.timing import ms, summary, table  # noqa: E402

MODULE = 'xtools_crm_pool'
GOAL_RATIO = 3.0
GOAL_PG_SECONDS = 10.0
TODAY = dt.date(2026, 10, 1)
SETTINGS = {
    'pool_enabled': True,
    'pool_protection_days': 30,
    'pool_temporary_days': 30,
    'pool_private_days': 90,
    'pool_temporary_lock_days': 30,
    'pool_claimed_lock_days': 30,
    'pool_warn_days': 3,
    'pool_escalate_days': 1,
    }
# library → share of the customers
MIX = [
    ('private', .25), ('temporary', .35), ('claimed', .15),
    ('public', .20), ('normal', .05)]
GRADES = {
    'private': 'ABC', 'temporary': 'DEF', 'claimed': 'GHIJ',
    'public': 'GHIJ', 'normal': 'ABCDEFGHIJ'}


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
    parser.add_argument('--repeat', type=int, default=5,
        help="timed runs of each kind (default %(default)s)")
    parser.add_argument('--pg-uri', default=benchdb.pg_uri_default())
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
    parser.add_argument('--backend-only', action='store_true',
        help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# --- building ---------------------------------------------------------------

def build(args, database):
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    from benchlib import organisation

    steps = {'activate_s': database.create([MODULE])}
    Pool(database.name).init()
    if args.reuse:
        return dict(steps, organisation_s=0, parties_s=0, parties=0)
    # The settings singleton is created by locking its table
    with Transaction().start(database.name, 0, context={
                '_crm_pool_today': TODAY},
            _lock_tables=['crm_configuration']):
        start = time.perf_counter()
        org = organisation.build_organisation(args.users)
        owners = org.owners
        configure_pool(owners)
        steps['organisation_s'] = time.perf_counter() - start
        start = time.perf_counter()
        steps['parties'] = organisation.insert_parties(
            args.customers, owners)
        place_customers(owners)
        steps['parties_s'] = time.perf_counter() - start
    vacuum(database)
    return steps


def vacuum(database):
    """After the bulk load: what autovacuum does on a live PostgreSQL (the
    placing UPDATEs leave a dead row version per column set), and the
    planner statistics on both"""
    from trytond.transaction import Transaction

    from benchlib import organisation
    if database.backend == 'postgresql':
        import psycopg
        from psycopg.conninfo import make_conninfo
        with psycopg.connect(make_conninfo(
                    database.pg_uri, dbname=database.name),
                autocommit=True) as conn:
            conn.execute('VACUUM FULL ANALYZE party_party')
    with Transaction().start(database.name, 0):
        organisation.analyze()


def configure_pool(owners):
    pool = __import__('trytond.pool', fromlist=['Pool']).Pool()
    Configuration = pool.get('crm.configuration')
    Configuration.write([Configuration(1)], {
            **SETTINGS,
            'pool_users': [('add', owners)],
            })


def place_customers(owners, seed=5):
    """Spread the customers over the libraries, with grades, library days,
    last contacts and protection ends, set-based per group of rows"""
    from sql import Null, Table

    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Maturity = pool.get('crm.maturity')
    grades = {m.code: m.id for m in Maturity.search([])}
    party = Table('party_party')
    cursor = Transaction().connection.cursor()
    cursor.execute(*party.select(
            party.id, where=party.crm_customer_type != Null,
            order_by=[party.id]))
    ids = [i for i, in cursor]
    rng = random.Random(seed)
    # column → value → ids: one UPDATE per value and slice of ids
    columns = {}
    for id_ in ids:
        draw, library = rng.random(), None
        for library, share in MIX:
            if draw < share:
                break
            draw -= share
        since = TODAY - dt.timedelta(days=rng.randint(0, 120))
        contact = (since + dt.timedelta(
                days=rng.randint(0, (TODAY - since).days))
            if rng.random() < .7 and library != 'claimed' else None)
        code = rng.choice(GRADES[library] + ('' if library != 'public'
                else ' '))
        owner = rng.choice(owners)
        values = {
            'crm_library': library,
            'crm_maturity': grades.get(code.strip()),
            'crm_library_date': since,
            'crm_last_contact_date': contact,
            'crm_owner': None if library == 'public' else owner,
            'crm_previous_owner': owner if library == 'public' else None,
            'crm_pool_taken': 'claim' if library == 'claimed' else None,
            'crm_protection_end': (since + dt.timedelta(days=29)
                if library == 'claimed' else None),
            'crm_pool_goal': 'pending' if library == 'claimed' else None,
            }
        for column, value in values.items():
            columns.setdefault(column, {}).setdefault(value, []).append(id_)
    for column, by_value in columns.items():
        for value, group in by_value.items():
            for start in range(0, len(group), 900):
                cursor.execute(*party.update(
                        [getattr(party, column)], [value],
                        where=party.id.in_(group[start:start + 900])))


# --- timing -------------------------------------------------------------------

def plain_update(Party, settings):
    "The same selection as the run, as one plain UPDATE"
    from sql import Null
    from trytond.transaction import Transaction
    party = Party.__table__()
    due, _ = Party._crm_pool_due(party, settings, settings.today)
    cursor = Transaction().connection.cursor()
    cursor.execute(*party.update([
                party.crm_previous_owner, party.crm_owner,
                party.crm_library, party.crm_library_date,
                party.crm_pool_taken, party.crm_protection_end,
                party.crm_pool_goal,
                ], [
                party.crm_owner, Null, 'public', settings.today,
                Null, Null, Null,
                ],
            where=due))
    return {'returned': cursor.rowcount}


def one(dbname, kind):
    "(seconds, counts) of one run or plain update, rolled back"
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    from xtools_crm_pool.auto_return import ReturnSettings
    with Transaction().start(dbname, 0, context={
                '_crm_pool_today': TODAY}) as transaction:
        Party = Pool().get('party.party')
        settings = ReturnSettings.from_configuration()
        start = time.perf_counter()
        if kind == 'run':
            counts = Party.crm_pool_auto_return(settings)
        else:
            counts = plain_update(Party, settings)
        seconds = time.perf_counter() - start
        transaction.rollback()
    return seconds, counts


def time_database(args, database, setup):
    samples = {'run': [], 'plain': []}
    counts = {}
    one(database.name, 'run')  # warm-up: caches, database pages
    one(database.name, 'plain')
    for i in range(args.repeat):
        # Alternate the order, so that neither always goes first
        for kind in (['run', 'plain'] if i % 2 == 0 else ['plain', 'run']):
            seconds, counts[kind] = one(database.name, kind)
            samples[kind].append(seconds)
    return {
        'backend': database.backend,
        'customers': args.customers,
        'users': args.users,
        'repeat': args.repeat,
        'setup': setup,
        'counts': counts,
        'run': summary(samples['run']),
        'plain': summary(samples['plain']),
        }


def report(result):
    run, plain = result['run'], result['plain']
    ratio = run['median_ms'] / plain['median_ms']
    setup = result['setup']
    lines = [
        f"\n## {result['backend']}: {result['customers']} customers, "
        f"{result['users']} users, {result['repeat']} runs of each",
        f"set-up: activation {setup['activate_s']:.0f} s, organisation "
        f"{setup['organisation_s']:.1f} s, {setup['parties']} customers "
        f"{setup['parties_s']:.1f} s",
        f"run: {json.dumps(result['counts']['run'], sort_keys=True)}; "
        f"plain: {json.dumps(result['counts']['plain'])}",
        table(['kind', 'median ms', 'p90 ms', 'min ms', 'max ms'], [
                ['auto-return run', ms(run['median_ms']), ms(run['p90_ms']),
                    ms(run['min_ms']), ms(run['max_ms'])],
                ['plain UPDATE', ms(plain['median_ms']), ms(plain['p90_ms']),
                    ms(plain['min_ms']), ms(plain['max_ms'])],
                ]),
        f"ratio run / plain (median): {ratio:.2f}× "
        f"(goal ≤ {GOAL_RATIO:.0f}×: "
        + ('holds' if ratio <= GOAL_RATIO else 'FAILS') + ')',
        ]
    if result['backend'] == 'postgresql':
        seconds = run['median_ms'] / 1000
        lines.append(
            f"run on PostgreSQL: {seconds:.2f} s (goal < "
            f"{GOAL_PG_SECONDS:.0f} s for 100,000 customers: "
            + ('holds' if seconds < GOAL_PG_SECONDS else 'FAILS') + ')')
    same = (result['counts']['run'].get('returned')
        == result['counts']['plain']['returned'])
    lines.append("same customers returned by both: "
        + ('yes' if same else 'NO'))
    return '\n'.join(lines)


def run_backend(args, backend):
    database = benchdb.ThrowawayDatabase(
        backend, pg_uri=args.pg_uri, name=args.reuse, workdir=args.workdir,
        keep=args.keep, reuse=bool(args.reuse))
    database.configure()
    print(f"[{backend}] database {database.location}", flush=True)
    try:
        print(f"[{backend}] building: activating {MODULE}, {args.users} "
            f"users, {args.customers} customers …", flush=True)
        setup = build(args, database)
        result = time_database(args, database, setup)
        print(report(result), flush=True)
        return result
    finally:
        if database.keep:
            print(f"[{backend}] kept: {database.location}", flush=True)
        database.drop()


def main(argv=None):
    args = parse_args(argv)
    if args.backend != 'both' or args.backend_only:
        result = run_backend(args, args.backend)
        if args.json:
            with open(args.json, 'w') as f:
                json.dump(result, f, indent=2, default=str)
        return 0 if result_ok(result) else 1
    # trytond picks its backend once per process: one process per backend
    status = 0
    results = []
    for backend in ['sqlite', 'postgresql']:
        json_file = (args.json + f'.{backend}') if args.json else None
        command = [sys.executable, __file__, '--backend', backend,
            '--customers', str(args.customers), '--users', str(args.users),
            '--repeat', str(args.repeat), '--pg-uri', args.pg_uri]
        if json_file:
            command += ['--json', json_file]
        if args.keep:
            command.append('--keep')
        if args.reuse:
            command += ['--reuse', args.reuse]
        if args.workdir:
            command += ['--workdir', args.workdir]
        status |= subprocess.call(command)
        if json_file and os.path.exists(json_file):
            with open(json_file) as f:
                results.append(json.load(f))
            os.remove(json_file)
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(results, f, indent=2, default=str)
    return status


def result_ok(result):
    ratio = result['run']['median_ms'] / result['plain']['median_ms']
    ok = ratio <= GOAL_RATIO
    if result['backend'] == 'postgresql' and result['customers'] >= 100_000:
        ok = ok and result['run']['median_ms'] / 1000 < GOAL_PG_SECONDS
    return ok


if __name__ == '__main__':
    sys.exit(main())
