import datetime as dt
from decimal import Decimal

from trytond.model.exceptions import ValidationError
from trytond.modules.company.tests import create_company, set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from xtools_crm_base.tests.view_checks import CrmViewChecksMixin


class CrmMarketingTestCase(CrmViewChecksMixin, ModuleTestCase):
    "Test the XToolsCRM marketing module"
    module = 'xtools_crm_marketing'

    @with_transaction()
    def test_campaign_dates(self):
        "A campaign cannot end before it starts"
        Campaign = Pool().get('marketing.campaign')
        company = create_company()
        with set_company(company):
            campaign = Campaign(
                name="春季展会",
                crm_start_date=dt.date(2026, 4, 10),
                crm_end_date=dt.date(2026, 4, 9))
            with self.assertRaisesRegex(
                    ValidationError, "cannot end .* before it starts"):
                campaign.save()
            campaign = Campaign(
                name="秋季展会",
                crm_start_date=dt.date(2026, 10, 10),
                crm_end_date=dt.date(2026, 10, 12))
            campaign.save()
            self.assertEqual(campaign.crm_company, company)
            self.assertEqual(campaign.crm_actual_leads, 0)
            self.assertEqual(campaign.crm_actual_amount, Decimal('0.00'))

    @with_transaction()
    def test_budget_not_negative(self):
        "A negative budget is refused"
        Campaign = Pool().get('marketing.campaign')
        company = create_company()
        with set_company(company):
            campaign = Campaign(name="负预算", crm_budget=Decimal('-1'))
            with self.assertRaises(ValidationError):
                campaign.save()

    @with_transaction()
    def test_material_cost(self):
        "A material costs its quantity issued times its unit cost"
        pool = Pool()
        Campaign = pool.get('marketing.campaign')
        Material = pool.get('marketing.campaign.material')
        company = create_company()
        with set_company(company):
            campaign, = Campaign.create([{'name': "家具展"}])
            gift, = Material.create([{
                        'campaign': campaign.id,
                        'kind': 'gift',
                        'name': "定制U盘",
                        'quantity': 120,
                        'unit_cost': Decimal('15.5'),
                        }])
            self.assertEqual(gift.cost, Decimal('1860.00'))
            self.assertEqual(campaign.crm_materials, (gift,))


del ModuleTestCase
