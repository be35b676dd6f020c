"""Reading and writing .xlsx files safely: the one place every workbook the
product reads from a user or writes for one goes through (the customer
import, its error file, the export; later reports and stock templates).

Writing (OWASP's CSV/formula injection rule, applied to .xlsx): a cell
written from user text stays text. openpyxl stores any string starting
with "=" as a formula, and Excel turns text starting with =, +, -, @, a
tab or a carriage return into a formula when the cell is edited, so such
text is written as a string cell with Excel's quote prefix. Text is also
cleaned of what no .xlsx can hold (control characters, which openpyxl
refuses with IllegalCharacterError; lone surrogates and non-characters,
which break the XML) and cut to Excel's 32,767 characters: an export
never fails on what the database holds.

Reading is bounded by the real content of the file, not by what it
declares: the file size, the unpacked size and the cells met are capped
(a 5 kB file may declare A1:XFD1048576), only cells holding a value are
kept, and any file openpyxl or the XML parser cannot read is one clean
UnreadableFile error, whatever the library raised."""
import io
import logging
import re
import zipfile

import openpyxl
from openpyxl.cell import Cell, MergedCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._reader import WorkSheetParser

logger = logging.getLogger(__name__)

# Text Excel or LibreOffice may evaluate as a formula (OWASP)
FORMULA_START = ('=', '+', '-', '@', '\t', '\r')
# What an .xlsx cannot hold: C0 controls but tab, newline and carriage
# return; surrogates; the non-characters U+FFFE and U+FFFF
UNWRITABLE_RE = re.compile('[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]')
# Excel's limits: characters in a cell, columns in a sheet
MAX_CELL_CHARS = 32767
MAX_COLUMNS = 16384

# Bounds of what one uploaded workbook may cost to read
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
# Cells met in a sheet, empty formatted ones included (a 20,000-row file
# of 19 columns holds 380,000)
MAX_SHEET_CELLS = 1_000_000


# -- writing -----------------------------------------------------------

def clean_text(text):
    "text as an .xlsx can hold it"
    text = UNWRITABLE_RE.sub('', text)
    if len(text) > MAX_CELL_CHARS:
        text = text[:MAX_CELL_CHARS - 1] + '…'
    return text


def cell_value(value):
    "value as it can be written to a cell (text cleaned, others as is)"
    if isinstance(value, str):
        return clean_text(value)
    return value


def keep_text(cell):
    """Make sure a cell holding text stays text: never a formula, and
    quoted for Excel when it starts like one"""
    value = cell.value
    if isinstance(value, str):
        cell.data_type = 's'
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True
    return cell


def text_cell(worksheet, value):
    """A cell of worksheet holding value (text stays text), for
    worksheet.append in normal and write-only workbooks"""
    return keep_text(Cell(worksheet, value=cell_value(value)))


def append_row(worksheet, values):
    "Append a row of values written from user data"
    worksheet.append([text_cell(worksheet, v) for v in values])


def set_cell(worksheet, row, column, value):
    """Write value to the cell at row, column; a cell hidden by a merge
    is written at the top left of its merged range"""
    cell = writable_cell(worksheet, row, column)
    cell.value = cell_value(value)
    return keep_text(cell)


def writable_cell(worksheet, row, column):
    """The cell at row, column, or the top left cell of the merged range
    that covers it (the only one of a merge openpyxl lets write)"""
    cell = worksheet.cell(row, column)
    if isinstance(cell, MergedCell):
        for merged in worksheet.merged_cells.ranges:
            if (merged.min_row <= row <= merged.max_row
                    and merged.min_col <= column <= merged.max_col):
                return worksheet.cell(merged.min_row, merged.min_col)
    return cell


def free_column(worksheet, row):
    """The first column after the values of row and after every merged
    range of the sheet (no cell of it is merged), or None when the sheet
    reaches Excel's last column"""
    last = 0
    for cell in worksheet[row]:
        if cell.value is not None:
            last = max(last, cell.column)
    for merged in worksheet.merged_cells.ranges:
        last = max(last, merged.max_col)
    if last < MAX_COLUMNS:
        return last + 1


def save(workbook):
    "The .xlsx bytes of workbook"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


# -- reading -----------------------------------------------------------

class UnreadableFile(Exception):
    """The file cannot be read; key: what is wrong (see the import's
    messages), values: its details, sheet and row: where"""

    def __init__(self, key, sheet=None, row=None, **values):
        super().__init__(key, sheet, row, values)
        self.key, self.sheet, self.row, self.values = key, sheet, row, values


class SheetContent:
    """The cells of a sheet that hold a value: rows is a list of (row
    number, {column number: (value, openpyxl data type)}) in the order of
    the file; merged the merged ranges as (min_row, min_col, max_row,
    max_col); cells the number of cells met, empty formatted ones included"""
    __slots__ = ('title', 'rows', 'merged', 'cells')

    def __init__(self, title):
        self.title = title
        self.rows = []
        self.merged = []
        self.cells = 0

    def merged_at(self, row, column):
        "The merged range covering row, column or None"
        for merged in self.merged:
            min_row, min_col, max_row, max_col = merged
            if min_row <= row <= max_row and min_col <= column <= max_col:
                return merged


def check_size(data):
    """Refuse a file bigger than the caps, packed or unpacked (a zip bomb
    is a few kB); UnreadableFile if it is not even a zip file"""
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFile('too_big',
            size=_megabytes(len(data)), max=_megabytes(MAX_FILE_BYTES))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(i.file_size for i in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise UnreadableFile('not_xlsx')
    if unpacked > MAX_UNPACKED_BYTES:
        raise UnreadableFile('too_big',
            size=_megabytes(unpacked), max=_megabytes(MAX_UNPACKED_BYTES))


def _megabytes(size):
    return f'{size / 1024 / 1024:.1f} MB'


def open_workbook(data):
    """The workbook of data in read-only mode; UnreadableFile when it is
    too big or cannot be read"""
    check_size(data or b'')
    try:
        return openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exception:
        # openpyxl raises whatever its parsers meet on a broken file
        # (BadZipFile, KeyError, XMLSyntaxError, ParseError, TypeError …)
        logger.debug("unreadable workbook: %r", exception)
        raise UnreadableFile('not_xlsx')


def find_sheet(workbook, names, normalize):
    "The title of the sheet named one of names (normalised) or None"
    wanted = {normalize(n) for n in names}
    for title in workbook.sheetnames:
        if normalize(title) in wanted:
            return title


def read_sheet(workbook, title, max_rows):
    """The SheetContent of the sheet title of a read-only workbook: the
    cells that hold a value, the merged ranges. Reads only the rows the
    file holds (not those its dimension declares); UnreadableFile when
    the sheet cannot be parsed, holds more than MAX_SHEET_CELLS cells or
    more than max_rows rows with a value."""
    worksheet = workbook[title]
    content = SheetContent(title)
    row_number = None
    try:
        # openpyxl's own sheet parser, fed the real rows only:
        # ReadOnlyWorksheet.iter_rows pads up to the declared dimension
        with worksheet._get_source() as source:
            parser = WorkSheetParser(source, worksheet._shared_strings,
                data_only=True, epoch=workbook.epoch,
                date_formats=workbook._date_formats,
                timedelta_formats=workbook._timedelta_formats)
            for row_number, row in parser.parse():
                content.cells += len(row)
                if content.cells > MAX_SHEET_CELLS:
                    raise UnreadableFile('too_many_cells', sheet=title,
                        row=row_number, max=MAX_SHEET_CELLS)
                values = {c['column']: (c['value'], c['data_type'])
                    for c in row if c['value'] not in (None, '')}
                if values:
                    content.rows.append((row_number, values))
                    if len(content.rows) > max_rows:
                        raise UnreadableFile('too_many_rows', sheet=title,
                            row=row_number, max=max_rows)
            if parser.merged_cells is not None:
                for merged in parser.merged_cells.mergeCell:
                    content.merged.append(_bounds(merged.ref))
    except UnreadableFile:
        raise
    except Exception as exception:
        logger.debug("unreadable sheet %s: %r", title, exception)
        raise UnreadableFile('bad_sheet', sheet=title,
            row=(row_number or 0) + 1)
    return content


def _bounds(ref):
    min_col, min_row, max_col, max_row = (
        openpyxl.utils.cell.range_boundaries(ref))
    return (min_row, min_col, max_row, max_col)


def column_letter(column):
    return get_column_letter(column)
