"The errors of the service desks; their texts are in message.xml"
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class NegativeTimeSpentError(ValidationError):
    pass


class ServiceSettingError(ValidationError):
    pass


class HolidayError(ValidationError):
    pass


class ComplaintError(ValidationError):
    pass


class ComplaintHandlerError(ValidationError):
    pass


class RepairTicketError(ValidationError):
    pass


class RepairAssignError(AccessError):
    pass


class RepairEngineerError(ValidationError):
    pass


class RepairPartError(UserError):
    pass


class ConsoleError(UserError):
    pass
