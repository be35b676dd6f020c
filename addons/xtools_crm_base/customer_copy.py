"""The customer's rule columns copied onto the records of big lists (issue
21: deals and opportunities at 1,000,000 customers).

A deal is read as its customer is (``__access__``): Tryton turns each rule
of the customer into ``(party, 'where', …)``, one customer lookup per deal
the database looks at. sao counts a list up to 6,000 rows, so a salesperson
who sees 2,000 of 100,000 contracts made the database look up 100,000
customers, where the same count without rules stops after 6,000 index
entries. With the columns the customer rules test (owner, type, the
recycle bin's date, and what other modules add: the pool's library)
copied onto the deal and indexed, the rule is a condition on the deal
itself and the database reads only the visible deals' index entries.

The copies are kept by database triggers, not by the ORM: a customer's
owner changes through transfers, the pool's set-based returns, imports,
merges and Tryton's party replacement (SQL updates of every link), and a
trigger sees every one of them. Whatever is written into a copy, the
deal's trigger sets it back to its customer's value.

A model uses it with CustomerCopyMixin, naming its link in
_crm_party_link; modules add copies with
``cls._crm_party_copies['<customer field>'] = '<own column>'`` and a
Char/Many2One field of that name. rules.py asks on_copies() to turn the
customer's rules into rules on the copies.

sao counts each tab of a list up to 1,000 rows and the list up to 6,000.
Tryton's count of a ruled user is a bitmap of the rows of the rule's arms
(owner, public pool …) and a visit of each in the table. Here the counts
go arm by arm (rule_arm_count.py) and the index of each arm also holds
every column the count tests (the copies, the customer, the company, the
counted columns below): each arm is an index-only scan stopped at the
limit (bench/README.md, "Counted from the arms' indexes"). Two
declarations shape those indexes (bench/README.md, "The tabs' columns in
the rule's indexes"):

- _crm_list_column, the column of the model's main counted tabs (the
  deals' contracts and orders, the opportunities in progress): the
  indexes of the rule's arms end with it, so a tab's bitmap holds that
  tab's rows only and the count visits no row of another tab;
- _crm_counted_columns, the columns of selective counted tabs (the
  deals to approve): each gets an index that also holds every column the
  read rule tests, and the count is read from that index alone, stopped
  at the limit. Not for a column most rows match: there the database
  would walk the index through the rows of other users (a department
  assistant's contracts measured 4x slower).
"""
from sql import Column

from trytond import backend
from trytond.model import Index, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

CUSTOMER_TABLE = 'party_party'
# False: the recycle bin's rule looks up the binned customers as before
# the copy of their date (bench/bench_lists_ab.py --b-off)
BIN_ON_COPY = True


class CustomerCopyMixin:
    __slots__ = ()
    _crm_party_link = 'party'
    # Named by the modules that show the lists (see above)
    _crm_list_column = None
    _crm_counted_columns = ()

    crm_party_owner = fields.Many2One(
        'res.user', "Customer Owner", readonly=True,
        help="The customer's owner, as the data permissions see it.")
    # Selections, not Char: Tryton compares a Char with COALESCE(…, ''),
    # which no index serves
    crm_party_type = fields.Selection(
        'get_crm_party_types', "Customer Type", readonly=True,
        help="The customer's type, as the data permissions see it.")
    # The recycle bin's rule on the copy: no lookup of the binned
    # customers per statement (issue 21)
    crm_party_deleted_date = fields.DateTime(
        "Customer Deleted On", readonly=True,
        help="Set while the customer is in the recycle bin.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Per class: other modules add theirs in their own __setup__
        cls._crm_party_copies = {
            'crm_owner': 'crm_party_owner',
            'crm_customer_type': 'crm_party_type',
            'crm_deleted_date': 'crm_party_deleted_date',
            }
        # The indexes of the rule's arms, as [(column, usage)]: built in
        # __post_setup__, ending with the list's column
        cls._crm_rule_arm_indexes = [[('crm_party_owner', Index.Range())]]
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.crm_party_type, Index.Equality(cardinality='low'))))

    @classmethod
    def __post_setup__(cls):
        super().__post_setup__()
        # After every module's __setup__: they add copies and arm indexes
        t = cls.__table__()
        last = []
        if cls._crm_list_column:
            last = [(cls._crm_list_column, Index.Equality(cardinality='low'))]
        tested = rule_columns(cls)
        counted = sorted(set(tested) | set(cls._crm_counted_columns))
        for columns in cls._crm_rule_arm_indexes:
            keys = [n for n, _ in columns + last]
            cls._sql_indexes.add(Index(t,
                    *((Column(t, n), usage) for n, usage in columns + last),
                    include=[Column(t, c) for c in counted if c not in keys]))
        covered = [Column(t, c) for c in tested]
        for name in cls._crm_counted_columns:
            cls._sql_indexes.add(Index(t,
                    (Column(t, name), Index.Equality(cardinality='low')),
                    include=covered))

    @classmethod
    def _crm_rule_arm_count(cls):
        # Each arm's index holds what the count tests (above)
        return True

    @classmethod
    def get_crm_party_types(cls):
        return customer_selection('crm_customer_type')

    @classmethod
    def __register__(cls, module):
        table = cls.__table_handler__(module)
        missing = [c for c in cls._crm_party_copies.values()
            if not table.column_exist(c)]
        super().__register__(module)
        install_copy_triggers(cls)
        if missing:
            fill_copies(cls)


def rule_columns(Model):
    """The columns of Model the read rule tests once it is on the copies:
    the copies, the customer link (its shares, "has a customer") and the
    company"""
    names = [Model._crm_party_link, *Model._crm_party_copies.values()]
    if 'company' in Model._fields:
        names.append('company')
    return sorted(names)


def customer_selection(name):
    "The selection of the customer's field name"
    Party = Pool().get('party.party')
    return Party.fields_get([name])[name]['selection']


def quote(name):
    "An SQL identifier, quoted (the triggers' SQL is written as text)"
    return '"%s"' % name


def _copy_columns(Model):
    "[(customer column, own column)] of Model's copies"
    return sorted(Model._crm_party_copies.items())


def fill_copies(Model):
    "Set every record's copies from its customer (once, when added)"
    table, link = Model._table, Model._crm_party_link
    pairs = _copy_columns(Model)
    own = ', '.join(quote(o) for _, o in pairs)
    theirs = ', '.join('p.%s' % quote(c) for c, _ in pairs)
    cursor = Transaction().connection.cursor()
    cursor.execute(
        f'UPDATE {quote(table)} SET ({own}) = '
        f'(SELECT {theirs} FROM {quote(CUSTOMER_TABLE)} p '
        f'WHERE p.id = {quote(table)}.{quote(link)})')
    # The planner's statistics of the new columns: without them it takes
    # the rules for rare and sorts every deal instead of walking the list
    # order's index
    cursor.execute(f'ANALYZE {quote(table)}')


def install_copy_triggers(Model):
    """(Re)create the two triggers of Model's copies: the record takes its
    customer's values on insert and on any update; a change of the
    customer's columns is copied to its records"""
    if backend.name == 'postgresql':
        statements = _postgresql_triggers(Model)
    else:
        statements = _sqlite_triggers(Model)
    cursor = Transaction().connection.cursor()
    for statement in statements:
        cursor.execute(statement)


def _names(Model):
    table = Model._table
    # Within PostgreSQL's 63 characters for Tryton's table names
    return (f'xtools_copy_from_party_{table}'[:63],
        f'xtools_copy_to_{table}'[:63])


def _postgresql_triggers(Model):
    table, link = quote(Model._table), quote(Model._crm_party_link)
    pairs = _copy_columns(Model)
    own_name, party_name = _names(Model)
    targets = ', '.join(f'NEW.{quote(o)}' for _, o in pairs)
    theirs = ', '.join(f'p.{quote(c)}' for c, _ in pairs)
    sets = ', '.join(f'{quote(o)} = NEW.{quote(c)}' for c, o in pairs)
    changed = ' OR '.join(
        f'OLD.{quote(c)} IS DISTINCT FROM NEW.{quote(c)}' for c, _ in pairs)
    columns = ', '.join(quote(c) for c, _ in pairs)
    party = quote(CUSTOMER_TABLE)
    return [
        # SELECT INTO sets the copies to NULL when there is no customer
        f'CREATE OR REPLACE FUNCTION {quote(own_name)}() RETURNS trigger '
        f'LANGUAGE plpgsql AS $body$ BEGIN '
        f'SELECT {theirs} INTO {targets} FROM {party} p '
        f'WHERE p.id = NEW.{link}; RETURN NEW; END $body$',
        f'DROP TRIGGER IF EXISTS {quote(own_name)} ON {table}',
        f'CREATE TRIGGER {quote(own_name)} BEFORE INSERT OR UPDATE '
        f'ON {table} FOR EACH ROW EXECUTE FUNCTION {quote(own_name)}()',
        f'CREATE OR REPLACE FUNCTION {quote(party_name)}() RETURNS trigger '
        f'LANGUAGE plpgsql AS $body$ BEGIN '
        f'UPDATE {table} SET {sets} WHERE {link} = NEW.id; '
        f'RETURN NULL; END $body$',
        f'DROP TRIGGER IF EXISTS {quote(party_name)} ON {party}',
        f'CREATE TRIGGER {quote(party_name)} AFTER UPDATE OF {columns} '
        f'ON {party} FOR EACH ROW WHEN ({changed}) '
        f'EXECUTE FUNCTION {quote(party_name)}()',
        ]


def _sqlite_triggers(Model):
    table, link = quote(Model._table), quote(Model._crm_party_link)
    pairs = _copy_columns(Model)
    own_name, party_name = _names(Model)
    own = ', '.join(quote(o) for _, o in pairs)
    theirs = ', '.join(f'p.{quote(c)}' for c, _ in pairs)
    party = quote(CUSTOMER_TABLE)
    # SQLite's triggers do not fire themselves again (recursive_triggers
    # is off): the update of the copies does not loop
    refresh = (f'UPDATE {table} SET ({own}) = (SELECT {theirs} FROM {party} p '
        f'WHERE p.id = NEW.{link}) WHERE id = NEW.id; END')
    watched = ', '.join([link] + [quote(o) for _, o in pairs])
    sets = ', '.join(f'{quote(o)} = NEW.{quote(c)}' for c, o in pairs)
    columns = ', '.join(quote(c) for c, _ in pairs)
    return [
        f'DROP TRIGGER IF EXISTS {quote(own_name + "_insert")}',
        f'CREATE TRIGGER {quote(own_name + "_insert")} AFTER INSERT '
        f'ON {table} FOR EACH ROW BEGIN {refresh}',
        f'DROP TRIGGER IF EXISTS {quote(own_name + "_update")}',
        f'CREATE TRIGGER {quote(own_name + "_update")} AFTER UPDATE OF '
        f'{watched} ON {table} FOR EACH ROW BEGIN {refresh}',
        f'DROP TRIGGER IF EXISTS {quote(party_name)}',
        f'CREATE TRIGGER {quote(party_name)} AFTER UPDATE OF {columns} '
        f'ON {party} FOR EACH ROW BEGIN '
        f'UPDATE {table} SET {sets} WHERE {link} = NEW.id; END',
        ]


def on_copies(domain, Model):
    """domain with each (link, 'where', customer domain) made a domain on
    Model's copies: the same records (the link names one customer, so
    "the customer matches A and/or B" is "A and/or B on the copies"); a
    clause on a customer column without a copy stays (link, 'where', …)"""
    copies = getattr(Model, '_crm_party_copies', None)
    if not copies:
        return domain
    link = Model._crm_party_link
    if (isinstance(domain, (list, tuple)) and len(domain) == 3
            and domain[0] == link):
        if domain[1] == 'where':
            return [(link, '!=', None), _translate(domain[2], link, copies)]
        if domain[1] == 'not where' and BIN_ON_COPY:
            return _not_set_on_copy(domain, copies) or domain
        return domain
    if isinstance(domain, list):
        return [d if isinstance(d, str) else on_copies(d, Model)
            for d in domain]
    return domain


def _not_set_on_copy(domain, copies):
    """(link, 'not where', [(name, '!=', None)]) — the recycle bin's "not
    a binned customer" (rules.py) — as (copy, '=', None), or None for any
    other: a record without a customer has NULL copies and is kept, as
    'not where' keeps it. (The converse, "not where name = None", would
    drop it: not translated.)"""
    clauses = domain[2]
    while (isinstance(clauses, list) and len(clauses) == 1):
        clauses = clauses[0]
    if (isinstance(clauses, tuple) and len(clauses) == 3
            and clauses[0] in copies and clauses[1:] == ('!=', None)):
        return (copies[clauses[0]], '=', None)


def _translate(domain, link, copies):
    if isinstance(domain, (list, tuple)) and domain and isinstance(
            domain[0], str) and domain[0] not in {'OR', 'AND'}:
        name = domain[0]
        if name in copies:
            return (copies[name], *domain[1:])
        if name == 'id':
            return (link, *domain[1:])
        return (link, 'where', [tuple(domain)])
    if isinstance(domain, (list, tuple)):
        return [d if isinstance(d, str) else _translate(d, link, copies)
            for d in domain]
    return domain

