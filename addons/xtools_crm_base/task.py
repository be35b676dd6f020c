"""Tasks (待办任务, SPEC B8): planned items with an assignee and a due date.

Tasks are mostly about a customer and then follow its visibility; a task
without customer (one given to oneself or to a colleague from the
workbench) is personal: see followup.OptionalCustomerMixin."""
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import And, Bool, Date, Eval, If
from trytond.transaction import Transaction

from .access import readable_ids
from .boolean_search import boolean_domain
from .exceptions import TaskAssigneeError, TaskLateReasonError
from .followup import FollowupCustomerMixin, OptionalCustomerMixin
from .linear_browse import LinearBrowse
from .selection_labels import SelectionLabels

STATES = [
    ('open', "Open"),
    ('done', "Done"),
    ('cancelled', "Cancelled"),
    ]


class Task(
        LinearBrowse, SelectionLabels, OptionalCustomerMixin,
        FollowupCustomerMixin, Workflow, ModelSQL, ModelView):
    "Task (待办任务)"
    __name__ = 'crm.task'
    __string__ = "Task"
    _rec_name = 'subject'
    _crm_followup_fields = {'due_date', 'state'}

    _readonly = {'readonly': Eval('state') != 'open'}

    subject = fields.Char(
        "Subject", required=True, states=_readonly,
        help="What is to be done, in a few words.")
    customer = fields.Many2One(
        'party.party', "Customer", ondelete='CASCADE',
        domain=[('crm_customer_type', '!=', None)], states=_readonly,
        help="Leave empty for a task that concerns no customer.")
    contact = fields.Many2One(
        'crm.contact', "Contact", ondelete='SET NULL',
        domain=[('customer', '=', Eval('customer', -1))],
        states={
            'readonly': _readonly['readonly'],
            'invisible': ~Eval('customer'),
            })
    description = fields.Text("Description", states=_readonly)
    assignee = fields.Many2One(
        'res.user', "Assignee", required=True, ondelete='RESTRICT',
        states=_readonly, help="Who is to do the task.")
    due_date = fields.Date("Due Date", required=True, states=_readonly)
    due_time = fields.Time("Due Time", states=_readonly)
    state = fields.Selection(
        STATES, "State", required=True, readonly=True, sort=False)
    done_date = fields.Date(
        "Done On", readonly=True,
        states={'invisible': Eval('state') != 'done'})
    late_reason = fields.Text(
        "Late Reason",
        states={
            'readonly': Eval('state') != 'open',
            'invisible': ~(Bool(Eval('late_reason'))
                | And(Eval('state') == 'open',
                    Eval('due_date', Date()) < Date())),
            },
        help="Why the task was not done in time, and what happens next. "
        "Required to mark an overdue task as done.")
    activity = fields.Many2One(
        'crm.activity', "Proposed by", readonly=True, ondelete='SET NULL',
        help="The activity after which the task was planned.")
    overdue = fields.Function(
        fields.Boolean("Overdue"), 'get_overdue', searcher='search_overdue')

    del _readonly

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.customer, Index.Equality())),
                Index(
                    t,
                    (t.assignee, Index.Equality()),
                    (t.due_date, Index.Range()),
                    where=t.state == 'open'),
                })
        cls._order = [
            ('due_date', 'ASC'),
            ('due_time', 'ASC NULLS FIRST'),
            ('id', 'ASC'),
            ]
        cls._transitions |= {
            ('open', 'done'),
            ('open', 'cancelled'),
            ('done', 'open'),
            ('cancelled', 'open'),
            }
        cls._buttons.update({
                'done': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                'reopen': {
                    'invisible': Eval('state') == 'open',
                    'icon': 'tryton-undo',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'open'

    @classmethod
    def default_assignee(cls):
        return Transaction().user or None

    @classmethod
    def default_due_date(cls):
        return Pool().get('ir.date').today()

    @fields.depends(
        'customer', '_parent_customer.id',
        'contact', '_parent_contact.customer')
    def on_change_customer(self):
        if self.contact and self.contact.customer != self.customer:
            self.contact = None

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual',
                If(And(Eval('state') == 'open',
                        Eval('due_date', Date()) < Date()),
                    'danger',
                    If(Eval('state') != 'open', 'muted', ''))),
            ]

    @classmethod
    def get_overdue(cls, tasks, name):
        today = Pool().get('ir.date').today()
        return {t.id: t.state == 'open' and t.due_date < today for t in tasks}

    @classmethod
    def search_overdue(cls, name, clause):
        today = Pool().get('ir.date').today()
        return boolean_domain(clause,
            [('state', '=', 'open'), ('due_date', '<', today)],
            ['OR', ('state', '!=', 'open'), ('due_date', '>=', today)])

    @classmethod
    def validate_fields(cls, tasks, field_names):
        super().validate_fields(tasks, field_names)
        cls.check_late_reason(tasks, field_names)
        cls.check_assignee(tasks, field_names)

    @classmethod
    def check_assignee(cls, tasks, field_names=None):
        """The assignee of a customer's task sees the customer: else the
        task would be invisible to them (and its reminders tell them what
        they may not see)."""
        if field_names and not field_names & {'assignee', 'customer'}:
            return
        by_assignee = {}
        for task in tasks:
            if task.customer and task.state == 'open':
                by_assignee.setdefault(task.assignee, []).append(task)
        for assignee, assigned in by_assignee.items():
            customers = {t.customer.id for t in assigned}
            hidden = customers - readable_ids(
                assignee.id, 'party.party', customers)
            if hidden:
                task = next(t for t in assigned if t.customer.id in hidden)
                raise TaskAssigneeError(gettext(
                        'xtools_crm_base.msg_task_assignee_cannot_see',
                        task=task.rec_name, user=assignee.rec_name,
                        customer=task.customer.rec_name))

    @classmethod
    def check_late_reason(cls, tasks, field_names=None):
        "没有按期完成的，须说明原由: a task done after its due date says why"
        if field_names and not field_names & {
                'state', 'done_date', 'due_date', 'late_reason'}:
            return
        today = Pool().get('ir.date').today()
        for task in tasks:
            if task.state == 'done':
                task._check_late_reason(task.done_date or today)

    def _check_late_reason(self, done_date):
        if (done_date and self.due_date and done_date > self.due_date
                and not (self.late_reason or '').strip()):
            lang = Pool().get('ir.lang').get()
            raise TaskLateReasonError(gettext(
                    'xtools_crm_base.msg_task_late_reason',
                    task=self.rec_name,
                    due_date=lang.strftime(self.due_date)))

    @classmethod
    def copy(cls, tasks, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('done_date', None)
        default.setdefault('late_reason', None)
        default.setdefault('activity', None)
        return super().copy(tasks, default=default)

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def done(cls, tasks):
        today = Pool().get('ir.date').today()
        # Checked before anything is written; validation checks it again
        # for any other way of setting the state.
        for task in tasks:
            task._check_late_reason(today)
        cls.write(tasks, {'done_date': today})

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, tasks):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    def reopen(cls, tasks):
        cls.write(tasks, {'done_date': None})

    @classmethod
    def create_for_activities(cls, activities):
        "Plan the next follow-up proposed by the activities (see activity)"
        return cls.create([{
                    'subject': a.next_task_subject or a.proposed_subject(),
                    'customer': a.customer.id,
                    'contact': a.contact.id if a.contact else None,
                    'assignee': a.author.id,
                    'due_date': a.next_task_date,
                    'activity': a.id,
                    } for a in activities])
