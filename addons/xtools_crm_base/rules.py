"""The record rules of xtools_crm_base, in one place (SPEC B3, B11).

The rule records (permission.xml, one rule group per mode on party.party,
one named rule per reason a user may see a customer) Eval what
_get_context puts in the rule context: the user's visibility computed by
visibility.py. ir.rule.get(model, mode) then adjusts the domains of the
models, in this order:

1. Optional customer links (followup.OptionalCustomerMixin: tasks and
   schedules may have no customer): such a record takes its customer's
   rules, the empty customer let through (Tryton's __access__ takes only
   required links).
2. Records linked to a customer (CustomerRelatedMixin): read as the
   customer is; created by whoever reads the customer; changed or deleted
   by whoever writes it or by their author. Models with
   _crm_customer_rules = 'strict' (the shares) keep the customer's rules
   of the same mode.
3. The recycle bin (recycle_bin.py): binned customers, and through step 2
   everything linked to them, are hidden, except in the bin's own view
   (context crm_recycle_bin), where the hierarchy rules still apply.

Last, on every model, the arms of an OR that reach the customer through
the same link are merged into one: Tryton wraps each rule of the
customer in its own (link, 'where', …), i.e. one correlated subquery per
reason a user may see a customer, which the database must run for every
row it counts (a deal list ran five per deal); one subquery whose
condition ORs the reasons is the same set of records and one index
lookup per row (bench/README.md, bench_views.py). On the models that keep
copies of the customer's rule columns (customer_copy.py: deals,
opportunities) that subquery becomes a condition on the copies.

The rule cache is keyed on the user (the domains depend on who asks, not
only on the groups) and on the bin view. Other modules only add to the
context: the pool its readable libraries (crm_read_also), the sales module
the menus hidden by the tracking style.
"""
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from . import (
    customer_name_read, rule_arm_count, rule_arm_search, same_rule_columns)
from .customer_copy import on_copies
from .visibility import CUSTOMER_MODEL, user_visibility

# A ruled user's capped counts (sao's list and tab counters) run the rule's
# arms one after the other (rule_arm_count.py), installed when the rules
# register: the package's __init__ runs before the ORM exists
rule_arm_count.install()
# ... and the pages of the lists that ask for it too (rule_arm_search.py)
rule_arm_search.install()
# The customer's name of a page of records read as their customer is,
# without the customer's rule a second time (customer_name_read.py)
customer_name_read.install()
# sao's _delete column from _write where the two rules are one
same_rule_columns.install()

# The context key of the recycle bin's view
BIN_CONTEXT = 'crm_recycle_bin'
# Set by party.party's search when its domain admits customers only
# (search_flags.py): the read rule leaves out its non-customer arm
CUSTOMERS_ONLY = '_crm_customers_only'
# Set by party.party's search when its domain admits customers without an
# owner only (the pool's lists): the rule leaves out its owner arm, which
# can match none of them but whose rows the planner counts (at 1,000,000
# customers an assistant's 公海客户 walked the whole name index: 2.4 s)
UNOWNED_ONLY = '_crm_unowned_only'
# Set by party.party's search when its domain admits customers with an
# owner only (即将回归公海): the pool leaves out its public arm (a public
# customer has no owner), which the planner took for thousands of rows
OWNED_ONLY = '_crm_owned_only'
# The facts above are about the searched customers: the rules of other
# models computed within that search (a subquery on the customers'
# contacts …) are the usual ones
SEARCH_FACTS = (CUSTOMERS_ONLY, UNOWNED_ONLY, OWNED_ONLY)
# The rule's domain on the customer, and what it becomes on a record
# linked to one: "not one of the binned customers" asks the database for
# the few binned ids instead of every customer that is not binned (deals
# and opportunities test their copy of the date: customer_copy.py).
NOT_BINNED = (('crm_deleted_date', '=', None),)
BINNED = [('crm_deleted_date', '!=', None)]


def _bin_rule_group_id():
    ModelData = Pool().get('ir.model.data')
    try:
        return ModelData.get_id(
            'xtools_crm_base', 'rule_group_customer_not_binned')
    except KeyError:
        # While the module itself is being activated
        return None


def _freeze(domain):
    "domain as tuples, without the 'OR'/'AND' of a single operand"
    if isinstance(domain, (list, tuple)):
        domain = tuple(_freeze(d) for d in domain)
        if len(domain) == 2 and domain[0] in {'OR', 'AND'}:
            domain = domain[1]
    return domain


# A rule's "nothing" (e.g. read_all when the user does not read all)
NOTHING = ('id', '=', None)


def _is_nothing(domain):
    domain = _freeze(domain)
    while isinstance(domain, tuple) and len(domain) == 1:
        domain = domain[0]
    return domain == NOTHING


def _drop_nothing(domain):
    """domain without the arms of its ORs that match nothing: same
    records, but an OR whose every arm is indexed stays indexable (SQLite
    gives up its multi-index OR for one 'id IS NULL' and then walks the
    name index through every party: bench/README.md)"""
    if not isinstance(domain, list) or not domain:
        return domain
    if domain[0] == 'OR':
        arms = [_drop_nothing(d) for d in domain[1:]]
        kept = [d for d in arms if not _is_nothing(d)]
        return ['OR'] + (kept or arms[:1])
    return [_drop_nothing(d) for d in domain]


def _single(domain):
    "domain without the list around a single clause"
    while (isinstance(domain, list) and len(domain) == 1
            and isinstance(domain[0], (list, tuple))):
        domain = domain[0]
    return domain


def _merge_where(domain):
    """domain with the (link, 'where', d1) … (link, 'where', dn) arms of
    each OR made one (link, 'where', ['OR', d1, … dn]): "the link is one
    of the records of d1 or … of dn" is "one of the records of d1 or … dn",
    whatever the link (many2one, one2many, many2many)"""
    if not isinstance(domain, list) or not domain:
        return domain
    if domain[0] != 'OR':
        return [d if isinstance(d, str) else _merge_where(d) for d in domain]
    arms = []
    for arm in domain[1:]:
        arm = _single(_merge_where(arm))
        if isinstance(arm, list) and arm and arm[0] == 'OR':
            arms.extend(arm[1:])
        else:
            arms.append(arm)
    merged, by_link = [], {}
    for arm in arms:
        if (isinstance(arm, tuple) and len(arm) == 3
                and arm[1] == 'where'):
            if arm[0] in by_link:
                by_link[arm[0]].append(arm[2])
                continue
            by_link[arm[0]] = [arm[2]]
        merged.append(arm)
    result = ['OR']
    for arm in merged:
        if (isinstance(arm, tuple) and len(arm) == 3 and arm[1] == 'where'
                and len(by_link[arm[0]]) > 1):
            arm = (arm[0], 'where', _drop_nothing(
                    ['OR'] + by_link[arm[0]]))
        result.append(arm)
    return result


def _link_not_binned(domain):
    "domain with its (link, 'where', NOT_BINNED) made (link, 'not where', …)"
    if isinstance(domain, (list, tuple)):
        if (len(domain) == 3 and domain[1] == 'where'
                and _freeze(domain[2]) in {NOT_BINNED, NOT_BINNED[0]}):
            return (domain[0], 'not where', BINNED)
        return [_link_not_binned(d) for d in domain]
    return domain


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def _get_context(cls, model_name):
        context = super()._get_context(model_name)
        user_id = Transaction().user
        see_all, read_all, owners, shared, shared_write = (
            user_visibility(user_id))
        if Transaction().context.get(UNOWNED_ONLY):
            owners = []
        context.update({
                'crm_user': user_id,
                'crm_see_all': see_all,
                'crm_read_all': read_all,
                'crm_owners': list(owners),
                'crm_many_shares': shared is None,
                'crm_shared': list(shared or []),
                'crm_shared_write': list(shared_write or []),
                BIN_CONTEXT: bool(Transaction().context.get(BIN_CONTEXT)),
                'crm_customers_only': bool(
                    Transaction().context.get(CUSTOMERS_ONLY)),
                })
        return context

    @classmethod
    def _get_cache_key(cls, model_names):
        # Without the user, a second user of the same groups would be
        # served the first one's customers.
        key = super()._get_cache_key(model_names)
        return (*key, Transaction().user,
            bool(Transaction().context.get(BIN_CONTEXT)),
            bool(Transaction().context.get(CUSTOMERS_ONLY)),
            bool(Transaction().context.get(UNOWNED_ONLY)),
            bool(Transaction().context.get(OWNED_ONLY)))

    @classmethod
    def get(cls, model_name, mode='read'):
        context = Transaction().context
        if (model_name != CUSTOMER_MODEL
                and any(context.get(k) for k in SEARCH_FACTS)):
            with Transaction().set_context(
                    dict.fromkeys(SEARCH_FACTS, False)):
                return cls.get(model_name, mode=mode)
        clause, clause_global = cls._crm_linked_to_customer(model_name, mode)
        cls._crm_hide_binned(model_name, clause, clause_global)
        Model = Pool().get(model_name)
        for clauses in [clause, clause_global]:
            for group in clauses:
                clauses[group] = on_copies(
                    _drop_nothing(_merge_where(clauses[group])), Model)
        return clause, clause_global

    # -- step 1 ----------------------------------------------------------------

    @classmethod
    def _crm_with_optional_customer(cls, model_name, mode):
        "Tryton's rules, with the customer's for optional customer links"
        clause, clause_global = super().get(model_name, mode=mode)
        paths = cls._crm_optional_customer_paths(Pool().get(model_name))
        if not paths:
            return clause, clause_global
        party_clause, party_global = super().get(CUSTOMER_MODEL, mode=mode)

        def wrap(dom):
            if not dom:
                return dom
            result = ['OR']
            for path, field in paths:
                dom_ = ['OR', (field, '=', None), (field, 'where', dom)]
                result.append((path, 'where', dom_) if path else dom_)
            return result
        for group, dom in party_clause.items():
            clause[group] = wrap(dom)
        for group, dom in party_global.items():
            clause_global[group] = wrap(dom)
        return clause, clause_global

    @classmethod
    def _crm_optional_customer_paths(cls, Model, path=None, seen=None):
        """(path, field) of the optional customer links of Model and of the
        models it takes its access from (e.g. a schedule's invitees)"""
        seen = seen or set()
        if Model.__name__ in seen:
            return []
        seen.add(Model.__name__)
        paths = []
        field = getattr(Model, '_crm_optional_customer', None)
        if field:
            paths.append((path, field))
        for name in Model.__access__:
            Target = Model._fields[name].get_target()
            paths.extend(cls._crm_optional_customer_paths(
                    Target, f'{path}.{name}' if path else name, seen))
        return paths

    # -- step 2 ----------------------------------------------------------------

    @classmethod
    def _crm_linked_to_customer(cls, model_name, mode):
        """The modes of records linked to a customer: created by its
        readers, changed or deleted by its writers or their author. The
        customer record itself keeps its own rules; each model's access
        rights still decide who may do what at all."""
        clause, clause_global = cls._crm_with_optional_customer(
            model_name, mode)
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
            write, write_global = cls._crm_with_optional_customer(
                model_name, 'write')
            for own, other in [(clause, write), (clause_global, write_global)]:
                for group, domain in other.items():
                    if group.model == CUSTOMER_MODEL:
                        own[group] = ['OR', own_record, domain]
        # Read groups last: a group that reads and writes keeps its plain
        # (stricter) domain.
        read, read_global = cls._crm_with_optional_customer(
            model_name, 'read')
        for own, other in [(clause, read), (clause_global, read_global)]:
            for group, domain in other.items():
                if group.model == CUSTOMER_MODEL:
                    own[group] = domain
        return clause, clause_global

    # -- step 3 ----------------------------------------------------------------

    @classmethod
    def _crm_hide_binned(cls, model_name, clause, clause_global):
        group_id = _bin_rule_group_id()
        in_bin = Transaction().context.get(BIN_CONTEXT)
        for clauses in [clause, clause_global]:
            for group in [g for g in clauses if g.id == group_id]:
                if in_bin:
                    # The bin shows all the hierarchy's customers
                    del clauses[group]
                elif model_name != CUSTOMER_MODEL:
                    clauses[group] = _link_not_binned(clauses[group])
