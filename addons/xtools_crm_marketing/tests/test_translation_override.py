"""The campaigns read in Chinese: our module's strings (locale/zh_CN.po)
and those of Tryton's marketing and marketing_campaign, which ship no
Chinese, completed through locale/override/zh_CN.po."""
import unittest

from trytond import backend
from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

MODULES = ['xtools_crm_marketing']
LANG = 'zh_CN'


class MarketingTranslationTestCase(unittest.TestCase):
    "Test the Chinese of the campaigns"

    @classmethod
    def setUpClass(cls):
        if backend.name != 'sqlite':
            # Loading translations is the same on every backend
            raise unittest.SkipTest("run on SQLite")
        drop_db()
        activate_module(MODULES, lang=LANG)

    @classmethod
    def tearDownClass(cls):
        drop_db()

    def field_string(self, model, field, language=LANG):
        Model = Pool().get(model)
        with Transaction().set_context(language=language):
            return Model.fields_get([field])[field]['string']

    @with_transaction()
    def test_campaign_fields(self):
        "The campaign's fields, ours and Tryton's, read in Chinese"
        self.assertEqual(
            self.field_string('marketing.campaign', 'crm_budget'), "预算")
        self.assertEqual(
            self.field_string('marketing.campaign', 'name'), "活动名称")
        self.assertEqual(
            self.field_string('marketing.campaign', 'name', 'en'), "Name")

    @with_transaction()
    def test_opportunity_and_deal_campaign(self):
        "The campaign Tryton puts on opportunities and deals reads 市场活动"
        for model in ['sale.opportunity', 'sale.sale']:
            self.assertEqual(
                self.field_string(model, 'marketing_campaign'), "市场活动")
            Model = Pool().get(model)
            with Transaction().set_context(language=LANG):
                arch = Model.fields_view_get(view_type='form')['arch']
            self.assertIn('string="市场活动"', arch)
            self.assertIn('string="媒介"', arch)

    @with_transaction()
    def test_messages(self):
        "Error messages read in Chinese with their placeholders"
        with Transaction().set_context(language=LANG):
            IrModel = Pool().get('ir.model')
            self.assertEqual(gettext(
                    'xtools_crm_base.msg_end_before_start',
                    model=IrModel.get_name('marketing.campaign'),
                    record="春季展", start="2026-03-20",
                    end="2026-03-19"),
                "市场活动“春季展”的结束时间（2026-03-19）不能早于开始时间"
                "（2026-03-20）。")
            self.assertIn("不能重复", gettext(
                    'marketing_campaign.msg_parameter_name_unique'))
            self.assertEqual(
                IrModel.get_name('marketing.campaign'), "市场活动")
