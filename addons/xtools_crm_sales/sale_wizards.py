"""Tryton's own wizards on a deal check, as the calling user, the rights
of what they change (xtools_crm_base/access.py): Tryton runs a wizard's
transitions without access checks, so a user who only reads a deal could
otherwise return it, modify its header or handle its exceptions."""
from trytond.pool import PoolMeta

from xtools_crm_base.access import CheckedWizardMixin


class ReturnSale(CheckedWizardMixin, metaclass=PoolMeta):
    __name__ = 'sale.return_sale'
    _state_access = {'return_': 'write'}


class ModifyHeader(CheckedWizardMixin, metaclass=PoolMeta):
    __name__ = 'sale.modify_header'
    _state_access = {'modify': 'write'}


class HandleShipmentException(CheckedWizardMixin, metaclass=PoolMeta):
    __name__ = 'sale.handle.shipment.exception'
    _state_access = {'handle': 'write'}


class HandleInvoiceException(CheckedWizardMixin, metaclass=PoolMeta):
    __name__ = 'sale.handle.invoice.exception'
    _state_access = {'handle': 'write'}


class OpenProduct(CheckedWizardMixin, metaclass=PoolMeta):
    __name__ = 'sale.open_product'
    _state_access = {'start': 'read'}
