from trytond.model import Index, fields
from trytond.pool import PoolMeta
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction

CUSTOMER_TYPES = [
    (None, ""),
    ('enterprise', "Enterprise"),
    ('individual', "Individual"),
    ]


class Party(metaclass=PoolMeta):
    "A CRM customer is a Tryton party with a customer type and an owner"
    __name__ = 'party.party'

    crm_customer_type = fields.Selection(
        CUSTOMER_TYPES, "Customer Type",
        help="Empty for parties that are not CRM customers "
        "(the company itself, suppliers, employees).")
    crm_owner = fields.Many2One(
        'res.user', "Owner", ondelete='RESTRICT',
        states={
            'required': Bool(Eval('crm_customer_type')),
            'invisible': ~Eval('crm_customer_type'),
            },
        help="The salesperson responsible for the customer.")
    crm_shares = fields.One2Many(
        'crm.customer.share', 'customer', "Shared With",
        states={
            'invisible': ~Eval('crm_customer_type'),
            })
    crm_contacts = fields.One2Many(
        'crm.contact', 'customer', "Contacts",
        states={
            'invisible': ~Eval('crm_customer_type'),
            })

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.crm_owner, Index.Equality())))

    @classmethod
    def default_crm_owner(cls):
        if Transaction().context.get('crm_customer_type'):
            return Transaction().user or None

    @classmethod
    def default_crm_customer_type(cls):
        return Transaction().context.get('crm_customer_type')
