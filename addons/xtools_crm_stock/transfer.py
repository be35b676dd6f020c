"""Transfers between warehouses (仓库间调拨, SPEC K5) on Tryton's
``stock.shipment.internal``:

    库管填写调拨单  the keeper writes the transfer: from a warehouse to
                   another, the goods (Tryton's request/draft)
    库管确认调拨明细 he confirms it: the goods are reserved in the source
                   warehouse, or the whole is refused when it lacks some
    执行调拨        he carries it out: the goods leave the source and enter
                   the destination (through Tryton's transit location when
                   the warehouses differ)

The keeper works with the warehouses; the storage locations of each are
filled in from them.
"""
from trytond.i18n import gettext
from trytond.model import ModelView, dualmethod, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from xtools_crm_base.access import Access, ButtonAccessMixin

from .availability import assign_or_refuse
from .exceptions import OutboundStepError, TransferError
from .locking import guard_dual_button, lock_rows

KEEPER = 'xtools_crm_base.group_role_stock'
# Tryton's own steps, which the keeper's buttons chain: for stock
# administrators only
TRYTON_STEP_BUTTONS = [
    'draft', 'wait', 'assign_try', 'assign_force', 'assign_wizard', 'pack',
    'ship', 'do',
    ]


class ShipmentInternal(ButtonAccessMixin, metaclass=PoolMeta):
    __name__ = 'stock.shipment.internal'

    crm_from_warehouse = fields.Many2One(
        'stock.location', "From Warehouse",
        domain=[('type', '=', 'warehouse')],
        states={
            'readonly': ~Eval('state').in_(['request', 'draft']),
            })
    crm_to_warehouse = fields.Many2One(
        'stock.location', "To Warehouse",
        domain=[('type', '=', 'warehouse')],
        states={
            'readonly': ~Eval('state').in_(['request', 'draft']),
            })
    crm_confirmed_by = fields.Many2One(
        'res.user', "Confirmed By", readonly=True, ondelete='RESTRICT')
    crm_done_by = fields.Many2One(
        'res.user', "Done By", readonly=True, ondelete='RESTRICT')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'crm_confirm': {
                    'invisible': ~Eval('state').in_(['request', 'draft']),
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'crm_execute': {
                    'invisible': Eval('state') != 'assigned',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                })
        for name in ['crm_confirm', 'crm_execute']:
            cls._button_access[name] = Access('write', groups=(KEEPER,))
        for name in TRYTON_STEP_BUTTONS:
            cls._button_access[name] = Access(
                'write', groups=('stock.group_stock_admin',))

    @dualmethod
    def assign_try(cls, shipments):
        guard_dual_button(cls, 'assign_try', shipments)
        return super().assign_try(shipments)

    @fields.depends(
        'crm_from_warehouse', 'crm_to_warehouse', methods=[
            'on_change_with_transit_location'])
    def on_change_crm_from_warehouse(self):
        if self.crm_from_warehouse:
            self.from_location = self.crm_from_warehouse.storage_location
            self.transit_location = self.on_change_with_transit_location()

    @fields.depends(
        'crm_from_warehouse', 'crm_to_warehouse', methods=[
            'on_change_with_transit_location'])
    def on_change_crm_to_warehouse(self):
        if self.crm_to_warehouse:
            self.to_location = self.crm_to_warehouse.storage_location
            self.transit_location = self.on_change_with_transit_location()

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Location = pool.get('stock.location')
        values = super().preprocess_values(mode, values)
        for warehouse, location in [
                ('crm_from_warehouse', 'from_location'),
                ('crm_to_warehouse', 'to_location')]:
            if values.get(warehouse) and not values.get(location):
                values[location] = Location(
                    values[warehouse]).storage_location.id
        return values

    @classmethod
    def validate_fields(cls, shipments, field_names):
        super().validate_fields(shipments, field_names)
        cls.check_crm_warehouses(shipments, field_names)

    @classmethod
    def check_crm_warehouses(cls, shipments, field_names=None):
        if field_names and not field_names & {
                'crm_from_warehouse', 'crm_to_warehouse'}:
            return
        for shipment in shipments:
            if (shipment.crm_from_warehouse
                    and shipment.crm_from_warehouse
                    == shipment.crm_to_warehouse):
                raise TransferError(gettext(
                        'xtools_crm_stock.msg_transfer_same_warehouse',
                        transfer=shipment.rec_name))

    @classmethod
    def crm_lock_at(cls, shipments, states, action):
        lock_rows(cls, shipments)
        shipments = cls.browse(shipments)
        for shipment in shipments:
            if shipment.state not in states:
                user = shipment.crm_done_by or shipment.crm_confirmed_by
                raise OutboundStepError(gettext(
                        'xtools_crm_stock.msg_transfer_not_at_step',
                        transfer=shipment.number or shipment.id,
                        action=action,
                        user=user.rec_name if user else '-'))
        return shipments

    @classmethod
    @ModelView.button
    def crm_confirm(cls, shipments):
        "确认调拨明细: the goods are reserved in the source warehouse"
        shipments = cls.crm_lock_at(
            shipments, {'request', 'draft'},
            gettext('xtools_crm_stock.msg_action_confirm'))
        requested = [s for s in shipments if s.state == 'request']
        if requested:
            cls.draft(requested)
        shipments = cls.browse(shipments)
        for shipment in shipments:
            if not shipment.moves:
                raise TransferError(gettext(
                        'xtools_crm_stock.msg_transfer_empty',
                        transfer=shipment.rec_name))
        cls.wait(shipments)
        for shipment in cls.browse(shipments):
            assign_or_refuse(
                shipment.assign_moves, shipment.number or shipment.rec_name)
        cls.assign(cls.browse(shipments))
        cls.write(list(shipments), {
                'crm_confirmed_by': Transaction().user or None,
                })

    @classmethod
    @ModelView.button
    def crm_execute(cls, shipments):
        "执行调拨: the goods leave the source and enter the destination"
        shipments = cls.crm_lock_at(
            shipments, {'assigned'},
            gettext('xtools_crm_stock.msg_action_execute'))
        in_transit = [s for s in shipments if s.transit_location]
        if in_transit:
            cls.pack(in_transit)
            cls.ship(cls.browse(in_transit))
        cls.do(cls.browse(shipments))
        cls.write(list(shipments), {
                'crm_done_by': Transaction().user or None,
                })

    @classmethod
    def copy(cls, shipments, default=None):
        default = default.copy() if default else {}
        default.setdefault('crm_confirmed_by')
        default.setdefault('crm_done_by')
        return super().copy(shipments, default=default)
