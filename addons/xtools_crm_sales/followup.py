"""Follow-up on opportunities and projects (SPEC S1/S2, B8): activities,
tasks and schedules may belong to an opportunity or to a project, and show
in its view; 在“销售机会视图”中新建的日程、待办任务、行动历史等跟踪数据，
均可在该客户的客户视图中看到.

An opportunity has one customer, the customer of its follow-up records, so
they show on that customer's view as any record does. A project has
several: its follow-up records are shown on the timeline of each customer
involved (main customer and partner units), through extra timeline rows
flagged ``via_project``."""
from math import isqrt

from sql import Cast, Literal, Null, Union
from sql.conditionals import Coalesce

from trytond.i18n import gettext
from trytond.model import Index, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction
from .exceptions import PipelineLinkError


def check_project_or_opportunity(records, field_names, error):
    """Refuse with `error` the records that point at both a project and an
    opportunity: one deal is tracked by one of them"""
    if field_names and not field_names & {'opportunity', 'project'}:
        return
    for record in records:
        if record.opportunity and record.project:
            raise error(gettext(
                    'xtools_crm_sales.msg_project_and_opportunity',
                    record=record.rec_name,
                    project=record.project.rec_name,
                    opportunity=record.opportunity.rec_name))


class PipelineLinkMixin:
    """The opportunity or the project (not both) a follow-up record is
    about; its customer is then the opportunity's, or one of the
    project's."""
    __slots__ = ()

    opportunity = fields.Many2One(
        'sale.opportunity', "Opportunity", ondelete='SET NULL',
        domain=[If(Bool(Eval('customer')),
                ('party', '=', Eval('customer', -1)),
                ('id', '=', -1))],
        states={'invisible': Bool(Eval('project'))},
        help="The opportunity this is about.")
    project = fields.Many2One(
        'crm.project', "Project", ondelete='SET NULL',
        domain=[If(Bool(Eval('customer')),
                ('customers', '=', Eval('customer', -1)),
                ('id', '=', -1))],
        states={'invisible': Bool(Eval('opportunity'))},
        help="The project this is about; the customer is the main customer "
        "or one of the partner units.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.opportunity, Index.Equality()),
                    where=t.opportunity != Null),
                Index(t, (t.project, Index.Equality()),
                    where=t.project != Null),
                })

    @classmethod
    def default_customer(cls):
        "From the opportunity or project view, its customer"
        try:
            customer = super().default_customer()
        except AttributeError:
            customer = None
        if customer is None:
            customer = Transaction().context.get('crm_customer')
            if customer is not None and customer < 0:
                customer = None
        return customer

    @fields.depends(
        'opportunity', '_parent_opportunity.party', 'customer',
        methods=['on_change_customer'])
    def on_change_opportunity(self):
        if self.opportunity and self.opportunity.party != self.customer:
            self.customer = self.opportunity.party
            self.on_change_customer()

    @fields.depends(
        'project', '_parent_project.customer', 'customer',
        methods=['on_change_customer'])
    def on_change_project(self):
        if self.project and self.customer not in self.project.customers:
            self.customer = self.project.customer
            self.on_change_customer()

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        cls.check_project_or_opportunity(records, field_names)

    @classmethod
    def check_project_or_opportunity(cls, records, field_names=None):
        "A deal is tracked by a project or by an opportunity, not both"
        check_project_or_opportunity(records, field_names, PipelineLinkError)

    def _pipeline_values(self):
        return {
            'opportunity': self.opportunity.id if self.opportunity else None,
            'project': self.project.id if self.project else None,
            }


class Activity(PipelineLinkMixin, metaclass=PoolMeta):
    __name__ = 'crm.activity'


class Task(PipelineLinkMixin, metaclass=PoolMeta):
    __name__ = 'crm.task'

    @classmethod
    def create_for_activities(cls, activities):
        "The follow-up of an activity is about the same deal"
        tasks = super().create_for_activities(activities)
        to_write = []
        for task, activity in zip(tasks, activities):
            values = activity._pipeline_values()
            if any(values.values()):
                to_write.extend(([task], values))
        if to_write:
            cls.write(*to_write)
        return tasks


class Schedule(PipelineLinkMixin, metaclass=PoolMeta):
    __name__ = 'crm.schedule'

    @classmethod
    def on_modification(cls, mode, schedules, field_names=None):
        super().on_modification(mode, schedules, field_names=field_names)
        if mode == 'write' and field_names & {'opportunity', 'project'}:
            cls._pipeline_to_occurrences(
                [s for s in schedules if s.occurrences])

    @classmethod
    def generate_occurrences(cls, series):
        super().generate_occurrences(series)
        cls._pipeline_to_occurrences(series)

    @classmethod
    def _pipeline_to_occurrences(cls, series):
        "The occurrences of a series are about the deal of the series"
        to_write = []
        for schedule in cls.browse(series):
            values = schedule._pipeline_values()
            occurrences = [o for o in schedule.occurrences
                if o._pipeline_values() != values]
            if occurrences:
                to_write.extend((occurrences, values))
        if to_write:
            cls.write(*to_write)


class CustomerTimeline(metaclass=PoolMeta):
    """The timeline rows say which opportunity or project they are about;
    a project's records are also shown to every other customer involved.

    Those extra rows name the project but do not link to the record: it
    belongs to another customer, which the reader may not be allowed to
    see (reading it would be refused and the whole list with it)."""
    __name__ = 'crm.customer.timeline'

    opportunity = fields.Many2One(
        'sale.opportunity', "Opportunity", readonly=True)
    project = fields.Many2One('crm.project', "Project", readonly=True)
    pipeline_name = fields.Char(
        "Opportunity / Project", readonly=True,
        help="The opportunity or project the record is about.")
    via_project = fields.Boolean(
        "Through Project", readonly=True,
        help="Shown because the customer takes part in the project of the "
        "record, which belongs to another customer of the project.")

    # The rank of each kind in the ids of the base rows (see _columns)
    _kind_ranks = {'crm.activity': 0, 'crm.task': 1, 'crm.schedule': 2}

    @classmethod
    def _columns(cls, table, rank, model):
        pool = Pool()
        project = pool.get('crm.project').__table__()
        opportunity = pool.get('sale.opportunity').__table__()
        # Base rows take the even ids, the rows through projects the odd.
        columns = [
            (c.expression * 2).as_('id') if c.output_name == 'id' else c
            for c in super()._columns(table, rank, model)]
        return columns + [
            table.opportunity.as_('opportunity'),
            table.project.as_('project'),
            Coalesce(
                project.select(
                    project.name, where=project.id == table.project),
                opportunity.select(
                    Coalesce(opportunity.description, opportunity.number),
                    where=opportunity.id == table.opportunity),
                ).as_('pipeline_name'),
            Literal(False).as_('via_project'),
            ]

    @classmethod
    def _queries(cls):
        queries = super()._queries()
        for base, model in [
                (cls._activity_query(), 'crm.activity'),
                (cls._task_query(), 'crm.task'),
                (cls._schedule_query(), 'crm.schedule'),
                ]:
            queries.append(cls._via_project_query(
                    base, cls._kind_ranks[model]))
        return queries

    @classmethod
    def _arm_keys(cls, ids):
        # Base rows: twice the base id; rows through projects: odd, twice
        # the Cantor pairing of the base key and the customer, plus one.
        keys = super()._arm_keys([i // 2 for i in ids if i % 2 == 0])
        via_project = [[] for _ in cls._kind_ranks]
        for i in ids:
            if i % 2 and i > 0:
                pair = (i - 1) // 2
                w = (isqrt(8 * pair + 1) - 1) // 2
                key = w - (pair - w * (w + 1) // 2)
                via_project[key % 3].append(key // 3)
        return keys + via_project

    @classmethod
    def _project_customers(cls):
        "(project, customer) of every customer involved in a project"
        pool = Pool()
        project = pool.get('crm.project').__table__()
        partner = pool.get('crm.project.party').__table__()
        return Union(
            project.select(
                project.id.as_('project'), project.customer.as_('customer')),
            partner.select(
                partner.project.as_('project'),
                partner.customer.as_('customer')),
            all_=True)

    @classmethod
    def _via_project_query(cls, base, rank):
        """The rows of base (the query of one kind of record) repeated for
        the other customers of their project: same columns but the id, the
        customer, the record link and via_project"""
        table = base.from_[0]
        involved = cls._project_customers()
        join = table.join(involved, condition=(
                (involved.project == table.project)
                & (involved.customer != table.customer)))
        # A unique odd id from the base row's key and the customer (Cantor
        # pairing), in 64 bits
        key = Cast(table.id * 3 + rank, 'BIGINT')
        customer = involved.customer
        pair = ((key + customer) * (key + customer + 1)) / 2 + customer
        replaced = {
            'id': (pair * 2 + 1).as_('id'),
            'customer': customer.as_('customer'),
            'source': Literal(None).as_('source'),
            'via_project': Literal(True).as_('via_project'),
            }
        columns = [replaced.get(c.output_name, c) for c in base.columns]
        where = table.project != Null
        if base.where is not None:
            where &= base.where
        return join.select(*columns, where=where)
