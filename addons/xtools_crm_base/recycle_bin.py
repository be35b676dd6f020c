"""Recycle bin (回收站, SPEC B11): deleting a customer moves it to the bin.

A binned customer keeps all its records; a record rule (recycle_bin.xml)
hides it — and through ``__access__`` every record linked to it: contacts,
tasks, activities, deals … — from every normal search and read, for
everyone. The recycle bin view reads with ``crm_recycle_bin`` in its
context, which lifts that rule (the hierarchy rules still apply), so the
owner's hierarchy can restore the customer with everything it had, or
purge it: a real delete, which cascades to its records.

Why not Tryton's ``active``: an inactive record stays readable by id and
its linked records stay visible; and ``active`` already means "merged into
another customer" (party.replace)."""
import datetime as dt

from sql import Null

from trytond.model import Index, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import (
    Transaction, inactive_records, without_check_access)

from .rules import BIN_CONTEXT

_BINNED = {'invisible': ~Eval('crm_deleted_date')}


def in_recycle_bin():
    "The current context includes the binned customers"
    return Transaction().set_context({BIN_CONTEXT: True})


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    crm_deleted_date = fields.DateTime(
        "Deleted On", readonly=True, states=_BINNED,
        help="Set while the customer is in the recycle bin.")
    crm_deleted_by = fields.Many2One(
        'res.user', "Deleted By", readonly=True, ondelete='SET NULL',
        states=_BINNED)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # The bin is small: records linked to a customer are filtered by
        # the ids of the binned customers (rules.py, step 3)
        cls._sql_indexes.add(Index(t, (t.crm_deleted_date, Index.Range()),
                where=t.crm_deleted_date != Null))
        cls._buttons.update({
                'crm_restore': {
                    'invisible': ~Eval('crm_deleted_date'),
                    'icon': 'tryton-undo',
                    'depends': ['crm_deleted_date'],
                    },
                'crm_purge': {
                    'invisible': ~Eval('crm_deleted_date'),
                    'icon': 'tryton-delete',
                    'depends': ['crm_deleted_date'],
                    },
                })
        # The bin belongs to the customers' hierarchy, as deleting does
        cls._button_access.update({
                'crm_restore': 'delete',
                'crm_purge': 'delete',
                })

    @classmethod
    def copy(cls, parties, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('crm_deleted_date', None)
        default.setdefault('crm_deleted_by', None)
        return super().copy(parties, default=default)

    @classmethod
    def delete(cls, parties):
        """The delete of every client and API: a customer goes to the
        recycle bin; a customer already in the bin, or a party that is
        not a customer, is deleted for good."""
        to_bin = cls._crm_to_bin(parties)
        if to_bin:
            cls.crm_recycle(to_bin)
        to_delete = [p for p in parties if p.id not in to_bin]
        if to_delete:
            cls._crm_before_purge(to_delete)
            super().delete(to_delete)

    @classmethod
    def _crm_before_purge(cls, parties):
        """Delete first what logs its own deletion: the log entries then
        exist when the purge empties the logs' links to the customers.
        What links to a customer with ondelete RESTRICT (opportunities,
        deals, payments …) stops the purge: the module that made the
        link decided so; CASCADE links (contacts, tasks …) go with it."""
        Share = Pool().get('crm.customer.share')
        shares = Share.search([('customer', 'in', list(map(int, parties)))])
        if shares:
            Share.delete(shares)

    @classmethod
    def _crm_to_bin(cls, parties):
        "Ids of the customers among parties that are not in the bin yet"
        # Decided on the stored values, whoever asks: the access checks
        # come after, on the operation itself.
        with without_check_access(), inactive_records():
            return {p.id for p in cls.browse(list(map(int, parties)))
                if p.crm_customer_type and not p.crm_deleted_date}

    @classmethod
    def crm_recycle(cls, customers):
        """Move customers to the recycle bin, on the user's right to
        delete them (the hierarchy, not those it is shared with)."""
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        Rule = pool.get('ir.rule')
        ids = list(map(int, customers))
        ModelAccess.check(cls.__name__, 'delete')
        Rule.check(cls.__name__, ids, 'delete')
        # Written in the bin's context: otherwise the write's own rule
        # check would no longer find the customers it has just hidden.
        with in_recycle_bin():
            cls.write(cls.browse(ids), {
                    'crm_deleted_date': dt.datetime.now(),
                    'crm_deleted_by': Transaction().user or None,
                    })

    @classmethod
    @ModelView.button
    def crm_restore(cls, customers):
        "Bring customers back from the bin with all their records"
        with in_recycle_bin():
            cls.write(cls.browse(list(map(int, customers))), {
                    'crm_deleted_date': None,
                    'crm_deleted_by': None,
                    })

    @classmethod
    @ModelView.button
    def crm_purge(cls, customers):
        """Delete binned customers for good: their contacts, tasks,
        activities … go with them; the logs keep their names."""
        with in_recycle_bin():
            binned = cls.browse([
                    c.id for c in customers if c.crm_deleted_date])
            if binned:
                cls.delete(binned)
