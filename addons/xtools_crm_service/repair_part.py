"""Parts of a repair (维修配件) and the way they leave the stock.

Parts taken from the company's stock leave it by the stock desk's direct
outbound (直接出库, SPEC K3: not a sale, confirmed by a stock keeper).
That desk lives in xtools_crm_stock, which this module does not depend
on: it fills the extension point below when it is activated.

Extension point for xtools_crm_stock (``extras_depend: xtools_crm_service``
and a ``[register xtools_crm_service]`` class of ``crm.repair.part``):

- ``crm_stock_available()`` returns True: the tickets then show the
  "Request Parts from Stock" button;
- ``crm_stock_outbound(parts)`` makes the direct outbound of the parts
  (state 'draft', pressed by someone allowed to change their tickets), sets
  each part's ``outbound`` to it and calls ``crm_stock_requested(parts)``;
- ``_outbound_models()`` adds the outbound's model to the ``outbound``
  selection;
- when the keeper confirms the outbound, it calls ``crm_stock_done(parts)``
  (the parts are used); when the outbound is cancelled,
  ``crm_stock_cancelled(parts)``.

Without the stock module, the parts are recorded with the ticket and count
as used when the repair is finished."""
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval

from .exceptions import RepairPartError

STATES = [
    ('draft', "To Take"),
    ('requested', "Requested from Stock"),
    ('used', "Used"),
    ('cancelled', "Cancelled"),
    ]


class Part(ModelSQL, ModelView):
    "Repair Part"
    __name__ = 'crm.repair.part'
    __string__ = "Repair Part"

    _draft = {'readonly': Eval('state') != 'draft'}

    ticket = fields.Many2One(
        'crm.repair.ticket', "Ticket", required=True, ondelete='CASCADE')
    product = fields.Many2One(
        'product.product', "Product", required=True, ondelete='RESTRICT',
        states=_draft)
    quantity = fields.Float(
        "Quantity", required=True, states=_draft,
        domain=[('quantity', '>', 0)])
    unit = fields.Function(
        fields.Many2One('product.uom', "Unit"), 'on_change_with_unit')
    note = fields.Char("Note", states=_draft)
    outbound = fields.Reference(
        "Stock Document", selection='get_outbound_models', readonly=True,
        help="The direct outbound the part leaves the stock with.")
    state = fields.Selection(
        STATES, "State", required=True, readonly=True, sort=False)

    del _draft

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # A part is seen and changed with its ticket
        cls.__access__.add('ticket')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.ticket, Index.Equality())))

    @classmethod
    def default_state(cls):
        return 'draft'

    def get_rec_name(self, name):
        return self.product.rec_name if self.product else str(self.id)

    @classmethod
    def default_quantity(cls):
        return 1

    @fields.depends('product')
    def on_change_with_unit(self, name=None):
        if self.product:
            return self.product.default_uom

    @classmethod
    def get_outbound_models(cls):
        Model = Pool().get('ir.model')
        names = cls._outbound_models()
        return [(None, '')] + [
            (name, Model.get_name(name)) for name in names]

    @classmethod
    def _outbound_models(cls):
        "The models of the stock documents parts leave the stock with"
        return []

    @classmethod
    def check_modification(cls, mode, parts, values=None, external=False):
        super().check_modification(
            mode, parts, values=values, external=external)
        if mode == 'delete':
            for part in parts:
                if part.state not in {'draft', 'cancelled'}:
                    raise RepairPartError(gettext(
                            'xtools_crm_service.msg_repair_part_delete',
                            part=part.rec_name,
                            ticket=part.ticket.rec_name))

    # Extension point for xtools_crm_stock (see the module's docstring)

    @classmethod
    def crm_stock_available(cls):
        "Parts can be requested from the stock desk"
        return False

    @classmethod
    def crm_stock_outbound(cls, parts):
        "Make the direct outbound of the parts (filled by the stock desk)"
        raise RepairPartError(gettext(
                'xtools_crm_service.msg_repair_parts_no_stock'))

    @classmethod
    def crm_stock_requested(cls, parts):
        "The parts wait for the keeper's confirmation of their outbound"
        cls.write(parts, {'state': 'requested'})

    @classmethod
    def crm_stock_done(cls, parts):
        "The keeper confirmed the outbound: the parts are used"
        cls.write(parts, {'state': 'used'})

    @classmethod
    def crm_stock_cancelled(cls, parts):
        "The outbound was cancelled: the parts are to take again"
        cls.write(parts, {'state': 'draft', 'outbound': None})

    # The ticket's steps

    @classmethod
    def crm_use_on_finish(cls, parts):
        """The repair is finished: the parts recorded without the stock
        desk are used; those requested wait for their outbound"""
        cls.write([p for p in parts if p.state == 'draft'], {'state': 'used'})

    @classmethod
    def crm_cancel(cls, parts):
        "The repair is cancelled: the parts not taken yet are not needed"
        cls.write(
            [p for p in parts if p.state == 'draft'], {'state': 'cancelled'})
