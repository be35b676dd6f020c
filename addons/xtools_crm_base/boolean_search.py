"""The searcher of a computed Boolean field (overdue, late …): which of
True and False the clause asks for, and the domain that finds them."""


def wanted_values(clause):
    """The set of booleans the clause (name, operator, value) looks for:
    =, !=, in and not in are understood; None for any other operator"""
    _, operator, value = clause[:3]
    if operator in {'in', 'not in'}:
        values = value if isinstance(value, (list, tuple, set)) else [value]
        wanted = {bool(v) for v in values}
    elif operator in {'=', '!='}:
        wanted = {bool(value)}
    else:
        return None
    if operator in {'!=', 'not in'}:
        wanted = {True, False} - wanted
    return wanted


def boolean_domain(clause, true_domain, false_domain):
    """The domain of the records the clause on a computed Boolean field
    finds: true_domain selects those where the field is True,
    false_domain those where it is False"""
    wanted = wanted_values(clause)
    if wanted is None or wanted == {True, False}:
        return []
    if wanted == {True}:
        return true_domain
    if wanted == {False}:
        return false_domain
    return [('id', '=', None)]
