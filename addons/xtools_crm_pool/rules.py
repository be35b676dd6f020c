"""The pool's step in the record rules of customers (SPEC P1).

xtools_crm_base.rules builds the customer rules from the user's hierarchy
and admits, besides, whatever the rule context's crm_read_also holds (a
domain). The pool adds to it only the libraries its people read:

- pool users read the public pool (公海未分配);
- pool administrators also read the special pool and the customers
  claimed from the pool (公海已分配).

Nothing else is widened: writing, deleting and every pool operation keep
their own checks (operations.py). The rule cache is cleared when the pool
is switched (configuration.Configuration._pool_switched); group changes
clear it as Tryton does."""
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from xtools_crm_base.rules import UNOWNED_ONLY

from .user import is_pool_admin, is_pool_user


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def _get_context(cls, model_name):
        "Add the libraries the user reads as a pool person to crm_read_also"
        context = super()._get_context(model_name)
        libraries = cls._crm_pool_readable_libraries()
        if libraries:
            domain = _libraries_domain(libraries,
                unowned_only=Transaction().context.get(UNOWNED_ONLY))
            other = context.get('crm_read_also')
            context['crm_read_also'] = (
                ['OR', other, domain] if other else domain)
        return context

    @classmethod
    def _crm_pool_readable_libraries(cls):
        Configuration = Pool().get('crm.configuration')
        user_id = Transaction().user
        if not user_id:
            return []
        with Transaction().set_user(0), Transaction().set_context(
                _check_access=False):
            try:
                enabled = Configuration(1).pool_enabled
            except KeyError:
                # While the module is being activated
                return []
        if not enabled:
            return []
        if is_pool_admin(user_id):
            return ['public', 'special', 'claimed']
        if is_pool_user(user_id):
            return ['public']
        return []


def _libraries_domain(libraries, unowned_only=False):
    """The customers of libraries. A public pool customer has no owner
    (library.py clears it on entry and refuses one after): said here too,
    because the planner does not know it and, taking public customers of
    the user's owners for possible, walks thousands of rows for a page
    (即将回归公海 at 1,000,000 customers, bench/README.md). Not for a search
    of unowned customers (公海客户), whose domain says it already: the
    planner multiplies the repeated conditions and, expecting a few
    hundred public customers, sorts all of them for a page"""
    if unowned_only:
        return [('crm_library', 'in', libraries)]
    others = [lib for lib in libraries if lib != 'public']
    domain = ['OR']
    if 'public' in libraries:
        domain.append([
                ('crm_library', '=', 'public'), ('crm_owner', '=', None)])
    if others:
        domain.append(('crm_library', 'in', others))
    return domain
