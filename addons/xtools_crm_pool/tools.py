"""Small shared pieces of the public pool: the company's "today", who is a
pool user or administrator, the per-user lock that keeps caps exact under
concurrency, and set-based updates of customers."""
import datetime as dt

from sql.conditionals import Coalesce
from sql.functions import CurrentTimestamp

from trytond import backend
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

# Libraries (客户库) of a customer when the pool is in use
NORMAL = 'normal'
OWNED = ('private', 'temporary', 'claimed')
UNOWNED = ('public', 'special')
POOL = ('claimed', 'public', 'special')
LIBRARY_STATES = [
    (None, ""),
    ('normal', "Normal Customer"),
    ('private', "Private Library"),
    ('temporary', "Temporary Library"),
    ('claimed', "Claimed from Pool"),
    ('public', "Public Pool"),
    ('special', "Special Pool"),
    ]

# Context key that freezes "today" (tests, the rule simulator's date)
TODAY_KEY = 'crm_pool_today'


def pool_today():
    """The current day in the company's timezone, or the day set in the
    context under TODAY_KEY. Day limits are counted on this day."""
    context = Transaction().context
    today = context.get(TODAY_KEY)
    if today:
        if isinstance(today, str):
            today = dt.date.fromisoformat(today)
        return today
    pool = Pool()
    Date = pool.get('ir.date')
    Company = pool.get('company.company')
    company_id = context.get('company')
    if company_id is None or company_id < 0:
        # Crons and root calls may come without a company: the first
        # company's timezone is still the company's day.
        companies = Company.search([], limit=1, order=[('id', 'ASC')])
        if companies:
            with Transaction().set_context(company=companies[0].id):
                return Date.today()
    return Date.today()


def format_date(value):
    "A day in the reader's language, for messages"
    Lang = Pool().get('ir.lang')
    return Lang.get().strftime(value) if value else '-'


def _group_id(fs_id):
    ModelData = Pool().get('ir.model.data')
    try:
        return ModelData.get_id('xtools_crm_pool', fs_id)
    except KeyError:
        # While the module is being activated
        return None


def user_group_ids(user_id):
    "The groups of the user, including those inherited from parent groups"
    User = Pool().get('res.user')
    with Transaction().set_user(user_id):
        return set(User.get_groups())


def is_pool_admin(user_id=None):
    if user_id is None:
        user_id = Transaction().user
    if user_id == 0:
        return True
    return _group_id('group_pool_admin') in user_group_ids(user_id)


def is_pool_user(user_id=None):
    "Pool users claim; pool administrators are pool users too"
    if user_id is None:
        user_id = Transaction().user
    if user_id == 0:
        return True
    groups = user_group_ids(user_id)
    return bool(groups & {
            _group_id('group_pool_user'), _group_id('group_pool_admin')})


def lock_users(user_ids):
    """Serialise every operation that may grow a user's libraries.

    Each such operation bumps a counter on the user's row before counting.
    On PostgreSQL (repeatable read) the second of two concurrent operations
    for the same user waits for the first; when the first commits, the
    second fails with a serialization error and Tryton replays it in a new
    transaction that sees the first one's customers. Its count is then
    exact, so parallel claims can never exceed a cap. SQLite runs one
    writer at a time, so the bump only costs an UPDATE there."""
    User = Pool().get('res.user')
    user = User.__table__()
    cursor = Transaction().connection.cursor()
    # One row at a time, in id order: two operations locking the same users
    # lock them in the same order and cannot deadlock.
    for user_id in sorted({u for u in user_ids if u is not None}):
        cursor.execute(*user.update(
                [user.crm_pool_serial],
                [Coalesce(user.crm_pool_serial, 0) + 1],
                where=user.id == user_id))


def update_customers(ids, values):
    """Write values (column name → value or SQL expression; or a function
    of the party table giving them) on the customers in set-based UPDATEs,
    then forget what the transaction cached of them.
    Used where the ORM write would be refused (pool fields are managed
    only here) or too slow (the auto-return run)."""
    Party = Pool().get('party.party')
    party = Party.__table__()
    transaction = Transaction()
    cursor = transaction.connection.cursor()
    ids = sorted(set(ids))
    if not ids:
        return
    values = dict(values(party) if callable(values) else values)
    values.setdefault('write_uid', transaction.user)
    values.setdefault('write_date', CurrentTimestamp())
    columns = [getattr(party, c) for c in values]
    for sub_ids in grouped_slice(ids, backend.MAX_QUERY_PARAMS):
        cursor.execute(*party.update(
                columns, list(values.values()),
                where=party.id.in_(list(sub_ids))))
    forget_customers(ids)


def forget_customers(ids=None):
    """The rows changed behind the ORM: drop the transaction's cached
    values of these customers (all customers when ids is None)."""
    Party = Pool().get('party.party')
    transaction = Transaction()
    transaction.counter += 1
    for cache in transaction.cache.values():
        if Party.__name__ in cache:
            if ids is None:
                cache[Party.__name__].clear()
            else:
                for id_ in ids:
                    cache[Party.__name__].pop(id_, None)


def rowcount(cursor):
    count = cursor.rowcount
    return count if count is not None and count >= 0 else None
