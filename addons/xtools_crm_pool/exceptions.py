"""The errors of the public pool. Their texts are in message.xml."""
from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class PoolDisabledError(UserError):
    "A pool operation while the public pool is switched off"


class ClaimError(UserError):
    "A customer cannot be claimed or assigned now (taken, locked, capped)"


class LimitError(ValidationError):
    "A day limit or cap that is not a positive whole number in bounds"
