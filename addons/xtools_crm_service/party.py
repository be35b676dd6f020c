from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval


class Party(metaclass=PoolMeta):
    "The customer's service history, shown on the customer form"
    __name__ = 'party.party'

    crm_service_records = fields.One2Many(
        'crm.service.record', 'customer', "Service Records", readonly=True,
        states={
            'invisible': ~Eval('crm_customer_type'),
            })
