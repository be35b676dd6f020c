"""Receivables (应收款) and payments (回款) reports (SPEC R2).

Receivable = the approved deal's amount − what was received, per deal, as
the deals show it (xtools_crm_sales); payments are the receipts finance
recorded, per period and salesperson (the receipt's owner). Amounts in the
company's currency, within the record rules of the deals and receipts."""
from sql.aggregate import Count, Min, Sum
from sql.conditionals import Coalesce
from sql.functions import DateTrunc

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool

from xtools_crm_base.linear_browse import LinearBrowse
from xtools_crm_sales.deal import APPROVED_STATES

from .reporting import (
    company_currency_column, context_period, filter_dates, filter_owner,
    join_company_rates, report_company, round_amount, visible)


class Receivable(LinearBrowse, ModelSQL, ModelView):
    "What each approved deal still has to receive"
    __name__ = 'crm.reporting.receivable'
    __string__ = "Receivables"

    deal = fields.Many2One('sale.sale', "Deal")
    date = fields.Date("Deal Date")
    customer = fields.Many2One('party.party', "Customer")
    salesperson = fields.Many2One('res.user', "Salesperson")
    currency = fields.Many2One('currency.currency', "Currency")
    amount = Monetary("Deal Amount", currency='currency', digits='currency')
    received = Monetary("Received", currency='currency', digits='currency')
    receivable = Monetary(
        "Receivable", currency='currency', digits='currency')
    overdue = Monetary(
        "Overdue", currency='currency', digits='currency',
        help="What the payment plans due before today still expect.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('receivable', 'DESC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Sale = pool.get('sale.sale')
        Receipt = pool.get('crm.deal.receipt')
        Plan = pool.get('crm.payment.plan')
        Date = pool.get('ir.date')
        sale = Sale.__table__()
        receipt = Receipt.__table__()
        plan = Plan.__table__()
        received = receipt.select(
            receipt.deal.as_('deal'), Sum(receipt.amount).as_('amount'),
            group_by=[receipt.deal])
        # What the plans due before today expect, less their receipts
        plan_received = receipt.select(
            receipt.plan.as_('plan'), Sum(receipt.amount).as_('amount'),
            where=receipt.plan != None,  # noqa: E711
            group_by=[receipt.plan])
        overdue = (plan
            .join(plan_received, type_='LEFT',
                condition=plan_received.plan == plan.id)
            .select(
                plan.deal.as_('deal'),
                Sum(plan.amount - Coalesce(plan_received.amount, 0)).as_(
                    'amount'),
                where=(plan.due_date < Date.today())
                & (plan.state != 'paid'),
                group_by=[plan.deal]))
        from_item = (sale
            .join(received, type_='LEFT',
                condition=received.deal == sale.id)
            .join(overdue, type_='LEFT', condition=overdue.deal == sale.id))
        from_item, in_company_currency = join_company_rates(
            from_item, sale.currency, sale.sale_date)

        def convert(amount):
            return round_amount(cls.amount, in_company_currency(amount))
        total = Coalesce(sale.total_amount_cache, 0)
        got = Coalesce(received.amount, 0)
        return from_item.select(
            sale.id.as_('id'),
            sale.id.as_('deal'),
            sale.sale_date.as_('date'),
            sale.party.as_('customer'),
            sale.crm_owner.as_('salesperson'),
            company_currency_column().as_('currency'),
            convert(total).as_('amount'),
            convert(got).as_('received'),
            convert(total - got).as_('receivable'),
            convert(Coalesce(overdue.amount, 0)).as_('overdue'),
            where=sale.state.in_(sorted(APPROVED_STATES))
            & (total - got > 0)
            & (sale.company == (report_company() or -1))
            & filter_dates(sale.sale_date)
            & filter_owner(sale.crm_owner)
            & visible('sale.sale', sale.id))


class Payments(LinearBrowse, ModelSQL, ModelView):
    "Receipts per period and salesperson"
    __name__ = 'crm.reporting.payment'
    __string__ = "Payments"

    date = fields.Date("Period")
    salesperson = fields.Many2One('res.user', "Salesperson")
    currency = fields.Many2One('currency.currency', "Currency")
    receipts = fields.Integer("Receipts")
    amount = Monetary("Received", currency='currency', digits='currency')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('date', 'ASC'), ('salesperson', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Receipt = pool.get('crm.deal.receipt')
        Sale = pool.get('sale.sale')
        receipt = Receipt.__table__()
        sale = Sale.__table__()
        from_item = receipt.join(sale, condition=receipt.deal == sale.id)
        date = cls.date.sql_cast(
            DateTrunc(context_period(), receipt.date)).as_('date')
        from_item, convert = join_company_rates(
            from_item, sale.currency, receipt.date)
        amount = convert(receipt.amount)
        return from_item.select(
            Min(receipt.id).as_('id'),
            date,
            receipt.owner.as_('salesperson'),
            company_currency_column().as_('currency'),
            Count(receipt.id).as_('receipts'),
            round_amount(cls.amount, Coalesce(Sum(amount), 0)).as_(
                'amount'),
            where=(sale.company == (report_company() or -1))
            & filter_dates(receipt.date)
            & filter_owner(receipt.owner)
            & visible('crm.deal.receipt', receipt.id),
            group_by=[date, receipt.owner])
