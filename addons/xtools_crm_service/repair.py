"""Repair tickets (维修工单, SPEC V4): a customer's product taken in for
repair (接单), the repair confirmed with the customer (客户确认), repaired
(维修) and delivered back (交付).

The steps are fixed — the desks' lists, overdue tickets and the parts taken
from stock rely on them — and each company names its own statuses within
them (接单状况自定义: 待检测, 待报价, 等配件, 待取件 …), an ordered list.
A ticket not processed yet (接单) can be given to an engineer, or taken
by one from the repair desk's queue."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction

from xtools_crm_base.access import Access, readable_ids
from xtools_crm_base.boolean_search import boolean_domain

from .calendar import business_date
from .configuration import service_configuration
from .desk import DeskRecordMixin
from .exceptions import RepairAssignError, RepairEngineerError, \
    RepairTicketError

STATES = [
    ('intake', "Intake"),
    ('confirmed', "Confirmed"),
    ('repairing', "Repairing"),
    ('repaired', "Repaired"),
    ('delivered', "Delivered"),
    ('cancelled', "Cancelled"),
    ]
FINISHED = ['delivered', 'cancelled']
DELIVERY_WAYS = [
    (None, ""),
    ('pickup', "Picked up by the Customer"),
    ('courier', "Courier"),
    ('onsite', "Delivered On Site"),
    ]
REPAIR_ROLES = (
    'xtools_crm_base.group_role_repair',
    'xtools_crm_base.group_role_service',
    'xtools_crm_base.group_role_boss',
    )


class Ticket(DeskRecordMixin, Workflow, ModelSQL, ModelView):
    "Repair Ticket (维修工单)"
    __name__ = 'crm.repair.ticket'
    __string__ = "Repair Ticket"
    _rec_name = 'number'
    _crm_desk_fields = ('engineer',)

    _intake = {'readonly': ~Eval('state').in_(['intake', 'confirmed'])}
    _open = {'readonly': Eval('state').in_(FINISHED)}

    number = fields.Char("Number", readonly=True)
    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='RESTRICT',
        states={'readonly': Eval('id', -1) >= 0})
    customer = fields.Many2One(
        'party.party', "Customer", required=True, ondelete='CASCADE',
        domain=[('crm_customer_type', '!=', None)], states=_intake)
    contact = fields.Many2One(
        'crm.contact', "Contact", ondelete='SET NULL',
        domain=[('customer', '=', Eval('customer', -1))], states=_open)
    product = fields.Many2One(
        'product.product', "Product", ondelete='RESTRICT', states=_intake,
        help="The product to repair, from the catalogue.")
    serial_number = fields.Char("Serial Number", states=_intake)
    fault = fields.Text(
        "Fault", required=True, states=_intake,
        help="The fault as the customer describes it.")
    photos = fields.One2Many(
        'ir.attachment', 'resource', "Photos", states=_open,
        help="Photos of the product and its fault, as attachments.")
    intake_time = fields.DateTime(
        "Intake Time", required=True, states=_intake)
    received_by = fields.Many2One(
        'res.user', "Received By", readonly=True, ondelete='RESTRICT')
    engineer = fields.Many2One(
        'res.user', "Engineer", ondelete='RESTRICT',
        states={
            'readonly': Eval('state').in_(FINISHED),
            'required': Eval('state').in_(['repairing', 'repaired']),
            },
        help="The after-sales engineer who repairs it.")
    promised_date = fields.Date(
        "Promised Date", states=_open,
        help="The day the repaired product is promised back: by default "
        "the repair promise of the service settings, in business days.")
    status = fields.Many2One(
        'crm.repair.status', "Status", ondelete='RESTRICT',
        domain=[
            ('stage', '=', Eval('state')),
            ('company', 'in', [None, Eval('company', -1)]),
            ],
        states={'readonly': Eval('state') == 'cancelled'},
        help="Where the ticket stands within its step (接单状况).")
    quoted_amount = fields.Numeric(
        "Quoted Amount", digits=(16, 2), states=_intake,
        domain=['OR',
            ('quoted_amount', '=', None),
            ('quoted_amount', '>=', 0)],
        help="The repair cost the customer is told; zero when free "
        "(under warranty).")
    confirmation_note = fields.Text(
        "Customer Confirmation", states=_intake,
        help="What the customer agreed to: cost, delay, parts.")
    confirmed_date = fields.Date("Confirmed On", readonly=True)
    diagnosis = fields.Text(
        "Diagnosis", states={'readonly': Eval('state').in_(
                    ['repaired', *FINISHED])})
    repair_result = fields.Text(
        "Repair Result",
        states={
            'readonly': Eval('state').in_(FINISHED),
            'required': Eval('state').in_(['repaired', 'delivered']),
            })
    repaired_date = fields.Date("Repaired On", readonly=True)
    parts = fields.One2Many(
        'crm.repair.part', 'ticket', "Parts",
        states={'readonly': Eval('state').in_(['repaired', *FINISHED])})
    delivery_way = fields.Selection(
        DELIVERY_WAYS, "Delivery Way",
        states={
            'readonly': Eval('state').in_(FINISHED),
            'required': Eval('state') == 'delivered',
            })
    delivery_note = fields.Text("Delivery Note", states=_open)
    delivered_date = fields.Date("Delivered On", readonly=True)
    overdue = fields.Function(
        fields.Boolean(
            "Overdue", help="Not delivered by the promised date."),
        'get_overdue', searcher='search_overdue')
    stock_parts = fields.Function(
        fields.Boolean("Parts from Stock"), 'get_stock_parts')
    state = fields.Selection(
        STATES, "Step", required=True, readonly=True, sort=False)

    del _intake, _open

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.customer, Index.Equality())),
                Index(t, (t.number, Index.Similarity())),
                Index(
                    t, (t.engineer, Index.Equality()),
                    (t.state, Index.Equality(cardinality='low'))),
                Index(
                    t, (t.promised_date, Index.Range()),
                    where=t.state.in_(
                        ['intake', 'confirmed', 'repairing', 'repaired'])),
                })
        cls._order = [('intake_time', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('intake', 'confirmed'),
            ('confirmed', 'repairing'),
            ('repairing', 'repaired'),
            ('repaired', 'delivered'),
            ('intake', 'cancelled'),
            ('confirmed', 'cancelled'),
            ('cancelled', 'intake'),
            }
        cls._buttons.update({
                'confirm': {
                    'invisible': Eval('state') != 'intake',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'start_repair': {
                    'invisible': Eval('state') != 'confirmed',
                    'readonly': ~Bool(Eval('engineer')),
                    'icon': 'tryton-forward',
                    'depends': ['state', 'engineer'],
                    },
                'finish': {
                    'invisible': Eval('state') != 'repairing',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'deliver': {
                    'invisible': Eval('state') != 'repaired',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['intake', 'confirmed']),
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'reopen': {
                    'invisible': Eval('state') != 'cancelled',
                    'icon': 'tryton-undo',
                    'depends': ['state'],
                    },
                'take': {
                    'invisible': (Eval('state') != 'intake')
                    | Bool(Eval('engineer')),
                    'icon': 'tryton-launch',
                    'depends': ['state', 'engineer'],
                    },
                'request_parts': {
                    'invisible': (~Eval('state').in_(
                            ['confirmed', 'repairing'])
                        | ~Eval('stock_parts', False)),
                    'icon': 'tryton-forward',
                    'depends': ['state', 'stock_parts'],
                    },
                })
        # Taking a ticket of the queue needs only to see it, as a repair
        # engineer; the other steps change the ticket (write).
        cls._button_access.update({
                'take': Access(
                    'read', groups=('xtools_crm_base.group_role_repair',)),
                })

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_intake_time(cls):
        return dt.datetime.now().replace(microsecond=0)

    @classmethod
    def default_received_by(cls):
        return Transaction().user or None

    @classmethod
    def default_state(cls):
        return 'intake'

    @classmethod
    def default_status(cls):
        status = Pool().get('crm.repair.status').first_of(
            'intake', Transaction().context.get('company'))
        return status.id if status else None

    @classmethod
    def default_promised_date(cls):
        return promised_date(
            Pool().get('ir.date').today(),
            Transaction().context.get('company'))

    @fields.depends('customer', 'contact')
    def on_change_customer(self):
        if self.contact and self.contact.customer != self.customer:
            self.contact = None

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('overdue', False), 'danger',
                    If(Eval('state').in_(FINISHED), 'muted', ''))),
            ]

    @classmethod
    def get_overdue(cls, tickets, name):
        today = Pool().get('ir.date').today()
        return {t.id: bool(
                t.state not in FINISHED and t.promised_date
                and t.promised_date < today)
            for t in tickets}

    @classmethod
    def search_overdue(cls, name, clause):
        today = Pool().get('ir.date').today()
        return boolean_domain(clause, [
                ('state', 'not in', FINISHED),
                ('promised_date', '<', today),
                ], ['OR',
                ('state', 'in', FINISHED),
                ('promised_date', '=', None),
                ('promised_date', '>=', today),
                ])

    @classmethod
    def get_stock_parts(cls, tickets, name):
        available = Pool().get('crm.repair.part').crm_stock_available()
        return {t.id: available for t in tickets}

    @classmethod
    def search_rec_name(cls, name, clause):
        if clause[1].startswith('!') or clause[1].startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('number', *clause[1:]),
            ('serial_number', *clause[1:]),
            ('customer.name', *clause[1:]),
            ]

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('number'):
            sequence = service_configuration().get_repair_sequence()
            values['number'] = sequence.get()
        return values

    @classmethod
    def validate_fields(cls, tickets, field_names):
        super().validate_fields(tickets, field_names)
        cls.check_engineer(tickets, field_names)

    @classmethod
    def check_engineer(cls, tickets, field_names=None):
        """The engineer sees the ticket's customer (repair engineers see the
        customers of their tickets): else the ticket would be out of sight
        of the one who repairs it"""
        if field_names and not field_names & {'engineer', 'customer'}:
            return
        by_engineer = {}
        for ticket in tickets:
            if ticket.engineer and ticket.state not in FINISHED:
                by_engineer.setdefault(ticket.engineer, []).append(ticket)
        for engineer, assigned in by_engineer.items():
            customers = {t.customer.id for t in assigned}
            hidden = customers - readable_ids(
                engineer.id, 'party.party', customers)
            if hidden:
                ticket = next(t for t in assigned if t.customer.id in hidden)
                raise RepairEngineerError(gettext(
                        'xtools_crm_service.msg_repair_engineer_cannot_see',
                        ticket=ticket.rec_name, user=engineer.rec_name))

    @classmethod
    def copy(cls, tickets, default=None):
        default = default.copy() if default is not None else {}
        for name in ['number', 'confirmed_date', 'repaired_date',
                'delivered_date', 'repair_result', 'delivery_way',
                'photos', 'parts', 'engineer']:
            default.setdefault(name, None)
        default.setdefault('intake_time', cls.default_intake_time())
        return super().copy(tickets, default=default)

    @classmethod
    def _set_stage_status(cls, tickets, stage):
        """Move the tickets to the step with the first status of their
        company for it (the status must belong to the step: both change
        together, the transition's log is kept)"""
        Status = Pool().get('crm.repair.status')
        by_company = {}
        for ticket in tickets:
            by_company.setdefault(ticket.company.id, []).append(ticket)
        to_write = []
        for company_id, company_tickets in by_company.items():
            status = Status.first_of(stage, company_id)
            to_write.extend([company_tickets, {
                        'state': stage,
                        'status': status.id if status else None,
                        }])
        if to_write:
            cls.write(*to_write)
            cls.log(tickets, 'transition', f'state:{stage}')

    @classmethod
    @ModelView.button
    @Workflow.transition('confirmed')
    def confirm(cls, tickets):
        today = Pool().get('ir.date').today()
        cls.write(tickets, {'confirmed_date': today})
        cls._set_stage_status(tickets, 'confirmed')

    @classmethod
    @ModelView.button
    @Workflow.transition('repairing')
    def start_repair(cls, tickets):
        for ticket in tickets:
            if not ticket.engineer:
                raise RepairTicketError(gettext(
                        'xtools_crm_service.msg_repair_no_engineer',
                        ticket=ticket.rec_name))
        cls._set_stage_status(tickets, 'repairing')

    @classmethod
    @ModelView.button
    @Workflow.transition('repaired')
    def finish(cls, tickets):
        pool = Pool()
        Part = pool.get('crm.repair.part')
        today = pool.get('ir.date').today()
        for ticket in tickets:
            if not (ticket.repair_result or '').strip():
                raise RepairTicketError(gettext(
                        'xtools_crm_service.msg_repair_result_required',
                        ticket=ticket.rec_name))
        Part.crm_use_on_finish([p for t in tickets for p in t.parts])
        cls.write(tickets, {'repaired_date': today})
        cls._set_stage_status(tickets, 'repaired')

    @classmethod
    @ModelView.button
    @Workflow.transition('delivered')
    def deliver(cls, tickets):
        today = Pool().get('ir.date').today()
        for ticket in tickets:
            if not ticket.delivery_way:
                raise RepairTicketError(gettext(
                        'xtools_crm_service.msg_repair_delivery_way',
                        ticket=ticket.rec_name))
        cls.write(tickets, {'delivered_date': today})
        cls._set_stage_status(tickets, 'delivered')

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, tickets):
        Part = Pool().get('crm.repair.part')
        Part.crm_cancel([p for t in tickets for p in t.parts])
        cls._set_stage_status(tickets, 'cancelled')

    @classmethod
    @ModelView.button
    @Workflow.transition('intake')
    def reopen(cls, tickets):
        cls.write(tickets, {'confirmed_date': None})
        cls._set_stage_status(tickets, 'intake')

    @classmethod
    @ModelView.button
    def take(cls, tickets):
        "An engineer takes tickets of the queue (unassigned, not processed)"
        user = Transaction().user
        tickets = cls.assignable(tickets)
        refused = [t.id for t in tickets
            if t.engineer and t.engineer.id != user]
        if refused:
            raise RepairAssignError(gettext(
                    'xtools_crm_service.msg_repair_taken_already',
                    ids=', '.join(map(str, refused[:5]))))
        cls.assign_engineer(tickets, user)

    @classmethod
    def assignable(cls, tickets):
        """The tickets, when none is processed yet nor given to someone
        else; refused otherwise (naming ids only)"""
        refused = [t.id for t in tickets if t.state != 'intake']
        if refused:
            raise RepairAssignError(gettext(
                    'xtools_crm_service.msg_repair_assign_processed',
                    ids=', '.join(map(str, refused[:5]))))
        return tickets

    @classmethod
    def assign_engineer(cls, tickets, engineer_id):
        "Give the tickets to the engineer (tickets checked by assignable)"
        if tickets:
            cls.write(tickets, {'engineer': engineer_id})

    @classmethod
    @ModelView.button
    def request_parts(cls, tickets):
        "Hand the parts not yet requested to the stock desk"
        Part = Pool().get('crm.repair.part')
        Part.crm_stock_outbound([
                p for t in tickets for p in t.parts if p.state == 'draft'])


def promised_date(start, company_id):
    "The day a repair taken in on day start is promised back"
    days = service_configuration().service_setting('repair_promise_days')
    return business_date(start, days, company_id)
