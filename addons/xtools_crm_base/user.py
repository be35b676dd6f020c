from sql import Literal, Null
from sql.aggregate import Count

from trytond import backend, config
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .access import ButtonAccessMixin, readable_ids
from .column_rec_name import ColumnRecName
from .exceptions import (
    GroupGrantError, LeaveError, NoRoleError, SecondManagerError)
from .rules import BIN_CONTEXT
from .visibility import clear_visibility_cache


LEVELS = [
    ('boss', "Boss"),
    ('manager', "Manager"),
    ('assistant', "Assistant"),
    ('staff', "Staff"),
    ]
ROLES = [
    'group_role_boss', 'group_role_sales', 'group_role_product',
    'group_role_purchase', 'group_role_stock', 'group_role_service',
    'group_role_repair', 'group_role_finance', 'group_role_marketing',
    ]
# What decides which customers a user sees
ORGANISATION_FIELDS = {'crm_level', 'crm_department', 'active', 'groups'}
# How many of a leaver's customers the refusal names; the rest are counted
LEAVE_NAMED = 5


def role_group_ids():
    ModelData = Pool().get('ir.model.data')
    return {ModelData.get_id('xtools_crm_base', r) for r in ROLES}


def crm_group_ids():
    """The groups of the xtools modules (roles, special permissions, CRM
    and pool administration …): those a CRM administrator hands out"""
    ModelData = Pool().get('ir.model.data')
    with Transaction().set_context(_check_access=False):
        return {d.db_id for d in ModelData.search([
                    ('model', '=', 'res.group'),
                    ('module', 'like', 'xtools_crm_%'),
                    ])}


def _list_separator():
    "Between the names of a list, in the language of the message"
    language = Transaction().language or ''
    return '、' if language.startswith('zh') else ', '


def _is_tryton_admin():
    "The calling user is root or in Tryton's Administration group"
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    transaction = Transaction()
    if transaction.user == 0:
        return True
    admin = ModelData.get_id('res', 'group_admin')
    with transaction.set_context(_check_access=False):
        return admin in User.get_groups()


class User(ColumnRecName, ButtonAccessMixin, metaclass=PoolMeta):
    "A list's salespeople are named from two columns (ColumnRecName)"
    __name__ = 'res.user'
    _crm_rec_name_columns = ('name', 'login')

    crm_department = fields.Many2One(
        'crm.department', "Department", ondelete='RESTRICT')
    crm_level = fields.Selection(LEVELS, "User Level", required=True)
    crm_account_rights = fields.Function(
        fields.Boolean(
            "Account Rights",
            help="May change the CRM settings and the organisation. "
            "A boss without account rights sees all data but changes no "
            "settings."),
        'get_crm_account_rights', setter='set_crm_account_rights')
    crm_customer_count = fields.Function(
        fields.Integer("Customers Owned"), 'get_crm_customer_count')
    crm_login_locked = fields.Function(
        fields.Boolean(
            "Login Locked",
            help="Too many wrong passwords: the user cannot log in, even "
            "with the right one, until unlocked or the session timeout "
            "has passed."),
        'get_crm_login_locked')

    @classmethod
    def _crm_rec_name(cls, values):
        # res.user's get_rec_name, from the columns
        return values['name'] if values['name'] else values['login']

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'crm_promote': {
                    'invisible': Eval('crm_level').in_(['boss']),
                    'depends': ['crm_level'],
                    },
                'crm_demote': {
                    'invisible': Eval('crm_level').in_(['staff']),
                    'depends': ['crm_level'],
                    },
                'crm_leave': {
                    'invisible': ~Eval('active', True),
                    'depends': ['active'],
                    },
                'crm_unlock': {},
                })

    @classmethod
    def default_crm_level(cls):
        return 'staff'

    @classmethod
    def default_groups(cls):
        # A new user gets the sales role (销售) by default.
        ModelData = Pool().get('ir.model.data')
        try:
            return [ModelData.get_id('xtools_crm_base', 'group_role_sales')]
        except KeyError:
            return []

    @classmethod
    def default_language(cls):
        # Chinese first: new users get zh_CN when it is installed.
        Lang = Pool().get('ir.lang')
        langs = Lang.search([
                ('code', '=', 'zh_CN'),
                ('translatable', '=', True),
                ], limit=1)
        if langs:
            return langs[0].id

    @classmethod
    def _crm_admin_group(cls):
        return Pool().get('ir.model.data').get_id(
            'xtools_crm_base', 'group_crm_admin')

    def get_crm_account_rights(self, name):
        return self._crm_admin_group() in {g.id for g in self.groups}

    @classmethod
    def set_crm_account_rights(cls, users, name, value):
        group = cls._crm_admin_group()
        to_change = [u for u in users if u.crm_account_rights != bool(value)]
        if to_change:
            cls.write(to_change, {
                    'groups': [('add' if value else 'remove', [group])],
                    })

    @classmethod
    def get_crm_customer_count(cls, users, name):
        party = Pool().get('party.party').__table__()
        counts = dict.fromkeys(map(int, users), 0)
        cursor = Transaction().connection.cursor()
        for sub in grouped_slice(
                list(counts), backend.MAX_QUERY_PARAMS):
            cursor.execute(*party.select(
                    party.crm_owner, Count(party.id),
                    where=party.crm_owner.in_(list(sub))
                    & (party.crm_customer_type != Null)
                    # merged into another customer: gone
                    & (party.active == Literal(True)),
                    group_by=[party.crm_owner]))
            counts.update(cursor)
        return counts

    @classmethod
    def get_crm_login_locked(cls, users, name):
        """Locked as Tryton's login does it: more failed attempts than
        [session] max_attempt within the session timeout, from a browser
        or client (device cookie) or from anywhere without one"""
        LoginAttempt = Pool().get('res.user.login.attempt')
        attempts = LoginAttempt.__table__()
        maximum = config.getint('session', 'max_attempt', default=5)
        login_size = LoginAttempt.login.size
        by_login = {u.login[:login_size]: u.id for u in users if u.login}
        locked = dict.fromkeys(map(int, users), False)
        cursor = Transaction().connection.cursor()
        for sub in grouped_slice(list(by_login), backend.MAX_QUERY_PARAMS):
            cursor.execute(*attempts.select(
                    attempts.login,
                    where=attempts.login.in_(list(sub))
                    & (attempts.create_date >= LoginAttempt.delay()),
                    group_by=[attempts.login, attempts.device_cookie],
                    having=Count(Literal('*')) > maximum))
            for login, in cursor:
                locked[by_login[login]] = True
        return locked

    @classmethod
    def validate_fields(cls, users, field_names):
        super().validate_fields(users, field_names)
        cls.check_single_manager(users, field_names)
        cls.check_has_role(users, field_names)

    @classmethod
    def check_single_manager(cls, users, field_names=None):
        if field_names and not (
                field_names & {'crm_level', 'crm_department', 'active'}):
            return
        for user in users:
            if (user.crm_level != 'manager' or not user.crm_department
                    or not user.active):
                continue
            others = cls.search([
                    ('id', '!=', user.id),
                    ('crm_department', '=', user.crm_department.id),
                    ('crm_level', '=', 'manager'),
                    ], limit=1)
            if others:
                raise SecondManagerError(gettext(
                        'xtools_crm_base.msg_department_second_manager',
                        department=user.crm_department.rec_name,
                        manager=others[0].rec_name))

    @classmethod
    def check_has_role(cls, users, field_names=None):
        # Every CRM user has at least one role (职能); root and technical
        # users without any group are left alone.
        if field_names and 'groups' not in field_names:
            return
        roles = role_group_ids()
        for user in users:
            if user.id == 0 or not user.active:
                continue
            if not roles & {g.id for g in user.groups}:
                raise NoRoleError(gettext(
                        'xtools_crm_base.msg_user_without_role',
                        user=user.rec_name))

    @classmethod
    def on_modification(cls, mode, users, field_names=None):
        super().on_modification(mode, users, field_names=field_names)
        if mode != 'write' or (field_names or set()) & ORGANISATION_FIELDS:
            clear_visibility_cache()
        if mode == 'create':
            cls._crm_check_group_grant({u.id: set() for u in users}, users)

    @classmethod
    def check_modification(cls, mode, users, values=None, external=False):
        super().check_modification(
            mode, users, values=values, external=external)
        if mode in {'write', 'delete'} and not _is_tryton_admin():
            # A CRM administrator manages CRM users, not Tryton's
            # administrators (nor their passwords or logins)
            ModelData = Pool().get('ir.model.data')
            admin = ModelData.get_id('res', 'group_admin')
            for user in users:
                if user.id == 0 or admin in {g.id for g in user.groups}:
                    raise GroupGrantError(gettext(
                            'xtools_crm_base.msg_user_admin_protected'))
        if (mode == 'write' and values and 'active' in values
                and not values['active']):
            # 离职, by the button or by unticking "active": never with
            # customers left behind
            cls.check_no_customers_left(users)

    @classmethod
    def on_write(cls, users, values):
        callback = super().on_write(users, values)
        if 'groups' in values:
            before = {u.id: {g.id for g in u.groups} for u in users}
            ids = list(before)
            callback.append(
                lambda: cls._crm_check_group_grant(before, cls.browse(ids)))
        return callback

    @classmethod
    def _crm_check_group_grant(cls, before, users):
        """Outside Tryton's administrators, the groups given or taken are
        the CRM's own: no one grants himself Tryton's administration"""
        if _is_tryton_admin():
            return
        allowed = crm_group_ids()
        for user in users:
            changed = before.get(user.id, set()) ^ {g.id for g in user.groups}
            if changed - allowed:
                raise GroupGrantError(gettext(
                        'xtools_crm_base.msg_user_group_not_crm'))

    @classmethod
    @ModelView.button
    def crm_promote(cls, users):
        order = [code for code, _ in LEVELS]
        for user in users:
            index = order.index(user.crm_level)
            user.crm_level = order[max(index - 1, 0)]
        cls.save(users)

    @classmethod
    @ModelView.button
    def crm_demote(cls, users):
        order = [code for code, _ in LEVELS]
        for user in users:
            index = order.index(user.crm_level)
            user.crm_level = order[min(index + 1, len(order) - 1)]
        cls.save(users)

    @classmethod
    @ModelView.button
    def crm_leave(cls, users):
        "离职: refused while the user still owns customers"
        cls.write(list(users), {'active': False})

    @classmethod
    def check_no_customers_left(cls, users):
        """Refuse the leave of users who still own customers, naming the
        first of them the caller may read (and those in the recycle bin,
        which must be restored or purged first) and counting the rest.
        Customers merged into another one are gone and do not count."""
        pool = Pool()
        Party = pool.get('party.party')
        party = Party.__table__()
        cursor = Transaction().connection.cursor()
        for user in users:
            if not user.active:
                continue
            cursor.execute(*party.select(
                    party.id, party.crm_deleted_date,
                    where=(party.crm_owner == user.id)
                    & (party.crm_customer_type != Null)
                    & (party.active == Literal(True)),
                    order_by=[party.name.asc, party.id.asc]))
            owned = cursor.fetchall()
            if not owned:
                continue
            caller = Transaction().user
            # Those in the recycle bin are named to who may restore them
            with Transaction().set_context({BIN_CONTEXT: True}):
                readable = (readable_ids(
                        caller, Party.__name__, [i for i, _ in owned])
                    if caller else {i for i, _ in owned})
            with Transaction().set_user(0), Transaction().set_context(
                    _check_access=False, active_test=False):
                names = []
                for party_id, deleted in owned:
                    if party_id not in readable:
                        continue
                    name = Party(party_id).rec_name
                    if deleted:
                        name = gettext(
                            'xtools_crm_base.msg_leave_customer_binned',
                            customer=name)
                    names.append(name)
                    if len(names) == LEAVE_NAMED:
                        break
            customers = _list_separator().join(names)
            more = len(owned) - len(names)
            if more:
                customers = gettext(
                    'xtools_crm_base.msg_leave_customers_more',
                    customers=customers, more=more)
            raise LeaveError(gettext(
                    'xtools_crm_base.msg_leave_owns_customers',
                    user=user.rec_name, count=len(owned),
                    customers=customers))

    @classmethod
    @ModelView.button
    def crm_unlock(cls, users):
        "Forget the failed login attempts that lock the user out"
        LoginAttempt = Pool().get('res.user.login.attempt')
        attempts = LoginAttempt.__table__()
        cursor = Transaction().connection.cursor()
        logins = [u.login for u in users]
        if logins:
            cursor.execute(*attempts.delete(
                    where=attempts.login.in_(logins)))


class Group(metaclass=PoolMeta):
    __name__ = 'res.group'

    @classmethod
    def on_modification(cls, mode, groups, field_names=None):
        super().on_modification(mode, groups, field_names=field_names)
        # Members changed from the group's side (res.group → users)
        clear_visibility_cache()


class UserGroup(metaclass=PoolMeta):
    __name__ = 'res.user-res.group'

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        clear_visibility_cache()
