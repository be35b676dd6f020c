"""Customer import (客户导入, SPEC B12) from an Excel workbook (.xlsx).

The file format: a sheet 客户 (one customer a row, with its first contact)
and an optional sheet 联系人 (further contacts, by customer name); row 1
holds the column headers, in Chinese or English, in any order.

Every row is checked before anything is written, by the rules the forms
apply (contact.py's normalisation and checks, Tryton's phone check, the
dictionary, the user's hierarchy), and every error is reported with its
sheet, row, column and reason. Only a file without any error is imported:
all its customers and contacts in the one transaction, by batched create()
calls. A rejected file comes back annotated (the bad cells marked, the
reasons beside them) for the user to correct and import again."""
import hashlib
import io
import re
import unicodedata
import zipfile
from collections import defaultdict

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from sql import Null

from trytond import backend
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, check_access
from trytond.wizard import (
    Button, StateAction, StateTransition, StateView, Wizard)

from .contact import DuplicateMobileWarning
from .visibility import user_visibility

# The most rows one file may hold (a 10,000-row file takes well under a
# minute on one SQLite worker; see bench/bench_import.py)
MAX_ROWS = 20000
# Customers created by one create() call
BATCH_SIZE = 200
# Errors listed in the wizard; the error file holds them all
MAX_LISTED_ERRORS = 500
# Context key: the rows were checked as a whole, skip the per-record
# duplicate warnings (set by the server only: RPC drops '_' keys)
CHECKED = '_crm_import_checked'


class Column:
    """One column of the file format. The headers are part of the format
    (the template is in Chinese, SPEC B12) and are accepted in both
    languages, whatever the user's."""
    __slots__ = ('key', 'zh', 'en', 'required', 'width')

    def __init__(self, key, zh, en, required=False, width=14):
        self.key, self.zh, self.en = key, zh, en
        self.required, self.width = required, width

    @property
    def header(self):
        return self.zh + ('*' if self.required else '')


class Sheet:
    __slots__ = ('zh', 'en', 'columns')

    def __init__(self, zh, en, columns):
        self.zh, self.en, self.columns = zh, en, columns


CONTACT_COLUMNS = [
    Column('contact', "联系人", "Contact"),
    Column('title', "职务", "Title"),
    Column('mobile', "手机", "Mobile", width=16),
    Column('contact_phone', "联系人电话", "Contact Phone", width=16),
    Column('email', "电子邮箱", "Email", width=24),
    Column('qq', "QQ", "QQ"),
    Column('wechat', "微信", "WeChat"),
    ]
CUSTOMERS = Sheet("客户", "Customers", [
        Column('name', "客户名称", "Customer Name", True, width=32),
        Column('customer_type', "客户类型", "Customer Type"),
        Column('kind', "客户类别", "Customer Kind"),
        Column('source', "客户来源", "Source"),
        Column('status', "客户状态", "Status"),
        Column('industry', "所属行业", "Industry"),
        Column('region', "省份", "Region"),
        Column('city', "城市", "City"),
        Column('street', "地址", "Address", width=32),
        Column('phone', "公司电话", "Phone", width=18),
        Column('website', "网址", "Website", width=24),
        Column('owner', "负责人", "Owner"),
        ] + CONTACT_COLUMNS)
CONTACTS = Sheet("联系人", "Contacts", [
        Column('name', "客户名称", "Customer Name", True, width=32),
        Column('contact', "联系人", "Contact", True),
        ] + CONTACT_COLUMNS[1:])
# Column the error file adds; ignored when the file comes back
ERROR_COLUMN = Column('errors', "错误原因", "Errors", width=60)
ERROR_SHEET = "错误"

# Dictionary types of the dictionary columns
DICTIONARY_COLUMNS = {
    'kind': 'customer_kind',
    'source': 'customer_source',
    'status': 'customer_status',
    'industry': 'industry',
    }
# Words for the customer types besides their labels in each language
CUSTOMER_TYPE_WORDS = {
    'enterprise': ["企业客户", "企业", "公司", "enterprise"],
    'individual': ["个人客户", "个人", "individual"],
    }
# Province-level suffixes users often leave out (浙江 for 浙江省)
REGION_SUFFIXES = ["", "省", "市", "自治区", "特别行政区"]
CONTACT_FIELDS = {
    'contact': 'name', 'title': 'title', 'mobile': 'mobile',
    'contact_phone': 'phone', 'email': 'email', 'qq': 'qq',
    'wechat': 'wechat',
    }
CHECKED_CONTACT_FIELDS = ['mobile', 'email', 'qq', 'wechat']


def normalize(text):
    "The form of a name for comparisons: half-width, no case, one space"
    text = unicodedata.normalize('NFKC', text or '').casefold()
    return ' '.join(text.split())


def cell_text(value):
    "The text of a cell as the user sees it (13800138000, not 1.38e10)"
    if value is None:
        return ''
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, 'isoformat'):
        value = value.isoformat()
    return str(value).strip()


class Issue:
    "One error of the file: where (sheet, row, column) and why"
    __slots__ = ('sheet', 'row', 'column', 'letter', 'reason')

    def __init__(self, sheet, row, column, letter, reason):
        self.sheet, self.row, self.column = sheet, row, column
        self.letter, self.reason = letter, reason

    def values(self):
        return {
            'sheet': self.sheet, 'row': self.row,
            'column': self.column, 'reason': self.reason,
            }


class CustomerFileImport:
    """Checks a workbook and creates its customers if it has no error.
    Work on the pool of the current transaction, as the current user."""

    def __init__(self, data):
        self.data = data
        self.issues = []
        self.customers = []     # create() values, in the order of the file
        self.rows = {}          # normalised name → row of the customers
        self.contact_count = 0
        self.mobiles = defaultdict(list)    # mobile → [(sheet, row)]
        self.headers = {}       # (sheet, key) → (header, column letter)
        pool = Pool()
        self.Party = pool.get('party.party')
        self.Contact = pool.get('crm.contact')
        self.Mechanism = pool.get('party.contact_mechanism')
        self._load_references()

    # -- references ---------------------------------------------------

    def _languages(self):
        Config = Pool().get('ir.configuration')
        return {Config.get_language(), 'zh_CN',
            Transaction().language}

    def _load_references(self):
        pool = Pool()
        Dictionary = pool.get('crm.dictionary')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        transaction = Transaction()
        self.dictionary = defaultdict(dict)     # type → name → id
        self.dictionary_names = defaultdict(list)
        self.type_words = {}
        for language in self._languages():
            with transaction.set_context(language=language):
                for entry in Dictionary.search([]):
                    key = normalize(entry.name)
                    if key not in self.dictionary[entry.type]:
                        self.dictionary[entry.type][key] = entry.id
                        if language == transaction.language:
                            self.dictionary_names[entry.type].append(
                                entry.name)
                selection = self.Party.fields_get(
                    ['crm_customer_type'])['crm_customer_type']['selection']
                for value, label in selection:
                    if value:
                        self.type_words[normalize(label)] = value
        for value, words in CUSTOMER_TYPE_WORDS.items():
            for word in words:
                self.type_words[normalize(word)] = value
        self.potential = ModelData.get_id(
            'xtools_crm_base', 'dict_customer_kind_potential')
        self.users_by_login = {}
        self.users_by_name = defaultdict(set)
        self.user_names = {}
        with transaction.set_context(_check_access=False):
            for user in User.search([]):
                self.users_by_login[normalize(user.login)] = user.id
                self.users_by_name[normalize(user.name)].add(user.id)
                self.user_names[user.id] = user.rec_name
        self.user = transaction.user
        self.company_country = None
        if transaction.context.get('company'):
            company = pool.get('company.company')(
                transaction.context['company'])
            self.company_country = next((a.country
                    for a in company.party.addresses if a.country), None)
        see_all, _, owners, _, _ = user_visibility(self.user)
        self.allowed_owners = (None if see_all or not transaction.user
            else set(owners))

    def _load_regions(self, values):
        "Subdivisions by every name or code the file uses"
        Subdivision = Pool().get('country.subdivision')
        values = {v for v in values if v}
        self.regions = defaultdict(set)
        self.region_names = {}
        if not values:
            return
        names = {v + suffix for v in values for suffix in REGION_SUFFIXES}
        codes = {v.upper() for v in values}
        for language in self._languages():
            with Transaction().set_context(language=language):
                for sub_names in grouped_slice(
                        sorted(names), backend.MAX_QUERY_PARAMS // 2):
                    subdivisions = Subdivision.search(['OR',
                            ('name', 'in', list(sub_names)),
                            ('code', 'in', list(codes)),
                            ])
                    for subdivision in subdivisions:
                        self.region_names[subdivision.id] = (
                            f'{subdivision.name} ({subdivision.code})')
                        for value in values:
                            if (subdivision.code == value.upper()
                                    or subdivision.name in {
                                        value + s for s in REGION_SUFFIXES}):
                                self.regions[value].add(subdivision)

    # -- reading ------------------------------------------------------

    def error(self, sheet, row, column, reason, letter=None):
        self.issues.append(Issue(sheet, row, column, letter, reason))

    def run(self):
        """Check the whole file, then create everything if it is right.
        Returns True when imported."""
        if not self.check():
            return False
        self._warn_duplicate_mobiles()
        self.create()
        return True

    def check(self):
        """Read and check the whole file; True when it has no error (the
        values to create are then in self.customers)"""
        workbook = self._open()
        if workbook is None:
            return False
        customer_rows = self._read_sheet(workbook, CUSTOMERS, required=True)
        contact_rows = self._read_sheet(workbook, CONTACTS, required=False)
        workbook.close()
        if customer_rows is None or contact_rows is None:
            return False
        if not customer_rows:
            self.error(CUSTOMERS.zh, None, None, gettext(
                    'xtools_crm_base.msg_import_no_rows', sheet=CUSTOMERS.zh))
            return False
        if len(customer_rows) + len(contact_rows) > MAX_ROWS:
            self.error(CUSTOMERS.zh, None, None, gettext(
                    'xtools_crm_base.msg_import_too_many_rows',
                    rows=len(customer_rows) + len(contact_rows),
                    max=MAX_ROWS))
            return False
        self._load_regions(
            {r['region'] for _, r in customer_rows if 'region' in r})
        self._load_existing_names()
        with Transaction().set_context({CHECKED: True}):
            for row, cells in customer_rows:
                self._check_customer(row, cells)
            for row, cells in contact_rows:
                self._check_extra_contact(row, cells)
        return not self.issues

    def _open(self):
        try:
            return openpyxl.load_workbook(
                io.BytesIO(self.data or b''), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError):
            self.error(None, None, None, gettext(
                    'xtools_crm_base.msg_import_not_xlsx'))

    def _find_sheet(self, workbook, sheet):
        wanted = {normalize(sheet.zh), normalize(sheet.en)}
        for name in workbook.sheetnames:
            if normalize(name) in wanted:
                return workbook[name]

    def _read_sheet(self, workbook, sheet, required):
        """[(row number, {key: text})] of the rows with data, or None
        when the sheet cannot be read (errors recorded)"""
        worksheet = self._find_sheet(workbook, sheet)
        if worksheet is None:
            if required:
                self.error(None, None, None, gettext(
                        'xtools_crm_base.msg_import_no_sheet',
                        sheet=sheet.zh,
                        sheets=', '.join(workbook.sheetnames)))
                return None
            return []
        rows = worksheet.iter_rows(values_only=True)
        header = next(rows, None) or ()
        columns = self._read_header(sheet, header)
        if columns is None:
            return None
        result = []
        for number, values in enumerate(rows, start=2):
            cells = {}
            for index, value in enumerate(values):
                column = columns.get(index)
                text = cell_text(value)
                if column and text:
                    cells[column.key] = text
            if cells:
                result.append((number, cells))
                if len(result) > MAX_ROWS:
                    break
        return result

    def _read_header(self, sheet, header):
        """{index: Column} of the header row, or None when it is wrong;
        remembers each column's header and letter for the errors"""
        known = {}
        for column in sheet.columns + [ERROR_COLUMN]:
            known[normalize(column.zh)] = column
            known[normalize(column.en)] = column
        columns, seen, ok = {}, {}, True
        for index, value in enumerate(header):
            text = cell_text(value)
            if not text:
                continue
            letter = openpyxl.utils.get_column_letter(index + 1)
            column = known.get(normalize(text).rstrip('*').strip())
            if column is None:
                ok = False
                self.error(sheet.zh, 1, text, gettext(
                        'xtools_crm_base.msg_import_unknown_column',
                        column=text), letter)
            elif column.key in seen:
                ok = False
                self.error(sheet.zh, 1, text, gettext(
                        'xtools_crm_base.msg_import_duplicate_column',
                        column=text), letter)
            elif column is not ERROR_COLUMN:
                seen[column.key] = index
                columns[index] = column
                self.headers[sheet.zh, column.key] = (text, letter)
        for column in sheet.columns:
            if column.required and column.key not in seen:
                ok = False
                self.error(sheet.zh, 1, column.header, gettext(
                        'xtools_crm_base.msg_import_missing_column',
                        column=column.header))
        return columns if ok else None

    # -- checking -----------------------------------------------------

    def _load_existing_names(self):
        "Customers already there, whoever owns them, the binned included"
        party = self.Party.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*party.select(
                party.name, party.crm_owner, party.crm_deleted_date,
                where=(party.crm_customer_type != Null)
                & (party.active == True)))  # noqa: E712
        self.existing = {
            normalize(name): (owner, deleted)
            for name, owner, deleted in cursor}

    def _check_customer(self, row, cells):
        sheet = CUSTOMERS.zh
        errors_before = len(self.issues)

        def fail(key, reason):
            self.error(sheet, row, self._header(CUSTOMERS, key), reason,
                self.headers.get((sheet, key), (None, None))[1])

        name = cells.get('name', '')
        if not name:
            fail('name', gettext('xtools_crm_base.msg_import_required'))
        else:
            self._check_name(name, row, fail)
        customer_type = 'enterprise'
        if 'customer_type' in cells:
            text = cells['customer_type']
            customer_type = self.type_words.get(normalize(text))
            if not customer_type:
                fail('customer_type', gettext(
                        'xtools_crm_base.msg_import_unknown_value',
                        value=text,
                        column=self._header(CUSTOMERS, 'customer_type'),
                        values=', '.join(sorted(
                                {w for ws in CUSTOMER_TYPE_WORDS.values()
                                    for w in ws[:2]}))))
        values = {
            'name': name,
            'crm_customer_type': customer_type,
            'crm_kind': self.potential,
            'crm_owner': self._owner(cells, fail),
            }
        for key, dictionary_type in DICTIONARY_COLUMNS.items():
            if key in cells:
                values[f'crm_{key}'] = self._dictionary(
                    dictionary_type, key, cells, fail)
        region = self._region(cells, fail)
        if region:
            values['crm_region'] = region.id
        if 'city' in cells:
            values['crm_city'] = cells['city']
        if 'street' in cells:
            values['addresses'] = [('create', [{
                            # What the street's setter writes
                            'street_unstructured': cells['street'],
                            'city': cells.get('city'),
                            'country': region.country.id if region else None,
                            'subdivision': region.id if region else None,
                            }])]
        mechanisms = []
        for key, type_ in [('phone', 'phone'), ('website', 'website')]:
            if key in cells:
                mechanism = {'type': type_, 'value': cells[key]}
                if self._check_mechanism(mechanism, key, region, fail):
                    mechanisms.append(mechanism)
        if mechanisms:
            values['contact_mechanisms'] = [('create', mechanisms)]
        if (customer_type == 'individual' and 'contact' not in cells
                and name and set(cells) & set(CONTACT_FIELDS)):
            # An individual customer is its own contact
            cells['contact'] = name
        contact = self._contact(sheet, row, cells, fail)
        if contact:
            values['crm_contacts'] = [('create', [contact])]
            self.contact_count += 1
        if len(self.issues) == errors_before and name:
            self.rows[normalize(name)] = (row, len(self.customers))
            self.customers.append(values)
        elif name:
            # Keep the row for the duplicates and the contacts sheet
            self.rows.setdefault(normalize(name), (row, None))

    def _header(self, sheet, key):
        "The header of the column key as the file has it"
        if (sheet.zh, key) in self.headers:
            return self.headers[sheet.zh, key][0]
        return next(c.header for c in sheet.columns if c.key == key)

    def _check_name(self, name, row, fail):
        key = normalize(name)
        if key in self.rows:
            fail('name', gettext(
                    'xtools_crm_base.msg_import_duplicate_in_file',
                    name=name, row=self.rows[key][0]))
        elif key in self.existing:
            owner, deleted = self.existing[key]
            fail('name', gettext(
                    'xtools_crm_base.msg_import_existing_customer_binned'
                    if deleted else
                    'xtools_crm_base.msg_import_existing_customer',
                    name=name, owner=self.user_names.get(owner, '-')))

    def _owner(self, cells, fail):
        if 'owner' not in cells:
            return self.user
        text = cells['owner']
        key = normalize(text)
        if key in self.users_by_login:
            owner = self.users_by_login[key]
        else:
            candidates = self.users_by_name.get(key, set())
            if len(candidates) != 1:
                fail('owner', gettext(
                        'xtools_crm_base.msg_import_ambiguous_owner'
                        if candidates else
                        'xtools_crm_base.msg_import_unknown_owner',
                        value=text))
                return self.user
            owner, = candidates
        if (self.allowed_owners is not None
                and owner not in self.allowed_owners):
            fail('owner', gettext(
                    'xtools_crm_base.msg_import_owner_not_allowed',
                    owner=self.user_names[owner]))
        return owner

    def _dictionary(self, dictionary_type, key, cells, fail):
        text, header = cells[key], self._header(CUSTOMERS, key)
        entry = self.dictionary[dictionary_type].get(normalize(text))
        if not entry:
            names = self.dictionary_names[dictionary_type]
            fail(key, gettext(
                    'xtools_crm_base.msg_import_unknown_value',
                    value=text, column=header,
                    values=', '.join(names[:12])
                    + (' …' if len(names) > 12 else '')))
        return entry

    def _region(self, cells, fail):
        if 'region' not in cells:
            return None
        text = cells['region']
        found = self.regions.get(text, set())
        if len(found) > 1:
            # A name shared by several countries: China's first
            chinese = {s for s in found if s.country.code == 'CN'}
            found = chinese or found
        if len(found) == 1:
            return next(iter(found))
        fail('region', gettext(
                'xtools_crm_base.msg_import_ambiguous_region'
                if found else 'xtools_crm_base.msg_import_unknown_region',
                value=text,
                regions=', '.join(sorted(
                        self.region_names[s.id] for s in found))))

    def _check_mechanism(self, values, key, region, fail):
        """Tryton's own checks of a phone number or a website, for a
        party of the row's country (else the company's), as it will be"""
        pool = Pool()
        Address = pool.get('party.address')
        country = region.country if region else self.company_country
        party = self.Party(addresses=[Address(country=country)])
        mechanism = self.Mechanism(party=party, **values)
        try:
            self.Mechanism.validate_fields([mechanism], {'type', 'value'})
        except ValidationError as exception:
            fail(key, exception.message)
            return False
        return True

    def _contact(self, sheet, row, cells, fail):
        "The values of the row's contact, normalised and checked"
        values = {field: cells[key]
            for key, field in CONTACT_FIELDS.items() if key in cells}
        if not values:
            return None
        ok = bool(values.get('name'))
        if not ok:
            fail('contact', gettext(
                    'xtools_crm_base.msg_import_contact_name'))
        values = self.Contact.preprocess_values('create', values)
        # The other cells are checked all the same: every error is listed
        contact = self.Contact(**{'name': '-', **values})
        for field in CHECKED_CONTACT_FIELDS:
            if not values.get(field):
                continue
            try:
                self.Contact.validate_fields([contact], {field})
            except ValidationError as exception:
                fail(field, exception.message)
                ok = False
        if values.get('mobile'):
            self.mobiles[values['mobile']].append((sheet, row))
        return values if ok else None

    def _check_extra_contact(self, row, cells):
        sheet = CONTACTS.zh

        def fail(key, reason):
            self.error(sheet, row, self._header(CONTACTS, key), reason,
                self.headers.get((sheet, key), (None, None))[1])

        name = cells.get('name', '')
        if not name:
            fail('name', gettext('xtools_crm_base.msg_import_required'))
        elif normalize(name) not in self.rows:
            fail('name', gettext(
                    'xtools_crm_base.msg_import_contact_customer',
                    name=name, sheet=CUSTOMERS.zh))
        if not cells.get('contact'):
            fail('contact', gettext('xtools_crm_base.msg_import_required'))
            return
        contact = self._contact(sheet, row, cells, fail)
        if contact and name and normalize(name) in self.rows:
            _, index = self.rows[normalize(name)]
            if index is not None:
                self.customers[index].setdefault(
                    'crm_contacts', [('create', [])])[0][1].append(contact)
                self.contact_count += 1

    def _duplicate_mobiles(self):
        "The mobiles twice in the file or already at another contact"
        contact = self.Contact.__table__()
        cursor = Transaction().connection.cursor()
        duplicates = {m for m, rows in self.mobiles.items() if len(rows) > 1}
        for sub in grouped_slice(
                sorted(self.mobiles), backend.MAX_QUERY_PARAMS):
            cursor.execute(*contact.select(
                    contact.mobile, where=contact.mobile.in_(list(sub))))
            duplicates.update(m for m, in cursor)
        return duplicates

    def _duplicate_mobiles_text(self, duplicates):
        shown = sorted(duplicates)[:10]
        return ', '.join(shown) + (
            ' …' if len(duplicates) > len(shown) else '')

    def duplicate_mobiles_message(self):
        """The note of a queued import (no one to answer a warning): the
        mobiles that probably are one person, or None"""
        duplicates = self._duplicate_mobiles()
        if duplicates:
            return gettext(
                'xtools_crm_base.msg_import_job_duplicate_mobiles',
                count=len(duplicates),
                mobiles=self._duplicate_mobiles_text(duplicates))

    def _warn_duplicate_mobiles(self):
        """A mobile twice in the file or already at another customer is
        probably one person: a warning for the whole file, as the contact
        form gives for one contact."""
        Warning = Pool().get('res.user.warning')
        duplicates = self._duplicate_mobiles()
        if not duplicates:
            return
        digest = hashlib.sha1(
            ','.join(sorted(duplicates)).encode()).hexdigest()[:16]
        name = f'crm_import_mobiles_{digest}'
        if Warning.check(name):
            raise DuplicateMobileWarning(name, gettext(
                    'xtools_crm_base.msg_import_duplicate_mobiles',
                    count=len(duplicates),
                    mobiles=self._duplicate_mobiles_text(duplicates)))

    # -- writing ------------------------------------------------------

    def create(self, progress=None):
        """Create the checked customers by batches; progress(rows done)
        is called after each batch"""
        sequence = self.Party._code_sequence()
        done = 0
        with Transaction().set_context({CHECKED: True}):
            for sub in grouped_slice(self.customers, BATCH_SIZE):
                vlist = [v.copy() for v in sub]
                if sequence:
                    # The codes party.party would draw one by one, drawn
                    # for the whole batch at once
                    for values, code in zip(
                            vlist, sequence.get_many(len(vlist))):
                        values.setdefault('code', code)
                self.Party.create(vlist)
                done += len(vlist)
                if progress:
                    progress(done)

    def error_file(self):
        "The file with its errors marked, as .xlsx bytes"
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(self.data or b''))
        except (zipfile.BadZipFile, KeyError, ValueError, OSError):
            workbook = openpyxl.Workbook()
            workbook.remove(workbook.active)
        fill = PatternFill('solid', fgColor='FFC7CE')
        by_row = defaultdict(list)
        for issue in self.issues:
            if issue.sheet in workbook.sheetnames and issue.row:
                worksheet = workbook[issue.sheet]
                by_row[issue.sheet, issue.row].append(issue.reason)
                if issue.letter:
                    cell = worksheet[f'{issue.letter}{issue.row}']
                    cell.fill = fill
                    cell.comment = Comment(issue.reason, 'XToolsCRM')
        for (sheet, row), reasons in by_row.items():
            worksheet = workbook[sheet]
            column = self._error_column(worksheet)
            worksheet.cell(row, column, '\n'.join(reasons))
        if ERROR_SHEET in workbook.sheetnames:
            workbook.remove(workbook[ERROR_SHEET])
        worksheet = workbook.create_sheet(ERROR_SHEET, 0)
        worksheet.append(["工作表", "行", "列", "原因"])
        for issue in self.issues:
            worksheet.append(
                [issue.sheet, issue.row, issue.column, issue.reason])
        for letter, width in zip('ABCD', [10, 8, 16, 80]):
            worksheet.column_dimensions[letter].width = width
        output = io.BytesIO()
        workbook.save(output)
        return output.getvalue()

    @staticmethod
    def _error_column(worksheet):
        "The error column of the sheet, added after the last one if needed"
        last = 0
        for cell in worksheet[1]:
            if cell.value is not None:
                last = cell.column
                if normalize(str(cell.value)) == normalize(ERROR_COLUMN.zh):
                    return cell.column
        column = last + 1
        cell = worksheet.cell(1, column, ERROR_COLUMN.zh)
        cell.font = Font(bold=True, color='9C0006')
        letter = openpyxl.utils.get_column_letter(column)
        worksheet.column_dimensions[letter].width = ERROR_COLUMN.width
        return column


def count_rows(data):
    """About how many data rows the file's sheets hold (by their stated
    size, without reading them), 0 when it cannot be read"""
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data or b''), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        return 0
    rows = 0
    try:
        for sheet in [CUSTOMERS, CONTACTS]:
            wanted = {normalize(sheet.zh), normalize(sheet.en)}
            for name in workbook.sheetnames:
                if normalize(name) in wanted:
                    worksheet = workbook[name]
                    count = worksheet.max_row
                    if count is None:
                        count = sum(1 for _ in worksheet.iter_rows())
                    rows += max(count - 1, 0)
                    break
    finally:
        workbook.close()
    return rows


def queue_threshold():
    """Files of more rows are imported by a queued job
    (customer_import_job.py) instead of inside the wizard's request: a
    setting of the CRM configuration"""
    Configuration = Pool().get('crm.configuration')
    return Configuration(1).get_import_queue_rows()


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
    guide.append(["列", "必填", "可填的值"])
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
        guide.append([column.zh, "是" if column.required else "", allowed])
    guide.append([])
    guide.append(["「联系人」工作表：每行一个联系人，「客户名称」须是「客户」工作表中的客户。"])
    guide.append(["文件中有任何错误时不会导入任何数据；请按错误文件修改后重新导入。"])
    guide.column_dimensions['A'].width = 14
    guide.column_dimensions['C'].width = 80
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def write_sheet(workbook, sheet, rows):
    "A sheet of the format with its headers and the rows (lists of text)"
    worksheet = workbook.create_sheet(sheet.zh)
    worksheet.append([c.header for c in sheet.columns])
    for cell in worksheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(sheet.columns, start=1):
        worksheet.column_dimensions[
            openpyxl.utils.get_column_letter(index)].width = column.width
    worksheet.freeze_panes = 'A2'
    for row in rows:
        worksheet.append(row)
    return worksheet


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    @classmethod
    def _warn_duplicate_names(cls, parties, values):
        # An import checks the names of the whole file at once
        if not Transaction().context.get(CHECKED):
            super()._warn_duplicate_names(parties, values)


class Contact(metaclass=PoolMeta):
    __name__ = 'crm.contact'

    @classmethod
    def _warn_duplicate_mobiles(cls, contacts):
        # An import checks the mobiles of the whole file at once
        if not Transaction().context.get(CHECKED):
            super()._warn_duplicate_mobiles(contacts)


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


class CustomerImport(Wizard):
    "Import customers"
    __name__ = 'crm.customer.import'
    __string__ = "Import Customers"

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
