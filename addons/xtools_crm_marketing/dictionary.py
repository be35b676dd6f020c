"The campaigns' picklist in the data dictionary (数据字典)"
from trytond.pool import PoolMeta


class Dictionary(metaclass=PoolMeta):
    __name__ = 'crm.dictionary'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # What kind of campaign: exhibition, seminar, advertising …; the
        # CRM administrators add their own
        cls.type.selection.append(('campaign_type', "Campaign Type"))
