"""Give repair tickets not processed yet to an engineer (派工, SPEC V4).

Whoever dispatches the repair desk's work — repair engineers, customer
service, the boss — may give the tickets they see and that nobody has
started yet; a ticket in progress changes hands on the ticket itself, by
those who may change it."""
from trytond.model import ModelView, fields
from trytond.wizard import Button, StateTransition, StateView, Wizard

from xtools_crm_base.access import Access, CheckedWizardMixin

from .repair import REPAIR_ROLES


class AssignStart(ModelView):
    "Assign Repair Tickets"
    __name__ = 'crm.repair.ticket.assign.start'
    __string__ = "Assign Repair Tickets"

    engineer = fields.Many2One(
        'res.user', "Engineer", required=True,
        domain=[('active', '=', True)])
    count = fields.Integer("Tickets", readonly=True)


class Assign(CheckedWizardMixin, Wizard):
    "Assign Repair Tickets"
    __name__ = 'crm.repair.ticket.assign'
    __string__ = "Assign Repair Tickets"
    _state_access = {'assign': Access('read', groups=REPAIR_ROLES)}

    start = StateView(
        'crm.repair.ticket.assign.start',
        'xtools_crm_service.repair_ticket_assign_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Assign", 'assign', 'tryton-ok', default=True),
            ])
    assign = StateTransition()

    def default_start(self, fields):
        return {'count': len(self.records)}

    def transition_assign(self):
        tickets = self.model.assignable(self.records)
        self.model.assign_engineer(tickets, self.start.engineer.id)
        return 'end'
