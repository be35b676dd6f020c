"""Training courses (培训, SPEC M3) and the customers who attend them.

A course has its dates, place and trainer; its attendees are customers
(party links, with an optional contact). An attendee line belongs to its
customer (CustomerRelatedMixin): it is read and changed by who reads and
writes the customer, so a course never shows a customer to a user who may
not see it. Courses themselves are company-wide: every CRM user reads
them; their creator and the CRM administrators change them
(training.xml)."""
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.pyson import Eval

from xtools_crm_base.access import ButtonAccessMixin, context_company
from xtools_crm_base.customer_related import CustomerRelatedMixin
from xtools_crm_base.date_range import DateRangeMixin


class Training(DateRangeMixin, ButtonAccessMixin, ModelSQL, ModelView):
    "Training course (培训)"
    __name__ = 'crm.office.training'
    __string__ = "Training Course"

    company = fields.Many2One('company.company', "Company", required=True)
    name = fields.Char("Course", required=True)
    start_date = fields.Date("Start Date", required=True)
    end_date = fields.Date("End Date", required=True)
    location = fields.Char("Location")
    trainer = fields.Many2One('res.user', "Trainer", ondelete='RESTRICT')
    description = fields.Text("Description")
    attendees = fields.One2Many(
        'crm.office.training.attendee', 'training', "Attendees")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('start_date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_company(cls):
        return context_company()


class TrainingAttendee(CustomerRelatedMixin, ModelSQL, ModelView):
    "Training attendee"
    __name__ = 'crm.office.training.attendee'
    __string__ = "Training Attendee"

    training = fields.Many2One(
        'crm.office.training', "Course", required=True, ondelete='CASCADE')
    customer = fields.Many2One(
        'party.party', "Customer", required=True, ondelete='CASCADE')
    contact = fields.Many2One(
        'crm.contact', "Contact", ondelete='SET NULL',
        domain=[('customer', '=', Eval('customer', -1))])
    attended = fields.Boolean("Attended")
    note = fields.Char("Note")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('training_customer_unique',
                Unique(t, t.training, t.customer),
                'xtools_crm_office.msg_training_attendee_unique'),
            ]

    @classmethod
    def default_attended(cls):
        return False
