"""One keeper at a time on a document.

Two keepers confirming, taking out or shipping the same document at the
same moment must act once. Each such step first updates the document's row
(a no-op update): on PostgreSQL (repeatable read) the second transaction
waits for the first and, once it commits, fails with a serialization error;
trytond replays the request in a new transaction, which sees the document
at its new step and refuses in words. SQLite runs one writer at a time.

Tryton's ``ModelSQL.lock`` takes NOWAIT locks when the transaction starts,
which a busy request gives up after a few tries with a server error; a
plain row update waits instead.
"""
from trytond import backend
from trytond.tools import grouped_slice
from trytond.transaction import Transaction


def lock_rows(Model, records):
    "Hold the rows of records until the transaction ends, in id order"
    table = Model.__table__()
    cursor = Transaction().connection.cursor()
    ids = sorted({int(r) for r in records if int(r) >= 0})
    for sub_ids in grouped_slice(ids, backend.MAX_QUERY_PARAMS):
        cursor.execute(*table.update(
                [table.write_uid], [table.write_uid],
                where=table.id.in_(list(sub_ids))))


def guard_dual_button(Model, name, records):
    """Check the _button_access of a button that Tryton declares as a
    dualmethod (assign_try): xtools_crm_base's ButtonAccessMixin wraps only
    class methods, so such a button checks itself before acting"""
    from trytond.transaction import Transaction as _Transaction

    from xtools_crm_base.access import Access, check_rights
    if _Transaction().check_access:
        access = Model._button_access.get(name, Access())
        check_rights(Model, records, access, operation=name)
