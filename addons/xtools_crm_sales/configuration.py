"""The sales settings of the CRM on Tryton's sale configuration: the
numbering of quotes, projects, contracts and orders (company-dependent, as
Tryton numbers sales), the payment reminder and what a contract or an order
may hold (S4). The tracking style
(customer- or opportunity-style) is opportunity_tracking.py's."""
from trytond.model import fields
from trytond.modules.company.model import CompanyValueMixin
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, Id, If

# Days before a payment plan is due that its deal's owner is reminded
DEFAULT_REMINDER_DAYS = 30
# A contract (合同) holds one or a few lines: the default maximum
DEFAULT_CONTRACT_MAX_LINES = 3
SEQUENCE_FIELDS = [
    'crm_quote_sequence', 'crm_project_sequence',
    'crm_contract_sequence', 'crm_order_sequence',
    ]


def _sequence_domain(company, type_module, type_fs_id):
    return [
        ('company', 'in', [company, None]),
        ('sequence_type', '=', Id(type_module, type_fs_id)),
        ]


def _default_sequence(fs_id):
    "The sequence the module ships as the default"
    try:
        return Pool().get('ir.model.data').get_id('xtools_crm_sales', fs_id)
    except KeyError:
        # While the module is being activated
        return None


_CONTEXT_COMPANY = Eval('context', {}).get('company', -1)


class Configuration(metaclass=PoolMeta):
    __name__ = 'sale.configuration'

    crm_quote_sequence = fields.MultiValue(fields.Many2One(
            'ir.sequence', "Quote Sequence", required=True,
            domain=_sequence_domain(
                _CONTEXT_COMPANY, 'xtools_crm_sales', 'sequence_type_quote')))
    crm_project_sequence = fields.MultiValue(fields.Many2One(
            'ir.sequence', "Project Sequence", required=True,
            domain=_sequence_domain(_CONTEXT_COMPANY,
                'xtools_crm_sales', 'sequence_type_project')))
    crm_contract_sequence = fields.MultiValue(fields.Many2One(
            'ir.sequence', "Contract Sequence",
            domain=_sequence_domain(
                _CONTEXT_COMPANY, 'sale', 'sequence_type_sale'),
            help="Numbers the contracts (合同) when they are submitted."))
    crm_order_sequence = fields.MultiValue(fields.Many2One(
            'ir.sequence', "Order Sequence",
            domain=_sequence_domain(
                _CONTEXT_COMPANY, 'sale', 'sequence_type_sale'),
            help="Numbers the orders (订单) when they are submitted."))
    crm_payment_reminder_days = fields.Integer(
        "Payment Reminder Days",
        domain=[If(Eval('crm_payment_reminder_days'),
                ('crm_payment_reminder_days', '>=', 0), ())],
        help="How many days before a payment plan is due its deal's owner "
        "is reminded (default 30).")
    crm_contract_max_lines = fields.Integer(
        "Contract Lines (max)",
        domain=['OR',
            ('crm_contract_max_lines', '=', None),
            ('crm_contract_max_lines', '>', 0),
            ],
        help="The most product lines a contract (合同) may hold when it is "
        "submitted: a contract sells one or a few services.\n"
        "Empty: no limit.")
    crm_order_goods_required = fields.Boolean(
        "Orders Must Sell Goods",
        help="An order (订单) made only of services is refused when it is "
        "submitted: services alone are sold with a contract.")

    @classmethod
    def multivalue_model(cls, field):
        if field in SEQUENCE_FIELDS:
            return Pool().get('sale.configuration.sequence')
        return super().multivalue_model(field)

    @classmethod
    def default_crm_quote_sequence(cls, **pattern):
        return cls.multivalue_model(
            'crm_quote_sequence').default_crm_quote_sequence()

    @classmethod
    def default_crm_project_sequence(cls, **pattern):
        return cls.multivalue_model(
            'crm_project_sequence').default_crm_project_sequence()

    @classmethod
    def default_crm_contract_sequence(cls, **pattern):
        return cls.multivalue_model(
            'crm_contract_sequence').default_crm_contract_sequence()

    @classmethod
    def default_crm_order_sequence(cls, **pattern):
        return cls.multivalue_model(
            'crm_order_sequence').default_crm_order_sequence()

    @classmethod
    def default_crm_payment_reminder_days(cls):
        return DEFAULT_REMINDER_DAYS

    @classmethod
    def default_crm_contract_max_lines(cls):
        return DEFAULT_CONTRACT_MAX_LINES

    @classmethod
    def default_crm_order_goods_required(cls):
        return False

    def get_crm_payment_reminder_days(self):
        days = self.crm_payment_reminder_days
        return DEFAULT_REMINDER_DAYS if days is None else days


class ConfigurationSequence(CompanyValueMixin, metaclass=PoolMeta):
    __name__ = 'sale.configuration.sequence'

    _COMPANY = Eval('company', -1)

    crm_quote_sequence = fields.Many2One(
        'ir.sequence', "Quote Sequence", required=True,
        domain=_sequence_domain(
            _COMPANY, 'xtools_crm_sales', 'sequence_type_quote'))
    crm_project_sequence = fields.Many2One(
        'ir.sequence', "Project Sequence", required=True,
        domain=_sequence_domain(
            _COMPANY, 'xtools_crm_sales', 'sequence_type_project'))
    crm_contract_sequence = fields.Many2One(
        'ir.sequence', "Contract Sequence",
        domain=_sequence_domain(_COMPANY, 'sale', 'sequence_type_sale'))
    crm_order_sequence = fields.Many2One(
        'ir.sequence', "Order Sequence",
        domain=_sequence_domain(_COMPANY, 'sale', 'sequence_type_sale'))

    @classmethod
    def default_crm_quote_sequence(cls):
        return _default_sequence('sequence_quote')

    @classmethod
    def default_crm_project_sequence(cls):
        return _default_sequence('sequence_project')

    @classmethod
    def default_crm_contract_sequence(cls):
        return _default_sequence('sequence_contract')

    @classmethod
    def default_crm_order_sequence(cls):
        return _default_sequence('sequence_order')
