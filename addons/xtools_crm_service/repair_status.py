"""The statuses of repair tickets (接单状况自定义, SPEC V4): each company
names where a ticket stands within each step of the repair, in the order
it likes; the statuses shared by every company come with the module."""
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, fields, sequence_ordered)
from trytond.transaction import Transaction

from .repair import STATES


class Status(DeactivableMixin, sequence_ordered(), ModelSQL, ModelView):
    """A status of repair tickets (接单状况): the company's name for where a
    ticket stands within one step of the repair"""
    __name__ = 'crm.repair.status'
    __string__ = "Repair Ticket Status"

    name = fields.Char("Name", required=True, translate=True)
    stage = fields.Selection(
        STATES, "Step", required=True, sort=False,
        help="The step of the repair the status belongs to.")
    company = fields.Many2One(
        'company.company', "Company", ondelete='CASCADE',
        help="Empty: a status of every company.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('stage', 'ASC'))

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def first_of(cls, stage, company_id):
        """The first status of the step: the company's own, else the
        shared one; None when there is none"""
        with Transaction().set_context(_check_access=False):
            statuses = cls.search([
                    ('stage', '=', stage),
                    ('company', 'in', [company_id, None]),
                    ], order=[('sequence', 'ASC NULLS FIRST'), ('id', 'ASC')])
        own = [s for s in statuses if s.company]
        return (own or statuses or [None])[0]
