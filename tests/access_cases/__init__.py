"""The expectation table of the permission suite (test_access_paths_rpc.py).

Every button, wizard transition and RPC method of the models the xtools
modules define or extend has an entry here, in the file of the module that
adds it (``access_cases/<module>.py``, a list named CASES). The suite
enumerates them from the running server and fails on one without an entry,
so what a later module adds is covered the day it is added.

An entry says how to make a record the path acts on (a fixture, made by the
customer's owner), how to call the path, and who may do it. The suite then
calls it, over JSON-RPC, as each adversary, plainly and with a hostile
context holding every key the code reads, and fails when

- an adversary not in `allowed` changes anything in the database (the
  whole database is compared before and after), or gets an internal error;
- an error names the customer to someone who cannot read it;
- the control actor (by default the owner) does not succeed — which proves
  the fixture can take the path, so a refusal above is the rights' doing.

Adversaries, all new users made over RPC for the run (none of the demo's):

    reader    the customer is shared with them, read-only
    writer    the customer is shared with them, read-write
    finance   the finance role: reads every customer
    service   the customer-service role: reads every customer
    outsider  a salesperson of another department, the same groups as
              reader, who cannot see the customer at all

Fixtures are functions ``fixture(world) -> Target`` registered with
``@fixture('name')``; the World (see test_access_paths_rpc.py) gives the
clients and helpers.
"""
import dataclasses
import importlib
import pkgutil
from typing import Callable

ACTORS = ('reader', 'writer', 'finance', 'service', 'outsider')
# Who cannot read the fixture's customer: errors must not name it to them
BLIND = frozenset({'outsider'})

FIXTURES = {}


def fixture(name):
    "Register a fixture function under name"
    def register(func):
        assert name not in FIXTURES, name
        FIXTURES[name] = func
        return func
    return register


@dataclasses.dataclass
class Target:
    """What a fixture made: the records the path acts on (model, ids), the
    customer they belong to (its name must not leak), and extras"""
    model: str
    ids: list
    customer_name: str = None
    extra: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Case:
    """One path and who may take it.

    method: 'model.<model>.<method>' (a button or RPC method, called with
        the target's ids first) or 'wizard.<name>' with `state`
    state: the wizard transition to run (after its start view)
    fixture: the FIXTURES entry that makes the target
    args: function (world, target) -> extra positional arguments
    data: function (world, target) -> the wizard's view values
        {view state: {field: value}}
    context: context keys the path needs (e.g. the recycle bin's)
    allowed: the adversaries who may take the path
    control: who takes it successfully afterwards ('owner', 'admin', an
        adversary, or None with a note saying why there is no control)
    changes: whether the control's call changes the database
    """
    method: str
    state: str = None
    fixture: str = 'customer'
    args: Callable = None
    data: Callable = None
    context: dict = None
    allowed: frozenset = frozenset()
    control: str = 'owner'
    changes: bool = True
    note: str = ''

    @property
    def key(self):
        return f'{self.method}:{self.state}' if self.state else self.method

    @property
    def is_wizard(self):
        return self.method.startswith('wizard.')

    @property
    def name(self):
        return self.method.split('.', 1)[1]


@dataclasses.dataclass
class Getter:
    """An RPC method that reads only (Tryton runs it in a read-only
    transaction, or it returns a list of choices): listed with the reason
    so that the enumeration knows it was looked at."""
    method: str
    why: str

    @property
    def key(self):
        return self.method


@dataclasses.dataclass
class ContextKey:
    """A context key read by the code of the xtools modules.
    kind: 'stripped' (starts with _: RPC removes it from a client's
    context), 'filter' (narrows what is shown or defaults a new record;
    the record rules still apply), 'view' (chooses a view's content),
    'tryton' (a key of Tryton's own, e.g. company, checked by Tryton) or
    'rule' (a key of the record rules' context that the server builds in
    ir.rule._get_context: never taken from a client's context).
    hostile: the value the suite sends (or a function of the Target)."""
    name: str
    kind: str
    why: str
    hostile: object = True


def all_entries():
    "Every Case and Getter of every module file, keyed"
    entries = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f'{__name__}.{info.name}')
        for entry in getattr(module, 'CASES', []):
            assert entry.key not in entries, f"two entries for {entry.key}"
            entries[entry.key] = entry
    return entries


def all_context_keys():
    keys = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f'{__name__}.{info.name}')
        for key in getattr(module, 'CONTEXT_KEYS', []):
            keys[key.name] = key
    return keys
