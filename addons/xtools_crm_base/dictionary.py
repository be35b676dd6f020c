"""Data dictionary (数据字典): the admin-editable picklists of the CRM."""
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, sequence_ordered, fields)

DICTIONARY_TYPES = [
    ('customer_kind', "Customer Kind"),
    ('customer_source', "Customer Source"),
    ('customer_status', "Customer Status"),
    ('industry', "Industry"),
    ('contact_category', "Contact Category"),
    ('activity_type', "Activity Type"),
    ('product_unit', "Product Unit"),
    ('service_type', "Service Type"),
    ('complaint_type', "Complaint Type"),
    ('lost_reason', "Lost Reason"),
    ]


class Dictionary(
        DeactivableMixin, sequence_ordered(), ModelSQL, ModelView):
    "Data dictionary entry"
    __name__ = 'crm.dictionary'
    __string__ = "Data Dictionary Entry"

    type = fields.Selection(DICTIONARY_TYPES, "Type", required=True)
    name = fields.Char("Name", required=True, translate=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('type', 'ASC'))


def dictionary_field(type_, string, **kwargs):
    "A Many2One to the dictionary entries of one type"
    return fields.Many2One(
        'crm.dictionary', string, ondelete='RESTRICT',
        domain=[('type', '=', type_)], **kwargs)
