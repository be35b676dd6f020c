"""Price lists per customer group (价格表, SPEC S9): "the same tea cup costs
50 yuan to ordinary customers and 30 to old ones". Customer groups are
Tryton's party categories; a price list names the groups it is for.

The price list of a customer's quotes and orders is, in this order: the
list set on the customer itself (Tryton's sale_price_list), the list of
the customer's group (its own categories first, then their parents), the
company's default list. It can be changed on each quote and order."""
from trytond.model import ModelSQL, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction


class PriceList(metaclass=PoolMeta):
    __name__ = 'product.price_list'

    crm_customer_groups = fields.Many2Many(
        'product.price_list-party.category', 'price_list', 'category',
        "Customer Groups",
        help="The customers of these groups (and of their sub-groups) get "
        "this price list on their quotes, contracts and orders, unless "
        "they have a price list of their own.")


class PriceListCustomerGroup(ModelSQL):
    "Price List - Customer Group"
    __name__ = 'product.price_list-party.category'
    __string__ = "Price List Customer Group"

    price_list = fields.Many2One(
        'product.price_list', "Price List", required=True,
        ondelete='CASCADE')
    category = fields.Many2One(
        'party.category', "Customer Group", required=True,
        ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('price_list')


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    @classmethod
    def default_sale_price_list(cls, **pattern):
        # Tryton stores the company's default list on every new party,
        # which would then pass for the party's own list and hide its
        # group's. Without a list of its own, the party's sales still get
        # the company's default (see crm_sale_price_list).
        return None

    def crm_sale_price_list(self, company=None):
        """The price list for the customer's quotes and orders in the
        company (of the context by default), or None"""
        pool = Pool()
        Configuration = pool.get('sale.configuration')
        PriceList = pool.get('product.price_list')
        if company is None:
            company = Transaction().context.get('company')
        company_id = int(company) if company is not None else None
        own = [v.sale_price_list for v in self.sale_price_lists
            if v.sale_price_list
            and (not v.company or v.company.id == company_id)]
        if own:
            return own[0]
        groups = self._crm_customer_groups()
        if groups and company_id is not None:
            rank = {c.id: i for i, c in enumerate(groups)}
            price_lists = PriceList.search([
                    ('company', '=', company_id),
                    ('crm_customer_groups', 'in', list(rank)),
                    ])
            if price_lists:
                return min(price_lists, key=lambda p: (
                        min(rank[g.id] for g in p.crm_customer_groups
                            if g.id in rank),
                        p.name, p.id))
        return Configuration(1).get_multivalue(
            'sale_price_list', company=company_id)

    def _crm_customer_groups(self):
        "The customer's categories, then their parents, nearest first"
        groups, level = [], list(self.categories)
        while level:
            groups.extend(c for c in level if c not in groups)
            level = [c.parent for c in level if c.parent]
        return groups


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    @fields.depends('party', 'company')
    def on_change_party(self):
        super().on_change_party()
        self._crm_set_price_list()

    @fields.depends('party', 'company')
    def on_change_company(self):
        super().on_change_company()
        self._crm_set_price_list()

    def _crm_set_price_list(self):
        if self.party:
            self.price_list = self.party.crm_sale_price_list(self.company)
