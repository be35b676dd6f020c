"""Fapiao records (开票记录, SPEC S6): the VAT invoices issued for a deal,
recorded by finance once the deal is approved. They record paper (or
electronic) fapiao, not Tryton's accounting invoices."""
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool, PoolMeta

from .deal import APPROVED_STATES
from .payment import FinanceRecordMixin, _sum_by, format_amount
from .exceptions import FapiaoError, FapiaoNotApprovedError

FAPIAO_TYPES = [
    ('special', "Special VAT Fapiao"),
    ('normal', "Normal VAT Fapiao"),
    ]


class Fapiao(FinanceRecordMixin, ModelSQL, ModelView):
    "Fapiao Record"
    __name__ = 'crm.deal.fapiao'
    __string__ = "Fapiao Record"
    _rec_name = 'number'

    deal = fields.Many2One(
        'sale.sale', "Deal", required=True, ondelete='RESTRICT',
        help="An approved contract or order.")
    number = fields.Char("Number", required=True)
    type = fields.Selection(FAPIAO_TYPES, "Type", required=True)

    @classmethod
    def default_type(cls):
        return 'normal'

    @fields.depends('deal', '_parent_deal.currency')
    def on_change_with_currency(self, name=None):
        return self.deal.currency if self.deal else None

    @fields.depends('deal', '_parent_deal.party')
    def on_change_deal(self):
        self.customer = self.deal.party if self.deal else None

    @classmethod
    def validate_fields(cls, fapiaos, field_names):
        super().validate_fields(fapiaos, field_names)
        cls.check_fapiaos(fapiaos, field_names)

    @classmethod
    def check_fapiaos(cls, fapiaos, field_names=None):
        if field_names and not field_names & {'deal', 'amount'}:
            return
        for fapiao in fapiaos:
            deal = fapiao.deal
            if deal.state not in APPROVED_STATES:
                raise FapiaoNotApprovedError(gettext(
                        'xtools_crm_sales.msg_fapiao_not_approved',
                        deal=deal.rec_name))
            if fapiao.amount is None or fapiao.amount <= 0:
                raise FapiaoError(gettext(
                        'xtools_crm_sales.msg_fapiao_amount_positive',
                        number=fapiao.number))
        Sale = Pool().get('sale.sale')
        for deal in Sale.browse({f.deal for f in fapiaos}):
            if deal.crm_invoiced_amount > deal.total_amount:
                raise FapiaoError(gettext(
                        'xtools_crm_sales.msg_fapiao_exceeds',
                        deal=deal.rec_name,
                        amount=format_amount(deal.total_amount, deal.currency),
                        invoiced=format_amount(
                            deal.crm_invoiced_amount, deal.currency)))


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    crm_fapiaos = fields.One2Many(
        'crm.deal.fapiao', 'deal', "Fapiao Records", readonly=True)
    crm_invoiced_amount = fields.Function(Monetary(
            "Invoiced", currency='currency', digits='currency',
            help="The total of the fapiao records."),
        'get_crm_invoiced_amount')

    @classmethod
    def get_crm_invoiced_amount(cls, sales, name):
        Fapiao = Pool().get('crm.deal.fapiao')
        fapiao = Fapiao.__table__()
        totals = _sum_by(
            fapiao, fapiao.deal, fapiao.amount, [s.id for s in sales])
        return {s.id: s.currency.round(totals[s.id]) for s in sales}

    @classmethod
    def copy(cls, sales, default=None):
        default = default.copy() if default else {}
        default.setdefault('crm_fapiaos')
        return super().copy(sales, default=default)
