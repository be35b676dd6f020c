"""Pool people: per-user caps (SPEC P5) and who reads pool customers."""
from sql import Null
from sql.aggregate import Count

from trytond import backend
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .configuration import CAPS, LimitError
from .tools import is_pool_admin, is_pool_user

# res.user field → crm.configuration field holding the company default
USER_CAPS = {
    'crm_pool_private_cap': 'pool_private_cap',
    'crm_pool_temporary_cap': 'pool_temporary_cap',
    'crm_pool_claimed_cap': 'pool_claimed_cap',
    'crm_pool_daily_claim_cap': 'pool_daily_claim_cap',
    }
assert set(USER_CAPS.values()) == set(CAPS)


def _cap_field(string):
    return fields.Integer(
        string, help="Empty: the company's cap in the CRM settings.")


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    crm_pool_private_cap = _cap_field("Private Library Cap")
    crm_pool_temporary_cap = _cap_field("Temporary Library Cap")
    crm_pool_claimed_cap = _cap_field("Claimed Customers Cap")
    crm_pool_daily_claim_cap = _cap_field("Daily Claim Cap")
    crm_pool_private_count = fields.Function(
        fields.Integer("Private Library"), 'get_crm_pool_counts')
    crm_pool_temporary_count = fields.Function(
        fields.Integer("Temporary Library"), 'get_crm_pool_counts')
    crm_pool_claimed_count = fields.Function(
        fields.Integer("Claimed from Pool"), 'get_crm_pool_counts')
    # Bumped by every operation that grows the user's libraries: see
    # tools.lock_users
    crm_pool_serial = fields.Integer("Pool Serial", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        for name in USER_CAPS:
            getattr(cls, name).domain = ['OR',
                (name, '=', None),
                (name, '>', 0),
                ]

    @classmethod
    def copy(cls, users, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('crm_pool_serial', None)
        return super().copy(users, default=default)

    @classmethod
    def validate_fields(cls, users, field_names):
        super().validate_fields(users, field_names)
        names = [n for n in USER_CAPS
            if not field_names or n in field_names]
        for user in users:
            for name in names:
                value = getattr(user, name)
                if value is not None and value <= 0:
                    raise LimitError(gettext(
                            'xtools_crm_pool.msg_limit_not_positive',
                            limit='%s (%s)' % (
                                cls.__names__(name)['field'], user.rec_name),
                            value=value))

    def crm_pool_cap(self, name):
        """The user's cap (configuration field name), else the company's;
        None when there is no cap"""
        Configuration = Pool().get('crm.configuration')
        for user_field, config_field in USER_CAPS.items():
            if config_field == name:
                value = getattr(self, user_field)
                if value is not None:
                    return value
        return getattr(Configuration(1), name)

    @classmethod
    def get_crm_pool_counts(cls, users, name):
        Party = Pool().get('party.party')
        party = Party.__table__()
        library = name[len('crm_pool_'):-len('_count')]
        counts = dict.fromkeys(map(int, users), 0)
        cursor = Transaction().connection.cursor()
        where = party.crm_library == library
        if library == 'claimed':
            where &= party.crm_protection_end != Null
        for sub in grouped_slice(list(counts), backend.MAX_QUERY_PARAMS):
            cursor.execute(*party.select(
                    party.crm_owner, Count(party.id),
                    where=where & party.crm_owner.in_(list(sub)),
                    group_by=[party.crm_owner]))
            counts.update(cursor)
        return counts


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def _get_context(cls, model_name):
        """Pool users read the public pool (公海未分配); pool administrators
        also read the special pool and the customers claimed from the pool
        (公海已分配). The base's customer read rule admits whatever
        crm_read_also holds (a domain), besides the user's hierarchy."""
        context = super()._get_context(model_name)
        libraries = cls._crm_pool_readable_libraries()
        if libraries:
            domain = [('crm_library', 'in', libraries)]
            other = context.get('crm_read_also')
            context['crm_read_also'] = (
                ['OR', other, domain] if other else domain)
        return context

    @classmethod
    def _crm_pool_readable_libraries(cls):
        Configuration = Pool().get('crm.configuration')
        user_id = Transaction().user
        if not user_id:
            return []
        with Transaction().set_user(0), Transaction().set_context(
                _check_access=False):
            try:
                enabled = Configuration(1).pool_enabled
            except KeyError:
                # While the module is being activated
                return []
        if not enabled:
            return []
        if is_pool_admin(user_id):
            return ['public', 'special', 'claimed']
        if is_pool_user(user_id):
            return ['public']
        return []
