"""The errors and warnings of xtools_crm_base, in one place; their texts are
in message.xml (gettext('xtools_crm_base.msg_…'))."""
from trytond.exceptions import UserWarning
from trytond.model.exceptions import AccessError, ValidationError


class ContactValidationError(ValidationError):
    pass


class DuplicateMobileWarning(UserWarning):
    pass


class DuplicateCustomerWarning(UserWarning):
    pass


class HotCapError(ValidationError):
    pass


class ExportPermissionError(AccessError):
    pass


class DepartmentDepthError(ValidationError):
    pass


class InputValidationError(ValidationError):
    pass


class MergeError(AccessError):
    pass


class ScheduleValidationError(ValidationError):
    pass


class DateRangeError(ValidationError):
    "An end before the start (date_range.py)"


class ShareWithOwnerError(ValidationError):
    pass


class TaskLateReasonError(ValidationError):
    pass


class TaskAssigneeError(ValidationError):
    pass


class OwnerChangeError(AccessError):
    pass


class SecondManagerError(ValidationError):
    pass


class NoRoleError(ValidationError):
    pass


class LeaveError(AccessError):
    pass


class GroupGrantError(AccessError):
    pass


class WorkReportError(ValidationError):
    pass


class NoticeError(ValidationError):
    pass


class NoteError(AccessError):
    pass


class SMSError(ValidationError):
    pass


class SMSGatewayError(Exception):
    "Raised by an SMS provider that could not send: the SMS is logged failed"


class UserMobileError(ValidationError):
    pass
