"""A ruled user's page of a list, its rows taken arm by arm.

A salesperson's 即将回归公海 (ordered by library date) is, by his read
rule, his own returning customers or the ones shared with him. Tryton
searches

    SELECT … FROM party WHERE domain AND (owner IN (me) OR id IN shares)
    ORDER BY crm_library_date, id LIMIT 61

and PostgreSQL 15 cannot read an OR in the order of an index: it gathers
every row of every arm (at 1,000,000 customers his 4,200 customers, 1,400
of them returning), then sorts them for a page of 61. Here the page's
candidates are taken first, arm by arm,

    SELECT id FROM (SELECT id FROM party WHERE domain AND global AND arm1
        ORDER BY … LIMIT offset + limit) AS a
    UNION ALL SELECT id FROM (… arm2 …) AS b …

each branch read in the order of its own arm's index (the owner index is
keyed (crm_owner, crm_library_date, id) in the pool: a salesperson's
entries in date order, stopped after offset + limit returning ones; a
test `in` one id is made an equality, which the database may read in
order), and Tryton's search then runs on `id IN (those)` (the domain,
tested in the branches, converted once). Its page is the same: a record
of the page ranks no lower among the records of an arm that admits it
than among all the user reads, so it is among that arm's first offset +
limit; the order, the page, the rule (tested again) and the cache stay
Tryton's, and the domain's access checks are ModelStorage's.

Only where the model asks (_crm_rule_arm_search(order): the pool's
即将回归公海 in its order, naming the owner), where the domain or an arm
fixes the owner to one value (a salesperson's All, anyone's Mine; not a
department's All), on PostgreSQL (rule_arm_count.BACKENDS), for a page
(a limit), with a rule of two arms or more, a domain without an OR of its
own, an order of the table's own columns (no join), not a search in the
past (_datetime). bench/README.md, "即将回归 by arms".

``install()`` wraps the search rule_arm_count.install() put in
ModelSQL.search.
"""
from sql import Union
from sql.operators import And

from trytond import backend
from trytond.model import ModelSQL
from trytond.model.modelsql import apply_sorting, convert_from
from trytond.model.modelstorage import is_leaf

from . import rule_arm_count
from .rule_arm_count import (
    branch_conditions, required_values, rule_key, split_search)

# False: Tryton's search everywhere (bench/bench_lists_ab.py --b-off)
ENABLED = True


def _one_value_equal(domain):
    """domain with its tests `in` a list of one value made `=` that value:
    Tryton's `in` is `= ANY(array)` on PostgreSQL, which the database may
    not read in the order of an index (it does not know the array holds
    one value): a salesperson's owner arm, `crm_owner IN (me)`"""
    if is_leaf(domain):
        if (len(domain) == 3 and domain[1] == 'in'
                and isinstance(domain[2], (list, tuple))
                and len(domain[2]) == 1 and type(domain[2][0]) is int):
            # An id (a link's `=` a text would search the target's names)
            return (domain[0], '=', domain[2][0])
        return domain
    if isinstance(domain, str):
        return domain
    return [_one_value_equal(d) for d in domain]


def _fixes(domain, name):
    "whether domain requires name = one value"
    return any(v is not None for v in required_values(domain, name))


def page_by_arms(Model, domain, offset, limit, order, fixed):
    """The SQL of the ids among which search(domain, offset, limit, order)
    finds its page, or None where Tryton's search alone is the one to run:
    also where neither the domain nor an arm fixes the column `fixed` (the
    owner) to one value, as no index then reads an arm in the page's order
    (a department's owners, `= ANY(array)`: Tryton's plan reads the order's
    own index, the arms measured 2-5 ms slower at 1,000,000)"""
    split = split_search(Model, domain)
    if not split:
        return None
    conjuncts, arms, searched = split
    arms = [_one_value_equal(arm) for arm in arms]
    if not (_fixes(searched, fixed) or any(_fixes(a, fixed) for a in arms)):
        return None
    # The order as Tryton's search completes it: a page is ordered by id last
    if not order:
        order = Model._order
    if 'id' not in {oexpr for oexpr, _ in order}:
        order = [*order, ('id', None)]
    tables, expression, arm_expressions = branch_conditions(
        Model, searched, conjuncts, arms, rule_key(Model, conjuncts, arms))
    joined = len(tables)
    order_by = []
    for oexpr, otype in order:
        field = Model._fields[oexpr.partition('.')[0]]
        order_by.extend(apply_sorting(otype)(o)
            for o in field.convert_order(oexpr, tables, Model))
    if len(tables) != joined:
        # Ordered by another table's column: no arm's index serves it
        return None
    # The access checks of ModelStorage.search (models, fields, domain,
    # order): Tryton's search sees the candidates' ids only
    super(ModelSQL, Model).search(
        domain, offset=offset, limit=limit, order=order)
    main, _ = tables[None]
    from_ = convert_from(None, tables)
    branches = []
    for arm_expression in arm_expressions:
        branch = from_.select(main.id.as_('id'),
            where=And([expression, arm_expression]),
            order_by=order_by, limit=offset + limit)
        # A subquery each: a union's members may not have their own order
        # and limit (SQLite)
        branches.append(branch.select(branch.id))
    return Union(*branches, all_=True)


@classmethod
def search(cls, domain, offset=0, limit=None, order=None, count=False,
        query=False):
    if (ENABLED and not count and not query and limit is not None
            and backend.name in rule_arm_count.BACKENDS
            and (fixed := cls._crm_rule_arm_search(order))):
        candidates = page_by_arms(
            cls, domain, offset or 0, limit, order, fixed)
        if candidates is not None:
            # The domain is tested in the branches: converted once (the
            # return condition's is most of the search's Python)
            domain = [('id', 'in', candidates)]
    return rule_arm_count.search.__func__(cls, domain, offset=offset,
        limit=limit, order=order, count=count, query=query)


def _no_arm_search(cls, order):
    """The column whose index, led by it, is read in the order of a page
    of the list (order), once a rule's arm or the domain fixes it to one
    value; None: Tryton's search"""
    return None


def install():
    "Take a ruled page's rows arm by arm in the models that ask for it"
    ModelSQL.search = search
    ModelSQL._crm_rule_arm_search = classmethod(_no_arm_search)

