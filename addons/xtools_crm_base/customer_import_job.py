"""Customer import jobs (客户导入任务, SPEC B12): a large file is imported
by a queued task (Tryton's ir.queue) instead of inside the wizard's
request.

Without a `[queue] worker` the task runs right after the request that
queued it commits; with workers it runs in the background. Either way
the job runs as the user who uploaded the file, with that user's access
rights and record rules, and stays all or nothing: every row is checked
first, and a file with any error creates nothing and ends failed with
its full error report. The job is one transaction: its progress (rows
done) is written chunk by chunk and is seen when it ends."""
import datetime
import logging

from trytond import backend
from trytond.exceptions import UserError, UserWarning
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access

from .customer_import import CHECKED, CustomerFileImport

logger = logging.getLogger(__name__)


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
        pool = Pool()
        User = pool.get('res.user')
        transaction = Transaction()
        company = transaction.context.get('company')
        if not company:
            user = User(transaction.user)
            company = user.company.id if user.company else None
        with without_check_access():
            job, = cls.create([{
                        'file': data,
                        'file_name': file_name,
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
        self._save_values_now(state='running', rows_done=0,
            started_at=datetime.datetime.now())
        try:
            # As the uploader, with the uploader's access rights and rules
            with transaction.set_user(self.user.id), \
                    transaction.set_context(
                        self._run_context(), _check_access=True):
                values = self._run()
        except backend.DatabaseOperationalError:
            # Locks and serialization failures: the queue runs it again
            raise
        except (UserError, UserWarning) as exception:
            values = self._crashed(job_id, exception.message)
        except Exception as exception:
            logger.exception("customer import job %s failed", job_id)
            values = self._crashed(job_id, str(exception))
        job = self.__class__(job_id)
        values['finished_at'] = datetime.datetime.now()
        job._save_values_now(**values)

    def _crashed(self, job_id, message):
        "Undo everything the job did; it ends failed with the message"
        Transaction().rollback()
        return {
            'state': 'failed',
            'rows_done': 0,
            'customers': 0,
            'contacts': 0,
            'error_count': 1,
            'error_lines': message,
            'started_at': datetime.datetime.now(),
            }

    def _run(self):
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
                'error_lines': '\n'.join(
                    error_line(i) for i in issues),
                'error_file': importer.error_file(),
                'error_file_name': f'{name}-errors.xlsx',
                }
        rows = len(importer.customers)
        # The validation result: every row is right
        self._save_values_now(rows_total=rows)
        note = importer.duplicate_mobiles_message()

        def progress(done):
            self._save_values_now(rows_done=done)
        with Transaction().set_context({CHECKED: True}):
            importer.create(progress=progress)
        return {
            'state': 'done',
            'rows_done': rows,
            'customers': rows,
            'contacts': importer.contact_count,
            'error_count': 0,
            'note': note,
            }

    def _save_values_now(self, **values):
        "Job fields are the server's to write (jobs are append-only)"
        with without_check_access():
            self.__class__.write([self.__class__(self.id)], values)


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
