"""Assembly (装配管理, SPEC K8) on Tryton's production module:

- an assembly plan (装配方案) is a ``production.bom``: the parts and their
  quantities (the ratios) for a quantity of the finished product; the
  product lists its plans (Tryton's product BOMs);
- an assembly document (装配出入库单) is a ``production`` of type
  assembly: the keeper chooses the product, the plan and the quantity,
  Tryton computes the parts; the keeper assembles it in one step — the
  parts are reserved (or the whole is refused when the warehouse lacks
  some), taken out, and the finished product comes in.

The ledger shows the parts going out and the product coming in, with the
assembly document's number.
"""
from trytond.i18n import gettext
from trytond.model import ModelView, dualmethod, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from xtools_crm_base.access import Access, ButtonAccessMixin

from .availability import assign_or_refuse
from .exceptions import AssemblyError, OutboundStepError
from .locking import guard_dual_button, lock_rows

KEEPER = 'xtools_crm_base.group_role_stock'
# Tryton's own steps, which the keeper's button chains: for production
# administrators only
TRYTON_STEP_BUTTONS = [
    'draft', 'wait', 'assign_try', 'assign_force', 'assign_wizard', 'run',
    'do',
    ]


class Production(ButtonAccessMixin, metaclass=PoolMeta):
    __name__ = 'production'

    crm_done_by = fields.Many2One(
        'res.user', "Assembled By", readonly=True, ondelete='RESTRICT')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'crm_assemble': {
                    'invisible': ~Eval('state').in_(
                        ['request', 'draft', 'waiting']),
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })
        cls._button_access['crm_assemble'] = Access(
            'write', groups=(KEEPER,))
        for name in TRYTON_STEP_BUTTONS:
            cls._button_access[name] = Access(
                'write', groups=('production.group_production_admin',))

    @dualmethod
    def assign_try(cls, productions):
        guard_dual_button(cls, 'assign_try', productions)
        return super().assign_try(productions)

    @classmethod
    def default_type(cls):
        return 'assembly'

    @classmethod
    @ModelView.button
    def crm_assemble(cls, productions):
        """装配: the parts are reserved and taken out, the product comes
        in; or the whole is refused"""
        lock_rows(cls, productions)
        productions = cls.browse(productions)
        for production in productions:
            if production.state not in {'request', 'draft', 'waiting'}:
                raise OutboundStepError(gettext(
                        'xtools_crm_stock.msg_assembly_not_open',
                        production=production.rec_name,
                        user=production.crm_done_by.rec_name
                        if production.crm_done_by else '-'))
            if not production.inputs or not production.outputs:
                raise AssemblyError(gettext(
                        'xtools_crm_stock.msg_assembly_empty',
                        production=production.rec_name))
        to_draft = [p for p in productions if p.state == 'request']
        if to_draft:
            cls.draft(to_draft)
        to_wait = [p for p in cls.browse(productions) if p.state == 'draft']
        if to_wait:
            cls.wait(to_wait)
        for production in cls.browse(productions):
            assign_or_refuse(
                production.assign_moves,
                production.number or production.rec_name)
        cls.assign(cls.browse(productions))
        cls.run(cls.browse(productions))
        cls.do(cls.browse(productions))
        cls.write(list(productions), {
                'crm_done_by': Transaction().user or None,
                })

    @classmethod
    def copy(cls, productions, default=None):
        default = default.copy() if default else {}
        default.setdefault('crm_done_by')
        return super().copy(productions, default=default)


class BOM(metaclass=PoolMeta):
    __name__ = 'production.bom'

    crm_note = fields.Text("Note")

    @classmethod
    def validate_fields(cls, boms, field_names):
        super().validate_fields(boms, field_names)
        cls.check_crm_plan(boms, field_names)

    @classmethod
    def check_crm_plan(cls, boms, field_names=None):
        "A plan makes something of something else"
        if field_names and not field_names & {'inputs', 'outputs'}:
            return
        for bom in boms:
            inputs = {i.product for i in bom.inputs}
            outputs = {o.product for o in bom.outputs}
            if inputs & outputs:
                raise AssemblyError(gettext(
                        'xtools_crm_stock.msg_assembly_plan_loop',
                        plan=bom.rec_name,
                        product=sorted(
                            p.rec_name for p in inputs & outputs)[0]))
