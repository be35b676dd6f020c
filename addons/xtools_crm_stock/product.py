from trytond import backend
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from xtools_crm_base.dictionary import dictionary_field

from .exceptions import DuplicateProductError, ProductImageError

# The image of a product: a picture sao shows, not any file
IMAGE_SIGNATURES = [
    b'\x89PNG\r\n\x1a\n',      # PNG
    b'\xff\xd8\xff',             # JPEG
    b'GIF87a', b'GIF89a',         # GIF
    ]
IMAGE_MAX_SIZE = 2 * 1024 * 1024


def is_image(data):
    "Whether data starts as a PNG, JPEG, GIF or WebP picture does"
    data = bytes(data[:16])
    return (any(data.startswith(s) for s in IMAGE_SIGNATURES)
        or (data[:4] == b'RIFF' and data[8:12] == b'WEBP'))


class Template(metaclass=PoolMeta):
    """A product of the catalogue (SPEC K11): name, code, specification,
    model, the unit quotes name (from the data dictionary), technical
    parameters and an image; categories are Tryton's (multi-level, a
    category has a parent). Reuse note: Tryton's product_image module
    (several images, resized on request) is not in this installation;
    one picture in a binary field is what the catalogue needs."""
    __name__ = 'product.template'

    crm_spec = fields.Char(
        "Specification",
        help="Size, material, colour … as printed on quotes and orders.")
    crm_model = fields.Char(
        "Model",
        help="The model number: with the name, it identifies the product.")
    crm_unit = dictionary_field(
        'product_unit', "Unit",
        help="The unit quotes and orders name (台, 把, 套 …), from the data "
        "dictionary; stock is counted in the stock unit.")
    crm_parameters = fields.Text(
        "Technical Parameters",
        help="Dimensions, materials, load, certifications … one per line.")
    crm_image = fields.Binary(
        "Image", help="A photo of the product: PNG, JPEG, GIF or WebP, "
        "at most 2 MB.")

    def check_crm_image(self):
        image = self.crm_image
        if not image:
            return
        if len(image) > IMAGE_MAX_SIZE:
            raise ProductImageError(gettext(
                    'xtools_crm_stock.msg_product_image_too_large',
                    product=self.rec_name,
                    size=round(len(image) / (1024 * 1024), 1),
                    max=IMAGE_MAX_SIZE // (1024 * 1024)))
        if not is_image(image):
            raise ProductImageError(gettext(
                    'xtools_crm_stock.msg_product_image_not_picture',
                    product=self.rec_name))

    @classmethod
    def validate_fields(cls, templates, field_names):
        super().validate_fields(templates, field_names)
        cls.check_name_model_unique(templates, field_names)
        if not field_names or 'crm_image' in field_names:
            for template in templates:
                template.check_crm_image()

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
