"""Auto-return (自动回收, SPEC P4) as set-based SQL.

One selection, built from the settings and the declared rules
(return_rules.py), serves everything: the daily run, the rule simulator,
the "returns on" date of a customer and the list of customers about to
return. So the simulator shows exactly what the run does. The run is
idempotent: what it changed no longer matches.

Day limits (company day, see today.pool_today), by the rule's clock:
- PROTECTION (claimed or assigned): protected through crm_protection_end,
  returned the next day unless the goal was met;
- NO_CONTACT (temporary / private library): returned on the day the last
  follow-up or contact (or the day it entered the library, if later) is
  as many days old as the limit of its grade, else of its rule.

Each rule's condition is an OR of one arm per grade, every arm "this
library, this grade, (day) before this day" on an index of the customers
(library, day): the "returning soon" list and the run read the few
customers near their return instead of computing every library
customer's date (bench/README.md, bench_views.py).
"""
import datetime as dt

from sql import Literal, Null
from sql.conditionals import Case
from sql.functions import CurrentTimestamp
from sql.operators import Or

from trytond import backend
from trytond.model import Index
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from xtools_crm_base.rules import OWNED_ONLY

from .customer_updates import forget_customers
from .return_rules import (
    BY_CODE, LIMITS, NO_CONTACT, PROTECTION, RETURN_RULES)
from .today import pool_today

FAR = dt.date(9000, 1, 1)
DAY = dt.timedelta(days=1)


class ReturnSettings:
    """The limits a run applies: those of the CRM settings, or those an
    administrator tries in the rule simulator before saving them.
    limits: the day limit of each rule that has one, by its name
    (return_rules.LIMITS: temporary_days=…, private_days=…)."""

    def __init__(self, today, grade_days=None, goal_deal=True,
            goal_receipt=True, exempt=True, warn_days=None,
            escalate_days=None, **limits):
        unknown = set(limits) - set(LIMITS)
        if unknown:
            raise TypeError(f"unknown return limits: {sorted(unknown)}")
        self.today = today
        self.limits = {name: limits.get(name) for name in LIMITS}
        # {maturity id: days}: the grades' own limits
        self.grade_days = {k: v for k, v in (grade_days or {}).items() if v}
        self.goal_deal = goal_deal
        self.goal_receipt = goal_receipt
        self.exempt = exempt
        self.warn_days = warn_days
        self.escalate_days = escalate_days

    @classmethod
    def from_configuration(cls, today=None, **changes):
        pool = Pool()
        Configuration = pool.get('crm.configuration')
        Maturity = pool.get('crm.maturity')
        with Transaction().set_context(_check_access=False):
            config = Configuration(1)
            values = {
                **{r.limit: getattr(config, r.setting)
                    for r in RETURN_RULES if r.limit},
                'grade_days': {
                    m.id: m.return_days for m in Maturity.search([])},
                'goal_deal': config.pool_goal_deal,
                'goal_receipt': config.pool_goal_receipt,
                'exempt': config.pool_exempt_open_deals,
                'warn_days': config.pool_warn_days,
                'escalate_days': config.pool_escalate_days,
                }
        values.update(changes)
        return cls(today or pool_today(), **values)

    def rule_days(self, rule):
        "The day limit of the rule (None: off unless a grade sets one)"
        return self.limits[rule.limit]


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # The arms of the rules' conditions (_crm_pool_rule_condition)
        cls._sql_indexes.update({
                Index(t,
                    (t.crm_library, Index.Equality()),
                    (cls._crm_pool_reference(t), Index.Range())),
                Index(t,
                    (t.crm_library, Index.Equality()),
                    (t.crm_protection_end, Index.Range())),
                # The order of the "returning soon" list (act_pool_returning)
                Index(t,
                    (t.crm_library_date, Index.Range(order='ASC')),
                    (t.id, Index.Range(order='ASC'))),
                })
        # The return condition's columns in the owner index: a department's
        # returning customers counted from the index alone (its owners'
        # entries), not from a bitmap of every customer of the department
        # visited in the table (bench/README.md, "Counts made once;
        # 即将回归 All from the owner index")
        cls._crm_owner_index_columns |= {
            'crm_library', 'crm_last_contact_date', 'crm_library_date',
            'crm_protection_end', 'crm_maturity'}
        # ... keyed in the list's order: a salesperson's page of returning
        # customers read from his entries in that order, not all of them
        # sorted (xtools_crm_base/rule_arm_search.py)
        cls._crm_owner_index_order = ['crm_library_date', 'id']

    @classmethod
    def _crm_rule_arm_search(cls, order):
        "即将回归公海's pages, in the order of the owner index, arm by arm"
        if (Transaction().context.get(OWNED_ONLY)
                and order and order[0][0] == cls._crm_owner_index_order[0]):
            return 'crm_owner'

    # -- hooks for the deals (sales.py) ---------------------------------------

    @classmethod
    def _crm_pool_goal_conditions(cls, party, deal=True, receipt=True):
        """{kind: SQL condition on the customer table `party`}: each true
        when the customer met its pool goal by that kind of record during
        its protection: an approved deal ('deal', if deal) or a receipt
        ('receipt', if receipt) dated within it (_crm_pool_in_protection).
        Each is an EXISTS that tests the customer inside its subquery, so
        that "not met" is a NOT EXISTS the database runs as an anti-join.
        {}: nothing to test against (sales.py adds the deals and receipts
        when xtools_crm_sales is activated)."""
        return {}

    @classmethod
    def _crm_pool_in_protection(cls, party, date):
        """date (a column of the subquery) is within the protection of a
        claimed customer: from the day it was taken to its protection end"""
        return ((party.crm_library == 'claimed')
            & (date >= party.crm_library_date)
            & (date <= party.crm_protection_end))

    @classmethod
    def _crm_pool_exempt_conditions(cls, party):
        """{kind: SQL condition on `party`}: each true for customers that
        must not return automatically because of that kind of record (an
        open 'opportunity', an approved 'deal'): a test of the customer's
        own row (sales.py reads flags the database keeps). A kind that
        exempts whatever its date also covers the goal of the same kind
        (see _crm_pool_due).
        {}: no exemption (sales.py adds the opportunities and deals when
        xtools_crm_sales is activated)."""
        return {}

    # -- the selection -------------------------------------------------------

    @classmethod
    def _crm_pool_reference(cls, party):
        "The last follow-up or contact, or the library day if later"
        return Case(
            (party.crm_last_contact_date > party.crm_library_date,
                party.crm_last_contact_date),
            else_=party.crm_library_date)

    @classmethod
    def _crm_pool_by_grade(cls, party, settings, rule, value):
        """An expression of the grade's limit (value(days) for each limit),
        else the rule's; None when the rule is off for every grade"""
        default = settings.rule_days(rule)
        cases = [(party.crm_maturity == grade, value(days))
            for grade, days in sorted(settings.grade_days.items())]
        if not cases:
            return value(default) if default else None
        return Case(*cases, else_=value(default) if default else Null)

    @classmethod
    def _crm_pool_rule_condition(cls, rule, party, settings, horizon):
        """An SQL condition on `party`, true for the customers the rule
        returns by horizon; None when the rule is off"""
        owned = (party.crm_library == rule.library) & (party.crm_owner != Null)
        if rule.clock == PROTECTION:
            return (owned
                & (party.crm_protection_end != Null)
                & (party.crm_protection_end < horizon))
        elif rule.clock == NO_CONTACT:
            # reference <= (the grade's limit, else the rule's) before
            # horizon, one arm per limit so that each is an index range
            reference = cls._crm_pool_reference(party)
            grades = sorted(settings.grade_days.items())
            arms = [(party.crm_maturity == grade)
                & (reference <= horizon - dt.timedelta(days=days))
                for grade, days in grades]
            default = settings.rule_days(rule)
            if default:
                arm = reference <= horizon - dt.timedelta(days=default)
                if grades:
                    # The customers without a grade of its own limit
                    arm &= ((party.crm_maturity == Null)
                        | ~party.crm_maturity.in_([g for g, _ in grades]))
                arms.append(arm)
            if not arms:
                return None
            return Or([owned & arm for arm in arms])
        raise ValueError(f"no condition for the clock {rule.clock!r}")

    @classmethod
    def _crm_pool_rules(cls, party, settings, horizon):
        "[(rule code, condition)]: the customers due to return by horizon"
        rules = []
        for rule in RETURN_RULES:
            condition = cls._crm_pool_rule_condition(
                rule, party, settings, horizon)
            if condition is not None:
                rules.append((rule.code, condition))
        return rules

    @classmethod
    def _crm_pool_goals(cls, party, settings):
        "The conditions of a met goal that the settings count"
        if not (settings.goal_deal or settings.goal_receipt):
            return {}
        return cls._crm_pool_goal_conditions(
            party, deal=settings.goal_deal, receipt=settings.goal_receipt)

    @classmethod
    def _crm_pool_goal_due(cls, party, settings):
        "The claimed customers whose goal is met: None if it cannot be"
        goals = cls._crm_pool_goals(party, settings)
        if not goals:
            return None
        return ((party.crm_library == 'claimed')
            & (party.crm_protection_end != Null)
            & Or(list(goals.values())))

    @classmethod
    def _crm_pool_due(cls, party, settings, horizon):
        """(condition, rule expression) of the customers that return by
        horizon: not exempt, and whose goal is not met.
        The exemptions (flags of the customer's row) and goals (NOT
        EXISTS) are ANDed one each (not NOT (… OR …)): PostgreSQL turns a
        NOT EXISTS into an anti-join, probing the deals by index for a page,
        where a NOT of their OR costed a subplan per candidate (enough to
        set off JIT).
        A goal of a kind that also exempts (an approved deal) is implied by
        its exemption: not tested twice."""
        rules = cls._crm_pool_rules(party, settings, horizon)
        due = Or([c for _, c in rules])
        exempt = (cls._crm_pool_exempt_conditions(party)
            if settings.exempt else {})
        for condition in exempt.values():
            due &= ~condition
        for kind, condition in cls._crm_pool_goals(party, settings).items():
            if kind not in exempt:
                due &= ~condition
        rule = Case(*[(c, r) for r, c in rules])
        return due, rule

    @classmethod
    def _crm_pool_limit(cls, party, settings):
        "The day limit that applies to each library customer"
        cases = []
        for rule in RETURN_RULES:
            if rule.clock != NO_CONTACT:
                continue
            limit = cls._crm_pool_by_grade(
                party, settings, rule, lambda days: days)
            if limit is not None:
                cases.append((party.crm_library == rule.library, limit))
        return Case(*cases, else_=Null) if cases else Null

    @classmethod
    def _crm_pool_since(cls, party):
        """Since when: the day taken (a PROTECTION rule's library), else the
        last follow-up"""
        protected = [r.library for r in RETURN_RULES if r.clock == PROTECTION]
        return Case(
            (party.crm_library.in_(protected), party.crm_library_date),
            else_=cls._crm_pool_reference(party))

    @staticmethod
    def _crm_pool_return_day(rule, since, limit, protection_end):
        "The day the customer returns by the rule (its code)"
        if BY_CODE[rule].clock == PROTECTION:
            return protection_end + DAY if protection_end else None
        if since and limit:
            return since + dt.timedelta(days=limit)

    @classmethod
    def _crm_pool_upcoming(cls, settings, horizon, ids=None):
        """The customers that return by horizon, as dicts: customer, name,
        owner, library, rule, since, limit, protection_end, return_date"""
        party = cls.__table__()
        cursor = Transaction().connection.cursor()
        due, rule = cls._crm_pool_due(party, settings, horizon)
        query = party.select(
            party.id, party.name, party.crm_owner, party.crm_library, rule,
            cls._crm_pool_since(party), cls._crm_pool_limit(party, settings),
            party.crm_protection_end,
            where=due, order_by=[party.id])
        rows = []
        for sub_ids in (grouped_slice(ids, backend.MAX_QUERY_PARAMS)
                if ids is not None else [None]):
            if sub_ids is not None:
                query.where = due & party.id.in_(list(sub_ids))
            cursor.execute(*query)
            for (id_, name, owner, library, rule_, since, limit,
                    end) in cursor:
                since = _date(since)
                end = _date(end)
                rows.append({
                        'customer': id_,
                        'name': name,
                        'owner': owner,
                        'library': library,
                        'rule': rule_,
                        'since': since,
                        'limit': limit,
                        'protection_end': end,
                        'return_date': cls._crm_pool_return_day(
                            rule_, since, limit, end),
                        })
        return rows

    # -- the run ---------------------------------------------------------------

    @classmethod
    def crm_pool_cron(cls):
        "The daily run, once per company (ir.cron)"
        cls.crm_pool_auto_return()

    @classmethod
    @without_check_access
    def crm_pool_auto_return(cls, settings=None):
        """Goal met → protection cleared (达成); due → back to the public
        pool (the 'return' entry of the log locks the previous owner out,
        see crm.pool.lock); then the reminders. Returns {what: count}."""
        pool = Pool()
        Log = pool.get('crm.pool.log')
        if not cls._crm_pool_enabled():
            return {}
        if settings is None:
            settings = ReturnSettings.from_configuration()
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        party = cls.__table__()
        today = settings.today
        counts = {}

        goal = cls._crm_pool_goal_due(party, settings)
        if goal is not None:
            Log.insert_from([
                    'customer', 'customer_name', 'operation', 'rule',
                    'from_library', 'to_library', 'from_owner', 'to_owner',
                    'reference_date', 'protection_end', 'day',
                    ], party.select(
                    party.id, party.name, Literal('goal'), Literal('goal_met'),
                    party.crm_library, party.crm_library, party.crm_owner,
                    party.crm_owner, party.crm_library_date,
                    party.crm_protection_end, Literal(today),
                    where=goal))
            cursor.execute(*party.update([
                        party.crm_protection_end, party.crm_pool_goal,
                        party.write_uid, party.write_date,
                        ], [
                        Null, 'achieved',
                        transaction.user, CurrentTimestamp(),
                        ],
                    where=goal))
            counts['goal_met'] = cursor.rowcount

        due, rule = cls._crm_pool_due(party, settings, today)
        Log.insert_from([
                'customer', 'customer_name', 'operation', 'rule',
                'from_library', 'to_library', 'from_owner',
                'reference_date', 'limit_days', 'protection_end', 'day',
                ], party.select(
                party.id, party.name, Literal('return'), rule,
                party.crm_library, Literal('public'), party.crm_owner,
                cls._crm_pool_since(party),
                cls._crm_pool_limit(party, settings),
                party.crm_protection_end, Literal(today),
                where=due))
        cursor.execute(*party.update([
                    party.crm_previous_owner, party.crm_owner,
                    party.crm_library, party.crm_library_date,
                    party.crm_pool_taken, party.crm_protection_end,
                    party.crm_pool_goal, party.crm_hot,
                    party.write_uid, party.write_date,
                    ], [
                    party.crm_owner, Null,
                    'public', today,
                    Null, Null,
                    Null, False,
                    transaction.user, CurrentTimestamp(),
                    ],
                where=due))
        counts['returned'] = cursor.rowcount
        forget_customers()
        counts.update(cls._crm_pool_remind(settings))
        return counts

    # -- the simulator ---------------------------------------------------------

    @classmethod
    @without_check_access
    def crm_pool_simulate(cls, settings):
        """What a run with these settings would do today, changing nothing:
        dicts as _crm_pool_upcoming's, with action 'goal' (protection
        cleared) or 'return' (back to the pool)"""
        party = cls.__table__()
        cursor = Transaction().connection.cursor()
        result = []
        goal = cls._crm_pool_goal_due(party, settings)
        if goal is not None:
            cursor.execute(*party.select(
                    party.id, party.name, party.crm_owner,
                    party.crm_library_date, party.crm_protection_end,
                    where=goal, order_by=[party.id]))
            for id_, name, owner, since, end in cursor:
                result.append({
                        'action': 'goal',
                        'customer': id_,
                        'name': name,
                        'owner': owner,
                        'library': 'claimed',
                        'rule': 'goal_met',
                        'since': _date(since),
                        'limit': None,
                        'protection_end': _date(end),
                        'return_date': None,
                        })
        for row in cls._crm_pool_upcoming(settings, settings.today):
            row['action'] = 'return'
            result.append(row)
        return result

def _date(value):
    "Dates come back as text from SQLite expressions"
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        return value.date()
    return value
