"""Before the return (SPEC P4 and what users expect of a CRM): each
customer's return date and rule, the "returning soon" list, and the
escalation ladder — the owner reminded, then the owner's manager, each
once per return date, in the notification bell and the pool log."""
import datetime as dt
import json
from collections import defaultdict

from sql import Literal, Null
from sql.conditionals import Case

from trytond import backend
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from .auto_return import DAY, FAR, ReturnSettings
from .log import RULES
from .return_rules import RETURN_RULES


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    crm_return_date = fields.Function(fields.Date(
            "Returns to Pool On",
            help="The day the customer returns to the public pool if "
            "nothing happens until then."),
        'get_crm_return')
    crm_return_rule = fields.Function(fields.Selection(
            RULES, "Return Rule"), 'get_crm_return')
    crm_returning_soon = fields.Function(fields.Boolean(
            "Returning Soon",
            help="Returns to the public pool within the reminder days."),
        'get_crm_return')

    # -- reminders: the escalation ladder --------------------------------------

    @classmethod
    def _crm_pool_remind(cls, settings):
        """Remind the owner warn_days before a customer returns, then the
        owner's manager escalate_days before; each reminder once per
        customer and return date, logged."""
        pool = Pool()
        Log = pool.get('crm.pool.log')
        steps = [(step, days) for step, days in [
                ('remind_owner', settings.warn_days),
                ('remind_manager', settings.escalate_days),
                ] if days]
        if not steps:
            return {}
        today = settings.today
        horizon = today + dt.timedelta(days=max(d for _, d in steps))
        rows = [r for r in cls._crm_pool_upcoming(settings, horizon)
            if r['return_date'] and r['return_date'] > today]
        sent = Log.reminders_sent([r['customer'] for r in rows], today)
        to_send = defaultdict(list)
        logs = []
        managers = cls._crm_pool_managers({r['owner'] for r in rows})
        for row in rows:
            days_left = (row['return_date'] - today).days
            for step, days in steps:
                if days_left > days:
                    continue
                key = (row['customer'], step, row['return_date'])
                if key in sent:
                    continue
                if step == 'remind_owner':
                    recipient = row['owner']
                else:
                    recipient = managers.get(row['owner'])
                if not recipient:
                    continue
                to_send[(recipient, step)].append(row)
                logs.append({
                        'customer': row['customer'],
                        'customer_name': row['name'],
                        'operation': step,
                        'rule': row['rule'],
                        'from_library': row['library'],
                        'to_library': row['library'],
                        'from_owner': row['owner'],
                        'notified': recipient,
                        'reference_date': row['since'],
                        'limit_days': row['limit'],
                        'protection_end': row['protection_end'],
                        'return_date': row['return_date'],
                        'day': today,
                        })
        Log.insert_rows(logs)
        cls._crm_pool_notify(to_send, today)
        result = defaultdict(int)
        for entry in logs:
            result[entry['operation']] += 1
        return dict(result)

    @classmethod
    def _crm_pool_managers(cls, owner_ids):
        """{owner id: manager id} — the manager of the owner's department,
        else of its parent department; in three queries whatever the
        number of owners"""
        pool = Pool()
        User = pool.get('res.user')
        Department = pool.get('crm.department')
        user = User.__table__()
        department = Department.__table__()
        cursor = Transaction().connection.cursor()
        owner_ids = [o for o in owner_ids if o]
        if not owner_ids:
            return {}
        departments = {}
        for sub in grouped_slice(owner_ids, backend.MAX_QUERY_PARAMS):
            cursor.execute(*user.select(
                    user.id, user.crm_department,
                    where=user.id.in_(list(sub))))
            departments.update(cursor)
        cursor.execute(*department.select(department.id, department.parent))
        parents = dict(cursor)
        cursor.execute(*user.select(
                user.crm_department, user.id,
                where=(user.crm_level == 'manager')
                & (user.active == Literal(True))
                & (user.crm_department != Null),
                order_by=[user.id.desc]))
        manager_of = dict(cursor)
        result = {}
        for owner in owner_ids:
            department_id = departments.get(owner)
            while department_id:
                manager = manager_of.get(department_id)
                if manager and manager != owner:
                    result[owner] = manager
                    break
                department_id = parents.get(department_id)
        return result

    @classmethod
    def _crm_pool_notify(cls, to_send, today):
        "One bell notification per person and step, listing the customers"
        pool = Pool()
        User = pool.get('res.user')
        Log = pool.get('crm.pool.log')
        ModelData = pool.get('ir.model.data')
        Lang = pool.get('ir.lang')
        action = ModelData.get_id('xtools_crm_pool', 'act_pool_returning')
        notifications = []
        people = {u.id: u for u in User.browse(list(
                    {r for r, _ in to_send}
                    | {r['owner'] for rows in to_send.values()
                        for r in rows}))}
        languages = {u.id: u.language.code if u.language else None
            for u in people.values()}
        for (recipient, step), rows in sorted(to_send.items()):
            rows = sorted(rows, key=lambda r: (r['return_date'], r['name']))
            first = rows[0]
            language = languages[recipient]
            with Transaction().set_context(language=language):
                lang = Lang.get()
                facts = Log(
                    operation='return', rule=first['rule'],
                    reference_date=first['since'],
                    limit_days=first['limit'],
                    protection_end=first['protection_end'],
                    )._facts(
                    lambda d: lang.strftime(d) if d else '-', {})
                values = {
                    'count': len(rows),
                    'customer': first['name'],
                    'date': lang.strftime(first['return_date']),
                    'owner': people[first['owner']].rec_name,
                    'facts': facts,
                    }
                if step == 'remind_owner':
                    label = gettext(
                        'xtools_crm_pool.msg_notify_owner', **values)
                else:
                    label = gettext(
                        'xtools_crm_pool.msg_notify_manager', **values)
                description = gettext(
                    'xtools_crm_pool.msg_notify_first', **values)
            notifications.append({
                    'user': recipient,
                    'label': label,
                    'description': description,
                    'icon': 'tryton-notification',
                    'model': cls.__name__,
                    'records': json.dumps([r['customer'] for r in rows]),
                    'action': action,
                    })
        cls._crm_pool_insert_notifications(notifications)

    @classmethod
    def _crm_pool_insert_notifications(cls, notifications):
        """Create the notifications in one INSERT: up to two per user and
        run, built here complete and valid, so the ORM's per-record checks
        would only cost time. The bell is told as on any creation."""
        Notification = Pool().get('res.notification')
        if not notifications:
            return
        table = Notification.__table__()
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        names = list(notifications[0])
        columns = [getattr(table, n) for n in names] + [
            table.unread, table.create_uid, table.create_date]
        now = dt.datetime.now()
        ids = []
        for sub in grouped_slice(notifications, backend.MAX_QUERY_PARAMS // (
                    len(columns) + 1)):
            values = [[n[name] for name in names] + [True, 0, now]
                for n in sub]
            if transaction.database.has_returning():
                cursor.execute(*table.insert(
                        columns, values, returning=[table.id]))
                ids += [i for i, in cursor]
            else:
                for row in values:
                    cursor.execute(*table.insert(columns, [row]))
                    ids.append(transaction.database.lastid(cursor))
        with transaction.set_user(0):
            Notification.on_modification('create', Notification.browse(ids))

    # -- the customers' return dates ---------------------------------------------

    @classmethod
    def get_crm_return(cls, parties, names):
        result = {n: dict.fromkeys(map(int, parties)) for n in names}
        ids = [p.id for p in parties if p.crm_library in {
                r.library for r in RETURN_RULES}]
        if not ids or not cls._crm_pool_enabled():
            return result
        settings = ReturnSettings.from_configuration()
        soon = settings.today + dt.timedelta(days=cls._crm_pool_soon_days(
                settings))
        with without_check_access():
            rows = cls._crm_pool_upcoming(settings, FAR, ids)
        for row in rows:
            id_ = row['customer']
            if 'crm_return_date' in result:
                result['crm_return_date'][id_] = row['return_date']
            if 'crm_return_rule' in result:
                result['crm_return_rule'][id_] = row['rule']
            if 'crm_returning_soon' in result:
                result['crm_returning_soon'][id_] = bool(
                    row['return_date'] and row['return_date'] <= soon)
        if 'crm_returning_soon' in result:
            for id_, value in result['crm_returning_soon'].items():
                result['crm_returning_soon'][id_] = bool(value)
        return result

    @staticmethod
    def _crm_pool_soon_days(settings):
        "How far ahead 'returning soon' looks: the first reminder, or a week"
        return max(
            filter(None, [settings.warn_days, settings.escalate_days]),
            default=7)

    @classmethod
    def _crm_pool_due_by(cls, party, settings, day):
        return cls._crm_pool_due(party, settings, day)[0]

    @classmethod
    def domain_crm_return_date(cls, domain, tables):
        """The return-date clause as a condition on the searched table
        itself: the rules' arms stay visible to the planner (index scans
        that a count can stop early), no id IN (subquery) joining the
        customers with themselves"""
        table, _ = tables[None]
        _, operator, value = domain[:3]
        settings = ReturnSettings.from_configuration()

        def by(day):
            "The customers that return on day or before"
            return cls._crm_pool_due_by(table, settings, day)
        returning = by(FAR)
        if value is None:
            condition = {
                '=': lambda: _not(returning),
                '!=': lambda: returning,
                }.get(operator, lambda: None)()
        else:
            if isinstance(value, str):
                value = dt.date.fromisoformat(value)
            condition = {
                '<=': lambda: by(value),
                '<': lambda: by(value - DAY),
                '>': lambda: returning & _not(by(value)),
                '>=': lambda: returning & _not(by(value - DAY)),
                '=': lambda: by(value) & _not(by(value - DAY)),
                '!=': lambda: returning & _not(
                    by(value) & _not(by(value - DAY))),
                }.get(operator, lambda: None)()
        if condition is None:
            return Literal(False)
        return condition

    @classmethod
    def domain_crm_returning_soon(cls, domain, tables):
        "As domain_crm_return_date: a condition on the searched table"
        table, _ = tables[None]
        _, operator, value = domain[:3]
        settings = ReturnSettings.from_configuration()
        soon = settings.today + dt.timedelta(
            days=cls._crm_pool_soon_days(settings))
        due = cls._crm_pool_due_by(table, settings, soon)
        if (operator == '=') == bool(value):
            return due
        return _not(due)


def _not(condition):
    """The customers the condition does not select, those for which it is
    unknown (NULL) included, as id NOT IN (the selected) did"""
    return Case((condition, Literal(False)), else_=Literal(True))
