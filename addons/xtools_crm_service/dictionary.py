"The service desks' picklists in the data dictionary (数据字典)"
from trytond.pool import PoolMeta


class Dictionary(metaclass=PoolMeta):
    __name__ = 'crm.dictionary'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # How a service was given or a complaint received: by phone, on a
        # visit, by WeChat …
        cls.type.selection.append(('service_way', "Service Way"))
