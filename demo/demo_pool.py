"""Switch the public pool (公海) of the demo company on, with the demo's
maturity grades, so that a first-time user sees the pool at work.

The demo database keeps the pool switched off (its customers are normal
customers of their owners). One command switches it on, on the running
server (its URL with the admin's login) or on the database directly
(server stopped):

    .venv/bin/python demo/demo_pool.py --url http://admin:admin2026@127.0.0.1:8000/xtools/rpc/
    .venv/bin/python demo/demo_pool.py --database xtools --config trytond.conf

It does what the CRM administrator would do by hand:
- 公海设置: the pool is switched on; the sales staff, assistants and
  managers are pool users (公海用户), the boss and the sales director pool
  administrators (公海管理员), as is the admin who runs this;
- each demo customer gets the maturity grade (成熟度) of POOL_GRADES
  below (A–C: the owner's private library, D–F: the temporary library,
  G–J: the public pool), the others grade C;
- every customer then moves to the library its grade maps to (转公海,
  "library by maturity"): the G customers lose their owner and wait in
  公海 → 公海客户 to be claimed.

A database whose pool is already on is left as it is (exit code 2).
Other code can call switch_pool_on(config) with a proteus configuration
of the admin.
"""
import argparse
import sys

from proteus import Model, Wizard

try:
    from . import demo_data as data
except ImportError:
    import demo_data as data

EXIT_REFUSED = 2
DEFAULT_GRADE = 'C'
# Demo customers and their maturity grade (code of crm.maturity); the
# customers with deals or the demo's opportunities stay with their owner.
POOL_GRADES = {
    "上海明珠广告有限公司": 'A',
    "杭州西湖国际酒店": 'A',
    "上海锦绣置业有限公司": 'A',
    "上海华信电子科技有限公司": 'B',
    "上海申城律师事务所": 'D',
    "上海市徐汇区育才实验中学": 'E',
    "杭州云栖网络科技有限公司": 'D',
    "宁波港城贸易有限公司": 'F',
    # The public pool
    "上海东信会计师事务所": 'G',
    "上海海港职业技术学校": 'G',
    "绍兴鉴湖大酒店": 'H',
    "常州天宁康复医院": 'G',
    "上海绿洲物业服务有限公司": 'I',
    "南通滨江国际会展中心": 'J',
    }
# Logins of the pool administrators (the others of the sales role are
# pool users)
POOL_ADMINS = ['wangtianhong', 'lijianhua']


class PoolAlreadyOn(Exception):
    "The pool of this database is already switched on."


def switch_pool_on(config):
    """Switch the pool on with the demo's grades in the database of
    config (a proteus config of the admin); return a dict of counts per
    library"""
    Configuration = Model.get('crm.configuration', config=config)
    User = Model.get('res.user', config=config)
    Party = Model.get('party.party', config=config)
    Maturity = Model.get('crm.maturity', config=config)

    configuration = Configuration(1)
    if configuration.pool_enabled:
        raise PoolAlreadyOn(PoolAlreadyOn.__doc__)

    sales_logins = [
        u['login'] for u in data.LOGINS if 'sales' in u['roles']]
    users = {u.login: u for u in User.find(
            [('login', 'in', sales_logins + ['admin'])])}
    admins = [users[login] for login in POOL_ADMINS + ['admin']
        if login in users]
    pool_users = [users[login] for login in sales_logins
        if login in users and login not in POOL_ADMINS]
    configuration.pool_enabled = True
    configuration.pool_admins.extend(admins)
    configuration.pool_users.extend(pool_users)
    configuration.save()

    grades = {m.code: m for m in Maturity.find([])}
    customers = Party.find([('crm_customer_type', '!=', None)])
    by_grade = {}
    for customer in customers:
        code = POOL_GRADES.get(customer.name, DEFAULT_GRADE)
        by_grade.setdefault(code, []).append(customer)
    for code, graded in sorted(by_grade.items()):
        Party.write(
            [c.id for c in graded], {'crm_maturity': grades[code].id},
            config.context)

    move = Wizard('crm.pool.to_pool', customers)
    move.form.destination = 'maturity'
    move.form.reason = "演示：按成熟度开启公海"
    move.execute('move')

    counts = {}
    for customer in Party.find([('crm_customer_type', '!=', None)]):
        counts[customer.crm_library] = counts.get(customer.crm_library, 0) + 1
    return counts


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        '--url', help="the running server: "
        "http://admin:PASSWORD@HOST:PORT/DATABASE/rpc/")
    parser.add_argument('--database', '-d', help="database name")
    parser.add_argument('--config', '-c', help="trytond configuration file")
    args = parser.parse_args(argv)
    from proteus import config as pconfig
    if args.url:
        config = pconfig.set_xmlrpc(args.url)
    elif args.database:
        config = pconfig.set_trytond(args.database, config_file=args.config)
    else:
        parser.error("--url or --database is required")
    try:
        counts = switch_pool_on(config)
    except PoolAlreadyOn as exception:
        print(f"demo_pool: {exception}", file=sys.stderr)
        return EXIT_REFUSED
    print("Public pool switched on: " + ", ".join(
            f"{library}: {count}" for library, count in sorted(
                counts.items(), key=lambda i: str(i[0]))))
    return 0


if __name__ == '__main__':
    sys.exit(main())
