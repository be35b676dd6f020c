"""The errors of xtools_crm_marketing; their texts are in message.xml."""
from trytond.model.exceptions import ValidationError


class MassMessageError(ValidationError):
    pass


class UnsubscribeError(ValidationError):
    pass
