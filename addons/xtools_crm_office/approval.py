"""Internal approvals (内部审批, SPEC M3): leave (请假), travel (出差) and
expense claims (报销).

The requester writes the request and submits it. The approval chain
follows the organisation: the manager of the requester's department
approves first (the parent department's when the department has none or
the requester is its manager); an expense or a travel budget above the
amount of the CRM settings, or a request nobody manages, is approved by a
boss too. Anyone in the chain may reject it; the requester may cancel it
until it is decided.

Who reads what is in the record rules (approval.xml), on the context of
xtools_crm_base's rules: the requester always, the requester's leaders
(crm_owners: the managers of the department and of its parents) and the
bosses once it is submitted, and the approver it waits for. Peers see
nothing of each other's requests. The buttons check on the server who
presses them: Tryton checks only the read rules for a button."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from xtools_crm_base.access import ButtonAccessMixin, context_company
from xtools_crm_base.bell import notify

from .exceptions import ApprovalError, ApprovalTurnError

KINDS = [
    ('leave', "Leave"),
    ('travel', "Travel"),
    ('expense', "Expense"),
    ]
LEAVE_TYPES = [
    (None, ""),
    ('annual', "Annual Leave"),
    ('sick', "Sick Leave"),
    ('personal', "Personal Leave"),
    ('other', "Other"),
    ]
STATES = [
    ('draft', "Draft"),
    ('submitted', "Submitted"),
    ('approved', "Approved"),
    ('rejected', "Rejected"),
    ('cancelled', "Cancelled"),
    ]
STEPS = [
    (None, ""),
    ('manager', "Department Manager"),
    ('boss', "Boss"),
    ]
# Kinds whose amount may call for the boss's approval
AMOUNT_KINDS = {'travel', 'expense'}
# Written by the buttons only: a client's create or write may not set them
WORKFLOW_FIELDS = {
    'requester', 'state', 'step', 'manager', 'needs_boss',
    'manager_approved_by', 'boss_approved_by', 'decided_by', 'decided_at',
    'submitted_at'}


class Approval(ButtonAccessMixin, Workflow, ModelSQL, ModelView):
    "Internal approval (请假/出差/报销)"
    __name__ = 'crm.office.approval'
    __string__ = "Approval Request"

    _draft = {'readonly': Eval('state') != 'draft'}

    company = fields.Many2One(
        'company.company', "Company", required=True, states=_draft)
    requester = fields.Many2One(
        'res.user', "Requester", required=True, readonly=True,
        ondelete='RESTRICT')
    kind = fields.Selection(
        KINDS, "Type", required=True, sort=False, states=_draft)
    leave_type = fields.Selection(
        LEAVE_TYPES, "Leave Type", sort=False,
        states={
            'readonly': Eval('state') != 'draft',
            'invisible': Eval('kind') != 'leave',
            'required': (Eval('kind') == 'leave')
            & (Eval('state') != 'draft'),
            })
    start_date = fields.Date(
        "From", states={
            **_draft,
            'invisible': Eval('kind') == 'expense',
            })
    end_date = fields.Date(
        "To", domain=[
            ('end_date', '>=', Eval('start_date', None)),
            ], states={
            **_draft,
            'invisible': Eval('kind') == 'expense',
            })
    destination = fields.Char(
        "Destination", states={
            **_draft,
            'invisible': Eval('kind') != 'travel',
            })
    amount = fields.Numeric(
        "Amount", digits=(16, 2),
        domain=['OR', ('amount', '=', None), ('amount', '>=', 0)],
        states={
            **_draft,
            'invisible': Eval('kind') == 'leave',
            },
        help="The expense claimed, or the budget of the trip.")
    reason = fields.Text("Reason", required=True, states=_draft)
    state = fields.Selection(
        STATES, "State", required=True, readonly=True, sort=False)
    step = fields.Selection(
        STEPS, "Waiting For", readonly=True, sort=False)
    manager = fields.Many2One(
        'res.user', "Manager", readonly=True, ondelete='RESTRICT',
        help="The department manager who approves first.")
    needs_boss = fields.Boolean(
        "Boss Approves", readonly=True,
        help="Above the amount of the settings, or when no manager "
        "approves, a boss approves too.")
    manager_approved_by = fields.Many2One(
        'res.user', "Approved by Manager", readonly=True,
        ondelete='RESTRICT')
    boss_approved_by = fields.Many2One(
        'res.user', "Approved by Boss", readonly=True, ondelete='RESTRICT')
    decided_by = fields.Many2One(
        'res.user', "Decided By", readonly=True, ondelete='RESTRICT')
    decided_at = fields.DateTime("Decided At", readonly=True)
    submitted_at = fields.DateTime("Submitted At", readonly=True)

    del _draft

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.requester, Index.Equality())),
                Index(t, (t.state, Index.Equality())),
                })
        cls._order = [('create_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'submitted'),
            ('submitted', 'approved'),
            ('submitted', 'rejected'),
            ('draft', 'cancelled'),
            ('submitted', 'cancelled'),
            }
        cls._buttons.update({
                'submit': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'approve': {
                    'invisible': Eval('state') != 'submitted',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'reject': {
                    'invisible': Eval('state') != 'submitted',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'submitted']),
                    'depends': ['state'],
                    },
                })
        # The approvers do not write the request: they read it, and the
        # methods check that it is their turn
        cls._button_access.update({
                'approve': 'read', 'reject': 'read', 'cancel': 'read'})

    @classmethod
    def default_company(cls):
        return context_company()

    @classmethod
    def default_requester(cls):
        return Transaction().user or None

    @classmethod
    def default_kind(cls):
        return 'leave'

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_needs_boss(cls):
        return False

    def get_rec_name(self, name):
        kind = dict(self.fields_get(['kind'])['kind']['selection'])[
            self.kind]
        return f'{kind} {self.requester.rec_name} #{self.id}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('requester.rec_name',) + tuple(clause[1:])]

    # -- lifecycle ------------------------------------------------------------

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            user = Transaction().user
            # One asks for oneself (root, loading data, may not)
            if user or not values.get('requester'):
                values['requester'] = user
            if user or not values.get('company'):
                values['company'] = context_company()
            if user:
                for name in WORKFLOW_FIELDS - {'requester'}:
                    values.pop(name, None)
                values['state'] = 'draft'
        return values

    @classmethod
    def check_modification(cls, mode, requests, values=None, external=False):
        super().check_modification(
            mode, requests, values=values, external=external)
        if mode == 'write' and external and values.keys() & WORKFLOW_FIELDS:
            raise ApprovalError(gettext(
                    'xtools_crm_office.msg_approval_workflow_fields'))
        if mode == 'delete' or (mode == 'write' and external):
            for request in requests:
                if request.state != 'draft':
                    raise ApprovalError(gettext(
                            'xtools_crm_office.msg_approval_not_draft',
                            request=request.id))

    # -- the chain ------------------------------------------------------------

    def find_manager(self):
        """The manager who approves first: of the requester's department,
        else of its parent; never the requester"""
        department = self.requester.crm_department
        while department:
            manager = department.manager
            if manager and manager != self.requester:
                return manager
            department = department.parent
        return None

    def boss_needed(self, manager):
        Configuration = Pool().get('crm.configuration')
        if not manager:
            return True
        if self.kind in AMOUNT_KINDS:
            limit = Configuration(1).get_office_boss_amount()
            return (self.amount or 0) > limit
        return False

    def check_complete(self):
        if self.kind == 'leave' and not (
                self.leave_type and self.start_date and self.end_date):
            raise ApprovalError(gettext(
                    'xtools_crm_office.msg_approval_leave_incomplete',
                    request=self.id))
        if self.kind == 'travel' and not (
                self.start_date and self.end_date and self.destination):
            raise ApprovalError(gettext(
                    'xtools_crm_office.msg_approval_travel_incomplete',
                    request=self.id))
        if self.kind == 'expense' and not self.amount:
            raise ApprovalError(gettext(
                    'xtools_crm_office.msg_approval_expense_amount',
                    request=self.id))

    @classmethod
    def check_turn(cls, requests):
        """The calling user is the approver the requests wait for: their
        manager at the manager's step, a boss at the boss's; never the
        requester (root, the module's own code, always may)"""
        User = Pool().get('res.user')
        user_id = Transaction().user
        if not user_id:
            return
        user = User(user_id)
        for request in requests:
            if request.requester.id == user_id:
                raise ApprovalTurnError(gettext(
                        'xtools_crm_office.msg_approval_own',
                        request=request.id))
            if request.step == 'manager' and request.manager != user:
                raise ApprovalTurnError(gettext(
                        'xtools_crm_office.msg_approval_manager_turn',
                        request=request.id,
                        manager=request.manager.rec_name))
            if request.step == 'boss' and user.crm_level != 'boss':
                raise ApprovalTurnError(gettext(
                        'xtools_crm_office.msg_approval_boss_turn',
                        request=request.id))

    @classmethod
    def check_requester(cls, requests):
        user_id = Transaction().user
        for request in requests:
            if user_id and request.requester.id != user_id:
                raise ApprovalTurnError(gettext(
                        'xtools_crm_office.msg_approval_requester_only',
                        request=request.id))

    @staticmethod
    def now():
        return dt.datetime.now().replace(microsecond=0)

    # -- buttons --------------------------------------------------------------

    @classmethod
    @ModelView.button
    @Workflow.transition('submitted')
    def submit(cls, requests):
        cls.check_requester(requests)
        now = cls.now()
        for request in requests:
            request.check_complete()
            manager = request.find_manager()
            request.manager = manager
            request.needs_boss = request.boss_needed(manager)
            request.step = 'manager' if manager else 'boss'
            request.submitted_at = now
        cls.save(requests)
        cls.ring_approvers(requests)

    @classmethod
    @ModelView.button
    def approve(cls, requests):
        User = Pool().get('res.user')
        cls.check_submitted(requests)
        cls.check_turn(requests)
        user = User(Transaction().user) if Transaction().user else None
        done, to_boss = [], []
        for request in requests:
            if request.step == 'manager':
                request.manager_approved_by = user
                if request.needs_boss:
                    request.step = 'boss'
                    to_boss.append(request)
                    continue
            else:
                request.boss_approved_by = user
            done.append(request)
        cls.save(to_boss)
        cls.ring_approvers(to_boss)
        cls.decide(done, 'approved', user)

    @classmethod
    @ModelView.button
    def reject(cls, requests):
        User = Pool().get('res.user')
        cls.check_submitted(requests)
        cls.check_turn(requests)
        user = User(Transaction().user) if Transaction().user else None
        cls.decide(requests, 'rejected', user)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, requests):
        cls.check_requester(requests)
        cls.write(requests, {'step': None})

    @classmethod
    def check_submitted(cls, requests):
        for request in requests:
            if request.state != 'submitted':
                raise ApprovalTurnError(gettext(
                        'xtools_crm_office.msg_approval_not_submitted',
                        request=request.id))

    @classmethod
    @Workflow.transition('approved')
    def _approved(cls, requests):
        pass

    @classmethod
    @Workflow.transition('rejected')
    def _rejected(cls, requests):
        pass

    @classmethod
    def decide(cls, requests, state, user):
        if not requests:
            return
        for request in requests:
            request.step = None
            request.decided_by = user
            request.decided_at = cls.now()
        cls.save(requests)
        getattr(cls, f'_{state}')(requests)
        for request in requests:
            notify([request.requester],
                f'xtools_crm_office.msg_approval_bell_{state}',
                {'request': request.id}, model=cls.__name__,
                ids=[request.id])

    @classmethod
    def ring_approvers(cls, requests):
        "Ring the bell of whom each request waits for"
        User = Pool().get('res.user')
        bosses = {}
        for request in requests:
            if request.step == 'manager':
                approvers = [request.manager]
            else:
                company = request.company.id
                if company not in bosses:
                    bosses[company] = User.search([
                            ('crm_level', '=', 'boss'),
                            ('companies', '=', company),
                            ])
                approvers = [
                    b for b in bosses[company] if b != request.requester]
            notify(approvers, 'xtools_crm_office.msg_approval_bell_waiting',
                {'request': request.id,
                    'requester': request.requester.rec_name},
                model=cls.__name__, ids=[request.id])
