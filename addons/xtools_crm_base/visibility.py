"""Hierarchy data permissions (SPEC B3), computed once per user.

Record rules on the customer (party.party) Eval what rules.py puts in the
rule context from user_visibility(); every model linked to a customer
inherits those rules through Tryton's ``__access__`` (see
``CustomerRelatedMixin``), so the rule is written once.
"""
from trytond import backend
from trytond.cache import Cache
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

# Cleared whenever the organisation changes (user level, department,
# department tree, roles), in every process (Tryton's cache invalidation).
_visibility_cache = Cache('xtools_crm_base.visibility', context=False)

CUSTOMER_MODEL = 'party.party'
# Beyond this many customers shared with one user, the rule uses a subquery
MAX_SHARED_IDS = 1000
# Levels that see the data of their department and its sub-departments.
LEADER_LEVELS = {'manager', 'assistant'}


def _group_id(module, fs_id):
    ModelData = Pool().get('ir.model.data')
    try:
        return ModelData.get_id(module, fs_id)
    except KeyError:
        # While the module itself is being activated
        return None


def user_visibility(user_id):
    """Return (see_all, read_all, owner_ids, shared, shared_write):
    see_all: reads and writes every customer (boss level, CRM admins);
    read_all: reads every customer (customer service, finance);
    owner_ids: the users whose customers this user reads and writes;
    shared, shared_write: the customers shared with the user (all, and
    read-write), or None when there are too many to list (the rule then
    falls back to a subquery on the shares).
    Ids instead of subqueries keep the rule indexable: an OR of a subquery
    forces a full scan of the customers (measured in bench/)."""
    groups = _user_groups(user_id)
    # Keyed on the groups too: a group change from either side of the
    # relation (res.user or res.group) is seen as soon as Tryton's own
    # cache of the groups is cleared, in every process.
    key = (user_id, tuple(sorted(groups)))
    cached = _visibility_cache.get(key)
    if cached is not None:
        return cached
    pool = Pool()
    User = pool.get('res.user')
    Department = pool.get('crm.department')
    with Transaction().set_user(0), Transaction().set_context(
            active_test=False, _check_access=False):
        user = User(user_id)
        see_all = (user.crm_level == 'boss'
            or _group_id('xtools_crm_base', 'group_crm_admin') in groups)
        read_all = see_all or bool(groups & {
                _group_id('xtools_crm_base', 'group_role_service'),
                _group_id('xtools_crm_base', 'group_role_finance'),
                })
        owners = {user_id}
        if user.crm_level in LEADER_LEVELS and user.crm_department:
            departments = Department.search([
                    ('parent', 'child_of', [user.crm_department.id]),
                    ])
            for sub in grouped_slice(
                    departments, backend.MAX_QUERY_PARAMS):
                owners.update(map(int, User.search([
                                ('crm_department', 'in', list(map(int, sub))),
                                ])))
        shared, shared_write = _shared_customers(user_id)
    result = (see_all, read_all, tuple(sorted(owners)), shared, shared_write)
    _visibility_cache.set(key, result)
    return result


def _shared_customers(user_id):
    Share = Pool().get('crm.customer.share')
    share = Share.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*share.select(
            share.customer, share.mode, where=share.user == user_id,
            limit=MAX_SHARED_IDS + 1))
    rows = cursor.fetchall()
    if len(rows) > MAX_SHARED_IDS:
        return None, None
    return (tuple(sorted(c for c, _ in rows)),
        tuple(sorted(c for c, m in rows if m == 'write')))


def _user_groups(user_id):
    with Transaction().set_user(user_id):
        return set(Pool().get('res.user').get_groups())


def clear_visibility_cache():
    pool = Pool()
    Rule = pool.get('ir.rule')
    _visibility_cache.clear()
    Rule._domain_get_cache.clear()
