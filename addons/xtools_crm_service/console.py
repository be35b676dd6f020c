"""The service console (客服控制台, SPEC V1).

One screen for the service desk: find any customer by its name, code,
phone, a contact's name or mobile (customer service reads every customer,
whoever owns it); see its contacts, past services, complaints, tasks,
repair tickets (and deals with the sales module); record a service or a
complaint, add a contact or a task — without changing the customer itself,
which service staff may not do.

It is a wizard opened in a tab: each record is created as the user, with
the rights of a plain create (a service record, complaint, contact or task
on a customer needs to read the customer)."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Model, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from xtools_crm_base.access import CheckedWizardMixin

from .exceptions import ConsoleError
from .service import STATES, dictionary_id

# Context key of the customer field: its search looks in the contacts too
SEARCH_CONTACTS = 'crm_search_contacts'
# How many past records of each kind the console lists
LIST_LIMIT = 50


class ConsoleStart(ModelView):
    "Service Console"
    __name__ = 'crm.service.console.start'
    __string__ = "Service Console"

    customer = fields.Many2One(
        'party.party', "Customer", required=True,
        domain=[('crm_customer_type', '!=', None)],
        context={SEARCH_CONTACTS: True},
        help="Type a name, code, phone number, or a contact's name or "
        "mobile, then Enter.")
    code = fields.Char("Code", readonly=True)
    owner = fields.Many2One('res.user', "Owner", readonly=True)
    kind = fields.Many2One('crm.dictionary', "Customer Kind", readonly=True)
    phone = fields.Char("Phone", readonly=True)
    address = fields.Char("Address", readonly=True)
    latest_progress = fields.Char("Latest Progress", readonly=True)
    contacts = fields.Many2Many(
        'crm.contact', None, None, "Contacts", readonly=True)
    services = fields.Many2Many(
        'crm.service.record', None, None, "Services", readonly=True)
    complaints = fields.Many2Many(
        'crm.complaint', None, None, "Complaints", readonly=True)
    tasks = fields.Many2Many('crm.task', None, None, "Tasks", readonly=True)
    tickets = fields.Many2Many(
        'crm.repair.ticket', None, None, "Repair Tickets", readonly=True)

    @fields.depends('customer', methods=['fill'])
    def on_change_customer(self):
        self.fill()

    @fields.depends(
        'customer', 'code', 'owner', 'kind', 'phone', 'address',
        'latest_progress', 'contacts', 'services', 'complaints', 'tasks',
        'tickets')
    def fill(self):
        "Show what the desk knows of the customer, as the user may read it"
        pool = Pool()
        customer = self.customer
        self.code = customer.code if customer else None
        self.owner = customer.crm_owner if customer else None
        self.kind = customer.crm_kind if customer else None
        self.phone = customer.phone if customer else None
        address = customer.address_get() if customer else None
        self.address = address.full_address.replace('\n', ' ') \
            if address else None
        self.latest_progress = (
            customer.crm_latest_progress if customer else None)
        for name, model in self._lists().items():
            Model = pool.get(model)
            setattr(self, name, Model.search(
                    self._list_domain(name, customer), limit=LIST_LIMIT)
                if customer else [])

    @classmethod
    def _list_domain(cls, name, customer):
        "The domain of the customer's records of console field name"
        return [('customer', '=', customer.id)]

    @classmethod
    def _lists(cls):
        "Console field → model of the customer's records it lists"
        return {
            'contacts': 'crm.contact',
            'services': 'crm.service.record',
            'complaints': 'crm.complaint',
            'tasks': 'crm.task',
            'tickets': 'crm.repair.ticket',
            }


class ConsoleService(ModelView):
    "Service Console: record a service"
    __name__ = 'crm.service.console.service'
    __string__ = "Record a Service"

    customer = fields.Many2One('party.party', "Customer", readonly=True)
    contact = fields.Many2One(
        'crm.contact', "Contact",
        domain=[('customer', '=', Eval('customer', -1))])
    subject = fields.Char("Subject", required=True)
    service_type = fields.Many2One(
        'crm.dictionary', "Service Type", required=True,
        domain=[('type', '=', 'service_type')])
    service_way = fields.Many2One(
        'crm.dictionary', "Service Way", required=True,
        domain=[('type', '=', 'service_way')])
    start_time = fields.DateTime("Start Time", required=True)
    assignee = fields.Many2One(
        'res.user', "Assignee", required=True,
        domain=[('active', '=', True)])
    minutes_spent = fields.Integer(
        "Minutes Spent", domain=['OR',
            ('minutes_spent', '=', None),
            ('minutes_spent', '>=', 0)])
    state = fields.Selection(STATES, "State", required=True, sort=False)
    description = fields.Text("Description")

    @classmethod
    def default_service_type(cls):
        return dictionary_id('xtools_crm_base', 'dict_service_type_consulting')

    @classmethod
    def default_service_way(cls):
        return dictionary_id('xtools_crm_service', 'dict_service_way_phone')

    @classmethod
    def default_start_time(cls):
        return dt.datetime.now().replace(microsecond=0)

    @classmethod
    def default_assignee(cls):
        return Transaction().user or None

    @classmethod
    def default_state(cls):
        return 'done'


def _values(record, names):
    "The values of record's fields names, as create() takes them"
    values = {}
    for name in names:
        value = getattr(record, name, None)
        if isinstance(value, Model):
            value = value.id
        values[name] = value
    return values


class Console(CheckedWizardMixin, Wizard):
    "Service Console"
    __name__ = 'crm.service.console'
    __string__ = "Service Console"
    # The records are created with the user's own rights (check_access)
    _state_access = {
        'save_service': None,
        'save_complaint': None,
        'save_contact': None,
        'save_task': None,
        }
    SERVICE_FIELDS = [
        'customer', 'contact', 'subject', 'service_type', 'service_way',
        'start_time', 'assignee', 'minutes_spent', 'state', 'description']
    COMPLAINT_FIELDS = [
        'customer', 'contact', 'subject', 'complaint_type', 'way',
        'complaint_time', 'content', 'handler']
    CONTACT_FIELDS = [
        'customer', 'name', 'title', 'category', 'mobile', 'phone', 'email',
        'qq', 'wechat', 'note']
    TASK_FIELDS = [
        'customer', 'contact', 'subject', 'assignee', 'due_date', 'due_time',
        'description']

    start = StateView(
        'crm.service.console.start',
        'xtools_crm_service.console_start_view_form', [
            Button("Close", 'end', 'tryton-close'),
            Button("Add Contact", 'contact', 'tryton-add'),
            Button("Add Task", 'task', 'tryton-add'),
            Button("Record Complaint", 'complaint', 'tryton-add'),
            Button("Record Service", 'service', 'tryton-add', default=True),
            ])
    service = StateView(
        'crm.service.console.service',
        'xtools_crm_service.console_service_view_form', [
            Button("Back", 'start', 'tryton-back', validate=False),
            Button("Save", 'save_service', 'tryton-ok', default=True),
            ])
    save_service = StateTransition()
    complaint = StateView(
        'crm.complaint',
        'xtools_crm_service.console_complaint_view_form', [
            Button("Back", 'start', 'tryton-back', validate=False),
            Button("Save", 'save_complaint', 'tryton-ok', default=True),
            ])
    save_complaint = StateTransition()
    contact = StateView(
        'crm.contact',
        'xtools_crm_service.console_contact_view_form', [
            Button("Back", 'start', 'tryton-back', validate=False),
            Button("Save", 'save_contact', 'tryton-ok', default=True),
            ])
    save_contact = StateTransition()
    task = StateView(
        'crm.task',
        'xtools_crm_service.console_task_view_form', [
            Button("Back", 'start', 'tryton-back', validate=False),
            Button("Save", 'save_task', 'tryton-ok', default=True),
            ])
    save_task = StateTransition()

    def default_start(self, fields):
        if not self.start.customer:
            return {}
        self.start.fill()
        return self.start._default_values

    def _customer(self):
        customer = self.start.customer
        if not customer:
            raise ConsoleError(gettext(
                    'xtools_crm_service.msg_console_no_customer'))
        return customer

    def default_service(self, fields):
        return {'customer': self._customer().id}

    def default_complaint(self, fields):
        return {'customer': self._customer().id}

    def default_contact(self, fields):
        return {'customer': self._customer().id}

    def default_task(self, fields):
        return {'customer': self._customer().id}

    def _create(self, model, record, names):
        "Create as the user would from a form: with their rights"
        Model = Pool().get(model)
        values = _values(record, names)
        # The customer is the console's, whatever the form sent
        values['customer'] = self._customer().id
        with check_access():
            Model.create([values])

    def transition_save_service(self):
        self._create('crm.service.record', self.service, self.SERVICE_FIELDS)
        return 'start'

    def transition_save_complaint(self):
        self._create('crm.complaint', self.complaint, self.COMPLAINT_FIELDS)
        return 'start'

    def transition_save_contact(self):
        self._create('crm.contact', self.contact, self.CONTACT_FIELDS)
        return 'start'

    def transition_save_task(self):
        self._create('crm.task', self.task, self.TASK_FIELDS)
        return 'start'
