"""Tryton's task queue (ir.queue) taken correctly on SQLite, so that
scripts/queue_worker.py runs the queued jobs (large customer imports)
outside the requests.

Core bug (trytond 8.0.12, ir/queue_.py, Queue.pull, the branch for
databases without UPDATE … RETURNING, which is SQLite's in Tryton): the
query of the next timeout is run as `next_timeout.select(...)` without
`with_=[candidates]`, so SQLite answers "no such table: a". The error
comes after the UPDATE that marked the task dequeued, on an autocommit
connection: the worker takes it for a locked database, and the task stays
dequeued and is never run. Its timeout arithmetic would not work either
on SQLite (a timestamp minus NOW() subtracts the text's leading year).

Only where the database has no RETURNING does this pull replace
Tryton's: PostgreSQL keeps Tryton's own (SELECT … FOR UPDATE SKIP LOCKED
and LISTEN).

On PostgreSQL a worker that starts, and every worker once a minute, first
queues again the customer import jobs whose worker died in the middle
(crm.customer.import.job.recover_interrupted): Tryton marks a task taken
when a worker takes it and never offers it again, finished or not."""
import datetime as dt
import logging
import time

from sql import Null
from sql.aggregate import Min

from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

logger = logging.getLogger(__name__)
# Seconds between two looks for interrupted jobs in a worker
RECOVER_EVERY = 60
_recovered_at = {}


class Queue(metaclass=PoolMeta):
    __name__ = 'ir.queue'

    @classmethod
    def pull(cls, database, connection, name=None):
        if database.has_returning():
            cls._recover_interrupted(database.name)
            return super().pull(database, connection, name=name)
        cursor = connection.cursor()
        queue = cls.__table__()
        # Python's clock, not SQL's NOW(): Tryton's SQLite NOW() is frozen
        # per transaction, and a worker polls outside of any
        now = dt.datetime.now()
        waiting = queue.dequeued_at == Null
        if name:
            waiting &= queue.name == name
        due = waiting & (
            (queue.scheduled_at == Null) | (queue.scheduled_at <= now))

        task_id = None
        while task_id is None:
            cursor.execute(*queue.select(queue.id,
                    where=due,
                    order_by=[
                        queue.scheduled_at.nulls_first,
                        queue.expected_at.nulls_first],
                    limit=1))
            row = cursor.fetchone()
            if not row:
                break
            # The claim: only one worker's UPDATE finds the task still
            # waiting (SQLite has one writer at a time); another one that
            # took it first leaves a rowcount of 0, and we look again
            cursor.execute(*queue.update([queue.dequeued_at], [now],
                    where=(queue.id == row[0]) & (queue.dequeued_at == Null)))
            if cursor.rowcount == 1:
                task_id = row[0]

        cursor.execute(*queue.select(Min(queue.scheduled_at),
                where=waiting & (queue.scheduled_at > now)))
        next_at, = cursor.fetchone()
        seconds = None
        if next_at is not None:
            if isinstance(next_at, str):
                next_at = dt.datetime.fromisoformat(next_at)
            seconds = (next_at - now).total_seconds()
        return task_id, seconds

    @classmethod
    def _recover_interrupted(cls, database_name):
        "At most every RECOVER_EVERY seconds; errors logged, never raised"
        from trytond import backend
        if backend.name != 'postgresql':
            return
        now = time.monotonic()
        last = _recovered_at.get(database_name)
        if last is not None and now - last < RECOVER_EVERY:
            return
        _recovered_at[database_name] = now
        try:
            with Transaction(new=True).start(database_name, 0):
                Pool().get('crm.customer.import.job').recover_interrupted()
        except Exception:
            logger.exception("recovery of interrupted import jobs failed")
