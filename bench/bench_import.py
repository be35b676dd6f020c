#!/usr/bin/env python
"""Customer import benchmark: an .xlsx of --rows customers with contacts
imported by xtools_crm_base (CustomerFileImport: read, check every row,
create) against Tryton's bare create() of the same rows and against a
bulk SQL insert of them (the floor).

Builds a throwaway database with xtools_crm_base, a company, a sales
department with its manager (the importing user) and staff (the owners),
the provinces and a source dictionary; writes the workbook in memory: each
customer with a contact (mobile, email, title), a region, a city, an
address, a source and an owner, a fifth of them individual customers, a
third with a company phone, and a second contact for a tenth of them in
the 联系人 sheet. Then times, as the manager with access checks on (as over
RPC), each in its own transaction rolled back afterwards, alternately:
- import: CustomerFileImport(file).run() — reading the file included;
- bare: Party.create(values) of the values the import would create, in
  the import's batches (one create() of 10,000 parties would spend most of
  its time in Tryton's browse(), quadratic in the number of records), the
  duplicate checks done once for the whole file (as the import does: the
  per-record warnings off), the party codes drawn per batch;
- sql: the same parties, contacts, mechanisms and addresses inserted with
  one INSERT per table and batch (python-sql), no ORM at all: the floor;
- check: the import's reading and checking of the file alone;
- orm (with --orm): the import creating its checked rows by Tryton's
  create(), as it did until 2026-12-04: the same run's "before".
Goal: import ≤ 2× bare and ≥ 1,000 rows per CPU second.

    .venv/bin/python bench/bench_import.py                  # SQLite, 10,000
    .venv/bin/python bench/bench_import.py --rows 2000 --repeat 1
    .venv/bin/python bench/bench_import.py --backend postgresql
"""
import argparse
import io
import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from benchlib import db as benchdb  # noqa: E402
from benchlib.timing import ms, summary, table  # noqa: E402

MODULE = 'xtools_crm_base'
GOAL_RATIO = 2.0
GOAL_ROWS_PER_CPU_SECOND = 1000
KINDS = ['import', 'bare', 'sql', 'check', 'orm']
PROVINCES = [
    ('CN-ZJ', "浙江省", ["杭州市", "宁波市", "嘉兴市"]),
    ('CN-JS', "江苏省", ["南京市", "苏州市", "无锡市"]),
    ('CN-GD', "广东省", ["广州市", "深圳市", "佛山市"]),
    ('CN-SD', "山东省", ["济南市", "青岛市", "烟台市"]),
    ]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"
WORDS = ["华", "盛", "达", "通", "信", "恒", "远", "博", "创", "新", "联",
    "安", "泰", "宏", "鑫", "源"]
TRADES = ["科技", "贸易", "家具", "建材", "物流", "电子", "设计", "食品"]
TITLES = ["总经理", "采购经理", "行政主管", "财务", "技术总监"]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--backend', choices=['sqlite', 'postgresql'],
        default='sqlite')
    parser.add_argument('--rows', type=int, default=10_000,
        help="customers in the file (default %(default)s)")
    parser.add_argument('--repeat', type=int, default=3,
        help="timed runs of each kind (default %(default)s)")
    parser.add_argument('--pg-uri', default=benchdb.pg_uri_default())
    parser.add_argument('--json', metavar='FILE',
        help="also write the results as JSON")
    parser.add_argument('--orm', action='store_true',
        help="also time the import creating its rows by Tryton's create() "
        "(as it did until 2026-12-04)")
    parser.add_argument('--profile', metavar='FILE',
        help="instead of timing, profile one import (cProfile) into FILE "
        "and print its top functions")
    return parser.parse_args(argv)


# --- building ---------------------------------------------------------------

def build(database):
    "The company, the sales team and the provinces; returns (ids, seconds)"
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    from benchlib import organisation

    start = time.perf_counter()
    database.create([MODULE])
    Pool(database.name).init()
    with Transaction().start(database.name, 0) as transaction:
        pool = Pool()
        Department = pool.get('crm.department')
        User = pool.get('res.user')
        Country = pool.get('country.country')
        Subdivision = pool.get('country.subdivision')
        company = organisation.create_company()
        department, = Department.create([{
                    'name': "销售部", 'company': company.id}])
        common = {'companies': [('add', [company.id])],
            'company': company.id, 'crm_department': department.id}
        manager, = User.create([{
                    'login': 'bench_manager', 'name': "陈志明",
                    'crm_level': 'manager', **common}])
        staff = User.create([{
                    'login': f'bench_staff_{i}', 'name': f"销售{i}",
                    'crm_level': 'staff', **common} for i in range(1, 9)])
        china, = Country.create([{'name': "中国", 'code': 'CN'}])
        Subdivision.create([{
                    'name': name, 'code': code, 'type': 'province',
                    'country': china.id}
                for code, name, _ in PROVINCES])
        ids = {
            'company': company.id,
            'manager': manager.id,
            'owners': [u.login for u in staff] + [manager.login],
            }
        transaction.commit()
    return ids, time.perf_counter() - start


def workbook(rows, owners, seed=7):
    "The .xlsx bytes of rows customers in the template's format"
    import openpyxl

    from xtools_crm_base.customer_import import CONTACTS, CUSTOMERS

    rng = random.Random(seed)
    book = openpyxl.Workbook(write_only=True)
    customers = book.create_sheet(CUSTOMERS.zh)
    contacts = book.create_sheet(CONTACTS.zh)
    customers.append([c.header for c in CUSTOMERS.columns])
    contacts.append([c.header for c in CONTACTS.columns])
    sources = ["Advertising", "Web Search", "Trade Show", "Telemarketing",
        "Customer Referral"]
    for i in range(rows):
        code, province, cities = rng.choice(PROVINCES)
        city = rng.choice(cities)
        person = rng.choice(SURNAMES) + ''.join(rng.choices(GIVEN, k=2))
        individual = rng.random() < .2
        name = (f"{person}{i}" if individual else
            f"{city[:-1]}{''.join(rng.choices(WORDS, k=2))}"
            f"{rng.choice(TRADES)}有限公司{i}")
        mobile = f'13{rng.randint(0, 9)}{i:08d}'
        phone = (f'+86 571 {8600_0000 + i}'
            if not individual and rng.random() < .33 else None)
        customers.append([
                name, "个人客户" if individual else "企业客户", None,
                rng.choice(sources), None, None, province, city,
                f"{city}人民路{rng.randint(1, 999)}号", phone, None,
                rng.choice(owners),
                person if not individual else None,
                None if individual else rng.choice(TITLES),
                mobile, None, f'c{i}@example.com', None, None])
        if not individual and rng.random() < .1:
            contacts.append([name, rng.choice(SURNAMES) + "经理",
                    rng.choice(TITLES), f'15{rng.randint(0, 9)}{i:08d}'])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


# --- timing -----------------------------------------------------------------

def one(dbname, ids, data, kind, values=None):
    """(seconds, CPU seconds, customers created) of one import, bare
    create, SQL insert or check, rolled back"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    from xtools_crm_base.customer_import import (
        BATCH_SIZE, CustomerFileImport)

    context = {'company': ids['company'], '_check_access': True}
    with Transaction().start(dbname, ids['manager'], context=context) \
            as transaction:
        Party = Pool().get('party.party')
        start, cpu = time.perf_counter(), time.process_time()
        if kind == 'import':
            importer = CustomerFileImport(data)
            if not importer.run():
                raise RuntimeError(
                    "the benchmark file has errors: %s" % [
                        (i.row, i.column, i.reason)
                        for i in importer.issues[:5]])
            count = len(importer.customers)
        elif kind == 'orm':
            # The import as it was until 2026-12-04: its checked rows
            # created by Tryton's create() (the same run's "before")
            importer = CustomerFileImport(data)
            assert importer.check()
            importer._warn_duplicate_mobiles()
            importer.create(orm=True)
            count = len(importer.customers)
        elif kind == 'check':
            importer = CustomerFileImport(data)
            importer.check()
            count = len(importer.customers)
        elif kind == 'bare':
            count = bare_create(Party, values, BATCH_SIZE)
        else:
            count = sql_insert(Party, values, BATCH_SIZE)
        seconds = time.perf_counter() - start
        cpu = time.process_time() - cpu
        transaction.rollback()
    return seconds, cpu, count


def bare_create(Party, values, batch_size):
    "Tryton's create of the values in batches, duplicates checked already"
    from trytond.transaction import Transaction

    from xtools_crm_base.customer import IMPORT_CHECKED
    count = 0
    sequence = Party._code_sequence()
    with Transaction().set_context({IMPORT_CHECKED: True}):
        for first in range(0, len(values), batch_size):
            vlist = [v.copy() for v in values[first:first + batch_size]]
            if sequence:
                for v, code in zip(vlist, sequence.get_many(len(vlist))):
                    v.setdefault('code', code)
            count += len(Party.create(vlist))
    return count


def sql_insert(Party, values, batch_size):
    """The floor: the same rows inserted set-based, one INSERT per table and
    batch, no ORM"""
    import datetime as dt

    from sql import Column, Table

    from trytond.transaction import Transaction
    transaction = Transaction()
    cursor = transaction.connection.cursor()
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    user = transaction.user

    def insert(table_name, vlist, extra):
        table = Table(table_name)
        names = sorted({k for v in vlist for k, x in v.items()
                if not isinstance(x, (list, tuple))} | set(extra))
        rows = [[{**v, **extra}.get(n) for n in names] for v in vlist]
        cursor.execute(*table.insert([Column(table, n) for n in names],
                rows))
    count = 0
    for first in range(0, len(values), batch_size):
        sub = values[first:first + batch_size]
        parties = [{**v, 'code': f'SQL{first + i}'}
            for i, v in enumerate(sub)]
        insert('party_party', parties,
            {'active': True, 'create_uid': user, 'create_date': now})
        party = Table('party_party')
        cursor.execute(*party.select(party.code, party.id,
                where=party.code.in_([p['code'] for p in parties])))
        by_code = dict(cursor)
        ids = [by_code[p['code']] for p in parties]
        children = {}
        for party_id, v in zip(ids, sub):
            for name, actions in v.items():
                if not isinstance(actions, (list, tuple)):
                    continue
                field = Party._fields[name]
                for action, vlist in actions:
                    children.setdefault(name, []).extend(
                        {**c, field.field: party_id} for c in vlist)
        for name, vlist in children.items():
            Target = Party._fields[name].get_target()
            insert(Target._table, vlist,
                {'active': True, 'create_uid': user, 'create_date': now})
        count += len(ids)
    return count


def create_values(dbname, ids, data):
    "What the import creates, for the bare create and the SQL insert"
    from trytond.transaction import Transaction

    from xtools_crm_base.customer_import import CustomerFileImport
    context = {'company': ids['company'], '_check_access': True}
    with Transaction().start(dbname, ids['manager'], context=context) \
            as transaction:
        importer = CustomerFileImport(data)
        assert importer.check(), importer.issues[:5]
        transaction.rollback()
        return importer.customers, importer.contact_count


def time_database(args, database, ids):
    data = workbook(args.rows, ids['owners'])
    values, contacts = create_values(database.name, ids, data)
    samples = {k: [] for k in KINDS}
    cpu = {k: [] for k in KINDS}
    counts = {}
    for i in range(args.repeat):
        # Alternate the order, so that neither always goes first
        kinds = ['import', 'bare'] if i % 2 == 0 else ['bare', 'import']
        for kind in kinds + ['sql', 'check'] + (['orm'] if args.orm else []):
            seconds, cpu_seconds, counts[kind] = one(
                database.name, ids, data, kind, values)
            samples[kind].append(seconds)
            cpu[kind].append(cpu_seconds)
            print(f"  {kind}: {seconds:.2f} s ({cpu_seconds:.2f} s CPU)",
                flush=True)
    return {
        'backend': database.backend,
        'rows': args.rows,
        'contacts': contacts,
        'file_bytes': len(data),
        'repeat': args.repeat,
        'counts': counts,
        'load_average': os.getloadavg(),
        **{kind: summary(s) for kind, s in samples.items() if s},
        'cpu': {kind: summary(s) for kind, s in cpu.items() if s},
        }


def profile(args, database, ids):
    "One import under cProfile: the stats in args.profile, the top printed"
    import cProfile
    import pstats
    data = workbook(args.rows, ids['owners'])
    profiler = cProfile.Profile()
    profiler.runcall(one, database.name, ids, data, 'import')
    profiler.dump_stats(args.profile)
    stats = pstats.Stats(args.profile)
    stats.sort_stats('cumulative').print_stats(60)
    stats.sort_stats('tottime').print_stats(30)


def report(result):
    cpu = result['cpu']
    rows = result['rows']
    imp, bare = result['import'], result['bare']
    ratio = imp['median_ms'] / bare['median_ms']
    cpu_rate = rows / (cpu['import']['median_ms'] / 1000)
    load = ', '.join(f'{x:.1f}' for x in result['load_average'])

    def rate(kind):
        return rows / (cpu[kind]['median_ms'] / 1000)
    return '\n'.join([
        f"\n## {result['backend']}: {rows} customers with "
        f"{result['contacts']} contacts ({result['file_bytes'] // 1024} KB "
        f"file), {result['repeat']} runs of each; load average {load}",
        table(['kind', 'median s', 'min s', 'max s', 'median CPU s',
                'rows per CPU s'], [
                [name, ms(result[kind]['median_ms'] / 1000),
                    ms(result[kind]['min_ms'] / 1000),
                    ms(result[kind]['max_ms'] / 1000),
                    ms(cpu[kind]['median_ms'] / 1000), f'{rate(kind):.0f}']
                for name, kind in [
                    ('import (read, check, create)', 'import'),
                    ('bare Tryton create', 'bare'),
                    ('bulk SQL insert (floor)', 'sql'),
                    ('import: read and check only', 'check'),
                    ('import by Tryton create (before)', 'orm')]
                if kind in result]),
        f"ratio import / bare create: {ratio:.2f}× median wall, "
        f"{cpu['import']['median_ms'] / cpu['bare']['median_ms']:.2f}× "
        f"median CPU (goal ≤ "
        f"{GOAL_RATIO:.0f}×: " + ('holds' if ratio <= GOAL_RATIO
            else 'FAILS') + ')',
        f"import: {cpu_rate:.0f} rows per CPU second (goal ≥ "
        f"{GOAL_ROWS_PER_CPU_SECOND}: "
        + ('holds' if cpu_rate >= GOAL_ROWS_PER_CPU_SECOND else 'FAILS')
        + f"); bare create / SQL floor (CPU): "
        f"{cpu['bare']['median_ms'] / cpu['sql']['median_ms']:.1f}×",
        ] + ([f"import / import by Tryton create (before), CPU: "
            f"{cpu['import']['median_ms'] / cpu['orm']['median_ms']:.2f}×"]
            if 'orm' in cpu else []))


def result_ok(result):
    ratio = result['import']['median_ms'] / result['bare']['median_ms']
    cpu_rate = result['rows'] / (
        result['cpu']['import']['median_ms'] / 1000)
    return ratio <= GOAL_RATIO and cpu_rate >= GOAL_ROWS_PER_CPU_SECOND


def main(argv=None):
    args = parse_args(argv)
    database = benchdb.ThrowawayDatabase(args.backend, pg_uri=args.pg_uri)
    database.configure()
    print(f"[{args.backend}] database {database.location}", flush=True)
    try:
        ids, seconds = build(database)
        print(f"[{args.backend}] built in {seconds:.0f} s; timing "
            f"{args.rows} rows …", flush=True)
        if args.profile:
            profile(args, database, ids)
            return 0
        result = time_database(args, database, ids)
        print(report(result), flush=True)
    finally:
        database.drop()
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(result, f, indent=2, default=str)
    return 0 if result_ok(result) else 1


if __name__ == '__main__':
    sys.exit(main())
