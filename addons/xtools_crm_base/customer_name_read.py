"""The customer's name on a page of records read as their customer is.

A list of deals, opportunities, contacts, activities … names each record's
customer: sao reads ``party.rec_name``, and Tryton reads the page's
customers again with the customer's read rule — one more statement and
one more conversion of that rule, on every page (about 0.8 ms of a deal
list's page for a ruled user, a twentieth of an opportunity list's at
1,000,000 customers: bench/README.md, "The customer's name without its
rule a second time").

A record whose read rule is made of its customer's rule groups only,
through that one link (Tryton's ``__access__``, or an optional customer
link: rules.py), is returned by the read only when its customer passes
every one of those groups: the read has applied the customer's rule to
the customer already. For such a link the names are read from the
customers' columns after the customer's model and field access checks
(what Tryton's read of the customer checks besides the rule). Anything
else — another field of the customer, a record with read rules of its
own, a search in the past — goes through Tryton's read.

``install()`` puts it in ModelSQL.read, under every model's own read.
"""
from trytond.ir.rule import _get_access_models
from trytond.model import ModelSQL
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access

from .visibility import CUSTOMER_MODEL

# False: Tryton's read of the customer (bench/bench_lists_ab.py --b-off)
ENABLED = True
NAME = 'rec_name'

_tryton_read = ModelSQL.read.__func__


def customer_links(Model):
    """The many2one fields of Model to the customer through which its read
    rule takes the customer's: the only __access__ path to the customer,
    or the optional customer link"""
    Rule = Pool().get('ir.rule')
    if not hasattr(Rule, '_crm_optional_customer_paths'):
        # A database without xtools_crm_base in the same process
        return set()
    _, model2field = _get_access_models(Model)
    paths = model2field.get(CUSTOMER_MODEL, [])
    optional = Rule._crm_optional_customer_paths(Model)
    if len(paths) == 1 and '.' not in paths[0] and not optional:
        return {paths[0]}
    if not paths and len(optional) == 1 and optional[0][0] is None:
        return {optional[0][1]}
    return set()


def _rule_is_the_customer_s(Model):
    """Whether a record Model's read rule admits has a customer the
    customer's read rule admits (or none). Tryton's rule is the AND of the
    global groups and the OR of the others, those of the customer taken
    through the link: the customer's global groups must all be among the
    record's, and where the customer has other groups, the record's OR
    must be theirs, without a group of its own that would admit more."""
    Rule = Pool().get('ir.rule')
    clause, clause_global = Rule.get(Model.__name__, mode='read')
    customer, customer_global = Rule.get(CUSTOMER_MODEL, mode='read')
    return (set(customer_global) <= set(clause_global)
        and (not customer or set(clause) == set(customer)))


def read_implies_customer(Model):
    """_rule_is_the_customer_s, kept in ir.rule's own cache under the same
    key as the model's read domain: cleared with it (a rule changed, the
    organisation changed: visibility.clear_visibility_cache)"""
    Rule = Pool().get('ir.rule')
    model_names, _ = _get_access_models(Model)
    key = ((Model.__name__, 'crm_read_implies_customer')
        + Rule._get_cache_key(model_names))
    implied = Rule._domain_get_cache.get(key)
    if implied is None:
        implied = _rule_is_the_customer_s(Model)
        Rule._domain_get_cache.set(key, implied)
    return implied


def _names_asked(Model, fields_names):
    "the customer links whose name, and nothing else of it, is asked"
    suffix = '.' + NAME
    if not any(f.endswith(suffix) for f in fields_names):
        return []
    if '_crm_customer_links' not in Model.__dict__:
        # Per pool class: the pool builds each database's classes anew
        Model._crm_customer_links = customer_links(Model)
    links = []
    for link in Model._crm_customer_links:
        prefix = link + '.'
        related = [f for f in fields_names if f.startswith(prefix)]
        if related == [prefix + NAME]:
            links.append(link)
    return links


def _read_names(party_ids):
    """{id: {'id', 'rec_name'}} of the customers, read after the customer
    read's access checks but its rule; as many as related_read_limit"""
    Party = Pool().get(CUSTOMER_MODEL)
    limit = Transaction().context.get('related_read_limit')
    Party._before_read(party_ids, [NAME])
    with without_check_access():
        rows = Party.read(party_ids[:limit], [NAME])
    targets = {r['id']: r for r in rows}
    targets.update((i, {'id': i}) for i in party_ids[len(rows):])
    return targets


@classmethod
def read(cls, ids, fields_names):
    transaction = Transaction()
    if (not ENABLED or not ids or not transaction.user
            or not transaction.check_access
            or transaction.context.get('_datetime')):
        return _tryton_read(cls, ids, fields_names)
    links = _names_asked(cls, fields_names)
    if not links or not read_implies_customer(cls):
        return _tryton_read(cls, ids, fields_names)
    asked = [f for f in fields_names
        if f not in {link + '.' + NAME for link in links}]
    added = [link for link in links if link not in asked]
    rows = _tryton_read(cls, ids, asked + added)
    for link in links:
        party_ids = list(dict.fromkeys(
                r[link] for r in rows if r[link] is not None))
        targets = _read_names(party_ids)
        for row in rows:
            value = row[link]
            row[link + '.'] = targets[value] if value is not None else None
    for row in rows:
        for link in added:
            del row[link]
    return rows


def install():
    "Read the customer's name of the records read as their customer is"
    ModelSQL.read = read
