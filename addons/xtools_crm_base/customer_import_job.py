"""Customer import jobs (客户导入任务, SPEC B12): a large file is imported
by a queued task (Tryton's ir.queue) instead of inside the wizard's
request.

`make run` starts a queue worker beside the server (trytond-worker on
PostgreSQL, scripts/queue_worker.py on SQLite), so the task runs in the
background; without a `[queue] worker`
it runs right after the request that queued it commits. Either way the
job runs as the user who uploaded the file, with that user's access
rights and record rules, and stays all or nothing: every row is checked
first, and a file with any error creates nothing and ends failed with
its full error report.

One upload never stalls the other users: SQLite has one writer at a time
and holds its write lock from a transaction's first write to its commit,
so the job never holds it for long. It reads and checks the file without
writing; it then creates the customers batch by batch, each batch in a
transaction of its own, hidden (inactive, marked with the job: staged);
a last short transaction shows them all at once (publish), or, when
anything fails, the staged customers are deleted. Its progress is seen
as it goes. (When the job is run inside a transaction holding other
writes, as the tests do, it does not commit them: it is one
transaction.)

A queue worker killed in the middle of a job (SIGKILL, out of memory, a
lost machine) leaves its task taken but never finished, and the job
running with hidden staged customers. On PostgreSQL the run holds an
advisory lock of its job for as long as it runs (on its connection: the
lock goes with the process); a worker that starts, and every worker once
a minute (ir.queue.pull, queue.py), finds the running jobs whose lock is
free, deletes what they staged and queues them again, once: a job
interrupted twice ends failed, saying so (recover_interrupted).
tests/test_faults_pg.py kills a worker in the middle of an import."""
import datetime
import logging

from sql import Null

from trytond import backend
from trytond.exceptions import UserError, UserWarning
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access

from .access import context_company
from .customer_import_check import CHECKED, CustomerFileImport
from .input_check import shown
from .recycle_bin import in_recycle_bin
from .search_indexes import IMPORTED_TABLES, refresh_planner_statistics

logger = logging.getLogger(__name__)
# Errors listed in the job's form (each at most a few hundred characters)
ERROR_LINES_SHOWN = 200
# A job still running after this long was interrupted (its process died):
# the next job ends it and deletes what it staged
STALE_AFTER = datetime.timedelta(hours=6)
# A job is run at most this many times (an interrupted run is re-run once)
MAX_RUNS = 2
# First key of the jobs' PostgreSQL advisory locks (the second: the job id)
RUN_LOCK = 0x58544a42


class CustomerImportJob(ModelSQL, ModelView):
    "Customer import job"
    __name__ = 'crm.customer.import.job'
    __string__ = "Customer Import Job"

    file = fields.Binary(
        "File", filename='file_name', readonly=True)
    file_name = fields.Char("File Name", readonly=True)
    user = fields.Many2One(
        'res.user', "User", required=True, readonly=True,
        ondelete='CASCADE')
    company = fields.Many2One(
        'company.company', "Company", readonly=True, ondelete='SET NULL')
    state = fields.Selection([
            ('queued', "Queued"),
            ('running', "Running"),
            ('done', "Done"),
            ('failed', "Failed"),
            ], "State", required=True, readonly=True, sort=False)
    rows_total = fields.Integer("Rows", readonly=True)
    rows_done = fields.Integer("Rows Done", readonly=True)
    progress = fields.Function(
        fields.Float("Progress", digits=(1, 4)), 'get_progress')
    customers = fields.Integer("Customers Created", readonly=True)
    contacts = fields.Integer("Contacts Created", readonly=True)
    error_count = fields.Integer("Errors", readonly=True)
    error_lines = fields.Text("Error List", readonly=True)
    error_file = fields.Binary(
        "Error File", filename='error_file_name', readonly=True,
        help="The file with its errors marked: correct it and import it "
        "again.")
    error_file_name = fields.Char("Error File Name", readonly=True)
    note = fields.Text("Note", readonly=True)
    runs = fields.Integer("Runs", readonly=True,
        help="How many times the job was started: a run interrupted by "
        "the end of its process is started once again.")
    started_at = fields.Timestamp("Started at", readonly=True)
    finished_at = fields.Timestamp("Finished at", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('create_date', 'DESC'))
        cls._order.insert(1, ('id', 'DESC'))

    @classmethod
    def default_state(cls):
        return 'queued'

    @classmethod
    def default_rows_done(cls):
        return 0

    @classmethod
    def default_runs(cls):
        return 0

    def get_progress(self, name):
        if self.state == 'done':
            return 1.0
        if not self.rows_total:
            return 0.0
        return min(1.0, (self.rows_done or 0) / self.rows_total)

    @classmethod
    def enqueue(cls, data, file_name, rows):
        """A job of the file for the current user, queued: the job the
        user can follow"""
        transaction = Transaction()
        company = context_company()
        with without_check_access():
            job, = cls.create([{
                        'file': data,
                        'file_name': shown(file_name or '')[:200] or None,
                        'user': transaction.user,
                        'company': company,
                        'rows_total': rows,
                        }])
        # One task a job: a job's failure undoes only its own work
        cls.__queue__.process([job])
        return job

    @classmethod
    def delete(cls, jobs):
        if Transaction().check_access:
            for job in jobs:
                if job.state not in {'done', 'failed'}:
                    raise AccessError(gettext(
                            'xtools_crm_base.msg_import_job_delete_running',
                            job=job.rec_name))
        super().delete(jobs)

    def get_rec_name(self, name):
        return f'{self.file_name or "-"} ({self.id})'

    @classmethod
    def process(cls, jobs):
        "Run the queued jobs (the queue's task)"
        for job in jobs:
            if job.state == 'queued':
                job._process()

    def _run_context(self):
        context = {'company': self.company.id if self.company else None}
        if self.user.language:
            context['language'] = self.user.language.code
        return context

    def _process(self):
        transaction = Transaction()
        job_id = self.id
        # Commit as it goes only a transaction that holds nothing else
        run = {'commits': transaction.counter == 0, 'staged': False}
        locked = run['commits'] and _has_advisory_locks()
        if locked and not _run_lock(job_id):
            # Another process runs it
            return
        try:
            self._process_locked(run)
        except BaseException:
            if locked:
                # Unlocked out of the failed transaction (the queue rolls
                # it back anyway)
                transaction.rollback()
                _run_unlock(job_id)
            raise
        if locked:
            _run_unlock(job_id)

    def _process_locked(self, run):
        transaction = Transaction()
        job_id = self.id
        self._end_stale()
        self._save_values_now(state='running', rows_done=0,
            runs=(self.runs or 0) + 1, started_at=datetime.datetime.now())
        self._commit(run)
        try:
            # As the uploader, with the uploader's access rights and rules
            with transaction.set_user(self.user.id), \
                    transaction.set_context(
                        self._run_context(), _check_access=True):
                values = self._run(run)
        except backend.DatabaseOperationalError:
            if not run['staged']:
                # Locks and serialization failures: the queue runs it
                # again
                raise
            logger.exception("customer import job %s failed", job_id)
            values = self._crashed(run, job_id, gettext(
                    'xtools_crm_base.msg_import_job_interrupted'))
        except (UserError, UserWarning) as exception:
            values = self._crashed(run, job_id, exception.message)
        except Exception as exception:
            logger.exception("customer import job %s failed", job_id)
            values = self._crashed(run, job_id, str(exception))
        job = self.__class__(job_id)
        values['finished_at'] = datetime.datetime.now()
        job._save_values_now(**values)
        # Ended before its lock is let go (recover_interrupted)
        self._commit(run)

    @staticmethod
    def _commit(run):
        if run['commits']:
            Transaction().commit()

    def _crashed(self, run, job_id, message):
        """Undo everything the job did; it ends failed with the message.
        Its own transaction is rolled back (the batch being created), then
        what it staged and committed is deleted; inside another
        transaction only the staging is deleted (nothing else is ours to
        roll back)."""
        if run['commits']:
            Transaction().rollback()
        self._purge_staged(job_id)
        return {
            'state': 'failed',
            'rows_done': 0,
            'customers': 0,
            'contacts': 0,
            'error_count': 1,
            'error_lines': shown(message),
            'started_at': datetime.datetime.now(),
            }

    def _run(self, run):
        importer = CustomerFileImport(self.file)
        if not importer.check():
            issues = importer.issues
            name = (self.file_name or 'customers.xlsx').rsplit('.', 1)[0]
            return {
                'state': 'failed',
                'rows_done': 0,
                'customers': 0,
                'contacts': 0,
                'error_count': len(issues),
                'error_lines': error_lines(issues),
                'error_file': importer.error_file(),
                'error_file_name': f'{name}-errors.xlsx',
                }
        rows = len(importer.customers)
        note = importer.duplicate_mobiles_message()
        # The validation result: every row is right
        self._save_values_now(rows_total=rows)
        self._commit(run)
        run['staged'] = True

        def progress(done):
            # Each batch is a transaction of its own
            self._save_values_now(rows_done=done)
            self._commit(run)
        with Transaction().set_context({CHECKED: True}):
            importer.create(progress=progress, stage=self.id)
        self._publish(self.id)
        # The planner's statistics of the grown tables (SQLite only)
        refresh_planner_statistics(IMPORTED_TABLES)
        return {
            'state': 'done',
            'rows_done': rows,
            'customers': rows,
            'contacts': importer.contact_count,
            'error_count': 0,
            'note': note,
            }

    @classmethod
    def _publish(cls, job_id):
        """Show the customers the job staged, with their contacts: two
        UPDATEs, the only writes of the import that others wait for"""
        pool = Pool()
        Party = pool.get('party.party')
        Contact = pool.get('crm.contact')
        party = Party.__table__()
        contact = Contact.__table__()
        cursor = Transaction().connection.cursor()
        staged = party.select(party.id,
            where=party.crm_import_job == job_id)
        cursor.execute(*contact.update([contact.active], [True],
                where=contact.customer.in_(staged)))
        cursor.execute(*party.update(
                [party.active, party.crm_import_job], [True, Null],
                where=party.crm_import_job == job_id))

    @classmethod
    def _purge_staged(cls, job_id):
        "Delete for good the customers a job staged (to the bin and out)"
        Party = Pool().get('party.party')
        transaction = Transaction()
        with transaction.set_user(0), without_check_access(), \
                transaction.set_context(active_test=False):
            staged = Party.search([('crm_import_job', '=', job_id)])
            if not staged:
                return
            ids = list(map(int, staged))
            Party.delete(staged)
            with in_recycle_bin():
                Party.delete(Party.browse(ids))

    @classmethod
    def recover_interrupted(cls):
        """The running jobs whose process died (their lock is free): what
        they staged deleted, queued again, or failed after MAX_RUNS runs.
        Returns the jobs queued again and failed."""
        if not _has_advisory_locks():
            return [], []
        cursor = Transaction().connection.cursor()
        requeued, failed = [], []
        with without_check_access():
            for job in cls.search([('state', '=', 'running')]):
                # Held until this transaction ends: a runner cannot start
                # it meanwhile, another recovery skips it
                cursor.execute('SELECT pg_try_advisory_xact_lock(%s, %s)',
                    (RUN_LOCK, job.id))
                if not cursor.fetchone()[0]:
                    continue
                cls._purge_staged(job.id)
                if (job.runs or 0) >= MAX_RUNS:
                    job._save_values_now(state='failed', rows_done=0,
                        customers=0, contacts=0, error_count=1,
                        error_lines=gettext(
                            'xtools_crm_base.msg_import_job_interrupted'),
                        finished_at=datetime.datetime.now())
                    failed.append(job)
                else:
                    job._save_values_now(state='queued', rows_done=0)
                    cls.__queue__.process([job])
                    requeued.append(job)
        for job in requeued:
            logger.warning("customer import job %s was interrupted: "
                "queued again", job.id)
        for job in failed:
            logger.warning("customer import job %s was interrupted %s "
                "times: failed", job.id, MAX_RUNS)
        return requeued, failed

    def _end_stale(self):
        "End the jobs whose process died while they ran, and their staging"
        cls = self.__class__
        limit = datetime.datetime.now() - STALE_AFTER
        with without_check_access():
            stale = cls.search([
                    ('state', '=', 'running'),
                    ('write_date', '<', limit),
                    ('id', '!=', self.id),
                    ])
            for job in stale:
                self._purge_staged(job.id)
                job._save_values_now(state='failed', error_count=1,
                    error_lines=gettext(
                        'xtools_crm_base.msg_import_job_interrupted'),
                    finished_at=datetime.datetime.now())

    def _save_values_now(self, **values):
        "Job fields are the server's to write (jobs are append-only)"
        with without_check_access():
            self.__class__.write([self.__class__(self.id)], values)


def _has_advisory_locks():
    return backend.name == 'postgresql'


def _run_lock(job_id):
    "Take the job's run lock on the connection; False when another holds it"
    cursor = Transaction().connection.cursor()
    cursor.execute('SELECT pg_try_advisory_lock(%s, %s)', (RUN_LOCK, job_id))
    return cursor.fetchone()[0]


def _run_unlock(job_id):
    cursor = Transaction().connection.cursor()
    cursor.execute('SELECT pg_advisory_unlock(%s, %s)', (RUN_LOCK, job_id))


def error_lines(issues):
    """The first errors, one per line, and how many more there are: a file
    wrong on every row would make a text too long to save (the error file
    marks them all)"""
    lines = [error_line(i) for i in issues[:ERROR_LINES_SHOWN]]
    if len(issues) > ERROR_LINES_SHOWN:
        lines.append(gettext('xtools_crm_base.msg_import_job_more_errors',
                count=len(issues) - ERROR_LINES_SHOWN))
    return '\n'.join(lines)


def error_line(issue):
    "One error as a line of text: where and why"
    where = []
    if issue.sheet:
        where.append(gettext(
                'xtools_crm_base.msg_import_job_error_sheet',
                sheet=issue.sheet))
    if issue.row:
        where.append(gettext(
                'xtools_crm_base.msg_import_job_error_row', row=issue.row))
    if issue.column:
        where.append(gettext(
                'xtools_crm_base.msg_import_job_error_column',
                column=issue.column))
    return ' '.join(where + [issue.reason])
