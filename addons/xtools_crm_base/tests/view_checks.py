"""Checks every XToolsCRM module test runs on its own views, translations
and class registrations."""
import configparser
import importlib
import inspect
import sys
from collections import defaultdict
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
    def test_years_shown_without_grouping(self):
        "A year reads 2026 in every view of the module, not 2,026"
        pool = Pool()
        View = pool.get('ir.ui.view')
        problems = []
        for view in View.search([('module', '=', self.module)]):
            if not view.model:
                continue
            Model = pool.get(view.model)
            for node in etree.fromstring(view.arch).iter('field'):
                field = Model._fields.get(node.get('name'))
                if (field is not None and field._type == 'integer'
                        and node.get('name').endswith('year')
                        and node.get('grouping') != '0'):
                    problems.append(f"{view.name}: {node.get('name')}")
        self.assertFalse(problems, "year fields shown with a thousands "
            "separator (add grouping=\"0\"): " + ', '.join(problems))

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

    def test_hooks_do_not_depend_on_registration_order(self):
        """A method two classes of one model define in this module calls
        super() in both: the order of the classes in tryton.cfg must not
        decide which answer wins (a placeholder answered by a later class
        without super() flips the result when two lines are swapped)"""
        tests = Path(sys.modules[type(self).__module__].__file__).parent
        config = configparser.ConfigParser()
        config.read(tests.parent / 'tryton.cfg')
        # By section: the classes of [register <module>] are registered
        # after those of [register], only when that module is active
        by_model = defaultdict(list)
        for section in config.sections():
            if not section.startswith('register'):
                continue
            for kind in ['model', 'wizard']:
                for line in config[section].get(kind, '').split():
                    file, name = line.rsplit('.', 1)
                    cls = getattr(importlib.import_module(
                            f'{self.module}.{file}'), name)
                    by_model[(section, kind, cls.__name__)].append(cls)
        problems = []
        for (_, kind, model), classes in by_model.items():
            defined = defaultdict(list)
            for cls in classes:
                for name, value in vars(cls).items():
                    func = getattr(value, '__func__', value)
                    if inspect.isfunction(func) and not name.startswith(
                            '__'):
                        defined[name].append((cls, func))
            for name, definitions in defined.items():
                if len(definitions) < 2:
                    continue
                for cls, func in definitions:
                    if 'super()' not in inspect.getsource(func):
                        problems.append(
                            f"{model}.{name} in {cls.__module__}")
        self.assertFalse(problems, "defined by several classes of one "
            "model, not all calling super(): " + ', '.join(sorted(problems)))
