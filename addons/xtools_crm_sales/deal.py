"""Contracts and orders (合同订单, SPEC S4): numbering per type, category,
owner, contract text, and the lock of what was submitted for approval.

A deal is a Tryton sale. Its salesperson (负责人) is ``crm_owner``, a CRM
user: it starts as the customer's owner (the current user for a party
without one), follows the customer when it is transferred, and decides who
approves the deal (see deal_approval.py). Tryton's employee fields (quoted
by, confirmed by) stay as they are: CRM users need not be employees.
"""
from itertools import groupby

from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from xtools_crm_base.access import ButtonAccessMixin
from xtools_crm_base.dictionary import dictionary_field
from xtools_crm_base.selection_labels import SelectionLabels

from .exceptions import (
    ContractGoodsError, ContractLinesError, DealCategoryError,
    DealLockedError, OrderServicesError, ShippingBeforeApprovalError)

# Tryton sale states of an approved deal (审批同意): confirmed is approved,
# processing and done are its execution.
APPROVED_STATES = {'confirmed', 'processing', 'done'}
# States in which the header and lines are locked: submitted or approved.
LOCKED_STATES = {'quotation'} | APPROVED_STATES

# What the approval fixes (8.7): the header data and the lines. Other
# modules' fields (consignee, shipping notes …) stay editable.
DEAL_HEADER_FIELDS = {
    'party', 'contact', 'invoice_party', 'invoice_address',
    'shipment_party', 'shipment_address', 'company', 'currency',
    'payment_term', 'sale_date', 'description', 'reference', 'warehouse',
    'price_list', 'origin', 'invoice_method', 'shipment_method', 'lines',
    'crm_deal_type', 'crm_category', 'crm_contract_text', 'crm_owner',
    }
DEAL_LINE_FIELDS = {
    'sale', 'type', 'sequence', 'product', 'quantity', 'unit', 'unit_price',
    'base_price', 'discount_rate', 'discount_amount', 'taxes',
    'description', 'crm_delivery_date',
    }


class Sale(SelectionLabels, ButtonAccessMixin, metaclass=PoolMeta):
    __name__ = 'sale.sale'

    crm_owner = fields.Many2One(
        'res.user', "Owner", ondelete='RESTRICT',
        states={
            'readonly': Eval('state') != 'draft',
            },
        help="The salesperson responsible for the deal (负责人): by default "
        "the customer's owner. The owner's manager approves the deal.")
    crm_category = dictionary_field(
        'deal_category', "Category",
        states={
            'readonly': Eval('state') != 'draft',
            })
    crm_contract_text = fields.Text(
        "Contract Text",
        states={
            'readonly': Eval('state') != 'draft',
            },
        help="The text of a short contract, or the special clauses of a "
        "long one whose full text is attached.")
    crm_attachments = fields.One2Many(
        'ir.attachment', 'resource', "Attachments",
        help="The signed contract and its appendices (scans, PDF …).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Deals inherit their customer's data permissions (B3).
        cls.__access__.add('party')

    @classmethod
    def default_crm_owner(cls):
        return Transaction().user or None

    @classmethod
    def default_crm_category(cls):
        "The standard category (标准), while the CRM administrator keeps it"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Dictionary = pool.get('crm.dictionary')
        try:
            standard = ModelData.get_id(
                'xtools_crm_sales', 'dict_deal_category_standard')
        except KeyError:
            return None
        if Dictionary.search([('id', '=', standard)], limit=1):
            return standard

    @fields.depends('crm_owner')
    def on_change_party(self):
        super().on_change_party()
        if self.party and self.party.crm_owner:
            self.crm_owner = self.party.crm_owner

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Party = pool.get('party.party')
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('crm_owner'):
            owner = None
            if values.get('party'):
                owner = Party(values['party']).crm_owner
            owner = owner.id if owner else Transaction().user or None
            values['crm_owner'] = owner
        return values

    @classmethod
    def set_number(cls, sales):
        "Contracts and orders are numbered by their own sequence (8.4)"
        pool = Pool()
        Config = pool.get('sale.configuration')
        config = Config(1)

        def key(sale):
            return sale.company.id, sale.crm_deal_type or ''
        to_save = []
        for (company, deal_type), k_sales in groupby(
                sorted(sales, key=key), key=key):
            k_sales = [s for s in k_sales if not s.number]
            if not k_sales or not deal_type:
                continue
            sequence = config.get_multivalue(
                f'crm_{deal_type}_sequence', company=company)
            if not sequence:
                continue
            for sale, number in zip(
                    k_sales, sequence.get_many(len(k_sales))):
                sale.number = number
                to_save.append(sale)
        cls.save(to_save)
        # Tryton's sale sequence numbers whatever is left
        super().set_number(sales)

    def check_for_quotation(self):
        super().check_for_quotation()
        self.check_deal_category()
        self.check_contract_lines()
        self.check_order_lines()

    def check_deal_category(self):
        "A deal is submitted with its category (分类)"
        if not self.crm_category:
            raise DealCategoryError(gettext(
                    'xtools_crm_sales.msg_deal_category_required',
                    deal=self.rec_name))

    def _crm_goods_lines(self):
        "The lines that sell stock-linked goods"
        Move = Pool().get('stock.move')
        return [l for l in self.line_lines
            if l.product and l.product.type in Move.get_product_types()]

    def check_contract_lines(self):
        """A contract sells services, in one or a few lines (the sales
        settings' maximum): goods (stock) are sold with an order"""
        Config = Pool().get('sale.configuration')
        if self.crm_deal_type != 'contract':
            return
        goods = self._crm_goods_lines()
        if goods:
            raise ContractGoodsError(gettext(
                    'xtools_crm_sales.msg_deal_contract_goods',
                    deal=self.rec_name,
                    product=goods[0].product.rec_name))
        maximum = Config(1).crm_contract_max_lines
        lines = [l for l in self.line_lines if l.product]
        if maximum and len(lines) > maximum:
            raise ContractLinesError(gettext(
                    'xtools_crm_sales.msg_deal_contract_too_many_lines',
                    deal=self.rec_name, lines=len(lines), max=maximum))

    def check_order_lines(self):
        """An order sells goods: if the sales settings say so, an order of
        services only is refused (services alone make a contract)"""
        Config = Pool().get('sale.configuration')
        if (self.crm_deal_type != 'order'
                or not Config(1).crm_order_goods_required):
            return
        if not self._crm_goods_lines():
            raise OrderServicesError(gettext(
                    'xtools_crm_sales.msg_deal_order_services_only',
                    deal=self.rec_name))

    @classmethod
    def check_modification(cls, mode, sales, values=None, external=False):
        super().check_modification(
            mode, sales, values=values, external=external)
        if mode == 'write' and external:
            cls.check_deal_locked(sales, set(values) & DEAL_HEADER_FIELDS)

    @classmethod
    def check_deal_locked(cls, sales, field_names):
        """Refuse changing the header of a submitted or approved deal.
        Tryton's own processing writes internally (not external) and is
        not concerned."""
        if not field_names:
            return
        for sale in sales:
            if sale.state in LOCKED_STATES:
                raise DealLockedError(gettext(
                        'xtools_crm_sales.msg_deal_locked_submitted'
                        if sale.state == 'quotation'
                        else 'xtools_crm_sales.msg_deal_locked_approved',
                        deal=sale.rec_name,
                        fields=', '.join(sorted(
                                cls.__names__(f)['field']
                                for f in field_names))))

    @property
    def crm_is_approved(self):
        return self.state in APPROVED_STATES

    @classmethod
    def copy(cls, sales, default=None):
        default = default.copy() if default else {}
        default.setdefault('crm_owner')
        return super().copy(sales, default=default)


class SaleLine(metaclass=PoolMeta):
    __name__ = 'sale.line'

    crm_delivery_date = fields.Date(
        "Planned Delivery",
        states={
            'readonly': Eval('sale_state') != 'draft',
            'invisible': Eval('type') != 'line',
            },
        help="The delivery plan (交付计划) of a contract: when the service "
        "is due.")

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if mode == 'write' and external:
            field_names = set(values) & DEAL_LINE_FIELDS
            if field_names:
                for line in lines:
                    if line.sale.state in LOCKED_STATES:
                        raise DealLockedError(gettext(
                                'xtools_crm_sales.msg_deal_line_locked',
                                line=line.rec_name,
                                deal=line.sale.rec_name))


class Move(metaclass=PoolMeta):
    __name__ = 'stock.move'

    @classmethod
    def check_modification(cls, mode, moves, values=None, external=False):
        super().check_modification(
            mode, moves, values=values, external=external)
        if mode == 'create' or (mode == 'write' and 'origin' in values):
            cls.check_sale_approved(moves)

    @classmethod
    def check_sale_approved(cls, moves):
        "Nothing of a deal is shipped before its approval (8.7)"
        SaleLine = Pool().get('sale.line')
        for move in moves:
            origin = move.origin
            if (isinstance(origin, SaleLine) and origin.id >= 0
                    and not origin.sale.crm_is_approved):
                raise ShippingBeforeApprovalError(gettext(
                        'xtools_crm_sales.msg_deal_ship_not_approved',
                        deal=origin.sale.rec_name))


class Dictionary(metaclass=PoolMeta):
    __name__ = 'crm.dictionary'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.type.selection.append(('deal_category', "Deal Category"))


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    @classmethod
    def _crm_transfer_related(cls, customers, new_owner):
        "The deals follow their customer to its new owner (转移)"
        Sale = Pool().get('sale.sale')
        super()._crm_transfer_related(customers, new_owner)
        sales = Sale.search([
                ('party', 'in', [c.id for c in customers]),
                ('crm_owner', '!=', new_owner.id),
                ])
        if sales:
            Sale.write(sales, {'crm_owner': new_owner.id})

