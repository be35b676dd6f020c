"""The keeper's confirmation of an outbound document (库管确认, SPEC K1):
the requested lines, what the warehouse can give of each, and the quantity
of this batch (分批出库). The work is done by
``stock.shipment.out.crm_confirm_batch`` (outbound.py)."""
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.wizard import Button, StateTransition, StateView, Wizard

from xtools_crm_base.access import Access, CheckedWizardMixin

from .availability import available_quantities
from .outbound import KEEPER


class ConfirmOutboundStart(ModelView):
    "Confirm an outbound document"
    __name__ = 'stock.shipment.out.crm_confirm.start'
    __string__ = "Confirm Outbound"

    shipment = fields.Many2One(
        'stock.shipment.out', "Outbound", readonly=True)
    consignee = fields.Char("Consignee", readonly=True)
    address = fields.Text("Ship To", readonly=True)
    lines = fields.One2Many(
        'stock.shipment.out.crm_confirm.line', None, "Lines",
        help="Lower a quantity to ship in batches: the rest is requested "
        "again in a new outbound document.")


class ConfirmOutboundLine(ModelView):
    "A line of an outbound document to confirm"
    __name__ = 'stock.shipment.out.crm_confirm.line'
    __string__ = "Outbound Line to Confirm"

    move = fields.Many2One('stock.move', "Move", readonly=True)
    product = fields.Many2One('product.product', "Product", readonly=True)
    unit = fields.Many2One('product.uom', "Unit", readonly=True)
    requested = fields.Float("Requested", digits='unit', readonly=True)
    available = fields.Float(
        "Available", digits='unit', readonly=True,
        help="What the warehouse can give today, besides what is already "
        "reserved for other documents.")
    quantity = fields.Float(
        "This Batch", digits='unit', required=True,
        domain=[
            ('quantity', '>=', 0),
            ('quantity', '<=', Eval('requested', 0)),
            ])


class ConfirmOutbound(CheckedWizardMixin, Wizard):
    "Confirm an outbound document"
    __name__ = 'stock.shipment.out.crm_confirm'
    # a keeper's, and the outbound must still await the keeper
    # (crm_confirm_batch)
    _state_access = {'confirm': Access('write', groups=(KEEPER,))}

    start = StateView(
        'stock.shipment.out.crm_confirm.start',
        'xtools_crm_stock.outbound_confirm_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Confirm", 'confirm', 'tryton-ok', default=True),
            ])
    confirm = StateTransition()

    def default_start(self, fields):
        Uom = Pool().get('product.uom')
        shipment = self.record
        moves = [m for m in shipment.outgoing_moves
            if m.state not in {'cancelled', 'done'}]
        available = available_quantities(
            shipment.warehouse_storage, [m.product for m in moves])
        lines = []
        for move in moves:
            in_stock = Uom.compute_qty(
                move.product.default_uom, available.get(move.product.id, 0),
                move.unit, round=False)
            lines.append({
                    'move': move.id,
                    'product': move.product.id,
                    'unit': move.unit.id,
                    'requested': move.quantity,
                    'available': move.unit.round(max(in_stock, 0)),
                    'quantity': move.quantity,
                    })
        return {
            'shipment': shipment.id,
            'consignee': ' '.join(filter(None, [
                        shipment.crm_consignee_name,
                        shipment.crm_consignee_phone])),
            'address': shipment.crm_delivery_address,
            'lines': lines,
            }

    def transition_confirm(self):
        quantities = {
            l.move.id: l.quantity for l in self.start.lines if l.move}
        self.model.crm_confirm_batch(self.record, quantities)
        return 'end'
