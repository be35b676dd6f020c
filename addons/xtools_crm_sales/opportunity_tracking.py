"""Customer-style or opportunity-style tracking (客户式跟踪 / 机会式跟踪), a
choice per company.

Both ways work whatever the choice: opportunities can always be recorded
(from the customer's view, over RPC …). The choice only shapes the menus —
in customer-style tracking the opportunity list and the funnel are hidden,
follow-up happens in the customer view — and the workbench, which asks
``crm.configuration.get_tracking_style()``.

The menus are hidden by a global record rule on ir.ui.menu whose context
holds the ids of the menus of the other style; modules add their menus to
``Configuration.tracking_style_menus``."""
from trytond.cache import Cache
from trytond.model import ModelSQL, fields
from trytond.modules.company.model import (
    CompanyMultiValueMixin, CompanyValueMixin)
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

TRACKING_STYLES = [
    ('customer', "Customer-Style Tracking"),
    ('opportunity', "Opportunity-Style Tracking"),
    ]
DEFAULT_TRACKING_STYLE = 'opportunity'
_TRACKING_HELP = (
    "Customer-style (客户式跟踪): many customers and short follow-ups, "
    "tracked by activities in the customer view.\n"
    "Opportunity-style (机会式跟踪): big deals followed for months through "
    "the stages of the funnel, in the opportunity view.\n"
    "Both work; the choice shapes the menus and the workbench.")


class Configuration(CompanyMultiValueMixin, metaclass=PoolMeta):
    __name__ = 'crm.configuration'

    tracking_style = fields.MultiValue(fields.Selection(
            TRACKING_STYLES, "Tracking Style", help=_TRACKING_HELP))

    # The menus shown only in one style, as (module, XML id)
    tracking_style_menus = {
        'opportunity': [
            ('xtools_crm_sales', 'menu_opportunity_form'),
            ('xtools_crm_sales', 'menu_funnel'),
            ],
        'customer': [],
        }
    _tracking_style_cache = Cache(
        'xtools_crm_sales.tracking_style', context=False)

    @classmethod
    def multivalue_model(cls, field):
        pool = Pool()
        if field == 'tracking_style':
            return pool.get('crm.configuration.tracking_style')
        return super().multivalue_model(field)

    @classmethod
    def default_tracking_style(cls, **pattern):
        return DEFAULT_TRACKING_STYLE

    @classmethod
    def get_tracking_style(cls, company=None):
        """The tracking style of the company (by default the one of the
        context): 'customer' or 'opportunity'"""
        if company is None:
            company = Transaction().context.get('company')
        company = int(company) if company is not None else None
        style = cls._tracking_style_cache.get(company)
        if style is None:
            with Transaction().set_context(_check_access=False):
                style = cls(1).get_multivalue(
                    'tracking_style', company=company)
            style = style or DEFAULT_TRACKING_STYLE
            cls._tracking_style_cache.set(company, style)
        return style

    @classmethod
    def hidden_menu_ids(cls, style):
        "Ids of the menus that belong to the other tracking styles"
        ModelData = Pool().get('ir.model.data')
        ids = []
        for other, menus in cls.tracking_style_menus.items():
            if other == style:
                continue
            for module, fs_id in menus:
                try:
                    ids.append(ModelData.get_id(module, fs_id))
                except KeyError:
                    # While the module is being activated
                    continue
        return ids


class ConfigurationTrackingStyle(ModelSQL, CompanyValueMixin):
    "CRM Configuration Tracking Style"
    __name__ = 'crm.configuration.tracking_style'
    __string__ = "CRM Tracking Style"

    tracking_style = fields.Selection(
        TRACKING_STYLES, "Tracking Style", help=_TRACKING_HELP)

    @classmethod
    def default_tracking_style(cls):
        return DEFAULT_TRACKING_STYLE

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        Configuration = Pool().get('crm.configuration')
        Rule = Pool().get('ir.rule')
        Configuration._tracking_style_cache.clear()
        # The menus shown depend on the style
        Rule._domain_get_cache.clear()


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def _get_context(cls, model_name):
        context = super()._get_context(model_name)
        if model_name == 'ir.ui.menu':
            Configuration = Pool().get('crm.configuration')
            context['crm_hidden_menus'] = Configuration.hidden_menu_ids(
                Configuration.get_tracking_style())
        return context

    @classmethod
    def _get_cache_key(cls, model_names):
        key = super()._get_cache_key(model_names)
        if 'ir.ui.menu' in model_names:
            Configuration = Pool().get('crm.configuration')
            key = (*key, Configuration.get_tracking_style())
        return key
