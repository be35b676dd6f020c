"""Workbenches (工作台, SPEC R1): the screen each user lands on after login.

A workbench is one of Tryton's board views (an ``ir.action.act_window``
without a model, whose view of type ``board`` lays out actions): each block
is an ordinary action on a rule-checked model (tasks, schedules, reminders,
payment plans, complaints …) or on a reporting model, so every block shows
only what its user may read. One workbench per role (workbench.xml), its
menu entry shown to the role's group: a user with several roles has several
entries in the Workbench menu — the role switcher (切换角色) — and lands on
the one chosen in the preferences (by default the first of their roles).

Tryton's ``dashboard`` module (8.0) was evaluated: it gives each user one
personal board assembled by hand from actions of usage ``dashboard``.
Workbenches here are fixed per role and switched by role, and blocks come
and go with the modules, so they are board views of their own; the blocks
keep the ``dashboard`` usage, so a site that installs that module may add
any of them to a personal board.
"""
from trytond.model import ModelSQL, ModelView, fields, sequence_ordered
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction


class Workbench(sequence_ordered(), ModelSQL, ModelView):
    "Workbench of a role (工作台)"
    __name__ = 'crm.workbench'
    __string__ = "Workbench"

    name = fields.Char("Name", required=True, translate=True)
    group = fields.Many2One(
        'res.group', "Role", required=True, ondelete='CASCADE',
        help="The role whose members use the workbench.")
    action = fields.Many2One(
        'ir.action.act_window', "Board", required=True, ondelete='CASCADE')

    @classmethod
    def for_user(cls, user):
        """The workbenches of user's roles, in order (root: none)"""
        groups = {g.id for g in user.groups}
        with Transaction().set_context(_check_access=False):
            return [w for w in cls.search([]) if w.group.id in groups]


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    crm_workbench = fields.Many2One(
        'crm.workbench', "Workbench",
        domain=[
            ('group', 'in', Eval('groups', [])),
            ],
        help="The workbench shown after login: one of your roles'. "
        "The others stay in the Workbench menu.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._preferences_fields.append('crm_workbench')

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        # New roles: back to the first role's workbench, until chosen again
        if mode == 'write' and 'groups' in values:
            values.setdefault('crm_workbench', None)
        return values

    @classmethod
    def landing_workbench(cls, user):
        "The workbench user lands on: the chosen one if still theirs"
        Workbench = Pool().get('crm.workbench')
        workbenches = Workbench.for_user(user)
        if user.crm_workbench in workbenches:
            return user.crm_workbench
        return workbenches[0] if workbenches else None

    @classmethod
    def _get_preferences(cls, user, context_only=False):
        pool = Pool()
        Action = pool.get('ir.action')
        preferences = super()._get_preferences(
            user, context_only=context_only)
        if context_only or 'actions' not in preferences:
            return preferences
        workbench = cls.landing_workbench(user)
        if workbench:
            action_id = Action.get_action_id(workbench.action.id)
            actions = preferences['actions']
            if action_id not in actions:
                # First: the administrator's configuration wizard, put
                # before it by Tryton, still opens on top of it
                actions.insert(0, action_id)
        return preferences


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    crm_awaiting_my_approval = fields.Function(
        fields.Boolean("Awaiting My Approval"),
        'get_crm_awaiting_my_approval',
        searcher='search_crm_awaiting_my_approval')

    @classmethod
    def get_crm_awaiting_my_approval(cls, sales, name):
        User = Pool().get('res.user')
        with Transaction().set_context(_check_access=False):
            user = User(Transaction().user)
            return {s.id: s.state == 'quotation' and s.crm_may_approve(user)
                for s in sales}

    @classmethod
    def search_crm_awaiting_my_approval(cls, name, clause):
        """Submitted deals the user may approve: every one for a boss or a
        CRM administrator, those of the department (and its
        sub-departments) for its manager, none for others — the same rule
        as crm_may_approve, as a domain"""
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        _, operator, value = clause[:3]
        wanted = bool(value) if operator == '=' else not bool(value)
        transaction = Transaction()
        with transaction.set_context(_check_access=False):
            user = User(transaction.user)
            admin = ModelData.get_id('xtools_crm_base', 'group_crm_admin')
            if (transaction.user == 0 or user.crm_level == 'boss'
                    or admin in {g.id for g in user.groups}):
                mine = [('state', '=', 'quotation')]
            elif user.crm_level == 'manager' and user.crm_department:
                mine = [
                    ('state', '=', 'quotation'),
                    ('crm_owner', '!=', user.id),
                    ['OR',
                        ('crm_owner.crm_department', '=',
                            user.crm_department.id),
                        ('crm_owner.crm_department.parent', '=',
                            user.crm_department.id),
                        ],
                    ]
            else:
                mine = [('id', '=', None)]
            if wanted:
                return mine
            return [('id', 'not in', cls.search(mine, order=[], query=True))]
