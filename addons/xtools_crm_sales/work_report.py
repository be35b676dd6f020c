"""The sales facts of the work reports (SPEC B9): the deals the author
signed (approved) and the payments received on the author's deals in the
period, extending the provider hook of xtools_crm_base's work reports
(crm_work_facts). Amounts are in the company's currency."""
from decimal import Decimal

from trytond.pool import Pool, PoolMeta

from xtools_crm_base.work_report import detail

from .deal import APPROVED_STATES
from .payment import format_amount

FACT_KINDS = [
    ('deals_signed', "Deals Signed"),
    ('payments', "Payments Received"),
    ]


def _in_company_currency(amount, currency, company):
    Currency = Pool().get('currency.currency')
    if amount is None:
        return Decimal(0)
    if currency == company.currency:
        return amount
    return Currency.compute(currency, amount, company.currency, round=True)


class WorkReport(metaclass=PoolMeta):
    __name__ = 'crm.work.report'

    @classmethod
    def crm_work_facts(cls, author, company, start, end):
        return super().crm_work_facts(author, company, start, end) + [
            cls._fact_deals_signed(author, company, start, end),
            cls._fact_payments(author, company, start, end),
            ]

    @classmethod
    def _fact_deals_signed(cls, author, company, start, end):
        Sale = Pool().get('sale.sale')
        deals = Sale.search([
                ('company', '=', company.id),
                ('crm_owner', '=', author.id),
                ('state', 'in', sorted(APPROVED_STATES)),
                ('crm_approval_date', '>=', start),
                ('crm_approval_date', '<=', end),
                ], order=[('crm_approval_date', 'ASC'), ('id', 'ASC')])
        amounts = [_in_company_currency(d.total_amount, d.currency, company)
            for d in deals]
        return {
            'kind': 'deals_signed',
            'count': len(deals),
            'amount': sum(amounts, Decimal(0)),
            'detail': detail(
                f'{d.number or d.id} {d.party.rec_name} '
                f'{format_amount(a, company.currency)}'
                for d, a in zip(deals, amounts)
                if cls.describable(author, d.party)),
            }

    @classmethod
    def _fact_payments(cls, author, company, start, end):
        Receipt = Pool().get('crm.deal.receipt')
        receipts = Receipt.search([
                ('deal.company', '=', company.id),
                ('owner', '=', author.id),
                ('date', '>=', start),
                ('date', '<=', end),
                ], order=[('date', 'ASC'), ('id', 'ASC')])
        amounts = [
            _in_company_currency(r.amount, r.currency, company)
            for r in receipts]
        return {
            'kind': 'payments',
            'count': len(receipts),
            'amount': sum(amounts, Decimal(0)),
            'detail': detail(
                f'{r.date:%m-%d} {r.customer.rec_name} '
                f'{format_amount(a, company.currency)}'
                for r, a in zip(receipts, amounts)
                if cls.describable(author, r.customer)),
            }


class WorkReportFact(metaclass=PoolMeta):
    __name__ = 'crm.work.report.fact'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.kind.selection += FACT_KINDS
