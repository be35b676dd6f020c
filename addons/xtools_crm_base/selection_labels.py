"""A list's selection labels with one field definition per field.

sao reads every eager selection of a list with its label (``state:string``);
Tryton's read takes each row's label from a fields_get of that one field
(Selection.get_selection), which walks every field of the model, its
translations and field accesses: 0.1 ms or more per row and selection,
60-80 ms of the customer view's tabs and deal list (bench/README.md,
"Customer view and lists"). Within one transaction, a field's definition for
the same user and language does not change: it is made once.
"""
from weakref import WeakKeyDictionary

from trytond.transaction import Transaction

# transaction → {(model, field, user, language): definition}
_definitions = WeakKeyDictionary()


class SelectionLabels:
    "Mixin: fields_get of a single field made once per transaction"
    __slots__ = ()

    @classmethod
    def fields_get(cls, fields_names=None, level=0):
        if level or not fields_names or len(fields_names) != 1:
            return super().fields_get(fields_names, level=level)
        transaction = Transaction()
        name, = fields_names
        key = (cls.__name__, name, transaction.user, transaction.language)
        known = _definitions.setdefault(transaction, {})
        if key not in known:
            known[key] = super().fields_get([name])
        # A copy of the field's definition: callers may change theirs
        return {n: dict(d) for n, d in known[key].items()}
