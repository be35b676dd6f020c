"""A ruled user's capped count, the rule's arms one after the other.

sao counts every list up to 6,000 rows and each tab up to 1,000
(search_count with a limit). Tryton counts

    SELECT COUNT(*) FROM (SELECT 1 FROM t WHERE domain AND rule LIMIT n)

and a read rule is an OR of reasons to see a record (own customers, the
department's, shared ones, a public pool …). PostgreSQL answers an OR of
indexed arms with one bitmap of every row of every arm, built whole
before the LIMIT may stop anything: at 1,000,000 customers a manager's
125,000 department customers for a count of 6,000, where an unruled
count stops after n index entries (bench/README.md, "Counts arm by
arm").

Here the same count is asked as

    SELECT COUNT(*) FROM (
        SELECT 1 FROM t WHERE domain AND global AND arm1
        UNION ALL SELECT 1 FROM t WHERE domain AND global AND arm2
            AND (arm1) IS NOT TRUE
        UNION ALL … LIMIT n)

Each row the rule admits has a first arm that is TRUE and is counted in
that arm's branch only (IS NOT TRUE, not NOT: an arm may be NULL, which
the OR also takes for "not this one"), so the count is the same number,
and the database runs the branches in turn, each an index scan it may
stop as soon as n rows are counted.

Only where it pays: on PostgreSQL (BACKENDS), on the models that ask
for it (_crm_rule_arm_count: the customers, not in the pool's lists; at
1,000,000 customers the customer list's count 1.6–2.5× faster for the
ruled roles; the deals and opportunities, whose arms' indexes hold every
column the count tests: customer_copy.py), a count with a limit below the
table's estimated size, a read rule of two arms or more, a domain without
an OR of its own (the database may pair its arms with the rule's in an
index), not a search in the past (_datetime).

``install()`` puts it in ModelSQL.search, after every model's own search
override (their context, their domain), before Tryton's.
"""
from sql import Literal, Union
from sql.aggregate import Count
from sql.operators import And, IsNot

from trytond import backend
from trytond.model import ModelSQL
from trytond.model.modelsql import convert_from
from trytond.model.modelstorage import is_leaf
from trytond.pool import Pool, PoolMeta
from trytond.tools.domain_inversion import simplify
from trytond.transaction import Transaction, without_check_access

from .plain_sql import FormattedOnce, frozen, plain

# False: Tryton's count everywhere (bench/bench_lists_ab.py --b-off)
ENABLED = True
# False: each copy of the domain and of the arms formatted anew (below)
FORMAT_ONCE = True
# False: the rule's conjuncts and arms converted at every count, and the
# statement made anew (below)
CONVERT_ONCE = True
# False: the owned customers' counts (即将回归公海) as Tryton's (Party)
OWNED_ARMS = True
# {(model, rule): converted} and {(model, domain, rule, …): statement}
_converted = {}
_statements = {}
# Where the split pays: PostgreSQL stops each branch's index scan at the
# limit. On SQLite the split counts of customers and deals measured slower
# (30,000 customers: +0.5-3.5 ms a count; bench/README.md)
BACKENDS = {'postgresql'}

_tryton_search = ModelSQL.search.__func__


def _operands(domain, operator):
    """the clauses domain joins with operator ('AND' or 'OR'), nested ones
    flattened; the other operator over one clause is that clause"""
    if is_leaf(domain) or not domain:
        return [domain]
    if domain[0] in ('AND', 'OR'):
        items = domain[1:]
        if domain[0] != operator and len(items) != 1:
            return [domain]
    elif operator == 'AND' or len(domain) == 1:
        # A list without operator ANDs its clauses
        items = domain
    else:
        return [domain]
    return [c for item in items for c in _operands(item, operator)]


def rule_arms(rule_domain):
    """(the rule's other conjuncts, the arms of its widest OR) or None
    where the rule has no OR of two arms or more"""
    if not rule_domain:
        return None
    conjuncts = _operands(rule_domain, 'AND')
    arms = [_operands(c, 'OR') for c in conjuncts]
    # An OR with an empty arm admits every record (Tryton's "no rule": a
    # boss's "all customers"): no condition, and no arms to split, which
    # would count every deal in a branch of its own
    kept = [i for i, a in enumerate(arms) if not any(not o for o in a)]
    conjuncts = [conjuncts[i] for i in kept]
    arms = [arms[i] for i in kept]
    if not arms:
        return None
    widest = max(range(len(arms)), key=lambda i: len(arms[i]))
    if len(arms[widest]) < 2:
        return None
    others = conjuncts[:widest] + conjuncts[widest + 1:]
    return others, arms[widest]


def _searched_domain(Model, domain):
    """domain as Tryton's search converts it before splitting an OR (a
    closure inside ModelSQL.__search_query there, not callable)"""
    def convert(domain):
        if is_leaf(domain):
            name = domain[0].split('.', 1)[0]
            field = Model._fields[name]
            searcher = getattr(field, 'searcher', None)
            if searcher:
                return getattr(Model, searcher)(name, domain)
            return domain
        elif isinstance(domain, str):
            return domain
        return [convert(d) for d in domain]
    with without_check_access():
        return simplify(convert(domain))


def _has_or(domain):
    "whether domain has an OR of two clauses or more"
    if is_leaf(domain) or not domain or isinstance(domain, str):
        return False
    if domain[0] == 'OR' and len(domain) > 2:
        return True
    return any(_has_or(d) for d in domain)


def split_search(Model, domain):
    """(the read rule's other conjuncts, its arms — the one the domain
    implies alone, if any —, the searched domain) of the user's search of
    Model, or None where it is not to be split: no user or no access check
    (no rule), a search in the past (_datetime), a rule without arms, a
    domain with an OR of its own"""
    transaction = Transaction()
    if (not transaction.user or not transaction.check_access
            or (Model._history and transaction.context.get('_datetime'))):
        return None
    Rule = Pool().get('ir.rule')
    split = rule_arms(Rule.domain_get(Model.__name__, mode='read'))
    if not split:
        return None
    searched = _searched_domain(Model, domain)
    if _has_or(searched):
        # Left to the database, which may pair the domain's arms with the
        # rule's in its indexes (and an OR of related fields Tryton runs as
        # a UNION of its own)
        return None
    conjuncts, arms = split
    # An arm the domain implies admits every record the domain finds (a
    # salesperson's Mine: his owner arm): the only one to run
    implied = [arm for arm in arms if _implies(searched, arm)]
    return conjuncts, implied[:1] or arms, searched


def required_values(domain, name):
    "the values v of the clauses (name, '=', v) domain requires"
    return [c[2] for c in _operands(domain, 'AND')
        if is_leaf(c) and len(c) == 3 and c[0] == name and c[1] == '=']


def _implies(domain, arm):
    """whether every record of domain is in arm: domain requires
    (name, '=', id) and arm is (name, '=', id) or (name, 'in', […id…])"""
    if not is_leaf(arm) or len(arm) != 3 or arm[1] not in {'=', 'in'}:
        return False
    name, operator, value = arm
    values = value if operator == 'in' else [value]
    if not isinstance(values, (list, tuple)):
        return False
    return any(type(v) is int and v in values
        for v in required_values(domain, name))


def rule_key(Model, conjuncts, arms):
    """The key of the rule's conversion (_converted_rule) where the rule is
    plain and conversions are kept (CONVERT_ONCE), or None"""
    if CONVERT_ONCE and plain(Model, [conjuncts, arms]):
        return (Model, frozen(conjuncts), frozen(arms))


def _keep(cache, key, value):
    "cache[key] = value, the cache emptied first past 1,000 entries"
    if len(cache) > 1000:
        cache.clear()
    cache[key] = value


def _converted_rule(Model, conjuncts, arms, key):
    """(tables, conjuncts' expression or None, the arms' expressions),
    converted once per model and rule where the rule is plain (key:
    rule_key): a salesperson's deal rule is a fifth of a count's
    Python, and sao asks four counts per page (the list and its tabs)"""
    converted = _converted.get(key) if key else None
    if converted is None:
        tables = {None: (Model.__table__(), None)}
        conjunct = None
        if conjuncts:
            tables, conjunct = Model.search_domain(
                conjuncts, active_test=False, tables=tables)
        arm_expressions = []
        for arm in arms:
            tables, arm_expression = Model.search_domain(
                [arm], active_test=False, tables=tables)
            arm_expressions.append(arm_expression)
        converted = tables, conjunct, arm_expressions
        # Shared only without a join (no plain test makes one)
        if not key or list(tables) != [None]:
            return converted
        _keep(_converted, key, converted)
    tables, conjunct, arm_expressions = converted
    # The statements that share the expressions share their main table;
    # each adds its own joins to a dict of its own
    return {None: tables[None]}, conjunct, arm_expressions


def count_by_arms(Model, domain, offset, limit):
    """The number search(domain, offset, limit, count=True) returns, or
    None where Tryton's own count is the one to run"""
    transaction = Transaction()
    if not offset and limit >= Model.estimated_count():
        return None
    split = split_search(Model, domain)
    if not split:
        return None
    conjuncts, arms, searched = split
    # The access checks of ModelStorage.search (models, fields, domain)
    super(ModelSQL, Model).search(
        domain, offset=offset, limit=limit, order=[], count=True)
    # A plain rule (a salesperson's) is converted once, and with a plain
    # domain (a list's tab) the statement is theirs alone, made once
    key = None
    rule = rule_key(Model, conjuncts, arms)
    if rule and plain(Model, searched):
        key = (*rule, frozen(searched), transaction.active_records,
            offset, limit)
    statement = _statements.get(key) if key else None
    if statement is None:
        statement = _counted(
            Model, searched, conjuncts, arms, rule, offset, limit)
        if key:
            _keep(_statements, key, statement)
    cursor = transaction.connection.cursor()
    cursor.execute(*statement)
    return cursor.fetchone()[0]


def branch_conditions(Model, domain, conjuncts, arms, key):
    """(tables, the condition every branch tests: domain and the rule's
    conjuncts, each arm's condition), formatted once per statement
    (FORMAT_ONCE)"""
    tables, conjunct, arm_expressions = _converted_rule(
        Model, conjuncts, arms, key)
    tables, expression = Model.search_domain(domain, tables=tables)
    if conjunct is not None:
        expression &= conjunct
    if FORMAT_ONCE:
        expression = FormattedOnce(expression)
        arm_expressions = list(map(FormattedOnce, arm_expressions))
    return tables, expression, arm_expressions


def _counted(Model, domain, conjuncts, arms, key, offset, limit):
    "(SQL, parameters) of the count by arms"
    tables, expression, arm_expressions = branch_conditions(
        Model, domain, conjuncts, arms, key)
    from_ = convert_from(None, tables)
    branches = []
    for i, arm_expression in enumerate(arm_expressions):
        where = And([expression, arm_expression]
            + [IsNot(e, True) for e in arm_expressions[:i]])
        branches.append(from_.select(Literal(1), where=where))
    # The limit on a select of the union: python-sql leaves a union's own
    # limit and offset out of its parameters
    counted = Union(*branches, all_=True).select(
        Literal(1), limit=limit, offset=offset or None)
    return tuple(counted.select(Count()))


@classmethod
def search(cls, domain, offset=0, limit=None, order=None, count=False,
        query=False):
    if (ENABLED and count and not query and limit is not None
            and backend.name in BACKENDS and cls._crm_rule_arm_count()):
        number = count_by_arms(cls, domain, offset, limit)
        if number is not None:
            return number
    return _tryton_search(cls, domain, offset=offset, limit=limit,
        order=order, count=count, query=query)


def _no_arm_count(cls):
    return False


def install():
    "Count ruled searches arm by arm in the models that ask for it"
    ModelSQL.search = search
    ModelSQL._crm_rule_arm_count = classmethod(_no_arm_count)


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    @classmethod
    def _crm_rule_arm_count(cls):
        # Not the unowned customers' lists (公海客户): their searches cut
        # the rule to its pool arm (search_flags.py), and their indexes are
        # on the pool's libraries. The owned customers' (即将回归公海): the
        # owner arm reads the owners' returning customers from the owner
        # index alone (it holds the return condition's columns), where one
        # bitmap of the rule's arms visits every customer of a department
        from .rules import OWNED_ONLY, UNOWNED_ONLY
        context = Transaction().context
        if context.get(OWNED_ONLY):
            return OWNED_ARMS
        return not context.get(UNOWNED_ONLY)
