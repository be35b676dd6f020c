from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields


class Contact(DeactivableMixin, ModelSQL, ModelView):
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
        # A contact is visible and editable exactly when its customer is.
        cls.__access__.add('customer')
        cls._order.insert(0, ('name', 'ASC'))
