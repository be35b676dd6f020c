#!/usr/bin/env python3
"""zh_CN coverage of the Tryton modules XToolsCRM exposes.

Tryton ships zh_CN only partly.  Our addons complete it with override files
(``addons/<addon>/locale/override/zh_CN.po``) whose msgctxt is the original
one with the res_id part prefixed by the overridden module::

    field:party.party,name:            ->  field:party.party,name:party.
    model:ir.action,name:act_party_form -> model:ir.action,name:party.act_party_form

This script compares Tryton's shipped ``zh_CN.po`` files with our overrides.

    zh_cn_coverage.py                   # table: per module, what is still missing
    zh_cn_coverage.py missing party     # the missing entries of one module
    zh_cn_coverage.py missing party --po   # ... as ready-to-translate po stubs
    zh_cn_coverage.py check             # validate the override files (exit 1)

An entry counts as missing when Tryton's translation is empty, fuzzy, or a
plain copy of the English text, and no override supplies it.  ``check``
enforces what trytond's ``override_translation`` needs (see
trytond/ir/translation.py), because a bad entry aborts the module update:

* the overridden entry must exist in the shipped po (trytond creates the
  zh_CN rows from it; no row -> "not enough values to unpack");
* entries whose type is not matched by source text (field, help, model)
  must be unique by msgctxt (several rows -> "too many values to unpack");
* a record entry (model:...:fs_id) must name a record of the module's XML;
* the value must differ from the shipped one when that one is fuzzy
  (trytond only writes changed values, so an equal value stays fuzzy and
  the English text keeps showing);
* placeholders (%(name)s, %s, [1:...]) must be kept.

Run with the project venv: ``.venv/bin/python scripts/translations/zh_cn_coverage.py``.
"""
import argparse
import os
import re
import sys
from collections import Counter, defaultdict
from configparser import ConfigParser
from xml.etree import ElementTree

import polib

REPO = os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__))))
LANG = 'zh_CN'

# addon -> Tryton modules whose zh_CN it completes
TARGETS = {
    'xtools_crm_base': [
        'ir', 'res', 'country', 'currency', 'party', 'company'],
    'xtools_crm_sales': [
        'product', 'product_price_list', 'account_invoice', 'sale',
        'sale_opportunity', 'sale_price_list'],
    'xtools_crm_stock': ['stock', 'purchase', 'production'],
    'xtools_crm_marketing': ['marketing', 'marketing_campaign'],
    # ir.attachment (the documents' files) is completed by the base
    'xtools_crm_office': [],
    }

# ir and res are mostly administration screens.  Only the models listed
# here are met by normal users (menus, preferences, attachments, notes,
# e-mails, exports, messages); the rest is reported apart as "admin".
USER_FACING = {
    'ir': re.compile(
        r'^(ir\.message|ir\.attachment|ir\.note|ir\.email|ir\.email\.template'
        r'|ir\.export|ir\.export\.line|ir\.ui\.menu|ir\.ui\.menu\.favorite'
        r'|ir\.action|ir\.action\.report|ir\.action\.act_window\.domain'
        r'|ir\.sequence|ir\.sequence\.type|ir\.date|ir\.calendar\.\w+'
        r'|ir\.model\.access|ir\.rule|ir\.lang|ir\.avatar'
        r'|ir\.cron|ir\.queue)$'),
    'res': re.compile(
        r'^(ir\.message|res\.user|res\.user\.warning|res\.user\.application'
        r'|res\.user\.config\.start|res\.user-res\.group|res\.group'
        r'|res\.user\.login\.attempt|res\.user\.device|ir\.action'
        r'|ir\.ui\.menu)$'),
    }
# English text that is the same in Chinese.
SAME_OK = {'ID', 'URL', 'Email', 'E-mail', 'SKU', 'GTIN', 'EAN', 'ISBN',
    'UPC', 'ISO', 'VAT', 'CSV', 'PDF', 'FIFO', 'LIFO', 'UUID', 'IBAN', 'BIC',
    'SMTP', 'EDI', 'JSON', 'XML', 'HTML', 'ODT', 'UN/CEFACT', 'UNECE',
    'Incoterm', 'Incoterms', 'JAN', 'ISSN', 'ISMN', 'ISAN', 'ISWC', 'BRN',
    'MPN', 'ASIN', 'CPE', 'RFC'}
# Fields whose values are international symbols (cm, kg, ...).
SAME_OK_NAMES = {'product.uom,symbol'}
# Types that trytond matches by source text too (several rows per msgctxt
# are fine for them).
SRC_TYPES = {'report', 'view', 'wizard_button', 'selection'}
PLACEHOLDER = re.compile(
    r'%\([a-zA-Z_]\w*\)[sdifr]|%[sdifr]|\[\d+:|\$\{[^}]*\}|\{[a-z_]*\}')


def trytond_dir():
    import trytond
    return os.path.dirname(trytond.__file__)


def module_dir(module):
    base = trytond_dir()
    if module in ('ir', 'res'):
        return os.path.join(base, module)
    return os.path.join(base, 'modules', module)


def shipped_po(module):
    return polib.pofile(os.path.join(module_dir(module), 'locale',
            LANG + '.po'))


def override_path(addon):
    return os.path.join(REPO, 'addons', addon, 'locale', 'override',
        LANG + '.po')


def module_xml_ids(module):
    "fs_id of the records and menu items of a module's XML files"
    cfg = ConfigParser()
    cfg.read(os.path.join(module_dir(module), 'tryton.cfg'))
    files = cfg.get('tryton', 'xml', fallback='').split()
    ids = set()
    for filename in files:
        path = os.path.join(module_dir(module), filename)
        if not os.path.exists(path):
            continue
        for element in ElementTree.parse(path).iter():
            if element.tag in ('record', 'menuitem') and element.get('id'):
                ids.add(element.get('id'))
    return ids


def split_ctxt(msgctxt):
    ttype, name, res_id = msgctxt.split(':')
    return ttype, name, res_id


def same_is_fine(entry):
    "Whether showing the English text is right (symbols, acronyms)"
    name = split_ctxt(entry.msgctxt)[1]
    return (not re.search('[A-Za-z]{2}', entry.msgid)
        or entry.msgid in SAME_OK or name in SAME_OK_NAMES)


def is_untranslated(entry):
    if entry.msgstr == entry.msgid or (
            not entry.msgstr and 'fuzzy' not in entry.flags):
        # A copy of the English text (or its fuzzy copy): English shows.
        return not same_is_fine(entry)
    return not entry.msgstr or 'fuzzy' in entry.flags


def user_facing(module, entry):
    pattern = USER_FACING.get(module)
    if not pattern:
        return True
    name = split_ctxt(entry.msgctxt)[1]
    model = name.split(',')[0]
    return bool(pattern.match(model))


def entry_key(ttype, name, res_id, msgid):
    if ttype in SRC_TYPES:
        return (ttype, name, res_id, msgid)
    return (ttype, name, res_id)


class Shipped:
    "The shipped po of one module, indexed the way trytond looks rows up"

    def __init__(self, module):
        self.module = module
        self.po = shipped_po(module)
        self.by_key = defaultdict(list)
        for entry in self.po:
            if entry.obsolete or not entry.msgctxt:
                continue
            ttype, name, res_id = split_ctxt(entry.msgctxt)
            self.by_key[entry_key(ttype, name, res_id, entry.msgid)].append(
                entry)
        self.xml_ids = module_xml_ids(module)

    def entries(self):
        return [e for e in self.po if not e.obsolete and e.msgctxt]

    def overridable(self, entry):
        ttype, name, res_id = split_ctxt(entry.msgctxt)
        if len(self.by_key[entry_key(ttype, name, res_id, entry.msgid)]) != 1:
            return False
        if res_id and res_id not in self.xml_ids:
            return False
        return True


def load_overrides():
    "{module: {key: (addon, entry)}}"
    result = defaultdict(dict)
    duplicates = []
    for addon in TARGETS:
        path = override_path(addon)
        if not os.path.exists(path):
            continue
        for entry in polib.pofile(path):
            if entry.obsolete:
                continue
            ttype, name, res_id = split_ctxt(entry.msgctxt)
            module, fs_id = res_id.split('.', 1)
            key = entry_key(ttype, name, fs_id, entry.msgid)
            if key in result[module]:
                duplicates.append((addon, entry.msgctxt, entry.msgid))
            result[module][key] = (addon, entry)
    return result, duplicates


def override_ctxt(module, entry):
    ttype, name, res_id = split_ctxt(entry.msgctxt)
    return '%s:%s:%s.%s' % (ttype, name, module, res_id)


def status(module, shipped, overrides):
    "Yield (entry, state) for every entry of the shipped po"
    for entry in shipped.entries():
        ttype, name, res_id = split_ctxt(entry.msgctxt)
        key = entry_key(ttype, name, res_id, entry.msgid)
        override = overrides.get(module, {}).get(key)
        if override and override[1].msgstr and (
                'fuzzy' not in override[1].flags):
            yield entry, 'overridden'
        elif not is_untranslated(entry):
            yield entry, 'tryton'
        elif not shipped.overridable(entry):
            yield entry, 'not-overridable'
        elif not user_facing(module, entry):
            yield entry, 'admin'
        else:
            yield entry, 'missing'


def all_modules():
    return [m for modules in TARGETS.values() for m in modules]


def cmd_report(args):
    overrides, _ = load_overrides()
    print('%-20s %6s %7s %10s %7s %6s %8s' % ('module', 'total', 'tryton',
            'overridden', 'missing', 'admin', 'no-ovr'))
    total_missing = 0
    for module in args.modules or all_modules():
        counts = Counter(state for _, state in status(
                module, Shipped(module), overrides))
        total_missing += counts['missing']
        print('%-20s %6d %7d %10d %7d %6d %8d' % (module, sum(counts.values()),
                counts['tryton'], counts['overridden'], counts['missing'],
                counts['admin'], counts['not-overridable']))
    print('\nmissing: untranslated/fuzzy and not overridden; admin: ir/res '
        'administration strings (not required);\nno-ovr: untranslated but '
        'not overridable (several rows share the msgctxt, or the record is '
        'gone).')
    return 1 if total_missing and args.strict else 0


def cmd_missing(args):
    overrides, _ = load_overrides()
    states = {'missing'}
    if args.all:
        states |= {'admin', 'not-overridable'}
    for module in args.modules or all_modules():
        for entry, state in status(module, Shipped(module), overrides):
            if state not in states:
                continue
            if args.po:
                stub = polib.POEntry(msgctxt=override_ctxt(module, entry),
                    msgid=entry.msgid, msgstr='')
                if entry.msgstr and entry.msgstr != entry.msgid:
                    stub.tcomment = 'Tryton (fuzzy): ' + entry.msgstr
                print(stub)
            else:
                print('%s\t%s\t%s\t%r' % (module, state,
                        override_ctxt(module, entry), entry.msgid))
    return 0


def placeholders(text):
    return Counter(PLACEHOLDER.findall(text))


def cmd_check(args):
    overrides, duplicates = load_overrides()
    errors, warnings = [], []
    for addon, msgctxt, msgid in duplicates:
        errors.append('%s: duplicate %s %r' % (addon, msgctxt, msgid))
    shipped = {}
    for module, entries in overrides.items():
        owner = [a for a, ms in TARGETS.items() if module in ms]
        if module not in shipped:
            if not os.path.exists(os.path.join(module_dir(module), 'locale',
                        LANG + '.po')):
                errors.append('unknown module %s' % module)
                continue
            shipped[module] = Shipped(module)
        ship = shipped[module]
        for key, (addon, entry) in entries.items():
            where = '%s: %s %r' % (addon, entry.msgctxt, entry.msgid[:40])
            if addon not in owner:
                warnings.append('%s: module %s belongs to %s' % (
                        where, module, owner))
            found = ship.by_key.get(key, [])
            if not found:
                errors.append('%s: no such entry in %s po' % (where, module))
                continue
            if len(found) != 1:
                errors.append('%s: %d rows share this msgctxt' % (
                        where, len(found)))
                continue
            original, = found
            ttype, name, res_id = split_ctxt(original.msgctxt)
            if res_id and res_id not in ship.xml_ids:
                errors.append('%s: record %s.%s does not exist' % (
                        where, module, res_id))
            if original.msgid != entry.msgid:
                errors.append('%s: source text differs from %s po: %r' % (
                        where, module, original.msgid))
            if not entry.msgstr or 'fuzzy' in entry.flags:
                errors.append('%s: empty or fuzzy' % where)
                continue
            if entry.msgstr == original.msgstr:
                if 'fuzzy' in original.flags:
                    errors.append('%s: same value as the fuzzy shipped one; '
                        'it would stay fuzzy' % where)
                else:
                    warnings.append('%s: same as Tryton, useless' % where)
            if placeholders(entry.msgid) != placeholders(entry.msgstr):
                errors.append('%s: placeholders %s != %s' % (where,
                        dict(placeholders(entry.msgid)),
                        dict(placeholders(entry.msgstr))))
            if re.search('[A-Za-z]{3}', entry.msgstr) and not re.search(
                    r'[\u4e00-\u9fff]', entry.msgstr):
                warnings.append('%s: no Chinese in %r' % (where,
                        entry.msgstr))
    for line in warnings:
        print('warning:', line)
    for line in errors:
        print('ERROR:', line)
    count = sum(len(e) for e in overrides.values())
    print('%d override entries, %d errors, %d warnings' % (
            count, len(errors), len(warnings)))
    return 1 if errors else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = parser.add_subparsers(dest='command')
    report = sub.add_parser('report', help='counts per module (default)')
    report.add_argument('modules', nargs='*')
    report.add_argument('--strict', action='store_true',
        help='exit 1 when something is missing')
    missing = sub.add_parser('missing', help='list the missing entries')
    missing.add_argument('modules', nargs='*')
    missing.add_argument('--po', action='store_true',
        help='print po stubs with the override msgctxt')
    missing.add_argument('--all', action='store_true',
        help='include ir/res administration strings and the entries that '
        'cannot be overridden')
    sub.add_parser('check', help='validate the override files')
    args = parser.parse_args()
    if args.command in (None, 'report'):
        if args.command is None:
            args.modules, args.strict = [], False
        return cmd_report(args)
    if args.command == 'missing':
        return cmd_missing(args)
    return cmd_check(args)


if __name__ == '__main__':
    sys.exit(main())
