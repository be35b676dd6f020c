"""The pool's facts about a customer search (base search_flags.py).

- The libraries its domain admits (公海客户: the public pool; 公海已分配:
  the claimed customers). When the user reads every customer of those
  libraries as a pool person (rules.py), every customer the search can
  return is readable by the customer rule's pool arm: the rule is left out
  of this search (rules.Rule.get), and the page is the unruled page.
- Owned customers only: a return date or "returning soon" (即将回归公海)
  is only ever computed for customers with an owner (every return rule's
  condition requires one, auto_return._crm_pool_rule_condition)."""
from trytond.pool import PoolMeta

from xtools_crm_base.rules import OWNED_ONLY
from xtools_crm_base.search_flags import anded_clauses, required_values

# The context key: the libraries the search admits, as a sorted tuple
LIBRARIES_ONLY = '_crm_libraries_only'


def requires_return(clause):
    "Whether clause admits customers with a return date only"
    name, operator, value = clause[:3]
    if name == 'crm_returning_soon':
        return operator == '=' and value is True
    if name == 'crm_return_date':
        if value is None:
            return operator == '!='
        return operator in {'=', '<', '<=', '>', '>='}
    return False


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    @classmethod
    def _crm_search_flags(cls, domain):
        flags = super()._crm_search_flags(domain)
        libraries = required_values(domain, 'crm_library') or ()
        flags[LIBRARIES_ONLY] = tuple(sorted(libraries, key=str))
        if any(map(requires_return, anded_clauses(domain))):
            flags[OWNED_ONLY] = True
        return flags
