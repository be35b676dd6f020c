"""The deal type (S4): a CRM deal is a Tryton sale that is either a
contract (合同) or an order (订单), fixed once the deal is quoted."""
from trytond.i18n import gettext
from trytond.model import fields
from trytond.model.exceptions import AccessError
from trytond.pool import PoolMeta
from trytond.pyson import Eval

DEAL_TYPES = [
    ('contract', "Contract"),
    ('order', "Order"),
    ]


class Sale(metaclass=PoolMeta):
    "A CRM deal is a Tryton sale that is either a contract or an order"
    __name__ = 'sale.sale'

    crm_deal_type = fields.Selection(
        DEAL_TYPES, "Deal Type", required=True,
        states={
            'readonly': Eval('state') != 'draft',
            },
        help="A contract sells services (delivery plan, no stock); "
        "an order sells goods (stock, outbound and shipping).\n"
        "A deal is one or the other, never both.")

    @classmethod
    def default_crm_deal_type(cls):
        return 'order'

    @classmethod
    def check_modification(cls, mode, sales, values=None, external=False):
        super().check_modification(
            mode, sales, values=values, external=external)
        if mode == 'write' and 'crm_deal_type' in values:
            cls.check_deal_type_change(sales, values['crm_deal_type'])

    @classmethod
    def check_deal_type_change(cls, sales, deal_type):
        # The type decides the later process (stock or delivery plan), so
        # it is fixed as soon as the deal is quoted.
        for sale in sales:
            if sale.state != 'draft' and sale.crm_deal_type != deal_type:
                raise AccessError(gettext(
                        'xtools_crm_sales.msg_sale_deal_type_locked',
                        sale=sale.rec_name))
