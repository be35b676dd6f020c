"""Customer export (SPEC B12), gated by the data export permission
(数据导出, group_perm_export).

The CRM export writes the customers the user sees to an .xlsx file in the
import format (the same sheets and Chinese headers), so a file exported
from one database imports into another. Tryton's generic export (the
export_data RPC behind sao's export button) is refused for customer data
to whoever lacks the permission."""
import openpyxl

from trytond.i18n import gettext
from trytond.ir.rule import _get_access_models
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction, check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from . import spreadsheet
from .access import CheckedWizardMixin
from .customer_import_file import CONTACTS, CUSTOMERS, write_sheet
from .exceptions import ExportPermissionError


def check_export_permission(Model=None):
    """Refuse the export to users without the data export permission.
    Code of the server itself (root, access checks off) may export."""
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    User = pool.get('res.user')
    transaction = Transaction()
    if not transaction.check_access:
        return
    group = ModelData.get_id('xtools_crm_base', 'group_perm_export')
    if group not in User.get_groups():
        raise ExportPermissionError(gettext(
                'xtools_crm_base.msg_export_permission',
                model=(Model or pool.get('party.party')).__names__()['model']))


def is_customer_data(Model):
    """Records of the customers: the customers themselves and every model
    whose record rules come from the customer's (contacts, follow-up,
    opportunities, deals, payments … of any module, now and later)"""
    Rule = Pool().get('ir.rule')
    if Model.__name__ == 'party.party':
        return True
    names, _ = _get_access_models(Model)
    return ('party.party' in names
        or bool(Rule._crm_optional_customer_paths(Model)))


class ExportPermissionMixin:
    """Tryton's generic export of customer data needs the export
    permission. Registered for every model (tryton.cfg [register_mixin]),
    so the models of later modules are covered without a line of code."""
    __slots__ = ()

    @classmethod
    def export_data(cls, records, fields_names, header=False):
        # export_data_domain ends here too
        if is_customer_data(cls):
            check_export_permission(cls)
        return super().export_data(records, fields_names, header=header)


def customer_rows(customers):
    """The rows of the two sheets for customers: each customer with its
    first contact, the other contacts in the contacts sheet"""
    Party = Pool().get('party.party')
    labels = dict(Party.fields_get(
            ['crm_customer_type'])['crm_customer_type']['selection'])
    customer_rows, contact_rows = [], []

    def contact_cells(contact):
        return [contact.name, contact.title, contact.mobile, contact.phone,
            contact.email, contact.qq, contact.wechat]

    for customer in customers:
        address = next((a for a in customer.addresses if a.street), None)
        # In the order they were entered: the first is the main contact
        contacts = sorted(customer.crm_contacts, key=lambda c: c.id)
        row = [
            customer.name,
            labels.get(customer.crm_customer_type),
            customer.crm_kind.name if customer.crm_kind else None,
            customer.crm_source.name if customer.crm_source else None,
            customer.crm_status.name if customer.crm_status else None,
            customer.crm_industry.name if customer.crm_industry else None,
            customer.crm_region.name if customer.crm_region else None,
            customer.crm_city,
            address.street if address else None,
            customer.phone,
            customer.website,
            customer.crm_owner.name if customer.crm_owner else None,
            ]
        row += contact_cells(contacts[0]) if contacts else [None] * 7
        customer_rows.append(row)
        for contact in contacts[1:]:
            contact_rows.append([customer.name] + contact_cells(contact))
    return customer_rows, contact_rows


def export_file(customers):
    """The .xlsx bytes of customers in the import format; their text is
    written as text (never a formula) and cleaned of what a workbook
    cannot hold (spreadsheet.py), so no stored value breaks the export"""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    customer_rows_, contact_rows = customer_rows(customers)
    write_sheet(workbook, CUSTOMERS, customer_rows_)
    write_sheet(workbook, CONTACTS, contact_rows)
    return spreadsheet.save(workbook)


class CustomerExportStart(ModelView):
    "Export customers"
    __name__ = 'crm.customer.export.start'
    __string__ = "Export Customers"

    count = fields.Integer(
        "Customers", readonly=True,
        help="The customers selected or, without a selection, all the "
        "customers you can see.")


class CustomerExportResult(ModelView):
    "Exported customers"
    __name__ = 'crm.customer.export.result'
    __string__ = "Exported Customers"

    file = fields.Binary("File", readonly=True, filename='file_name')
    file_name = fields.Char("File Name", readonly=True)


class CustomerExport(CheckedWizardMixin, Wizard):
    "Export customers"
    __name__ = 'crm.customer.export'
    __string__ = "Export Customers"
    _state_access = {'export': 'read'}

    start = StateView(
        'crm.customer.export.start',
        'xtools_crm_base.customer_export_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Export", 'export', 'tryton-ok', default=True),
            ])
    export = StateTransition()
    result = StateView(
        'crm.customer.export.result',
        'xtools_crm_base.customer_export_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def _customers(self):
        "The selected customers, or all those the user sees"
        Party = Pool().get('party.party')
        domain = [('crm_customer_type', '!=', None)]
        if self.model and self.model.__name__ == 'party.party' \
                and self.records:
            domain.append(('id', 'in', [r.id for r in self.records]))
        return Party.search(domain)

    # Wizards run without access checks: the export is the user's, with
    # the user's permission and record rules.
    @check_access
    def default_start(self, fields):
        check_export_permission()
        return {'count': len(self._customers())}

    @check_access
    def transition_export(self):
        check_export_permission()
        self.result.file = export_file(self._customers())
        self.result.file_name = 'customers-%s.xlsx' % (
            Pool().get('ir.date').today().isoformat())
        return 'result'

    def default_result(self, fields):
        return {
            'file': self.result.file,
            'file_name': self.result.file_name,
            }
