"""Activity history (行动历史, SPEC B8): what happened with a customer —
calls, visits, emails, SMS, meetings … The subject is the gist (沟通内容的
要点直接记入标题中); it becomes the customer's latest progress.

After each activity the next follow-up is planned (每次跟踪客户后，须安排
下次跟踪回访的时间和要点): the activity proposes a task, created for its
author when the activity is saved with a next task date."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .customer_related import CustomerRelatedMixin
from .dictionary import dictionary_field
from .followup import FollowupCustomerMixin
from .linear_browse import LinearBrowse


class Activity(
        LinearBrowse, CustomerRelatedMixin, FollowupCustomerMixin, ModelSQL,
        ModelView):
    "Activity (行动历史)"
    __name__ = 'crm.activity'
    __string__ = "Activity"
    _rec_name = 'subject'
    _crm_followup_fields = {'date', 'subject'}
    # When the next follow-up is proposed, after the activity's date
    next_task_delay = dt.timedelta(days=3)

    customer = fields.Many2One(
        'party.party', "Customer", required=True, ondelete='CASCADE',
        domain=[('crm_customer_type', '!=', None)])
    contact = fields.Many2One(
        'crm.contact', "Contact", ondelete='SET NULL',
        domain=[('customer', '=', Eval('customer', -1))])
    type = dictionary_field('activity_type', "Type")
    subject = fields.Char(
        "Subject", required=True,
        help="The gist of what was said or done: it shows as the "
        "customer's latest progress.")
    date = fields.Date("Date", required=True)
    description = fields.Text("Description")
    author = fields.Many2One(
        'res.user', "Author", required=True, ondelete='RESTRICT')
    next_task_date = fields.Date(
        "Next Follow-up",
        help="When to follow up: saving the activity plans a task for "
        "its author on that day.")
    next_task_subject = fields.Char(
        "Next Follow-up Subject",
        states={'invisible': ~Eval('next_task_date')})
    tasks = fields.One2Many(
        'crm.task', 'activity', "Follow-up Tasks", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(
                    t,
                    (t.customer, Index.Equality()),
                    (t.date, Index.Range(order='DESC'))),
                Index(t, (t.author, Index.Equality())),
                })
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_author(cls):
        return Transaction().user or None

    @fields.depends(
        'customer', '_parent_customer.id',
        'contact', '_parent_contact.customer')
    def on_change_customer(self):
        if self.contact and self.contact.customer != self.customer:
            self.contact = None

    @fields.depends('date')
    def on_change_date(self):
        if self.date:
            self.next_task_date = self.date + self.next_task_delay

    @fields.depends('subject', 'date', 'next_task_date', 'next_task_subject')
    def on_change_subject(self):
        if self.subject and self.date and not self.next_task_date:
            self.next_task_date = self.date + self.next_task_delay
        # Follow the subject as long as the proposal was not edited
        if (not self.next_task_subject
                or self.next_task_subject.startswith(
                    self._proposal_prefix())):
            self.next_task_subject = self.proposed_subject()

    @staticmethod
    def _proposal_prefix():
        return gettext('xtools_crm_base.msg_follow_up_subject', subject='')

    def proposed_subject(self):
        if self.subject:
            return gettext(
                'xtools_crm_base.msg_follow_up_subject', subject=self.subject)

    @classmethod
    def copy(cls, activities, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('next_task_date', None)
        return super().copy(activities, default=default)

    @classmethod
    def on_modification(cls, mode, activities, field_names=None):
        super().on_modification(mode, activities, field_names=field_names)
        if mode == 'create' or (
                mode == 'write' and 'next_task_date' in field_names):
            cls.plan_next_tasks(activities)

    @classmethod
    def plan_next_tasks(cls, activities):
        "Create the proposed follow-up task of activities that have none"
        Task = Pool().get('crm.task')
        to_plan = [a for a in activities if a.next_task_date and not a.tasks]
        if to_plan:
            Task.create_for_activities(to_plan)
