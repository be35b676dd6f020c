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

# The context key of the recycle bin view
BIN_CONTEXT = 'crm_recycle_bin'
_BINNED = {'invisible': ~Eval('crm_deleted_date')}


def _rule_group_id():
    ModelData = Pool().get('ir.model.data')
    try:
        return ModelData.get_id(
            'xtools_crm_base', 'rule_group_customer_not_binned')
    except KeyError:
        # While the module itself is being activated
        return None


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
        # the ids of the binned customers (see Rule below)
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


# The rule's domain on the customer, and what it becomes on a record
# linked to one: "not one of the binned customers" asks the database for
# the few binned ids instead of every customer that is not binned.
NOT_BINNED = (('crm_deleted_date', '=', None),)
BINNED = [('crm_deleted_date', '!=', None)]


def _freeze(domain):
    "domain as tuples, without the 'OR'/'AND' of a single operand"
    if isinstance(domain, (list, tuple)):
        domain = tuple(_freeze(d) for d in domain)
        if len(domain) == 2 and domain[0] in {'OR', 'AND'}:
            domain = domain[1]
    return domain


def _link_not_binned(domain):
    "domain with its (link, 'where', NOT_BINNED) made (link, 'not where', …)"
    if isinstance(domain, (list, tuple)):
        if (len(domain) == 3 and domain[1] == 'where'
                and _freeze(domain[2]) in {NOT_BINNED, NOT_BINNED[0]}):
            return (domain[0], 'not where', BINNED)
        return [_link_not_binned(d) for d in domain]
    return domain


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def get(cls, model_name, mode='read'):
        clause, clause_global = super().get(model_name, mode=mode)
        group_id = _rule_group_id()
        in_bin = Transaction().context.get(BIN_CONTEXT)
        for clauses in [clause, clause_global]:
            for group in [g for g in clauses if g.id == group_id]:
                if in_bin:
                    # The bin shows all the hierarchy's customers
                    del clauses[group]
                elif model_name != 'party.party':
                    clauses[group] = _link_not_binned(clauses[group])
        return clause, clause_global

    @classmethod
    def _get_context(cls, model_name):
        context = super()._get_context(model_name)
        context[BIN_CONTEXT] = bool(
            Transaction().context.get(BIN_CONTEXT))
        return context

    @classmethod
    def _get_cache_key(cls, model_names):
        key = super()._get_cache_key(model_names)
        return (*key, bool(Transaction().context.get(BIN_CONTEXT)))
