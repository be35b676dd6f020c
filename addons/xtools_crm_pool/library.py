"""Where a customer is kept (客户库, SPEC P2): a normal customer, the
owner's private or temporary library, claimed from the pool, the public
pool (公海) or the special pool (公海特殊库).

The library is stored and only this module changes it: on creation and
on a maturity change by the grade's mapping (here), by the pool operations
(operations.py), the auto-return run (auto_return.py) and the switch
(here): turning the pool off makes every customer a normal customer again.
The caps of the libraries are checked here, for every path that adds a
customer to one.

No path lets an owner around the clocks (SPEC P4, P5): a new grade moves
a customer between the owner's libraries without restarting its
no-contact clock and never ends a running protection; a grade that sends
it to the public pool locks its owner out as a release does (log.py); a
customer kept by the pool stays a customer; transfers (operations.py) and
merges (merge.py) keep the clocks and the re-claim locks."""
from collections import defaultdict

from sql import Literal, Null
from sql.aggregate import Count
from sql.conditionals import Case
from sql.functions import CurrentTimestamp

from trytond.i18n import gettext
from trytond.model import Index, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction

from .customer_updates import forget_customers, update_customers
from .today import pool_today
from .user import lock_users

# Libraries (客户库) of a customer when the pool is in use
OWNED = ('private', 'temporary', 'claimed')
UNOWNED = ('public', 'special')
POOL = ('claimed', 'public', 'special')
LIBRARY_STATES = [
    (None, ""),
    ('normal', "Normal Customer"),
    ('private', "Private Library"),
    ('temporary', "Temporary Library"),
    ('claimed', "Claimed from Pool"),
    ('public', "Public Pool"),
    ('special', "Special Pool"),
    ]

_CUSTOMER = {'invisible': ~Eval('crm_customer_type')}
_IN_POOL = {
    'invisible': ~Eval('crm_library', '').in_(list(POOL)),
    }
# Fields only the pool code writes (through SQL); the ORM refuses them
MANAGED = {
    'crm_library', 'crm_library_date', 'crm_previous_owner',
    'crm_pool_taken', 'crm_protection_end', 'crm_pool_goal',
    }
# Context key of the pool code's own writes
INTERNAL = '_crm_pool_internal'
# Library (configuration field of its cap) per library that has a cap
LIBRARY_CAPS = {
    'private': 'pool_private_cap',
    'temporary': 'pool_temporary_cap',
    'claimed': 'pool_claimed_cap',
    }


class Party(metaclass=PoolMeta):
    "A customer's library, by its maturity grade and the pool operations"
    __name__ = 'party.party'

    crm_maturity = fields.Many2One(
        'crm.maturity', "Maturity", ondelete='RESTRICT',
        states=_CUSTOMER,
        help="How likely the customer is to sign. While the public pool is "
        "in use it decides whether the customer is kept in the owner's "
        "private or temporary library or in the public pool; a customer "
        "recorded without a grade goes to the public pool.")
    crm_library = fields.Selection(
        LIBRARY_STATES, "Library", readonly=True, sort=False,
        states=_CUSTOMER,
        help="Normal customers are outside the pool rules. Private and "
        "temporary library customers, and those claimed from the pool, "
        "return to the pool by the rules of the CRM settings.")
    crm_library_date = fields.Date(
        "In Library Since", readonly=True, states=_CUSTOMER)
    crm_previous_owner = fields.Many2One(
        'res.user', "Previous Owner", readonly=True, ondelete='SET NULL',
        states=_CUSTOMER,
        help="Who owned the customer before it went to the pool.")
    crm_pool_taken = fields.Selection([
            (None, ""),
            ('claim', "Claimed"),
            ('assign', "Assigned"),
            ], "Taken from Pool", readonly=True, states=_IN_POOL)
    crm_protection_end = fields.Date(
        "Protection End", readonly=True, states=_IN_POOL,
        help="If the goal is not met by this day, the customer returns to "
        "the pool. Empty once the goal is met.")
    crm_pool_goal = fields.Selection([
            (None, ""),
            ('pending', "In Progress"),
            ('achieved', "Achieved"),
            ], "Pool Goal", readonly=True, states=_IN_POOL,
        help="An approved deal or a receipt within the protection period "
        "(达成): the customer stays with its owner.")
    crm_pool_logs = fields.One2Many(
        'crm.pool.log', 'customer', "Pool Log", readonly=True,
        states=_CUSTOMER)
    crm_pool_goal_string = crm_pool_goal.translated('crm_pool_goal')
    crm_library_string = crm_library.translated('crm_library')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # A customer in the public or special pool has no owner.
        unowned = Eval('crm_library', '').in_(list(UNOWNED))
        cls.crm_owner.states = {
            **cls.crm_owner.states,
            'required': Bool(Eval('crm_customer_type')) & ~unowned,
            'readonly': unowned,
            }
        # A customer rule column: the public pool's arm tests it
        cls._crm_rule_columns.add('crm_library')
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.crm_maturity, Index.Equality())),
                Index(t,
                    (t.crm_library, Index.Equality()),
                    (t.crm_owner, Index.Equality())),
                })

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        # Customers recorded before the module was activated are normal
        # customers.
        cursor.execute(*table.update(
                [table.crm_library], ['normal'],
                where=(table.crm_customer_type != Null)
                & (table.crm_library == Null)))

    @classmethod
    def copy(cls, parties, default=None):
        default = default.copy() if default is not None else {}
        for name in MANAGED | {'crm_pool_logs'}:
            default.setdefault(name, None)
        return super().copy(parties, default=default)

    @classmethod
    def default_crm_library(cls):
        # Shown on a new customer; the library is decided when it is saved
        if Transaction().context.get('crm_customer_type'):
            return cls._crm_initial_library(None)

    @classmethod
    def _crm_pool_enabled(cls):
        Configuration = Pool().get('crm.configuration')
        return bool(Configuration(1).pool_enabled)

    @classmethod
    def _crm_library_of_grade(cls, maturity):
        "The library a grade sends a customer to; no grade: the public pool"
        Maturity = Pool().get('crm.maturity')
        if maturity is not None and not isinstance(maturity, Maturity):
            maturity = Maturity(maturity)
        return maturity.library if maturity else 'public'

    @fields.depends('crm_customer_type', 'crm_maturity', 'crm_library')
    def on_change_crm_maturity(self):
        # Show where a new customer will go before it is saved.
        if (self.crm_customer_type and self.id is not None and self.id < 0
                and self._crm_pool_enabled()):
            self.crm_library = self._crm_library_of_grade(self.crm_maturity)

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if Transaction().context.get(INTERNAL):
            return values
        if mode == 'create':
            for name in MANAGED:
                values.pop(name, None)
            if values.get('crm_customer_type'):
                values['crm_library'] = cls._crm_initial_library(
                    values.get('crm_maturity'))
                values['crm_library_date'] = pool_today()
        return values

    @classmethod
    def _crm_initial_library(cls, maturity):
        if not cls._crm_pool_enabled():
            return 'normal'
        return cls._crm_library_of_grade(maturity)

    @classmethod
    def check_modification(cls, mode, parties, values=None, external=False):
        super().check_modification(
            mode, parties, values=values, external=external)
        if mode != 'write' or Transaction().context.get(INTERNAL):
            return
        managed = set(values) & MANAGED
        if managed:
            raise AccessError(gettext(
                    'xtools_crm_pool.msg_pool_field_managed',
                    field=cls.__names__(sorted(managed)[0])['field']))
        if ('crm_customer_type' in values
                and not values['crm_customer_type']):
            for party in parties:
                # Removed and set again, it would be placed as a new
                # customer: a fresh clock, no protection.
                if party.crm_library not in {None, 'normal'}:
                    raise AccessError(gettext(
                            'xtools_crm_pool.msg_pool_customer_type',
                            party=party.rec_name,
                            library=party.crm_library_string))
        if values.get('crm_owner'):
            for party in parties:
                if party.crm_library in UNOWNED:
                    raise AccessError(gettext(
                            'xtools_crm_pool.msg_pool_owner_by_claim',
                            customer=party.rec_name,
                            library=party.crm_library_string))

    @classmethod
    def on_modification(cls, mode, parties, field_names=None):
        super().on_modification(mode, parties, field_names=field_names)
        if Transaction().context.get(INTERNAL):
            return
        if mode == 'create':
            cls._crm_pool_placed(parties)
        elif mode == 'write':
            field_names = field_names or set()
            if 'crm_customer_type' in field_names:
                cls._crm_customer_type_changed(parties)
            if 'crm_maturity' in field_names:
                cls._crm_pool_follow_maturity(parties)
            if 'crm_owner' in field_names:
                cls._crm_pool_owner_changed(parties)

    @classmethod
    def _crm_pool_placed(cls, parties):
        """New customers: those sent to the public pool by their grade lose
        their owner (the creator is kept as previous owner); those in a
        library count against their owner's cap."""
        Log = Pool().get('crm.pool.log')
        if not any(p.crm_library not in {None, 'normal'} for p in parties):
            return
        entries = []
        unowned = [p for p in parties if p.crm_library in UNOWNED]
        owned = [p for p in parties if p.crm_library in OWNED]
        for party in unowned + owned:
            entries.append({
                    'customer': party.id,
                    'customer_name': party.rec_name,
                    'operation': 'enter',
                    'rule': 'maturity',
                    'to_library': party.crm_library,
                    'to_owner': (
                        party.crm_owner.id if party.crm_library in OWNED
                        and party.crm_owner else None),
                    'from_owner': (
                        party.crm_owner.id if party.crm_library in UNOWNED
                        and party.crm_owner else None),
                    'reason': (
                        party.crm_maturity.rec_name if party.crm_maturity
                        else None),
                    })
        if unowned:
            update_customers([p.id for p in unowned], lambda t: {
                    'crm_previous_owner': t.crm_owner,
                    'crm_owner': Null,
                    })
        if owned:
            cls._crm_pool_check_caps(cls._crm_pool_counts(owned))
        Log.log(entries)

    @classmethod
    def _crm_customer_type_changed(cls, parties):
        "A party that becomes a customer is placed as a new one"
        new = [p for p in parties
            if p.crm_customer_type and not p.crm_library]
        if new:
            today = pool_today()
            by_library = defaultdict(list)
            for party in new:
                by_library[cls._crm_initial_library(party.crm_maturity)
                    ].append(party.id)
            for library, ids in by_library.items():
                update_customers(ids, {
                        'crm_library': library,
                        'crm_library_date': today,
                        })
            cls._crm_pool_placed(cls.browse([p.id for p in new]))
        gone = [p.id for p in parties
            if not p.crm_customer_type and p.crm_library]
        if gone:
            update_customers(gone, {name: None for name in MANAGED})

    @classmethod
    def _crm_pool_follow_maturity(cls, parties):
        """A new grade moves an owned customer to the grade's library
        (within the caps), keeping the day its clock started; a public
        grade releases a library customer to the pool. Normal customers,
        and customers already in the pool, stay where they are; a claimed
        customer stays claimed on a public grade, and on any grade while
        its protection runs."""
        pool = Pool()
        Log = pool.get('crm.pool.log')
        if not cls._crm_pool_enabled():
            return
        moves = defaultdict(list)
        releases = []
        for party in parties:
            if party.crm_library not in OWNED or not party.crm_owner:
                continue
            if party.crm_library == 'claimed' and party.crm_protection_end:
                continue
            target = cls._crm_library_of_grade(party.crm_maturity)
            if target == party.crm_library:
                continue
            if target == 'public':
                if party.crm_library != 'claimed':
                    releases.append(party)
            else:
                moves[target].append(party)
        today = pool_today()
        adding = defaultdict(int)
        for target, customers in moves.items():
            for customer in customers:
                adding[(customer.crm_owner.id, target)] += 1
        if adding:
            # Checked before the move: a refusal leaves them where they were
            cls._crm_pool_check_caps(adding)
        entries = []
        for target, customers in moves.items():
            entries += [{
                    **entry,
                    'rule': 'maturity',
                    'to_library': target,
                    'to_owner': customer.crm_owner.id,
                    'reason': customer.crm_maturity.rec_name,
                    } for entry, customer in zip(
                    Log.entries(customers, 'maturity'), customers)]
            update_customers([c.id for c in customers], lambda t: {
                    'crm_library': target,
                    # Between the owner's libraries the no-contact clock
                    # runs on; from the pool (goal met, no clock) it starts
                    'crm_library_date': Case(
                        (t.crm_library == 'claimed', today),
                        else_=t.crm_library_date),
                    'crm_pool_taken': None,
                    'crm_protection_end': None,
                    'crm_pool_goal': None,
                    })
        if releases:
            entries += [{
                    **entry,
                    'rule': 'maturity',
                    'to_library': 'public',
                    'reason': (customer.crm_maturity.rec_name
                        if customer.crm_maturity else None),
                    } for entry, customer in zip(
                    Log.entries(releases, 'maturity'), releases)]
            cls._crm_pool_make_unowned(releases, 'public')
        Log.log(entries)

    @classmethod
    def _crm_pool_owner_changed(cls, parties):
        "A library customer given to another user counts against their cap"
        owned = [p for p in parties
            if p.crm_library in OWNED and p.crm_owner]
        if owned:
            cls._crm_pool_check_caps(cls._crm_pool_counts(owned))

    @classmethod
    def _crm_pool_make_unowned(cls, customers, library):
        "Put owned customers in the public or special pool"
        today = pool_today()
        update_customers([c.id for c in customers], lambda t: {
                'crm_previous_owner': t.crm_owner,
                'crm_owner': Null,
                'crm_library': library,
                'crm_library_date': today,
                'crm_pool_taken': None,
                'crm_protection_end': None,
                'crm_pool_goal': None,
                'crm_hot': False,
                })

    @staticmethod
    def _crm_pool_counts(customers):
        "{(owner id, library): 0} of owned customers: what to check"
        return {(c.crm_owner.id, c.crm_library): 0
            for c in customers if c.crm_owner and c.crm_library in OWNED}

    @classmethod
    def _crm_pool_check_caps(cls, adding):
        """adding: {(user id, library): how many customers are about to be
        added}. Locks the users (see user.lock_users) and refuses when a
        user would hold more customers in a library than the cap."""
        pool = Pool()
        User = pool.get('res.user')
        adding = {k: n for k, n in adding.items() if k[1] in LIBRARY_CAPS}
        if not adding:
            return
        lock_users({u for u, _ in adding})
        counts = cls._crm_pool_owned_counts({u for u, _ in adding})
        for (user_id, library), n in sorted(adding.items()):
            user = User(user_id)
            cap = user.crm_pool_cap(LIBRARY_CAPS[library])
            count = counts.get((user_id, library), 0) + n
            if cap is not None and count > cap:
                raise AccessError(gettext(
                        f'xtools_crm_pool.msg_cap_{library}',
                        user=user.rec_name, count=count, cap=cap,
                        adding=n))

    @classmethod
    def _crm_pool_owned_counts(cls, user_ids):
        """{(user id, library): count} of the users' private and temporary
        customers and of their claimed customers whose goal is not met"""
        party = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*party.select(
                party.crm_owner, party.crm_library, Count(party.id),
                where=party.crm_owner.in_(list(user_ids))
                & party.crm_library.in_(list(OWNED))
                & ((party.crm_library != 'claimed')
                    | (party.crm_pool_goal != 'achieved')
                    | (party.crm_pool_goal == Null)),
                group_by=[party.crm_owner, party.crm_library]))
        return {(u, l): n for u, l, n in cursor}

    # -- the switch ---------------------------------------------------------

    @classmethod
    def crm_pool_switched_on(cls):
        Pool().get('crm.pool.log').log([{'operation': 'pool_on'}])

    @classmethod
    def crm_pool_switched_off(cls):
        """Every customer becomes a normal customer again, in set-based
        SQL. Unowned ones go back to their previous owner if still active,
        otherwise to the user who switched the pool off."""
        pool = Pool()
        Log = pool.get('crm.pool.log')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        party = cls.__table__()
        user = User.__table__()
        cursor = Transaction().connection.cursor()
        today = pool_today()
        fallback = Transaction().user or ModelData.get_id('res', 'user_admin')
        owner = Case(
            (party.crm_owner != Null, party.crm_owner),
            (party.crm_previous_owner.in_(user.select(
                        user.id, where=user.active == Literal(True))),
                party.crm_previous_owner),
            else_=fallback)
        where = (party.crm_library != Null) & (party.crm_library != 'normal')
        Log.insert_from([
                'customer', 'customer_name', 'operation', 'rule',
                'from_library', 'to_library', 'from_owner', 'to_owner',
                'day',
                ], party.select(
                party.id, party.name, Literal('to_normal'),
                Literal('pool_switched_off'), party.crm_library,
                Literal('normal'), party.crm_owner, owner, Literal(today),
                where=where))
        cursor.execute(*party.update([
                    party.crm_owner, party.crm_library,
                    party.crm_pool_taken, party.crm_protection_end,
                    party.crm_pool_goal,
                    party.write_uid, party.write_date,
                    ], [
                    owner, 'normal', Null, Null, Null,
                    Transaction().user, CurrentTimestamp(),
                    ],
                where=where))
        forget_customers()
        Log.log([{'operation': 'pool_off'}])
