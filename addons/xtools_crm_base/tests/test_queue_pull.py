"""The queue worker takes queued tasks (large customer imports) one at a
time and each only once, on SQLite as on PostgreSQL (queue.py: Tryton
8.0's pull fails on SQLite and loses the task)."""
import datetime as dt
import unittest

from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

# Tasks of their own name: nothing else queued on the test database is
# pulled
NAME = 'xtools-test-queue'


def push(signature='queued', **values):
    "A task that signs the administrator's mails with signature"
    pool = Pool()
    Queue = pool.get('ir.queue')
    User = pool.get('res.user')
    admin, = User.search([('login', '=', 'admin')])
    return Queue.push(NAME, {
            'model': 'res.user', 'method': 'write', 'instances': [admin.id],
            'args': [{'signature': signature}], 'kwargs': {}, 'context': {},
            'user': 0,
            }, **values)


def dequeued(task_ids):
    "The tasks' dequeued_at as the database holds it"
    Queue = Pool().get('ir.queue')
    table = Queue.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*table.select(table.id, table.dequeued_at,
            where=table.id.in_(task_ids)))
    return dict(cursor)


def pull():
    "What a worker gets: (task id or None, seconds to the next task)"
    Queue = Pool().get('ir.queue')
    transaction = Transaction()
    return Queue.pull(transaction.database, transaction.connection,
        name=NAME)


class QueuePullTestCase(unittest.TestCase):
    "The queue worker's pull"

    @classmethod
    def setUpClass(cls):
        activate_module('xtools_crm_base')

    @with_transaction()
    def test_pull_hands_out_each_task_once(self):
        "Workers pulling in turn get every pushed task once, then nothing"
        first, second = push(), push()

        pulled = [pull()[0], pull()[0]]

        self.assertEqual(pulled, [first, second])
        self.assertEqual(pull(), (None, None))
        self.assertNotIn(None, dequeued(pulled).values())

    @with_transaction()
    def test_pulled_task_runs(self):
        "The pulled task is the one pushed: run, its change is made"
        pool = Pool()
        Queue = pool.get('ir.queue')
        User = pool.get('res.user')
        task_id = push(signature="由队列签名")

        pulled, _ = pull()
        Queue(pulled).run()

        self.assertEqual(pulled, task_id)
        admin, = User.search([('login', '=', 'admin')])
        self.assertEqual(admin.signature, "由队列签名")

    @with_transaction()
    def test_task_taken_by_another_worker(self):
        "A task another worker has already taken is not handed out again"
        Queue = Pool().get('ir.queue')
        taken, waiting = push(), push()
        Queue.write([Queue(taken)], {'dequeued_at': dt.datetime.now()})

        self.assertEqual(pull()[0], waiting)
        self.assertEqual(pull()[0], None)

    @with_transaction()
    def test_scheduled_task_waits(self):
        "A task scheduled in an hour waits; the worker is told when it is due"
        later = push(scheduled_at=dt.datetime.now() + dt.timedelta(hours=1))
        now = push()

        task_id, seconds = pull()

        self.assertEqual(task_id, now)
        self.assertGreater(seconds, 3500)
        self.assertLess(seconds, 3700)
        self.assertEqual(pull()[0], None)
        self.assertEqual(dequeued([later]), {later: None})
