"""Batch edit (批量修改) of the selected customers."""
from trytond.model import ModelView, fields
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .access import CheckedWizardMixin
from .dictionary import dictionary_field

# The fields a batch edit may set; empty ones are left as they are.
BATCH_FIELDS = [
    'crm_kind', 'crm_source', 'crm_status', 'crm_industry', 'crm_region',
    'crm_city',
    ]


class BatchEditStart(ModelView):
    "Batch edit customers"
    __name__ = 'crm.customer.batch_edit.start'
    __string__ = "Batch Edit Customers"

    count = fields.Integer("Customers", readonly=True)
    crm_kind = dictionary_field('customer_kind', "Customer Kind")
    crm_source = dictionary_field('customer_source', "Source")
    crm_status = dictionary_field('customer_status', "Status")
    crm_industry = dictionary_field('industry', "Industry")
    crm_region = fields.Many2One('country.subdivision', "Region")
    crm_city = fields.Char("City")


class BatchEdit(CheckedWizardMixin, Wizard):
    "Batch edit customers"
    __name__ = 'crm.customer.batch_edit'
    __string__ = "Batch Edit Customers"
    _state_access = {'apply': 'write'}

    start = StateView(
        'crm.customer.batch_edit.start',
        'xtools_crm_base.customer_batch_edit_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Apply", 'apply', 'tryton-ok', default=True),
            ])
    apply = StateTransition()

    def default_start(self, fields):
        return {'count': len(self.records)}

    def transition_apply(self):
        values = {}
        for name in BATCH_FIELDS:
            value = getattr(self.start, name)
            if value:
                values[name] = getattr(value, 'id', value)
        customers = [r for r in self.records if r.crm_customer_type]
        if values and customers:
            # One write for all (the rights were checked on every record)
            self.model.write(customers, values)
        return 'end'
