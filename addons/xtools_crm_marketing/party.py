"""The campaign that brought a customer (来源活动): what the campaign's
actual customers count."""
from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    # Named like the campaign field Tryton puts on opportunities and sales
    marketing_campaign = fields.Many2One(
        'marketing.campaign', "Campaign", ondelete='RESTRICT',
        states={
            'invisible': ~Eval('crm_customer_type'),
            },
        help="The marketing campaign that brought the customer.")
