"""Customer import (客户导入, SPEC B12) from an Excel workbook (.xlsx): the
wizard, and the queue threshold above which a file becomes a queued job
(customer_import_job.py).

The file format and its reading are in customer_import_file.py (a sheet
客户, one customer a row with its first contact, and an optional sheet
联系人), the checks and the creation in customer_import_check.py. A rejected
file comes back annotated (the bad cells marked, the reasons beside them)
for the user to correct and import again."""
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import check_access
from trytond.wizard import (
    Button, StateAction, StateTransition, StateView, Wizard)

from .access import CheckedWizardMixin
from .customer_import_check import (  # noqa: F401 (the import's names)
    BATCH_SIZE, CHECKED, MAX_LISTED_ERRORS, CustomerFileImport, staged)
from .customer_import_file import (  # noqa: F401 (the import's names)
    CONTACTS, CUSTOMERS, MAX_ROWS, count_rows, template_file)


def queue_threshold():
    """Files of more rows are imported by a queued job
    (customer_import_job.py) instead of inside the wizard's request: a
    setting of the CRM configuration"""
    Configuration = Pool().get('crm.configuration')
    return Configuration(1).get_import_queue_rows()


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    crm_import_job = fields.Many2One(
        'crm.customer.import.job', "Import Job", readonly=True,
        ondelete='SET NULL',
        help="The import job that is creating the customer: it stays "
        "hidden until the whole file is imported.")


class CustomerImportStart(ModelView):
    "Import customers"
    __name__ = 'crm.customer.import.start'
    __string__ = "Import Customers"

    template = fields.Binary(
        "Template", readonly=True, filename='template_name',
        help="Download the template, fill in its sheets and upload it.")
    template_name = fields.Char("Template Name", readonly=True)
    file = fields.Binary("File", required=True, filename='file_name')
    file_name = fields.Char("File Name")

    @classmethod
    def default_template_name(cls):
        return 'customer_import_template.xlsx'


class CustomerImportError(ModelView):
    "Error of a customer import"
    __name__ = 'crm.customer.import.error'
    __string__ = "Customer Import Error"

    sheet = fields.Char("Sheet", readonly=True)
    row = fields.Integer("Row", readonly=True)
    column = fields.Char("Column", readonly=True)
    reason = fields.Char("Reason", readonly=True)


class CustomerImportResult(ModelView):
    "Result of a customer import"
    __name__ = 'crm.customer.import.result'
    __string__ = "Customer Import Result"

    customers = fields.Integer("Customers Imported", readonly=True)
    contacts = fields.Integer("Contacts Imported", readonly=True)
    error_count = fields.Integer("Errors", readonly=True)
    errors = fields.One2Many(
        'crm.customer.import.error', None, "Errors", readonly=True)
    error_file = fields.Binary(
        "Error File", readonly=True, filename='error_file_name',
        help="The file with its errors marked: correct it and import it "
        "again.")
    error_file_name = fields.Char("Error File Name", readonly=True)
    note = fields.Char("Note", readonly=True)
    job = fields.Many2One(
        'crm.customer.import.job', "Import Job", readonly=True)


class CustomerImport(CheckedWizardMixin, Wizard):
    "Import customers"
    __name__ = 'crm.customer.import'
    __string__ = "Import Customers"
    # No active records: the import runs with the user's access checks
    _state_access = {'import_': None, 'jobs': None}

    start = StateView(
        'crm.customer.import.start',
        'xtools_crm_base.customer_import_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Import", 'import_', 'tryton-ok', default=True),
            ])
    import_ = StateTransition()
    done = StateView(
        'crm.customer.import.result',
        'xtools_crm_base.customer_import_done_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])
    failed = StateView(
        'crm.customer.import.result',
        'xtools_crm_base.customer_import_failed_view_form', [
            Button("Close", 'end', 'tryton-close'),
            Button("Try Another File", 'start', 'tryton-back', default=True),
            ])
    queued = StateView(
        'crm.customer.import.result',
        'xtools_crm_base.customer_import_queued_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            Button("Import Jobs", 'jobs', 'tryton-forward'),
            ])
    jobs = StateAction('xtools_crm_base.act_customer_import_job')

    def default_start(self, fields):
        return {'template': template_file()}

    # Wizards run without access checks: the import is the user's, with
    # the user's access rights and record rules.
    @check_access
    def transition_import_(self):
        Job = Pool().get('crm.customer.import.job')
        rows = count_rows(self.start.file)
        if rows > queue_threshold():
            job = Job.enqueue(self.start.file, self.start.file_name, rows)
            self.queued.job = job.id
            self.queued.note = gettext(
                'xtools_crm_base.msg_import_queued', rows=rows)
            self.start.file = None
            return 'queued'
        importer = CustomerFileImport(self.start.file)
        if importer.run():
            self.done.customers = len(importer.customers)
            self.done.contacts = importer.contact_count
            self.start.file = None
            return 'done'
        issues = importer.issues
        self.failed.error_count = len(issues)
        self.failed.errors = [i.values() for i in issues[:MAX_LISTED_ERRORS]]
        if len(issues) > MAX_LISTED_ERRORS:
            self.failed.note = gettext(
                'xtools_crm_base.msg_import_errors_listed',
                listed=MAX_LISTED_ERRORS, count=len(issues))
        self.failed.error_file = importer.error_file()
        name = (self.start.file_name or 'customers.xlsx').rsplit('.', 1)[0]
        self.failed.error_file_name = f'{name}-errors.xlsx'
        return 'failed'

    def default_done(self, fields):
        return {f: getattr(self.done, f, None)
            for f in ['customers', 'contacts']}

    def default_queued(self, fields):
        return {
            'job': self.queued.job.id if self.queued.job else None,
            'note': self.queued.note,
            }

    def do_jobs(self, action):
        return action, {}

    def default_failed(self, fields):
        values = self.failed._default_values
        values.pop('id', None)
        return values
