"""How every path that changes data checks the calling user (SPEC B3).

Tryton checks access rights and record rules on the ordinary create, read,
write and delete of a client, but not everywhere else:

- a button (``@ModelView.button``) is checked for the *read* rules and the
  model's write access (or the button's groups), then runs with access
  checks off: the *write* and *delete* rules of the records are never
  checked;
- a wizard's ``execute`` runs with access checks off: inside a transition
  ``ir.model.access.check`` and ``ir.rule`` check nothing;
- RPC strips from the client's context only the keys that start with
  ``_``: any other key a method reads is the client's to choose.

So, in every xtools module:

1. ``check_rights(Model, records, access)`` checks, as the calling user and
   whatever the transaction's check_access, the model access right of the
   mode, the read rules and the rules of the mode on the records (and the
   permission groups, when given). Errors name record ids only, never a
   name the user may not read. Call it before acting as root.
2. ``ButtonAccessMixin``: every button of the model — ours and Tryton's —
   checks ``check_rights`` with the access declared in ``_button_access``
   (default: write) when a user presses it. Declare other needs in
   ``__setup__`` after ``super()``:
   ``cls._button_access.update({'crm_purge': 'delete'})``.
   CustomerRelatedMixin and OptionalCustomerMixin include it.
3. ``CheckedWizardMixin``: every transition of the wizard checks the active
   records with the access declared for its state in ``_state_access``
   (``{'transfer': 'delete'}``); a state that acts on no active record
   declares ``None`` and checks what it does itself.
4. A context key that changes a business fact (a "today", a confirmation,
   an internal mode) starts with ``_`` so that no client can send it.

The permission suite (tests/test_access_paths_rpc.py) enumerates every
button, wizard state and RPC method of the xtools modules and fails on one
that is not in its expectation table, so what is added later is guarded by
the same table.
"""
import functools
from dataclasses import dataclass

from trytond.i18n import gettext
from trytond.model import ModelStorage
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.transaction import Transaction, check_access
from trytond.wizard import StateTransition

MODES = {'read', 'write', 'create', 'delete'}


@dataclass(frozen=True)
class Access:
    """What an operation needs on its records: the access mode of the model
    and its record rules, and optionally membership of one of the groups
    (XML ids 'module.fs_id')."""
    mode: str = 'write'
    groups: tuple = ()

    def __post_init__(self):
        assert self.mode in MODES, self.mode

    @classmethod
    def of(cls, value):
        if value is None or isinstance(value, Access):
            return value
        return cls(value)


def _group_ids(xml_ids):
    ModelData = Pool().get('ir.model.data')
    ids = set()
    for xml_id in xml_ids:
        module, fs_id = xml_id.split('.')
        try:
            ids.add(ModelData.get_id(module, fs_id))
        except KeyError:
            # The module of the group is not activated
            continue
    return ids


def check_groups(xml_ids, operation=None):
    "The calling user belongs to one of the groups (root always does)"
    pool = Pool()
    User = pool.get('res.user')
    transaction = Transaction()
    if transaction.user == 0 or not xml_ids:
        return
    with transaction.set_context(_check_access=True):
        groups = set(User.get_groups())
    if not groups & _group_ids(xml_ids):
        raise AccessError(gettext(
                'xtools_crm_base.msg_access_operation_groups',
                operation=operation or '-'))


def context_company():
    """The company of the context when the calling user belongs to it,
    else the user's current company (None without one): a client may put
    any id under 'company', and Tryton does not check it."""
    pool = Pool()
    User = pool.get('res.user')
    transaction = Transaction()
    company = transaction.context.get('company')
    if not transaction.user:
        return company if isinstance(company, int) and company >= 0 else None
    with transaction.set_context(_check_access=False):
        companies = User.get_companies()
        if company in companies:
            return company
        user = User(transaction.user)
        return user.company.id if user.company else None


def readable_ids(user_id, model_name, ids):
    "The ids of model_name among ids that the user may read"
    Model = Pool().get(model_name)
    with Transaction().set_user(user_id), Transaction().set_context(
            _check_access=True, active_test=False):
        return {r.id for r in Model.search([('id', 'in', list(ids))])}


def check_rights(Model, records, access='write', operation=None):
    """Check as the calling user that they may do `access` on `records` of
    `Model` (see Access); nothing for root. Refusals are AccessErrors that
    name ids only."""
    access = Access.of(access)
    transaction = Transaction()
    if access is None or transaction.user == 0:
        return
    pool = Pool()
    ModelAccess = pool.get('ir.model.access')
    Rule = pool.get('ir.rule')
    check_groups(access.groups, operation)
    ids = sorted({int(r) for r in records if int(r) >= 0})
    with check_access():
        ModelAccess.check(Model.__name__, access.mode)
        if ids and issubclass(Model, ModelStorage):
            # Read first: a record out of sight is refused as unreadable
            Rule.check(Model.__name__, ids, 'read')
            if access.mode != 'read':
                Rule.check(Model.__name__, ids, access.mode)


def _guarded_button(func, name):
    @functools.wraps(func)
    def wrapper(cls, records, *args, **kwargs):
        # Only a call from a client (RPC checks access): the code of the
        # module calls its own buttons with the rights it decided.
        if Transaction().check_access:
            access = cls._button_access.get(name, Access())
            check_rights(cls, records, access, operation=name)
        return func(cls, records, *args, **kwargs)
    wrapper._crm_guarded = True
    return wrapper


class ButtonAccessMixin:
    """Every button of the model checks the rights of what it changes, as
    declared in _button_access (button name → Access or mode; default
    write), besides Tryton's own checks."""
    __slots__ = ()

    @classmethod
    def __setup__(cls):
        cls._button_access = {}
        super().__setup__()

    @classmethod
    def __post_setup__(cls):
        super().__post_setup__()
        # On the pool's class, after every module's __setup__: the buttons
        # of Tryton's modules and of later modules are wrapped too.
        for name in cls._buttons:
            method = getattr(cls, name, None)
            func = getattr(method, '__func__', None)
            if func is None or getattr(func, '_crm_guarded', False):
                continue
            setattr(cls, name, classmethod(_guarded_button(func, name)))


def is_guarded_button(Model, name):
    "Whether the button checks the rights of ButtonAccessMixin"
    func = getattr(getattr(Model, name, None), '__func__', None)
    return bool(getattr(func, '_crm_guarded', False))


class CheckedWizardMixin:
    """Every transition state checks the active records with the access of
    _state_access (state name → Access, mode or None) before it runs."""
    __slots__ = ()
    _state_access = {}

    def _execute(self, state_name):
        state = self.states.get(state_name)
        if isinstance(state, StateTransition):
            self.check_state_access(state_name)
        return super()._execute(state_name)

    def check_state_access(self, state_name):
        if state_name not in self._state_access:
            # A state nobody thought about is refused, not let through
            raise AccessError(gettext(
                    'xtools_crm_base.msg_access_state_undeclared',
                    wizard=self.__name__, state=state_name))
        access = self._state_access[state_name]
        if access is not None and self.model:
            check_rights(self.model, self.records, access,
                operation=f'{self.__name__}:{state_name}')
