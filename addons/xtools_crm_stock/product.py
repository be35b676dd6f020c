from trytond import backend
from trytond.i18n import gettext
from trytond.model import fields
from trytond.model.exceptions import ValidationError
from trytond.pool import PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import Transaction


class DuplicateProductError(ValidationError):
    pass


class Template(metaclass=PoolMeta):
    "A product of the catalogue: name, specification and model number"
    __name__ = 'product.template'

    crm_spec = fields.Char(
        "Specification",
        help="Size, material, colour … as printed on quotes and orders.")
    crm_model = fields.Char(
        "Model",
        help="The model number: with the name, it identifies the product.")

    @classmethod
    def validate_fields(cls, templates, field_names):
        super().validate_fields(templates, field_names)
        cls.check_name_model_unique(templates, field_names)

    @staticmethod
    def _name_model_key(template):
        # An empty model is one value: "大班桌" without a model twice is a
        # duplicate as much as "大班桌" "DB-180" twice.
        return (template.name, template.crm_model or '')

    @classmethod
    def check_name_model_unique(cls, templates, field_names=None):
        if field_names and not (field_names & {'name', 'crm_model'}):
            return
        # Discontinued (inactive) products still hold their name and model.
        with Transaction().set_context(active_test=False):
            for sub_templates in grouped_slice(
                    templates, backend.MAX_QUERY_PARAMS):
                sub_templates = list(sub_templates)
                names = {t.name for t in sub_templates}
                seen = {}
                for template in cls.search([('name', 'in', list(names))]):
                    seen.setdefault(
                        cls._name_model_key(template), []).append(template)
                for template in sub_templates:
                    key = cls._name_model_key(template)
                    if any(t != template for t in seen.get(key, [])):
                        cls._raise_duplicate(template)

    @classmethod
    def _raise_duplicate(cls, template):
        if template.crm_model:
            message = gettext(
                'xtools_crm_stock.msg_template_name_model_unique',
                name=template.name, model=template.crm_model)
        else:
            message = gettext(
                'xtools_crm_stock.msg_template_name_unique_without_model',
                name=template.name)
        raise DuplicateProductError(message)
