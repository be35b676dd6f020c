"""Set-based writes of the pool fields of customers.

The library, its day, the protection and the goal are managed only by the
pool code (library.MANAGED: the ORM refuses them to everyone else), and
the operations and the run change many customers at once. They write in
UPDATEs on the party table, then drop what the transaction cached."""
from sql.functions import CurrentTimestamp

from trytond import backend
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction


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
    "The rows the last UPDATE changed; None when the backend does not say"
    count = cursor.rowcount
    return count if count is not None and count >= 0 else None
