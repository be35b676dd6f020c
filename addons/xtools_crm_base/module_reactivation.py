"""Modules deactivated and activated again: trytond 8.0 keeps the
ir.model.data rows of a deactivated module's records, which then stop its
new activation."""
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction


class Module(metaclass=PoolMeta):
    __name__ = 'ir.module'

    @classmethod
    def update_list(cls):
        result = super().update_list()
        cls._forget_deactivated_data()
        return result

    @classmethod
    def _forget_deactivated_data(cls):
        # trytond 8.0 deletes a deactivated module's records but keeps their
        # ir.model.data rows: activating the module again fails on them.
        ModelData = Pool().get('ir.model.data')
        data = ModelData.__table__()
        module = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*data.delete(where=data.module.in_(
                    module.select(module.name,
                        where=module.state == 'not activated'))))
        ModelData._get_id_cache.clear()
        ModelData._has_model_cache.clear()
