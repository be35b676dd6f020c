"""CRM settings (系统设置) of the company."""
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields

DEFAULT_HOT_CUSTOMER_CAP = 10


class Configuration(ModelSingleton, ModelSQL, ModelView):
    "CRM Configuration"
    __name__ = 'crm.configuration'
    __string__ = "CRM Configuration"

    hot_customer_cap = fields.Integer(
        "Hot Customers per Salesperson", required=True,
        domain=[('hot_customer_cap', '>', 0)],
        help="How many hot customers (热点客户) one salesperson may flag.")

    @classmethod
    def default_hot_customer_cap(cls):
        return DEFAULT_HOT_CUSTOMER_CAP

    def get_hot_customer_cap(self):
        return self.hot_customer_cap or DEFAULT_HOT_CUSTOMER_CAP
