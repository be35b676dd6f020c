from sql import Literal, Null
from sql.aggregate import Count

from trytond import backend
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.model.exceptions import AccessError, ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .visibility import clear_visibility_cache


class SecondManagerError(ValidationError):
    pass


class NoRoleError(ValidationError):
    pass


class LeaveError(AccessError):
    pass


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


def role_group_ids():
    ModelData = Pool().get('ir.model.data')
    return {ModelData.get_id('xtools_crm_base', r) for r in ROLES}


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

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
                    & (party.crm_customer_type != Null),
                    group_by=[party.crm_owner]))
            counts.update(cursor)
        return counts

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
        for user in users:
            if user.crm_customer_count:
                raise LeaveError(gettext(
                        'xtools_crm_base.msg_leave_owns_customers',
                        user=user.rec_name,
                        count=user.crm_customer_count))
        cls.write(list(users), {'active': False})

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
