"""Create the demo database once: schema, all XToolsCRM addons, zh_CN, demo
data. A second call finds it and changes nothing.

    python scripts/demo_db.py NAME [--config trytond.conf]

Works on the SQLite default and on PostgreSQL (TRYTOND_DATABASE__URI).
On SQLite the database is built under a temporary name and renamed at the
end, so an interrupted build never leaves a half-made database behind.
"""
import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile

ADDONS = [
    'xtools_crm_base', 'xtools_crm_sales', 'xtools_crm_stock',
    'xtools_crm_service', 'xtools_crm_pool', 'xtools_crm_reports',
    'xtools_crm_marketing', 'xtools_crm_office',
    ]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)
ADMIN_PASSWORD = os.environ.get('XTOOLS_ADMIN_PASSWORD', 'admin2026')


def backend_info(config_file):
    from trytond import config
    config.update_etc(config_file)
    parse_uri = config.parse_uri
    uri = parse_uri(config.get('database', 'uri'))
    return uri.scheme, config.get('database', 'path')


def exists(name, scheme, path):
    if scheme == 'sqlite':
        return os.path.exists(os.path.join(path, name + '.sqlite'))
    from trytond import backend
    return name in backend.Database().list()


def server_transaction():
    "A transaction on no database, to create or drop one"
    from trytond.transaction import Transaction
    return Transaction().start(None, 0, close=True, autocommit=True)


def admin(config_file, database, *args):
    with tempfile.NamedTemporaryFile('w', suffix='.pass') as passfile:
        passfile.write(ADMIN_PASSWORD)
        passfile.flush()
        env = dict(os.environ, TRYTONPASSFILE=passfile.name)
        subprocess.run(
            [os.path.join(BIN, 'trytond-admin'), '-c', config_file,
                '-d', database, *args],
            check=True, env=env)


def build(name, config_file, scheme, path):
    if scheme == 'sqlite':
        os.makedirs(path, exist_ok=True)
        open(os.path.join(path, name + '.sqlite'), 'w').close()
    else:
        with server_transaction() as transaction:
            transaction.database.create(transaction.connection, name)
    admin(config_file, name, '--all', '--email', 'admin@example.com',
        '-l', 'zh_CN')
    admin(config_file, name, '-u', *ADDONS, '--activate-dependencies',
        '-l', 'zh_CN')
    # The loader works as the demo users do, each step after the one
    # before: with the production queue on (make serve-pg), a confirmed
    # purchase would wait for a worker to be processed and its inbound
    # button stay hidden
    subprocess.run(
        [sys.executable, os.path.join(ROOT, 'demo', 'load_demo.py'),
            '--database', name, '--config', config_file],
        check=True, env={**os.environ, 'TRYTOND_QUEUE__WORKER': 'False'})
    if scheme == 'sqlite':
        # Planner statistics: Tryton never runs ANALYZE, and SQLite's
        # planner picks poor indexes without them (bench/README.md)
        db = sqlite3.connect(os.path.join(path, name + '.sqlite'))
        try:
            db.execute('ANALYZE')
            db.commit()
        finally:
            db.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('name')
    parser.add_argument('--config', default=os.path.join(ROOT, 'trytond.conf'))
    args = parser.parse_args()
    scheme, path = backend_info(args.config)
    if exists(args.name, scheme, path):
        print(f"Database {args.name} exists: keeping its data.")
        return
    print(f"Creating database {args.name} with the demo company "
        "(a few minutes the first time) …", flush=True)
    if scheme == 'sqlite':
        tmp = args.name + '_building'
        tmp_file = os.path.join(path, tmp + '.sqlite')
        if os.path.exists(tmp_file):
            os.remove(tmp_file)
        try:
            build(tmp, args.config, scheme, path)
        except BaseException:
            if os.path.exists(tmp_file):
                os.remove(tmp_file)
            raise
        os.rename(tmp_file, os.path.join(path, args.name + '.sqlite'))
    else:
        try:
            build(args.name, args.config, scheme, path)
        except BaseException:
            with server_transaction() as transaction:
                transaction.database.drop(transaction.connection, args.name)
            raise
    print(f"Database {args.name} is ready.")


if __name__ == '__main__':
    main()
