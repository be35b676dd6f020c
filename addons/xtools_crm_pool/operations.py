"""Pool operations (SPEC P3): claim (领取), assign (分配), release (释放),
extend (延期), to pool (转公海), to normal (转普通), transfer (转移) — on
one customer or a list; each checks the switch, the user's role, the caps
and the re-claim locks, and says exactly why it refuses."""
import datetime as dt

from sql import Null
from sql.functions import CurrentTimestamp

from trytond import backend
from trytond.i18n import gettext
from trytond.model.exceptions import AccessError
from trytond.exceptions import UserError
from trytond.pool import Pool, PoolMeta
from trytond.rpc import RPC
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from xtools_crm_base.access import check_rights, readable_ids

from .configuration import MAX_DAYS
from .customer_updates import forget_customers, rowcount, update_customers
from .exceptions import ClaimError, PoolDisabledError
from .library import OWNED, UNOWNED
from .today import format_date, pool_today
from .user import is_pool_admin, is_pool_user

# How a re-claim lock refuses, by operation: the error and its messages
# (locked for ever, locked until a day)
LOCK_REFUSALS = {
    'take': (ClaimError,
        'xtools_crm_pool.msg_locked_forever',
        'xtools_crm_pool.msg_locked_until'),
    'transfer': (AccessError,
        'xtools_crm_pool.msg_transfer_locked_forever',
        'xtools_crm_pool.msg_transfer_locked_until'),
    }


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__rpc__.update({
                'crm_pool_claim': RPC(readonly=False, instantiate=0),
                'crm_pool_assign': RPC(readonly=False, instantiate=0),
                'crm_pool_release': RPC(readonly=False, instantiate=0),
                'crm_pool_extend': RPC(readonly=False, instantiate=0),
                'crm_pool_to_pool': RPC(readonly=False, instantiate=0),
                'crm_pool_to_normal': RPC(readonly=False, instantiate=0),
                })

    # -- checks ------------------------------------------------------------

    @classmethod
    def _crm_pool_check_enabled(cls):
        if not cls._crm_pool_enabled():
            raise PoolDisabledError(gettext('xtools_crm_pool.msg_pool_disabled'))

    @classmethod
    def _crm_pool_check_admin(cls, operation):
        User = Pool().get('res.user')
        if not is_pool_admin():
            raise AccessError(gettext(
                    'xtools_crm_pool.msg_not_pool_admin',
                    user=User(Transaction().user).rec_name,
                    operation=operation))

    @classmethod
    def _crm_pool_operation_name(cls, operation):
        Log = Pool().get('crm.pool.log')
        return dict(Log.fields_get(['operation'])['operation']['selection']
            ).get(operation, operation)

    @classmethod
    def _crm_pool_browse(cls, customers):
        """The customers as root, freshly read: a pool user may not see why
        a customer cannot be claimed (it was just claimed by someone else),
        yet must be told."""
        with Transaction().set_user(0), Transaction().set_context(
                _check_access=False, active_test=False):
            forget_customers([int(c) for c in customers])
            return cls.browse(sorted({int(c) for c in customers}))

    @classmethod
    def _crm_pool_check_takeable(
            cls, customers, user, libraries, today, visible):
        """The customers can go to user now: in the pool, not locked for
        them. visible: the ids of those the user may read."""
        for customer in customers:
            if (customer.crm_library == 'claimed' and customer.crm_owner
                    and (customer.id in visible
                        or cls._crm_pool_left_today(customer, today))):
                # Taken from the pool, maybe by a colleague a moment ago:
                # who took it is what the pool showed, and all that is said.
                raise ClaimError(gettext(
                        'xtools_crm_pool.msg_taken',
                        customer=customer.rec_name,
                        owner=customer.crm_owner.rec_name,
                        date=format_date(customer.crm_library_date)))
            if customer.id not in visible and customer.crm_owner:
                # Owned and out of the user's sight: nothing more is said
                raise ClaimError(gettext(
                        'xtools_crm_pool.msg_take_not_visible',
                        id=customer.id))
            if not customer.crm_customer_type:
                raise ClaimError(gettext(
                        'xtools_crm_pool.msg_not_a_customer',
                        party=customer.rec_name))
            if customer.crm_library in libraries and not customer.crm_owner:
                continue
            if customer.crm_owner:
                raise ClaimError(gettext(
                        'xtools_crm_pool.msg_take_owned',
                        customer=customer.rec_name,
                        owner=customer.crm_owner.rec_name,
                        library=customer.crm_library_string))
            if customer.crm_library == 'special':
                raise ClaimError(gettext(
                        'xtools_crm_pool.msg_claim_special',
                        customer=customer.rec_name))
            raise ClaimError(gettext(
                    'xtools_crm_pool.msg_take_not_in_pool',
                    customer=customer.rec_name,
                    library=customer.crm_library_string or '-'))
        cls._crm_pool_check_unlocked(customers, user, today, 'take')

    @staticmethod
    def _crm_pool_lock_values(lock, customer, user):
        "The words of a refusal by a re-claim lock"
        return {
            'customer': customer.rec_name,
            'user': user.rec_name,
            'since': format_date(lock.since),
            'until': format_date(lock.until),
            'why': lock.rule_string,
            }

    @staticmethod
    def _crm_pool_left_today(customer, today):
        """The customer was in the public pool until today: whoever looked
        at the pool may be told who took it"""
        return (customer.crm_library_date == today
            and customer.crm_pool_taken in {'claim', 'assign'})

    @classmethod
    def _crm_pool_visible(cls, customers):
        """The ids of the customers the calling user may read, whatever the
        path (RPC, wizard): what is not among them is never named"""
        user_id = Transaction().user
        ids = [int(c) for c in customers]
        if not user_id:
            return set(ids)
        return readable_ids(user_id, cls.__name__, ids)

    @classmethod
    def _crm_pool_check_visible(cls, customers):
        "Refuse, by id only, the customers the calling user may not read"
        visible = cls._crm_pool_visible(customers)
        for customer in customers:
            if int(customer) not in visible:
                raise AccessError(gettext(
                        'xtools_crm_pool.msg_not_visible', id=int(customer)))

    @classmethod
    def _crm_pool_check_daily(cls, user, adding, today):
        Log = Pool().get('crm.pool.log')
        cap = user.crm_pool_cap('pool_daily_claim_cap')
        if cap is None:
            return
        count = Log.claims_today([user.id], today)[user.id]
        if count + adding > cap:
            raise ClaimError(gettext(
                    'xtools_crm_pool.msg_cap_daily',
                    user=user.rec_name, count=count, cap=cap, adding=adding))

    @classmethod
    def _crm_pool_user(cls, user):
        User = Pool().get('res.user')
        if user is None:
            return None
        with Transaction().set_context(active_test=False):
            return User(int(user))

    # -- claim and assign ----------------------------------------------------

    @classmethod
    def crm_pool_claim(cls, customers):
        "领取: the current user takes customers from the public pool"
        User = Pool().get('res.user')
        cls._crm_pool_check_enabled()
        user = User(Transaction().user)
        if not is_pool_user(user.id):
            raise AccessError(gettext(
                    'xtools_crm_pool.msg_not_pool_user',
                    user=user.rec_name))
        customers = cls._crm_pool_browse(customers)
        if not customers:
            return
        today = pool_today()
        visible = cls._crm_pool_visible(customers)
        with without_check_access():
            cls._crm_pool_check_takeable(
                customers, user, {'public'}, today, visible)
            # Locks the user first: the counts are then exact (user.lock_users)
            cls._crm_pool_check_caps({(user.id, 'claimed'): len(customers)})
            cls._crm_pool_check_daily(user, len(customers), today)
        cls._crm_pool_take(customers, user, 'claim', {'public'}, today)

    @classmethod
    def crm_pool_assign(cls, customers, user):
        "分配: a pool administrator gives pool customers to a pool user"
        cls._crm_pool_check_enabled()
        cls._crm_pool_check_admin(cls._crm_pool_operation_name('assign'))
        user = cls._crm_pool_user(user)
        if not user or not user.active or not is_pool_user(user.id):
            raise AccessError(gettext(
                    'xtools_crm_pool.msg_assign_not_pool_user',
                    user=user.rec_name if user else '-'))
        customers = cls._crm_pool_browse(customers)
        if not customers:
            return
        today = pool_today()
        visible = cls._crm_pool_visible(customers)
        with without_check_access():
            cls._crm_pool_check_takeable(
                customers, user, {'public', 'special'}, today, visible)
            cls._crm_pool_check_caps({(user.id, 'claimed'): len(customers)})
        cls._crm_pool_take(
            customers, user, 'assign', {'public', 'special'}, today)

    @classmethod
    def _crm_pool_protection_end(cls, today):
        "The last protected day of a customer taken today; None: no limit"
        Configuration = Pool().get('crm.configuration')
        days = Configuration(1).pool_protection_days
        if days:
            return today + dt.timedelta(days=days - 1)

    @classmethod
    def _crm_pool_take(cls, customers, user, how, libraries, today):
        """One conditional UPDATE: only customers still unowned in the pool
        change hands. On PostgreSQL a concurrent claim of the same customer
        makes this transaction fail and Tryton replays it, which then finds
        the customer taken and says by whom."""
        pool = Pool()
        Log = pool.get('crm.pool.log')
        party = cls.__table__()
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        end = cls._crm_pool_protection_end(today)
        ids = [c.id for c in customers]
        entries = [{
                **entry,
                'rule': 'manual',
                'to_library': 'claimed',
                'to_owner': user.id,
                'from_owner': (
                    c.crm_previous_owner.id if c.crm_previous_owner
                    else None),
                'protection_end': end,
                'limit_days': (end - today).days + 1 if end else None,
                } for entry, c in zip(Log.entries(customers, how), customers)]
        done = 0
        for sub_ids in grouped_slice(ids, backend.MAX_QUERY_PARAMS):
            sub_ids = list(sub_ids)
            cursor.execute(*party.update([
                        party.crm_owner, party.crm_library,
                        party.crm_library_date, party.crm_pool_taken,
                        party.crm_protection_end, party.crm_pool_goal,
                        party.write_uid, party.write_date,
                        ], [
                        user.id, 'claimed', today, how, end,
                        'pending' if end else None,
                        transaction.user, CurrentTimestamp(),
                        ],
                    where=party.id.in_(sub_ids)
                    & party.crm_library.in_(list(libraries))
                    & (party.crm_owner == Null)))
            count = rowcount(cursor)
            done += len(sub_ids) if count is None else count
        forget_customers(ids)
        if done != len(ids):
            taken = [c for c in cls._crm_pool_browse(ids)
                if c.crm_owner != user]
            raise ClaimError(gettext(
                    'xtools_crm_pool.msg_taken',
                    customer=taken[0].rec_name if taken else '-',
                    owner=(taken[0].crm_owner.rec_name
                        if taken and taken[0].crm_owner else '-'),
                    date=format_date(today)))
        Log.log(entries)
        with Transaction().set_user(0), without_check_access():
            # Open tasks and coming schedules go with the customer
            cls._crm_transfer_related(cls.browse(ids), user)

    # -- release, extend ----------------------------------------------------

    @classmethod
    def crm_pool_release(cls, customers, reason=None, destination='public'):
        """释放: the owner (or a pool administrator) gives library or claimed
        customers back to the public pool, or to the special pool for junk"""
        pool = Pool()
        Log = pool.get('crm.pool.log')
        Configuration = pool.get('crm.configuration')
        User = pool.get('res.user')
        cls._crm_pool_check_enabled()
        config = Configuration(1)
        reason = (reason or '').strip()
        if destination not in UNOWNED:
            raise UserError(gettext(
                    'xtools_crm_pool.msg_bad_destination',
                    destination=destination))
        if config.pool_release_reason_required and not reason:
            raise UserError(gettext(
                    'xtools_crm_pool.msg_release_reason_required'))
        user = User(Transaction().user)
        admin = is_pool_admin(user.id)
        cls._crm_pool_check_visible(customers)
        customers = cls._crm_pool_browse(customers)
        for customer in customers:
            if customer.crm_library not in OWNED:
                raise UserError(gettext(
                        'xtools_crm_pool.msg_release_not_in_library',
                        customer=customer.rec_name,
                        library=customer.crm_library_string or '-'))
            if customer.crm_owner != user and not admin:
                raise AccessError(gettext(
                        'xtools_crm_pool.msg_release_not_owner',
                        customer=customer.rec_name,
                        owner=customer.crm_owner.rec_name))
        if not customers:
            return
        entries = [{
                **entry,
                'rule': 'manual',
                'to_library': destination,
                'reason': reason or None,
                } for entry in Log.entries(customers, 'release')]
        with without_check_access():
            # The release entry locks the owner out if the settings say so
            cls._crm_pool_make_unowned(customers, destination)
        Log.log(entries)

    @classmethod
    def crm_pool_extend(cls, customers, days):
        """延期: a pool administrator adds whole days to the protection of
        claimed or assigned customers"""
        Log = Pool().get('crm.pool.log')
        cls._crm_pool_check_enabled()
        cls._crm_pool_check_admin(cls._crm_pool_operation_name('extend'))
        if (not isinstance(days, int) or isinstance(days, bool)
                or not 0 < days <= MAX_DAYS):
            raise UserError(gettext(
                    'xtools_crm_pool.msg_extend_days',
                    days=days, max=MAX_DAYS))
        cls._crm_pool_check_visible(customers)
        customers = cls._crm_pool_browse(customers)
        for customer in customers:
            if (customer.crm_library != 'claimed'
                    or not customer.crm_protection_end):
                raise UserError(gettext(
                        'xtools_crm_pool.msg_extend_no_protection',
                        customer=customer.rec_name,
                        state=(customer.crm_pool_goal_string
                            if customer.crm_library == 'claimed'
                            else customer.crm_library_string) or '-'))
        entries = []
        by_end = {}
        for entry, customer in zip(
                Log.entries(customers, 'extend'), customers):
            end = customer.crm_protection_end + dt.timedelta(days=days)
            by_end.setdefault(end, []).append(customer.id)
            entries.append({
                    **entry,
                    'rule': 'manual',
                    'to_library': 'claimed',
                    'to_owner': customer.crm_owner.id,
                    'reference_date': customer.crm_protection_end,
                    'protection_end': end,
                    'days': days,
                    })
        for end, ids in by_end.items():
            update_customers(ids, {'crm_protection_end': end})
        Log.log(entries)

    # -- to pool, to normal ---------------------------------------------------

    @classmethod
    def crm_pool_to_pool(cls, customers, destination='public', reason=None):
        """转公海: a pool administrator moves customers to the public pool,
        the special pool, or (destination 'maturity') to the library their
        grade maps to"""
        Log = Pool().get('crm.pool.log')
        cls._crm_pool_check_enabled()
        cls._crm_pool_check_admin(cls._crm_pool_operation_name('to_pool'))
        if destination not in {'public', 'special', 'maturity'}:
            raise UserError(gettext(
                    'xtools_crm_pool.msg_bad_destination',
                    destination=destination))
        reason = (reason or '').strip() or None
        ids = sorted({int(c) for c in customers})
        cls._crm_pool_check_visible(ids)
        # Customers out of the pool are moved by those who may change them
        outside = [c.id for c in cls._crm_pool_browse(ids)
            if c.crm_library not in {'claimed', 'public', 'special'}]
        check_rights(cls, outside, 'write', operation='to_pool')
        customers = cls._crm_pool_browse(ids)
        for customer in customers:
            if not customer.crm_customer_type:
                raise UserError(gettext(
                        'xtools_crm_pool.msg_not_a_customer',
                        party=customer.rec_name))
        today = pool_today()
        unowned, libraries = {}, {}
        for customer in customers:
            target = destination
            if destination == 'maturity':
                target = cls._crm_library_of_grade(customer.crm_maturity)
                if customer.crm_library in UNOWNED:
                    target = customer.crm_library
            if target in UNOWNED:
                if customer.crm_library != target:
                    unowned.setdefault(target, []).append(customer)
            elif customer.crm_library != target:
                libraries.setdefault(target, []).append(customer)
        entries = []
        with without_check_access():
            for target, moved in unowned.items():
                entries += [{
                        **entry,
                        'rule': 'manual',
                        'to_library': target,
                        'reason': reason,
                        } for entry in Log.entries(moved, 'to_pool')]
                with_owner = [c for c in moved if c.crm_owner]
                if with_owner:
                    cls._crm_pool_make_unowned(with_owner, target)
                others = [c.id for c in moved if not c.crm_owner]
                update_customers(others, {
                        'crm_library': target,
                        'crm_library_date': today,
                        })
            for target, moved in libraries.items():
                entries += [{
                        **entry,
                        'rule': 'maturity',
                        'to_library': target,
                        'to_owner': c.crm_owner.id,
                        'reason': reason or (
                            c.crm_maturity.rec_name if c.crm_maturity
                            else None),
                        } for entry, c in zip(
                        Log.entries(moved, 'to_pool'), moved)]
                update_customers([c.id for c in moved], {
                        'crm_library': target,
                        'crm_library_date': today,
                        'crm_pool_taken': None,
                        'crm_protection_end': None,
                        'crm_pool_goal': None,
                        })
            if libraries:
                cls._crm_pool_check_caps(cls._crm_pool_counts(cls.browse(
                            [c.id for cs in libraries.values() for c in cs])))
        Log.log(entries)

    @classmethod
    def crm_pool_to_normal(cls, customers, owner=None):
        """转普通: a pool administrator makes customers normal customers again,
        outside the pool rules; those without an owner get owner"""
        Log = Pool().get('crm.pool.log')
        cls._crm_pool_check_enabled()
        cls._crm_pool_check_admin(cls._crm_pool_operation_name('to_normal'))
        owner = cls._crm_pool_user(owner)
        cls._crm_pool_check_visible(customers)
        customers = [c for c in cls._crm_pool_browse(customers)
            if c.crm_library not in {None, 'normal'}]
        unowned = [c for c in customers if not c.crm_owner]
        if unowned and (not owner or not owner.active):
            raise UserError(gettext(
                    'xtools_crm_pool.msg_to_normal_owner',
                    customer=unowned[0].rec_name, count=len(unowned)))
        entries = [{
                **entry,
                'rule': 'manual',
                'to_library': 'normal',
                'to_owner': c.crm_owner.id if c.crm_owner else owner.id,
                } for entry, c in zip(
                Log.entries(customers, 'to_normal'), customers)]
        values = {
            'crm_library': 'normal',
            'crm_pool_taken': None,
            'crm_protection_end': None,
            'crm_pool_goal': None,
            'crm_library_date': pool_today(),
            }
        update_customers([c.id for c in customers if c.crm_owner], values)
        if unowned:
            update_customers(
                [c.id for c in unowned], {**values, 'crm_owner': owner.id})
            with Transaction().set_user(0), without_check_access():
                cls._crm_transfer_related(
                    cls.browse([c.id for c in unowned]), owner)
        Log.log(entries)

    # -- transfer -------------------------------------------------------------

    @classmethod
    def crm_transfer(cls, customers, new_owner, reason=None):
        """Pool customers are not transferred (they are claimed or
        assigned); library customers are, within the new owner's caps and
        never to a user locked out of them, and the move is in the pool log
        too. Their clock restarts; a protection runs on."""
        Log = Pool().get('crm.pool.log')
        # The rights first: nothing is said of a customer out of reach
        check_rights(cls, customers, 'delete', operation='transfer')
        for customer in customers:
            if customer.crm_library in UNOWNED:
                raise AccessError(gettext(
                        'xtools_crm_pool.msg_transfer_pool_customer',
                        customer=customer.rec_name,
                        library=customer.crm_library_string))
        moved = [c for c in customers
            if c.crm_library in OWNED and c.crm_owner != new_owner]
        cls._crm_pool_check_unlocked(
            moved, new_owner, pool_today(), 'transfer')
        entries = [{
                **entry,
                'rule': 'manual',
                'to_library': c.crm_library,
                'to_owner': new_owner.id,
                'reason': reason,
                } for entry, c in zip(Log.entries(moved, 'transfer'), moved)]
        super().crm_transfer(customers, new_owner, reason=reason)
        restart = [c.id for c in moved if c.crm_library != 'claimed']
        update_customers(restart, {'crm_library_date': pool_today()})
        Log.log(entries)

    @classmethod
    def _crm_pool_check_unlocked(cls, customers, user, today, operation):
        """Refuse to give user customers they may not claim again: a
        re-claim lock holds whoever hands the customer over (claim, assign
        or transfer). operation: a key of LOCK_REFUSALS"""
        Lock = Pool().get('crm.pool.lock')
        error, forever, until = LOCK_REFUSALS[operation]
        locks = Lock.active_locks(user.id, [c.id for c in customers], today)
        for customer in customers:
            lock = locks.get(customer.id)
            if lock:
                raise error(gettext(
                        forever if lock.until is None else until,
                        **cls._crm_pool_lock_values(lock, customer, user)))
