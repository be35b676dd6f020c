"""What a customer search's own domain tells the read rule (rules.py).

The read rule ORs the reasons a user may see a customer. Some reasons can
match none of the customers a search admits (a search for customers only
cannot match the "not a customer" arm; one for unowned customers, the
owner arm; one for owned customers, the public pool's arm), yet the
planner counts their rows and picks plans for thousands of candidates
where there are a few hundred (bench/README.md: a salesperson's list
walked the name index through thousands of others). party.party's search
tells the rule these facts in the context (keys in rules.py, the pool's in
xtools_crm_pool/search_flags.py), for its own query only: the keys are
set around the search, and the records it returns carry the caller's
context.

The facts are read from the clauses the domain ANDs at its top: each
holds for every record the search can return."""
from trytond.pool import PoolMeta
from trytond.transaction import Transaction


def anded_clauses(domain):
    """The clauses domain ANDs at its top, through nested ANDs and ORs of
    a single operand"""
    if not isinstance(domain, (list, tuple)) or not domain:
        return
    if isinstance(domain[0], str) and domain[0] not in {'AND', 'OR'}:
        if len(domain) >= 3:
            yield domain
        return
    if domain[0] == 'OR':
        if len(domain) == 2:
            yield from anded_clauses(domain[1])
        return
    for operand in (domain[1:] if domain[0] == 'AND' else domain):
        yield from anded_clauses(operand)


def required_values(domain, name):
    """The values domain lets the field name take (a set), from its ANDed
    (name, '=', value) and (name, 'in', values) clauses; None if it
    names none"""
    allowed = None
    for field, operator, value in (c[:3] for c in anded_clauses(domain)):
        if field != name:
            continue
        try:
            if operator == '=':
                values = {value}
            elif operator == 'in' and isinstance(value, (list, tuple)):
                values = set(value)
            else:
                continue
        except TypeError:
            # An unhashable value (a client's malformed domain): no fact;
            # Tryton's own validation of the domain answers the client
            continue
        allowed = values if allowed is None else allowed & values
    return allowed


def requires_value(domain, name):
    """Whether domain admits records with a value of name only: an ANDed
    (name, '!=', None), '=' a value or 'in' values"""
    values = required_values(domain, name)
    return (values is not None and None not in values) or any(
        c[:3] == (name, '!=', None) for c in map(tuple, anded_clauses(domain)))


def requires_customer(domain):
    "Whether domain admits customers only (a customer type)"
    return requires_value(domain, 'crm_customer_type')


def requires_no_owner(domain):
    "Whether domain admits customers without an owner only"
    return required_values(domain, 'crm_owner') == {None}


def requires_owner(domain):
    "Whether domain admits customers with an owner only"
    return requires_value(domain, 'crm_owner')


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    @classmethod
    def _crm_search_flags(cls, domain):
        """{context key: value} of what domain tells the read rule;
        extended by other modules (the pool's libraries)"""
        from .rules import CUSTOMERS_ONLY, OWNED_ONLY, UNOWNED_ONLY
        return {
            CUSTOMERS_ONLY: requires_customer(domain),
            UNOWNED_ONLY: requires_no_owner(domain),
            OWNED_ONLY: requires_owner(domain),
            }

    @classmethod
    def search(cls, domain, offset=0, limit=None, order=None, count=False,
            query=False):
        "The search with its facts in the rule context, for itself only"
        flags = cls._crm_search_flags(domain)
        context = Transaction().context
        if all((context.get(k) or False) == (v or False)
                for k, v in flags.items()):
            return super().search(domain, offset=offset, limit=limit,
                order=order, count=count, query=query)
        with Transaction().set_context(flags):
            result = super().search(domain, offset=offset, limit=limit,
                order=order, count=count, query=query)
        if count or query:
            return result
        # Records in the caller's context: read through them, a related
        # party that is not a customer stays readable
        return cls.browse([r.id for r in result])
