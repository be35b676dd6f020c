"""Hierarchy data permissions (SPEC B3), computed once per user.

Record rules on the customer (party.party) Eval what this module puts in
the rule context; every model linked to a customer inherits those rules
through Tryton's ``__access__`` (see ``CustomerRelatedMixin``), so the rule
is written once.
"""
from trytond import backend
from trytond.cache import Cache
from trytond.pool import Pool, PoolMeta
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
    cached = _visibility_cache.get(user_id)
    if cached is not None:
        return cached
    pool = Pool()
    User = pool.get('res.user')
    Department = pool.get('crm.department')
    groups = _user_groups(user_id)
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
    _visibility_cache.set(user_id, result)
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


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def _get_context(cls, model_name):
        context = super()._get_context(model_name)
        user_id = Transaction().user
        see_all, read_all, owners, shared, shared_write = (
            user_visibility(user_id))
        context['crm_user'] = user_id
        context['crm_see_all'] = see_all
        context['crm_read_all'] = read_all
        context['crm_owners'] = list(owners)
        context['crm_many_shares'] = shared is None
        context['crm_shared'] = list(shared or [])
        context['crm_shared_write'] = list(shared_write or [])
        return context

    @classmethod
    def get(cls, model_name, mode='read'):
        """Records linked to a customer (contacts, activities, service
        records, receipts …) and the customer's rules:
        - reading follows the customer's read rules (Tryton's __access__);
        - creating needs only to READ the customer: whoever sees a customer
          may record their work on it (a colleague it is shared with
          read-only, customer service, finance);
        - changing or deleting needs to read the customer AND either to
          write it or to be the record's creator: one's own activity can
          be corrected, a colleague's cannot.
        Models that set _crm_customer_rules = 'strict' (the shares: sharing
        needs the right to write the customer) keep the customer's rules of
        the same mode. The customer record itself keeps its own rules; each
        model's access rights still decide who may do what at all."""
        clause, clause_global = super().get(model_name, mode)
        if mode == 'read' or model_name == CUSTOMER_MODEL:
            return clause, clause_global
        Model = Pool().get(model_name)
        if getattr(Model, '_crm_customer_rules', None) == 'strict':
            return clause, clause_global
        if not any(g.model == CUSTOMER_MODEL
                for g in list(clause) + list(clause_global)):
            return clause, clause_global
        for own in [clause, clause_global]:
            for group in [g for g in own if g.model == CUSTOMER_MODEL]:
                del own[group]
        if mode != 'create':
            own_record = ('create_uid', '=', Transaction().user)
            write, write_global = super().get(model_name, 'write')
            for own, other in [(clause, write), (clause_global, write_global)]:
                for group, domain in other.items():
                    if group.model == CUSTOMER_MODEL:
                        own[group] = ['OR', own_record, domain]
        # Read groups last: a group that reads and writes keeps its plain
        # (stricter) domain.
        read, read_global = super().get(model_name, 'read')
        for own, other in [(clause, read), (clause_global, read_global)]:
            for group, domain in other.items():
                if group.model == CUSTOMER_MODEL:
                    own[group] = domain
        return clause, clause_global

    @classmethod
    def _get_cache_key(cls, model_names):
        # The domain depends on who asks, not only on the groups: without
        # the user in the key, two users of the same groups would share the
        # first one's customers.
        key = super()._get_cache_key(model_names)
        return (*key, Transaction().user)
