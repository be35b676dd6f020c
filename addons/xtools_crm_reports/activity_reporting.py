"""Pipeline and work reports (SPEC R2, R3): shipments (发货), the
opportunity funnel (销售漏斗) as a chart, the activity counter
(工作量计数器), and customer statistics by source and intention (来源意向)
and by type and category (客户类型, 分类统计). Each sums within the record
rules of what it counts."""
from sql import Column, Literal, Null, Union
from sql.aggregate import Count, Min, Sum
from sql.conditionals import Coalesce
from sql.functions import DateTrunc

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool

from xtools_crm_base.linear_browse import LinearBrowse

from .reporting import (
    company_currency_column, context_period, filter_dates, filter_owner,
    filter_timestamps, join_company_rates, report_company, round_amount,
    visible)

OPEN_OPPORTUNITY_STATES = ['lead', 'opportunity']


class Shipments(LinearBrowse, ModelSQL, ModelView):
    "Goods shipped to customers per period and salesperson"
    __name__ = 'crm.reporting.shipment'
    __string__ = "Shipments"

    date = fields.Date("Period")
    salesperson = fields.Many2One('res.user', "Salesperson")
    deals = fields.Integer("Orders")
    quantity = fields.Float("Quantity")
    currency = fields.Many2One('currency.currency', "Currency")
    amount = Monetary("Amount", currency='currency', digits='currency')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('date', 'ASC'), ('salesperson', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Move = pool.get('stock.move')
        Line = pool.get('sale.line')
        Sale = pool.get('sale.sale')
        move = Move.__table__()
        line = Line.__table__()
        sale = Sale.__table__()
        from_item = (move
            .join(line, condition=(
                    move.origin.like('sale.line,%')
                    & (Move.origin.sql_id(move.origin, Move) == line.id)))
            .join(sale, condition=line.sale == sale.id))
        date = move.effective_date
        period = cls.date.sql_cast(
            DateTrunc(context_period(), date)).as_('date')
        from_item, convert = join_company_rates(
            from_item, sale.currency, date)
        amount = convert(move.quantity * line.unit_price)
        return from_item.select(
            Min(move.id).as_('id'),
            period,
            sale.crm_owner.as_('salesperson'),
            Count(sale.id, distinct=True).as_('deals'),
            Sum(move.quantity).as_('quantity'),
            company_currency_column().as_('currency'),
            round_amount(cls.amount, Coalesce(Sum(amount), 0)).as_(
                'amount'),
            where=(move.state == 'done')
            & (sale.company == (report_company() or -1))
            & filter_dates(date)
            & filter_owner(sale.crm_owner)
            & visible('stock.move', move.id),
            group_by=[period, sale.crm_owner])


class Funnel(LinearBrowse, ModelSQL, ModelView):
    "The open opportunities per stage (销售漏斗)"
    __name__ = 'crm.reporting.funnel'
    __string__ = "Sales Funnel"

    stage = fields.Many2One('crm.opportunity.stage', "Stage")
    sequence = fields.Integer("Sequence")
    opportunities = fields.Integer("Opportunities")
    currency = fields.Many2One('currency.currency', "Currency")
    amount = Monetary(
        "Expected Amount", currency='currency', digits='currency')
    weighted_amount = Monetary(
        "Weighted Amount", currency='currency', digits='currency',
        help="The expected amounts times their probabilities.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('sequence', 'ASC'), ('stage', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Opportunity = pool.get('sale.opportunity')
        Stage = pool.get('crm.opportunity.stage')
        opportunity = Opportunity.__table__()
        stage = Stage.__table__()
        from_item = opportunity.join(
            stage, condition=opportunity.crm_stage == stage.id)
        from_item, convert = join_company_rates(
            from_item, opportunity.currency, opportunity.start_date)
        amount = convert(Coalesce(opportunity.amount, 0))
        Party = pool.get('party.party')
        party = Party.__table__()
        owner = party.select(party.id, where=filter_owner(party.crm_owner))
        return from_item.select(
            stage.id.as_('id'),
            stage.id.as_('stage'),
            stage.sequence.as_('sequence'),
            Count(opportunity.id).as_('opportunities'),
            company_currency_column().as_('currency'),
            round_amount(cls.amount, Coalesce(Sum(amount), 0)).as_(
                'amount'),
            round_amount(cls.weighted_amount, Coalesce(Sum(
                        amount * Coalesce(
                            opportunity.conversion_probability, 0)),
                    0)).as_('weighted_amount'),
            where=opportunity.state.in_(OPEN_OPPORTUNITY_STATES)
            & (opportunity.company == (report_company() or -1))
            & filter_dates(opportunity.start_date)
            & opportunity.party.in_(owner)
            & visible('sale.opportunity', opportunity.id),
            group_by=[stage.id, stage.sequence])

    def get_rec_name(self, name):
        return self.stage.rec_name if self.stage else ''


class ActivityCounter(LinearBrowse, ModelSQL, ModelView):
    "What each user did in the period (工作量计数器)"
    __name__ = 'crm.reporting.activity'
    __string__ = "Activity Counter"

    user = fields.Many2One('res.user', "User")
    activities = fields.Integer("Activities")
    tasks_done = fields.Integer("Tasks Done")
    schedules = fields.Integer("Schedules")
    new_customers = fields.Integer("New Customers")
    total = fields.Integer("Total")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('total', 'DESC'), ('user', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        union = Union(*cls._parts(), all_=True)
        return union.select(
            union.user.as_('id'),
            union.user.as_('user'),
            Sum(union.activities).as_('activities'),
            Sum(union.tasks_done).as_('tasks_done'),
            Sum(union.schedules).as_('schedules'),
            Sum(union.new_customers).as_('new_customers'),
            Sum(union.activities + union.tasks_done + union.schedules
                + union.new_customers).as_('total'),
            where=union.user != Null,
            group_by=[union.user])

    @classmethod
    def _parts(cls):
        pool = Pool()
        Activity = pool.get('crm.activity')
        Task = pool.get('crm.task')
        Schedule = pool.get('crm.schedule')
        Party = pool.get('party.party')
        activity = Activity.__table__()
        task = Task.__table__()
        schedule = Schedule.__table__()
        party = Party.__table__()
        one, zero = Literal(1), Literal(0)

        def counts(user, a=zero, t=zero, s=zero, c=zero):
            return [user.as_('user'), a.as_('activities'),
                t.as_('tasks_done'), s.as_('schedules'),
                c.as_('new_customers')]
        return [
            activity.select(*counts(activity.author, a=one),
                where=filter_dates(activity.date)
                & filter_owner(activity.author)
                & visible('crm.activity', activity.id)),
            task.select(*counts(task.assignee, t=one),
                where=(task.state == 'done')
                & filter_dates(task.done_date)
                & filter_owner(task.assignee)
                & visible('crm.task', task.id)),
            schedule.select(*counts(schedule.organiser, s=one),
                where=filter_timestamps(schedule.start)
                & filter_owner(schedule.organiser)
                & visible('crm.schedule', schedule.id)),
            party.select(*counts(party.crm_owner, c=one),
                where=(party.crm_customer_type != Null)
                & filter_timestamps(party.create_date)
                & filter_owner(party.crm_owner)
                & visible('party.party', party.id)),
            ]


class CustomerStatisticsMixin:
    "Customers counted by some of their fields, created in the period"
    __slots__ = ()
    _dimensions = []

    customers = fields.Integer("Customers")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('customers', 'DESC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        Party = Pool().get('party.party')
        party = Party.__table__()
        columns = [Column(party, 'crm_' + d) for d in cls._dimensions]
        return party.select(
            Min(party.id).as_('id'),
            *(c.as_(d) for c, d in zip(columns, cls._dimensions)),
            Count(party.id).as_('customers'),
            where=(party.crm_customer_type != Null)
            & (party.active == Literal(True))
            & filter_timestamps(party.create_date)
            & filter_owner(party.crm_owner)
            & visible('party.party', party.id),
            group_by=columns)



class CustomerSourceStatistics(
        CustomerStatisticsMixin, ModelSQL, ModelView):
    "Customers by source and intention (来源意向统计)"
    __name__ = 'crm.reporting.customer.source'
    __string__ = "Source and Intention Statistics"
    _dimensions = ['source', 'status']

    source = fields.Many2One('crm.dictionary', "Source")
    status = fields.Many2One('crm.dictionary', "Intention")


class CustomerCategoryStatistics(
        CustomerStatisticsMixin, ModelSQL, ModelView):
    "Customers by type and category (客户类型, 分类统计)"
    __name__ = 'crm.reporting.customer.category'
    __string__ = "Customer Type and Category Statistics"
    _dimensions = ['customer_type', 'kind', 'industry']

    customer_type = fields.Selection('get_customer_types', "Customer Type")
    kind = fields.Many2One('crm.dictionary', "Kind")
    industry = fields.Many2One('crm.dictionary', "Industry")

    @classmethod
    def get_customer_types(cls):
        Party = Pool().get('party.party')
        return Party.fields_get(['crm_customer_type'])['crm_customer_type'][
            'selection']
