"""Direct outbound (直接出库, SPEC K3): goods leaving the warehouse for
something other than a sale — a repair, a loan — by the stock keeper only.

A direct outbound document holds Tryton stock moves from the warehouse's
storage to the "Direct Outbound" location (a storage location outside
every warehouse: the goods leave the warehouses' stock but stay the
company's, and a loan may come back), with the document as their origin.
They are no sale: no order, no customer shipment, no price, nothing in the
sold products' figures. The keeper confirms it: the goods are reserved and
taken out at once, or refused as a whole when the warehouse lacks some.

Other modules hand goods to the desk through ``crm_request``; they learn
the end through the hooks ``crm_outbound_done`` and
``crm_outbound_cancelled`` (the repair tickets of xtools_crm_service do,
see repair_part.py).
"""
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from xtools_crm_base.access import Access, ButtonAccessMixin

from .availability import assign_or_refuse
from .exceptions import DirectOutboundError, OutboundStepError
from .locking import lock_rows

KEEPER = 'xtools_crm_base.group_role_stock'
PURPOSES = [
    ('repair', "Repair"),
    ('loan', "Loan"),
    ('sample', "Sample"),
    ('other', "Other"),
    ]
STATES = [
    ('draft', "Draft"),
    ('done', "Done"),
    ('cancelled', "Cancelled"),
    ]


class DirectOutbound(ButtonAccessMixin, Workflow, ModelSQL, ModelView):
    "Direct Outbound"
    __name__ = 'crm.stock.direct_outbound'
    __string__ = "Direct Outbound"
    _rec_name = 'number'

    _draft = {'readonly': Eval('state') != 'draft'}

    number = fields.Char("Number", readonly=True)
    company = fields.Many2One(
        'company.company', "Company", required=True, states=_draft)
    purpose = fields.Selection(
        PURPOSES, "Purpose", required=True, states=_draft)
    warehouse = fields.Many2One(
        'stock.location', "Warehouse", required=True, states=_draft,
        domain=[('type', '=', 'warehouse')])
    recipient = fields.Char(
        "Recipient", states=_draft,
        help="Who takes the goods (the engineer, the borrower …).")
    date = fields.Date("Date", required=True, states=_draft)
    origin = fields.Reference(
        "Origin", selection='get_origin', readonly=True,
        help="The document that asked for the goods (a repair ticket …).")
    origin_name = fields.Char(
        "Requested By", readonly=True,
        help="The number of the document that asked for the goods, "
        "readable by the keeper who may not read the document itself.")
    note = fields.Text("Note")
    storage_location = fields.Function(fields.Many2One(
            'stock.location', "Storage Location"),
        'on_change_with_storage_location')
    destination = fields.Function(fields.Many2One(
            'stock.location', "Destination"),
        'on_change_with_destination')
    moves = fields.One2Many(
        'stock.move', 'origin', "Goods", states=_draft,
        # The client fills new moves from these equalities
        domain=[
            ('company', '=', Eval('company', -1)),
            ('from_location', '=', Eval('storage_location', -1)),
            ('to_location', '=', Eval('destination', -1)),
            ])
    done_by = fields.Many2One(
        'res.user', "Confirmed By", readonly=True, ondelete='RESTRICT')
    state = fields.Selection(
        STATES, "State", required=True, readonly=True, sort=False)

    del _draft

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'done'),
            ('draft', 'cancelled'),
            }
        cls._buttons.update({
                'confirm': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })
        for name in ['confirm', 'cancel']:
            cls._button_access[name] = Access('write', groups=(KEEPER,))

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_purpose(cls):
        return 'repair'

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_warehouse(cls):
        return Pool().get('stock.location').get_default_warehouse()

    @fields.depends('warehouse')
    def on_change_with_storage_location(self, name=None):
        if self.warehouse:
            return self.warehouse.storage_location

    @fields.depends('warehouse')
    def on_change_with_destination(self, name=None):
        return self.destination_id()

    @classmethod
    def _get_origin(cls):
        "The models that may ask for a direct outbound"
        return []

    @classmethod
    def get_origin(cls):
        Model = Pool().get('ir.model')
        return [(None, '')] + [
            (name, Model.get_name(name)) for name in cls._get_origin()]

    @classmethod
    def destination_id(cls):
        "Where the goods of a direct outbound go"
        return Pool().get('ir.model.data').get_id(
            'xtools_crm_stock', 'location_direct_outbound')

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Sequence = pool.get('ir.sequence')
        ModelData = pool.get('ir.model.data')
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('number'):
            with without_check_access():
                sequence = Sequence(ModelData.get_id(
                        'xtools_crm_stock', 'sequence_direct_outbound'))
                values['number'] = sequence.get()
        return values

    @classmethod
    def on_modification(cls, mode, outbounds, field_names=None):
        super().on_modification(mode, outbounds, field_names=field_names)
        if mode in {'create', 'write'}:
            cls._sync_moves(outbounds)

    @classmethod
    def _sync_moves(cls, outbounds):
        "The moves go from the warehouse's storage to the destination"
        Move = Pool().get('stock.move')
        destination = cls.destination_id()
        to_write = []
        for outbound in outbounds:
            if outbound.state != 'draft':
                continue
            source = outbound.warehouse.storage_location
            for move in outbound.moves:
                if (move.from_location != source
                        or move.to_location.id != destination
                        or move.planned_date != outbound.date):
                    to_write.extend(([move], {
                                'from_location': source.id,
                                'to_location': destination,
                                'planned_date': outbound.date,
                                }))
        if to_write:
            Move.write(*to_write)

    @classmethod
    def check_modification(cls, mode, outbounds, values=None, external=False):
        super().check_modification(
            mode, outbounds, values=values, external=external)
        if mode == 'delete':
            for outbound in outbounds:
                if outbound.state != 'draft':
                    raise DirectOutboundError(gettext(
                            'xtools_crm_stock.msg_direct_outbound_delete',
                            outbound=outbound.rec_name))

    @classmethod
    def crm_lock(cls, outbounds, action):
        lock_rows(cls, outbounds)
        outbounds = cls.browse(outbounds)
        for outbound in outbounds:
            if outbound.state != 'draft':
                raise OutboundStepError(gettext(
                        'xtools_crm_stock.msg_direct_outbound_not_draft',
                        outbound=outbound.rec_name, action=action,
                        user=outbound.done_by.rec_name
                        if outbound.done_by else '-'))
        return outbounds

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def confirm(cls, outbounds):
        "The keeper hands the goods over: reserved and out, or refused"
        Move = Pool().get('stock.move')
        outbounds = cls.crm_lock(
            outbounds, gettext('xtools_crm_stock.msg_action_confirm'))
        cls._sync_moves(outbounds)
        outbounds = cls.browse(outbounds)
        for outbound in outbounds:
            moves = [m for m in outbound.moves if m.state != 'cancelled']
            if not moves:
                raise DirectOutboundError(gettext(
                        'xtools_crm_stock.msg_direct_outbound_empty',
                        outbound=outbound.rec_name))
            assign_or_refuse(moves, outbound.rec_name)
        Move.do([m for o in cls.browse(outbounds) for m in o.moves
                if m.state == 'assigned'])
        cls.write(list(outbounds), {
                'done_by': Transaction().user or None,
                })
        cls.crm_outbound_done(outbounds)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, outbounds):
        Move = Pool().get('stock.move')
        outbounds = cls.crm_lock(
            outbounds, gettext('xtools_crm_stock.msg_action_cancel'))
        Move.cancel([m for o in outbounds for m in o.moves])
        cls.crm_outbound_cancelled(outbounds)

    # -- for other modules -------------------------------------------------

    @classmethod
    def crm_request(cls, origin, warehouse, lines, purpose='repair',
            recipient=None, note=None):
        """A draft direct outbound for origin of lines [(product,
        quantity, unit)], waiting for the keeper; returns it. The caller
        has checked that its user may ask for it (no access is checked
        here: the user need not read the stock desk)."""
        pool = Pool()
        Move = pool.get('stock.move')
        outbound = cls(
            company=cls.default_company(),
            purpose=purpose, warehouse=warehouse, date=cls.default_date(),
            origin=origin, recipient=recipient, note=note,
            origin_name=getattr(origin, 'number', None) or str(origin.id))
        outbound.moves = [Move(
                product=product, quantity=quantity,
                unit=unit or product.default_uom,
                company=outbound.company,
                from_location=warehouse.storage_location,
                to_location=cls.destination_id(),
                planned_date=outbound.date)
            for product, quantity, unit in lines]
        with Transaction().set_context(_check_access=False):
            outbound.save()
        return outbound

    @classmethod
    def crm_outbound_done(cls, outbounds):
        "Hook: the goods of outbounds were handed over"
        pass

    @classmethod
    def crm_outbound_cancelled(cls, outbounds):
        "Hook: outbounds were cancelled"
        pass


class Move(metaclass=PoolMeta):
    __name__ = 'stock.move'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['crm.stock.direct_outbound']


class RepairPart(metaclass=PoolMeta):
    """The parts of repair tickets leave the stock by direct outbound (the
    extension point of xtools_crm_service's repair_part.py)"""
    __name__ = 'crm.repair.part'

    @classmethod
    def crm_stock_available(cls):
        return True

    @classmethod
    def _outbound_models(cls):
        return super()._outbound_models() + ['crm.stock.direct_outbound']

    @classmethod
    def crm_stock_outbound(cls, parts):
        "One direct outbound per ticket, in the user's warehouse"
        pool = Pool()
        Outbound = pool.get('crm.stock.direct_outbound')
        Location = pool.get('stock.location')
        warehouse_id = Location.get_default_warehouse()
        if not warehouse_id:
            raise DirectOutboundError(gettext(
                    'xtools_crm_stock.msg_direct_outbound_no_warehouse'))
        warehouse = Location(warehouse_id)
        by_ticket = {}
        for part in parts:
            by_ticket.setdefault(part.ticket, []).append(part)
        for ticket, ticket_parts in by_ticket.items():
            outbound = Outbound.crm_request(
                ticket, warehouse,
                [(p.product, p.quantity, p.unit) for p in ticket_parts],
                purpose='repair', recipient=(
                    ticket.engineer.rec_name
                    if getattr(ticket, 'engineer', None) else None))
            cls.write(ticket_parts, {'outbound': str(outbound)})
        cls.crm_stock_requested(parts)


class DirectOutboundRepair(metaclass=PoolMeta):
    "Repair tickets ask for direct outbounds and follow them"
    __name__ = 'crm.stock.direct_outbound'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['crm.repair.ticket']

    @classmethod
    def _repair_parts(cls, outbounds):
        Part = Pool().get('crm.repair.part')
        return Part.search([
                ('outbound', 'in', [str(o) for o in outbounds]),
                ])

    @classmethod
    def crm_outbound_done(cls, outbounds):
        Part = Pool().get('crm.repair.part')
        super().crm_outbound_done(outbounds)
        parts = cls._repair_parts(outbounds)
        if parts:
            Part.crm_stock_done(parts)

    @classmethod
    def crm_outbound_cancelled(cls, outbounds):
        Part = Pool().get('crm.repair.part')
        super().crm_outbound_cancelled(outbounds)
        parts = cls._repair_parts(outbounds)
        if parts:
            Part.crm_stock_cancelled(parts)
