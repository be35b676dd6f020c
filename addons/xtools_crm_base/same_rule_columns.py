"""``_delete`` of a read given by ``_write`` where the two rules are one.

sao reads ``_write`` and ``_delete`` with every list page, to show which
rows the user may change and delete. Tryton turns each into the rule of
its mode, converted and evaluated on every row, even when the two rules
are the same domain — as they are for every record linked to a customer
(rules.py: changed or deleted by whoever writes the customer or by its
author): the conversion of a second rule of some ten clauses per page,
and its expression in the read's statement. Where the delete rule is the
write rule, ``_delete`` is the row's ``_write``.

``install()`` puts it in ModelSQL.read, around what is there.
"""
from trytond.model import ModelSQL
from trytond.pool import Pool
from trytond.transaction import Transaction

# False: Tryton's two columns (bench/bench_lists_ab.py --b-off)
ENABLED = True


def install():
    "Read _delete from _write where their rules are the same domain"
    inner = ModelSQL.read.__func__

    @classmethod
    def read(cls, ids, fields_names):
        transaction = Transaction()
        if (not ENABLED or '_write' not in fields_names
                or '_delete' not in fields_names
                or not transaction.user or not transaction.check_access
                # Tryton's own answer for a table query (no rule column)
                or cls._is_table_query()):
            return inner(cls, ids, fields_names)
        Rule = Pool().get('ir.rule')
        if (Rule.domain_get(cls.__name__, mode='delete')
                != Rule.domain_get(cls.__name__, mode='write')):
            return inner(cls, ids, fields_names)
        rows = inner(cls, ids, [f for f in fields_names if f != '_delete'])
        for row in rows:
            row['_delete'] = row['_write']
        return rows
    ModelSQL.read = read
