"""The customer's follow-up timeline (客户视图的“行动历史”列表): its
activities, tasks and schedules in one list, latest first (与客户关联的日程、
待办任务和行动历史都在该客户视图中集中显示).

A read-only view over the three tables; each line links to its record.
Lines follow the customer's visibility like any customer-related record:
Tryton applies the customer's rules to a table_query model as to a table."""
import datetime as dt

from sql import Cast, Join, Literal, Union
from sql.conditionals import Case, Coalesce
from sql.operators import Concat

from trytond import backend
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import And, Date, Eval, If
from trytond.transaction import Transaction

from .customer_related import CustomerRelatedMixin
from .linear_browse import LinearBrowse
from .selection_labels import SelectionLabels
from .schedule import company_timezone, local_day_start

KINDS = [
    ('activity', "Activity"),
    ('task', "Task"),
    ('schedule', "Schedule"),
    ]
STATES = [
    ('done', "Done"),
    ('open', "Open"),
    ('cancelled', "Cancelled"),
    ('planned', "Planned"),
    ]
SOURCES = [
    ('crm.activity', "Activity"),
    ('crm.task', "Task"),
    ('crm.schedule', "Schedule"),
    ]


class CustomerTimeline(
        LinearBrowse, SelectionLabels, CustomerRelatedMixin, ModelSQL,
        ModelView):
    "Customer follow-up timeline"
    __name__ = 'crm.customer.timeline'
    __string__ = "Customer Follow-up"

    customer = fields.Many2One(
        'party.party', "Customer", required=True, readonly=True)
    date = fields.Date("Date", readonly=True)
    kind = fields.Selection(KINDS, "Kind", readonly=True)
    subject = fields.Char("Subject", readonly=True)
    user = fields.Many2One(
        'res.user', "User", readonly=True,
        help="The author of an activity, the assignee of a task, "
        "the organiser of a schedule.")
    state = fields.Selection(STATES, "State", readonly=True)
    source = fields.Reference("Record", SOURCES, readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(And(Eval('state') == 'open',
                        Eval('date', Date()) < Date()), 'danger', '')),
            ]

    @classmethod
    def read(cls, ids, fields_names):
        # Each arm reads only the records of the rows asked for
        # (table_query): the id of a row is computed, no index finds it.
        with Transaction().set_context(
                _crm_timeline_rows=sorted({int(i) for i in ids})):
            return super().read(ids, fields_names)

    @classmethod
    def table_query(cls):
        queries = cls._queries()
        rows = Transaction().context.get('_crm_timeline_rows')
        if rows is not None:
            for query, keys in zip(queries, cls._arm_keys(rows)):
                cls._only_records(query, keys)
        return Union(*map(cls._typed, queries), all_=True)

    @classmethod
    def _queries(cls):
        "The arms of the timeline's union, one per kind of row"
        return [
            cls._activity_query(), cls._task_query(), cls._schedule_query()]

    @classmethod
    def _arm_keys(cls, ids):
        """For each arm of _queries(), the ids of its records among the
        rows ids (the inverse of the row ids of _columns)"""
        return [[i // 3 for i in ids if i % 3 == rank] for rank in range(3)]

    @staticmethod
    def _only_records(query, ids):
        "Restrict the arm query to the records ids of its table"
        table = query.from_[0]
        while isinstance(table, Join):
            table = table.left
        where = (fields.SQL_OPERATORS['in'](table.id, ids) if ids
            else Literal(False))
        query.where = where if query.where is None else query.where & where

    @classmethod
    def _typed(cls, query):
        """query with each column cast to its field's type (the id to
        BIGINT), on PostgreSQL. Arms whose types differ from the union's
        (VARCHAR or TEXT, a literal's unknown type, INTEGER or BIGINT) keep
        PostgreSQL from pushing the customer's or the ids' condition into
        each arm: it read every activity, task and schedule to show one
        customer's (seconds for 300,000 rows). SQLite has no such types
        (and casting to DATE there would make dates numbers)."""
        if backend.name != 'postgresql':
            return query
        columns = []
        for column in query.columns:
            name = column.output_name
            type_ = ('BIGINT' if name == 'id'
                else cls._fields[name].sql_type().base)
            columns.append(Cast(column.expression, type_).as_(name))
        query.columns = columns
        return query

    # Ids are unique across the three tables: id * 3 + rank of the kind.
    @classmethod
    def _columns(cls, table, rank, model):
        return [
            (table.id * 3 + rank).as_('id'),
            table.create_uid.as_('create_uid'),
            table.create_date.as_('create_date'),
            table.write_uid.as_('write_uid'),
            table.write_date.as_('write_date'),
            table.customer.as_('customer'),
            Concat(model + ',', Cast(table.id, 'VARCHAR')).as_('source'),
            ]

    @classmethod
    def _activity_query(cls):
        activity = Pool().get('crm.activity').__table__()
        return activity.select(
            *cls._columns(activity, 0, 'crm.activity'),
            activity.date.as_('date'),
            Literal('activity').as_('kind'),
            activity.subject.as_('subject'),
            activity.author.as_('user'),
            Literal('done').as_('state'))

    @classmethod
    def _task_query(cls):
        task = Pool().get('crm.task').__table__()
        return task.select(
            *cls._columns(task, 1, 'crm.task'),
            Coalesce(task.done_date, task.due_date).as_('date'),
            Literal('task').as_('kind'),
            task.subject.as_('subject'),
            task.assignee.as_('user'),
            task.state.as_('state'),
            where=task.customer != None)  # noqa: E711

    @classmethod
    def _schedule_query(cls):
        schedule = Pool().get('crm.schedule').__table__()
        now, day_start = dt.datetime.now(), local_day_start()
        all_day = Coalesce(schedule.all_day, False) == Literal(True)
        # As crm.schedule's state: over once the end (of day) has passed
        state = Case(
            (all_day & (schedule.end < day_start), 'done'),
            (~all_day & (schedule.end < now), 'done'),
            else_='planned')
        return schedule.select(
            *cls._columns(schedule, 2, 'crm.schedule'),
            cls.date.sql_cast(
                schedule.start, timezone=company_timezone()).as_('date'),
            Literal('schedule').as_('kind'),
            schedule.subject.as_('subject'),
            schedule.organiser.as_('user'),
            state.as_('state'),
            where=schedule.customer != None)  # noqa: E711
