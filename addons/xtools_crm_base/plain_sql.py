"""SQL made once (rule_arm_count.py: a ruled user's counts).

- FormattedOnce: an expression whose text and parameters python-sql makes
  once per statement, however often the statement repeats it.
- plain(): whether a domain's SQL depends on nothing but its values (no
  database read, no context, no searcher), so that its conversion, or a
  whole statement made of plain domains, may be kept and used again;
  frozen(): such a domain as a key.
"""
import datetime as dt
from decimal import Decimal

from sql import AliasManager, Expression
from sql.operators import Operator, UnaryOperator

from trytond.model import fields
from trytond.model.modelstorage import is_leaf

# Tests of plain columns whose SQL is their values' alone: no DB read
# (child_of), no context (ilike's unaccent), no searcher
PLAIN_OPERATORS = {'=', '!=', 'in', 'not in', '<', '<=', '>', '>='}
PLAIN_VALUES = (str, int, float, bool, Decimal, dt.date)


class FormattedOnce(Expression):
    """An expression whose SQL text and parameters are made once per
    statement. Branch i of a count by arms repeats the domain and the i - 1
    arms before its own, and python-sql formats every copy anew: for a
    salesperson's deals (4 arms) the text of 14 expressions where 5 are
    different, a third of the count's Python (bench/README.md)."""
    __slots__ = ('expression', '_aliases', '_text', '_params')

    def __init__(self, expression):
        super().__init__()
        self.expression = expression
        self._aliases = self._text = self._params = None

    def __str__(self):
        # The text names the tables by the aliases of the statement being
        # formatted: kept while that statement's aliases are
        aliases = getattr(AliasManager.local, 'alias', None)
        if self._text is None or aliases is not self._aliases:
            # Parenthesised as an operator formats an operand
            # (Operator._format): the statement's text is unchanged
            expression = self.expression
            self._text = str(expression)
            if (isinstance(expression, Operator)
                    and not isinstance(expression, UnaryOperator)):
                self._text = '(%s)' % self._text
            self._aliases = aliases
        return self._text

    @property
    def params(self):
        if self._params is None:
            self._params = tuple(self.expression.params)
        return self._params


def plain(Model, domain):
    """Whether domain tests stored, untranslated columns of Model with
    plain operators and values only: its conversion is the same SQL
    whoever asks and whenever"""
    if isinstance(domain, str):
        return domain in {'AND', 'OR'}
    if not is_leaf(domain):
        return all(plain(Model, d) for d in domain)
    if len(domain) != 3:
        return False
    name, operator, value = domain
    field = Model._fields.get(name)
    values = value if isinstance(value, (list, tuple)) else [value]
    # A link compared with a text searches the target's names
    types = (int,) if hasattr(field, 'get_target') else PLAIN_VALUES
    return (field is not None and operator in PLAIN_OPERATORS
        and not isinstance(field, fields.Function)
        and not getattr(field, 'translate', False)
        # A model's own conversion of the field (Field.domain_method)
        and not hasattr(Model, f'domain_{name}')
        and all(v is None or isinstance(v, types) for v in values))


def frozen(domain):
    if isinstance(domain, (list, tuple)):
        return tuple(map(frozen, domain))
    return domain
