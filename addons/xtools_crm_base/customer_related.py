from .access import ButtonAccessMixin


class CustomerRelatedMixin(ButtonAccessMixin):
    """For records that belong to a customer (contacts, tasks, activities,
    opportunities, deals …): they are readable and writable exactly when
    their customer is, through Tryton's __access__, which applies the
    customer's record rules to them. Name the link in _customer_field.
    Their buttons check the rights of what they change (access.py)."""
    __slots__ = ()
    _customer_field = 'customer'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add(cls._customer_field)
