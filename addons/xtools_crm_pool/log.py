"""The pool log (公海操作记录, SPEC P6) and the re-claim locks (P5).

Every pool operation and every automatic move is logged with who, when,
the rule and the facts that triggered it. The facts are kept as data
(dates, limits, days) and put into words when read, in the reader's
language."""
import datetime as dt

from sql import Literal, Null
from sql.aggregate import Count
from sql.conditionals import Case
from sql.operators import Exists, Or

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from xtools_crm_base.access import ButtonAccessMixin
from xtools_crm_base.append_only import AppendOnlyLog

from . import return_rules
from .library import LIBRARY_STATES
from .today import pool_today

OPERATIONS = [
    ('enter', "Entered a Library"),
    ('claim', "Claim"),
    ('assign', "Assign"),
    ('release', "Release"),
    ('extend', "Extend"),
    ('to_pool', "To Pool"),
    ('to_normal', "To Normal"),
    ('transfer', "Transfer"),
    ('maturity', "Maturity Change"),
    ('goal', "Goal Met"),
    ('return', "Automatic Return"),
    ('remind_owner', "Owner Reminded"),
    ('remind_manager', "Manager Reminded"),
    ('pool_on', "Pool Switched On"),
    ('pool_off', "Pool Switched Off"),
    ('unlock', "Lock Lifted"),
    ('merge', "Merged into Another Customer"),
    ]
# Why a customer moved: the manual and library rules, the automatic
# return rules (declared in return_rules.py), the goal and the switch
RULES = [
    (None, ""),
    ('manual', "Manual Operation"),
    ('maturity', "Library by Maturity"),
    *return_rules.selection(),
    ('goal_met', "Goal Met"),
    ('release', "Released"),
    ('pool_switched_off', "Pool Switched Off"),
    ]
# Rules that return a customer automatically, with their re-claim lock
RETURN_RULES = [r.code for r in return_rules.RETURN_RULES]


class PoolLog(AppendOnlyLog):
    "Pool log"
    __name__ = 'crm.pool.log'
    __string__ = "Pool Log"
    _nullable_links = {'customer', 'from_owner', 'to_owner', 'notified'}

    day = fields.Date(
        "Day", required=True, readonly=True,
        help="The company's day of the operation (daily claim caps).")
    customer = fields.Many2One(
        'party.party', "Customer", readonly=True, ondelete='SET NULL')
    customer_name = fields.Char("Customer Name", readonly=True)
    operation = fields.Selection(
        OPERATIONS, "Operation", required=True, readonly=True, sort=False)
    rule = fields.Selection(RULES, "Rule", readonly=True, sort=False)
    from_library = fields.Selection(
        LIBRARY_STATES, "From", readonly=True, sort=False)
    to_library = fields.Selection(
        LIBRARY_STATES, "To", readonly=True, sort=False)
    from_owner = fields.Many2One(
        'res.user', "Previous Owner", readonly=True, ondelete='SET NULL')
    to_owner = fields.Many2One(
        'res.user', "New Owner", readonly=True, ondelete='SET NULL')
    notified = fields.Many2One(
        'res.user', "Notified", readonly=True, ondelete='SET NULL')
    reference_date = fields.Date(
        "Since", readonly=True,
        help="The last follow-up or contact, or the day the customer "
        "entered its library.")
    limit_days = fields.Integer("Limit (days)", readonly=True)
    protection_end = fields.Date("Protection End", readonly=True)
    return_date = fields.Date("Return Date", readonly=True)
    days = fields.Integer("Days", readonly=True)
    reason = fields.Char("Reason", readonly=True)
    facts = fields.Function(fields.Char("Facts"), 'get_facts')
    operation_string = operation.translated('operation')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.customer, Index.Equality())),
                # The daily claim cap counts the user's claims of the day
                Index(t,
                    (t.author, Index.Equality()),
                    (t.day, Index.Range()),
                    where=t.operation == 'claim'),
                })

    def get_rec_name(self, name):
        return '%s: %s' % (self.customer_name or '-', self.operation_string)

    @classmethod
    def get_facts(cls, logs, name):
        Lang = Pool().get('ir.lang')
        lang = Lang.get()

        def date(value):
            return lang.strftime(value) if value else '-'
        libraries = dict(cls.fields_get(['to_library'])['to_library']
            ['selection'])
        return {log.id: log._facts(date, libraries) for log in logs}

    def _facts(self, date, libraries):
        "The facts in the reader's words"
        def get(name):
            # Unsaved entries (simulator, reminders) set only some fields
            return getattr(self, name, None)

        def user(name):
            return get(name).rec_name if get(name) else '-'
        values = {
            'since': date(get('reference_date')),
            'limit': get('limit_days'),
            'end': date(get('protection_end')),
            'return_date': date(get('return_date')),
            'days': get('days'),
            'reason': get('reason') or '',
            'from_owner': user('from_owner'),
            'to_owner': user('to_owner'),
            'notified': user('notified'),
            'library': libraries.get(get('to_library'), ''),
            }
        if self.operation in {'return', 'remind_owner', 'remind_manager'}:
            key = get('rule')
        elif get('rule') == 'pool_switched_off':
            key = 'pool_off_customer'
        else:
            key = self.operation
        message = {
            **{r.code: r.fact for r in return_rules.RETURN_RULES},
            'enter': 'msg_fact_enter',
            'claim': 'msg_fact_claim',
            'assign': 'msg_fact_assign',
            'release': 'msg_fact_release',
            'extend': 'msg_fact_extend',
            'to_pool': 'msg_fact_to_pool',
            'to_normal': 'msg_fact_to_normal',
            'transfer': 'msg_fact_transfer',
            'maturity': 'msg_fact_maturity',
            'goal': 'msg_fact_goal',
            'pool_on': 'msg_fact_pool_on',
            'pool_off': 'msg_fact_pool_off',
            'pool_off_customer': 'msg_fact_pool_off_customer',
            'unlock': 'msg_fact_unlock',
            'merge': 'msg_fact_merge',
            }.get(key)
        if not message:
            return ''
        if (self.operation in {'claim', 'assign'}
                and not get('protection_end')):
            message += '_unprotected'
        elif self.operation == 'enter' and not get('reason'):
            message += '_ungraded'
        text = gettext(f'xtools_crm_pool.{message}', **values)
        if self.operation == 'remind_owner':
            text = gettext(
                'xtools_crm_pool.msg_fact_reminded_owner', facts=text,
                **values)
        elif self.operation == 'remind_manager':
            text = gettext(
                'xtools_crm_pool.msg_fact_reminded_manager', facts=text,
                **values)
        return text

    @classmethod
    def entries(cls, customers, operation, **values):
        "Value dicts for log entries about customers (records)"
        return [{
                'customer': c.id,
                'customer_name': c.rec_name,
                'operation': operation,
                'from_library': c.crm_library,
                'from_owner': c.crm_owner.id if c.crm_owner else None,
                **values,
                } for c in customers]

    @classmethod
    def log(cls, entries):
        today = pool_today()
        for entry in entries:
            entry.setdefault('day', today)
        return super().log(entries)

    @classmethod
    def insert_from(cls, query_columns, query):
        """Append the entries that an SQL query selects, in one INSERT:
        query_columns names the log columns the query's columns fill."""
        log = cls.__table__()
        transaction = Transaction()
        now = dt.datetime.now()
        columns = [getattr(log, c) for c in query_columns] + [
            log.create_uid, log.create_date, log.date, log.author]
        query.columns = tuple(query.columns) + (
            Literal(0).as_('create_uid'), Literal(now).as_('create_date'),
            Literal(now).as_('date'), Literal(transaction.user).as_('author'))
        cursor = transaction.connection.cursor()
        cursor.execute(*log.insert(columns, query))

    @classmethod
    def insert_rows(cls, rows):
        "Append plain value dicts (all with the same keys) in few INSERTs"
        if not rows:
            return
        log = cls.__table__()
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        now = dt.datetime.now()
        names = list(rows[0])
        columns = [getattr(log, n) for n in names] + [
            log.create_uid, log.create_date, log.date, log.author]
        for sub in grouped_slice(rows, backend.MAX_QUERY_PARAMS // (
                    len(columns) + 1)):
            cursor.execute(*log.insert(columns, [
                        [r[n] for n in names] + [
                            0, now, now, transaction.user]
                        for r in sub]))

    @classmethod
    def reminders_sent(cls, customer_ids, today):
        """{(customer id, step, return date)} of the reminders already sent
        about returns still to come"""
        log = cls.__table__()
        cursor = Transaction().connection.cursor()
        sent = set()
        for sub in grouped_slice(customer_ids, backend.MAX_QUERY_PARAMS):
            cursor.execute(*log.select(
                    log.customer, log.operation, log.return_date,
                    where=log.customer.in_(list(sub))
                    & log.operation.in_(['remind_owner', 'remind_manager'])
                    & (log.return_date >= today)))
            for customer, operation, return_date in cursor:
                if isinstance(return_date, str):
                    return_date = dt.date.fromisoformat(return_date)
                sent.add((customer, operation, return_date))
        return sent

    @classmethod
    def claims_today(cls, user_ids, today):
        "Customers each user claimed on the company's day"
        log = cls.__table__()
        cursor = Transaction().connection.cursor()
        counts = dict.fromkeys(user_ids, 0)
        cursor.execute(*log.select(
                log.author, Count(log.id),
                where=log.author.in_(list(user_ids))
                & (log.operation == 'claim')
                & (log.day == today),
                group_by=[log.author]))
        counts.update(cursor)
        return counts


# Lock kinds: the return rules that lock the previous owner out, and a
# release by the owner; each with the configuration field of its days
# (None: for ever)
LOCK_DAYS = {
    **{r.code: r.lock_setting for r in return_rules.RETURN_RULES},
    'release': 'pool_release_lock_days',
    }


class PoolLock(ButtonAccessMixin, ModelSQL, ModelView):
    """Re-claim lock: a user may not claim a customer again, for a time or
    for ever. Read from the pool log (the return or release that gave it;
    a grade that sends the customer to the public pool is its owner's
    release), by the lock days of the settings; lifted by an 'unlock'
    entry."""
    __name__ = 'crm.pool.lock'
    __string__ = "Re-claim Lock"

    user = fields.Many2One('res.user', "User", readonly=True)
    customer = fields.Many2One('party.party', "Customer", readonly=True)
    rule = fields.Selection([
            *return_rules.lock_selection(),
            ('release', "Released"),
            ], "Why", readonly=True, sort=False)
    rule_string = rule.translated('rule')
    since = fields.Date("Since", readonly=True)
    until = fields.Function(fields.Date(
            "Until",
            help="The last day of the lock; empty: the user may never claim "
            "the customer again."),
        'get_until')
    running = fields.Boolean("Running", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('since', 'DESC'), ('id', 'DESC')]
        # The button's group (pool administrators) decides; nobody writes
        # a lock
        cls._button_access.update({'lift': 'read'})
        cls._buttons.update({
                'lift': {
                    'invisible': ~Eval('running', False),
                    'depends': ['running'],
                    },
                })

    @classmethod
    def _lock_days(cls):
        "{kind: days} of the kinds that lock now (None: for ever)"
        Configuration = Pool().get('crm.configuration')
        config = Configuration(1)
        result = {}
        for kind, field in LOCK_DAYS.items():
            if field is None:
                result[kind] = None
            elif getattr(config, field):
                result[kind] = getattr(config, field)
        return result

    @classmethod
    def table_query(cls):
        Log = Pool().get('crm.pool.log')
        log = Log.__table__()
        lift = Log.__table__()
        today = pool_today()
        days = cls._lock_days()
        released = (log.operation == 'release') | (
            (log.operation == 'maturity') & (log.to_library == 'public'))
        kind = Case((released, 'release'), else_=log.rule)
        running = []
        for lock_kind, lock_days in days.items():
            condition = kind == lock_kind
            if lock_days is not None:
                condition &= log.day >= today - dt.timedelta(
                    days=lock_days - 1)
            running.append(condition)
        lifted = lift.select(
            lift.id,
            where=(lift.operation == 'unlock')
            & (lift.customer == log.customer)
            & (lift.from_owner == log.from_owner)
            & (lift.id > log.id))
        active = Or(running) & ~Exists(lifted) if running else Literal(False)
        return log.select(
            log.id.as_('id'),
            log.create_uid.as_('create_uid'),
            log.create_date.as_('create_date'),
            log.write_uid.as_('write_uid'),
            log.write_date.as_('write_date'),
            log.from_owner.as_('user'),
            log.customer.as_('customer'),
            kind.as_('rule'),
            log.day.as_('since'),
            Case((active, Literal(True)), else_=Literal(False)).as_(
                'running'),
            where=(((log.operation == 'return')
                    & log.rule.in_(RETURN_RULES))
                | released)
            & (log.customer != Null)
            & (log.from_owner != Null))

    def get_rec_name(self, name):
        return '%s - %s' % (self.user.rec_name, self.customer.rec_name)

    @classmethod
    def get_until(cls, locks, name):
        days = cls._lock_days()
        result = {}
        for lock in locks:
            lock_days = days.get(lock.rule, 0)
            result[lock.id] = (None if lock_days is None
                else lock.since + dt.timedelta(days=(lock_days or 1) - 1))
        return result

    @classmethod
    def active_locks(cls, user_id, customer_ids, today):
        "{customer id: lock} of the user's locks running today"
        result = {}
        with Transaction().set_user(0), Transaction().set_context(
                _check_access=False, _crm_pool_today=today):
            for sub in grouped_slice(customer_ids, backend.MAX_QUERY_PARAMS):
                for lock in cls.search([
                            ('user', '=', user_id),
                            ('customer', 'in', list(sub)),
                            ('running', '=', True),
                            ]):
                    current = result.get(lock.customer.id)
                    # Keep the longest: never, or the latest end
                    if (current is None or lock.until is None
                            or (current.until is not None
                                and lock.until > current.until)):
                        result[lock.customer.id] = lock
        return result

    @classmethod
    @ModelView.button
    def lift(cls, locks):
        "Lift the locks: the users may claim the customers again (logged)"
        Log = Pool().get('crm.pool.log')
        Log.log([{
                    'customer': l.customer.id,
                    'customer_name': l.customer.rec_name,
                    'operation': 'unlock',
                    'rule': l.rule if l.rule != 'release' else 'release',
                    'from_owner': l.user.id,
                    'reference_date': l.since,
                    } for l in locks if l.running])
