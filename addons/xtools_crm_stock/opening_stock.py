"""Opening stock from an Excel template (库存初始化, SPEC K7).

Before a warehouse is used, the keeper sets the quantity of each product
in it at once: he downloads the template (one row a product, its code,
name, specification, model and unit), types the quantities — nothing else
may change — and imports it. The file is read whole first: any problem
(the sheet, a row, a column and why) refuses the whole file and nothing is
changed. A good file becomes one stocktaking of the warehouse's storage
(Tryton's ``stock.inventory``, marked as the opening stock), confirmed at
once: the differences with what the books hold are booked as stock moves
and the ledger shows them as the opening stock.

Reading and writing the workbook goes through xtools_crm_base's
spreadsheet.py, with the same caps as the customer import: file and
unpacked size, cells met, rows; the template keeps product texts as text.
"""
import unicodedata
from decimal import Decimal, InvalidOperation

import openpyxl

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction, check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from xtools_crm_base import spreadsheet
from xtools_crm_base.access import Access, CheckedWizardMixin
from xtools_crm_base.customer_import_file import UNREADABLE_MESSAGES

KEEPER = 'xtools_crm_base.group_role_stock'
SHEET = "期初库存"
# The template's columns: (key, header); only the quantity is the user's
COLUMNS = [
    ('id', "产品ID"),
    ('code', "产品编号"),
    ('name', "产品名称"),
    ('spec', "规格"),
    ('model', "型号"),
    ('unit', "单位"),
    ('quantity', "期初数量"),
    ]
FIXED = ['code', 'name', 'spec', 'model', 'unit']
MAX_ROWS = 20000
MAX_QUANTITY = 10 ** 9
MAX_LISTED_ERRORS = 200


def normalize(text):
    return ' '.join(unicodedata.normalize('NFKC', str(text)).split())


def product_values(product):
    "The fixed cells of product's row"
    template = product.template
    return {
        'id': product.id,
        'code': product.code or '',
        'name': template.name or '',
        'spec': getattr(template, 'crm_spec', None) or '',
        'model': getattr(template, 'crm_model', None) or '',
        'unit': product.default_uom.rec_name if product.default_uom else '',
        }


def template_file(products):
    "The template workbook of products, as .xlsx bytes"
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = SHEET
    spreadsheet.append_row(worksheet, [header for _, header in COLUMNS])
    for product in products:
        values = product_values(product)
        spreadsheet.append_row(worksheet, [
                values.get(key, None) for key, _ in COLUMNS])
    for index, width in enumerate([9, 16, 28, 24, 16, 8, 12], 1):
        worksheet.column_dimensions[
            spreadsheet.column_letter(index)].width = width
    worksheet.freeze_panes = 'A2'
    return spreadsheet.save(workbook)


class Problem:
    "A problem of the file: where and why"

    def __init__(self, sheet, row, column, reason):
        self.sheet, self.row, self.column, self.reason = (
            sheet, row, column, reason)

    def values(self):
        return {
            'sheet': self.sheet, 'row': self.row, 'column': self.column,
            'reason': self.reason,
            }


class OpeningStockFile:
    "Reads a filled template: {product id: quantity} or the problems"

    def __init__(self, data):
        self.data = data or b''
        self.problems = []

    def problem(self, row, column, reason):
        self.problems.append(Problem(SHEET, row, column, reason))

    def read(self):
        pool = Pool()
        Product = pool.get('product.product')
        try:
            workbook = spreadsheet.open_workbook(self.data)
        except spreadsheet.UnreadableFile as exception:
            self._unreadable(exception)
            return None
        try:
            title = spreadsheet.find_sheet(workbook, [SHEET], normalize)
            if title is None:
                self.problems.append(Problem(None, None, None, gettext(
                            'xtools_crm_base.msg_import_no_sheet',
                            sheet=SHEET,
                            sheets=', '.join(workbook.sheetnames))))
                return None
            content = spreadsheet.read_sheet(workbook, title, MAX_ROWS + 1)
        except spreadsheet.UnreadableFile as exception:
            self._unreadable(exception)
            return None
        finally:
            workbook.close()
        rows = content.rows
        if not rows:
            self.problem(None, None, gettext(
                    'xtools_crm_stock.msg_opening_no_rows', sheet=SHEET))
            return None
        header_row, header = rows[0]
        columns = self._columns(header_row, header)
        if columns is None:
            return None
        for merged in content.merged:
            min_row, min_col, max_row, max_col = merged
            if max_row > header_row:
                self.problem(max(min_row, header_row + 1),
                    spreadsheet.column_letter(min_col), gettext(
                        'xtools_crm_base.msg_import_merged_cells',
                        range=f'{spreadsheet.column_letter(min_col)}'
                        f'{min_row}:{spreadsheet.column_letter(max_col)}'
                        f'{max_row}'))
        data = rows[1:]
        ids = {}
        for number, values in data:
            value = values.get(columns['id'], (None, None))[0]
            product_id = self._integer(value)
            if product_id is None:
                self.problem(number, COLUMNS[0][1], gettext(
                        'xtools_crm_stock.msg_opening_bad_product',
                        value=str(value)[:50]))
                continue
            if product_id in ids:
                self.problem(number, COLUMNS[0][1], gettext(
                        'xtools_crm_stock.msg_opening_duplicate_product',
                        first=ids[product_id]))
                continue
            ids[product_id] = number
        products = {p.id: p for p in Product.search([
                    ('id', 'in', list(ids)),
                    ('type', '=', 'goods'),
                    ])}
        quantities = {}
        for number, values in data:
            value = values.get(columns['id'], (None, None))[0]
            product = products.get(self._integer(value))
            if product is None:
                if self._integer(value) is not None and (
                        ids.get(self._integer(value)) == number):
                    self.problem(number, COLUMNS[0][1], gettext(
                            'xtools_crm_stock.msg_opening_bad_product',
                            value=str(value)[:50]))
                continue
            expected = product_values(product)
            for key, header in COLUMNS:
                if key not in FIXED:
                    continue
                cell = values.get(columns[key], (None, None))[0]
                if normalize(cell if cell is not None else '') != normalize(
                        expected[key]):
                    self.problem(number, header, gettext(
                            'xtools_crm_stock.msg_opening_changed',
                            column=header, expected=expected[key]))
            cell, data_type = values.get(columns['quantity'], (None, None))
            if cell is None:
                continue
            quantity = self._quantity(cell, data_type)
            if quantity is None:
                self.problem(number, COLUMNS[-1][1], gettext(
                        'xtools_crm_stock.msg_opening_bad_quantity',
                        value=str(cell)[:50], max=MAX_QUANTITY))
                continue
            rounded = product.default_uom.round(quantity)
            if rounded != quantity:
                self.problem(number, COLUMNS[-1][1], gettext(
                        'xtools_crm_stock.msg_opening_quantity_rounding',
                        value=str(cell)[:50],
                        unit=product.default_uom.rec_name))
                continue
            quantities[product.id] = quantity
        if self.problems:
            return None
        if not quantities:
            self.problem(None, COLUMNS[-1][1], gettext(
                    'xtools_crm_stock.msg_opening_no_quantity'))
            return None
        return quantities

    def _unreadable(self, exception):
        self.problems.append(Problem(exception.sheet, exception.row, None,
                gettext('xtools_crm_base.'
                    + UNREADABLE_MESSAGES[exception.key],
                    **exception.values)))

    def _columns(self, row, header):
        "{key: column number} of the header row, or None (problems noted)"
        known = {normalize(h): k for k, h in COLUMNS}
        columns = {}
        for index in sorted(header):
            text = normalize(header[index][0])
            key = known.get(text)
            if key is None or key in columns:
                self.problem(row, spreadsheet.column_letter(index), gettext(
                        'xtools_crm_stock.msg_opening_unknown_column',
                        column=text[:50]))
                continue
            columns[key] = index
        for key, header_text in COLUMNS:
            if key not in columns:
                self.problem(row, header_text, gettext(
                        'xtools_crm_base.msg_import_missing_column',
                        column=header_text))
        return None if self.problems else columns

    @staticmethod
    def _integer(value):
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and normalize(value).isdigit():
            return int(normalize(value))
        return None

    @staticmethod
    def _quantity(value, data_type):
        "value as a quantity, or None when it is none"
        if isinstance(value, bool) or data_type in {'b', 'e', 'd'}:
            return None
        if isinstance(value, (int, float)):
            number = Decimal(str(value))
        elif isinstance(value, str):
            try:
                number = Decimal(normalize(value).replace(',', ''))
            except InvalidOperation:
                return None
        else:
            return None
        if not number.is_finite() or number < 0 or number > MAX_QUANTITY:
            return None
        return float(number)


class OpeningStockStart(ModelView):
    "Import the opening stock"
    __name__ = 'crm.stock.opening.start'
    __string__ = "Import Opening Stock"

    warehouse = fields.Many2One(
        'stock.location', "Warehouse", required=True,
        domain=[('type', '=', 'warehouse')])
    template = fields.Binary(
        "Template", readonly=True, filename='template_name',
        help="Download the template, type the quantities (nothing else) "
        "and upload it.")
    template_name = fields.Char("Template Name", readonly=True)
    file = fields.Binary("File", required=True, filename='file_name')
    file_name = fields.Char("File Name")


class OpeningStockError(ModelView):
    "Problem of an opening stock file"
    __name__ = 'crm.stock.opening.error'
    __string__ = "Opening Stock File Problem"

    sheet = fields.Char("Sheet", readonly=True)
    row = fields.Integer("Row", readonly=True)
    column = fields.Char("Column", readonly=True)
    reason = fields.Char("Reason", readonly=True)


class OpeningStockResult(ModelView):
    "Result of an opening stock import"
    __name__ = 'crm.stock.opening.result'
    __string__ = "Opening Stock Import"

    inventory = fields.Many2One('stock.inventory', "Stocktaking",
        readonly=True)
    products = fields.Integer("Products", readonly=True)
    error_count = fields.Integer("Problems", readonly=True)
    errors = fields.One2Many(
        'crm.stock.opening.error', None, "Problems", readonly=True)


class OpeningStock(CheckedWizardMixin, Wizard):
    "Import the opening stock"
    __name__ = 'crm.stock.opening'
    # No active record: the import is the keeper's, with his rights
    _state_access = {'import_': Access('read', groups=(KEEPER,))}

    start = StateView(
        'crm.stock.opening.start',
        'xtools_crm_stock.opening_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Import", 'import_', 'tryton-ok', default=True),
            ])
    import_ = StateTransition()
    done = StateView(
        'crm.stock.opening.result',
        'xtools_crm_stock.opening_done_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])
    failed = StateView(
        'crm.stock.opening.result',
        'xtools_crm_stock.opening_failed_view_form', [
            Button("Close", 'end', 'tryton-close'),
            Button("Try Another File", 'start', 'tryton-back', default=True),
            ])

    def default_start(self, fields):
        pool = Pool()
        Product = pool.get('product.product')
        Location = pool.get('stock.location')
        products = Product.search([('type', '=', 'goods')],
            order=[('code', 'ASC'), ('id', 'ASC')])
        return {
            'warehouse': Location.get_default_warehouse(),
            'template': template_file(products),
            'template_name': 'opening_stock_template.xlsx',
            }

    # Wizards run without access checks: the import is the keeper's
    @check_access
    def transition_import_(self):
        pool = Pool()
        Inventory = pool.get('stock.inventory')
        reader = OpeningStockFile(self.start.file)
        quantities = reader.read()
        if quantities is None:
            problems = reader.problems
            self.failed.error_count = len(problems)
            self.failed.errors = [
                p.values() for p in problems[:MAX_LISTED_ERRORS]]
            return 'failed'
        warehouse = self.start.warehouse
        inventory = Inventory(
            location=warehouse.storage_location,
            company=Transaction().context.get('company'),
            empty_quantity='keep', crm_opening=True,
            lines=[{'product': p, 'quantity': q}
                for p, q in sorted(quantities.items())])
        # Saving fills in what the books expect (Tryton's complete_lines)
        inventory.save()
        Inventory.confirm([inventory])
        self.done.inventory = inventory.id
        self.done.products = len(quantities)
        self.start.file = None
        return 'done'

    def default_done(self, fields):
        return {
            'inventory': self.done.inventory.id
            if self.done.inventory else None,
            'products': self.done.products,
            }

    def default_failed(self, fields):
        return {
            'error_count': self.failed.error_count,
            'errors': [e._default_values for e in self.failed.errors]
            if self.failed.errors else [],
            }
