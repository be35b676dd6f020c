"""Grow a copy of the demo database to load-test size (run by run.py in a
process of its own, trytond configured for the database):

    python bench/load/scale.py CONFIG DATABASE --users 200 --customers 100000

- users: the demo's 17 logins plus new sales departments under 销售部, each
  with a manager and 15 salespeople, and per department one finance, two
  customer-service and one keeper user (the demo's roles, through the
  ORM: departments, levels and groups are validated as in real use); every
  login but admin gets the bench password (one hash, copied in SQL);
- customers: inserted set-based (benchlib.organisation.insert_parties,
  with the ORM's defaults for every stored column) and owned at random by
  the salespeople and sales managers, so each owner's department is the
  one the rules read; 3 % of them then put in the public pool (no owner,
  library 'public', as a release leaves them);
- the pool switched on for every salesperson, without daily cap.

Prints a JSON line: the users by role ({role: [[login, id], ...]}).
"""
import argparse
import datetime
import json
import math
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

PASSWORD = 'Load-Bench-2026!'
DEPARTMENT_STAFF = 15
ROLES = ('staff', 'manager', 'keeper', 'finance', 'service')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('config')
    parser.add_argument('database')
    parser.add_argument('--users', type=int, default=40)
    parser.add_argument('--customers', type=int, default=5000)
    parser.add_argument('--seed', type=int, default=19)
    parser.add_argument('--describe', action='store_true',
        help="change nothing: print the users by role, the workbench "
        "blocks and the deals")
    args = parser.parse_args()

    from trytond.config import config
    config.update_etc(args.config)
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    Pool.start()
    pool = Pool(args.database)
    with Transaction().start(args.database, 0):
        pool.init()
    if not args.describe:
        with Transaction().start(args.database, 0, context={
                    'active_test': False}) as transaction:
            scale(args.users, args.customers, args.seed)
            transaction.commit()
        with Transaction().start(args.database, 0):
            from benchlib.organisation import analyze
            analyze()
    with Transaction().start(args.database, 0):
        print(json.dumps(describe(), ensure_ascii=False))


def group(name):
    from trytond.pool import Pool
    ModelData = Pool().get('ir.model.data')
    return ModelData.get_id('xtools_crm_base', f'group_role_{name}')


def scale(n_users, n_customers, seed):
    from sql import Table

    from trytond.pool import Pool
    from trytond.transaction import Transaction

    from benchlib.organisation import SURNAMES, GIVEN, insert_parties

    pool = Pool()
    User = pool.get('res.user')
    Department = pool.get('crm.department')
    Configuration = pool.get('crm.configuration')
    cursor = Transaction().connection.cursor()
    rng = random.Random(seed)

    users = User.search([('login', '!=', 'admin'), ('active', '=', True)])
    company = users[0].company
    departments = {d.name: d for d in Department.search([])}
    sales_top = departments["销售部"]

    new = []
    block = 1 + DEPARTMENT_STAFF + 4
    n_blocks = max(0, math.ceil((n_users - len(users)) / block))
    for k in range(n_blocks):
        department, = Department.create([{
                    'name': f"销售{k + 3}部", 'company': company.id,
                    'parent': sales_top.id}])
        people = [('manager', 'sales', department)] + [
            ('staff', 'sales', department)] * DEPARTMENT_STAFF + [
            ('staff', 'finance', departments["财务部"]),
            ('staff', 'service', departments["客户部"]),
            ('staff', 'service', departments["客户部"]),
            ('staff', 'stock', departments["仓储部"])]
        for level, role, where in people:
            if len(users) + len(new) >= n_users:
                break
            n = len(new) + 1
            new.append({
                    'login': f'load_{role}_{n}',
                    'name': rng.choice(SURNAMES) + ''.join(
                        rng.choices(GIVEN, k=2)) + str(n),
                    'crm_level': level, 'crm_department': where.id,
                    'groups': [('add', [group(role)])],
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    })
    if new:
        users += User.create(new)
    # One password for all, hashed once
    User.write([users[0]], {'password': PASSWORD})
    user_table = Table('res_user')
    cursor.execute(*user_table.select(user_table.password_hash,
            where=user_table.id == users[0].id))
    password_hash, = cursor.fetchone()
    cursor.execute(*user_table.update([user_table.password_hash],
            [password_hash],
            where=user_table.id.in_([u.id for u in users])))

    party = Table('party_party')
    cursor.execute(*party.select(party.id,
            where=party.crm_customer_type != None))  # noqa: E711
    existing = len(cursor.fetchall())
    by_role = roles()
    owners = [i for _, i in by_role['staff'] + by_role['manager']]
    cursor.execute(*party.select(party.id, order_by=party.id.desc,
            limit=1))
    last, = cursor.fetchone()
    if n_customers > existing:
        insert_parties(n_customers - existing, owners, seed=seed)
        # To the public pool, as a release leaves them
        cursor.execute(*party.select(party.id,
                where=(party.id > last)
                & (party.crm_customer_type != None)))  # noqa: E711
        ids = [i for i, in cursor.fetchall()]
        public = rng.sample(ids, min(len(ids),
                max(len(ids) * 3 // 100, 1500)))
        cursor.execute(*party.update(
                [party.crm_library, party.crm_owner,
                    party.crm_previous_owner, party.crm_library_date],
                ['public', None, None, datetime.date.today()],
                where=party.id.in_(public)))
    configuration = Configuration(1)
    Configuration.write([configuration], {
            'pool_enabled': True,
            'pool_users': [('add', [i for _, i in by_role['staff']])],
            'pool_daily_claim_cap': None,
            'pool_claimed_cap': 100000,
            })


def roles():
    "{role: [[login, id], ...]} of the active users but admin"
    from trytond.pool import Pool
    User = Pool().get('res.user')
    users = User.search([('login', '!=', 'admin'), ('active', '=', True)],
        order=[('id', 'ASC')])
    groups = {name: group(name)
        for name in ('sales', 'stock', 'finance', 'service')}
    by_role = {role: [] for role in ROLES}
    for user in User.browse(users):
        ids = {g.id for g in user.groups}
        if groups['sales'] in ids and user.crm_level == 'staff':
            by_role['staff'].append([user.login, user.id])
        elif groups['sales'] in ids and user.crm_level == 'manager':
            by_role['manager'].append([user.login, user.id])
        elif groups['stock'] in ids:
            by_role['keeper'].append([user.login, user.id])
        elif groups['finance'] in ids:
            by_role['finance'].append([user.login, user.id])
        elif groups['service'] in ids:
            by_role['service'].append([user.login, user.id])
    return by_role


def describe():
    """The users by role, each role's workbench blocks (their models) and
    the approved deals a receipt can be recorded on"""
    import re

    from trytond.pool import Pool
    pool = Pool()
    Workbench = pool.get('crm.workbench')
    ModelData = pool.get('ir.model.data')
    Action = pool.get('ir.action.act_window')
    Sale = pool.get('sale.sale')
    role_groups = {'staff': 'sales', 'manager': 'sales', 'keeper': 'stock',
        'finance': 'finance', 'service': 'service'}
    blocks = {}
    for role, name in role_groups.items():
        workbenches = Workbench.search([('group', '=', group(name))])
        models = []
        for workbench in workbenches[:1]:
            for view in workbench.action.act_window_views:
                for ref in re.findall(r'<action[^>]*name="([^"]+)"',
                        view.view.arch or ''):
                    if ref.isdigit():
                        action = Action(int(ref))
                    else:
                        module, _, xml_id = ref.rpartition('.')
                        action = Action(ModelData.get_id(
                                module or 'xtools_crm_reports', xml_id))
                    if action.res_model:
                        models.append(action.res_model)
        blocks[role] = models
    deals = [{'id': d.id, 'owner': d.crm_owner.id, 'customer': d.party.id}
        for d in Sale.search([('state', 'in', ['confirmed', 'processing',
                        'done']), ('crm_owner', '!=', None)])]
    return {'roles': roles(), 'blocks': blocks, 'deals': deals}


if __name__ == '__main__':
    main()
