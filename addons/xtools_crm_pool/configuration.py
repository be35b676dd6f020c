"""Public pool settings (公海设置, SPEC P1/P4/P5) on the CRM configuration.

Every limit is a positive whole number; an empty limit switches its rule
off. Zero or less is refused, never read as "off". The day limits of the
return rules and their re-claim locks, with their defaults, are those
the rules declare (return_rules.py)."""
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import LimitError
from .return_rules import RETURN_RULES, day_settings

# Bounds of every day count and cap a user may type: beyond them a date
# computation overflows, and no company means them
MAX_DAYS = 3650
MAX_CAP = 100000


def check_limit(value, label, maximum):
    """A limit is empty (off) or a positive whole number up to maximum"""
    if value is None:
        return
    if value <= 0:
        raise LimitError(gettext(
                'xtools_crm_pool.msg_limit_not_positive',
                limit=label, value=value))
    if value > maximum:
        raise LimitError(gettext(
                'xtools_crm_pool.msg_limit_too_large',
                limit=label, value=value, max=maximum))


def limit_field(string, help, unit='days'):
    """An optional positive whole number: empty switches the rule off (its
    domain is set in __setup__, where the field's name is known)"""
    return fields.Integer(
        string, help=help + (
            "\nEmpty: no limit." if unit == 'customers'
            else "\nEmpty: the rule is off."))


# Fields that hold a limit; their domain is set in __setup__ with the name
DAY_LIMITS = [
    'pool_protection_days',
    *[r.setting for r in RETURN_RULES if r.setting],
    *[r.lock_setting for r in RETURN_RULES if r.lock_setting],
    'pool_release_lock_days', 'pool_warn_days', 'pool_escalate_days',
    ]
CAPS = [
    'pool_private_cap', 'pool_temporary_cap', 'pool_claimed_cap',
    'pool_daily_claim_cap',
    ]
DEFAULTS = {
    'pool_protection_days': 30,
    **day_settings(),
    'pool_release_lock_days': None,
    'pool_warn_days': 3,
    'pool_escalate_days': 1,
    'pool_private_cap': 100,
    'pool_temporary_cap': 200,
    'pool_claimed_cap': 30,
    'pool_daily_claim_cap': 10,
    }
_POOL_ON = {'invisible': ~Eval('pool_enabled', False)}


class Configuration(metaclass=PoolMeta):
    __name__ = 'crm.configuration'

    pool_enabled = fields.Boolean(
        "Public Pool Enabled",
        help="Customers are kept in private and temporary libraries and the "
        "public pool (公海) by their maturity grade, and return to the pool "
        "by the rules below.\n"
        "Switching it off makes every customer a normal customer again.")
    pool_admins = fields.Function(fields.Many2Many(
            'res.user', None, None, "Pool Administrators",
            domain=[('active', '=', True)], states=_POOL_ON,
            help="Move customers to and from the pool, assign, extend and "
            "release any pool customer."),
        'get_pool_members', setter='set_pool_members')
    pool_users = fields.Function(fields.Many2Many(
            'res.user', None, None, "Pool Users",
            domain=[('active', '=', True)], states=_POOL_ON,
            help="See the public pool, claim its customers and release "
            "their own."),
        'get_pool_members', setter='set_pool_members')

    pool_protection_days = limit_field(
        "Protection Days",
        "A customer claimed or assigned from the pool is protected for "
        "this many days; if the goal is not met by then, it returns to the "
        "pool.")
    pool_goal_deal = fields.Boolean(
        "Goal: Approved Deal",
        help="An approved contract or order within the protection period "
        "meets the goal (达成).")
    pool_goal_receipt = fields.Boolean(
        "Goal: Receipt",
        help="A receipt within the protection period meets the goal.")
    pool_temporary_days = limit_field(
        "Temporary Library: Days without Follow-up",
        "A temporary library customer without any follow-up for this many "
        "days returns to the pool. A maturity grade may set its own limit.")
    pool_private_days = limit_field(
        "Private Library: Days without Contact",
        "A private library customer not contacted for this many days "
        "returns to the pool, and its owner may never claim it again. "
        "A maturity grade may set its own limit.")
    pool_exempt_open_deals = fields.Boolean(
        "Exempt Customers with Open Deals",
        help="Customers with an open opportunity or an approved deal do "
        "not return to the pool automatically.")
    pool_temporary_lock_days = limit_field(
        "Re-claim Lock after Temporary Fall-back",
        "Days during which the previous owner may not claim a customer "
        "that fell back from the temporary library.")
    pool_claimed_lock_days = limit_field(
        "Re-claim Lock after Pool Fall-back",
        "Days during which the previous owner may not claim a customer "
        "that returned because its protection ended.")
    pool_release_lock_days = limit_field(
        "Re-claim Lock after Release",
        "Days during which the owner who released a customer may not claim "
        "it again (so that the protection cannot be renewed by releasing "
        "and claiming).")
    pool_release_reason_required = fields.Boolean(
        "Reason Required on Release")
    pool_private_cap = limit_field(
        "Private Library Cap",
        "The most customers one user may keep in the private library; "
        "users may have their own cap.", unit='customers')
    pool_temporary_cap = limit_field(
        "Temporary Library Cap",
        "The most customers one user may keep in the temporary library; "
        "users may have their own cap.", unit='customers')
    pool_claimed_cap = limit_field(
        "Claimed Customers Cap",
        "The most customers claimed or assigned from the pool one user may "
        "hold while their goal is not met; users may have their own cap.",
        unit='customers')
    pool_daily_claim_cap = limit_field(
        "Daily Claim Cap",
        "The most customers one user may claim from the pool in a day; "
        "users may have their own cap.", unit='customers')
    pool_warn_days = limit_field(
        "Remind Owner (days before return)",
        "The owner is notified this many days before a customer returns "
        "to the pool.")
    pool_escalate_days = limit_field(
        "Remind Manager (days before return)",
        "The owner's manager is notified this many days before a customer "
        "returns to the pool.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        for name in DAY_LIMITS + CAPS:
            field = getattr(cls, name)
            field.domain = ['OR',
                (name, '=', None),
                (name, '>', 0),
                ]
            field.states = _POOL_ON
            setattr(cls, f'default_{name}', classmethod(
                    lambda cls, value=DEFAULTS[name]: value))

    @classmethod
    def default_pool_enabled(cls):
        return False

    @classmethod
    def default_pool_goal_deal(cls):
        return True

    @classmethod
    def default_pool_goal_receipt(cls):
        return True

    @classmethod
    def default_pool_exempt_open_deals(cls):
        return True

    @classmethod
    def default_pool_release_reason_required(cls):
        return True

    @classmethod
    def default_pool_admins(cls):
        return []

    @classmethod
    def default_pool_users(cls):
        return []

    @classmethod
    def _pool_group(cls, name):
        ModelData = Pool().get('ir.model.data')
        return ModelData.get_id('xtools_crm_pool', {
                'pool_admins': 'group_pool_admin',
                'pool_users': 'group_pool_user',
                }[name])

    @classmethod
    def get_pool_members(cls, configurations, name):
        Group = Pool().get('res.group')
        with Transaction().set_user(0), Transaction().set_context(
                _check_access=False):
            group = Group(cls._pool_group(name))
            users = [u.id for u in group.users if u.id]
        return {c.id: users for c in configurations}

    @classmethod
    def set_pool_members(cls, configurations, name, value):
        # Membership is the groups' own: the settings page is where the CRM
        # administrator picks the pool people (公海管理员 / 公海用户).
        Group = Pool().get('res.group')
        with Transaction().set_user(0), Transaction().set_context(
                _check_access=False):
            Group.write([Group(cls._pool_group(name))], {'users': value})

    @classmethod
    def validate_fields(cls, configurations, field_names):
        super().validate_fields(configurations, field_names)
        cls.check_pool_limits(configurations, field_names)

    @classmethod
    def check_pool_limits(cls, configurations, field_names=None):
        names = DAY_LIMITS + CAPS
        if field_names:
            names = [n for n in names if n in field_names]
        for configuration in configurations:
            for name in names:
                check_limit(getattr(configuration, name),
                    cls.__names__(name)['field'],
                    MAX_DAYS if name in DAY_LIMITS else MAX_CAP)
            if field_names and not (
                    field_names & {'pool_warn_days', 'pool_escalate_days'}):
                continue
            warn = configuration.pool_warn_days
            escalate = configuration.pool_escalate_days
            if warn and escalate and escalate > warn:
                raise LimitError(gettext(
                        'xtools_crm_pool.msg_escalate_after_warn',
                        escalate=escalate, warn=warn))

    @classmethod
    def on_write(cls, configurations, values):
        callback = super().on_write(configurations, values)
        if 'pool_enabled' in values:
            was = {c.id: c.pool_enabled for c in configurations}
            now = bool(values['pool_enabled'])
            if any(bool(v) != now for v in was.values()):
                callback.append(lambda: cls._pool_switched(now))
        return callback

    @classmethod
    def on_modification(cls, mode, configurations, field_names=None):
        super().on_modification(
            mode, configurations, field_names=field_names)
        if mode == 'create' and any(c.pool_enabled for c in configurations):
            cls._pool_switched(True)

    @classmethod
    def _pool_switched(cls, enabled):
        pool = Pool()
        Party = pool.get('party.party')
        Rule = pool.get('ir.rule')
        # Who reads which customer depends on the switch (pool readers)
        Rule._domain_get_cache.clear()
        if enabled:
            Party.crm_pool_switched_on()
        else:
            Party.crm_pool_switched_off()
