"""The pool's step in the record rules of customers (SPEC P1).

xtools_crm_base.rules builds the customer rules from the user's hierarchy
and admits, besides, whatever the rule context's crm_read_also holds (a
domain). The pool adds to it only the libraries its people read:

- pool users read the public pool (公海未分配);
- pool administrators also read the special pool and the customers
  claimed from the pool (公海已分配).

Nothing else is widened: writing, deleting and every pool operation keep
their own checks (operations.py).

A search whose domain admits only libraries the user reads whole (the
公海客户 list of a pool user: search_flags.py) gets no customer read rule at
all: the pool arm alone admits every customer it can return, and the
other arms only made the planner expect a few hundred rows where there
are tens of thousands (a salesperson's 公海客户 sorted 20,000 customers
for a page: bench/README.md). The global rules (the recycle bin …) stay.

The rule cache is cleared when the pool is switched
(configuration.Configuration._pool_switched); group changes clear it as
Tryton does."""
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from xtools_crm_base.rules import OWNED_ONLY, UNOWNED_ONLY
from xtools_crm_base.visibility import CUSTOMER_MODEL

from .search_flags import LIBRARIES_ONLY
from .user import is_pool_admin, is_pool_user


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def _get_context(cls, model_name):
        "Add the libraries the user reads as a pool person to crm_read_also"
        context = super()._get_context(model_name)
        libraries = cls._crm_pool_readable_libraries()
        if libraries:
            context_ = Transaction().context
            domain = _libraries_domain(libraries,
                unowned_only=context_.get(UNOWNED_ONLY),
                owned_only=context_.get(OWNED_ONLY))
            other = context.get('crm_read_also')
            context['crm_read_also'] = (
                ['OR', other, domain] if other else domain)
        return context

    @classmethod
    def _get_cache_key(cls, model_names):
        return (*super()._get_cache_key(model_names),
            tuple(Transaction().context.get(LIBRARIES_ONLY) or ()))

    @classmethod
    def get(cls, model_name, mode='read'):
        clause, clause_global = super().get(model_name, mode=mode)
        # Only for the search of customers itself: the rules of other
        # models (deals of a customer …) are never widened by a search's
        # facts, whatever search they are computed in
        if (model_name == CUSTOMER_MODEL and mode == 'read'
                and cls._crm_pool_search_reads_all()):
            group_id = _read_rule_group_id()
            for clauses in [clause, clause_global]:
                for group in [g for g in clauses if g.id == group_id]:
                    del clauses[group]
        return clause, clause_global

    @classmethod
    def _crm_pool_search_reads_all(cls):
        """Whether the user reads, as a pool person, every customer of the
        libraries the search admits (search_flags.py): the pool arm of
        _libraries_domain holds for each of them"""
        context = Transaction().context
        wanted = set(context.get(LIBRARIES_ONLY) or ())
        if not wanted:
            return False
        # Outside an unowned search the public arm also says "no owner"
        if 'public' in wanted and not context.get(UNOWNED_ONLY):
            return False
        return wanted <= set(cls._crm_pool_readable_libraries())

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


def _read_rule_group_id():
    "The customer read rule's group, which holds the pool arm"
    ModelData = Pool().get('ir.model.data')
    return ModelData.get_id('xtools_crm_base', 'rule_group_customer_read')


def _libraries_domain(libraries, unowned_only=False, owned_only=False):
    """The customers of libraries. A public pool customer has no owner
    (library.py clears it on entry and refuses one after): said here too,
    because the planner does not know it and, taking public customers of
    the user's owners for possible, walks thousands of rows for a page
    (即将回归公海 at 1,000,000 customers, bench/README.md). Not for a search
    of unowned customers (公海客户), whose domain says it already: the
    planner multiplies the repeated conditions and, expecting a few
    hundred public customers, sorts all of them for a page. Not at all
    for a search of owned customers (即将回归公海), which it cannot match
    but whose rows the planner counts"""
    if unowned_only:
        return [('crm_library', 'in', libraries)]
    others = [lib for lib in libraries if lib != 'public']
    if owned_only and not others:
        return [('id', '=', None)]
    domain = ['OR']
    if 'public' in libraries and not owned_only:
        domain.append([
                ('crm_library', '=', 'public'), ('crm_owner', '=', None)])
    if others:
        domain.append(('crm_library', 'in', others))
    return domain
