"""The errors of xtools_crm_office; their texts are in message.xml."""
from trytond.model.exceptions import AccessError, ValidationError


class ApprovalError(ValidationError):
    pass


class ApprovalTurnError(AccessError):
    pass


class WorkLogError(ValidationError):
    pass
