#!/usr/bin/env python
"""Substring search benchmark: the customer list searched by part of a
name, code, phone or contact, per role, against the same search without
rules (the practical limit: the addon's indexes, no record rules).

Builds bench_permissions.py's database (or reuses a kept one), adds one
CRM contact (name, mobile) and one phone per customer, then times the
customer list's first page as sao asks it for each search: search (limit
60, party.party's order), search_count up to 6,000 when the page is full,
read of the list's fields. On PostgreSQL the searched tables are vacuumed
first, as autovacuum would after the bulk insert. See bench/README.md.

--plain also times the 2-character searches as Tryton alone would run
them (without the doubled-name clause of search_indexes.py), in the same
run.

    .venv/bin/python bench/bench_search.py --backend postgresql
    .venv/bin/python bench/bench_search.py --backend sqlite --customers 5000
"""
import argparse
import datetime as dt
import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench_permissions as bp  # noqa: E402
from benchlib import db as benchdb  # noqa: E402
from benchlib.timing import ms, summary, table  # noqa: E402

# Goal at 1,000,000 customers on PostgreSQL (issue 21)
GOAL_MS = 100
# name: (what, clause). The names are City + Word + Word + Trade + Suffix
# (benchlib.organisation): 明辉 is a word (about 6 % of the names), 辉诺
# the end of 明辉 and the start of 诺信 (about 0.1 %).
SEARCHES = {
    'name2': ("name, 2 characters, frequent",
        ('name', 'ilike', '%明辉%')),
    'name2_rare': ("name, 2 characters, rare",
        ('name', 'ilike', '%辉诺%')),
    'name3': ("name, 3 characters",
        ('name', 'ilike', '%明辉诺%')),
    'bar': ("search bar (rec_name: code, identifiers, name, mechanisms)",
        ('rec_name', 'ilike', '%辉诺%')),
    'code': ("code", ('code', 'ilike', '%12345%')),
    'phone': ("phone (contact mechanism)",
        ('contact_mechanisms.rec_name', 'ilike', '%6438%')),
    'contact': ("contact name, 2 characters",
        ('crm_contacts.name', 'ilike', '%伟芳%')),
    'mobile': ("contact mobile, 4 digits",
        ('crm_contacts.mobile', 'ilike', '%0138%')),
    }

# The searches of 2 characters, which the doubled-name clause serves
TWO_CHARACTERS = {'name2', 'name2_rare', 'bar', 'contact'}
PLAIN = '/plain'


def clause_of(search):
    "(clause, context manager) of a search key"
    import contextlib
    from unittest.mock import patch

    from xtools_crm_base import search_indexes
    name, plain, _ = search.partition(PLAIN)
    if plain:
        return SEARCHES[name][1], patch.object(
            search_indexes, 'has_trigram', lambda: False)
    return SEARCHES[name][1], contextlib.nullcontext()


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--backend', choices=['sqlite', 'postgresql'],
        required=True)
    parser.add_argument('--customers', type=int, default=100_000)
    parser.add_argument('--users', type=int, default=200)
    parser.add_argument('--repeat', type=int, default=5)
    parser.add_argument('--search', action='append',
        choices=list(SEARCHES) + sorted(s + PLAIN for s in TWO_CHARACTERS),
        help="repeatable; default: all")
    parser.add_argument('--pg-uri', default=benchdb.pg_uri_default())
    parser.add_argument('--explain', action='store_true')
    parser.add_argument('--plain', action='store_true',
        help="also time the 2-character searches without the doubled-name "
        "clause (Tryton's plain ILIKE)")
    parser.add_argument('--json', metavar='FILE')
    parser.add_argument('--keep', action='store_true')
    parser.add_argument('--reuse', metavar='NAME',
        help="a database kept by this bench or bench_permissions.py")
    parser.add_argument('--workdir')
    args = parser.parse_args(argv)
    args.searches = args.search or list(SEARCHES)
    if args.plain:
        args.searches += [s + PLAIN for s in args.searches
            if s in TWO_CHARACTERS and s + PLAIN not in args.searches]
    args.cold = 0
    return args


# --- building -------------------------------------------------------------

def _defaults(model, context=None):
    "The ORM's defaults of model's stored columns"
    from trytond.model import fields
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Model = Pool().get(model)
    names = [n for n, f in Model._fields.items()
        if not isinstance(f, (fields.Function, fields.One2Many,
                fields.Many2Many))
        and f.sql_type() is not None and n != 'id']
    with Transaction().set_context(context or {}):
        defaults = Model.default_get(names, with_rec_name=False)
    return {k: v for k, v in defaults.items() if k in names}


def _insert(table_name, explicit, defaults, rows, chunk=2000):
    from sql import Table

    from trytond.transaction import Transaction
    table = Table(table_name)
    extra = sorted(set(defaults) - set(explicit))
    columns = [getattr(table, c) for c in explicit + extra]
    cursor = Transaction().connection.cursor()
    batch = []
    for row in rows:
        batch.append(list(row) + [defaults[c] for c in extra])
        if len(batch) == chunk:
            cursor.execute(*table.insert(columns, batch))
            batch = []
    if batch:
        cursor.execute(*table.insert(columns, batch))


def add_contacts(seed=4):
    """One CRM contact (name, mobile) and one phone per customer, inserted
    set-based like the customers"""
    from sql import Table

    from benchlib.organisation import GIVEN, SURNAMES
    from trytond.transaction import Transaction
    cursor = Transaction().connection.cursor()
    contact = Table('crm_contact')
    cursor.execute(*contact.select(contact.id, limit=1))
    if cursor.fetchone():
        return 0
    party = Table('party_party')
    cursor.execute(*party.select(party.id,
            where=party.crm_customer_type != None,  # noqa: E711
            order_by=[party.id]))
    customers = [i for i, in cursor]
    rng = random.Random(seed)
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)

    def contacts():
        for customer in customers:
            name = rng.choice(SURNAMES) + ''.join(rng.choices(GIVEN, k=2))
            mobile = '1%d%09d' % (rng.randint(3, 9), rng.randrange(10 ** 9))
            yield [customer, name, mobile, True, 0, now]

    def phones():
        for customer in customers:
            area = rng.choice(['21', '10', '20', '755', '571'])
            number = '%08d' % rng.randrange(10 ** 8)
            yield [customer, 'phone',
                f'+86 {area} {number[:4]} {number[4:]}',
                f'+86{area}{number}', True, 0, now]
    _insert('crm_contact',
        ['customer', 'name', 'mobile', 'active', 'create_uid', 'create_date'],
        _defaults('crm.contact'), contacts())
    _insert('party_contact_mechanism',
        ['party', 'type', 'value', 'value_compact', 'active', 'create_uid',
            'create_date'],
        _defaults('party.contact_mechanism'), phones())
    return len(customers)


def build(args, database):
    from trytond.transaction import Transaction

    from benchlib import organisation
    steps = bp.build(args, database)
    with Transaction().start(database.name, 0) as transaction:
        start = time.perf_counter()
        steps['contacts'] = add_contacts()
        steps['contacts_s'] = time.perf_counter() - start
        transaction.commit()
    with Transaction().start(database.name, 0):
        organisation.analyze()
    return steps


# The tables the searches read
SEARCHED_TABLES = ['party_party', 'party_contact_mechanism', 'crm_contact']


def vacuum(database):
    """PostgreSQL: VACUUM ANALYZE the searched tables, as autovacuum does on
    a server after a bulk insert (where it is off, as on a shared
    development server, the trigram indexes keep their inserted rows in
    GIN's pending list, scanned by every search: 2× slower searches).
    Seconds it took; a vacuumed table takes little."""
    if database.backend != 'postgresql':
        return 0.
    import psycopg
    from psycopg.conninfo import make_conninfo
    start = time.perf_counter()
    with psycopg.connect(make_conninfo(database.pg_uri,
                dbname=database.name), autocommit=True) as conn:
        for table in SEARCHED_TABLES:
            conn.execute(f'VACUUM ANALYZE "{table}"')
    return time.perf_counter() - start


# --- timing ---------------------------------------------------------------

def page(clause):
    """(seconds, rows found up to the count's limit, seconds of the search
    and count alone) of one first page"""
    from trytond.pool import Pool
    Party = Pool().get('party.party')
    domain = [bp.DOMAIN, clause]
    start = time.perf_counter()
    ids = list(map(int, Party.search(domain, 0, bp.LIMIT, bp.ORDER)))
    count = len(ids)
    if count == bp.LIMIT:
        count = Party.search_count(domain, 0, bp.SAO_COUNT_LIMIT)
    searched = time.perf_counter()
    Party.read(ids, bp.LIST_FIELDS)
    end = time.perf_counter()
    return end - start, count, searched - start


def measure(args, dbname, users):
    roles = bp.ROLES + ['baseline']
    samples = {(r, s): [] for r in roles for s in args.searches}
    searching = {(r, s): [] for r in roles for s in args.searches}
    found = {}
    for _ in range(1):  # warm-up
        for search in args.searches:
            for role in roles:
                clause, plain = clause_of(search)
                with bp.request(dbname, users[role]['id'],
                        users[role]['check_access']), plain:
                    found[role, search] = page(clause)[1]
    for _ in range(args.repeat):
        for search in args.searches:
            for role in roles:
                clause, plain = clause_of(search)
                with bp.request(dbname, users[role]['id'],
                        users[role]['check_access']), plain:
                    total, _, searched = page(clause)
                    samples[role, search].append(total)
                    searching[role, search].append(searched)
    return {search: {role: {
                'found': found[role, search],
                'search_count_ms': summary(
                    searching[role, search])['median_ms'],
                **summary(samples[role, search])}
            for role in roles} for search in args.searches}


def explain(dbname, users, searches):
    from benchlib.sqltrace import explain as explain_sql
    from trytond.pool import Pool
    out = []
    for search in searches:
        # A department's leader: the rules' owners ANDed with the search
        for role in ['staff', 'manager', 'baseline']:
            clause, plain = clause_of(search)
            with bp.request(dbname, users[role]['id'],
                    users[role]['check_access']), plain:
                Party = Pool().get('party.party')
                domain = [bp.DOMAIN, clause]
                for what, query in [
                        ('page', Party.search(domain,
                                0, bp.LIMIT, bp.ORDER, query=True)),
                        ('count', Party.search(domain,
                                0, bp.SAO_COUNT_LIMIT, [], count=True,
                                query=True)),
                        ]:
                    sql, params = tuple(query)
                    out.append(f"\n### {search}, {role}, {what}\n")
                    out.extend(
                        '    ' + line for line in explain_sql(sql, params))
    return '\n'.join(out)


def report(result):
    lines = [f"\n## {result['backend']}: {result['customers']} customers, "
        f"substring searches, first page as sao (median of "
        f"{result['repeat']}, ms; ratio to admin without rules)"]
    rows = []
    for search, by_role in result['timings'].items():
        base = by_role['baseline']['median_ms']
        row = [search, clause_of(search)[0][2],
            by_role['baseline']['found'], ms(base)]
        for role in bp.ROLES:
            median = by_role[role]['median_ms']
            row.append(f"{ms(median)} ({median / base:.2f}×)")
        worst = max(by_role[r]['median_ms'] for r in bp.ROLES + ['baseline'])
        row.append('yes' if worst < GOAL_MS else 'NO')
        rows.append(row)
    lines.append(table(
            ['search', 'fragment', 'found (≤6000)', 'no rules']
            + bp.ROLES + [f'<{GOAL_MS} ms'],
            rows, align=['l', 'l'] + ['r'] * (2 + len(bp.ROLES) + 1)))
    lines.append("\nOf which search and count (the SQL; the rest is the "
        "read of the list's fields), median ms:")
    lines.append(table(['search', 'no rules'] + bp.ROLES,
            [[search] + [ms(by_role[r]['search_count_ms'])
                    for r in ['baseline'] + bp.ROLES]
                for search, by_role in result['timings'].items()],
            align=['l'] + ['r'] * (1 + len(bp.ROLES))))
    lines.append('\n'.join(f"- {k}: {v[0]} {v[1]!r}"
            for k, v in SEARCHES.items() if k in result['timings'])
        + (f"\n- …{PLAIN}: the same without the doubled-name clause"
            if any(PLAIN in k for k in result['timings']) else ''))
    return '\n'.join(lines)


def main(argv=None):
    from trytond.transaction import Transaction
    args = parse_args(argv)
    database = benchdb.ThrowawayDatabase(
        args.backend, pg_uri=args.pg_uri, name=args.reuse,
        workdir=args.workdir, keep=args.keep, reuse=bool(args.reuse))
    database.configure()
    print(f"[{args.backend}] database {database.location}", flush=True)
    try:
        from trytond.pool import Pool
        if args.reuse:
            database.create([bp.MODULE])
            Pool(database.name).init()
            with Transaction().start(database.name, 0) as transaction:
                setup = {'contacts': add_contacts()}
                transaction.commit()
            if setup['contacts']:
                from benchlib import organisation
                with Transaction().start(database.name, 0):
                    organisation.analyze()
        else:
            setup = build(args, database)
        setup['vacuum_s'] = vacuum(database)
        print(f"[{args.backend}] set-up: {setup}", flush=True)
        with Transaction().start(database.name, 0, readonly=True) as t:
            users = bp.pick_users()
            t.rollback()
        total = users.pop('_total')
        for key in ['_users', '_sao_fields']:
            users.pop(key)
        timings = measure(args, database.name, users)
        result = {'backend': args.backend, 'customers': total,
            'repeat': args.repeat, 'setup': setup, 'timings': timings}
        print(report(result), flush=True)
        if args.explain:
            print(explain(database.name, users, args.searches), flush=True)
        if args.json:
            with open(args.json, 'w') as f:
                json.dump(result, f, indent=1)
        return result
    finally:
        database.finish()


if __name__ == '__main__':
    main()
