"""Quotes (报价单, SPEC S3): what was offered to a customer — products,
quantities, list prices from a price list, discounts — for an opportunity
or a project or on its own; "create contract/order" (创建合同订单) turns it
into a Tryton sale with the same customer, lines and prices.

The quotes of an opportunity are its quote history (历史报价). A quote
belongs to its customer's visibility like any customer-related record."""
from decimal import Decimal

from sql.functions import CharLength

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction, without_check_access

from xtools_crm_base.customer_related import CustomerRelatedMixin
from xtools_crm_base.one2many_search import One2ManyBySearch

from .deal_type import DEAL_TYPES
from .exceptions import QuoteValidationError
from .followup import PipelineLinkMixin

STATES = [
    ('draft', "Draft"),
    ('sent', "Sent"),
    ('accepted', "Accepted"),
    ('rejected', "Rejected"),
    ('cancelled', "Cancelled"),
    ]


class Quote(
        CustomerRelatedMixin, PipelineLinkMixin, Workflow, ModelSQL,
        ModelView):
    "Quote (报价单)"
    __name__ = 'crm.quote'
    __string__ = "Quote"
    _rec_name = 'number'

    _draft = {'readonly': Eval('state') != 'draft'}

    number = fields.Char("Number", readonly=True)
    title = fields.Char(
        "Title", states=_draft, help="What the quote is for (报价单名称).")
    company = fields.Many2One(
        'company.company', "Company", required=True,
        states={
            'readonly': (Eval('state') != 'draft') | Eval('lines', [0]),
            })
    currency = fields.Many2One(
        'currency.currency', "Currency", required=True,
        states={
            'readonly': (Eval('state') != 'draft') | Eval('lines', [0]),
            })
    customer = fields.Many2One(
        'party.party', "Customer", required=True, ondelete='RESTRICT',
        domain=[('crm_customer_type', '!=', None)],
        context={'company': Eval('company', -1)}, depends={'company'},
        states=_draft)
    contact = fields.Many2One(
        'crm.contact', "Contact", ondelete='SET NULL',
        domain=[('customer', '=', Eval('customer', -1))], states=_draft)
    employee = fields.Many2One(
        'company.employee', "Salesperson", states=_draft,
        domain=[('company', '=', Eval('company', -1))])
    quote_date = fields.Date("Quote Date", required=True, states=_draft)
    valid_until = fields.Date(
        "Valid Until", states=_draft,
        domain=[If(Bool(Eval('valid_until')) & Bool(Eval('quote_date')),
                ('valid_until', '>=', Eval('quote_date')),
                ())])
    price_list = fields.Many2One(
        'product.price_list', "Price List", ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))], states=_draft,
        help="The list prices of the lines come from this price list "
        "(by default the one of the customer's group); choosing another "
        "fills the prices again.")
    deal_type = fields.Selection(
        DEAL_TYPES, "Create as", required=True, states=_draft,
        help="Whether the quote becomes a contract (services) or an order "
        "(goods).")
    lines = fields.One2Many('crm.quote.line', 'quote', "Lines", states={
            'readonly': (Eval('state') != 'draft') | ~Eval('customer'),
            })
    description = fields.Text("Description", states=_draft)
    list_amount = fields.Function(
        Monetary("List Amount", currency='currency', digits='currency',
            help="The lines at their list prices."),
        'get_amounts')
    discount_amount = fields.Function(
        Monetary("Discount", currency='currency', digits='currency'),
        'get_amounts')
    untaxed_amount = fields.Function(
        Monetary("Total", currency='currency', digits='currency',
            help="Without taxes."),
        'get_amounts')
    sales = fields.One2Many(
        'sale.sale', 'crm_quote', "Contracts and Orders", readonly=True)
    state = fields.Selection(
        STATES, "State", required=True, readonly=True, sort=False)

    del _draft

    @classmethod
    def __setup__(cls):
        cls.number.search_unaccented = False
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.customer, Index.Equality())),
                Index(t, (t.number, Index.Similarity())),
                })
        # The opportunity or project (PipelineLinkMixin) of a quote is
        # settled once it is sent
        for name in ['opportunity', 'project']:
            field = getattr(cls, name)
            field.states = {
                **field.states, 'readonly': Eval('state') != 'draft'}
        cls._order = [
            ('quote_date', 'DESC'),
            ('id', 'DESC'),
            ]
        cls._transitions |= {
            ('draft', 'sent'),
            ('draft', 'accepted'),
            ('sent', 'accepted'),
            ('sent', 'rejected'),
            ('draft', 'cancelled'),
            ('sent', 'cancelled'),
            ('sent', 'draft'),
            ('rejected', 'draft'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'draft': {
                    'invisible': ~Eval('state').in_(
                        ['sent', 'rejected', 'cancelled']),
                    'icon': If(Eval('state') == 'sent',
                        'tryton-back', 'tryton-undo'),
                    'depends': ['state'],
                    },
                'send': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'accept': {
                    'invisible': Eval('state') != 'sent',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'reject': {
                    'invisible': Eval('state') != 'sent',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'sent']),
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'create_deal': {
                    'invisible': (
                        ~Eval('state').in_(['draft', 'sent', 'accepted'])
                        | Bool(Eval('sales', []))),
                    'icon': 'tryton-forward',
                    'depends': ['state', 'sales'],
                    },
                })

    @classmethod
    def order_number(cls, tables):
        table, _ = tables[None]
        return [CharLength(table.number), table.number]

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_currency(cls, **pattern):
        Company = Pool().get('company.company')
        company = pattern.get('company') or cls.default_company()
        if company is not None and company >= 0:
            return Company(company).currency.id

    @classmethod
    def default_employee(cls):
        return Transaction().context.get('employee')

    @classmethod
    def default_quote_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_deal_type(cls):
        return 'order'

    @classmethod
    def default_price_list(cls):
        Party = Pool().get('party.party')
        customer = cls.default_customer()
        if customer is not None:
            price_list = Party(customer).crm_sale_price_list(
                cls.default_company())
            return price_list.id if price_list else None

    @fields.depends('company', 'lines')
    def on_change_company(self):
        if self.company and not self.lines:
            self.currency = self.company.currency

    @fields.depends(
        'customer', 'company', 'contact', 'opportunity', 'project',
        '_parent_opportunity.party', '_parent_project.customer',
        methods=['on_change_price_list'])
    def on_change_customer(self):
        if self.contact and self.contact.customer != self.customer:
            self.contact = None
        if self.opportunity and self.opportunity.party != self.customer:
            self.opportunity = None
        if self.project and self.customer not in self.project.customers:
            self.project = None
        if self.customer:
            self.price_list = self.customer.crm_sale_price_list(self.company)
            self.on_change_price_list()

    @fields.depends('lines', methods=['_line_price_context'])
    def on_change_price_list(self):
        "A new price list fills the list prices of the lines again"
        for line in self.lines or []:
            line.quote = self
            line.on_change_quantity()
        self.lines = self.lines

    @fields.depends(
        'company', 'currency', 'customer', '_parent_customer.id',
        'price_list', 'quote_date')
    def _line_price_context(self):
        context = {}
        if self.company:
            context['company'] = self.company.id
        if self.currency:
            context['currency'] = self.currency.id
        if self.customer:
            context['customer'] = self.customer.id
        context['price_list'] = (
            self.price_list.id if self.price_list else None)
        context['sale_date'] = self.quote_date
        return context

    @classmethod
    def get_amounts(cls, quotes, names):
        result = {name: {} for name in names}
        for quote in quotes:
            total = sum((line.amount or Decimal(0)
                    for line in quote.lines), Decimal(0))
            listed = sum((line.list_amount or Decimal(0)
                    for line in quote.lines), Decimal(0))
            if quote.currency:
                total = quote.currency.round(total)
                listed = quote.currency.round(listed)
            values = {
                'untaxed_amount': total,
                'list_amount': listed,
                'discount_amount': listed - total,
                }
            for name in names:
                result[name][quote.id] = values[name]
        return result

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Configuration = pool.get('sale.configuration')
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('number'):
            company_id = values.get('company', cls.default_company())
            if company_id is not None:
                sequence = Configuration(1).get_multivalue(
                    'crm_quote_sequence', company=company_id)
                if sequence:
                    values['number'] = sequence.get()
        return values

    @classmethod
    def copy(cls, quotes, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('number', None)
        default.setdefault('sales', None)
        default.setdefault('state', 'draft')
        default.setdefault('quote_date', cls.default_quote_date())
        default.setdefault('valid_until', None)
        return super().copy(quotes, default=default)

    @classmethod
    def check_modification(cls, mode, quotes, values=None, external=False):
        super().check_modification(
            mode, quotes, values=values, external=external)
        if mode == 'delete':
            for quote in quotes:
                if quote.state not in {'draft', 'cancelled'} or quote.sales:
                    raise QuoteValidationError(gettext(
                            'xtools_crm_sales.msg_quote_delete',
                            quote=quote.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, quotes):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('sent')
    def send(cls, quotes):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('accepted')
    def accept(cls, quotes):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('rejected')
    def reject(cls, quotes):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, quotes):
        pass

    @classmethod
    @ModelView.button_action('xtools_crm_sales.act_sale_form')
    def create_deal(cls, quotes):
        """创建合同订单: a contract or an order with the customer, the lines and
        the prices of each quote that has none yet; the quotes are then
        accepted."""
        pool = Pool()
        Sale = pool.get('sale.sale')
        Opportunity = pool.get('sale.opportunity')
        quotes = [q for q in quotes
            if q.state in {'draft', 'sent', 'accepted'} and not q.sales]
        for quote in quotes:
            if not quote.lines:
                raise QuoteValidationError(gettext(
                        'xtools_crm_sales.msg_quote_no_lines',
                        quote=quote.rec_name))
        sales = [q.get_deal() for q in quotes]
        Sale.save(sales)
        cls.accept([q for q in quotes if q.state != 'accepted'])
        opportunities = list({q.opportunity for q in quotes if q.opportunity})
        if opportunities:
            # As Tryton does when an opportunity's sale moves on: the
            # opportunity is converted and follows its sales.
            with without_check_access():
                Opportunity.process(Opportunity.browse(opportunities))
        return {'res_id': [s.id for s in sales]}

    def get_deal(self):
        "The unsaved sale.sale that the quote becomes"
        pool = Pool()
        Sale = pool.get('sale.sale')
        sale = Sale(
            company=self.company,
            party=self.customer,
            crm_deal_type=self.deal_type,
            description=self.title,
            comment=self.description,
            sale_date=None,
            warehouse=Sale.default_warehouse(),
            crm_quote=self,
            crm_project=self.project,
            )
        if self.opportunity:
            sale.origin = self.opportunity
        sale.on_change_party()
        sale.currency = self.currency
        sale.price_list = self.price_list
        sale.lines = [line.get_sale_line(sale) for line in self.lines]
        return sale


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    crm_quote = fields.Many2One(
        'crm.quote', "Quote", readonly=True, ondelete='RESTRICT',
        domain=[('customer', '=', Eval('party', -1))],
        help="The quote the deal was created from.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.crm_quote, Index.Equality())))

    @classmethod
    def copy(cls, sales, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('crm_quote', None)
        return super().copy(sales, default=default)


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    crm_quotes = One2ManyBySearch(
        'crm.quote', 'customer', "Quotes",
        states={'invisible': ~Eval('crm_customer_type')})
