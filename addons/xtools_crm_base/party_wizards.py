"""Tryton's own wizards on parties check, as the calling user, the rights
of what they change (access.py); Tryton's groups (party administration)
still decide who opens them."""
from trytond.pool import PoolMeta

from .access import CheckedWizardMixin


class Erase(CheckedWizardMixin, metaclass=PoolMeta):
    __name__ = 'party.erase'
    _state_access = {'erase': 'delete'}


class CheckVIES(CheckedWizardMixin, metaclass=PoolMeta):
    __name__ = 'party.check_vies'
    _state_access = {'check': 'read'}
