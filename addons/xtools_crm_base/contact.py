from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields

from .customer_related import CustomerRelatedMixin


class Contact(CustomerRelatedMixin, DeactivableMixin, ModelSQL, ModelView):
    "Contact person of a customer (联系人)"
    __name__ = 'crm.contact'

    customer = fields.Many2One(
        'party.party', "Customer", required=True, ondelete='CASCADE',
        domain=[('crm_customer_type', '!=', None)])
    name = fields.Char("Name", required=True)
    title = fields.Char("Title")
    mobile = fields.Char("Mobile")
    phone = fields.Char("Phone")
    email = fields.Char("Email")
    note = fields.Text("Note")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('name', 'ASC'))
