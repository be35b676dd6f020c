"""Single-level approval of deals (合同订单审批, SPEC S5).

The approval is Tryton's own sale workflow, relabelled:

    draft (未提交) --quote: submit--> quotation (待审批)
    quotation --confirm: approve--> confirmed (已审批) → processing → done
    quotation --reject (with a reason) / withdraw--> draft (已驳回 / 未提交)

Tryton creates no shipment, stock move or invoice before ``confirm``;
receipts, deliveries, fapiao records and returns check the approval
themselves, and a stock move of an unapproved deal is refused (deal.py).
Approving is reserved to the owner's manager (the manager of the owner's
department or of its parent department), a boss or a CRM administrator.
"""
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from xtools_crm_base.access import CheckedWizardMixin

from .deal import APPROVED_STATES
from .exceptions import ApprovalRightsError

APPROVAL_STATES = [
    ('draft', "Not Submitted"),
    ('submitted', "Submitted"),
    ('approved', "Approved"),
    ('rejected', "Rejected"),
    ('cancelled', "Cancelled"),
    ]


def _approval_domain(value):
    "The sale domain of one approval state"
    return {
        'draft': [
            ('state', '=', 'draft'),
            ('crm_rejection_reason', '=', None),
            ],
        'rejected': [
            ('state', '=', 'draft'),
            ('crm_rejection_reason', '!=', None),
            ],
        'submitted': [('state', '=', 'quotation')],
        'approved': [('state', 'in', sorted(APPROVED_STATES))],
        'cancelled': [('state', '=', 'cancelled')],
        }.get(value, [('id', '=', None)])


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    crm_approval_state = fields.Function(fields.Selection(
            APPROVAL_STATES, "Approval"),
        'get_crm_approval_state', searcher='search_crm_approval_state')
    crm_submitted_by = fields.Many2One(
        'res.user', "Submitted By", readonly=True, ondelete='RESTRICT')
    crm_approved_by = fields.Many2One(
        'res.user', "Approved By", readonly=True, ondelete='RESTRICT')
    crm_approval_date = fields.Date("Approval Date", readonly=True)
    crm_rejected_by = fields.Many2One(
        'res.user', "Rejected By", readonly=True, ondelete='RESTRICT')
    crm_rejection_reason = fields.Text(
        "Rejection Reason", readonly=True,
        states={
            'invisible': ~Eval('crm_rejection_reason'),
            })

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'crm_reject': {
                    'invisible': Eval('state') != 'quotation',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def get_crm_approval_state(cls, sales, name):
        result = {}
        # (the two columns only: deal_list.py)
        for id_, sale in cls.crm_columns(
                sales, ['state', 'crm_rejection_reason']).items():
            if sale['state'] == 'draft':
                result[id_] = (
                    'rejected' if sale['crm_rejection_reason'] else 'draft')
            elif sale['state'] == 'quotation':
                result[id_] = 'submitted'
            elif sale['state'] in APPROVED_STATES:
                result[id_] = 'approved'
            else:
                result[id_] = 'cancelled'
        return result

    @classmethod
    def search_crm_approval_state(cls, name, clause):
        _, operator, value = clause[:3]
        values = value if isinstance(value, (list, tuple)) else [value]
        if operator in {'!=', 'not in'}:
            values = [s for s, _ in APPROVAL_STATES if s not in values]
        elif operator not in {'=', 'in'}:
            raise NotImplementedError(operator)
        return ['OR'] + [_approval_domain(v) for v in values]

    # -- who approves --------------------------------------------------------

    def crm_may_approve(self, user):
        """Whether user may approve (or reject) the deal: a boss, a CRM
        administrator, or a manager above the owner who is not the owner."""
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        if user.id == 0:
            return True
        if user.crm_level == 'boss':
            return True
        admin = ModelData.get_id('xtools_crm_base', 'group_crm_admin')
        if admin in {g.id for g in user.groups}:
            return True
        owner = self.crm_owner
        if (not owner or owner == user or user.crm_level != 'manager'
                or not user.crm_department or not owner.crm_department):
            return False
        department = owner.crm_department
        return user.crm_department in {department, department.parent}

    @classmethod
    def check_approval_rights(cls, sales):
        User = Pool().get('res.user')
        user_id = Transaction().user
        with Transaction().set_user(0):
            user = User(user_id)
            for sale in sales:
                if not sale.crm_may_approve(user):
                    raise ApprovalRightsError(gettext(
                            'xtools_crm_sales.msg_deal_not_approver',
                            deal=sale.rec_name,
                            owner=sale.crm_owner.rec_name
                            if sale.crm_owner else '-'))

    # -- the workflow ----------------------------------------------------------

    @classmethod
    def quote(cls, sales):
        "Submit for approval (提交审批)"
        super().quote(sales)
        submitted = [s for s in sales if s.state == 'quotation']
        if submitted:
            cls.write(submitted, {
                    'crm_submitted_by': Transaction().user or None,
                    'crm_rejection_reason': None,
                    'crm_rejected_by': None,
                    })

    @classmethod
    def confirm(cls, sales):
        "Approve (审批同意)"
        Date = Pool().get('ir.date')
        cls.check_approval_rights(
            [s for s in sales if s.state == 'quotation'])
        super().confirm(sales)
        approved = [s for s in sales if s.state == 'confirmed']
        if approved:
            cls.write(approved, {
                    'crm_approved_by': Transaction().user or None,
                    'crm_approval_date': Date.today(),
                    })
            cls.on_crm_approval(approved)

    @classmethod
    def draft(cls, sales):
        "Withdraw a submission, or revoke an approval not yet executed"
        cls.check_approval_rights(
            [s for s in sales if s.state == 'confirmed'])
        super().draft(sales)

    @classmethod
    def cancel(cls, sales):
        Party = Pool().get('party.party')
        super().cancel(sales)
        # A shelved deal is no longer hot (B5)
        Party.crm_deal_shelved(list({s.party for s in sales
                    if s.state == 'cancelled'}))

    @classmethod
    @ModelView.button_action('xtools_crm_sales.wizard_deal_reject')
    def crm_reject(cls, sales):
        pass

    @classmethod
    def crm_reject_with_reason(cls, sales, reason):
        "Reject (驳回): back to draft with the approver's reason"
        sales = [s for s in sales if s.state == 'quotation']
        cls.check_approval_rights(sales)
        cls.draft(sales)
        cls.write(sales, {
                'crm_rejection_reason': reason,
                'crm_rejected_by': Transaction().user or None,
                })

    @classmethod
    def on_crm_approval(cls, sales):
        """The deals are approved: their customers' first approved deal
        makes them normal customers (B4), and the latest order date moves."""
        pool = Pool()
        Party = pool.get('party.party')
        parties = {s.party for s in sales}
        with Transaction().set_context(_check_access=False):
            previous = cls.search([
                    ('party', 'in', [p.id for p in parties]),
                    ('state', 'in', sorted(APPROVED_STATES)),
                    ('id', 'not in', [s.id for s in sales]),
                    ])
        signed_before = {s.party for s in previous}
        Party.crm_mark_signed([p for p in parties if p not in signed_before])
        latest = {}
        for sale in sales:
            if sale.sale_date and (sale.party not in latest
                    or sale.sale_date > latest[sale.party]):
                latest[sale.party] = sale.sale_date
        to_write = []
        for party, date in latest.items():
            if (party.crm_customer_type
                    and (not party.crm_latest_order_date
                        or party.crm_latest_order_date < date)):
                to_write.extend(([party], {'crm_latest_order_date': date}))
        if to_write:
            with Transaction().set_context(_check_access=False):
                Party.write(*to_write)

    @classmethod
    def copy(cls, sales, default=None):
        default = default.copy() if default else {}
        for name in ['crm_submitted_by', 'crm_approved_by',
                'crm_approval_date', 'crm_rejected_by',
                'crm_rejection_reason']:
            default.setdefault(name)
        return super().copy(sales, default=default)


class RejectStart(ModelView):
    "Reject a deal"
    __name__ = 'sale.sale.crm_reject.start'
    __string__ = "Reject Deal"

    reason = fields.Text("Reason", required=True)


class Reject(CheckedWizardMixin, Wizard):
    "Reject a deal"
    __name__ = 'sale.sale.crm_reject'
    # and the approver's rights (crm_reject_with_reason)
    _state_access = {'reject': 'write'}

    start = StateView(
        'sale.sale.crm_reject.start',
        'xtools_crm_sales.deal_reject_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Reject", 'reject', 'tryton-ok', default=True),
            ])
    reject = StateTransition()

    def transition_reject(self):
        self.model.crm_reject_with_reason(
            list(self.records), self.start.reason)
        return 'end'
