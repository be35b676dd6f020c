"""Monthly sales targets (销售目标, SPEC S10) and their progress.

A target is set per month for a salesperson or for a team (a department,
with its sub-departments): the contract amount (合同额: net sales of
approved deals, as sales_lines.py counts them) and the receipts (回款).
Managers set their people's targets, bosses every target (the teams'); the
month's targets are set before the 5th (每月5日之前): later only a boss
changes them. Staff read their own and their team's, never change them
(access rights and record rules, so RPC obeys as the web client does).

The progress report compares each target with what was achieved, within
the record rules of the deals and receipts of the user who reads it.
"""
import datetime as dt

from sql import Literal
from sql.aggregate import Sum
from sql.conditionals import Case, Coalesce

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from xtools_crm_base.visibility import user_visibility

from .exceptions import TargetError, TargetLockedError
from .reporting import (
    filter_owner, join_company_rates, report_company, round_amount,
    visible)
from .sales_lines import SalesLines
from .yoy_reporting import month_key

TARGET_KINDS = [
    ('salesperson', "Salesperson"),
    ('team', "Team"),
    ]
MONTHS = [(m, str(m)) for m in range(1, 13)]
# The day of the month by which its targets are set
SET_BEFORE_DAY = 5


class Target(ModelSQL, ModelView):
    "Monthly sales target"
    __name__ = 'crm.sales.target'
    __string__ = "Sales Target"

    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='CASCADE')
    year = fields.Integer(
        "Year", required=True,
        domain=[('year', '>=', 2000), ('year', '<=', 2999)])
    month = fields.Integer(
        "Month", required=True,
        domain=[('month', '>=', 1), ('month', '<=', 12)])
    kind = fields.Selection(TARGET_KINDS, "For", required=True)
    salesperson = fields.Many2One(
        'res.user', "Salesperson", ondelete='CASCADE',
        states={
            'required': Eval('kind') == 'salesperson',
            'invisible': Eval('kind') != 'salesperson',
            })
    department = fields.Many2One(
        'crm.department', "Team", ondelete='CASCADE',
        states={
            'required': Eval('kind') == 'team',
            'invisible': Eval('kind') != 'team',
            },
        help="The department, with its sub-departments.")
    currency = fields.Function(fields.Many2One(
            'currency.currency', "Currency"), 'on_change_with_currency')
    contract_amount = Monetary(
        "Contract Amount Target", currency='currency', digits='currency',
        required=True, domain=[('contract_amount', '>=', 0)])
    receipt_amount = Monetary(
        "Receipts Target", currency='currency', digits='currency',
        required=True, domain=[('receipt_amount', '>=', 0)])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('salesperson_unique',
                Unique(t, t.company, t.year, t.month, t.salesperson),
                'xtools_crm_reports.msg_target_unique'),
            ('team_unique',
                Unique(t, t.company, t.year, t.month, t.department),
                'xtools_crm_reports.msg_target_unique'),
            ]
        cls._order = [
            ('year', 'DESC'), ('month', 'DESC'), ('kind', 'DESC'),
            ('id', 'ASC')]

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_year(cls):
        return Pool().get('ir.date').today().year

    @classmethod
    def default_month(cls):
        return Pool().get('ir.date').today().month

    @classmethod
    def default_kind(cls):
        return 'salesperson'

    @classmethod
    def default_contract_amount(cls):
        return 0

    @classmethod
    def default_receipt_amount(cls):
        return 0

    @fields.depends('company')
    def on_change_with_currency(self, name=None):
        return self.company.currency if self.company else None

    def get_rec_name(self, name):
        who = (self.salesperson if self.kind == 'salesperson'
            else self.department)
        return '%04d-%02d %s' % (
            self.year, self.month, who.rec_name if who else '')

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        # A target is for one salesperson or one team, never both
        if values.get('kind') == 'salesperson':
            values['department'] = None
        elif values.get('kind') == 'team':
            values['salesperson'] = None
        return values

    @classmethod
    def validate_fields(cls, targets, field_names):
        super().validate_fields(targets, field_names)
        for target in targets:
            if bool(target.salesperson) == bool(target.department):
                raise TargetError(gettext(
                        'xtools_crm_reports.msg_target_one_owner',
                        target=target.id))

    @classmethod
    def check_modification(cls, mode, targets, values=None, external=False):
        super().check_modification(
            mode, targets, values=values, external=external)
        if mode in {'write', 'delete'}:
            # Tryton checks the record rules after check_modification: a
            # target the user may not change at all gets the rules'
            # refusal, not "the month is fixed" (a salesperson's own target
            # after the 5th)
            if external:
                targets = cls._crm_changeable(targets, mode)
            cls.check_month_open(targets)

    @classmethod
    def _crm_changeable(cls, targets, mode):
        """The targets the user's record rules let him change in mode
        (check_modification runs without access checks: the rules are
        asked for with them)"""
        Rule = Pool().get('ir.rule')
        with Transaction().set_context(_check_access=True):
            domain = Rule.domain_get(cls.__name__, mode=mode)
        if not domain:
            return targets
        with without_check_access(), Transaction().set_context(
                active_test=False):
            allowed = set(cls.search(
                    [('id', 'in', [t.id for t in targets]), domain]))
        return [t for t in targets if t in allowed]

    @classmethod
    def on_modification(cls, mode, targets, field_names=None):
        super().on_modification(mode, targets, field_names=field_names)
        if mode in {'create', 'write'}:
            cls.check_month_open(targets)

    @classmethod
    def check_month_open(cls, targets):
        """After the 5th of a month its targets are fixed: only a boss or
        a CRM administrator (or the server's own code) changes them"""
        Date = Pool().get('ir.date')
        transaction = Transaction()
        if transaction.user == 0:
            return
        see_all = user_visibility(transaction.user)[0]
        if see_all:
            return
        today = Date.today()
        for target in targets:
            if today > dt.date(target.year, target.month, SET_BEFORE_DAY):
                raise TargetLockedError(gettext(
                        'xtools_crm_reports.msg_target_locked',
                        year=target.year, month=target.month,
                        day=SET_BEFORE_DAY))


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def _get_context(cls, model_name):
        "The teams a user reads the targets of"
        context = super()._get_context(model_name)
        context['crm_team_departments'] = team_departments(
            Transaction().user)
        return context


def team_departments(user_id):
    """The departments whose team targets the user reads: their own, its
    parent, and for its leaders its sub-departments"""
    pool = Pool()
    User = pool.get('res.user')
    Department = pool.get('crm.department')
    if not user_id:
        return []
    with Transaction().set_user(0), Transaction().set_context(
            active_test=False, _check_access=False):
        user = User(user_id)
        department = user.crm_department
        if not department:
            return []
        ids = {department.id}
        if department.parent:
            ids.add(department.parent.id)
        if user.crm_level in {'manager', 'assistant'}:
            ids.update(d.id for d in Department.search([
                        ('parent', '=', department.id)]))
        return sorted(ids)


class TargetProgress(SalesLines, ModelSQL, ModelView):
    "Targets against what was achieved (目标完成情况)"
    __name__ = 'crm.reporting.target'
    __string__ = "Target Progress"

    target = fields.Many2One('crm.sales.target', "Target")
    year = fields.Integer("Year")
    month = fields.Integer("Month")
    kind = fields.Selection(TARGET_KINDS, "For")
    salesperson = fields.Many2One('res.user', "Salesperson")
    department = fields.Many2One('crm.department', "Team")
    current = fields.Boolean("This Month")
    currency = fields.Many2One('currency.currency', "Currency")
    contract_target = Monetary(
        "Contract Amount Target", currency='currency', digits='currency')
    contract_actual = Monetary(
        "Contract Amount", currency='currency', digits='currency')
    contract_rate = fields.Float("Contract Achieved", digits=(16, 4))
    receipt_target = Monetary(
        "Receipts Target", currency='currency', digits='currency')
    receipt_actual = Monetary(
        "Receipts", currency='currency', digits='currency')
    receipt_rate = fields.Float("Receipts Achieved", digits=(16, 4))

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('year', 'DESC'), ('month', 'DESC'), ('kind', 'DESC'),
            ('contract_rate', 'DESC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Target = pool.get('crm.sales.target')
        User = pool.get('res.user')
        Department = pool.get('crm.department')
        Company = pool.get('company.company')
        Date = pool.get('ir.date')
        target = Target.__table__()
        user = User.__table__()
        department = Department.__table__()
        company = Company.__table__()
        lines, withs = cls.deal_rows(with_dates=False)
        sales_key = month_key(lines.date).as_('key')
        sales = lines.select(
            lines.salesperson.as_('user'),
            sales_key,
            Sum(lines.amount).as_('amount'),
            group_by=[lines.salesperson, sales_key])
        receipts = cls._receipts()
        key = target.year * 12 + target.month - 1
        team = department.select(department.id,
            where=(department.id == target.department)
            | (department.parent == target.department))
        from_item = (target
            .join(company, condition=target.company == company.id)
            .join(user, condition=(
                    (target.kind == 'salesperson')
                    & (user.id == target.salesperson))
                | ((target.kind == 'team')
                    & user.crm_department.in_(team)))
            .join(sales, type_='LEFT',
                condition=(sales.user == user.id) & (sales.key == key))
            .join(receipts, type_='LEFT',
                condition=(receipts.user == user.id)
                & (receipts.key == key)))
        today = Date.today()
        contract = Coalesce(Sum(sales.amount), 0)
        received = Coalesce(Sum(receipts.amount), 0)

        def rate(actual, goal):
            return Case((goal > 0, actual / goal), else_=None)
        where = (target.company == (report_company() or -1))
        where &= visible('crm.sales.target', target.id)
        year = Transaction().context.get('year')
        if isinstance(year, int):
            where &= target.year == year
        return from_item.select(
            target.id.as_('id'),
            target.id.as_('target'),
            target.year.as_('year'),
            target.month.as_('month'),
            target.kind.as_('kind'),
            target.salesperson.as_('salesperson'),
            target.department.as_('department'),
            Case((key == today.year * 12 + today.month - 1, Literal(True)),
                else_=Literal(False)).as_('current'),
            company.currency.as_('currency'),
            target.contract_amount.as_('contract_target'),
            round_amount(cls.contract_actual, contract).as_(
                'contract_actual'),
            rate(contract, target.contract_amount).as_('contract_rate'),
            target.receipt_amount.as_('receipt_target'),
            round_amount(cls.receipt_actual, received).as_(
                'receipt_actual'),
            rate(received, target.receipt_amount).as_('receipt_rate'),
            where=where,
            group_by=[target.id, target.year, target.month, target.kind,
                target.salesperson, target.department, company.currency,
                target.contract_amount, target.receipt_amount],
            with_=withs)

    @classmethod
    def _receipts(cls):
        "Receipts per owner and month, in the company's currency"
        pool = Pool()
        Receipt = pool.get('crm.deal.receipt')
        Sale = pool.get('sale.sale')
        receipt = Receipt.__table__()
        sale = Sale.__table__()
        from_item = receipt.join(sale, condition=receipt.deal == sale.id)
        from_item, convert = join_company_rates(
            from_item, sale.currency, receipt.date)
        key = month_key(receipt.date).as_('key')
        return from_item.select(
            receipt.owner.as_('user'),
            key,
            Sum(convert(receipt.amount)).as_('amount'),
            where=(sale.company == (report_company() or -1))
            & filter_owner(receipt.owner)
            & visible('crm.deal.receipt', receipt.id),
            group_by=[receipt.owner, key])

    def get_rec_name(self, name):
        return self.target.rec_name if self.target else ''
