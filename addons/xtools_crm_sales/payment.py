"""Payment plans (回款计划), SPEC S6; receipts are in payment_receipt.py.

Receivable = deal amount − received. A deal's plans always total its amount
(what a plan wizard generates from percentages puts the rounding difference
on the last installment); receipts are recorded by finance on approved deals
only, pay a plan fully or partly (未收 / 部分已收 / 已收), or no plan at all,
and never beyond the plan or the deal. A plan received even in part is
frozen. These are the CRM's records of money received, not Tryton's
accounting (invoices and moves are left to the accounting modules).
"""
from collections import defaultdict
from decimal import Decimal

from sql.aggregate import Sum

from trytond import backend
from trytond.i18n import gettext
from trytond.model import (
    ModelSQL, ModelView, fields, sequence_ordered)
from trytond.model.fields import SQL_OPERATORS
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from xtools_crm_base.access import ButtonAccessMixin

from .exceptions import (
    PlanLockedError, PlanSumError, ReceiptError)

PLAN_STATES = [
    ('unpaid', "Unpaid"),
    ('partial', "Partly Received"),
    ('paid', "Received"),
    ]
RECEIPT_METHODS = [
    ('transfer', "Bank Transfer"),
    ('cash', "Cash"),
    ('cheque', "Cheque"),
    ('bill', "Acceptance Bill"),
    ('online', "Alipay / WeChat Pay"),
    ('other', "Other"),
    ]
# Set while a deal is saved: its plans are checked together at the end
_DEAL_SAVE = '_crm_deal_plans_saved_with_deal'


def split_amount(amount, percentages, currency):
    """Split amount by percentages (summing to 100), each part rounded with
    the currency; the last part takes the rounding difference so that the
    parts add up to amount exactly."""
    parts = [currency.round(amount * Decimal(p) / 100)
        for p in percentages[:-1]]
    return parts + [amount - sum(parts, Decimal(0))]


def format_amount(amount, currency):
    Lang = Pool().get('ir.lang')
    return Lang.get().currency(amount, currency, grouping=True)


class FinanceRecordMixin:
    """Money records of a deal kept by finance (receipts, fapiao, refunds).

    They store their deal's customer and reach the data permissions through
    it (``__access__``): the customer has no access rights of its own, so
    only the record's own rights count, and finance — not the salespeople
    who may create deals — records them. Name the field leading to the deal
    in _deal_field and the deal's path from the record in _deal_path."""
    __slots__ = ()
    _deal_field = 'deal'

    customer = fields.Many2One(
        'party.party', "Customer", required=True, readonly=True,
        ondelete='RESTRICT')
    date = fields.Date("Date", required=True)
    amount = Monetary(
        "Amount", currency='currency', digits='currency', required=True)
    # Each record answers on_change_with_currency from its deal
    currency = fields.Function(fields.Many2One(
            'currency.currency', "Currency"), 'on_change_with_currency')
    note = fields.Text("Note")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('customer')
        cls._order = [
            ('date', 'DESC'),
            ('id', 'DESC'),
            ]

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def _deal_of(cls, value):
        "The deal of the id given in the _deal_field"
        return Pool().get('sale.sale')(value)

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get(cls._deal_field):
            deal = cls._deal_of(values[cls._deal_field])
            values['customer'] = deal.party.id
        return values

    @property
    def finance_deal(self):
        return self.deal

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        if field_names and not field_names & {cls._deal_field, 'customer'}:
            return
        for record in records:
            if record.customer != record.finance_deal.party:
                raise ReceiptError(gettext(
                        'xtools_crm_sales.msg_record_customer_mismatch',
                        record=record.rec_name,
                        deal=record.finance_deal.rec_name))


def _sum_by(table, key, value, ids, where=None):
    "{key: sum(value)} for key in ids, by SQL"
    cursor = Transaction().connection.cursor()
    result = defaultdict(Decimal)
    for sub_ids in grouped_slice(list(ids), backend.MAX_QUERY_PARAMS):
        condition = SQL_OPERATORS['in'](key, sub_ids)
        if where is not None:
            condition &= where
        cursor.execute(*table.select(
                key, Sum(value), where=condition, group_by=[key]))
        for id_, total in cursor:
            # SQLite returns floats or strings for sums of numerics
            result[id_] = Decimal(str(total or 0))
    return result


class PaymentPlan(ButtonAccessMixin, ModelSQL, ModelView):
    "Payment Plan"
    __name__ = 'crm.payment.plan'
    __string__ = "Payment Plan"
    _rec_name = 'name'

    deal = fields.Many2One(
        'sale.sale', "Deal", required=True, ondelete='CASCADE',
        states={
            'readonly': (Eval('state') != 'unpaid') | Eval('receipts', [0]),
            })
    name = fields.Char(
        "Installment", required=True,
        states={
            'readonly': Eval('state') != 'unpaid',
            })
    due_date = fields.Date(
        "Due Date", required=True,
        states={
            'readonly': Eval('state') != 'unpaid',
            })
    amount = Monetary(
        "Amount", currency='currency', digits='currency', required=True,
        domain=[('amount', '>', 0)],
        states={
            'readonly': Eval('state') != 'unpaid',
            })
    currency = fields.Function(fields.Many2One(
            'currency.currency', "Currency"), 'on_change_with_currency')
    received_amount = fields.Function(Monetary(
            "Received", currency='currency', digits='currency'),
        'get_amounts')
    remaining_amount = fields.Function(Monetary(
            "Remaining", currency='currency', digits='currency'),
        'get_amounts')
    state = fields.Selection(
        PLAN_STATES, "Status", readonly=True, required=True, sort=False)
    receipts = fields.One2Many(
        'crm.deal.receipt', 'plan', "Receipts", readonly=True)
    customer = fields.Function(fields.Many2One(
            'party.party', "Customer"),
        'on_change_with_customer', searcher='search_customer')
    owner = fields.Function(fields.Many2One(
            'res.user', "Owner"),
        'on_change_with_owner', searcher='search_owner')
    note = fields.Text("Note")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('deal')
        cls._order = [
            ('due_date', 'ASC'),
            ('id', 'ASC'),
            ]
        # Opens the batch receipt wizard, for finance who reads the plans
        cls._button_access.update({'batch_receipt': 'read'})
        cls._buttons.update({
                'batch_receipt': {
                    'invisible': Eval('state') == 'paid',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'unpaid'

    @fields.depends('deal', '_parent_deal.currency')
    def on_change_with_currency(self, name=None):
        return self.deal.currency if self.deal else None

    @fields.depends('deal', '_parent_deal.party')
    def on_change_with_customer(self, name=None):
        return self.deal.party if self.deal else None

    @classmethod
    def search_customer(cls, name, clause):
        return [('deal.party' + clause[0][len(name):], *clause[1:])]

    @fields.depends('deal', '_parent_deal.crm_owner')
    def on_change_with_owner(self, name=None):
        return self.deal.crm_owner if self.deal else None

    @classmethod
    def search_owner(cls, name, clause):
        return [('deal.crm_owner' + clause[0][len(name):], *clause[1:])]

    @classmethod
    def get_amounts(cls, plans, names):
        Receipt = Pool().get('crm.deal.receipt')
        receipt = Receipt.__table__()
        received = _sum_by(
            receipt, receipt.plan, receipt.amount, [p.id for p in plans])
        result = {'received_amount': {}, 'remaining_amount': {}}
        for plan in plans:
            amount = plan.currency.round(received[plan.id])
            result['received_amount'][plan.id] = amount
            result['remaining_amount'][plan.id] = (plan.amount or 0) - amount
        return {n: result[n] for n in names}

    def get_rec_name(self, name):
        return f'{self.deal.rec_name} / {self.name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        bool_op = 'AND' if operator.startswith('!') or operator.startswith(
            'not ') else 'OR'
        return [bool_op,
            ('name', operator, operand, *extra),
            ('deal.rec_name', operator, operand, *extra),
            ]

    @classmethod
    def check_modification(cls, mode, plans, values=None, external=False):
        super().check_modification(
            mode, plans, values=values, external=external)
        if mode == 'write' and set(values) - {'state'}:
            for plan in plans:
                if plan.state != 'unpaid':
                    raise PlanLockedError(gettext(
                            'xtools_crm_sales.msg_plan_received_locked',
                            plan=plan.rec_name))
        elif mode == 'delete':
            for plan in plans:
                if plan.state != 'unpaid':
                    raise PlanLockedError(gettext(
                            'xtools_crm_sales.msg_plan_received_delete',
                            plan=plan.rec_name))

    @classmethod
    def validate_fields(cls, plans, field_names):
        super().validate_fields(plans, field_names)
        if not field_names or field_names & {'deal', 'amount'}:
            cls._check_deals(plans)

    @classmethod
    def _check_deals(cls, plans):
        if Transaction().context.get(_DEAL_SAVE):
            # The deal checks its plans once all are saved
            return
        Sale = Pool().get('sale.sale')
        Sale.crm_check_payment_plans(Sale.browse({p.deal for p in plans}))

    @classmethod
    def on_write(cls, plans, values):
        callbacks = super().on_write(plans, values)
        if 'deal' in values:
            # The deal a plan leaves must still add up
            deals = {p.deal.id for p in plans}
            callbacks.append(lambda: cls._check_deal_ids(deals))
        return callbacks

    @classmethod
    def on_delete(cls, plans):
        callbacks = super().on_delete(plans)
        deals = {p.deal.id for p in plans}
        callbacks.append(lambda: cls._check_deal_ids(deals))
        return callbacks

    @classmethod
    def _check_deal_ids(cls, deal_ids):
        if Transaction().context.get(_DEAL_SAVE):
            return
        Sale = Pool().get('sale.sale')
        with Transaction().set_context(_check_access=False):
            deals = Sale.search([('id', 'in', list(deal_ids))])
        Sale.crm_check_payment_plans(deals)

    @classmethod
    def update_state(cls, plans):
        "Follow the receipts: 未收 / 部分已收 / 已收"
        to_write = defaultdict(list)
        for plan in cls.browse(plans):
            received = plan.received_amount
            if received <= 0:
                state = 'unpaid'
            elif received < plan.amount:
                state = 'partial'
            else:
                state = 'paid'
            if plan.state != state:
                to_write[state].append(plan)
        if to_write:
            with Transaction().set_context(_check_access=False):
                cls.write(*(x for state, plans in to_write.items()
                        for x in (plans, {'state': state})))

    @classmethod
    @ModelView.button_action('xtools_crm_sales.wizard_batch_receipt')
    def batch_receipt(cls, plans):
        pass

    @classmethod
    def copy(cls, plans, default=None):
        default = default.copy() if default else {}
        default.setdefault('state', cls.default_state())
        default.setdefault('receipts')
        return super().copy(plans, default=default)


class PaymentPlanDefault(sequence_ordered(), ModelSQL, ModelView):
    "Default Installment"
    __name__ = 'crm.payment.plan.default'
    __string__ = "Default Installment"

    name = fields.Char("Installment", required=True, translate=True)
    percentage = fields.Numeric(
        "Percentage", digits=(16, 2), required=True,
        domain=[
            ('percentage', '>', 0),
            ('percentage', '<=', 100),
            ])
    days = fields.Integer(
        "Days after the Deal Date", required=True,
        domain=[('days', '>=', 0)])

    @classmethod
    def default_days(cls):
        return 0


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    crm_payment_plans = fields.One2Many(
        'crm.payment.plan', 'deal', "Payment Plans",
        states={
            'readonly': Eval('state') == 'cancelled',
            })

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'crm_create_payment_plan': {
                    'invisible': (Eval('state') == 'cancelled')
                    | Eval('crm_payment_plans', [0]),
                    'readonly': ~Eval('lines', []),
                    'depends': ['state', 'crm_payment_plans', 'lines'],
                    },
                })

    @classmethod
    def crm_check_payment_plans(cls, sales):
        "The plans of a deal, if any, total its amount exactly"
        for sale in sales:
            plans = sale.crm_payment_plans
            if not plans:
                continue
            total = sum((p.amount or 0 for p in plans), Decimal(0))
            if total != sale.total_amount:
                raise PlanSumError(gettext(
                        'xtools_crm_sales.msg_plan_sum_mismatch',
                        deal=sale.rec_name,
                        plans=format_amount(total, sale.currency),
                        amount=format_amount(
                            sale.total_amount, sale.currency)))

    @classmethod
    def create(cls, vlist):
        # The plans given with a new deal are checked once its lines exist
        with Transaction().set_context({_DEAL_SAVE: True}):
            return super().create(vlist)

    @classmethod
    def write(cls, *args):
        # On the deal's form the plans are saved in steps (deleted, then
        # changed, then created): their total is checked when all are saved
        with Transaction().set_context({_DEAL_SAVE: True}):
            super().write(*args)

    @classmethod
    def validate_fields(cls, sales, field_names):
        super().validate_fields(sales, field_names)
        if not field_names or 'crm_payment_plans' in field_names:
            cls.crm_check_payment_plans(sales)

    def check_for_quotation(self):
        super().check_for_quotation()
        # The amount may have changed since the plans were made
        self.crm_check_payment_plans([self])

    @classmethod
    @ModelView.button_action('xtools_crm_sales.wizard_create_payment_plan')
    def crm_create_payment_plan(cls, sales):
        pass

    @classmethod
    def copy(cls, sales, default=None):
        default = default.copy() if default else {}
        default.setdefault('crm_payment_plans')
        return super().copy(sales, default=default)
