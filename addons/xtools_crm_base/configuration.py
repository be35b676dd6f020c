"""CRM settings (系统设置) of the company."""
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields

DEFAULT_HOT_CUSTOMER_CAP = 10
# A customer file of more rows is imported by a queued job (about 3 s of
# waiting per 2,000 rows on one core otherwise)
DEFAULT_IMPORT_QUEUE_ROWS = 2000


class Configuration(ModelSingleton, ModelSQL, ModelView):
    "CRM Configuration"
    __name__ = 'crm.configuration'
    __string__ = "CRM Configuration"

    hot_customer_cap = fields.Integer(
        "Hot Customers per Salesperson", required=True,
        domain=[('hot_customer_cap', '>', 0)],
        help="How many hot customers (热点客户) one salesperson may flag.")

    import_queue_rows = fields.Integer(
        "Queue Imports Above (Rows)", required=True,
        domain=[('import_queue_rows', '>', 0)],
        help="A customer file of more rows is imported by a queued import "
        "job (Customers › Import Customers › Import Jobs) instead of while "
        "the user waits.")

    duplicate_disclosure = fields.Selection([
            ('owner', "The Owner"),
            ('nothing', "Nothing"),
            ], "Duplicate Warnings Name", required=True,
        help="What a duplicate warning (same customer name, same mobile) "
        "tells about a customer the user may not see: its owner, so that "
        "the two salespeople can talk, or nothing. A customer the user sees "
        "is always named.")

    @classmethod
    def default_duplicate_disclosure(cls):
        return 'owner'

    @classmethod
    def default_hot_customer_cap(cls):
        return DEFAULT_HOT_CUSTOMER_CAP

    def get_hot_customer_cap(self):
        return self.hot_customer_cap or DEFAULT_HOT_CUSTOMER_CAP

    @classmethod
    def default_import_queue_rows(cls):
        return DEFAULT_IMPORT_QUEUE_ROWS

    def get_import_queue_rows(self):
        return self.import_queue_rows or DEFAULT_IMPORT_QUEUE_ROWS
