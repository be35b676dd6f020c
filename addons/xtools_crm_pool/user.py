"""Pool people (SPEC P1, P5): who is a pool user or administrator, their
caps, and the lock that keeps the caps exact. What they read is in
rules.py."""
from sql import Null
from sql.aggregate import Count
from sql.conditionals import Coalesce

from trytond import backend
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .configuration import CAPS, MAX_CAP, check_limit

# res.user field → crm.configuration field holding the company default
USER_CAPS = {
    'crm_pool_private_cap': 'pool_private_cap',
    'crm_pool_temporary_cap': 'pool_temporary_cap',
    'crm_pool_claimed_cap': 'pool_claimed_cap',
    'crm_pool_daily_claim_cap': 'pool_daily_claim_cap',
    }
assert set(USER_CAPS.values()) == set(CAPS)


def _group_id(fs_id):
    ModelData = Pool().get('ir.model.data')
    try:
        return ModelData.get_id('xtools_crm_pool', fs_id)
    except KeyError:
        # While the module is being activated
        return None


def user_group_ids(user_id):
    "The groups of the user, including those inherited from parent groups"
    User = Pool().get('res.user')
    with Transaction().set_user(user_id):
        return set(User.get_groups())


def is_pool_admin(user_id=None):
    if user_id is None:
        user_id = Transaction().user
    if user_id == 0:
        return True
    return _group_id('group_pool_admin') in user_group_ids(user_id)


def is_pool_user(user_id=None):
    "Pool users claim; pool administrators are pool users too"
    if user_id is None:
        user_id = Transaction().user
    if user_id == 0:
        return True
    groups = user_group_ids(user_id)
    return bool(groups & {
            _group_id('group_pool_user'), _group_id('group_pool_admin')})


def lock_users(user_ids):
    """Serialise every operation that may grow a user's libraries.

    Each such operation bumps a counter on the user's row before counting.
    On PostgreSQL (repeatable read) the second of two concurrent operations
    for the same user waits for the first; when the first commits, the
    second fails with a serialization error and Tryton replays it in a new
    transaction that sees the first one's customers. Its count is then
    exact, so parallel claims can never exceed a cap. SQLite runs one
    writer at a time, so the bump only costs an UPDATE there."""
    User = Pool().get('res.user')
    user = User.__table__()
    cursor = Transaction().connection.cursor()
    # One row at a time, in id order: two operations locking the same users
    # lock them in the same order and cannot deadlock.
    for user_id in sorted({u for u in user_ids if u is not None}):
        cursor.execute(*user.update(
                [user.crm_pool_serial],
                [Coalesce(user.crm_pool_serial, 0) + 1],
                where=user.id == user_id))


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
    # lock_users
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
                check_limit(getattr(user, name), '%s (%s)' % (
                        cls.__names__(name)['field'], user.rec_name),
                    MAX_CAP)

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
