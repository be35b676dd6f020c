"""Opportunities (销售机会, SPEC S1): Tryton's sale.opportunity with the
seven-stage funnel (初期沟通 → … → 合同签约), the expected amount and date,
requirements, competitors, solution, quote history and the follow-up done
on it; won or lost, each with a reason from the data dictionary (赢单原因,
丢单原因).

Tryton's states (lead, opportunity, converted, won, lost, cancelled) stay:
the stage is another dimension, the progress of the pre-sale work. An
opportunity belongs to exactly one customer and is visible to whoever sees
that customer (the customer's record rules through ``__access__``).

Tryton wins an opportunity when one of its deals is approved; a deal
signed outside the CRM is marked as won by hand (标记赢单), which needs its
won reason, as marking it lost needs the lost reason. A won reason may be
recorded, or corrected, on an opportunity its deal has won."""
from decimal import Decimal

from sql.aggregate import Count, Sum

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, fields, sequence_ordered)
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from xtools_crm_base.access import ButtonAccessMixin, context_company
from xtools_crm_base.dictionary import dictionary_field
from xtools_crm_base.one2many_search import One2ManyBySearch
from xtools_crm_base.selection_labels import SelectionLabels

from .exceptions import LostReasonError, WonReasonError

# The states in which an opportunity is still in the funnel
OPEN_STATES = ['lead', 'opportunity', 'converted']


class OpportunityStage(
        DeactivableMixin, sequence_ordered(), ModelSQL, ModelView):
    """Stage of the sales funnel (销售阶段), shared by opportunities and
    projects. Reaching a stage sets the deal's probability to the stage's;
    the deal's probability may then be changed by hand."""
    __name__ = 'crm.opportunity.stage'
    __string__ = "Opportunity Stage"

    name = fields.Char("Name", required=True, translate=True)
    probability = fields.Float(
        "Probability", digits=(1, 4), required=True,
        domain=[
            ('probability', '>=', 0),
            ('probability', '<=', 1),
            ],
        help="The conversion probability a deal takes when it reaches "
        "the stage.")
    currency = fields.Function(
        fields.Many2One('currency.currency', "Currency"), 'get_currency')
    opportunity_count = fields.Function(
        fields.Integer("Opportunities"), 'get_funnel')
    project_count = fields.Function(
        fields.Integer("Projects"), 'get_funnel')
    amount = fields.Function(
        Monetary("Expected Amount", currency='currency', digits='currency'),
        'get_funnel')
    weighted_amount = fields.Function(
        Monetary(
            "Weighted Amount", currency='currency', digits='currency',
            help="The expected amounts times their probabilities."),
        'get_funnel')

    @classmethod
    def default_probability(cls):
        return 0.0

    @classmethod
    def first_stage(cls):
        "The first active stage"
        stages = cls.search([], limit=1)
        return stages[0].id if stages else None

    @classmethod
    def get_currency(cls, stages, name):
        Company = Pool().get('company.company')
        company_id = context_company()
        currency = None
        if company_id is not None:
            currency = Company(company_id).currency.id
        return {s.id: currency for s in stages}

    @classmethod
    def _funnel_sources(cls):
        """(model, stage field, probability field, domain of the deals still
        in the funnel, count field) of what the funnel counts"""
        return [
            ('sale.opportunity', 'crm_stage', 'conversion_probability',
                [('state', 'in', OPEN_STATES)], 'opportunity_count'),
            ('crm.project', 'stage', 'probability',
                [('state', '=', 'presale')], 'project_count'),
            ]

    @classmethod
    def get_funnel(cls, stages, names):
        """Count and sum the open deals of the company by stage, among the
        deals the user may read: one grouped query per kind of deal over
        the ids the user's record rules let through."""
        pool = Pool()
        Company = pool.get('company.company')
        Currency = pool.get('currency.currency')
        company_id = context_company()
        result = {name: {s.id: 0 for s in stages} for name in names}
        for name in {'amount', 'weighted_amount'} & set(names):
            result[name] = {s.id: Decimal(0) for s in stages}
        if company_id is None or not stages:
            return result
        company = Company(company_id)
        ModelAccess = pool.get('ir.model.access')
        cursor = Transaction().connection.cursor()
        stage_ids = [s.id for s in stages]
        for model, stage_field, probability_field, domain, count_name in (
                cls._funnel_sources()):
            Model = pool.get(model)
            # Getters run without access checks: the funnel counts what the
            # user may read, so the user's rules are applied here.
            with Transaction().set_context(_check_access=True):
                if not ModelAccess.check(
                        model, 'read', raise_exception=False):
                    continue
                visible = Model.search(domain + [
                        (stage_field, 'in', stage_ids),
                        ('company', '=', company.id),
                        ], order=[], query=True)
            table = Model.__table__()
            stage = getattr(table, stage_field)
            cursor.execute(*table.select(
                    stage, table.currency, Count(table.id),
                    Sum(table.amount),
                    Sum(table.amount * getattr(table, probability_field)),
                    where=table.id.in_(visible),
                    group_by=[stage, table.currency]))
            for stage_id, currency_id, count, amount, weighted in cursor:
                if count_name in result:
                    result[count_name][stage_id] += count
                for name, value in [
                        ('amount', amount), ('weighted_amount', weighted)]:
                    if name not in result or value is None:
                        continue
                    value = Currency.compute(
                        Currency(currency_id), Decimal(str(value)),
                        company.currency)
                    result[name][stage_id] += value
        for name in {'amount', 'weighted_amount'} & set(names):
            for stage_id, value in result[name].items():
                result[name][stage_id] = company.currency.round(value)
        return result


class Opportunity(SelectionLabels, ButtonAccessMixin, metaclass=PoolMeta):
    __name__ = 'sale.opportunity'

    _tracking = {
        'readonly': ~Eval('state').in_(OPEN_STATES),
        }

    crm_stage = fields.Many2One(
        'crm.opportunity.stage', "Stage", required=True, ondelete='RESTRICT',
        states=_tracking,
        help="The pre-sale stage reached: it sets the conversion "
        "probability, which may then be changed by hand.")
    crm_expected_date = fields.Date(
        "Expected Closing", states=_tracking,
        help="When the contract is expected to be signed.")
    crm_requirements = fields.Text(
        "Requirements", states=_tracking,
        help="What the customer needs, in detail (详细需求).")
    crm_solution = fields.Text(
        "Solution", states=_tracking,
        help="The solution proposed to the customer (解决方案).")
    crm_competitors = fields.One2Many(
        'crm.opportunity.competitor', 'opportunity', "Competitors")
    crm_quotes = fields.One2Many(
        'crm.quote', 'opportunity', "Quotes",
        context={'crm_customer': Eval('party', -1)}, depends={'party'},
        help="The quotes made for the opportunity (历史报价).")
    crm_lost_reason = dictionary_field(
        'lost_reason', "Lost Reason",
        states={
            'readonly': ~Eval('state').in_(['lead', 'opportunity', 'lost']),
            },
        help="Why the opportunity was lost: required to mark it as lost.")
    crm_won_reason = dictionary_field(
        'won_reason', "Won Reason",
        states={
            'readonly': ~Eval('state').in_(OPEN_STATES + ['won']),
            },
        help="Why the customer chose us: required to mark the opportunity "
        "as won by hand.")
    crm_activities = fields.One2Many(
        'crm.activity', 'opportunity', "Activity History",
        context={'crm_customer': Eval('party', -1)}, depends={'party'})
    crm_tasks = fields.One2Many(
        'crm.task', 'opportunity', "Tasks",
        context={'crm_customer': Eval('party', -1)}, depends={'party'})
    crm_schedules = fields.One2Many(
        'crm.schedule', 'opportunity', "Schedules",
        context={'crm_customer': Eval('party', -1)}, depends={'party'})
    crm_timeline = fields.One2Many(
        'crm.customer.timeline', 'opportunity', "Follow-up", readonly=True,
        help="Activities, tasks and schedules of the opportunity, "
        "latest first.")

    del _tracking

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # One customer each (销售机会只能包含一个客户), whose visibility the
        # opportunity follows.
        cls.party.required = True
        cls.party.domain = [('crm_customer_type', '!=', None)]
        cls.__access__.add('party')
        # An expected amount is never negative (Tryton's own is unchecked)
        cls.amount.domain = [
            'OR', ('amount', '=', None), ('amount', '>=', 0)]
        # A deal signed outside the CRM's deals is won by hand
        cls._transitions |= {('lead', 'won'), ('opportunity', 'won')}
        cls._buttons.update({
                'crm_win': {
                    'invisible': ~Eval('state').in_(['lead', 'opportunity']),
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_crm_stage(cls):
        return Pool().get('crm.opportunity.stage').first_stage()

    @classmethod
    def default_conversion_probability(cls):
        Stage = Pool().get('crm.opportunity.stage')
        stage_id = cls.default_crm_stage()
        if stage_id is not None:
            return Stage(stage_id).probability
        return super().default_conversion_probability()

    @fields.depends('_parent_party.id')
    def on_change_party(self):
        # Opportunities are also created from the customer view
        super().on_change_party()

    @fields.depends('crm_stage')
    def on_change_crm_stage(self):
        if self.crm_stage:
            self.conversion_probability = self.crm_stage.probability

    @classmethod
    def preprocess_values(cls, mode, values):
        "A new stage brings its probability unless one is given with it"
        Stage = Pool().get('crm.opportunity.stage')
        values = super().preprocess_values(mode, values)
        if (values.get('crm_stage')
                and 'conversion_probability' not in values):
            values['conversion_probability'] = Stage(
                values['crm_stage']).probability
        return values

    @classmethod
    def copy(cls, opportunities, default=None):
        default = default.copy() if default is not None else {}
        for name in [
                'crm_quotes', 'crm_activities', 'crm_tasks', 'crm_schedules',
                'crm_lost_reason', 'crm_won_reason']:
            default.setdefault(name, None)
        return super().copy(opportunities, default=default)

    @classmethod
    def check_lost_reason(cls, opportunities):
        """An opportunity given up by hand says why. (One lost because all
        its sales were cancelled is marked lost by Tryton, reason or not.)"""
        for opportunity in opportunities:
            if (opportunity.state in {'lead', 'opportunity'}
                    and not opportunity.crm_lost_reason):
                raise LostReasonError(gettext(
                        'xtools_crm_sales.msg_opportunity_lost_reason',
                        opportunity=opportunity.rec_name))

    @classmethod
    def check_won_reason(cls, opportunities):
        """An opportunity won by hand says why. (One won because its deal
        was approved is marked won by Tryton, reason or not: the reason
        can be recorded afterwards.)"""
        for opportunity in opportunities:
            if (opportunity.state in {'lead', 'opportunity'}
                    and not opportunity.crm_won_reason):
                raise WonReasonError(gettext(
                        'xtools_crm_sales.msg_opportunity_won_reason',
                        opportunity=opportunity.rec_name))

    @classmethod
    @ModelView.button
    def crm_win(cls, opportunities):
        "标记赢单: the deal was signed outside the CRM's contracts and orders"
        cls.check_won_reason(opportunities)
        cls.won(opportunities)

    @classmethod
    def lost(cls, opportunities):
        cls.check_lost_reason(opportunities)
        super().lost(opportunities)
        cls._crm_deal_shelved(opportunities)

    @classmethod
    def cancel(cls, opportunities):
        super().cancel(opportunities)
        cls._crm_deal_shelved(opportunities)

    @classmethod
    def _crm_deal_shelved(cls, opportunities):
        "A shelved deal is no longer a reason to keep its customer hot"
        Party = Pool().get('party.party')
        opportunities = cls.browse([o.id for o in opportunities])
        Party.crm_deal_shelved(list({o.party for o in opportunities
                    if o.party and o.state in {'lost', 'cancelled'}}))


class Dictionary(metaclass=PoolMeta):
    __name__ = 'crm.dictionary'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.type.selection.append(('won_reason', "Won Reason"))


class CompetitorMixin:
    """A competitor met on a deal (竞争对手): who, what they offer, their
    strengths and weaknesses, and how dangerous they are."""
    __slots__ = ()

    name = fields.Char("Competitor", required=True)
    offer = fields.Char(
        "Offer", help="What the competitor proposes: products, price.")
    strengths = fields.Text("Strengths")
    weaknesses = fields.Text("Weaknesses")
    threat = fields.Selection([
            ('low', "Low"),
            ('medium', "Medium"),
            ('high', "High"),
            ], "Threat", required=True, sort=False)

    @classmethod
    def default_threat(cls):
        return 'medium'


class OpportunityCompetitor(CompetitorMixin, ModelSQL, ModelView):
    "Competitor on an opportunity"
    __name__ = 'crm.opportunity.competitor'
    __string__ = "Opportunity Competitor"

    opportunity = fields.Many2One(
        'sale.opportunity', "Opportunity", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('opportunity')


class Party(metaclass=PoolMeta):
    "The customer view lists the customer's deals in the making"
    __name__ = 'party.party'

    crm_opportunities = One2ManyBySearch(
        'sale.opportunity', 'party', "Opportunities",
        states={'invisible': ~Eval('crm_customer_type')})

    @classmethod
    def copy(cls, parties, default=None):
        default = default.copy() if default is not None else {}
        # A copied customer starts without deals of its own.
        for name in [
                'crm_opportunities', 'crm_projects', 'crm_project_partners',
                'crm_quotes']:
            default.setdefault(name, None)
        return super().copy(parties, default=default)
