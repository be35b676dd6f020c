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
"""
import logging

from sql import Column
from sql.conditionals import Coalesce

from trytond import backend
from trytond.model import Index
from trytond.pool import PoolMeta
from trytond.transaction import Transaction

logger = logging.getLogger(__name__)

TRIGRAM_EXTENSION = 'pg_trgm'


def similarity_index(Model, table, name):
    "An index serving (name, 'ilike', '%…%') on Model as Char searches it"
    field = getattr(Model, name)
    column = Column(table, name)
    if not field.required:
        column = Coalesce(column, '')
    if getattr(field, 'search_unaccented', False):
        column = Index.Unaccent(column)
    return Index(table, (column, Index.Similarity()))


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


class Contact(metaclass=PoolMeta):
    __name__ = 'crm.contact'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                similarity_index(cls, t, name)
                for name in ('name', 'mobile', 'phone')})


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
