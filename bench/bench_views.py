#!/usr/bin/env python
"""Customer view and lists benchmark: the customer view (客户视图) of a
customer with thousands of follow-ups, and the pool, opportunity and deal
lists at 100,000 / 1,000,000 customers, as sao asks for them, per role,
against the same calls by admin without rules (the practical limit).

Builds a throwaway database with xtools_crm_sales and xtools_crm_pool (the
pool switched on), --users users, --customers customers spread over the
pool's libraries, --activities activities (3 per customer by default),
tasks, contacts, schedules, opportunities and deals; one customer of the
timed salesperson gets 2,000 activities, 500 tasks and 200 deals.
Everything but the organisation is inserted set-based (python-sql), with
the ORM's defaults for every stored column. See bench/README.md.

    .venv/bin/python bench/bench_views.py --backend postgresql          # 100,000
    .venv/bin/python bench/bench_views.py --backend sqlite --quick      # 5,000

What is timed (each call in its own read-only transaction, as one RPC):

- view: what sao sends when the customer's form opens and each tab is
  shown: one read of the customer with every field of the form (the
  many2ones' rec_name, the selections' :string, the one2many ids; the
  first notebook page's list fields of its first 20 rows, with
  related_read_limit = 20, as sao asks for the "visible" x2many), then
  per other tab a read of its first rows (as many as sao loads at once:
  1000 / min(fields, 10)) with the tab's list fields; and the customer's
  deals as the "Sales" relate action lists them (search, counts, read).
- lists: the first page of an action as sao opens it: search (action
  domain and first tab, limit 60, the action's order or the model's),
  search_count up to 6,000 when the page is full, read of the list
  view's fields, and search_count up to 1,000 of each tab with a counter.
"""
import argparse
import contextlib
import datetime as dt
import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench_permissions as bp  # noqa: E402
import bench_pool_return as bpr  # noqa: E402
from benchlib import db as benchdb  # noqa: E402
from benchlib.timing import ms, summary, table  # noqa: E402

MODULES = ['xtools_crm_sales', 'xtools_crm_pool']
GOAL_VIEW_MS = 300
GOAL_RATIO = 1.2
GOAL_LIST_MS = {'postgresql': 50}
LIMIT = 60
COUNT_LIMIT = 6000
TAB_COUNT_LIMIT = 1000
SAO_LIMIT = 1000            # Sao.config.limit
SAO_DISPLAY_SIZE = 20       # Sao.config.display_size
# The big customer's records (issue 21)
BIG = {'activities': 2000, 'tasks': 500, 'deals': 200, 'contacts': 10,
    'schedules': 50, 'opportunities': 30}
# name: (module, action xml id, index of the tab sao opens)
LISTS = {
    'pool_public': ('xtools_crm_pool', 'act_pool_public', 0),
    'returning_mine': ('xtools_crm_pool', 'act_pool_returning', 0),
    'returning_all': ('xtools_crm_pool', 'act_pool_returning', 1),
    'opportunities': ('xtools_crm_sales', 'act_opportunity_form', 0),
    'deals': ('xtools_crm_sales', 'act_sale_form', 0),
    'customers': ('xtools_crm_base', 'act_customer_form', 0),
    }
ROLES = ['staff', 'manager', 'assistant', 'boss']


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--backend', choices=['sqlite', 'postgresql'],
        required=True)
    parser.add_argument('--customers', type=int, default=100_000)
    parser.add_argument('--activities', type=int,
        help="activities in all (default 3 per customer)")
    parser.add_argument('--users', type=int, default=200)
    parser.add_argument('--quick', action='store_true',
        help="5,000 customers, 5 repetitions")
    parser.add_argument('--repeat', type=int, default=10)
    parser.add_argument('--list', action='append', choices=list(LISTS),
        help="repeatable; default: all")
    parser.add_argument('--no-lists', action='store_true',
        help="time the customer view only")
    parser.add_argument('--no-view', action='store_true',
        help="do not time the customer view")
    parser.add_argument('--view-repeat', type=int,
        help="timed openings of the customer view (default: --repeat)")
    parser.add_argument('--no-jit', action='store_true',
        help="PostgreSQL: SET jit = off in every request (what a server "
        "configured with jit = off does)")
    parser.add_argument('--pg-uri', default=benchdb.pg_uri_default())
    parser.add_argument('--explain-role', action='append',
        choices=ROLES + ['baseline'],
        help="with --explain: the roles whose plans are printed "
        "(default: staff and baseline)")
    parser.add_argument('--explain', action='store_true',
        help="print each list's search SQL and plan (staff and admin)")
    parser.add_argument('--trace', action='store_true',
        help="print the statements of one customer view (staff)")
    parser.add_argument('--json', metavar='FILE')
    parser.add_argument('--keep', action='store_true')
    parser.add_argument('--reuse', metavar='NAME')
    parser.add_argument('--workdir')
    args = parser.parse_args(argv)
    if args.quick:
        args.customers = 5000
        args.repeat = min(args.repeat, 5)
    if args.activities is None:
        args.activities = 3 * args.customers
    args.lists = [] if args.no_lists else (args.list or list(LISTS))
    if args.view_repeat is None:
        args.view_repeat = args.repeat
    return args


# --- building ---------------------------------------------------------------

def _insert(Model, explicit, rows, context=None, chunk=2000):
    """Insert rows (values of explicit columns) into Model's table, with
    the ORM's defaults for the other stored columns; fails when a required
    column would stay empty"""
    from sql import Table

    from trytond.model import fields
    from trytond.transaction import Transaction
    defaults = _defaults(Model, context)
    missing = [n for n, f in Model._fields.items()
        if f.required and not isinstance(f, fields.Function)
        and f.sql_type() is not None and n not in explicit
        and n not in defaults and n not in {'id'}]
    if missing:
        raise RuntimeError(f"{Model.__name__}: no value for {missing}")
    table = Table(Model._table)
    extra = sorted(set(defaults) - set(explicit))
    columns = [getattr(table, c) for c in explicit + extra]
    cursor = Transaction().connection.cursor()
    batch, count = [], 0
    for row in rows:
        batch.append(list(row) + [defaults[c] for c in extra])
        if len(batch) == chunk:
            cursor.execute(*table.insert(columns, batch))
            count += len(batch)
            batch = []
    if batch:
        cursor.execute(*table.insert(columns, batch))
        count += len(batch)
    return count


def _defaults(Model, context=None):
    from trytond.model import fields
    from trytond.transaction import Transaction
    names = [n for n, f in Model._fields.items()
        if not isinstance(f, (fields.Function, fields.One2Many,
                fields.Many2Many))
        and f.sql_type() is not None and n != 'id']
    with Transaction().set_context(context or {}):
        defaults = Model.default_get(names, with_rec_name=False)
    return {k: v for k, v in defaults.items() if k in names}


def add_followups(args, seed=7):
    """The big customer (owned by the timed salesperson, in its private
    library) and the follow-ups, opportunities and deals of every
    customer; returns counts"""
    from sql import Null, Table

    from benchlib.organisation import GIVEN, SURNAMES
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    User = pool.get('res.user')
    rng = random.Random(seed)
    # The timed salesperson: bench_permissions' staff (first of a sub-team)
    staff = User.search([
            ('crm_level', '=', 'staff'),
            ('crm_department.parent', '!=', None),
            ], order=[('id', 'ASC')], limit=1)[0].id
    owners = [u.id for u in User.search([
                ('crm_level', 'in', ['staff', 'manager'])])]
    company = pool.get('company.company').search([], limit=1)[0]
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    today = dt.date.today()
    cursor = Transaction().connection.cursor()
    party = Table('party_party')
    cursor.execute(*party.select(
            party.id, party.crm_owner, party.crm_previous_owner,
            where=party.crm_customer_type != Null, order_by=[party.id]))
    customers = [(i, o or p or rng.choice(owners))
        for i, o, p in cursor]
    big = customers[len(customers) // 2][0]
    cursor.execute(*party.update(
            [party.crm_owner, party.crm_library, party.crm_previous_owner,
                party.crm_library_date, party.crm_last_contact_date],
            [staff, 'private', Null, today - dt.timedelta(days=10),
                today - dt.timedelta(days=1)],
            where=party.id == big))
    owner_of = dict(customers)
    owner_of[big] = staff
    ids = [c for c, _ in customers]
    counts = {'big_customer': big}

    def spread(n, big_n):
        "customer ids: big_n times the big one, n - big_n at random"
        return [big] * big_n + [rng.choice(ids)
            for _ in range(max(n - big_n, 0))]

    def day(back=730, ahead=0):
        return today + dt.timedelta(days=rng.randint(-back, ahead))

    Contact = pool.get('crm.contact')
    contacts = {}

    def contact_rows():
        for customer in spread(len(ids) // 2, BIG['contacts']):
            name = rng.choice(SURNAMES) + ''.join(rng.choices(GIVEN, k=2))
            mobile = '1%d%09d' % (rng.randint(3, 9), rng.randrange(10 ** 9))
            yield [customer, name, mobile, True, 0, now]
    counts['contacts'] = _insert(Contact,
        ['customer', 'name', 'mobile', 'active', 'create_uid',
            'create_date'], contact_rows())
    contact = Contact.__table__()
    cursor.execute(*contact.select(contact.customer, contact.id,
            where=contact.customer == big))
    for customer, id_ in cursor:
        contacts.setdefault(customer, []).append(id_)

    subjects = ['电话沟通需求', '上门拜访', '发送报价', '微信跟进', '约见面',
        '确认样品', '催款', '技术交流']
    Activity = pool.get('crm.activity')

    def activity_rows():
        for customer in spread(args.activities, BIG['activities']):
            yield [customer, rng.choice(subjects), day(),
                owner_of[customer],
                rng.choice(contacts.get(customer, [None])), 0, now]
    counts['activities'] = _insert(Activity,
        ['customer', 'subject', 'date', 'author', 'contact', 'create_uid',
            'create_date'], activity_rows())

    Task = pool.get('crm.task')

    def task_rows():
        for customer in spread(len(ids) // 2, BIG['tasks']):
            due = day(365, 60)
            state = ('open' if due >= today or rng.random() < .2
                else rng.choice(['done', 'done', 'cancelled']))
            yield [customer, rng.choice(subjects), owner_of[customer], due,
                state, due if state == 'done' else None, 0, now]
    counts['tasks'] = _insert(Task,
        ['customer', 'subject', 'assignee', 'due_date', 'state',
            'done_date', 'create_uid', 'create_date'], task_rows())

    Schedule = pool.get('crm.schedule')

    def schedule_rows():
        for customer in spread(len(ids) // 10, BIG['schedules']):
            start = dt.datetime.combine(day(180, 60), dt.time(
                    rng.randint(1, 10)))
            yield [customer, rng.choice(subjects), start,
                start + dt.timedelta(hours=1), owner_of[customer], 0, now]
    counts['schedules'] = _insert(Schedule,
        ['customer', 'subject', 'start', 'end', 'organiser', 'create_uid',
            'create_date'], schedule_rows())

    context = {'company': company.id}
    Stage = pool.get('crm.opportunity.stage')
    stages = [s.id for s in Stage.search([])]
    Opportunity = pool.get('sale.opportunity')

    def opportunity_rows():
        for i, customer in enumerate(
                spread(len(ids) // 5, BIG['opportunities'])):
            state = rng.choice(['lead', 'opportunity', 'opportunity',
                    'converted', 'won', 'lost'])
            yield [f'OPP{i + 1:07d}', customer, company.id,
                company.currency.id, day(365), state, rng.choice(stages),
                rng.randint(1, 500) * 1000,
                f'{rng.choice(subjects)}项目', 0, now]
    counts['opportunities'] = _insert(Opportunity,
        ['number', 'party', 'company', 'currency', 'start_date', 'state',
            'crm_stage', 'amount', 'description',
            'create_uid', 'create_date'], opportunity_rows(), context)

    Sale = pool.get('sale.sale')

    def sale_rows():
        for i, customer in enumerate(spread(len(ids) // 5, BIG['deals'])):
            state = rng.choice(['draft', 'quotation', 'confirmed',
                    'processing', 'processing', 'done', 'cancelled'])
            amount = rng.randint(1, 300) * 1000
            yield [f'S{i + 1:07d}' if state != 'draft' else None, customer,
                company.id, company.currency.id, day(365), state,
                rng.choice(['contract', 'order']), owner_of[customer],
                amount if state != 'draft' else None,
                amount if state != 'draft' else None,
                amount if state != 'draft' else None, 0, now]
    counts['deals'] = _insert(Sale,
        ['number', 'party', 'company', 'currency', 'sale_date', 'state',
            'crm_deal_type', 'crm_owner', 'untaxed_amount_cache',
            'total_amount_cache', 'tax_amount_cache', 'create_uid',
            'create_date'], sale_rows(), context)
    return counts


def has_customers(dbname):
    from trytond.transaction import Transaction
    with Transaction().start(dbname, 0, readonly=True):
        return bool(Pool_().get('party.party').search(bp.DOMAIN, limit=1))


def build(args, database):
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    from benchlib import organisation
    steps = {'activate_s': database.create(MODULES)}
    Pool(database.name).init()
    bpr.TODAY = dt.date.today()
    if has_customers(database.name):
        if not has_activities(database.name):
            add_all_followups(args, database, steps)
        return steps
    with Transaction().start(database.name, 0,
            _lock_tables=['crm_configuration']) as transaction:
        start = time.perf_counter()
        org = organisation.build_organisation(args.users)
        bpr.configure_pool(org.owners)
        steps['organisation_s'] = time.perf_counter() - start
        start = time.perf_counter()
        steps['parties'] = organisation.insert_parties(
            args.customers, org.owners, n_others=args.customers // 50)
        organisation.create_shares(org)
        bpr.place_customers(org.owners)
        steps['parties_s'] = time.perf_counter() - start
        transaction.commit()
    add_all_followups(args, database, steps)
    return steps


def add_all_followups(args, database, steps):
    from trytond.transaction import Transaction
    with Transaction().start(database.name, 0) as transaction:
        start = time.perf_counter()
        steps.update(add_followups(args))
        steps['followups_s'] = time.perf_counter() - start
        transaction.commit()
    bpr.vacuum(database)


def has_activities(dbname):
    from trytond.transaction import Transaction
    with Transaction().start(dbname, 0, readonly=True):
        return bool(Pool_().get('crm.activity').search([], limit=1))


# --- what sao asks ----------------------------------------------------------

def Pool_():
    from trytond.pool import Pool
    return Pool()


def fetch_names(fields_def):
    """The names sao's Record.load fetches for a view's fields: the
    fields, the many2ones' rec_name, the eager selections' :string, then
    rec_name and the access columns"""
    names = list(fields_def)
    for name, desc in fields_def.items():
        if desc['type'] in {'many2one', 'one2one', 'reference'}:
            names.append(name + '.rec_name')
        elif (desc['type'] in {'selection', 'multiselection'}
                and desc.get('loading', 'lazy') == 'eager'):
            names.append(name + ':string')
    if 'rec_name' not in names:
        names.append('rec_name')
    return names + ['_timestamp', '_write', '_delete']


def _first_view(desc):
    views = desc.get('views') or {}
    return next(iter(views.values()), None)


def x2m_sub_fields(desc, prefix):
    "sao's get_x2m_sub_fields: what the form's read asks of a visible x2many"
    view = _first_view(desc)
    if not desc.get('visible') or not view:
        return []
    names = []
    for name, sub in (view.get('fields') or {}).items():
        names.append(f'{prefix}.{name}')
        if sub['type'] in {'many2one', 'one2one', 'reference'}:
            names.append(f'{prefix}.{name}.rec_name')
        elif sub['type'] in {'selection', 'multiselection'}:
            names.append(f'{prefix}.{name}:string')
    return names + [f'{prefix}._timestamp', f'{prefix}._write',
        f'{prefix}._delete']


def view_plan():
    """The customer form as the current user gets it: (fields of the form
    read, [(tab field, model, fields of its rows, rows read at once)])"""
    from lxml import etree
    pool = Pool_()
    Party = pool.get('party.party')
    ModelData = pool.get('ir.model.data')
    view = Party.fields_view_get(
        ModelData.get_id('xtools_crm_base', 'customer_view_form'), 'form')
    arch = etree.fromstring(view['arch'])
    visible = {f.get('name') for f in arch.iter('field')
        if f.get('visible') == '1'}
    fields_def = {n: dict(d, visible=n in visible)
        for n, d in view['fields'].items()}
    form = fetch_names(fields_def)
    tabs = []
    for name, desc in fields_def.items():
        if desc['type'] not in {'one2many', 'many2many'}:
            continue
        if desc['visible']:
            form[-4:-4] = x2m_sub_fields(desc, name)
            continue
        sub = _first_view(desc)
        if sub is None:
            Target = pool.get(desc['relation'])
            sub = Target.fields_view_get(view_type='tree')
        names = fetch_names(sub['fields'])
        rows = SAO_LIMIT // min(len(names), 10)
        tabs.append((name, desc['relation'], names, rows))
    return form, tabs


def open_view(plan, customer, trace=None):
    "{part: seconds} of opening the customer view and showing every tab"
    pool = Pool_()
    from trytond.transaction import Transaction
    Party = pool.get('party.party')
    form, tabs = plan['form'], plan['tabs']
    times = {}
    start = time.perf_counter()
    with Transaction().set_context(related_read_limit=SAO_DISPLAY_SIZE):
        values, = Party.read([customer], form)
    times['form'] = time.perf_counter() - start
    for name, model, names, rows in tabs:
        ids = values[name][:rows]
        start = time.perf_counter()
        if ids:
            pool.get(model).read(ids, names)
        times[name] = time.perf_counter() - start
    start = time.perf_counter()
    list_page(plan['deals'])
    times['deals (relate)'] = time.perf_counter() - start
    return times


def list_plan(module, xml_id, tab_index, uid, active_ids=None):
    """What sao sends for an action's list, for the current user: model,
    domain (action's and the opened tab's), order, context, count tabs,
    fields read"""
    from trytond.pyson import PYSONDecoder
    from trytond.transaction import Transaction
    pool = Pool_()
    ModelData = pool.get('ir.model.data')
    ActWindow = pool.get('ir.action.act_window')
    action = ActWindow(ModelData.get_id(module, xml_id))
    env = dict(Transaction().context, _user=uid,
        context=dict(Transaction().context))
    if active_ids:
        env.update(active_model='party.party', active_ids=active_ids,
            active_id=active_ids[0])
    decoder = PYSONDecoder(env)
    domain = decoder.decode(action.pyson_domain) or []
    order = decoder.decode(action.pyson_order) or None
    context = decoder.decode(action.pyson_context) or {}
    tabs = [(d.domain and PYSONDecoder(env).decode(d.domain) or [],
            d.count) for d in action.act_window_domains]
    tab = tabs[tab_index][0] if tabs else []
    Model = pool.get(action.res_model)
    view_id = next((v.view.id for v in action.act_window_views
            if v.view.type == 'tree'), None)
    view = Model.fields_view_get(view_id, 'tree')
    return {
        'model': action.res_model,
        'domain': ['AND', domain, tab] if tab else domain,
        'order': order,
        'context': context,
        'count_tabs': [['AND', d, domain] for d, count in tabs if count],
        'fields': fetch_names(view['fields']),
        }


def list_page(plan, parts=None):
    """(ids, count) of the list's first page as sao asks it; parts: a dict
    given the seconds of each step (search, count, read, tabs)"""
    from trytond.transaction import Transaction
    Model = Pool_().get(plan['model'])
    parts = {} if parts is None else parts
    clock = [time.perf_counter()]

    def step(name):
        clock.append(time.perf_counter())
        parts[name] = clock[-1] - clock[-2]
    with Transaction().set_context(plan['context']):
        ids = list(map(int, Model.search(
                    plan['domain'], 0, LIMIT, plan['order'])))
        step('search')
        count = len(ids)
        if count == LIMIT:
            count = Model.search_count(plan['domain'], 0, COUNT_LIMIT)
        step('count')
        Model.read(ids, plan['fields'])
        step('read')
        for domain in plan['count_tabs']:
            Model.search_count(domain, 0, TAB_COUNT_LIMIT)
        step('tabs')
    return ids, count


# --- timing -----------------------------------------------------------------

def pick_users(dbname):
    """staff: the big customer's owner; manager: of its top department;
    assistant: of its top department; boss; admin (no rules). Each with
    the context the user's session sends (company, companies …); admin
    with the boss's"""
    from sql import Table
    from sql.aggregate import Count

    from benchlib import organisation
    from trytond.transaction import Transaction
    organisation.put_admin_in_companies(dbname)
    with Transaction().start(dbname, 0, readonly=True) as transaction:
        pool = Pool_()
        User = pool.get('res.user')
        Party = pool.get('party.party')
        activity = Table('crm_activity')
        cursor = transaction.connection.cursor()
        cursor.execute(*activity.select(
                activity.customer, group_by=[activity.customer],
                order_by=[Count(activity.id).desc], limit=1))
        big, = cursor.fetchone()
        staff = Party(big).crm_owner
        top = staff.crm_department
        while top.parent:
            top = top.parent
        manager, = User.search([
                ('crm_level', '=', 'manager'), ('crm_department', '=', top)],
            limit=1)
        assistant, = User.search([
                ('crm_level', '=', 'assistant'),
                ('crm_department', '=', top)], limit=1)
        boss = User.search([('crm_level', '=', 'boss')], limit=1)[0]
        admin, = User.search([('login', '=', 'admin')])
        users = {'staff': staff, 'manager': manager, 'assistant': assistant,
            'boss': boss, 'baseline': admin}
        info = {}
        for role, user in users.items():
            with transaction.set_user(user.id):
                context = User.get_preferences(context_only=True)
            info[role] = {'login': user.login, 'id': user.id,
                'check_access': role != 'baseline', 'context': context}
        for key in ['company', 'companies', 'employee', 'employees']:
            if key in info['boss']['context']:
                info['baseline']['context'][key] = info['boss']['context'][
                    key]
        info['_big'] = big
        info['_customers'] = Party.search_count(bp.DOMAIN)
        cursor.execute(*activity.select(Count(activity.id)))
        info['_activities'], = cursor.fetchone()
        transaction.rollback()
    return info


NO_JIT = False


@contextlib.contextmanager
def request(dbname, user):
    "One RPC call: a new read-only transaction as the user, rolled back"
    from trytond.transaction import Transaction
    transaction = Transaction().start(dbname, 0, readonly=True,
        context=user['context'])
    if NO_JIT:
        transaction.connection.cursor().execute('SET LOCAL jit = off')
    try:
        with transaction.set_user(user['id']), \
                transaction.set_context(_check_access=user['check_access']):
            yield transaction
    finally:
        transaction.stop(False)


def plans(args, dbname, users, big):
    "Per role: the customer view's and the lists' requests, as sao asks"
    result = {}
    for role, user in users.items():
        with request(dbname, user):
            form, tabs = view_plan()
            result[role] = {
                'view': {'form': form, 'tabs': tabs,
                    'deals': list_plan('sale', 'act_sale_relate', 0,
                        user['id'], [big])},
                # The unruled page of a "Mine" tab is the staff's own
                'lists': {name: list_plan(*LISTS[name], users['staff']['id']
                        if role == 'baseline' else user['id'])
                    for name in args.lists},
                }
    return result


def measure(args, dbname, users, plan, big):
    roles = ROLES + ['baseline']
    view_samples = {r: [] for r in roles}
    view_parts = {r: {} for r in roles}
    list_samples = {(r, n): [] for r in roles for n in args.lists}
    list_parts = {(r, n): {} for r in roles for n in args.lists}
    found = {}
    views = 0 if args.no_view else args.view_repeat
    for i in range(max(args.repeat, views) + 2):    # two warm-up rounds
        for role in roles:
            user, p = users[role], plan[role]
            if i < views + 2:
                with request(dbname, user):
                    start = time.perf_counter()
                    parts = open_view(p['view'], big)
                    total = time.perf_counter() - start
                if i >= 2:
                    view_samples[role].append(total)
                    for part, seconds in parts.items():
                        view_parts[role].setdefault(part, []).append(seconds)
            for name in args.lists if i < args.repeat + 2 else []:
                parts = {}
                with request(dbname, user):
                    start = time.perf_counter()
                    _, count = list_page(p['lists'][name], parts)
                    seconds = time.perf_counter() - start
                found[role, name] = count
                if i >= 2:
                    list_samples[role, name].append(seconds)
                    for part, part_s in parts.items():
                        list_parts[role, name].setdefault(
                            part, []).append(part_s)
    result = {'view': {}, 'lists': {}}
    if not args.no_view:
        for role in roles:
            result['view'][role] = dict(summary(view_samples[role]),
                parts={k: summary(v)['median_ms']
                    for k, v in view_parts[role].items()})
    for name in args.lists:
        result['lists'][name] = {role: dict(
                summary(list_samples[role, name]), found=found[role, name],
                parts={k: summary(v)['median_ms']
                    for k, v in list_parts[role, name].items()})
            for role in roles}
    return result


# --- diagnosis --------------------------------------------------------------

def explain(dbname, users, plan, lists, roles=None):
    from benchlib.sqltrace import SQLTrace
    from benchlib.sqltrace import explain as explain_sql
    from trytond.transaction import Transaction
    out = []
    for name in lists:
        for role in roles or ['staff', 'baseline']:
            p = plan[role]['lists'][name]
            with request(dbname, users[role]):
                Model = Pool_().get(p['model'])
                with Transaction().set_context(p['context']):
                    # The statement the search runs (not its query=True:
                    # a page by arms, rule_arm_search.py, is not a query)
                    with SQLTrace() as trace:
                        Model.search(p['domain'], 0, LIMIT, p['order'])
                    sql, params, _ = trace.statements[-1]
                    out.append(f"\n### {name}, {role}\n")
                    out.extend('    ' + line
                        for line in explain_sql(sql, params))
                    # sao's count, the statement search_count runs
                    with SQLTrace() as trace:
                        Model.search_count(p['domain'], 0, COUNT_LIMIT)
                    sql, params, _ = trace.statements[-1]
                    out.append(f"\n### {name}, {role}: count\n")
                    out.extend('    ' + line
                        for line in explain_sql(sql, params))
    return '\n'.join(out)


def trace(dbname, users, plan, big):
    from benchlib.sqltrace import SQLTrace
    out = []
    for role in ['staff', 'baseline']:
        with request(dbname, users[role]):
            open_view(plan[role]['view'], big)
        with request(dbname, users[role]):
            with SQLTrace() as t:
                start = time.perf_counter()
                open_view(plan[role]['view'], big)
                total = time.perf_counter() - start
        out.append(f"\n### customer view, {role}: {len(t.statements)} "
            f"statements, {t.seconds * 1000:.1f} ms in SQL of "
            f"{total * 1000:.1f} ms")
        for sql, _, seconds in sorted(t.statements, key=lambda s: -s[2])[:25]:
            text = ' '.join(sql.split())
            out.append(f"  {seconds * 1000:7.2f} ms  {text[:400]}")
    return '\n'.join(out)


# --- reporting --------------------------------------------------------------

def report(result):
    backend = result['backend']
    lines = [f"\n## {backend}{' (jit off)' if result['no_jit'] else ''}: "
        f"{result['customers']} customers, {result['activities']} "
        f"activities; median of {result['repeat']} (view: "
        f"{result['view_repeat']}) (ms; ratio to admin without rules); "
        f"load average {result['load_before']} → {result['load_after']}"]
    view = result['timings']['view']
    if view:
        base = view['baseline']['median_ms']
        rows = []
        for role in ROLES + ['baseline']:
            r = view[role]
            rows.append([role if role != 'baseline' else 'admin, no rules',
                result['users'][role]['login'], ms(r['median_ms']),
                ms(r['p90_ms']), f"{r['median_ms'] / base:.2f}×",
                'yes' if r['median_ms'] < GOAL_VIEW_MS else 'NO'])
        lines.append(f"\ncustomer view of customer {result['big']} "
            f"({BIG['activities']} activities, {BIG['tasks']} tasks, "
            f"{BIG['deals']} deals): form read + every tab's first rows "
            f"+ the deals relate list")
        lines.append(table(['role', 'user', 'median ms', 'p90 ms', 'ratio',
                    f'<{GOAL_VIEW_MS} ms'], rows,
                align=['l', 'l', 'r', 'r', 'r', 'r']))
        parts = list(view['staff']['parts'])
        lines.append("\nparts (median ms):")
        lines.append(table(['part'] + ROLES + ['no rules'],
                [[p] + [ms(view[r]['parts'][p]) for r in ROLES
                        + ['baseline']] for p in parts]))
    rows = []
    goal_ms = GOAL_LIST_MS.get(backend)
    for name, by_role in result['timings']['lists'].items():
        base = by_role['baseline']['median_ms']
        row = [name, by_role['baseline']['found'], ms(base)]
        ok = True
        for role in ROLES:
            median = by_role[role]['median_ms']
            row.append(f"{ms(median)} ({median / base:.2f}×) "
                f"[{by_role[role]['found']}]")
            ok &= median / base <= GOAL_RATIO and (
                goal_ms is None or median < goal_ms)
        row.append('yes' if ok else 'NO')
        rows.append(row)
    lines.append("\nlists, first page as sao opens it (search 60, count ≤ "
        "6,000, read of the list view's fields, tab counters); [found]")
    lines.append(table(['list', 'found (no rules)', 'no rules'] + ROLES
            + [f'≤{GOAL_RATIO}×' + (f', <{goal_ms} ms' if goal_ms else '')],
            rows, align=['l'] + ['r'] * (3 + len(ROLES))))
    rows = [[name] + [' / '.join(ms(by_role[r]['parts'].get(part, 0))
                    for part in ['search', 'count', 'read', 'tabs'])
                for r in ROLES + ['baseline']]
        for name, by_role in result['timings']['lists'].items()]
    lines.append("\nlists by step, median ms: search / count / read / tab "
        "counters")
    lines.append(table(['list'] + ROLES + ['no rules'], rows))
    return '\n'.join(lines)


def main(argv=None):
    global NO_JIT
    args = parse_args(argv)
    NO_JIT = args.no_jit and args.backend == 'postgresql'
    database = benchdb.ThrowawayDatabase(
        args.backend, pg_uri=args.pg_uri, name=args.reuse,
        workdir=args.workdir, keep=args.keep, reuse=bool(args.reuse))
    database.configure()
    print(f"[{args.backend}] database {database.location}", flush=True)
    try:
        start = time.perf_counter()
        setup = build(args, database)
        setup['build_s'] = time.perf_counter() - start
        print(f"[{args.backend}] set-up: {setup}", flush=True)
        users = pick_users(database.name)
        big = users.pop('_big')
        customers = users.pop('_customers')
        activities = users.pop('_activities')
        plan = plans(args, database.name, users, big)
        load_before = '%.1f' % os.getloadavg()[0]
        timings = measure(args, database.name, users, plan, big)
        result = {'backend': args.backend, 'customers': customers,
            'activities': activities, 'no_jit': NO_JIT,
            'repeat': args.repeat, 'view_repeat': args.view_repeat, 'setup': setup, 'big': big,
            'users': {r: {'login': u['login']} for r, u in users.items()},
            'load_before': load_before,
            'load_after': '%.1f' % os.getloadavg()[0],
            'timings': timings}
        print(report(result), flush=True)
        if args.explain:
            print(explain(database.name, users, plan, args.lists,
                    args.explain_role),
                flush=True)
        if args.trace:
            print(trace(database.name, users, plan, big), flush=True)
        if args.json:
            with open(args.json, 'w') as f:
                json.dump(result, f, indent=1, default=str)
        return result
    finally:
        database.finish()


if __name__ == '__main__':
    main()
