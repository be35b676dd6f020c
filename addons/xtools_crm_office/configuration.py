"""The office settings: the amount above which the boss approves too."""
from decimal import Decimal

from trytond.model import fields
from trytond.pool import PoolMeta

DEFAULT_BOSS_AMOUNT = Decimal(5000)


class Configuration(metaclass=PoolMeta):
    __name__ = 'crm.configuration'

    office_boss_amount = fields.Numeric(
        "Boss Approves Above", digits=(16, 2), required=True,
        domain=[('office_boss_amount', '>=', 0)],
        help="An expense claim or a travel request of a larger amount is "
        "approved by the boss after the department manager.")

    @classmethod
    def default_office_boss_amount(cls):
        return DEFAULT_BOSS_AMOUNT

    def get_office_boss_amount(self):
        if self.office_boss_amount is None:
            return DEFAULT_BOSS_AMOUNT
        return self.office_boss_amount
