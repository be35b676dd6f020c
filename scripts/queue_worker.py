#!/usr/bin/env python
"""Run Tryton's queued tasks (ir.queue) of one database in a process of
their own, outside the server's requests: what trytond-worker does, for
SQLite, which trytond-worker cannot serve (it waits for work on the
database connection's socket; a SQLite connection has none, so it fails
at start with "Invalid file object"). scripts/run.sh starts it beside the
server on SQLite (`make run`), and trytond-worker on PostgreSQL.

Tasks are taken with Queue.pull, Tryton's own fixed for SQLite by
xtools_crm_base/queue.py (Tryton 8.0's marks the task taken, then fails
and loses it), and run with Tryton's run_task (retries, error reports),
one at a time; the queue is polled every --interval seconds when it is
empty. The server must run with `[queue] worker = True`
(TRYTOND_QUEUE__WORKER=True), or it runs the tasks itself at the end of
the request that queued them. SIGTERM or Ctrl+C stops the worker once the
task it is running ends (a second Ctrl+C at once).

    .venv/bin/python scripts/queue_worker.py -c trytond.conf -d xtools
"""
import argparse
import logging
import signal
import sys
import time

logger = logging.getLogger('xtools.queue_worker')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('-c', '--config', required=True)
    parser.add_argument('-d', '--database', required=True)
    parser.add_argument('--interval', type=float, default=1.0,
        help="seconds between two looks at an empty queue "
        "(default %(default)s)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    from trytond import config
    config.update_etc(args.config)
    config.set('queue', 'worker', 'True')
    if config.parse_uri(config.get('database', 'uri')).scheme == 'sqlite':
        # Tryton's periodic cache check would switch a task's SQLite
        # connection to autocommit (trytond.conf): the caches are emptied
        # before each task instead
        config.set('cache', 'clean_timeout', '2000000000')
    logging.basicConfig(level=logging.INFO,
        format='%(asctime)s %(levelname)s %(name)s %(message)s')

    from trytond import backend
    from trytond.cache import Cache
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    from trytond.worker import run_task

    stopping = []

    def stop(signum, frame):
        if stopping and signum == signal.SIGINT:
            raise KeyboardInterrupt
        stopping.append(signum)
        logger.info("stopping after the running task")
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    database = backend.Database(args.database).connect()
    connection = database.get_connection(autocommit=True)
    pool = Pool(args.database)
    with Transaction().start(args.database, 0, readonly=True):
        pool.init()
    Queue = pool.get('ir.queue')
    logger.info("running the queued tasks of %s", args.database)
    while not stopping:
        try:
            task_id, _ = Queue.pull(database, connection)
        except backend.DatabaseOperationalError:
            # The database is locked by a writer: look again later
            task_id = None
        if task_id:
            # Without the periodic cache check (above), what the server
            # changes in its caches (a user's groups, rules, organisation
            # …) would never reach this process: each task starts with
            # empty caches, so it runs with the user's rights of now
            Cache._clear_all(args.database)
            run_task(pool, task_id)
        else:
            time.sleep(args.interval)
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(0)
