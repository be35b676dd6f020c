"""xtools_crm_base completes Tryton's zh_CN through locale/override/zh_CN.po.

The strings tested here are untranslated (or fuzzy, hence shown in English)
in Tryton's own party/company/ir zh_CN.po; they must read in Chinese once
xtools_crm_base is activated with zh_CN, and stay English for English users.
"""
import os
import unittest

import polib

from trytond import backend
from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.tests import test_tryton
from trytond.tests.test_tryton import (
    DB_NAME, activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

OVERRIDE_PO = os.path.join(os.path.dirname(os.path.dirname(__file__)),
    'locale', 'override', 'zh_CN.po')
MODULES = ['xtools_crm_base']
LANG = 'zh_CN'


def override_entries():
    return [e for e in polib.pofile(OVERRIDE_PO) if not e.obsolete]


def loaded_overrides():
    "(module, source, value) of the rows overridden by xtools_crm_base"
    Translation = Pool().get('ir.translation')
    return {(r.module, r.src, r.value) for r in Translation.search([
                ('lang', '=', LANG),
                ('overriding_module', '=', 'xtools_crm_base'),
                ('fuzzy', '=', False),
                ])}


def expected_overrides():
    return {(e.msgctxt.split(':')[2].split('.')[0], e.msgid, e.msgstr)
        for e in override_entries()}


class TranslationOverrideTestCase(unittest.TestCase):
    "Test the zh_CN overrides of the Tryton modules under xtools_crm_base"

    @classmethod
    def setUpClass(cls):
        if backend.name != 'sqlite':
            # Loading the overrides is the same on every backend; a second
            # language's database costs minutes of activation on PostgreSQL
            raise unittest.SkipTest("run on SQLite")
        drop_db()
        activate_module(MODULES, lang=LANG)
        if test_tryton.DB_CACHE and not cls.database_is_current():
            # DB_CACHE keys databases by module names only: a database
            # cached before the po file changed would test old strings.
            drop_db()
            os.remove(test_tryton._db_cache_file(
                    test_tryton.DB_CACHE, '-'.join(MODULES) + '--' + LANG))
            activate_module(MODULES, lang=LANG)

    @classmethod
    def database_is_current(cls):
        with Transaction().start(DB_NAME, 0, readonly=True):
            return loaded_overrides() == expected_overrides()

    @classmethod
    def tearDownClass(cls):
        drop_db()

    def menu_name(self, module, fs_id, language):
        pool = Pool()
        Menu = pool.get('ir.ui.menu')
        ModelData = pool.get('ir.model.data')
        with Transaction().set_context(language=language):
            return Menu(ModelData.get_id(module, fs_id)).name

    def field_string(self, model, field, language):
        Model = Pool().get(model)
        with Transaction().set_context(language=language):
            return Model.fields_get([field])[field]['string']

    @with_transaction()
    def test_untranslated_field_label(self):
        "A party field Tryton leaves untranslated reads in Chinese"
        self.assertEqual(
            self.field_string('party.address', 'attn', 'zh_CN'), "收件人")
        self.assertEqual(
            self.field_string('party.address', 'attn', 'en'), "Attn")

    @with_transaction()
    def test_fuzzy_field_label(self):
        "A field whose Tryton translation is fuzzy reads in Chinese"
        # Tryton's "建筑名称" for Building Number is fuzzy (and wrong).
        self.assertEqual(self.field_string(
                'party.address', 'building_number', 'zh_CN'), "门牌号")

    @with_transaction()
    def test_selection_and_help(self):
        "Selection values and help texts are translated too"
        pool = Pool()
        Mechanism = pool.get('party.contact_mechanism')
        with Transaction().set_context(language='zh_CN'):
            fields = Mechanism.fields_get(['type', 'language'])
        self.assertIn(('email', "电子邮件"), fields['type']['selection'])
        self.assertIn("往来单位的语言", fields['language']['help'])

    @with_transaction()
    def test_menu(self):
        "A party menu entry reads in Chinese"
        self.assertEqual(
            self.menu_name('party', 'menu_identifier_form', 'zh_CN'),
            "证件号码")
        self.assertEqual(
            self.menu_name('party', 'menu_identifier_form', 'en'),
            "Identifiers")

    @with_transaction()
    def test_model_name(self):
        "Model names (shown in error messages) read in Chinese"
        IrModel = Pool().get('ir.model')
        with Transaction().set_context(language='zh_CN'):
            self.assertEqual(IrModel.get_name('party.party'), "往来单位")
            self.assertEqual(
                IrModel.get_name('company.employee'), "公司员工")

    @with_transaction()
    def test_message(self):
        "Error messages of party and ir keep their placeholders"
        with Transaction().set_context(language='zh_CN'):
            text = gettext('party.msg_party_contact_mechanism_duplicate',
                party="张三", type="电话", value="123")
            self.assertEqual(text, "往来单位“张三”具有相同的电话“123”。")
            text = gettext('ir.msg_access_report_error', report="报价单")
            self.assertEqual(text, "您无权执行报表“报价单”。")

    @with_transaction()
    def test_user_preference_language(self):
        "A user whose language is zh_CN gets Chinese labels"
        pool = Pool()
        User = pool.get('res.user')
        Lang = pool.get('ir.lang')
        zh_cn, = Lang.search([('code', '=', 'zh_CN')])
        user, = User.create([{
                    'login': 'xiaowang', 'name': "小王",
                    'language': zh_cn}])
        with Transaction().set_user(user.id), \
                Transaction().set_context(User.get_preferences(
                        context_only=True)):
            self.assertEqual(Transaction().language, 'zh_CN')
            Address = pool.get('party.address')
            self.assertEqual(
                Address.fields_get(['attn'])['attn']['string'], "收件人")

    @with_transaction()
    def test_every_entry_applied(self):
        "Each entry of the override file is in the database, not fuzzy"
        Translation = Pool().get('ir.translation')
        rows = Translation.search([
                ('lang', '=', LANG),
                ('overriding_module', '=', 'xtools_crm_base'),
                ])
        self.assertEqual(len(rows), len(override_entries()))
        self.assertEqual(loaded_overrides(), expected_overrides())
