"""With the sales module: the service console lists the customer's deals
(合同订单), which customer service reads."""
from trytond.model import fields
from trytond.pool import PoolMeta


class ConsoleStart(metaclass=PoolMeta):
    __name__ = 'crm.service.console.start'

    deals = fields.Many2Many('sale.sale', None, None, "Deals", readonly=True)

    @fields.depends('deals')
    def fill(self):
        super().fill()

    @classmethod
    def _lists(cls):
        lists = super()._lists()
        lists['deals'] = 'sale.sale'
        return lists

    @classmethod
    def _list_domain(cls, name, customer):
        if name == 'deals':
            return [('party', '=', customer.id)]
        return super()._list_domain(name, customer)
