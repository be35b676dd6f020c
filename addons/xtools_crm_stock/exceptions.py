"""The errors of the products and stock module; their texts are in
message.xml and locale/zh_CN.po."""
from trytond.exceptions import UserError, UserWarning
from trytond.model.exceptions import AccessError, ValidationError


class DuplicateProductError(ValidationError):
    pass


class ProductImageError(ValidationError):
    "A product's image is not a picture, or too large"


class OutboundRequestError(ValidationError):
    "An outbound request (出库申请) misses what the keeper needs"


class OutboundStepError(AccessError):
    "An outbound, inbound or transfer is no longer at the step acted on"


class StockShortageError(UserError):
    "Not enough stock: nothing is reserved, moved or shipped"


class InboundError(ValidationError):
    pass


class PurchaseApprovalError(AccessError):
    pass


class PurchaseOrderLinkError(ValidationError):
    pass


class DirectOutboundError(ValidationError):
    pass


class InventoryReasonError(ValidationError):
    pass


class TransferError(ValidationError):
    pass


class StockImportError(UserError):
    pass


class AssemblyError(ValidationError):
    pass


class StockLimitError(ValidationError):
    pass


class StockLimitWarning(UserWarning):
    pass


class CostPriceAccessError(AccessError):
    pass
