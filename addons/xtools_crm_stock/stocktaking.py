"""Stocktaking (盘点, SPEC K4) on Tryton's ``stock.inventory``.

The keeper counts a warehouse's storage (Tryton fills the lines with what
it expects, ``complete_lines``); each line shows the difference between
the count and the books, and a line that differs from what the books held
needs its reason before the stocktaking is confirmed: Tryton then books the differences against
the warehouse's lost-and-found location, as stock moves with the line as
origin (they appear in the ledger).

Reuse note: Tryton's ``stock_inventory_location`` creates empty
stocktakings for many locations at once; the company counts one warehouse
a month (11.8), which one stocktaking and its "complete lines" do, so it
is not used.
"""
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval

from xtools_crm_base.dictionary import dictionary_field

from .exceptions import InventoryReasonError


class Dictionary(metaclass=PoolMeta):
    __name__ = 'crm.dictionary'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.type.selection.append(
            ('stock_difference', "Stocktaking Difference Reason"))


class Inventory(metaclass=PoolMeta):
    __name__ = 'stock.inventory'

    crm_note = fields.Text(
        "Note", states={'readonly': Eval('state') != 'draft'})
    crm_opening = fields.Boolean(
        "Opening Stock", readonly=True,
        help="Made by the import of the opening stock (库存初始化): it "
        "sets the quantities, it finds no differences.")

    @classmethod
    def confirm(cls, inventories):
        cls.check_difference_reasons(inventories)
        super().confirm(inventories)

    @classmethod
    def check_difference_reasons(cls, inventories):
        "A counted quantity that differs from the books says why"
        for inventory in inventories:
            if inventory.crm_opening:
                continue
            for line in inventory.lines:
                # A product the books did not hold there is counted in for
                # the first time (an opening count), not a difference
                if (line.crm_difference and line.expected_quantity
                        and not (line.crm_reason or line.crm_reason_note)):
                    raise InventoryReasonError(gettext(
                            'xtools_crm_stock.msg_inventory_reason_required',
                            inventory=inventory.rec_name,
                            product=line.product.rec_name,
                            difference=line.crm_difference))


class InventoryLine(metaclass=PoolMeta):
    __name__ = 'stock.inventory.line'

    crm_difference = fields.Function(fields.Float(
            "Difference", digits='unit',
            help="The count minus what the books expected."),
        'on_change_with_crm_difference')
    crm_reason = dictionary_field(
        'stock_difference', "Reason",
        states={
            'readonly': Eval('inventory_state') != 'draft',
            })
    crm_reason_note = fields.Char(
        "Explanation",
        states={
            'readonly': Eval('inventory_state') != 'draft',
            })

    @fields.depends('quantity', 'expected_quantity', 'unit')
    def on_change_with_crm_difference(self, name=None):
        if self.quantity is None:
            return None
        difference = self.quantity - (self.expected_quantity or 0)
        return self.unit.round(difference) if self.unit else difference
