"""The errors and warnings of xtools_crm_sales, in one place; their texts are
in message.xml (gettext('xtools_crm_sales.msg_…'))."""
from trytond.model.exceptions import AccessError, ValidationError


class DealLockedError(AccessError):
    pass


class ContractGoodsError(ValidationError):
    pass


class ContractLinesError(ValidationError):
    pass


class DealCategoryError(ValidationError):
    pass


class OrderServicesError(ValidationError):
    pass


class ShippingBeforeApprovalError(AccessError):
    pass


class ApprovalRightsError(AccessError):
    pass


class DeliveryError(ValidationError):
    pass


class DeliveryNotApprovedError(AccessError):
    pass


class DealStatusError(AccessError):
    pass


class FapiaoError(ValidationError):
    pass


class FapiaoNotApprovedError(AccessError):
    pass


class PipelineLinkError(ValidationError):
    pass


class LostReasonError(ValidationError):
    pass


class WonReasonError(ValidationError):
    pass


class PlanSumError(ValidationError):
    pass


class PlanLockedError(AccessError):
    pass


class ReceiptError(ValidationError):
    pass


class ReceiptNotApprovedError(AccessError):
    pass


class PlanWizardError(ValidationError):
    pass


class BatchReceiptError(AccessError):
    pass


class DiscontinuedProductError(ValidationError):
    pass


class ProjectValidationError(ValidationError):
    pass


class QuoteValidationError(ValidationError):
    pass


class ReturnError(ValidationError):
    pass


class ReturnAccessError(AccessError):
    pass
