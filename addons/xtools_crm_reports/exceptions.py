"""The errors of xtools_crm_reports, in one place; their texts are in
message.xml (gettext('xtools_crm_reports.msg_…'))."""
from trytond.model.exceptions import AccessError, ValidationError


class TargetError(ValidationError):
    pass


class TargetLockedError(AccessError):
    pass


class CommissionError(ValidationError):
    pass
