"""Refunds of returns (对应退款, SPEC S8), recorded by finance while the
return is in progress, never beyond its amount; the return closes itself
once refunded and received back."""
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

from .payment import RECEIPT_METHODS, FinanceRecordMixin, format_amount
from .exceptions import ReturnAccessError, ReturnError


class Refund(FinanceRecordMixin, ModelSQL, ModelView):
    "Deal Refund"
    __name__ = 'crm.deal.refund'
    __string__ = "Refund"

    document = fields.Many2One(
        'crm.deal.return', "Return", required=True, ondelete='CASCADE')
    method = fields.Selection(RECEIPT_METHODS, "Method", required=True)
    _deal_field = 'document'

    @classmethod
    def _deal_of(cls, value):
        return Pool().get('crm.deal.return')(value).deal

    @property
    def finance_deal(self):
        return self.document.deal

    @classmethod
    def default_method(cls):
        return 'transfer'

    @fields.depends('document', '_parent_document.deal')
    def on_change_document(self):
        self.customer = (
            self.document.deal.party
            if self.document and self.document.deal else None)

    @fields.depends('document', '_parent_document.currency')
    def on_change_with_currency(self, name=None):
        return self.document.currency if self.document else None

    @classmethod
    def check_modification(cls, mode, refunds, values=None, external=False):
        super().check_modification(
            mode, refunds, values=values, external=external)
        if (mode == 'delete'
                and Transaction().context.get('_crm_return_revoke')):
            return
        for refund in refunds:
            if refund.document.state != 'processing':
                raise ReturnAccessError(gettext(
                        'xtools_crm_sales.msg_refund_not_processing',
                        return_=refund.document.rec_name))

    @classmethod
    def validate_fields(cls, refunds, field_names):
        super().validate_fields(refunds, field_names)
        if field_names and not field_names & {'document', 'amount'}:
            return
        for refund in refunds:
            if refund.amount is None or refund.amount <= 0:
                raise ReturnError(gettext(
                        'xtools_crm_sales.msg_refund_amount_positive',
                        return_=refund.document.rec_name))
        Return = Pool().get('crm.deal.return')
        for return_ in Return.browse({r.document for r in refunds}):
            if return_.refunded_amount > return_.amount:
                raise ReturnError(gettext(
                        'xtools_crm_sales.msg_refund_exceeds',
                        return_=return_.rec_name,
                        amount=format_amount(
                            return_.amount, return_.currency),
                        refunded=format_amount(
                            return_.refunded_amount, return_.currency)))

    @classmethod
    def on_modification(cls, mode, refunds, field_names=None):
        super().on_modification(mode, refunds, field_names=field_names)
        if mode in {'create', 'write'}:
            Return = Pool().get('crm.deal.return')
            Return.check_complete(Return.browse({r.document for r in refunds}))
