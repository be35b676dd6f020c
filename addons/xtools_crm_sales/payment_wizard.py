"""The payment plan wizard offered on a deal (智能新建回款计划) and the batch
receipt of selected plans (批量收款)."""
import datetime as dt
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from xtools_crm_base.access import CheckedWizardMixin

from .payment import RECEIPT_METHODS, format_amount, split_amount
from .exceptions import BatchReceiptError, PlanWizardError

PLAN_MODES = [
    ('single', "One Payment"),
    ('installments', "Installments"),
    ]


class CreatePlanStart(ModelView):
    "Create Payment Plan"
    __name__ = 'crm.payment.plan.create.start'
    __string__ = "Create Payment Plan"

    deal = fields.Many2One('sale.sale', "Deal", readonly=True)
    currency = fields.Many2One('currency.currency', "Currency", readonly=True)
    amount = Monetary(
        "Deal Amount", currency='currency', digits='currency', readonly=True)
    mode = fields.Selection(PLAN_MODES, "Plan", required=True)
    start_date = fields.Date(
        "Start Date", required=True,
        help="The installments fall due so many days after this date.")
    lines = fields.One2Many(
        'crm.payment.plan.create.line', None, "Installments",
        states={
            'readonly': Eval('mode') == 'single',
            })

    @fields.depends('mode', 'start_date', 'lines')
    def on_change_mode(self):
        self.lines = self._default_lines()

    @fields.depends('mode', 'start_date', 'lines')
    def on_change_start_date(self):
        self.lines = self._default_lines()

    @fields.depends('mode', 'start_date')
    def _default_lines(self):
        "One payment on the start date, or the default installments"
        pool = Pool()
        Default = pool.get('crm.payment.plan.default')
        Line = pool.get('crm.payment.plan.create.line')
        start = self.start_date or pool.get('ir.date').today()
        if self.mode == 'installments':
            return [Line(
                    name=d.name, percentage=d.percentage,
                    due_date=start + dt.timedelta(days=d.days))
                for d in Default.search([])]
        return [Line(
                name=gettext('xtools_crm_sales.msg_plan_single_name'),
                percentage=Decimal(100), due_date=start)]


class CreatePlanLine(ModelView):
    "Create Payment Plan Installment"
    __name__ = 'crm.payment.plan.create.line'
    __string__ = "Payment Plan Installment"

    name = fields.Char("Installment", required=True)
    percentage = fields.Numeric(
        "Percentage", digits=(16, 2), required=True)
    due_date = fields.Date("Due Date", required=True)


class CreatePlan(CheckedWizardMixin, Wizard):
    "Create Payment Plan"
    __name__ = 'crm.payment.plan.create'
    _state_access = {'create_': 'write'}

    start = StateView(
        'crm.payment.plan.create.start',
        'xtools_crm_sales.payment_plan_create_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Create", 'create_', 'tryton-ok', default=True),
            ])
    create_ = StateTransition()

    def default_start(self, fields):
        pool = Pool()
        Date = pool.get('ir.date')
        Start = pool.get('crm.payment.plan.create.start')
        deal = self.record
        start = Start(
            mode='single', start_date=deal.sale_date or Date.today())
        return {
            'deal': deal.id,
            'currency': deal.currency.id,
            'amount': deal.total_amount,
            'mode': start.mode,
            'start_date': start.start_date,
            'lines': [{
                    'name': l.name,
                    'percentage': l.percentage,
                    'due_date': l.due_date,
                    } for l in start._default_lines()],
            }

    def transition_create_(self):
        Plan = Pool().get('crm.payment.plan')
        deal = self.record
        if deal.crm_payment_plans:
            raise PlanWizardError(gettext(
                    'xtools_crm_sales.msg_plan_wizard_existing',
                    deal=deal.rec_name))
        if not deal.total_amount or deal.total_amount <= 0:
            raise PlanWizardError(gettext(
                    'xtools_crm_sales.msg_plan_wizard_no_amount',
                    deal=deal.rec_name))
        lines = list(self.start.lines)
        percentages = [l.percentage or 0 for l in lines]
        if not lines or sum(percentages) != 100 or min(percentages) <= 0:
            raise PlanWizardError(gettext(
                    'xtools_crm_sales.msg_plan_wizard_percentages',
                    total=sum(percentages)))
        amounts = split_amount(deal.total_amount, percentages, deal.currency)
        with check_access():
            Plan.create([{
                        'deal': deal.id,
                        'name': l.name,
                        'due_date': l.due_date,
                        'amount': amount,
                        } for l, amount in zip(lines, amounts)])
        return 'end'


class BatchReceiptStart(ModelView):
    "Batch Receipt"
    __name__ = 'crm.payment.plan.batch_receipt.start'
    __string__ = "Batch Receipt"

    date = fields.Date("Date", required=True)
    method = fields.Selection(RECEIPT_METHODS, "Method", required=True)
    count = fields.Integer("Plans", readonly=True)
    note = fields.Text("Note")


class BatchReceipt(CheckedWizardMixin, Wizard):
    """Receive the selected plans in full, one receipt each, for the deal's
    owner (批量收款: never a part of a plan)"""
    __name__ = 'crm.payment.plan.batch_receipt'
    # Finance reads the plans; the receipts are created with the user's
    # access checks (who may record a receipt)
    _state_access = {'receive': 'read'}

    start = StateView(
        'crm.payment.plan.batch_receipt.start',
        'xtools_crm_sales.payment_plan_batch_receipt_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Receive", 'receive', 'tryton-ok', default=True),
            ])
    receive = StateTransition()

    def default_start(self, fields):
        Date = Pool().get('ir.date')
        return {
            'date': Date.today(),
            'method': 'transfer',
            'count': len(self.records),
            }

    def transition_receive(self):
        for plan in self.records:
            if plan.remaining_amount <= 0:
                raise BatchReceiptError(gettext(
                        'xtools_crm_sales.msg_batch_receipt_received',
                        plan=plan.rec_name,
                        amount=format_amount(plan.amount, plan.currency)))
        with check_access():
            self._create_receipts()
        return 'end'

    def _create_receipts(self):
        Receipt = Pool().get('crm.deal.receipt')
        Receipt.create([{
                    'deal': plan.deal.id,
                    'plan': plan.id,
                    'date': self.start.date,
                    'method': self.start.method,
                    'amount': plan.remaining_amount,
                    'owner': (plan.deal.crm_owner or plan.deal.create_uid).id,
                    'note': self.start.note,
                    } for plan in self.records])

