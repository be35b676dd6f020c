"""What the office's record rules Eval besides xtools_crm_base's context:
the departments whose shared documents the user reads (their own and its
parent: a document shared with 销售部 reaches 销售一部).

The rule cache of xtools_crm_base is keyed on the user, and an
organisation change clears it (visibility.clear_visibility_cache)."""
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

DEPARTMENTS_KEY = 'crm_office_departments'


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def _get_context(cls, model_name):
        context = super()._get_context(model_name)
        if model_name == 'crm.office.document':
            context[DEPARTMENTS_KEY] = user_departments(Transaction().user)
        return context


def user_departments(user_id):
    "The ids of the user's department and of its parent"
    User = Pool().get('res.user')
    with Transaction().set_user(0), Transaction().set_context(
            active_test=False, _check_access=False):
        department = User(user_id).crm_department if user_id else None
        ids = []
        while department:
            ids.append(department.id)
            department = department.parent
        return ids
