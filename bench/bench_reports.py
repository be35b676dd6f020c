#!/usr/bin/env python
"""Reports benchmark: the sales reports of xtools_crm_reports against plain
Tryton's own sale reporting and against one hand-written SQL GROUP BY of
the same figures, in the same run.

Builds a throwaway database with xtools_crm_reports, an organisation of
--users users, customers, products and --lines sale lines of approved
deals over three years (bulk SQL), then times, for the boss and for a
manager of a department with sub-departments, with the record rules on:

- summary: crm.reporting.sales.summary over the three years, search and
  read of every row (what sao asks for the whole list), against
  SELECT month, salesperson, SUM(quantity × unit price), COUNT(DISTINCT
  deal) … GROUP BY month, salesperson on the same deals (for the manager:
  the customers of the department's people, as the rules say);
- summary page: the same report's first page, as sao asks for a list
  (search with limit 1,000, read of those rows), against the same GROUP BY
  of every row; it shows the report without Tryton's own cost of making
  thousands of records (ModelStorage.browse checks its whole id list
  once per record: quadratic, 5–10 s at 7,000 rows);
- yoy: crm.reporting.sales.yoy of the last year (12 rows), against the
  monthly sums of the same two years by one GROUP BY;
- months: crm.reporting.sales.period, net sales by month over the three
  years, against plain Tryton: sale.reporting.main.time_series (the
  sale module's "Sales" report by month) of the same deals and period,
  search and read of every row, as the same user without record rules
  (Tryton's report has none: the boss's figures are the same, the
  manager's are the company's).

Each report's figures are checked against its baseline's before timing.
Goal: report ≤ 2× its baseline and under 2 s on PostgreSQL, for the boss
and for the manager. See bench/README.md.

    .venv/bin/python bench/bench_reports.py                  # full size
    .venv/bin/python bench/bench_reports.py --quick          # 20,000 lines
    .venv/bin/python bench/bench_reports.py --backend sqlite --lines 50000
    .venv/bin/python bench/bench_reports.py --keep      # then --reuse NAME
    .venv/bin/python bench/bench_reports.py --reuse NAME --explain
"""
import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import time
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from benchlib import db as benchdb  # noqa: E402
from benchlib.timing import ms, summary, table, timed  # noqa: E402

GOAL_RATIO = 2.0
GOAL_SECONDS = 2.0
MODULE = 'xtools_crm_reports'
LINES_PER_DEAL = 5
YEARS = 3
SUMMARY_FIELDS = ['date', 'salesperson', 'department', 'deals', 'sales',
    'returns', 'net', 'currency']
YOY_FIELDS = ['month', 'net', 'net_last_year', 'yoy', 'net_previous_month',
    'mom']
MONTH_FIELDS = ['date', 'deals', 'sales', 'returns', 'net', 'currency']
TRYTON_MONTH_FIELDS = ['date', 'number', 'revenue', 'currency']
PAGE = 1000   # sao's list page (Sao.config.limit)
REPORTS = {
    'summary': "hand-written SQL",
    'summary page': "hand-written SQL",
    'yoy': "hand-written SQL",
    'months': "plain Tryton (sale.reporting.main.time_series)",
    'summary (totals)': "hand-written SQL, deal totals",
    'yoy (totals)': "hand-written SQL, deal totals",
    }
# The hand-written SQL sums the deals' lines (what the issue names); the
# "(totals)" rows time the same reports against a GROUP BY of the deals'
# untaxed totals stored by Tryton (no lines joined): the floor a report
# of deals by period can reach, shown beside the goal's baseline.
SOURCES = {
    'lines': ("SUM(l.quantity * l.unit_price) "
        "FROM sale_line l JOIN sale_sale s ON l.sale = s.id ",
        "AND l.type = 'line' "),
    'totals': ("SUM(s.untaxed_amount_cache) FROM sale_sale s ", ""),
    }


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--backend', choices=['sqlite', 'postgresql', 'both'],
        default='postgresql')
    parser.add_argument('--lines', type=int, default=200_000)
    parser.add_argument('--users', type=int, default=200)
    parser.add_argument('--customers', type=int, default=20_000)
    parser.add_argument('--products', type=int, default=200)
    parser.add_argument('--repeat', type=int, default=7)
    parser.add_argument('--quick', action='store_true',
        help="a quick size: 20,000 lines, 2,000 customers, 3 repeats")
    parser.add_argument('--pg-uri', default=benchdb.pg_uri_default())
    parser.add_argument('--json', metavar='FILE')
    parser.add_argument('--keep', action='store_true',
        help="keep the database (its name and directory are printed)")
    parser.add_argument('--reuse', metavar='NAME',
        help="time an existing database made by a --keep run (with "
        "--backend, and --workdir for SQLite)")
    parser.add_argument('--workdir', help="the directory of --reuse SQLite")
    parser.add_argument('--explain', action='store_true',
        help="print the plan of the heaviest statement of each report "
        "and baseline, per user")
    args = parser.parse_args(argv)
    if args.quick:
        args.lines, args.customers, args.repeat = 20_000, 2_000, 3
    return args


# --- building -------------------------------------------------------------

def build(args, database):
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    from benchlib import organisation

    steps = {}
    steps['activate_s'] = database.create([MODULE])
    Pool(database.name).init()
    if database.reuse:
        with Transaction().start(database.name, 0, readonly=True):
            Line = Pool().get('sale.line')
            steps['lines'] = Line.search([], count=True)
        return steps
    with Transaction().start(database.name, 0):
        seconds, org = timed(organisation.build_organisation, args.users)
        steps['organisation_s'] = seconds
        seconds, _ = timed(organisation.insert_parties,
            args.customers, org.owners)
        steps['customers_s'] = seconds
        seconds, products = timed(
            create_products, args.products, org.company)
        steps['products_s'] = seconds
        add_company_rate(org.company)
        seconds, count = timed(insert_sales, args.lines, products)
        steps['lines_s'] = seconds
        steps['lines'] = count
    with Transaction().start(database.name, 0):
        organisation.analyze()
    return steps


def create_products(n, company):
    "n goods of the company (id): [(product id, unit id, list price)]"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Template = pool.get('product.template')
    Uom = pool.get('product.uom')
    unit, = Uom.search([('name', '=', 'Unit')])
    with Transaction().set_context(company=company):
        return _create_products(n, Template, unit)


def _create_products(n, Template, unit):
    templates = Template.create([{
                'name': f"产品 {i + 1}", 'type': 'goods',
                'default_uom': unit.id, 'salable': True,
                'sale_uom': unit.id,
                'list_price': Decimal(100 + i % 900),
                'products': [('create', [{}])],
                } for i in range(n)])
    return [(t.products[0].id, unit.id, t.list_price) for t in templates]


def add_company_rate(company):
    """A rate of the company's currency: Tryton's sale reporting keeps only
    the lines whose currencies have a rate on their date (ours converts
    only other currencies)"""
    from trytond.pool import Pool
    pool = Pool()
    Company = pool.get('company.company')
    Rate = pool.get('currency.currency.rate')
    Rate.create([{'currency': Company(company).currency.id,
                'date': dt.date(2000, 1, 1), 'rate': Decimal(1)}])


def _defaults(Model, context=None):
    "The ORM's defaults of Model's stored columns (bulk rows look alike)"
    from trytond.model import fields as tfields
    from trytond.transaction import Transaction
    names = [n for n, f in Model._fields.items()
        if not isinstance(f, (tfields.Function, tfields.One2Many,
                tfields.Many2Many))
        and f.sql_type() is not None]
    with Transaction().set_context(context or {}):
        defaults = Model.default_get(names, with_rec_name=False)
    return {k: v for k, v in defaults.items() if k in names}


def insert_sales(n_lines, products, seed=4, chunk=2000):
    """Approved deals of LINES_PER_DEAL lines each, spread over the last
    YEARS years, each of a random customer and owned by its owner"""
    from sql import Table

    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Sale = pool.get('sale.sale')
    Line = pool.get('sale.line')
    Company = pool.get('company.company')
    company, = Company.search([])
    cursor = Transaction().connection.cursor()
    party = Table('party_party')
    cursor.execute(*party.select(party.id, party.crm_owner,
            where=party.crm_customer_type != None))  # noqa: E711
    customers = cursor.fetchall()
    rng = random.Random(seed)
    today = dt.date.today()
    days = YEARS * 365
    with Transaction().set_context(company=company.id):
        sale_defaults = _defaults(Sale)
        line_defaults = _defaults(Line)
    sale = Table('sale_sale')
    line = Table('sale_line')
    sale_fixed = {
        'company': company.id, 'currency': company.currency.id,
        'state': 'confirmed', 'crm_deal_type': 'order',
        'invoice_method': 'manual', 'shipment_method': 'manual',
        'create_uid': 0}
    sale_extra = sorted(set(sale_defaults) - set(sale_fixed) - {
            'id', 'party', 'crm_owner', 'sale_date', 'number',
            'create_date', 'untaxed_amount_cache'})
    # The untaxed total Tryton stores when it confirms a deal
    sale_columns = (['party', 'crm_owner', 'sale_date', 'number',
            'create_date', 'untaxed_amount_cache']
        + list(sale_fixed) + sale_extra)
    line_fixed = {'type': 'line', 'create_uid': 0}
    line_extra = sorted(set(line_defaults) - set(line_fixed) - {
            'id', 'sale', 'product', 'unit', 'quantity', 'unit_price',
            'create_date', 'sequence'})
    line_columns = (['sale', 'product', 'unit', 'quantity', 'unit_price',
            'create_date', 'sequence'] + list(line_fixed) + line_extra)
    now = dt.datetime.now()
    n_deals = n_lines // LINES_PER_DEAL
    # PostgreSQL takes at most 65,535 parameters a statement
    chunk = min(chunk, 60_000 // len(sale_columns))
    count = 0
    for start in range(0, n_deals, chunk):
        rows, deal_lines = [], {}
        for i in range(start, min(start + chunk, n_deals)):
            customer, owner = rng.choice(customers)
            date = today - dt.timedelta(days=rng.randrange(days))
            number = f'BENCH{i + 1:07d}'
            deal_lines[number] = lines = [
                (*rng.choice(products), float(rng.randint(1, 20)))
                for _ in range(LINES_PER_DEAL)]
            total = sum(Decimal(str(quantity)) * price
                for _, _, price, quantity in lines)
            rows.append([customer, owner, date, number, now, total]
                + list(sale_fixed.values())
                + [sale_defaults.get(c) for c in sale_extra])
        cursor.execute(*sale.insert(
                [getattr(sale, c) for c in sale_columns], rows))
        cursor.execute(*sale.select(sale.id, sale.number,
                where=sale.number.in_([r[3] for r in rows])))
        line_rows = []
        for sale_id, number in cursor.fetchall():
            for sequence, (product, unit, price, quantity) in enumerate(
                    deal_lines[number]):
                line_rows.append([sale_id, product, unit,
                        quantity, price, now, sequence]
                    + list(line_fixed.values())
                    + [line_defaults.get(c) for c in line_extra])
        step = 60_000 // len(line_columns)
        for i in range(0, len(line_rows), step):
            cursor.execute(*line.insert(
                    [getattr(line, c) for c in line_columns],
                    line_rows[i:i + step]))
        count += len(line_rows)
    return count


# --- what is timed ----------------------------------------------------------

def pick_users():
    """The boss and the manager of a department with sub-departments"""
    from trytond.pool import Pool
    User = Pool().get('res.user')
    boss, = User.search([('crm_level', '=', 'boss')], limit=1)
    manager = next(u for u in User.search([
                ('crm_level', '=', 'manager'),
                ('crm_department.parent', '=', None),
                ], order=[('id', 'ASC')])
        if u.crm_department.children)
    return {'boss': boss.id, 'manager': manager.id}


def owners_of(user_id):
    "The users whose customers user_id reads (None: all)"
    from xtools_crm_base.visibility import user_visibility
    see_all, read_all, owners, _, _ = user_visibility(user_id)
    return None if read_all else list(owners)


def report_context(company):
    today = dt.date.today()
    return {
        'company': company,
        'from_date': today - dt.timedelta(days=YEARS * 365),
        'to_date': today,
        'period': 'month',
        'year': today.year - 1,
        }


def run_report(model, fields_names, limit=None):
    """search + read of every row (limit: of the first limit rows, as sao
    asks for a list's first page)"""
    from trytond.pool import Pool
    Model = Pool().get(model)
    records = Model.search([], limit=limit)
    return Model.read([r.id for r in records], fields_names)


def run_tryton_months():
    """Plain Tryton: the sale module's sales by month, as the user but
    without record rules (Tryton's reports have none)"""
    from trytond.transaction import Transaction
    with Transaction().set_context(_check_access=False):
        return run_report(
            'sale.reporting.main.time_series', TRYTON_MONTH_FIELDS)


def _dialect():
    "(parameter marker, EXTRACT of the sale date) of the backend"
    from trytond import backend
    if backend.name == 'postgresql':
        return '%s', lambda f: f'EXTRACT({f} FROM s.sale_date)'
    # Tryton's SQLite functions
    return '?', lambda f: f"EXTRACT('{f}', s.sale_date)"


def hand_summary(owners, context, source='lines'):
    """The summary's figures by one hand-written GROUP BY (deals only: the
    benchmark has no returns) of the deals' lines or stored totals"""
    from trytond.transaction import Transaction
    cursor = Transaction().connection.cursor()
    where, params = '', []
    if owners is not None:
        where = ' AND p.crm_owner IN (%s)' % ','.join(['%s'] * len(owners))
        params = list(owners)
    param, extract = _dialect()
    amount, lines = SOURCES[source]
    sql = (
        "SELECT DATE_TRUNC('month', s.sale_date), s.crm_owner, "
        "COUNT(DISTINCT s.id), " + amount
        + "JOIN party_party p ON s.party = p.id "
        "WHERE s.state IN ('confirmed', 'processing', 'done') "
        + lines + "AND s.company = %s "
        "AND s.sale_date >= %s AND s.sale_date <= %s" + where
        + " GROUP BY DATE_TRUNC('month', s.sale_date), s.crm_owner")
    sql = sql.replace('%s', param)
    cursor.execute(sql, [context['company'], context['from_date'],
            context['to_date']] + params)
    return cursor.fetchall()


def hand_yoy(owners, context, source='lines'):
    "The monthly sums of the YoY's two years by one GROUP BY"
    from trytond.transaction import Transaction
    cursor = Transaction().connection.cursor()
    year = context['year']
    where, params = '', []
    if owners is not None:
        where = ' AND p.crm_owner IN (%s)' % ','.join(['%s'] * len(owners))
        params = list(owners)
    param, extract = _dialect()
    amount, lines = SOURCES[source]
    sql = (
        f"SELECT {extract('YEAR')}, {extract('MONTH')}, " + amount
        + "JOIN party_party p ON s.party = p.id "
        "WHERE s.state IN ('confirmed', 'processing', 'done') "
        + lines + "AND s.company = %s "
        "AND s.sale_date >= %s AND s.sale_date <= %s" + where
        + f" GROUP BY {extract('YEAR')}, {extract('MONTH')}")
    sql = sql.replace('%s', param)
    cursor.execute(sql, [context['company'], dt.date(year - 1, 1, 1),
            dt.date(year, 12, 31)] + params)
    return cursor.fetchall()


def measure(database, args):
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool(database.name).init()
    with Transaction().start(database.name, 0, readonly=True):
        users = pick_users()
        company, = Pool().get('company.company').search([])
        company = company.id
        owners = {role: owners_of(uid) for role, uid in users.items()}
    context = report_context(company)
    # name: (our report, its baseline of the same figures)
    variants = {
        'summary': (
            lambda: run_report(
                'crm.reporting.sales.summary', SUMMARY_FIELDS),
            lambda role: hand_summary(owners[role], context)),
        'summary page': (
            lambda: run_report(
                'crm.reporting.sales.summary', SUMMARY_FIELDS, PAGE),
            lambda role: hand_summary(owners[role], context)),
        'yoy': (
            lambda: run_report('crm.reporting.sales.yoy', YOY_FIELDS),
            lambda role: hand_yoy(owners[role], context)),
        'months': (
            lambda: run_report('crm.reporting.sales.period', MONTH_FIELDS),
            lambda role: run_tryton_months()),
        'summary (totals)': (
            lambda: run_report(
                'crm.reporting.sales.summary', SUMMARY_FIELDS),
            lambda role: hand_summary(owners[role], context, 'totals')),
        'yoy (totals)': (
            lambda: run_report('crm.reporting.sales.yoy', YOY_FIELDS),
            lambda role: hand_yoy(owners[role], context, 'totals')),
        }
    samples = {}
    checks = {}
    for round_ in range(args.repeat + 1):
        for role, user in users.items():
            for name, (report, hand) in variants.items():
                for kind in ['report', 'sql']:
                    transaction = Transaction().start(
                        database.name, 0, readonly=True)
                    try:
                        with transaction.set_user(user), \
                                transaction.set_context(
                                    context, _check_access=True):
                            start = time.perf_counter()
                            result = (report() if kind == 'report'
                                else hand(role))
                            seconds = time.perf_counter() - start
                    finally:
                        transaction.stop(False)
                    if round_ == 0:
                        checks[(role, name, kind)] = result
                        continue   # warm-up
                    samples.setdefault((role, name, kind), []).append(
                        seconds)
    # The report and the SQL give the same figures
    for role in users:
        report = checks[(role, 'summary', 'report')]
        hand = checks[(role, 'summary', 'sql')]
        got = sorted((r['salesperson'], round(float(r['net']), 2))
            for r in report)
        expected = sorted((o, round(float(t), 2)) for _, o, _, t in hand)
        assert len(got) == len(expected), (role, len(got), len(expected))
        assert _same_sums(got, expected), role
        report = checks[(role, 'yoy', 'report')]
        hand = {(int(y), int(m)): float(t)
            for y, m, t in checks[(role, 'yoy', 'sql')]}
        for row in report:
            expected = hand.get((context['year'], row['month']), 0)
            assert abs(float(row['net']) - expected) < 0.01 * max(
                1, len(report)), (role, row, expected)
        # By month: the boss's as Tryton's; the manager's as the SQL's
        got = {r['date']: float(r['net'])
            for r in checks[(role, 'months', 'report')]}
        if owners[role] is None:
            expected = {r['date']: float(r['revenue'])
                for r in checks[(role, 'months', 'sql')]}
        else:
            expected = {}
            for month, _, _, total in checks[(role, 'summary', 'sql')]:
                month = _as_date(month)
                expected[month] = expected.get(month, 0) + float(total)
        assert got.keys() == expected.keys(), role
        assert all(abs(got[m] - expected[m]) < 0.05 for m in got), role
    rows = {}
    for role in users:
        rows[(role, 'summary')] = len(checks[(role, 'summary', 'report')])
        rows[(role, 'summary page')] = len(
            checks[(role, 'summary page', 'report')])
        # The first page: rows of the whole list, the same figures
        whole = {r['id']: r for r in checks[(role, 'summary', 'report')]}
        page = checks[(role, 'summary page', 'report')]
        assert len(page) == min(PAGE, len(whole)), role
        assert all(whole[r['id']] == r for r in page), role
        rows[(role, 'yoy')] = len(checks[(role, 'yoy', 'report')])
        rows[(role, 'months')] = len(checks[(role, 'months', 'report')])
        for name in ['summary', 'yoy']:
            rows[(role, f'{name} (totals)')] = rows[(role, name)]
            # Both baselines give the same figures
            assert sorted(map(tuple, checks[(role, name, 'sql')])) == sorted(
                map(tuple, checks[(role, f'{name} (totals)', 'sql')])), (
                role, name)
    return users, samples, rows


def _as_date(value):
    "A month of the hand-written SQL (a date, or a text on SQLite)"
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value


def _same_sums(got, expected):
    "Same totals per salesperson (rows may be ordered differently)"
    def totals(rows):
        result = {}
        for who, amount in rows:
            result[who] = result.get(who, 0) + amount
        return result
    got, expected = totals(got), totals(expected)
    return set(got) == set(expected) and all(
        abs(got[k] - expected[k]) < 0.05 for k in got)


def explain_reports(database):
    """The plan of the heaviest SQL statement of each report and of its
    baseline, per user, run once warm (EXPLAIN ANALYZE on PostgreSQL)"""
    from benchlib.sqltrace import SQLTrace, explain
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(database.name, 0, readonly=True):
        users = pick_users()
        company, = Pool().get('company.company').search([])
        owners = {role: owners_of(uid) for role, uid in users.items()}
    context = report_context(company.id)
    runs = {
        'summary': lambda role: run_report(
            'crm.reporting.sales.summary', SUMMARY_FIELDS),
        'summary sql': lambda role: hand_summary(owners[role], context),
        'yoy': lambda role: run_report('crm.reporting.sales.yoy', YOY_FIELDS),
        'yoy sql': lambda role: hand_yoy(owners[role], context),
        }
    out = []
    for role, user in users.items():
        for name, run in runs.items():
            transaction = Transaction().start(
                database.name, 0, readonly=True)
            try:
                with transaction.set_user(user), transaction.set_context(
                        context, _check_access=True):
                    run(role)
                    with SQLTrace() as trace:
                        run(role)
                    statements = sorted(
                        trace.statements, key=lambda s: -s[2])
                    out.append(f"\n### {role} {name}: "
                        f"{len(statements)} statements, "
                        f"{trace.seconds * 1000:.0f} ms in SQL; "
                        + ', '.join(f'{s * 1000:.0f}'
                            for _, _, s in statements[:4]) + ' ms')
                    sql, params, _ = statements[0]
                    out.append(sql)
                    out.extend('    ' + line
                        for line in explain(sql, params))
            finally:
                transaction.stop(False)
    return '\n'.join(out)


def run_backend(args, backend):
    database = benchdb.ThrowawayDatabase(
        backend, pg_uri=args.pg_uri, name=args.reuse, workdir=args.workdir,
        keep=args.keep, reuse=bool(args.reuse))
    database.configure()
    try:
        steps = build(args, database)
        if args.explain:
            print(explain_reports(database), flush=True)
        users, samples, rows = measure(database, args)
    finally:
        database.finish()
    results = []
    for role in users:
        for name in REPORTS:
            report = summary(samples[(role, name, 'report')])
            baseline = summary(samples[(role, name, 'sql')])
            results.append({
                    'role': role, 'report': name,
                    'report_ms': report['median_ms'],
                    'report_p90_ms': report['p90_ms'],
                    'baseline_ms': baseline['median_ms'],
                    'ratio': report['median_ms'] / baseline['median_ms'],
                    'rows': rows[(role, name)],
                    })
    return {'backend': backend, 'steps': steps, 'results': results,
        'lines': args.lines}


def print_results(result):
    print(f"\n## {result['backend']} — {result['lines']:,} sale lines")
    rows = []
    for r in result['results']:
        ok = (r['ratio'] <= GOAL_RATIO
            and r['report_ms'] / 1000 < GOAL_SECONDS)
        rows.append([r['role'], r['report'], r['rows'], ms(r['report_ms']),
                ms(r['report_p90_ms']), REPORTS[r['report']],
                ms(r['baseline_ms']), f"{r['ratio']:.2f}",
                'yes' if ok else 'NO'])
    print(table(['user', 'report', 'rows', 'median ms', 'p90 ms',
                'baseline', 'baseline ms', 'ratio',
                f'≤{GOAL_RATIO}× and <{GOAL_SECONDS}s'], rows,
            align=['l', 'l', 'r', 'r', 'r', 'l', 'r', 'r', 'l']))
    print('build: ' + ', '.join(f'{k} {v:.0f}' if isinstance(v, float)
            else f'{k} {v}' for k, v in result['steps'].items()))


def main(argv=None):
    args = parse_args(argv)
    if args.backend == 'both':
        results = []
        for backend in ['sqlite', 'postgresql']:
            out = subprocess.run([sys.executable, __file__,
                    '--backend', backend, '--json', '/dev/stdout',
                    '--lines', str(args.lines), '--users', str(args.users),
                    '--customers', str(args.customers),
                    '--repeat', str(args.repeat),
                    '--pg-uri', args.pg_uri],
                capture_output=True, text=True, check=True)
            results.append(json.loads(out.stdout.splitlines()[-1]))
        for result in results:
            print_results(result)
        return 0
    result = run_backend(args, args.backend)
    if args.json:
        with open(args.json, 'w') as f:
            f.write(json.dumps(result) + '\n')
        if args.json == '/dev/stdout':
            return 0
    print_results(result)
    return 0


if __name__ == '__main__':
    sys.exit(main())
