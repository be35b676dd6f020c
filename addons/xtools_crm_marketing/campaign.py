"""Campaigns (市场活动, SPEC M1): type, dates, budget and actual cost, the
expected effect and the effect actually attributed, linked customers and
contacts.

Tryton's marketing_campaign module already has the campaign
(``marketing.campaign``) and puts it on opportunities and sales
(``marketing_campaign``), with reports of opportunities and sales per
campaign. There it is only a name for web tracking (UTM): no type, no
dates, no money, no effect, and a name that is stored in lower case. We
add what a marketing department plans to that same model rather than a
second campaign model, so that the campaign a salesperson picks on an
opportunity or a deal is the one the marketing staff plan and measure.

What does not fit is left as Tryton has it: the name stays unique and
lower case (``Spring Fair`` is shown title-cased), the mediums and sources
stay free tags.

The actual effect counts what carries the campaign: opportunities (leads,
线索), customers brought by it (``party.party.marketing_campaign``) and
approved deals with their amount. It is computed in SQL for all the
campaigns of a list at once and counts every record of the campaign's
company, also those the reader may not open: the effect of a campaign is
a company figure, not a view of one salesperson's deals.
"""
from decimal import Decimal

from sql import Literal
from sql.aggregate import Count, Sum
from sql.conditionals import Case, Coalesce

from trytond import backend
from trytond.model import ModelSQL, fields
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction

from xtools_crm_base.date_range import DateRangeMixin
from xtools_crm_base.dictionary import dictionary_field
from xtools_crm_sales.deal import APPROVED_STATES

_MONEY = {'currency': 'crm_currency', 'digits': 'crm_currency'}


def _not_negative(name):
    return ['OR', (name, '=', None), (name, '>=', 0)]


class Campaign(DateRangeMixin, metaclass=PoolMeta):
    __name__ = 'marketing.campaign'
    _date_range = ('crm_start_date', 'crm_end_date')

    crm_type = dictionary_field('campaign_type', "Type")
    crm_company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='RESTRICT')
    crm_currency = fields.Function(fields.Many2One(
            'currency.currency', "Currency"),
        'on_change_with_crm_currency')
    crm_responsible = fields.Many2One(
        'res.user', "Responsible", ondelete='RESTRICT',
        help="The marketing staff member in charge of the campaign.")
    crm_start_date = fields.Date("Start Date")
    crm_end_date = fields.Date("End Date")
    crm_description = fields.Text("Description")

    crm_budget = Monetary(
        "Budget", domain=_not_negative('crm_budget'), **_MONEY)
    crm_actual_cost = Monetary(
        "Actual Cost", domain=_not_negative('crm_actual_cost'),
        help="What the campaign actually cost.", **_MONEY)

    crm_expected_leads = fields.Integer(
        "Expected Leads", domain=_not_negative('crm_expected_leads'))
    crm_expected_customers = fields.Integer(
        "Expected Customers", domain=_not_negative('crm_expected_customers'))
    crm_expected_deals = fields.Integer(
        "Expected Deals", domain=_not_negative('crm_expected_deals'))
    crm_expected_amount = Monetary(
        "Expected Amount", domain=_not_negative('crm_expected_amount'),
        **_MONEY)

    crm_actual_leads = fields.Function(fields.Integer(
            "Actual Leads",
            help="The opportunities attributed to the campaign."),
        'get_effect')
    crm_actual_customers = fields.Function(fields.Integer(
            "Actual Customers",
            help="The customers the campaign brought."),
        'get_effect')
    crm_actual_deals = fields.Function(fields.Integer(
            "Actual Deals",
            help="The approved contracts and orders attributed to the "
            "campaign."),
        'get_effect')
    crm_actual_amount = fields.Function(Monetary(
            "Actual Amount",
            help="The untaxed amount of the approved deals attributed to "
            "the campaign, in the company's currency.", **_MONEY),
        'get_effect')

    crm_customers = fields.Many2Many(
        'marketing.campaign-party.party', 'campaign', 'customer',
        "Customers",
        domain=[('crm_customer_type', '!=', None)],
        help="The customers the campaign addresses or who took part.")
    crm_contacts = fields.Many2Many(
        'marketing.campaign-crm.contact', 'campaign', 'contact',
        "Contacts",
        help="The contact persons invited or met.")
    crm_materials = fields.One2Many(
        'marketing.campaign.material', 'campaign', "Materials",
        help="Ads, printed matter and gifts issued for the campaign.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('crm_start_date', 'DESC NULLS FIRST'), ('name', 'ASC'),
            ('id', 'DESC')]

    @staticmethod
    def default_crm_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_crm_responsible():
        return Transaction().user or None

    @fields.depends('crm_company')
    def on_change_with_crm_currency(self, name=None):
        return self.crm_company.currency if self.crm_company else None

    @classmethod
    def get_effect(cls, campaigns, names):
        ids = [c.id for c in campaigns]
        result = {name: dict.fromkeys(ids, 0) for name in names}
        # Tryton 8's grouped_slice without a size takes one id at a time
        for sub_ids in grouped_slice(ids, backend.MAX_QUERY_PARAMS):
            sub_ids = list(sub_ids)
            if 'crm_actual_leads' in names:
                result['crm_actual_leads'].update(cls._count_leads(sub_ids))
            if 'crm_actual_customers' in names:
                result['crm_actual_customers'].update(
                    cls._count_customers(sub_ids))
            if {'crm_actual_deals', 'crm_actual_amount'} & set(names):
                for campaign_id, count, amount in cls._sum_deals(sub_ids):
                    if 'crm_actual_deals' in names:
                        result['crm_actual_deals'][campaign_id] = count
                    if 'crm_actual_amount' in names:
                        result['crm_actual_amount'][campaign_id] = amount
        if 'crm_actual_amount' in names:
            amounts = result['crm_actual_amount']
            for campaign in campaigns:
                amount = Decimal(str(amounts[campaign.id] or 0))
                if campaign.crm_currency:
                    amount = campaign.crm_currency.round(amount)
                amounts[campaign.id] = amount
        return result

    @classmethod
    def _count_leads(cls, ids):
        "Campaign id and number of its opportunities of its company"
        Opportunity = Pool().get('sale.opportunity')
        opportunity = Opportunity.__table__()
        campaign = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*opportunity.join(campaign,
                condition=(opportunity.marketing_campaign == campaign.id)
                & (opportunity.company == campaign.crm_company)
                ).select(campaign.id, Count(opportunity.id),
                where=reduce_ids(campaign.id, ids),
                group_by=campaign.id))
        return cursor

    @classmethod
    def _count_customers(cls, ids):
        "Campaign id and number of the active customers it brought"
        Party = Pool().get('party.party')
        party = Party.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*party.select(
                party.marketing_campaign, Count(party.id),
                where=reduce_ids(party.marketing_campaign, ids)
                & (party.active == Literal(True))
                & (party.crm_customer_type != None),  # noqa: E711
                group_by=party.marketing_campaign))
        return cursor

    @classmethod
    def _sum_deals(cls, ids):
        """Campaign id, number and untaxed amount of its approved deals of
        its company"""
        pool = Pool()
        Sale = pool.get('sale.sale')
        Company = pool.get('company.company')
        sale = Sale.__table__()
        campaign = cls.__table__()
        company = Company.__table__()
        cursor = Transaction().connection.cursor()
        # Tryton stores the untaxed amount of a sale when it is confirmed
        # (approved), so every approved deal has it. A deal in another
        # currency counts as a deal but not in the amount: converting it
        # needs the rate of its date, which the effect does not pretend to.
        amount = Case(
            (sale.currency == company.currency,
                Coalesce(sale.untaxed_amount_cache, 0)),
            else_=0)
        cursor.execute(*sale.join(campaign,
                condition=(sale.marketing_campaign == campaign.id)
                & (sale.company == campaign.crm_company)
                ).join(company, condition=company.id == campaign.crm_company
                ).select(campaign.id, Count(sale.id), Sum(amount),
                where=reduce_ids(campaign.id, ids)
                & sale.state.in_(sorted(APPROVED_STATES)),
                group_by=campaign.id))
        return cursor


class CampaignCustomer(ModelSQL):
    "Campaign - Customer"
    __name__ = 'marketing.campaign-party.party'
    __string__ = "Campaign - Customer"

    campaign = fields.Many2One(
        'marketing.campaign', "Campaign", required=True, ondelete='CASCADE')
    customer = fields.Many2One(
        'party.party', "Customer", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('campaign')


class CampaignContact(ModelSQL):
    "Campaign - Contact"
    __name__ = 'marketing.campaign-crm.contact'
    __string__ = "Campaign - Contact"

    campaign = fields.Many2One(
        'marketing.campaign', "Campaign", required=True, ondelete='CASCADE')
    contact = fields.Many2One(
        'crm.contact', "Contact", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('campaign')
