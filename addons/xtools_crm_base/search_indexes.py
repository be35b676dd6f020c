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
the same fragment) the module also indexes the value with every character
doubled (pair_index: 上海明珠 → 上上海海明明珠珠, GIN gin_trgm_ops), and
their `domain_name` adds, beside Tryton's own ILIKE which stays and
decides, the same search on the doubled name ('%明明珠珠%': the trigrams
明明珠 and 明珠珠, which occur in a doubled name exactly where 明珠 occurs
in the name). It is a necessary condition of the ILIKE (doubling commutes
with the per-character case folding of ILIKE), so the customers found are
the same; only PostgreSQL with pg_trgm gets it (SQLite and a server
without pg_trgm search as before: a scan).

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
from sql.functions import Function
from sql.operators import ILike

from trytond import backend
from trytond.model import Index, fields
from trytond.model.modelsql import convert_from
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from . import cursor_rows

# The ORM's rows read faster on PostgreSQL (cursor_rows.py), installed when
# the module's models register: the package's __init__ runs too early for
# it (trytond.cache imports xtools_crm_base.cache before the ORM exists)
cursor_rows.install()

logger = logging.getLogger(__name__)

TRIGRAM_EXTENSION = 'pg_trgm'


class RegexpReplace(Function):
    __slots__ = ()
    _function = 'REGEXP_REPLACE'


def doubled(expression):
    "expression (text) with every character doubled, in SQL (immutable)"
    return RegexpReplace(expression, '(.)', '\\1\\1', 'g')


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


def pair_index(Model, table, name):
    """A trigram index of name with every character doubled: serves the
    2-character fragments that pair_clause adds (PostgreSQL with pg_trgm
    only, see has_pair_index)"""
    return Index(table,
        (doubled(searched_column(Model, table, name)), Index.Similarity()))


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
            or not has_trigram()):
        return expression
    column = field._domain_column(operator, field.sql_column(tables, Model))
    pattern = field._domain_value(operator, value)
    if isinstance(pattern, str):
        pattern = ''.join(c if c == '%' else c + c for c in pattern)
    else:
        # unaccent(value): unaccent may change the length, double after
        pattern = doubled(pattern)
    return expression & ILike(doubled(column), pattern, escape='\\')


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
    transaction = Transaction()
    database = transaction.database
    cursor = transaction.connection.cursor()
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
    # Tryton caches per process whether the database has the extension
    extensions = getattr(database, '_extensions', None)
    if extensions is not None:
        extensions[database.name].pop(TRIGRAM_EXTENSION, None)


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

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

    @classmethod
    def __setup_indexes__(cls):
        super().__setup_indexes__()
        # Called before Tryton creates the indexes; without pg_trgm the
        # pair index would be a useless b-tree
        if has_trigram():
            cls._sql_indexes.add(pair_index(cls, cls.__table__(), 'name'))

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
    def __setup_indexes__(cls):
        super().__setup_indexes__()
        # The search bar searches them with the customer name's fragment
        if has_trigram():
            t = cls.__table__()
            cls._sql_indexes.update({
                    pair_index(cls, t, 'value'),
                    pair_index(cls, t, 'value_compact'),
                    })

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
    def __setup_indexes__(cls):
        super().__setup_indexes__()
        if has_trigram():
            cls._sql_indexes.add(pair_index(cls, cls.__table__(), 'name'))

    @classmethod
    def domain_name(cls, domain, tables):
        "2-character fragments served by the pair index"
        return pair_clause(cls, domain, tables)


# The tables a customer import fills
IMPORTED_TABLES = [
    'party_party', 'party_contact_mechanism', 'party_address',
    'crm_contact']


def refresh_planner_statistics(tables=None):
    """After a large write to tables (all when None), e.g. an import: what
    the searches need that the database does not do at once.

    SQLite: ANALYZE, sampled. Tryton never runs it, and without statistics
    SQLite picks e.g. the low-cardinality customer type index over the
    owner's for a salesperson's list (bench/README.md). PostgreSQL's
    autovacuum keeps its own statistics, but not in time for the trigram
    indexes: see clean_pending_entries."""
    if backend.name == 'postgresql':
        clean_pending_entries(tables)
        return
    if backend.name != 'sqlite':
        return
    cursor = Transaction().connection.cursor()
    # Enough rows per index for the planner, in milliseconds at 1,000,000
    cursor.execute('PRAGMA analysis_limit = 1000')
    for table in tables or [None]:
        cursor.execute(f'ANALYZE "{table}"' if table else 'ANALYZE')


def clean_pending_entries(tables=None):
    """PostgreSQL: move into their GIN indexes (the trigram ones) the
    entries of the rows inserted into tables, which GIN keeps in a pending
    list (up to 4 MB an index) that every search scans until autovacuum
    runs, i.e. after 20 % of a table is new: 10,000 imported contacts made
    a phone or mobile search at 1,000,000 customers 2-6x slower
    (bench/README.md). Returns the pending pages moved."""
    cursor = Transaction().connection.cursor()
    query = (
        "SELECT COALESCE(SUM(gin_clean_pending_list(i.indexrelid)), 0) "
        "FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid "
        "JOIN pg_am a ON a.oid = c.relam "
        "JOIN pg_class t ON t.oid = i.indrelid "
        "WHERE a.amname = 'gin' AND pg_table_is_visible(t.oid)")
    params = ()
    if tables is not None:
        query += " AND t.relname = ANY(%s)"
        params = (list(tables),)
    # Only the indexes' owner may: a refusal leaves them to autovacuum
    cursor.execute('SAVEPOINT xtools_gin_pending')
    try:
        cursor.execute(query, params)
        pages, = cursor.fetchone()
    except Exception as exception:
        cursor.execute('ROLLBACK TO SAVEPOINT xtools_gin_pending')
        logger.warning(
            "could not clean the search indexes' pending entries (%s)",
            exception)
        return 0
    cursor.execute('RELEASE SAVEPOINT xtools_gin_pending')
    return pages
