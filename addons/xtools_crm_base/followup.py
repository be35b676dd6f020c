"""Follow-up (SPEC B8) on the customer: the customer's tasks, schedules and
activities, the auto-maintained follow-up fields, and the data permissions
of follow-up records whose customer is optional.
"""
from sql import Literal
from sql.aggregate import Max, Min

from trytond import backend
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .access import ButtonAccessMixin
from .one2many_search import One2ManyBySearch

_CUSTOMER = {'invisible': ~Eval('crm_customer_type')}


class OptionalCustomerMixin(ButtonAccessMixin):
    """Follow-up records whose customer is optional (tasks, schedules):
    with a customer they are readable and writable exactly when the
    customer is (the customer's record rules, as CustomerRelatedMixin
    gives); without one they are personal and a rule of their own
    (task.xml, schedule.xml) restricts them to the people concerned and
    their leaders.

    Tryton's __access__ only takes required links (a record with an empty
    link would match no rule), so the customer's rules are added by
    ir.rule.get (rules.py, step 1) with the empty customer let through."""
    __slots__ = ()
    _crm_optional_customer = 'customer'


class FollowupCustomerMixin:
    """Keeps the customers' follow-up fields up to date whenever records
    are created, changed (including moved to another customer) or deleted.
    _crm_followup_fields: the fields whose change matters."""
    __slots__ = ()
    _crm_followup_fields = set()

    @classmethod
    def _crm_customer_ids(cls, records):
        return {r.customer.id for r in records if r.customer}

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        if mode == 'create':
            Pool().get('party.party').crm_update_followup(
                cls._crm_customer_ids(records))

    @classmethod
    def on_write(cls, records, values):
        callback = super().on_write(records, values)
        if values.keys() & ({'customer'} | cls._crm_followup_fields):
            # The customers before the write; after it, those of now.
            before = cls._crm_customer_ids(records)
            ids = list(map(int, records))

            def update():
                Pool().get('party.party').crm_update_followup(
                    before | cls._crm_customer_ids(cls.browse(ids)))
            callback.append(update)
        return callback

    @classmethod
    def on_delete(cls, records):
        callback = super().on_delete(records)
        customers = cls._crm_customer_ids(records)
        if customers:
            callback.append(
                lambda: Pool().get('party.party').crm_update_followup(
                    customers))
        return callback


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    crm_tasks = One2ManyBySearch(
        'crm.task', 'customer', "Tasks", states=_CUSTOMER)
    crm_schedules = One2ManyBySearch(
        'crm.schedule', 'customer', "Schedules", states=_CUSTOMER)
    crm_activities = One2ManyBySearch(
        'crm.activity', 'customer', "Activity History", states=_CUSTOMER)
    crm_timeline = One2ManyBySearch(
        'crm.customer.timeline', 'customer', "Follow-up", readonly=True,
        states=_CUSTOMER,
        help="Activities, tasks and schedules of the customer, "
        "latest first.")

    @classmethod
    def copy(cls, parties, default=None):
        default = default.copy() if default is not None else {}
        # A copied customer starts without history or plans of its own.
        for name in ['crm_tasks', 'crm_schedules', 'crm_activities']:
            default.setdefault(name, None)
        return super().copy(parties, default=default)

    @classmethod
    def crm_update_followup(cls, customer_ids):
        """Recompute the last contact date, the latest progress (the
        subject of the latest activity) and the next follow-up date (the
        earliest due date of the open tasks) of the customers, in one
        UPDATE per slice of customers whatever their number."""
        pool = Pool()
        Activity = pool.get('crm.activity')
        Task = pool.get('crm.task')
        customer_ids = sorted(set(filter(None, customer_ids)))
        if not customer_ids:
            return
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        party = cls.__table__()
        activity = Activity.__table__()
        latest = Activity.__table__()
        task = Task.__table__()
        for sub_ids in grouped_slice(customer_ids, backend.MAX_QUERY_PARAMS):
            cursor.execute(*party.update(
                    [party.crm_last_contact_date,
                        party.crm_latest_progress,
                        party.crm_next_followup_date],
                    [activity.select(
                            Max(activity.date),
                            where=activity.customer == party.id),
                        latest.select(
                            latest.subject,
                            where=latest.customer == party.id,
                            order_by=[latest.date.desc, latest.id.desc],
                            limit=1),
                        task.select(
                            Min(task.due_date),
                            where=(task.customer == party.id)
                            & (task.state == Literal('open')))],
                    where=party.id.in_(list(sub_ids))))
        # The rows changed behind the ORM: forget what the transaction
        # remembers of them.
        transaction.counter += 1
        for cache in transaction.cache.values():
            if cls.__name__ in cache:
                for id_ in customer_ids:
                    cache[cls.__name__].pop(id_, None)

    @classmethod
    def _crm_transfer_followup(cls, customers, new_owner):
        """Open tasks and coming schedules go with the customer (转移);
        called by transfer.py's _crm_transfer_related"""
        pool = Pool()
        Task = pool.get('crm.task')
        Schedule = pool.get('crm.schedule')
        customer_ids = [c.id for c in customers]
        tasks = Task.search([
                ('customer', 'in', customer_ids),
                ('state', '=', 'open'),
                ('assignee', '!=', new_owner.id),
                ])
        if tasks:
            Task.write(tasks, {'assignee': new_owner.id})
        schedules = Schedule.search([
                ('customer', 'in', customer_ids),
                ('state', '=', 'planned'),
                ('organiser', '!=', new_owner.id),
                ])
        # A series passes the change on to its occurrences itself
        schedules = [s for s in schedules
            if s.recurrence_parent not in schedules]
        if schedules:
            Schedule.write(schedules, {'organiser': new_owner.id})
