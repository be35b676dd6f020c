"""Checks every XToolsCRM module test runs on its own views."""
import sys
from pathlib import Path

import polib
from lxml import etree

from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction

# sao 8.0 has no list column for date-time values: a bare date-time field
# in a list view stops the whole view (and a form embedding it) with
# "ColumnFactory is not a constructor". Lists split them into a date and a
# time column, as Tryton's own lists do.
DATETIME_TYPES = {'datetime', 'timestamp'}


class CrmViewChecksMixin:
    "Mixed into each addon's ModuleTestCase"

    @with_transaction()
    def test_list_views_split_datetimes(self):
        "No list view of the module shows a bare date-time field"
        pool = Pool()
        View = pool.get('ir.ui.view')
        problems = []
        for view in View.search([('module', '=', self.module)]):
            view_type = view.inherit.type if view.inherit else view.type
            if view_type != 'tree':
                continue
            Model = pool.get(view.model)
            arch = etree.fromstring(view.arch)
            for node in arch.iter('field'):
                field = Model._fields.get(node.get('name'))
                if (field is not None and field._type in DATETIME_TYPES
                        and not node.get('widget')):
                    problems.append(f"{view.name}: {node.get('name')}")
        self.assertFalse(problems, "date-time fields without a date/time "
            "widget in list views: " + ', '.join(problems))

    @with_transaction()
    def test_zh_cn_translation_complete(self):
        "Every string the module shows has a reviewed zh_CN translation"
        # The UI is Chinese first and Tryton drops fuzzy entries on load,
        # so a missing or fuzzy entry is an English word on a Chinese screen.
        Translation = Pool().get('ir.translation')
        source = polib.pofile(
            Translation.translation_export('en', self.module).decode())
        tests = Path(sys.modules[type(self).__module__].__file__).parent
        path = tests.parent / 'locale' / 'zh_CN.po'
        translated = {
            (e.msgctxt, e.msgid) for e in polib.pofile(str(path))
            if e.msgstr and not e.fuzzy and not e.obsolete}
        missing = sorted(
            f'{e.msgctxt} {e.msgid!r}' for e in source
            if e.msgid.strip() and (e.msgctxt, e.msgid) not in translated)
        self.assertFalse(missing,
            f"{len(missing)} strings without zh_CN in {path}:\n"
            + '\n'.join(missing[:80]))
