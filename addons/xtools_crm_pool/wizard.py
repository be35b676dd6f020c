"""Dialogs of the pool operations, on one customer or a selection, and the
rule simulator."""
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, Id
from trytond.transaction import Transaction, check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from xtools_crm_base.access import CheckedWizardMixin

from .auto_return import ReturnSettings
from .configuration import MAX_DAYS, check_limit
from .library import LIBRARY_STATES
from .log import RULES
from .maturity import LIBRARIES
from .return_rules import LIMITS, RETURN_RULES
from .today import pool_today

DESTINATIONS = [
    ('public', "Public Pool"),
    ('special', "Special Pool"),
    ]
_POOL_USERS = [
    ('active', '=', True),
    ('groups', 'in', [
            Id('xtools_crm_pool', 'group_pool_user'),
            Id('xtools_crm_pool', 'group_pool_admin'),
            ]),
    ]


class _CustomersWizard(CheckedWizardMixin, Wizard):
    """A pool operation on the selected customers. Each operation
    (crm_pool_* of party.party, also called over RPC) checks the rights of
    the calling user itself: the pool's rules are not those of a write."""
    __slots__ = ()
    _state_access = dict.fromkeys(
        ['claim', 'assign', 'release', 'extend', 'move', 'convert'])

    def _customers(self):
        customers = [r for r in self.records if r.crm_customer_type]
        if not customers:
            raise AccessError(gettext('xtools_crm_pool.msg_no_customer'))
        return customers

    def end(self):
        return 'reload'


class ClaimStart(ModelView):
    "Claim customers from the pool"
    __name__ = 'crm.pool.claim.start'
    __string__ = "Claim Customers from the Pool"
    count = fields.Integer("Customers", readonly=True)


class Claim(_CustomersWizard):
    "Claim customers from the pool"
    __name__ = 'crm.pool.claim'
    start = StateView('crm.pool.claim.start',
        'xtools_crm_pool.claim_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Claim", 'claim', 'tryton-ok', default=True),
            ])
    claim = StateTransition()

    @classmethod
    def check_access(cls):
        # The customers are not read with the user's rights here: one taken
        # by a colleague a moment ago is out of sight, and the claim itself
        # (public pool only) says who took it instead of "not allowed to
        # read".
        with Transaction().set_context(active_ids=None, active_id=None):
            super().check_access()

    def default_start(self, fields):
        return {'count': len(self.records)}

    def transition_claim(self):
        self.model.crm_pool_claim(self.records)
        return 'end'


class AssignStart(ModelView):
    "Assign pool customers"
    __name__ = 'crm.pool.assign.start'
    __string__ = "Assign Pool Customers"
    count = fields.Integer("Customers", readonly=True)
    user = fields.Many2One(
        'res.user', "Assign To", required=True, domain=_POOL_USERS)


class Assign(_CustomersWizard):
    "Assign pool customers"
    __name__ = 'crm.pool.assign'
    start = StateView('crm.pool.assign.start',
        'xtools_crm_pool.assign_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Assign", 'assign', 'tryton-ok', default=True),
            ])
    assign = StateTransition()

    def default_start(self, fields):
        return {'count': len(self.records)}

    def transition_assign(self):
        self.model.crm_pool_assign(self._customers(), self.start.user)
        return 'end'


class ReleaseStart(ModelView):
    "Release customers to the pool"
    __name__ = 'crm.pool.release.start'
    __string__ = "Release Customers to the Pool"
    count = fields.Integer("Customers", readonly=True)
    destination = fields.Selection(
        DESTINATIONS, "Release To", required=True,
        help="The special pool (公海特殊库) is for junk: wrong numbers, no "
        "intention at all. Pool users do not see it.")
    reason_required = fields.Boolean("Reason Required", readonly=True)
    reason = fields.Char(
        "Reason", states={
            'required': Bool(Eval('reason_required')),
            })


class Release(_CustomersWizard):
    "Release customers to the pool"
    __name__ = 'crm.pool.release'
    start = StateView('crm.pool.release.start',
        'xtools_crm_pool.release_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Release", 'release', 'tryton-ok', default=True),
            ])
    release = StateTransition()

    def default_start(self, fields):
        Configuration = Pool().get('crm.configuration')
        return {
            'count': len(self.records),
            'destination': 'public',
            'reason_required': bool(
                Configuration(1).pool_release_reason_required),
            }

    def transition_release(self):
        self.model.crm_pool_release(
            self._customers(), self.start.reason, self.start.destination)
        return 'end'


class ExtendStart(ModelView):
    "Extend the protection of claimed customers"
    __name__ = 'crm.pool.extend.start'
    __string__ = "Extend the Protection"
    count = fields.Integer("Customers", readonly=True)
    days = fields.Integer(
        "Days", required=True, domain=[('days', '>', 0)],
        help="Whole days added to each customer's protection end.")


class Extend(_CustomersWizard):
    "Extend the protection of claimed customers"
    __name__ = 'crm.pool.extend'
    start = StateView('crm.pool.extend.start',
        'xtools_crm_pool.extend_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Extend", 'extend', 'tryton-ok', default=True),
            ])
    extend = StateTransition()

    def default_start(self, fields):
        return {'count': len(self.records)}

    def transition_extend(self):
        self.model.crm_pool_extend(self._customers(), self.start.days)
        return 'end'


class ToPoolStart(ModelView):
    "Move customers to the pool"
    __name__ = 'crm.pool.to_pool.start'
    __string__ = "Move Customers to the Pool"
    count = fields.Integer("Customers", readonly=True)
    destination = fields.Selection(
        DESTINATIONS + [('maturity', "Library by Maturity")],
        "Move To", required=True,
        help="By maturity: each customer goes to the library its grade "
        "maps to (private or temporary library of its owner, or the "
        "public pool).")
    reason = fields.Char("Reason")


class ToPool(_CustomersWizard):
    "Move customers to the pool"
    __name__ = 'crm.pool.to_pool'
    start = StateView('crm.pool.to_pool.start',
        'xtools_crm_pool.to_pool_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Move", 'move', 'tryton-ok', default=True),
            ])
    move = StateTransition()

    def default_start(self, fields):
        return {'count': len(self.records), 'destination': 'public'}

    def transition_move(self):
        self.model.crm_pool_to_pool(
            self._customers(), self.start.destination, self.start.reason)
        return 'end'


class ToNormalStart(ModelView):
    "Make customers normal customers"
    __name__ = 'crm.pool.to_normal.start'
    __string__ = "Make Normal Customers"
    count = fields.Integer("Customers", readonly=True)
    unowned = fields.Integer("Without Owner", readonly=True)
    owner = fields.Many2One(
        'res.user', "Owner", domain=[('active', '=', True)],
        states={
            'required': Eval('unowned', 0) > 0,
            'invisible': Eval('unowned', 0) <= 0,
            },
        help="The owner of the customers that are in the pool without one.")


class ToNormal(_CustomersWizard):
    "Make customers normal customers"
    __name__ = 'crm.pool.to_normal'
    start = StateView('crm.pool.to_normal.start',
        'xtools_crm_pool.to_normal_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Make Normal", 'convert', 'tryton-ok', default=True),
            ])
    convert = StateTransition()

    def default_start(self, fields):
        return {
            'count': len(self.records),
            'unowned': len([r for r in self.records
                    if r.crm_customer_type and not r.crm_owner]),
            'owner': Transaction().user or None,
            }

    def transition_convert(self):
        self.model.crm_pool_to_normal(self._customers(), self.start.owner)
        return 'end'


# -- the rule simulator ---------------------------------------------------------

SIMULATION_LINES = 500


class SimulateStart(ModelView):
    "Return rule simulator"
    __name__ = 'crm.pool.simulate.start'
    __string__ = "Return Rule Simulator"
    today = fields.Date(
        "As of", required=True,
        help="The day the run is simulated on.")
    # One field per day limit of the return rules, named as the rule's
    # limit (return_rules.LIMITS), labelled as its setting
    temporary_days = fields.Integer(
        "Temporary Library: Days without Follow-up",
        domain=['OR',
            ('temporary_days', '=', None),
            ('temporary_days', '>', 0),
            ])
    private_days = fields.Integer(
        "Private Library: Days without Contact",
        domain=['OR',
            ('private_days', '=', None),
            ('private_days', '>', 0),
            ])
    grades = fields.One2Many(
        'crm.pool.simulate.grade', None, "Limits by Grade")
    goal_deal = fields.Boolean("Goal: Approved Deal")
    goal_receipt = fields.Boolean("Goal: Receipt")
    exempt = fields.Boolean("Exempt Customers with Open Deals")
    summary = fields.Text("Result", readonly=True)
    lines = fields.One2Many(
        'crm.pool.simulate.line', None, "Customers", readonly=True)


class SimulateGrade(ModelView):
    "Simulated limit of a maturity grade"
    __name__ = 'crm.pool.simulate.grade'
    __string__ = "Simulated Grade Limit"
    maturity = fields.Many2One('crm.maturity', "Grade", readonly=True)
    library = fields.Selection(LIBRARIES, "Library", readonly=True)
    return_days = fields.Integer(
        "Return Limit (days)",
        domain=['OR',
            ('return_days', '=', None),
            ('return_days', '>', 0),
            ])


class SimulateLine(ModelView):
    "A customer the simulated run would move"
    __name__ = 'crm.pool.simulate.line'
    __string__ = "Simulated Return"
    customer = fields.Many2One('party.party', "Customer", readonly=True)
    owner = fields.Many2One('res.user', "Owner", readonly=True)
    library = fields.Selection(LIBRARY_STATES, "Library", readonly=True)
    action = fields.Selection([
            ('return', "Returns to the Pool"),
            ('goal', "Goal Met: Stays"),
            ], "Result", readonly=True)
    rule = fields.Selection(RULES, "Rule", readonly=True)
    facts = fields.Char("Facts", readonly=True)


class Simulate(CheckedWizardMixin, Wizard):
    """Preview which customers a run would return to the pool (and which
    would meet their goal) under other limits, before saving them"""
    __name__ = 'crm.pool.simulate'
    # No active records; saving runs with the user's access checks
    _state_access = {'preview': None, 'save': None}
    start = StateView('crm.pool.simulate.start',
        'xtools_crm_pool.simulate_start_view_form', [
            Button("Close", 'end', 'tryton-close'),
            Button("Save These Limits", 'save', 'tryton-save'),
            Button("Preview", 'preview', 'tryton-refresh', default=True),
            ])
    preview = StateTransition()
    save = StateTransition()

    def _values(self):
        "The limits shown: those entered, else the CRM settings'"
        Maturity = Pool().get('crm.maturity')
        settings = ReturnSettings.from_configuration()
        start = self.start
        if getattr(start, 'today', None):
            for name in LIMITS:
                check_limit(getattr(start, name),
                    start.__names__(name)['field'], MAX_DAYS)
            for grade in start.grades:
                check_limit(grade.return_days, '%s (%s)' % (
                        grade.__names__('return_days')['field'],
                        grade.maturity.rec_name if grade.maturity else '-'),
                    MAX_DAYS)
            return {
                'today': start.today,
                **{name: getattr(start, name) for name in LIMITS},
                'grade_days': {
                    g.maturity.id: g.return_days for g in start.grades
                    if g.maturity},
                'goal_deal': bool(start.goal_deal),
                'goal_receipt': bool(start.goal_receipt),
                'exempt': bool(start.exempt),
                }
        grades = Maturity.search([])
        return {
            'today': pool_today(),
            **settings.limits,
            'grade_days': {g.id: g.return_days for g in grades},
            'goal_deal': settings.goal_deal,
            'goal_receipt': settings.goal_receipt,
            'exempt': settings.exempt,
            }

    def default_start(self, fields):
        pool = Pool()
        Party = pool.get('party.party')
        Maturity = pool.get('crm.maturity')
        Log = pool.get('crm.pool.log')
        Lang = pool.get('ir.lang')
        values = self._values()
        settings = ReturnSettings.from_configuration(
            **{k: v for k, v in values.items()})
        rows = Party.crm_pool_simulate(settings)
        lang = Lang.get()
        counts = {}
        for row in rows:
            counts[row['rule']] = counts.get(row['rule'], 0) + 1
        rule_names = dict(RULES)
        summary = [gettext(
                'xtools_crm_pool.msg_simulate_summary',
                date=lang.strftime(settings.today),
                returned=sum(1 for r in rows if r['action'] == 'return'),
                goal=sum(1 for r in rows if r['action'] == 'goal'))]
        for rule, count in sorted(counts.items()):
            summary.append('%s: %s' % (rule_names.get(rule, rule), count))
        if len(rows) > SIMULATION_LINES:
            summary.append(gettext(
                    'xtools_crm_pool.msg_simulate_truncated',
                    shown=SIMULATION_LINES, count=len(rows)))

        def facts(row):
            return Log(
                operation='goal' if row['action'] == 'goal' else 'return',
                rule=row['rule'],
                reference_date=row['since'],
                limit_days=row['limit'],
                protection_end=row['protection_end'],
                )._facts(lambda d: lang.strftime(d) if d else '-', {})
        return {
            'today': settings.today,
            **{name: values[name] for name in LIMITS},
            'grades': [{
                    'maturity': g.id,
                    'library': g.library,
                    'return_days': values['grade_days'].get(g.id),
                    } for g in Maturity.search([])],
            'goal_deal': values['goal_deal'],
            'goal_receipt': values['goal_receipt'],
            'exempt': values['exempt'],
            'summary': '\n'.join(summary),
            'lines': [{
                    'customer': r['customer'],
                    'owner': r['owner'],
                    'library': r['library'],
                    'action': r['action'],
                    'rule': r['rule'],
                    'facts': facts(r),
                    } for r in rows[:SIMULATION_LINES]],
            }

    def transition_preview(self):
        return 'start'

    # Saving changes the CRM settings: with the user's access rights
    @check_access
    def transition_save(self):
        pool = Pool()
        Configuration = pool.get('crm.configuration')
        Maturity = pool.get('crm.maturity')
        start = self.start
        Configuration.write([Configuration(1)], {
                **{r.setting: getattr(start, r.limit)
                    for r in RETURN_RULES if r.limit},
                'pool_goal_deal': bool(start.goal_deal),
                'pool_goal_receipt': bool(start.goal_receipt),
                'pool_exempt_open_deals': bool(start.exempt),
                })
        for grade in start.grades:
            if grade.maturity and (
                    grade.maturity.return_days != grade.return_days):
                Maturity.write([Maturity(grade.maturity.id)], {
                        'return_days': grade.return_days,
                        })
        return 'end'
