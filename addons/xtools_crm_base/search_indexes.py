"""Indexes for the lists and searches users make all day (issue 21).

- The customer list's order: party.party sorts by name, then id; a b-tree
  on (name, id) gives the first page without sorting every party.
- Substring searches ('%明珠%', '%0138%') on customer name and code (Tryton
  declares those), contact mechanisms (phone, mobile, email), and CRM
  contacts' name, mobile and phone: Tryton's Index.Similarity, which
  PostgreSQL builds as a GIN trigram index when the database has the
  pg_trgm extension, else as a b-tree that serves prefixes only. SQLite
  builds no index for it (its LIKE scans).

The extension is created when the module is activated or updated, if the
server offers it and the database user may create it (pg_trgm is a
trusted extension since PostgreSQL 13: the database owner may); otherwise
a warning is logged and the searches work unindexed.

An index serves a search only if it indexes the very expression Tryton's
Char field searches: COALESCE(column, '') for a column that is not
required, wrapped in unaccent when the field searches unaccented and the
database has an immutable unaccent. similarity_index builds that
expression from the field.

2-character fragments ('%明珠%', how Chinese names are searched): pg_trgm
extracts no trigram from them, so PostgreSQL scans. For customer and CRM
contact names and contact mechanisms (which the search bar searches with
the same fragment) the module stores the value with every character
doubled in a generated column (<column>_doubled: 上海明珠 →
上上海海明明珠珠, computed by PostgreSQL on every insert and update,
whoever writes) with a trigram index, and their `domain_<name>` adds,
beside Tryton's own ILIKE which stays and decides, the same search on the
doubled column ('%明明珠珠%': the trigrams 明明珠 and 明珠珠, which occur
in a doubled name exactly where 明珠 occurs in the name). It is a
necessary condition of the ILIKE (doubling commutes with the
per-character case folding of ILIKE), so the customers found are the
same. A stored column rather than an index on regexp_replace(…): the
index's candidates are rechecked against the indexed expression, and a
frequent fragment's thousands of rows each paid regexp_replace.

The doubled column is added by the module's update (a rewrite of the
table: minutes at 1,000,000 rows) and analysed. PostgreSQL refuses to
change the type of a column that a generated column reads: such a
change must drop <column>_doubled first (the next update adds it back).

Only PostgreSQL with pg_trgm gets it, and only where Tryton searches the
column as it is (no unaccent extension in the database: the stored copy
is not unaccented); SQLite, a server without pg_trgm or a database with
unaccent search as before: a scan.

The search bar (party's rec_name: code, identifiers, name and contact
mechanisms ORed) becomes, on PostgreSQL with pg_trgm, one
`id IN (SELECT … UNION SELECT …)` of the same arms (union_of_arms): each
arm is answered by its own index, where the OR of a column and of
One2Many subqueries made PostgreSQL filter every party with hashed
subplans.
"""
import logging
import re

from sql import Column, Union
from sql.conditionals import Coalesce
from sql.operators import ILike

from trytond import backend
from trytond.model import Index, fields
from trytond.model.modelsql import convert_from
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

logger = logging.getLogger(__name__)

TRIGRAM_EXTENSION = 'pg_trgm'


def searched_column(Model, table, name):
    """The expression Tryton's Char field searches with ilike, as an index
    expression (Index.Unaccent: unaccent only where it is indexable)"""
    field = getattr(Model, name)
    column = Column(table, name)
    if not field.required:
        column = Coalesce(column, '')
    if getattr(field, 'search_unaccented', False):
        column = Index.Unaccent(column)
    return column


def similarity_index(Model, table, name):
    "An index serving (name, 'ilike', '%…%') on Model as Char searches it"
    return Index(table,
        (searched_column(Model, table, name), Index.Similarity()))


def doubled_name(name):
    "The generated column holding column name with its characters doubled"
    return f'{name}_doubled'


# Per database: the (table, column) of the doubled columns it has
_doubled_columns = {}


def add_doubled_columns(Model, names):
    """PostgreSQL with pg_trgm: add the generated doubled columns of
    Model's columns names (once: a rewrite of the table)"""
    if backend.name != 'postgresql':
        return
    if not trigram_created():
        create_trigram_extension()
        if not trigram_created():
            return
    cursor = Transaction().connection.cursor()
    for name in names:
        if has_doubled_column(Model._table, name):
            continue
        cursor.execute(
            f'ALTER TABLE "{Model._table}" ADD COLUMN '
            f'"{doubled_name(name)}" text GENERATED ALWAYS AS '
            f"(regexp_replace(COALESCE(\"{name}\", ''), '(.)', '\\1\\1', "
            "'g')) STORED")
        # The planner's statistics of the new column of a filled table (the
        # rewrite leaves none, and autovacuum counts no changed rows)
        cursor.execute(f'SELECT 1 FROM "{Model._table}" LIMIT 1')
        if cursor.fetchone():
            cursor.execute(
                f'ANALYZE "{Model._table}" ("{doubled_name(name)}")')
        _doubled_columns.pop(Transaction().database.name, None)


def trigram_created():
    """Whether pg_trgm is in the database, as the current transaction sees
    it (has_trigram asks on another connection: not before the commit)"""
    cursor = Transaction().connection.cursor()
    cursor.execute(
        "SELECT 1 FROM pg_extension WHERE extname = %s",
        (TRIGRAM_EXTENSION,))
    return bool(cursor.fetchone())


def has_doubled_column(table, name):
    "Whether table has the generated doubled column of column name"
    if backend.name != 'postgresql':
        return False
    database = Transaction().database
    columns = _doubled_columns.get(database.name)
    if columns is None:
        cursor = Transaction().connection.cursor()
        cursor.execute(
            "SELECT c.relname, a.attname FROM pg_attribute a "
            "JOIN pg_class c ON c.oid = a.attrelid "
            "WHERE a.attgenerated = 's' AND NOT a.attisdropped "
            "AND a.attname LIKE %s AND pg_table_is_visible(c.oid)",
            ('%' + doubled_name(''),))
        columns = _doubled_columns[database.name] = set(cursor)
    return (table, doubled_name(name)) in columns


def pair_index(Model, name):
    """The trigram index of the doubled column of name: serves the
    2-character fragments that pair_clause adds"""
    table = Model.__table__()
    return Index(table,
        (Column(table, doubled_name(name)), Index.Similarity()))


def add_pair_indexes(Model, names):
    "Declare pair_index of names that have their doubled column"
    # After the update's commit: what Tryton cached before it may be stale
    forget_trigram()
    if has_trigram():
        Model._sql_indexes.update(pair_index(Model, name) for name in names
            if has_doubled_column(Model._table, name))


def has_trigram():
    "Whether the database has pg_trgm (Tryton caches it per process)"
    if backend.name != 'postgresql':
        return False
    return Transaction().database.has_extension(TRIGRAM_EXTENSION)


# '%' then two characters that are not wildcards or the escape, then '%'
TWO_CHARACTERS = re.compile(r'%([^%_\\]{2})%', re.DOTALL)


def pair_clause(Model, domain, tables):
    """Tryton's SQL for the Char field clause domain on Model, with, for
    an ilike of a 2-character fragment on PostgreSQL with pg_trgm, the
    same search on the doubled column ANDed: the pair index serves it,
    Tryton's own ILIKE still decides which rows match"""
    name, operator, value = domain[:3]
    field = Model._fields[name]
    # The field's SQL without the domain_<name> hook that called us
    expression = fields.Field.convert_domain.__wrapped__(
        field, domain, tables, Model)
    if (operator != 'ilike' or not isinstance(value, str)
            or not TWO_CHARACTERS.fullmatch(value)
            or not has_trigram()
            or not has_doubled_column(Model._table, name)):
        return expression
    if (getattr(field, 'search_unaccented', False)
            and Transaction().database.has_unaccent()):
        # Searched unaccented: the stored copy is not
        return expression
    column = field.sql_column(tables, Model)
    pattern = ''.join(c if c == '%' else c + c for c in value)
    # A plain AND, although PostgreSQL then multiplies the two
    # selectivities (too few rows for a frequent fragment): hiding
    # Tryton's ILIKE from the estimate (in COALESCE) made a department
    # leader's page walk the name index, 1.7× slower at 1,000,000
    # customers than sorting the bitmap's matches (bench/README.md).
    return expression & ILike(
        Column(column.table, doubled_name(name)), pattern, escape='\\')


def own_ids(Model, clause):
    """SELECT id FROM Model WHERE clause, Model's record rules left to the
    search that contains it"""
    table = Model.__table__()
    tables, expression = Model.search_domain(
        [clause], tables={None: (table, None)})
    return convert_from(None, tables).select(table.id, where=expression)


def related_ids(Model, clause):
    """The Model ids of the One2Many clause ('lines.field', …), selected as
    Tryton's One2Many.convert_domain does for a small target (its rules
    and filter, no active test): SELECT origin FROM target WHERE …"""
    Rule = Pool().get('ir.rule')
    name, _, target_name = clause[0].partition('.')
    field = Model._fields[name]
    Target = field.get_target()
    target = Target.__table__()
    target_tables = {None: (target, None)}
    origin = getattr(Target, field.field).sql_column(target_tables, Target)
    target_domain = [(target_name,) + tuple(clause[1:])]
    rule_domain = Rule.domain_get(Target.__name__, mode='read')
    if rule_domain:
        target_domain = [target_domain, rule_domain]
    if field.filter:
        target_domain = [target_domain, field.filter]
    target_tables, expression = Target.search_domain(
        target_domain, tables=target_tables)
    return convert_from(None, target_tables).select(origin, where=expression)


def union_of_arms(Model, domain):
    """['OR', clause, …] of Model's stored fields and One2Many subfields
    as [('id', 'in', SELECT … UNION SELECT …)], or domain unchanged when
    it is not one (or not on PostgreSQL with pg_trgm)"""
    if (not isinstance(domain, list) or len(domain) < 3
            or domain[0] != 'OR' or not has_trigram()
            or Transaction().context.get('_datetime')):
        return domain
    selects = []
    for clause in domain[1:]:
        if (not isinstance(clause, tuple) or len(clause) != 3
                or clause[1] not in {'ilike', 'like'}):
            return domain
        name, dot, _ = clause[0].partition('.')
        field = Model._fields.get(name)
        if not dot and field is not None and field.sql_type() is not None:
            selects.append(own_ids(Model, clause))
        elif (dot and isinstance(field, fields.One2Many)
                and field.get_target()._fields[field.field]._type
                == 'many2one'):
            selects.append(related_ids(Model, clause))
        else:
            return domain
    return [('id', 'in', Union(*selects))]


def create_trigram_extension():
    """Create pg_trgm in the database if possible; never fails the module
    update (a server without the extension or a user without the right
    keeps b-tree indexes)"""
    if backend.name != 'postgresql':
        return
    cursor = Transaction().connection.cursor()
    cursor.execute('SAVEPOINT xtools_trigram')
    try:
        cursor.execute(
            f'CREATE EXTENSION IF NOT EXISTS {TRIGRAM_EXTENSION}')
    except Exception as exception:
        cursor.execute('ROLLBACK TO SAVEPOINT xtools_trigram')
        logger.warning(
            "substring searches are not indexed: could not create the "
            "%s extension (%s)", TRIGRAM_EXTENSION, exception)
    else:
        cursor.execute('RELEASE SAVEPOINT xtools_trigram')
    forget_trigram()


def forget_trigram():
    """Forget what Tryton cached per process of pg_trgm in the database (on
    its own connection, which does not see an uncommitted extension)"""
    if backend.name != 'postgresql':
        return
    database = Transaction().database
    extensions = getattr(database, '_extensions', None)
    if extensions is not None:
        extensions[database.name].pop(TRIGRAM_EXTENSION, None)
    procs = getattr(database, '_has_proc', None)
    if procs is not None:
        procs[database.name].pop('similarity', None)


def requires_customer(domain):
    """Whether domain (a search's own domain) admits customers only: an
    ANDed ('crm_customer_type', '!=', None), '=' a type or 'in' types"""
    if not isinstance(domain, (list, tuple)) or not domain:
        return False
    if isinstance(domain[0], str) and domain[0] not in {'AND', 'OR'}:
        if len(domain) < 3 or domain[0] != 'crm_customer_type':
            return False
        operator, value = domain[1], domain[2]
        return ((operator == '!=' and value is None)
            or (operator == '=' and value is not None)
            or (operator == 'in' and isinstance(value, (list, tuple))
                and None not in value))
    if domain[0] == 'OR':
        return len(domain) == 2 and requires_customer(domain[1])
    return any(requires_customer(d)
        for d in (domain[1:] if domain[0] == 'AND' else domain))


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    @classmethod
    def search(cls, domain, offset=0, limit=None, order=None, count=False,
            query=False):
        """A search for customers only tells the read rule (rules.py), which
        then leaves out its arm for parties that are not customers: that
        arm can match nothing here, but the planner counts its rows and,
        for a salesperson's few hundred customers, walks the name index
        through thousands of others (bench/README.md)."""
        from .rules import CUSTOMERS_ONLY
        flag = requires_customer(domain)
        if bool(Transaction().context.get(CUSTOMERS_ONLY)) == flag:
            return super().search(domain, offset=offset, limit=limit,
                order=order, count=count, query=query)
        with Transaction().set_context({CUSTOMERS_ONLY: flag}):
            result = super().search(domain, offset=offset, limit=limit,
                order=order, count=count, query=query)
        if count or query:
            return result
        # Records in the caller's context: read through them, a related
        # party that is not a customer stays readable
        return cls.browse([r.id for r in result])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                # party.party's _order (name, then id): the first page of
                # a list reads 60 index entries instead of sorting all
                Index(t,
                    (t.name, Index.Range(order='ASC')),
                    (t.id, Index.Range(order='ASC'))),
                similarity_index(cls, t, 'name'),
                })

    @classmethod
    def __register__(cls, module):
        # Before the indexes, which Tryton creates after every module
        create_trigram_extension()
        super().__register__(module)
        add_doubled_columns(cls, ['name'])

    @classmethod
    def __setup_indexes__(cls):
        super().__setup_indexes__()
        # Called before Tryton creates the indexes
        add_pair_indexes(cls, ['name'])

    @classmethod
    def domain_name(cls, domain, tables):
        "2-character fragments served by the pair index"
        return pair_clause(cls, domain, tables)

    @classmethod
    def search_rec_name(cls, name, clause):
        "The search bar's arms as a UNION, each served by its index"
        return union_of_arms(cls, super().search_rec_name(name, clause))


class ContactMechanism(metaclass=PoolMeta):
    __name__ = 'party.contact_mechanism'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # Its rec_name searches value and value_compact; Tryton's own
        # index on value_compact lacks the COALESCE the search applies.
        cls._sql_indexes.update({
                similarity_index(cls, t, 'value'),
                similarity_index(cls, t, 'value_compact'),
                })

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        # The search bar searches them with the customer name's fragment
        add_doubled_columns(cls, ['value', 'value_compact'])

    @classmethod
    def __setup_indexes__(cls):
        super().__setup_indexes__()
        add_pair_indexes(cls, ['value', 'value_compact'])

    @classmethod
    def domain_value(cls, domain, tables):
        "2-character fragments served by the pair index"
        return pair_clause(cls, domain, tables)

    @classmethod
    def domain_value_compact(cls, domain, tables):
        "2-character fragments served by the pair index"
        return pair_clause(cls, domain, tables)


class Contact(metaclass=PoolMeta):
    __name__ = 'crm.contact'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                similarity_index(cls, t, name)
                for name in ('name', 'mobile', 'phone')})

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        add_doubled_columns(cls, ['name'])

    @classmethod
    def __setup_indexes__(cls):
        super().__setup_indexes__()
        add_pair_indexes(cls, ['name'])

    @classmethod
    def domain_name(cls, domain, tables):
        "2-character fragments served by the pair index"
        return pair_clause(cls, domain, tables)


# The tables a customer import fills
IMPORTED_TABLES = [
    'party_party', 'party_contact_mechanism', 'party_address',
    'crm_contact']


def refresh_planner_statistics(tables=None):
    """SQLite: ANALYZE tables (all when None), sampled. Tryton never runs
    it, and without statistics SQLite picks e.g. the low-cardinality
    customer type index over the owner's for a salesperson's list
    (bench/README.md). PostgreSQL's autovacuum keeps its own."""
    if backend.name != 'sqlite':
        return
    cursor = Transaction().connection.cursor()
    # Enough rows per index for the planner, in milliseconds at 1,000,000
    cursor.execute('PRAGMA analysis_limit = 1000')
    for table in tables or [None]:
        cursor.execute(f'ANALYZE "{table}"' if table else 'ANALYZE')
