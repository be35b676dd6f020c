"""Commissions (绩效, SPEC S11) and the commission report finance exports.

A plan says how a commission is computed:

- kind: sales commission (销售绩效) on a salesperson's own sales, or
  management commission (管理绩效) on the result of a manager's team (the
  department with its sub-departments);
- basis: on the total (按总业绩), by grade (按等级: star levels, each with
  its rate or its amount per period) or by product (按产品: a rate per
  product);
- method: a percentage of net sales (按%), a percentage of the gross margin
  (按%除成本: sales less their cost) or a fixed amount (按金额);
- period: month, quarter or year.

Agents tie a user to a plan (and a grade, or for management plans the
team). The report sums, in SQL, the sales lines of sales_lines.py (approved
deals less returns, within the record rules of the reader) per agent and
period, and applies the plan; a fixed amount or a grade's amount is earned
in each period with sales.

Tryton's ``commission`` module (8.0) was evaluated: it computes
commissions on posted customer invoice lines, with agents that are parties
with their own payable accounts, and depends on account, account_invoice
and account_product — full accounting, which the CRM's deals and receipts
do not keep (their money is recorded by finance in xtools_crm_sales). Nor
has it management commissions on a team, star grades or percentages of
margin. So the plans here are the CRM's own.
"""
import datetime as dt

from sql import Literal
from sql.aggregate import Min, Sum
from sql.conditionals import Case, Coalesce
from sql.functions import Extract

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, fields, sequence_ordered)
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool
from trytond.pyson import Eval

from .exceptions import CommissionError
from .reporting import report_company, round_amount, visible
from .sales_lines import SalesLines
from .yoy_reporting import report_year

KINDS = [
    ('sales', "Sales Commission"),
    ('management', "Management Commission"),
    ]
BASES = [
    ('total', "On the Total"),
    ('grade', "By Grade"),
    ('product', "By Product"),
    ]
METHODS = [
    ('percent', "Percentage of Sales"),
    ('margin_percent', "Percentage of Margin"),
    ('fixed', "Fixed Amount"),
    ]
PERIODS = [
    ('month', "Month"),
    ('quarter', "Quarter"),
    ('year', "Year"),
    ]
RATE_DIGITS = (16, 4)


class Plan(DeactivableMixin, ModelSQL, ModelView):
    "Commission plan (绩效方案)"
    __name__ = 'crm.commission.plan'
    __string__ = "Commission Plan"

    name = fields.Char("Name", required=True)
    kind = fields.Selection(KINDS, "Kind", required=True)
    basis = fields.Selection(BASES, "Basis", required=True)
    method = fields.Selection(METHODS, "Method", required=True,
        states={
            'invisible': Eval('basis') == 'product',
            })
    period = fields.Selection(PERIODS, "Period", required=True)
    rate = fields.Numeric(
        "Rate (%)", digits=RATE_DIGITS,
        states={
            'invisible': ((Eval('basis') != 'total')
                | (Eval('method') == 'fixed')),
            })
    amount = fields.Numeric(
        "Amount per Period", digits=(16, 2),
        states={
            'invisible': ((Eval('basis') != 'total')
                | (Eval('method') != 'fixed')),
            })
    grades = fields.One2Many(
        'crm.commission.grade', 'plan', "Grades",
        states={
            'invisible': Eval('basis') != 'grade',
            })
    product_rates = fields.One2Many(
        'crm.commission.product_rate', 'plan', "Product Rates",
        states={
            'invisible': Eval('basis') != 'product',
            })
    agents = fields.One2Many('crm.commission.agent', 'plan', "Agents")

    @classmethod
    def default_kind(cls):
        return 'sales'

    @classmethod
    def default_basis(cls):
        return 'total'

    @classmethod
    def default_method(cls):
        return 'percent'

    @classmethod
    def default_period(cls):
        return 'month'

    @classmethod
    def validate_fields(cls, plans, field_names):
        super().validate_fields(plans, field_names)
        for plan in plans:
            if plan.basis != 'total':
                continue
            if (plan.method == 'fixed' and plan.amount is None) or (
                    plan.method != 'fixed' and plan.rate is None):
                raise CommissionError(gettext(
                        'xtools_crm_reports.msg_commission_plan_rate',
                        rule=plan.rec_name))


class Grade(sequence_ordered(), ModelSQL, ModelView):
    "Commission grade (星级)"
    __name__ = 'crm.commission.grade'
    __string__ = "Commission Grade"

    plan = fields.Many2One(
        'crm.commission.plan', "Plan", required=True, ondelete='CASCADE')
    name = fields.Char("Name", required=True, help="E.g. 一星销售.")
    rate = fields.Numeric(
        "Rate (%)", digits=RATE_DIGITS,
        help="A percentage of sales or margin (the plan's method).")
    amount = fields.Numeric(
        "Amount per Period", digits=(16, 2),
        help="For plans of fixed amounts.")

    @classmethod
    def validate_fields(cls, grades, field_names):
        super().validate_fields(grades, field_names)
        for grade in grades:
            if grade.rate is None and grade.amount is None:
                raise CommissionError(gettext(
                        'xtools_crm_reports.msg_commission_plan_rate',
                        rule=grade.rec_name))


class ProductRate(ModelSQL, ModelView):
    "Commission rate of a product"
    __name__ = 'crm.commission.product_rate'
    __string__ = "Product Commission Rate"

    plan = fields.Many2One(
        'crm.commission.plan', "Plan", required=True, ondelete='CASCADE')
    product = fields.Many2One(
        'product.product', "Product", required=True, ondelete='CASCADE')
    method = fields.Selection(
        [m for m in METHODS if m[0] != 'fixed'], "Method", required=True)
    rate = fields.Numeric("Rate (%)", digits=RATE_DIGITS, required=True)

    @classmethod
    def default_method(cls):
        return 'percent'


class Agent(ModelSQL, ModelView):
    "A user under a commission plan"
    __name__ = 'crm.commission.agent'
    __string__ = "Commission Agent"

    plan = fields.Many2One(
        'crm.commission.plan', "Plan", required=True, ondelete='CASCADE')
    user = fields.Many2One(
        'res.user', "User", required=True, ondelete='CASCADE')
    grade = fields.Many2One(
        'crm.commission.grade', "Grade", ondelete='RESTRICT',
        domain=[('plan', '=', Eval('plan', -1))],
        states={
            'required': Eval('plan_basis') == 'grade',
            'invisible': Eval('plan_basis') != 'grade',
            })
    department = fields.Many2One(
        'crm.department', "Team", ondelete='RESTRICT',
        states={
            'required': Eval('plan_kind') == 'management',
            'invisible': Eval('plan_kind') != 'management',
            },
        help="The team whose result the management commission is on "
        "(with its sub-departments).")
    plan_kind = fields.Function(
        fields.Selection(KINDS, "Plan Kind"), 'on_change_with_plan_kind')
    plan_basis = fields.Function(
        fields.Selection(BASES, "Plan Basis"), 'on_change_with_plan_basis')

    @fields.depends('plan', '_parent_plan.kind')
    def on_change_with_plan_kind(self, name=None):
        return self.plan.kind if self.plan else None

    @fields.depends('plan', '_parent_plan.basis')
    def on_change_with_plan_basis(self, name=None):
        return self.plan.basis if self.plan else None

    def get_rec_name(self, name):
        return f'{self.user.rec_name} / {self.plan.rec_name}'


class CommissionReport(SalesLines, ModelSQL, ModelView):
    "Commission per agent and period (绩效统计), for finance to export"
    __name__ = 'crm.reporting.commission'
    __string__ = "Commissions"

    agent = fields.Many2One('crm.commission.agent', "Agent")
    user = fields.Many2One('res.user', "User")
    plan = fields.Many2One('crm.commission.plan', "Plan")
    period_key = fields.Integer("Period Key")
    period = fields.Function(fields.Date("Period"), 'get_period')
    currency = fields.Many2One('currency.currency', "Currency")
    sales = Monetary("Net Sales", currency='currency', digits='currency')
    margin = Monetary("Gross Margin", currency='currency', digits='currency')
    commission = Monetary(
        "Commission", currency='currency', digits='currency')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('period_key', 'ASC'), ('user', 'ASC'), ('plan', 'ASC'),
            ('id', 'ASC')]

    def get_period(self, name):
        year, month = divmod(self.period_key, 12)
        return dt.date(year, month + 1, 1)

    @classmethod
    def table_query(cls):
        pool = Pool()
        Agent = pool.get('crm.commission.agent')
        Plan = pool.get('crm.commission.plan')
        Grade = pool.get('crm.commission.grade')
        ProductRate = pool.get('crm.commission.product_rate')
        Department = pool.get('crm.department')
        Company = pool.get('company.company')
        agent = Agent.__table__()
        plan = Plan.__table__()
        grade = Grade.__table__()
        product_rate = ProductRate.__table__()
        own = Department.__table__()
        year = report_year()
        lines, withs = cls.lines(with_dates=False, with_cost=True)
        # A management agent's team: the department and its sub-departments
        team = own.select(own.id,
            where=(own.id == agent.department)
            | (own.parent == agent.department))
        from_item = (agent
            .join(plan, condition=agent.plan == plan.id)
            .join(lines, condition=(
                    (plan.kind == 'sales')
                    & (lines.salesperson == agent.user))
                | ((plan.kind == 'management')
                    & lines.department.in_(team)))
            .join(grade, type_='LEFT', condition=agent.grade == grade.id)
            .join(product_rate, type_='LEFT',
                condition=(product_rate.plan == plan.id)
                & (product_rate.product == lines.product)))
        month = Extract('MONTH', lines.date)
        first_month = Case(
            (plan.period == 'year', Literal(1)),
            (plan.period == 'quarter', Case(
                    (month <= 3, Literal(1)), (month <= 6, Literal(4)),
                    (month <= 9, Literal(7)), else_=Literal(10))),
            else_=month)
        # (PostgreSQL's EXTRACT gives a NUMERIC)
        key = cls.period_key.sql_cast(
            Extract('YEAR', lines.date) * 12 + first_month - 1).as_(
                'period_key')
        net = Coalesce(Sum(lines.amount), 0)
        margin = Coalesce(Sum(lines.amount - Coalesce(lines.cost, 0)), 0)
        product_commission = Coalesce(Sum(
                Case((product_rate.method == 'margin_percent',
                        lines.amount - Coalesce(lines.cost, 0)),
                    else_=lines.amount)
                * Coalesce(product_rate.rate, 0) / 100), 0)
        base = Case((plan.method == 'margin_percent', margin), else_=net)
        commission = Case(
            (plan.basis == 'product', product_commission),
            (plan.basis == 'grade', Case(
                    (plan.method == 'fixed', Coalesce(grade.amount, 0)),
                    else_=base * Coalesce(grade.rate, 0) / 100)),
            (plan.method == 'fixed', Coalesce(plan.amount, 0)),
            else_=base * Coalesce(plan.rate, 0) / 100)
        company = Company.__table__()
        currency = company.select(company.currency,
            where=company.id == (report_company() or -1))
        return from_item.select(
            (Min(lines.id) * 1000 + agent.id % 1000).as_('id'),
            agent.id.as_('agent'),
            agent.user.as_('user'),
            agent.plan.as_('plan'),
            key,
            currency.as_('currency'),
            round_amount(cls.sales, net).as_('sales'),
            round_amount(cls.margin, margin).as_('margin'),
            round_amount(cls.commission, commission).as_('commission'),
            where=(lines.date >= dt.date(year, 1, 1))
            & (lines.date <= dt.date(year, 12, 31))
            & (plan.active == Literal(True))
            & visible('crm.commission.agent', agent.id),
            group_by=[agent.id, agent.user, agent.plan, key, plan.basis,
                plan.method, plan.rate, plan.amount, grade.amount,
                grade.rate],
            with_=withs)

    def get_rec_name(self, name):
        return f'{self.agent.rec_name} {self.period}' if self.agent else ''

