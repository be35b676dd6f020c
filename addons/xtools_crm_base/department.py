from trytond.i18n import gettext
from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields, tree
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import DepartmentDepthError
from .visibility import clear_visibility_cache


class Department(DeactivableMixin, tree(separator=' / '), ModelSQL, ModelView):
    "Department: company → department → at most one level of sub-department"
    __name__ = 'crm.department'
    __string__ = "Department"

    name = fields.Char("Name", required=True)
    company = fields.Many2One('company.company', "Company", required=True)
    parent = fields.Many2One(
        'crm.department', "Parent Department", ondelete='RESTRICT',
        domain=[
            ('company', '=', Eval('company', -1)),
            ('parent', '=', None),
            ])
    children = fields.One2Many(
        'crm.department', 'parent', "Sub-departments", readonly=True)
    members = fields.One2Many(
        'res.user', 'crm_department', "Members", readonly=True)
    manager = fields.Function(
        fields.Many2One('res.user', "Manager"), 'get_manager')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('name', 'ASC'))

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def get_manager(cls, departments, name):
        managers = dict.fromkeys(map(int, departments))
        for department in departments:
            for member in department.members:
                if member.crm_level == 'manager':
                    managers[department.id] = member.id
        return managers

    @classmethod
    def on_modification(cls, mode, departments, field_names=None):
        super().on_modification(mode, departments, field_names=field_names)
        # Managers see their sub-departments: the tree decides visibility.
        clear_visibility_cache()

    @classmethod
    def validate_fields(cls, departments, field_names):
        super().validate_fields(departments, field_names)
        cls.check_depth(departments, field_names)

    @classmethod
    def check_depth(cls, departments, field_names=None):
        # The organisation has at most four levels: company (boss) →
        # department → sub-department → staff.
        if field_names and 'parent' not in field_names:
            return
        for department in departments:
            if department.parent and (
                    department.parent.parent or department.children):
                raise DepartmentDepthError(gettext(
                        'xtools_crm_base.msg_department_too_deep',
                        department=department.rec_name))
