"""The customer import file (SPEC B12): its format, reading it into rows of
text, the template, the error file.

The format: a sheet 客户 (one customer a row, with its first contact) and
an optional sheet 联系人 (further contacts, by customer name); a row of
column headers, in Chinese or English, in any order; title rows above
the headers (a "客户资料表" banner) are left out. Reading goes through
spreadsheet.py (bounded by the real content of the file, never a
traceback) and refuses, with its sheet, row, column and reason, whatever
would be read wrong: merged cells in the data, values in a column
without a header (a header merged over two columns), a date, a logical or
an error value where text is expected, text a field cannot hold."""
import io
import unicodedata
from collections import defaultdict

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from trytond.i18n import gettext
from trytond.pool import Pool

from . import spreadsheet
from .input_check import MAX_CHAR, shown, text_problem, text_rule
from .spreadsheet import UnreadableFile, append_row, set_cell

# The most rows one file may hold (a 10,000-row file takes well under a
# minute on one SQLite worker; see bench/bench_import.py)
MAX_ROWS = 20000
# The header row is looked for in the first rows (below a title)
HEADER_SEARCH_ROWS = 10
# Files of more cells get an error sheet of their own, not their own
# cells annotated (loading them whole costs seconds and memory)
MAX_ANNOTATED_CELLS = 200_000


# Dictionary types of the dictionary columns
DICTIONARY_COLUMNS = {
    'kind': 'customer_kind',
    'source': 'customer_source',
    'status': 'customer_status',
    'industry': 'industry',
    }

class Column:
    """One column of the file format. The headers are part of the format
    (the template is in Chinese, SPEC B12) and are accepted in both
    languages, whatever the user's. field: (model, field) whose text rule
    the column's cells follow."""
    __slots__ = ('key', 'zh', 'en', 'required', 'width', 'field')

    def __init__(self, key, zh, en, required=False, width=14, field=None):
        self.key, self.zh, self.en = key, zh, en
        self.required, self.width, self.field = required, width, field

    @property
    def header(self):
        return self.zh + ('*' if self.required else '')


class Sheet:
    __slots__ = ('zh', 'en', 'columns')

    def __init__(self, zh, en, columns):
        self.zh, self.en, self.columns = zh, en, columns


CONTACT_COLUMNS = [
    Column('contact', "联系人", "Contact", field=('crm.contact', 'name')),
    Column('title', "职务", "Title", field=('crm.contact', 'title')),
    Column('mobile', "手机", "Mobile", width=16,
        field=('crm.contact', 'mobile')),
    Column('contact_phone', "联系人电话", "Contact Phone", width=16,
        field=('crm.contact', 'phone')),
    Column('email', "电子邮箱", "Email", width=24,
        field=('crm.contact', 'email')),
    Column('qq', "QQ", "QQ", field=('crm.contact', 'qq')),
    Column('wechat', "微信", "WeChat", field=('crm.contact', 'wechat')),
    ]
CUSTOMERS = Sheet("客户", "Customers", [
        Column('name', "客户名称", "Customer Name", True, width=32,
            field=('party.party', 'name')),
        Column('customer_type', "客户类型", "Customer Type"),
        Column('kind', "客户类别", "Customer Kind"),
        Column('source', "客户来源", "Source"),
        Column('status', "客户状态", "Status"),
        Column('industry', "所属行业", "Industry"),
        Column('region', "省份", "Region"),
        Column('city', "城市", "City", field=('party.party', 'crm_city')),
        Column('street', "地址", "Address", width=32,
            field=('party.address', 'street_unstructured')),
        Column('phone', "公司电话", "Phone", width=18,
            field=('party.contact_mechanism', 'value')),
        Column('website', "网址", "Website", width=24,
            field=('party.contact_mechanism', 'value')),
        Column('owner', "负责人", "Owner"),
        ] + CONTACT_COLUMNS)
CONTACTS = Sheet("联系人", "Contacts", [
        Column('name', "客户名称", "Customer Name", True, width=32,
            field=('party.party', 'name')),
        Column('contact', "联系人", "Contact", True,
            field=('crm.contact', 'name')),
        ] + CONTACT_COLUMNS[1:])
# Column the error file adds; ignored when the file comes back
ERROR_COLUMN = Column('errors', "错误原因", "Errors", width=60)
ERROR_SHEET = "错误"
UNREADABLE_MESSAGES = {
    'not_xlsx': 'msg_import_not_xlsx',
    'too_big': 'msg_import_too_big',
    'too_many_cells': 'msg_import_too_many_cells',
    'too_many_rows': 'msg_import_rows_over',
    'bad_sheet': 'msg_import_bad_sheet',
    }


def normalize(text):
    "The form of a name for comparisons: half-width, no case, one space"
    text = unicodedata.normalize('NFKC', text or '').casefold()
    return ' '.join(text.split())


def plain_text(value):
    "A cell's value as text, as the user sees it (13800138000, not 1.38e10)"
    if value is None:
        return ''
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class Issue:
    """One error of the file: where (sheet, row, column) and why; what
    comes from the file is shown with its control characters escaped"""
    __slots__ = ('sheet', 'row', 'column', 'letter', 'reason')

    def __init__(self, sheet, row, column, letter, reason):
        self.sheet, self.row = shown(sheet), row
        self.column, self.letter = shown(column), letter
        self.reason = shown(reason)

    def values(self):
        return {
            'sheet': self.sheet, 'row': self.row,
            'column': self.column, 'reason': self.reason,
            }


class FileReader:
    """Reads the sheets of a workbook into rows of text, recording every
    problem as an Issue with its sheet, row, column and reason"""

    def __init__(self, data):
        self.data = data or b''
        self.issues = []
        self.headers = {}       # (sheet, key) → (header, column letter)
        self.header_rows = {}   # sheet → row number of its headers
        self.cells = 0          # cells read (to annotate the file or not)
        self.readable = False
        self._rules = {}

    def error(self, sheet, row, column, reason, letter=None):
        self.issues.append(Issue(sheet, row, column, letter, reason))

    def read(self):
        """{sheet: [(row number, {key: text})]} of the two sheets (the
        rows with data, the contacts sheet possibly empty), or None when
        the file cannot be read or its headers are wrong"""
        try:
            workbook = spreadsheet.open_workbook(self.data)
        except UnreadableFile as exception:
            self._unreadable(exception)
            return None
        try:
            result = {}
            for sheet, required in [(CUSTOMERS, True), (CONTACTS, False)]:
                title = spreadsheet.find_sheet(
                    workbook, [sheet.zh, sheet.en], normalize)
                if title is None:
                    if required:
                        self.error(None, None, None, gettext(
                                'xtools_crm_base.msg_import_no_sheet',
                                sheet=sheet.zh,
                                sheets=', '.join(workbook.sheetnames)))
                        return None
                    result[sheet.zh] = []
                    continue
                content = spreadsheet.read_sheet(workbook, title, MAX_ROWS)
                self.cells += content.cells
                result[sheet.zh] = self._rows(sheet, content)
        except UnreadableFile as exception:
            self._unreadable(exception)
            return None
        finally:
            workbook.close()
        self.readable = True
        if any(rows is None for rows in result.values()):
            return None
        return result

    def _unreadable(self, exception):
        self.error(exception.sheet, exception.row, None, gettext(
                'xtools_crm_base.'
                + UNREADABLE_MESSAGES[exception.key], **exception.values))

    def _rows(self, sheet, content):
        """[(row number, {key: text})] of the data rows of a sheet, or None
        when its headers are wrong (errors recorded)"""
        rows = content.rows
        header_index = self._header_index(sheet, rows)
        if header_index is None:
            header_number, header = 1, {}
        else:
            header_number, header = rows[header_index]
        self.header_rows[sheet.zh] = header_number
        columns = self._read_header(sheet, header_number, header)
        if columns is None:
            return None
        data = rows[header_index + 1:] if header_index is not None else []
        self._check_layout(sheet, content, header_number, columns, data)
        result = []
        for number, values in data:
            cells = {}
            for index, (value, data_type) in values.items():
                column = columns.get(index)
                if column is None or column is ERROR_COLUMN:
                    continue
                text = self._cell_text(
                    sheet, number, index, column, value, data_type)
                if text:
                    cells[column.key] = text
            if cells:
                result.append((number, cells))
        return result

    def _header_index(self, sheet, rows):
        """Index in rows of the header row: the first of the first rows
        that names the sheet's first column, else the first row"""
        if not rows:
            return None
        first = sheet.columns[0]
        names = {normalize(first.zh), normalize(first.en)}
        for index, (number, values) in enumerate(rows):
            if number > HEADER_SEARCH_ROWS:
                break
            if any(normalize(plain_text(v)).rstrip('*').strip() in names
                    for v, _ in values.values()):
                return index
        return 0

    def _read_header(self, sheet, row, header):
        """{column number: Column} of the header row, or None when it is
        wrong; remembers each column's header and letter for the errors"""
        known = {}
        for column in sheet.columns + [ERROR_COLUMN]:
            known[normalize(column.zh)] = column
            known[normalize(column.en)] = column
        columns, seen, ok = {}, {}, True
        for index in sorted(header):
            text = plain_text(header[index][0])
            letter = spreadsheet.column_letter(index)
            column = known.get(normalize(text).rstrip('*').strip())
            if column is None:
                ok = False
                self.error(sheet.zh, row, text, gettext(
                        'xtools_crm_base.msg_import_unknown_column',
                        column=shown(text)), letter)
            elif column.key in seen:
                ok = False
                self.error(sheet.zh, row, text, gettext(
                        'xtools_crm_base.msg_import_duplicate_column',
                        column=shown(text)), letter)
            else:
                seen[column.key] = index
                columns[index] = column
                self.headers[sheet.zh, column.key] = (text, letter)
        for column in sheet.columns:
            if column.required and column.key not in seen:
                ok = False
                self.error(sheet.zh, row, column.header, gettext(
                        'xtools_crm_base.msg_import_missing_column',
                        column=column.header))
        return columns if ok else None

    def _check_layout(self, sheet, content, header_row, columns, data):
        """Refuse what would be read wrong: merged cells among the data,
        values in a column without a header"""
        for min_row, min_col, max_row, max_col in content.merged:
            if max_row <= header_row or (
                    min_row == max_row and min_col == max_col):
                continue
            first = max(min_row, header_row + 1)
            column = columns.get(min_col)
            self.error(sheet.zh, first,
                self._header(sheet, column.key) if column else None,
                gettext('xtools_crm_base.msg_import_merged_cells',
                    range=_range(min_row, min_col, max_row, max_col)),
                spreadsheet.column_letter(min_col))
        reported = set()
        for number, values in data:
            for index in values:
                if index in columns or index in reported:
                    continue
                reported.add(index)
                letter = spreadsheet.column_letter(index)
                merged = content.merged_at(header_row, index)
                header = columns.get(merged[1]) if merged else None
                if header:
                    reason = gettext(
                        'xtools_crm_base.msg_import_merged_header',
                        column=self._header(sheet, header.key),
                        range=_range(*merged), letter=letter)
                else:
                    reason = gettext('xtools_crm_base.msg_import_no_header',
                        letter=letter)
                self.error(sheet.zh, number, letter, reason, letter)

    def _cell_text(self, sheet, row, index, column, value, data_type):
        "The text of a cell, or None when it is not text (error recorded)"
        def fail(reason):
            self.error(sheet.zh, row, self._header(sheet, column.key),
                reason, spreadsheet.column_letter(index))

        if data_type == 'd' or hasattr(value, 'isoformat') \
                or hasattr(value, 'total_seconds'):
            fail(gettext('xtools_crm_base.msg_import_date_cell',
                    value=plain_text(value)))
            return None
        if data_type in {'b', 'e'} or isinstance(value, bool):
            fail(gettext('xtools_crm_base.msg_import_value_cell',
                    value=plain_text(value)))
            return None
        text = plain_text(value)
        multiline, max_length = self._rule(column)
        problem = text_problem(text, multiline, max_length)
        if problem:
            message, details = problem
            fail(gettext(f'xtools_crm_base.{message}',
                    field=self._header(sheet, column.key), model=sheet.zh,
                    **details))
            return None
        return text

    def _rule(self, column):
        if column.field is None:
            return False, MAX_CHAR
        if column.field not in self._rules:
            model, name = column.field
            self._rules[column.field] = text_rule(
                Pool().get(model)._fields[name])
        return self._rules[column.field]

    def _header(self, sheet, key):
        "The header of the column key as the file has it"
        if (sheet.zh, key) in self.headers:
            return self.headers[sheet.zh, key][0]
        return next(c.header for c in sheet.columns if c.key == key)

    def error_file(self):
        """The file with its errors marked, as .xlsx bytes: its own cells
        annotated when it could be read and is not too big, and a first
        sheet listing every error"""
        workbook = None
        if self.readable and self.cells <= MAX_ANNOTATED_CELLS:
            try:
                # The values the import read: a formula is its result
                workbook = openpyxl.load_workbook(
                    io.BytesIO(self.data), data_only=True)
            except Exception:
                # Read once in read-only mode: unexpected, but the error
                # sheet alone still tells everything
                workbook = None
        if workbook is None:
            workbook = openpyxl.Workbook()
            workbook.remove(workbook.active)
        else:
            self._annotate(workbook)
        if ERROR_SHEET in workbook.sheetnames:
            workbook.remove(workbook[ERROR_SHEET])
        worksheet = workbook.create_sheet(ERROR_SHEET, 0)
        append_row(worksheet, ["工作表", "行", "列", "原因"])
        for issue in self.issues:
            append_row(worksheet,
                [issue.sheet, issue.row, issue.column, issue.reason])
        for letter, width in zip('ABCD', [10, 8, 16, 80]):
            worksheet.column_dimensions[letter].width = width
        return spreadsheet.save(workbook)

    def _annotate(self, workbook):
        """Mark the bad cells and give each bad row its reasons; the text
        of the file stays text"""
        for worksheet in workbook:
            for row in worksheet.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str):
                        spreadsheet.keep_text(cell)
        fill = PatternFill('solid', fgColor='FFC7CE')
        by_row = defaultdict(list)
        titles = {normalize(t): t for t in workbook.sheetnames}
        sheet_titles = {
            s.zh: titles.get(normalize(s.zh)) or titles.get(normalize(s.en))
            for s in [CUSTOMERS, CONTACTS]}
        for issue in self.issues:
            title = sheet_titles.get(issue.sheet)
            if title is None or not issue.row:
                continue
            by_row[title, issue.row].append(issue.reason)
            if issue.letter:
                worksheet = workbook[title]
                cell = spreadsheet.writable_cell(worksheet, issue.row,
                    openpyxl.utils.column_index_from_string(issue.letter))
                cell.fill = fill
                cell.comment = Comment(
                    spreadsheet.clean_text(issue.reason), 'XToolsCRM')
        columns = {}
        for (title, row), reasons in by_row.items():
            worksheet = workbook[title]
            if title not in columns:
                sheet = next(s for s in [CUSTOMERS, CONTACTS]
                    if sheet_titles[s.zh] == title)
                columns[title] = self._error_column(
                    worksheet, self.header_rows.get(sheet.zh, 1))
            if columns[title]:
                set_cell(worksheet, row, columns[title], '\n'.join(reasons))

    @staticmethod
    def _error_column(worksheet, header_row):
        """The error column of the sheet, added after the last one (and
        after any merged range) if needed; None if there is no room"""
        for cell in worksheet[header_row]:
            if (isinstance(cell.value, str)
                    and normalize(cell.value) == normalize(ERROR_COLUMN.zh)):
                return cell.column
        column = spreadsheet.free_column(worksheet, header_row)
        if column is None:
            return None
        cell = set_cell(worksheet, header_row, column, ERROR_COLUMN.zh)
        cell.font = Font(bold=True, color='9C0006')
        letter = openpyxl.utils.get_column_letter(column)
        worksheet.column_dimensions[letter].width = ERROR_COLUMN.width
        return column


def _range(min_row, min_col, max_row, max_col):
    return (f'{spreadsheet.column_letter(min_col)}{min_row}:'
        f'{spreadsheet.column_letter(max_col)}{max_row}')


def count_rows(data):
    """How many data rows the file's two sheets hold (by their content),
    0 when it cannot be read"""
    rows = FileReader(data).read()
    if rows is None:
        return 0
    return sum(len(r) for r in rows.values())


def write_sheet(workbook, sheet, rows):
    "A sheet of the format with its headers and the rows (lists of text)"
    worksheet = workbook.create_sheet(sheet.zh)
    append_row(worksheet, [c.header for c in sheet.columns])
    for cell in worksheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(sheet.columns, start=1):
        worksheet.column_dimensions[
            openpyxl.utils.get_column_letter(index)].width = column.width
    worksheet.freeze_panes = 'A2'
    for row in rows:
        append_row(worksheet, row)
    return worksheet


def template_file():
    "The import template: the two sheets with their headers, and a guide"
    pool = Pool()
    Dictionary = pool.get('crm.dictionary')
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for sheet in [CUSTOMERS, CONTACTS]:
        write_sheet(workbook, sheet, [])
    guide = workbook.create_sheet("说明")
    append_row(guide, ["列", "必填", "可填的值"])
    for cell in guide[1]:
        cell.font = bold
    names = defaultdict(list)
    for entry in Dictionary.search([]):
        names[entry.type].append(entry.name)
    for column in CUSTOMERS.columns:
        allowed = ''
        if column.key in DICTIONARY_COLUMNS:
            allowed = '、'.join(names[DICTIONARY_COLUMNS[column.key]])
        elif column.key == 'customer_type':
            allowed = "企业客户、个人客户（空白为企业客户）"
        elif column.key == 'owner':
            allowed = "用户的登录名或姓名（空白为导入人）"
        elif column.key == 'region':
            allowed = "省份名称或代码，如 浙江省、CN-ZJ"
        # Dictionary names are user data
        append_row(guide,
            [column.zh, "是" if column.required else "", allowed])
    guide.append([])
    guide.append(["「联系人」工作表：每行一个联系人，「客户名称」须是「客户」工作表中的客户。"])
    guide.append(["文件中有任何错误时不会导入任何数据；请按错误文件修改后重新导入。"])
    guide.column_dimensions['A'].width = 14
    guide.column_dimensions['C'].width = 80
    return spreadsheet.save(workbook)
