"""Projects (项目型跟单, SPEC S2): a deal with several companies — a main
customer plus partner units (builder 施工方, designer 设计方, supplier 供货方,
end customer 最终客户) — followed through the same seven-stage funnel as
opportunities, then implemented and accepted (售前 → 实施 → 验收).

A project is visible to whoever sees its main customer. Its activities,
tasks and schedules show on the view of every customer involved (see
followup.py). A deal is tracked either by a project or by an opportunity,
never both (不要重复使用项目和销售机会管理同一件事情)."""
from sql.functions import CharLength

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.company.model import employee_field
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction

from xtools_crm_base.customer_related import CustomerRelatedMixin
from xtools_crm_base.dictionary import dictionary_field

from .exceptions import ProjectValidationError

STATES = [
    ('presale', "Pre-Sale"),
    ('implementation', "Implementation"),
    ('acceptance', "Acceptance"),
    ('closed', "Closed"),
    ('lost', "Lost"),
    ('cancelled', "Cancelled"),
    ]


class Project(CustomerRelatedMixin, Workflow, ModelSQL, ModelView):
    "Project (项目)"
    __name__ = 'crm.project'
    __string__ = "Project"

    _presale = {'readonly': Eval('state') != 'presale'}
    _open = {'readonly': Eval('state').in_(['closed', 'lost', 'cancelled'])}

    number = fields.Char("Number", readonly=True)
    name = fields.Char("Name", required=True, states=_open)
    company = fields.Many2One(
        'company.company', "Company", required=True,
        states={
            'readonly': (Eval('state') != 'presale') | Eval('customer', True),
            })
    currency = fields.Many2One(
        'currency.currency', "Currency", required=True, states=_presale)
    customer = fields.Many2One(
        'party.party', "Main Customer", required=True, ondelete='RESTRICT',
        domain=[('crm_customer_type', '!=', None)],
        context={'company': Eval('company', -1)}, depends={'company'},
        states=_presale,
        help="The customer the project is run for (项目主客户): whoever sees "
        "this customer sees the project.")
    partners = fields.One2Many(
        'crm.project.party', 'project', "Partner Units", states=_open,
        help="The other companies involved (协作单位): builder, designer, "
        "supplier, end customer …")
    customers = fields.Function(fields.Many2Many(
            'party.party', None, None, "Customers",
            context={'company': Eval('company', -1)}, depends={'company'},
            help="The main customer and the partner units."),
        'get_customers', searcher='search_customers')
    employee = employee_field(
        "Salesperson", states=['closed', 'lost', 'cancelled'])
    stage = fields.Many2One(
        'crm.opportunity.stage', "Stage", required=True, ondelete='RESTRICT',
        states=_presale,
        help="The pre-sale stage reached: it sets the probability, which "
        "may then be changed by hand.")
    probability = fields.Float(
        "Probability", digits=(1, 4), required=True,
        domain=[('probability', '>=', 0), ('probability', '<=', 1)],
        states=_presale)
    amount = Monetary(
        "Expected Amount", currency='currency', digits='currency',
        states=_open)
    expected_date = fields.Date(
        "Expected Signing", states=_presale,
        help="When the contract is expected to be signed.")
    start_date = fields.Date("Start Date", required=True, states=_presale)
    end_date = fields.Date(
        "End Date", readonly=True,
        help="When the project was closed, lost or cancelled.")
    description = fields.Text("Description", states=_open)
    requirements = fields.Text(
        "Requirements", states=_open,
        help="What the customers need, in detail (详细需求).")
    solution = fields.Text(
        "Solution", states=_open, help="The solution proposed (解决方案).")
    competitors = fields.One2Many(
        'crm.project.competitor', 'project', "Competitors", states=_open)
    decisions = fields.One2Many(
        'crm.project.decision', 'project', "Decision Map", states=_open,
        help="Who decides what among the customers' contacts "
        "(决策人关系图).")
    quotes = fields.One2Many(
        'crm.quote', 'project', "Quotes",
        context={'crm_customer': Eval('customer', -1)},
        depends={'customer'})
    sales = fields.One2Many(
        'sale.sale', 'crm_project', "Contracts and Orders", readonly=True)
    activities = fields.One2Many(
        'crm.activity', 'project', "Activity History",
        context={'crm_customer': Eval('customer', -1)},
        depends={'customer'})
    tasks = fields.One2Many(
        'crm.task', 'project', "Tasks",
        context={'crm_customer': Eval('customer', -1)},
        depends={'customer'})
    schedules = fields.One2Many(
        'crm.schedule', 'project', "Schedules",
        context={'crm_customer': Eval('customer', -1)},
        depends={'customer'})
    timeline = fields.One2Many(
        'crm.customer.timeline', 'project', "Follow-up", readonly=True,
        filter=[('via_project', '=', False)],
        help="Activities, tasks and schedules of the project, "
        "latest first.")
    lost_reason = dictionary_field(
        'lost_reason', "Lost Reason",
        states={
            'readonly': ~Eval('state').in_(['presale', 'lost']),
            },
        help="Why the project was lost: required to mark it as lost.")
    state = fields.Selection(
        STATES, "State", required=True, readonly=True, sort=False)

    del _presale, _open

    @classmethod
    def __setup__(cls):
        cls.number.search_unaccented = False
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.customer, Index.Equality())),
                Index(t, (t.number, Index.Similarity())),
                Index(
                    t, (t.state, Index.Equality(cardinality='low')),
                    where=t.state == 'presale'),
                })
        cls._order = [
            ('start_date', 'DESC'),
            ('id', 'DESC'),
            ]
        cls._transitions |= {
            ('presale', 'implementation'),
            ('implementation', 'acceptance'),
            ('acceptance', 'closed'),
            ('implementation', 'presale'),
            ('acceptance', 'implementation'),
            ('presale', 'lost'),
            ('presale', 'cancelled'),
            ('lost', 'presale'),
            ('cancelled', 'presale'),
            }
        cls._buttons.update({
                'presale': {
                    'invisible': ~Eval('state').in_(
                        ['implementation', 'lost', 'cancelled']),
                    'icon': If(Eval('state') == 'implementation',
                        'tryton-back', 'tryton-undo'),
                    'depends': ['state'],
                    },
                'implementation': {
                    'invisible': ~Eval('state').in_(
                        ['presale', 'acceptance']),
                    'icon': If(Eval('state') == 'presale',
                        'tryton-forward', 'tryton-back'),
                    'depends': ['state'],
                    },
                'acceptance': {
                    'invisible': Eval('state') != 'implementation',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'acceptance',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'lost': {
                    'invisible': Eval('state') != 'presale',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') != 'presale',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def order_number(cls, tables):
        table, _ = tables[None]
        return [CharLength(table.number), table.number]

    @classmethod
    def default_state(cls):
        return 'presale'

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_currency(cls, **pattern):
        Company = Pool().get('company.company')
        company = pattern.get('company') or cls.default_company()
        if company is not None and company >= 0:
            return Company(company).currency.id

    @classmethod
    def default_employee(cls):
        return Transaction().context.get('employee')

    @classmethod
    def default_start_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_customer(cls):
        customer = Transaction().context.get('crm_customer')
        if customer is not None and customer >= 0:
            return customer

    @classmethod
    def default_stage(cls):
        return Pool().get('crm.opportunity.stage').first_stage()

    @classmethod
    def default_probability(cls):
        Stage = Pool().get('crm.opportunity.stage')
        stage = cls.default_stage()
        return Stage(stage).probability if stage is not None else 0.0

    @fields.depends('company')
    def on_change_company(self):
        if self.company:
            self.currency = self.company.currency

    @fields.depends('stage')
    def on_change_stage(self):
        if self.stage:
            self.probability = self.stage.probability

    def get_rec_name(self, name):
        if self.number:
            return f'[{self.number}] {self.name}'
        return self.name

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause[:3]
        bool_op = 'AND' if operator.startswith('!') or operator.startswith(
            'not ') else 'OR'
        return [bool_op,
            ('number', operator, value),
            ('name', operator, value),
            ]

    @classmethod
    def get_customers(cls, projects, name):
        return {
            p.id: [p.customer.id] + [u.customer.id for u in p.partners]
            for p in projects}

    @classmethod
    def search_customers(cls, name, clause):
        _, operator, value = clause[:3]
        bool_op = 'AND' if operator.startswith('!') or operator.startswith(
            'not ') else 'OR'
        return [bool_op,
            ('customer', operator, value) + tuple(clause[3:]),
            ('partners.customer', operator, value) + tuple(clause[3:]),
            ]

    @classmethod
    def preprocess_values(cls, mode, values):
        "Numbering, and the probability of a new stage"
        pool = Pool()
        Configuration = pool.get('sale.configuration')
        Stage = pool.get('crm.opportunity.stage')
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('number'):
            company_id = values.get('company', cls.default_company())
            if company_id is not None:
                sequence = Configuration(1).get_multivalue(
                    'crm_project_sequence', company=company_id)
                if sequence:
                    values['number'] = sequence.get()
        if values.get('stage') and 'probability' not in values:
            values['probability'] = Stage(values['stage']).probability
        return values

    @classmethod
    def copy(cls, projects, default=None):
        default = default.copy() if default is not None else {}
        for name in [
                'number', 'end_date', 'quotes', 'sales', 'activities',
                'tasks', 'schedules', 'lost_reason']:
            default.setdefault(name, None)
        return super().copy(projects, default=default)

    @classmethod
    def validate_fields(cls, projects, field_names):
        super().validate_fields(projects, field_names)
        cls.check_partners(projects, field_names)

    @classmethod
    def check_partners(cls, projects, field_names=None):
        "The main customer is not also one of its own partner units"
        if field_names and not field_names & {'customer', 'partners'}:
            return
        for project in projects:
            for partner in project.partners:
                if partner.customer == project.customer:
                    raise ProjectValidationError(gettext(
                            'xtools_crm_sales.msg_project_partner_is_main',
                            customer=partner.customer.rec_name,
                            project=project.rec_name))

    @classmethod
    def _last_stage(cls):
        Stage = Pool().get('crm.opportunity.stage')
        stages = Stage.search([], order=[('sequence', 'DESC NULLS LAST')],
            limit=1)
        return stages[0] if stages else None

    @classmethod
    def _set_end_date(cls, projects):
        cls.write(projects, {'end_date': Pool().get('ir.date').today()})

    @classmethod
    @ModelView.button
    @Workflow.transition('presale')
    def presale(cls, projects):
        cls.write(projects, {'end_date': None})

    @classmethod
    @ModelView.button
    @Workflow.transition('implementation')
    def implementation(cls, projects):
        "Signed (签约实施): the deal reached the last stage of the funnel"
        last = cls._last_stage()
        signed = [p for p in projects if p.state == 'presale']
        if last and signed:
            cls.write(signed, {'stage': last.id, 'probability': 1.0})

    @classmethod
    @ModelView.button
    @Workflow.transition('acceptance')
    def acceptance(cls, projects):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, projects):
        cls._set_end_date(projects)

    @classmethod
    def check_lost_reason(cls, projects):
        for project in projects:
            if project.state == 'presale' and not project.lost_reason:
                raise ProjectValidationError(gettext(
                        'xtools_crm_sales.msg_project_lost_reason',
                        project=project.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('lost')
    def lost(cls, projects):
        cls.check_lost_reason(projects)
        cls._set_end_date(projects)
        cls._crm_deal_shelved(projects)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, projects):
        cls._set_end_date(projects)
        cls._crm_deal_shelved(projects)

    @classmethod
    def _crm_deal_shelved(cls, projects):
        "A shelved deal is no longer a reason to keep its customers hot"
        Party = Pool().get('party.party')
        Party.crm_deal_shelved(list({p.customer for p in projects}))


class Sale(metaclass=PoolMeta):
    "A contract or order signed in a project"
    __name__ = 'sale.sale'

    crm_project = fields.Many2One(
        'crm.project', "Project", ondelete='RESTRICT',
        domain=[If(Bool(Eval('party')),
                ('customers', '=', Eval('party', -1)),
                ())],
        states={
            'readonly': Eval('state') != 'draft',
            },
        help="The project the deal was signed in.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.crm_project, Index.Equality())))

    @classmethod
    def validate_fields(cls, sales, field_names):
        super().validate_fields(sales, field_names)
        cls.check_project_or_opportunity(sales, field_names)

    @classmethod
    def check_project_or_opportunity(cls, sales, field_names=None):
        "A deal is tracked by a project or by an opportunity, not both"
        Opportunity = Pool().get('sale.opportunity')
        if field_names and not field_names & {'crm_project', 'origin'}:
            return
        for sale in sales:
            if sale.crm_project and isinstance(sale.origin, Opportunity):
                raise ProjectValidationError(gettext(
                        'xtools_crm_sales.msg_project_and_opportunity',
                        record=sale.rec_name,
                        project=sale.crm_project.rec_name,
                        opportunity=sale.origin.rec_name))
