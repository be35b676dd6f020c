"""Who works the service desks' records (SPEC B3 applied to V2 and V4).

Complaints and repair tickets belong to a customer (CustomerRelatedMixin):
they are read by whoever reads the customer — customer service reads them
all, a salesperson those of the customers of their hierarchy. Besides the
customer's writers and the record's creator (xtools_crm_base), the people
the record is given to — the complaint's handler, the ticket's engineer —
and their leaders may change it.

Repair engineers (维修) do not read the customers of the company: a
repair-role user reads the customers of the tickets assigned to them or
to their team, and of the tickets waiting for an engineer (the queue of
the repair desk). Of those customers' tickets, an engineer who is nothing
but an engineer (no sales, service or boss role) sees only those: the
rule "Repair engineers see their tickets" (repair.xml) reads
crm_repair_restricted."""
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from xtools_crm_base.customer_related import CustomerRelatedMixin
from xtools_crm_base.visibility import user_visibility


def _model_data_id(module, fs_id):
    ModelData = Pool().get('ir.model.data')
    try:
        return ModelData.get_id(module, fs_id)
    except KeyError:
        # While the module is being activated
        return None


class DeskRecordMixin(CustomerRelatedMixin):
    """A record of a service desk: _crm_desk_fields name the user fields
    whose users (and their leaders) may change it."""
    __slots__ = ()
    _crm_desk_fields = ()


def desk_domain(Model, owners):
    "The records given to one of owners, or created by one of them"
    return ['OR',
        ('create_uid', 'in', owners),
        *((name, 'in', owners) for name in Model._crm_desk_fields),
        ]


# Roles that see tickets through their customers, beside the repair role
CUSTOMER_ROLES = ['group_role_sales', 'group_role_service', 'group_role_boss']


def _groups(user_id=None):
    User = Pool().get('res.user')
    if user_id is None:
        return set(User.get_groups())
    with Transaction().set_user(user_id):
        return set(User.get_groups())


def is_repair_user(user_id=None):
    "The user has the repair role (维修)"
    group_id = _model_data_id('xtools_crm_base', 'group_role_repair')
    return group_id is not None and group_id in _groups(user_id)


def is_repair_only(user_id=None):
    """The user works tickets as a repair engineer only: no role that sees
    customers (sales, service, boss)"""
    groups = _groups(user_id)
    repair = _model_data_id('xtools_crm_base', 'group_role_repair')
    others = {_model_data_id('xtools_crm_base', r) for r in CUSTOMER_ROLES}
    return repair in groups and not (groups & others)


def repair_queue_domain(owners):
    """The tickets a repair user works on: given to them or their team, or
    waiting for an engineer"""
    return ['OR',
        ('engineer', 'in', owners),
        [('engineer', '=', None), ('state', '=', 'intake')],
        ]


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def get(cls, model_name, mode='read'):
        clause, clause_global = super().get(model_name, mode=mode)
        Model = Pool().get(model_name)
        if mode == 'read' or not getattr(Model, '_crm_desk_fields', None):
            return clause, clause_global
        write_group = _model_data_id(
            'xtools_crm_base', 'rule_group_customer_write')
        user_id = Transaction().user
        owners = list(user_visibility(user_id)[2]) if user_id else []
        desk = desk_domain(Model, owners)
        for own in [clause, clause_global]:
            for group in [g for g in own if g.id == write_group]:
                own[group] = ['OR', desk, own[group]]
        return clause, clause_global

    @classmethod
    def _get_context(cls, model_name):
        context = super()._get_context(model_name)
        user_id = Transaction().user
        context['crm_repair_restricted'] = False
        if user_id and is_repair_user():
            see_all, read_all, owners, _, _ = user_visibility(user_id)
            domain = [('crm_repair_tickets', 'where',
                    repair_queue_domain(list(owners)))]
            other = context.get('crm_read_also')
            context['crm_read_also'] = (
                ['OR', other, domain] if other else domain)
            context['crm_repair_restricted'] = (
                not (see_all or read_all) and is_repair_only())
        return context
