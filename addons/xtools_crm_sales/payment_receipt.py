"""Receipts (回款记录, SPEC S6) and the receivable (智能应收) of deals and
customers: deal amount − received."""
from collections import defaultdict
from decimal import Decimal

from sql import Null
from sql.aggregate import Sum

from trytond import backend
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.model.fields import SQL_OPERATORS
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from xtools_crm_base.access import context_company

from .deal import APPROVED_STATES
from .exceptions import ReceiptError, ReceiptNotApprovedError
from .payment import (
    RECEIPT_METHODS, FinanceRecordMixin, _sum_by, format_amount)


class Receipt(FinanceRecordMixin, ModelSQL, ModelView):
    "Receipt"
    __name__ = 'crm.deal.receipt'
    __string__ = "Receipt"

    deal = fields.Many2One(
        'sale.sale', "Deal", required=True, ondelete='RESTRICT',
        help="An approved contract or order.")
    plan = fields.Many2One(
        'crm.payment.plan', "Payment Plan", ondelete='RESTRICT',
        domain=[
            ('deal', '=', Eval('deal', -1)),
            ],
        help="Leave empty for a receipt without a plan.")
    method = fields.Selection(RECEIPT_METHODS, "Method", required=True)
    owner = fields.Many2One(
        'res.user', "Owner", required=True, ondelete='RESTRICT',
        help="The salesperson following the deal (负责跟单的销售人员).")

    @classmethod
    def default_method(cls):
        return 'transfer'

    @fields.depends('deal', '_parent_deal.currency')
    def on_change_with_currency(self, name=None):
        return self.deal.currency if self.deal else None

    @fields.depends('deal', 'owner', 'plan', 'customer',
        '_parent_deal.crm_owner', '_parent_deal.party')
    def on_change_deal(self):
        self.customer = self.deal.party if self.deal else None
        if self.deal and self.deal.crm_owner:
            self.owner = self.deal.crm_owner
        if self.plan and self.plan.deal != self.deal:
            self.plan = None

    @fields.depends('plan', 'deal', 'amount', 'owner', 'customer')
    def on_change_plan(self):
        if self.plan:
            self.deal = self.plan.deal
            self.customer = self.deal.party
            if not self.owner and self.deal.crm_owner:
                self.owner = self.deal.crm_owner
            if not self.amount:
                self.amount = self.plan.remaining_amount

    def get_rec_name(self, name):
        return f'{self.deal.rec_name} / {self.date}'

    @classmethod
    def validate_fields(cls, receipts, field_names):
        super().validate_fields(receipts, field_names)
        cls.check_receipts(receipts, field_names)

    @classmethod
    def check_receipts(cls, receipts, field_names=None):
        if field_names and not field_names & {'deal', 'plan', 'amount'}:
            return
        plans, deals = set(), set()
        for receipt in receipts:
            deal = receipt.deal
            if deal.state not in APPROVED_STATES:
                raise ReceiptNotApprovedError(gettext(
                        'xtools_crm_sales.msg_receipt_not_approved',
                        deal=deal.rec_name))
            if receipt.amount is None or receipt.amount <= 0:
                raise ReceiptError(gettext(
                        'xtools_crm_sales.msg_receipt_amount_positive',
                        deal=deal.rec_name))
            if receipt.plan:
                if receipt.plan.deal != deal:
                    raise ReceiptError(gettext(
                            'xtools_crm_sales.msg_receipt_plan_other_deal',
                            plan=receipt.plan.rec_name, deal=deal.rec_name))
                plans.add(receipt.plan)
            deals.add(deal)
        Plan = Pool().get('crm.payment.plan')
        for plan in Plan.browse(plans):
            if plan.received_amount > plan.amount:
                raise ReceiptError(gettext(
                        'xtools_crm_sales.msg_receipt_plan_exceeded',
                        plan=plan.rec_name,
                        amount=format_amount(plan.amount, plan.currency),
                        received=format_amount(
                            plan.received_amount, plan.currency)))
        Sale = Pool().get('sale.sale')
        for deal in Sale.browse(deals):
            if deal.crm_received_amount > deal.total_amount:
                raise ReceiptError(gettext(
                        'xtools_crm_sales.msg_receipt_deal_exceeded',
                        deal=deal.rec_name,
                        amount=format_amount(deal.total_amount, deal.currency),
                        received=format_amount(
                            deal.crm_received_amount, deal.currency)))

    @classmethod
    def on_modification(cls, mode, receipts, field_names=None):
        super().on_modification(mode, receipts, field_names=field_names)
        if mode in {'create', 'write'}:
            cls._after_change(
                {r.plan.id for r in receipts if r.plan},
                {r.deal.id for r in receipts})

    @classmethod
    def on_write(cls, receipts, values):
        callbacks = super().on_write(receipts, values)
        if {'plan', 'deal'} & set(values):
            plans = {r.plan.id for r in receipts if r.plan}
            callbacks.append(lambda: cls._after_change(plans, set()))
        return callbacks

    @classmethod
    def on_delete(cls, receipts):
        callbacks = super().on_delete(receipts)
        plans = {r.plan.id for r in receipts if r.plan}
        deals = {r.deal.id for r in receipts}
        callbacks.append(lambda: cls._after_change(plans, deals))
        return callbacks

    @classmethod
    def _after_change(cls, plan_ids, deal_ids):
        "The plans' status and the deals' status follow the receipts"
        pool = Pool()
        Plan = pool.get('crm.payment.plan')
        Sale = pool.get('sale.sale')
        Plan.update_state(Plan.browse(plan_ids))
        Sale.crm_update_status(Sale.browse(deal_ids))


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    crm_receipts = fields.One2Many(
        'crm.deal.receipt', 'deal', "Receipts", readonly=True)
    crm_received_amount = fields.Function(Monetary(
            "Received", currency='currency', digits='currency'),
        'get_crm_payment_amounts')
    crm_receivable_amount = fields.Function(Monetary(
            "Receivable", currency='currency', digits='currency',
            help="Deal amount − received (智能应收)."),
        'get_crm_payment_amounts')

    @classmethod
    def get_crm_payment_amounts(cls, sales, names):
        Receipt = Pool().get('crm.deal.receipt')
        receipt = Receipt.__table__()
        received = _sum_by(
            receipt, receipt.deal, receipt.amount, [s.id for s in sales])
        # The deal amounts only for the receivable, all in one call
        # (deal_list.py): the received column alone needs no total
        totals = (cls.get_amount(sales, ['total_amount'])['total_amount']
            if 'crm_receivable_amount' in names else {})
        Currency = Pool().get('currency.currency')
        currency_of = {i: c['currency'] for i, c in cls.crm_columns(
                sales, ['currency']).items()}
        currencies = {c.id: c
            for c in Currency.browse(set(currency_of.values()))}
        result = {'crm_received_amount': {}, 'crm_receivable_amount': {}}
        for sale in sales:
            amount = currencies[currency_of[sale.id]].round(
                received[sale.id])
            result['crm_received_amount'][sale.id] = amount
            if totals:
                result['crm_receivable_amount'][sale.id] = (
                    (totals[sale.id] or 0) - amount)
        return {n: result[n] for n in names}

    def crm_fully_paid(self):
        "Whether the receipts cover the deal (deal_status.py closes it)"
        return self.crm_received_amount >= self.total_amount

    @classmethod
    def copy(cls, sales, default=None):
        default = default.copy() if default else {}
        default.setdefault('crm_receipts')
        return super().copy(sales, default=default)


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    crm_receivable = fields.Function(Monetary(
            "Receivable", currency='crm_company_currency',
            digits='crm_company_currency',
            states={
                'invisible': ~Eval('crm_customer_type'),
                },
            help="The approved deals' amount not received yet."),
        'get_crm_receivable')
    crm_company_currency = fields.Function(fields.Many2One(
            'currency.currency', "Company Currency"),
        'get_crm_company_currency')

    @classmethod
    def get_crm_company_currency(cls, parties, name):
        Company = Pool().get('company.company')
        company_id = context_company()
        currency = Company(company_id).currency.id if company_id else None
        return {p.id: currency for p in parties}

    @classmethod
    def get_crm_receivable(cls, parties, name):
        """Sum over the approved deals, in the company currency: one query
        for the amounts and one for the receipts, whatever the count"""
        pool = Pool()
        Sale = pool.get('sale.sale')
        Receipt = pool.get('crm.deal.receipt')
        Company = pool.get('company.company')
        Currency = pool.get('currency.currency')
        sale = Sale.__table__()
        receipt = Receipt.__table__()
        cursor = Transaction().connection.cursor()
        company_id = context_company()
        result = dict.fromkeys(map(int, parties), Decimal(0))
        if not company_id:
            return result
        company = Company(company_id)
        totals = defaultdict(Decimal)
        approved = sale.state.in_(sorted(APPROVED_STATES))
        for sub_ids in grouped_slice(list(result), backend.MAX_QUERY_PARAMS):
            where = (SQL_OPERATORS['in'](sale.party, sub_ids) & approved
                & (sale.company == company.id))
            cursor.execute(*sale.select(
                    sale.party, sale.currency,
                    Sum(sale.total_amount_cache),
                    where=where & (sale.total_amount_cache != Null),
                    group_by=[sale.party, sale.currency]))
            for party, currency, amount in cursor:
                totals[party, currency] += Decimal(str(amount or 0))
            cursor.execute(*receipt.join(
                    sale, condition=receipt.deal == sale.id).select(
                    sale.party, sale.currency, Sum(receipt.amount),
                    where=where,
                    group_by=[sale.party, sale.currency]))
            for party, currency, amount in cursor:
                totals[party, currency] -= Decimal(str(amount or 0))
        for (party, currency_id), amount in totals.items():
            if currency_id != company.currency.id:
                amount = Currency.compute(
                    Currency(currency_id), amount, company.currency)
            result[party] += amount
        return {k: company.currency.round(v) for k, v in result.items()}
