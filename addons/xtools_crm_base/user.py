from trytond.i18n import gettext
from trytond.model import fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta


class SecondManagerError(ValidationError):
    pass


LEVELS = [
    ('boss', "Boss"),
    ('manager', "Manager"),
    ('assistant', "Assistant"),
    ('staff', "Staff"),
    ]


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    crm_department = fields.Many2One(
        'crm.department', "Department", ondelete='RESTRICT')
    crm_level = fields.Selection(LEVELS, "User Level", required=True)

    @classmethod
    def default_crm_level(cls):
        return 'staff'

    @classmethod
    def default_language(cls):
        # Chinese first: new users get zh_CN when it is installed.
        pool = Pool()
        Lang = pool.get('ir.lang')
        langs = Lang.search([
                ('code', '=', 'zh_CN'),
                ('translatable', '=', True),
                ], limit=1)
        if langs:
            return langs[0].id

    @classmethod
    def validate_fields(cls, users, field_names):
        super().validate_fields(users, field_names)
        cls.check_single_manager(users, field_names)

    @classmethod
    def check_single_manager(cls, users, field_names=None):
        if field_names and not (
                field_names & {'crm_level', 'crm_department', 'active'}):
            return
        for user in users:
            if user.crm_level != 'manager' or not user.crm_department:
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
