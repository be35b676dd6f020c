"""Whether a customer has an open opportunity or an approved deal, kept on
the customer (issue 21: 即将回归公海 at 1,000,000 customers).

Both exempt a customer from the automatic return (sales.py, a setting).
Tested as NOT EXISTS on the opportunities and deals, they made every count
of the returning customers hash every open opportunity and approved deal
of the company (at 100,000 customers, 24 of a manager's 28 ms count;
bench/README.md). Kept as two flags on the customer, they are a test of
the customer's own row.

The flags are kept by database triggers on the opportunities and deals,
not by the ORM: a deal's state or customer also changes through Tryton's
workflows, party replacement and merges (SQL updates of every link), and
a trigger sees every one of them. The customer's row is written only when
its flag changes. Registered only with xtools_crm_sales (tryton.cfg)."""
from trytond import backend
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from xtools_crm_base.customer_copy import CUSTOMER_TABLE, quote
from xtools_crm_sales.deal import APPROVED_STATES
from xtools_crm_sales.opportunity import OPEN_STATES

# {customer column: (model, states)}
FLAGS = {
    'crm_pool_open_opportunity': ('sale.opportunity', OPEN_STATES),
    'crm_pool_approved_deal': ('sale.sale', APPROVED_STATES),
    }


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    crm_pool_open_opportunity = fields.Boolean(
        "Has Open Opportunity", readonly=True,
        help="The customer has an opportunity that is not won, lost or "
        "cancelled (kept by the database).")
    crm_pool_approved_deal = fields.Boolean(
        "Has Approved Deal", readonly=True,
        help="The customer has an approved contract or order "
        "(kept by the database).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Tested by the return condition: in the owner index with it
        # (auto_return.py)
        cls._crm_owner_index_columns |= set(FLAGS)

    @classmethod
    def __register__(cls, module):
        table = cls.__table_handler__(module)
        missing = [c for c in FLAGS if not table.column_exist(c)]
        super().__register__(module)
        install_flag_triggers()
        if missing:
            fill_flags()

    @classmethod
    def copy(cls, parties, default=None):
        # A copy has none of the original's opportunities and deals
        default = default.copy() if default else {}
        for name in FLAGS:
            default.setdefault(name, False)
        return super().copy(parties, default=default)

    @staticmethod
    def default_crm_pool_open_opportunity():
        return False

    @staticmethod
    def default_crm_pool_approved_deal():
        return False


def _exists(column, party):
    "SQL: whether the customer `party` (an SQL expression) has the flag"
    Model, states = FLAGS[column]
    table = Pool().get(Model)._table
    listed = ', '.join("'%s'" % s for s in sorted(states))
    return (f'EXISTS (SELECT 1 FROM {quote(table)} r '
        f'WHERE r."party" = {party} AND r."state" IN ({listed}))')


def fill_flags():
    "Set every customer's flags (once, when the columns are added)"
    cursor = Transaction().connection.cursor()
    party = quote(CUSTOMER_TABLE)
    sets = ', '.join(f'{quote(c)} = {_exists(c, f"{party}.id")}'
        for c in sorted(FLAGS))
    cursor.execute(f'UPDATE {party} SET {sets}')


def install_flag_triggers():
    "(Re)create the triggers of both flags"
    cursor = Transaction().connection.cursor()
    for column in sorted(FLAGS):
        if backend.name == 'postgresql':
            statements = _postgresql_triggers(column)
        else:
            statements = _sqlite_triggers(column)
        for statement in statements:
            cursor.execute(statement)


def _refresh(column, party, distinct='IS DISTINCT FROM'):
    """SQL: set the flag of the customer `party` where it changes (SQLite
    before 3.39 says `distinct` as IS NOT)"""
    # No alias: SQLite refuses one in a trigger's UPDATE
    table = quote(CUSTOMER_TABLE)
    exists = _exists(column, f'{table}.id')
    return (f'UPDATE {table} SET {quote(column)} = {exists} '
        f'WHERE {table}.id = {party} AND '
        f'{table}.{quote(column)} {distinct} ({exists})')


def _name(column):
    return f'xtools_flag_{column}'[:63]


def _postgresql_triggers(column):
    Model, _ = FLAGS[column]
    table = quote(Pool().get(Model)._table)
    name = quote(_name(column))
    return [
        f'CREATE OR REPLACE FUNCTION {name}() RETURNS trigger '
        f'LANGUAGE plpgsql AS $body$ BEGIN '
        f"IF TG_OP <> 'INSERT' THEN {_refresh(column, 'OLD.party')}; "
        f'END IF; '
        f"IF TG_OP <> 'DELETE' THEN {_refresh(column, 'NEW.party')}; "
        f'END IF; '
        f'RETURN NULL; END $body$',
        f'DROP TRIGGER IF EXISTS {name} ON {table}',
        f'CREATE TRIGGER {name} AFTER INSERT OR DELETE OR UPDATE OF '
        f'"party", "state" ON {table} FOR EACH ROW '
        f'EXECUTE FUNCTION {name}()',
        ]


def _sqlite_triggers(column):
    Model, _ = FLAGS[column]
    table = quote(Pool().get(Model)._table)
    name = _name(column)
    old = _refresh(column, 'OLD.party', distinct='IS NOT')
    new = _refresh(column, 'NEW.party', distinct='IS NOT')
    return [
        f'DROP TRIGGER IF EXISTS {quote(name + "_insert")}',
        f'CREATE TRIGGER {quote(name + "_insert")} AFTER INSERT ON {table} '
        f'FOR EACH ROW BEGIN {new}; END',
        f'DROP TRIGGER IF EXISTS {quote(name + "_update")}',
        f'CREATE TRIGGER {quote(name + "_update")} AFTER UPDATE OF '
        f'"party", "state" ON {table} FOR EACH ROW BEGIN {old}; {new}; END',
        f'DROP TRIGGER IF EXISTS {quote(name + "_delete")}',
        f'CREATE TRIGGER {quote(name + "_delete")} AFTER DELETE ON {table} '
        f'FOR EACH ROW BEGIN {old}; END',
        ]
