"""Campaign materials (SPEC M1): the ads published (广告发布), the printed
matter (印刷品管理) and the gifts (礼品管理) of a campaign, with the
quantities issued and what they cost.

A material belongs to its campaign: who may change the campaign may change
its materials (``__access__``), and the campaign's company rule applies to
them. An ad names the medium it is published on with Tryton's marketing
medium, the same tag the opportunities and deals carry."""
from trytond.model import ModelSQL, ModelView, fields, sequence_ordered
from trytond.modules.currency.fields import Monetary
from trytond.pyson import Eval

MATERIAL_KINDS = [
    ('ad', "Advertisement"),
    ('printed', "Printed Matter"),
    ('gift', "Gift"),
    ]


class Material(sequence_ordered(), ModelSQL, ModelView):
    "Campaign material: an ad, printed matter or a gift"
    __name__ = 'marketing.campaign.material'
    __string__ = "Campaign Material"

    campaign = fields.Many2One(
        'marketing.campaign', "Campaign", required=True,
        ondelete='CASCADE')
    kind = fields.Selection(MATERIAL_KINDS, "Kind", required=True)
    name = fields.Char("Name", required=True)
    medium = fields.Many2One(
        'marketing.medium', "Medium", ondelete='RESTRICT',
        states={
            'invisible': Eval('kind') != 'ad',
            },
        help="Where the ad is published: a newspaper, a website …")
    date = fields.Date("Issue Date")
    quantity = fields.Integer(
        "Quantity Issued",
        domain=['OR', ('quantity', '=', None), ('quantity', '>=', 0)],
        help="Ads placed, copies handed out or gifts given.")
    currency = fields.Function(fields.Many2One(
            'currency.currency', "Currency"),
        'on_change_with_currency')
    unit_cost = Monetary(
        "Unit Cost", currency='currency', digits='currency',
        domain=['OR', ('unit_cost', '=', None), ('unit_cost', '>=', 0)])
    cost = fields.Function(Monetary(
            "Cost", currency='currency', digits='currency'),
        'on_change_with_cost')
    notes = fields.Text("Notes")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('campaign')
        cls._order.insert(0, ('campaign', 'ASC'))

    @classmethod
    def default_kind(cls):
        return 'ad'

    @fields.depends('campaign', '_parent_campaign.crm_company')
    def on_change_with_currency(self, name=None):
        if self.campaign and self.campaign.crm_company:
            return self.campaign.crm_company.currency

    @fields.depends('quantity', 'unit_cost', 'currency')
    def on_change_with_cost(self, name=None):
        if self.quantity is None or self.unit_cost is None:
            return None
        cost = self.unit_cost * self.quantity
        return self.currency.round(cost) if self.currency else cost

    @fields.depends('kind', 'medium')
    def on_change_kind(self):
        if self.kind != 'ad':
            self.medium = None
