"""Excel export of the reports (导出Excel, SPEC R2).

One wizard on every report's toolbar writes the rows the user sees — the
selected rows, else every row of the report under the same filter (the
filter travels in the context, as for the list itself) — with the columns
of the report's list, through xtools_crm_base/spreadsheet.py: user text
stays text, never a formula. It runs as the user (record rules, the cost
price permission of the margin reports) and needs the data export
permission, like every export of customer data."""
import datetime as dt
from decimal import Decimal

import openpyxl
from lxml import etree

from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.transaction import check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from xtools_crm_base import spreadsheet
from xtools_crm_base.access import CheckedWizardMixin
from xtools_crm_base.customer_export import check_export_permission

# The reports the wizard exports (its keyword is bound to each)
REPORT_PREFIX = 'crm.reporting.'


def report_columns(Model):
    "(field name, title) of the columns of the report's list view"
    view = Model.fields_view_get(view_type='tree')
    arch = etree.fromstring(view['arch'])
    columns = []
    for node in arch.iter('field'):
        name = node.get('name')
        if name in view['fields'] and name not in {c for c, _ in columns}:
            columns.append((name, view['fields'][name]['string']))
    return columns


def cell(record, name, Model):
    "The value of the column as a workbook cell holds it"
    field = Model._fields[name]
    value = getattr(record, name)
    if value is None:
        return None
    if field._type in {'many2one', 'reference'}:
        return value.rec_name
    if field._type == 'selection':
        # The labels of a static list or of the field's method (the sales
        # detail's deal type), in the user's language
        selection = fields.Selection.get_selection(Model, name, record)
        return selection.get(value, value)
    if field._type == 'boolean':
        return 'X' if value else ''
    if isinstance(value, Decimal):
        return value
    if isinstance(value, (int, float, dt.date, str)):
        return value
    return str(value)


def export_report(Model, records):
    "The .xlsx bytes of records of the report Model"
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = spreadsheet.clean_text(
        Model.__names__()['model'])[:31] or 'Report'
    columns = report_columns(Model)
    spreadsheet.append_row(worksheet, [title for _, title in columns])
    for record in records:
        spreadsheet.append_row(
            worksheet, [cell(record, name, Model) for name, _ in columns])
    return spreadsheet.save(workbook)


class ExportResult(ModelView):
    "Exported report"
    __name__ = 'crm.reporting.export.result'
    __string__ = "Exported Report"

    file = fields.Binary("File", readonly=True, filename='file_name')
    file_name = fields.Char("File Name", readonly=True)


class Export(CheckedWizardMixin, Wizard):
    "Export the report to Excel"
    __name__ = 'crm.reporting.export'
    __string__ = "Export to Excel"
    # Reads the report's rows as the user (see transition_export)
    _state_access = {'start': None, 'export': 'read'}

    start = StateTransition()
    export = StateTransition()
    result = StateView(
        'crm.reporting.export.result',
        'xtools_crm_reports.export_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_start(self):
        return 'export'

    @check_access
    def transition_export(self):
        Model = self.model
        if Model is None or not Model.__name__.startswith(REPORT_PREFIX):
            return 'end'
        check_export_permission(Model)
        domain = []
        if self.records:
            # Only the selected rows the user may still see
            domain = [('id', 'in', [r.id for r in self.records])]
        records = Model.search(domain)
        self.result.file = export_report(Model, records)
        self.result.file_name = '%s-%s.xlsx' % (
            Model.__name__[len(REPORT_PREFIX):].replace('.', '-'),
            Pool().get('ir.date').today().isoformat())
        return 'result'

    def default_result(self, fields):
        return {
            'file': self.result.file,
            'file_name': self.result.file_name,
            }
