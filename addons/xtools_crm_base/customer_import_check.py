"""The checker of the customer import (SPEC B12): every row of a workbook
read by customer_import_file.py is checked before anything is written, by
the rules the forms apply (contact.py's normalisation and checks, Tryton's
phone check, the dictionary, the user's hierarchy), and every error is
reported with its sheet, row, column and reason. Only a file without any
error is imported: all its customers and contacts by batched create()
calls (in one transaction from the wizard; hidden, batch by batch, from a
queued job: customer_import_job.py)."""
import hashlib
from collections import defaultdict

from sql import Null

from trytond import backend
from trytond.i18n import gettext
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .access import context_company
from .contact import DuplicateMobileWarning
from .customer import IMPORT_CHECKED
from .customer_import_create import create_customers
from .customer_import_file import (
    CONTACTS, CUSTOMERS, DICTIONARY_COLUMNS, MAX_ROWS, FileReader, normalize)
from .visibility import user_visibility

# Customers created by one create() call
BATCH_SIZE = 200
# Errors listed in the wizard; the error file holds them all
MAX_LISTED_ERRORS = 500
# Context key: the rows were checked as a whole, skip the per-record
# duplicate warnings (set by the server only: RPC drops '_' keys)
CHECKED = IMPORT_CHECKED

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


class CustomerFileImport(FileReader):
    """Checks a workbook and creates its customers if it has no error.
    Work on the pool of the current transaction, as the current user."""

    def __init__(self, data):
        super().__init__(data)
        self.customers = []     # create() values, in the order of the file
        self.rows = {}          # normalised name → row of the customers
        self.contact_count = 0
        self.mobiles = defaultdict(list)    # mobile → [(sheet, row)]
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
        if context_company():
            company = pool.get('company.company')(context_company())
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
        sheets = self.read()
        if sheets is None:
            return False
        customer_rows, contact_rows = sheets[CUSTOMERS.zh], sheets[CONTACTS.zh]
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
        """The mobiles twice in the file, and those already at another
        contact: (twice, existing)"""
        contact = self.Contact.__table__()
        cursor = Transaction().connection.cursor()
        twice = {m for m, rows in self.mobiles.items() if len(rows) > 1}
        existing = set()
        for sub in grouped_slice(
                sorted(self.mobiles), backend.MAX_QUERY_PARAMS):
            cursor.execute(*contact.select(
                    contact.mobile, where=contact.mobile.in_(list(sub))))
            existing.update(m for m, in cursor)
        return twice, existing

    def _duplicate_mobiles_text(self, twice, existing):
        """Each duplicate mobile with where it is in the file (sheet, rows,
        column), at most 10"""
        duplicates = sorted(twice | existing)
        lines = []
        for mobile in duplicates[:10]:
            places = []
            by_sheet = defaultdict(list)
            for sheet, row in self.mobiles[mobile]:
                by_sheet[sheet].append(str(row))
            for sheet, rows in by_sheet.items():
                places.append(gettext('xtools_crm_base.msg_import_place',
                        sheet=sheet, rows=', '.join(rows),
                        column=self._header(
                            CUSTOMERS if sheet == CUSTOMERS.zh else CONTACTS,
                            'mobile')))
            if mobile in existing:
                places.append(gettext(
                        'xtools_crm_base.msg_import_existing_mobile'))
            lines.append(f"{mobile} ({'; '.join(places)})")
        return '; '.join(lines) + (
            ' …' if len(duplicates) > len(lines) else '')

    def duplicate_mobiles_message(self):
        """The note of a queued import (no one to answer a warning): the
        mobiles that probably are one person, or None"""
        twice, existing = self._duplicate_mobiles()
        if twice or existing:
            return gettext(
                'xtools_crm_base.msg_import_job_duplicate_mobiles',
                count=len(twice | existing),
                mobiles=self._duplicate_mobiles_text(twice, existing))

    def _warn_duplicate_mobiles(self):
        """A mobile twice in the file or already at another customer is
        probably one person: a warning for the whole file, as the contact
        form gives for one contact."""
        Warning = Pool().get('res.user.warning')
        twice, existing = self._duplicate_mobiles()
        duplicates = twice | existing
        if not duplicates:
            return
        digest = hashlib.sha1(
            ','.join(sorted(duplicates)).encode()).hexdigest()[:16]
        name = f'crm_import_mobiles_{digest}'
        if Warning.check(name):
            raise DuplicateMobileWarning(name, gettext(
                    'xtools_crm_base.msg_import_duplicate_mobiles',
                    count=len(duplicates),
                    mobiles=self._duplicate_mobiles_text(twice, existing)))

    # -- writing ------------------------------------------------------

    def create(self, progress=None, stage=None, orm=False):
        """Create the checked customers by batches; progress(rows done)
        is called after each batch. stage: the import job that creates
        them hidden, to show them all at once (customer_import_job.py).
        Set-based (customer_import_create.py), or by Tryton's create()
        with orm (to compare them)."""
        sequence = self.Party._code_sequence()
        done = 0
        with Transaction().set_context({CHECKED: True}):
            for sub in grouped_slice(self.customers, BATCH_SIZE):
                vlist = [v.copy() for v in sub]
                if stage:
                    vlist = [staged(v, stage) for v in vlist]
                if sequence:
                    # The codes party.party would draw one by one, drawn
                    # for the whole batch at once
                    for values, code in zip(
                            vlist, sequence.get_many(len(vlist))):
                        values.setdefault('code', code)
                if orm:
                    self.Party.create(vlist)
                else:
                    create_customers(self.Party, vlist)
                done += len(vlist)
                if progress:
                    progress(done)


def staged(values, job):
    "The create() values of a customer hidden until its job publishes it"
    values = {**values, 'active': False, 'crm_import_job': job}
    if 'crm_contacts' in values:
        values['crm_contacts'] = [('create', [
                    {**c, 'active': False}
                    for c in values['crm_contacts'][0][1]])]
    return values
