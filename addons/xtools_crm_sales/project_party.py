"""The people and companies of a project (SPEC S2): its partner units
(协作单位) with their role, the decision map of their contacts (决策人关系图:
the seven decision roles, who reports to whom, who supports the deal) and
the competitors met. All of them follow the project's visibility."""
from trytond.model import Index, ModelSQL, ModelView, Unique, fields, tree
from trytond.pool import PoolMeta
from trytond.pyson import Eval

from xtools_crm_base.one2many_search import One2ManyBySearch

from .opportunity import CompetitorMixin

PARTNER_ROLES = [
    ('builder', "Builder"),
    ('designer', "Designer"),
    ('supplier', "Supplier"),
    ('end_customer', "End Customer"),
    ]
DECISION_ROLES = [
    ('decision_maker', "Decision Maker"),
    ('sub_decision_maker', "Sub-Decision Maker"),
    ('business', "Business Decision"),
    ('technical', "Technical Decision"),
    ('financial', "Financial Decision"),
    ('user', "User"),
    ('influencer', "Influencer"),
    ]


class ProjectParty(ModelSQL, ModelView):
    "Partner unit of a project (协作单位)"
    __name__ = 'crm.project.party'
    __string__ = "Project Partner Unit"

    project = fields.Many2One(
        'crm.project', "Project", required=True, ondelete='CASCADE')
    customer = fields.Many2One(
        'party.party', "Customer", required=True, ondelete='CASCADE',
        domain=[('crm_customer_type', '!=', None)])
    role = fields.Selection(PARTNER_ROLES, "Role", required=True)
    note = fields.Char("Note")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('project')
        t = cls.__table__()
        cls._sql_constraints += [
            ('project_customer_unique', Unique(t, t.project, t.customer),
                'xtools_crm_sales.msg_project_partner_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.customer, Index.Equality())))

    def get_rec_name(self, name):
        return self.customer.rec_name

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('customer.rec_name',) + tuple(clause[1:])]


class ProjectDecision(
        tree(parent='superior', name='rec_name'), ModelSQL, ModelView):
    """A contact's part in the project's decision (决策人关系图): the seven
    decision roles, whom they report to, and where they stand."""
    __name__ = 'crm.project.decision'
    __string__ = "Project Decision Role"

    project = fields.Many2One(
        'crm.project', "Project", required=True, ondelete='CASCADE')
    project_customers = fields.Function(fields.Many2Many(
            'party.party', None, None, "Project Customers"),
        'on_change_with_project_customers')
    contact = fields.Many2One(
        'crm.contact', "Contact", required=True, ondelete='CASCADE',
        domain=[('customer', 'in', Eval('project_customers', []))],
        help="A contact of the main customer or of a partner unit.")
    customer = fields.Function(fields.Many2One(
            'party.party', "Customer"),
        'on_change_with_customer', searcher='search_customer')
    role = fields.Selection(DECISION_ROLES, "Decision Role", required=True)
    superior = fields.Many2One(
        'crm.project.decision', "Reports To", ondelete='SET NULL',
        domain=[
            ('project', '=', Eval('project', -1)),
            ('id', '!=', Eval('id', -1)),
            ])
    subordinates = fields.One2Many(
        'crm.project.decision', 'superior', "Reporting to Them",
        domain=[('project', '=', Eval('project', -1))])
    attitude = fields.Selection([
            ('supporter', "Supporter"),
            ('neutral', "Neutral"),
            ('opponent', "Opponent"),
            ], "Attitude", required=True, sort=False)
    note = fields.Text("Note")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('project')
        cls._order = [('project', 'ASC'), ('role', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_attitude(cls):
        return 'neutral'

    @fields.depends('project', '_parent_project.customer',
        '_parent_project.partners')
    def on_change_with_project_customers(self, name=None):
        if self.project:
            return [self.project.customer.id] + [
                p.customer.id for p in self.project.partners if p.customer]
        return []

    @fields.depends('contact', '_parent_contact.customer')
    def on_change_with_customer(self, name=None):
        return self.contact.customer if self.contact else None

    @classmethod
    def search_customer(cls, name, clause):
        return [('contact.customer',) + tuple(clause[1:])]

    def get_rec_name(self, name):
        role = dict(self.__class__.fields_get(['role'])['role']['selection'])
        return f'{self.contact.rec_name} ({role.get(self.role, "")})'

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('contact.rec_name',) + tuple(clause[1:])]


class ProjectCompetitor(CompetitorMixin, ModelSQL, ModelView):
    "Competitor on a project"
    __name__ = 'crm.project.competitor'
    __string__ = "Project Competitor"

    project = fields.Many2One(
        'crm.project', "Project", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('project')


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    crm_projects = One2ManyBySearch(
        'crm.project', 'customer', "Projects",
        states={'invisible': ~Eval('crm_customer_type')},
        help="The projects run for the customer as main customer.")
    crm_project_partners = One2ManyBySearch(
        'crm.project.party', 'customer', "Partner in Projects",
        states={'invisible': ~Eval('crm_customer_type')},
        help="The projects in which the customer is a partner unit.")
