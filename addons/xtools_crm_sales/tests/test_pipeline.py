"""The sales pipeline (SPEC S1–S3, S9): who sees opportunities, projects
and quotes, what the funnel counts for whom, the timeline rows of projects,
price lists by customer group and the tracking style menus."""
import datetime as dt
import re
import unittest
from contextlib import contextmanager
from decimal import Decimal
from unittest.mock import patch

from sql import Literal
from sql.aggregate import Count

from trytond import backend
from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.company.tests import create_employee, set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from xtools_crm_base.tests.tools import build_organisation


@contextmanager
def as_user(user):
    "Work as user, with the access checks of an RPC call"
    with Transaction().set_user(user.id), \
            Transaction().set_context(_check_access=True):
        yield


class PipelineTestCase(unittest.TestCase):
    "Opportunities, projects and quotes follow their customer"

    @classmethod
    def setUpClass(cls):
        activate_module('xtools_crm_sales')

    def organisation(self):
        "build_organisation, with the sales role for everybody"
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        company, users, customers = build_organisation()
        sales = ModelData.get_id('xtools_crm_base', 'group_role_sales')
        User.write(list(users.values()), {'groups': [('add', [sales])]})
        return company, users, customers

    @with_transaction()
    def test_timeline_reads_only_the_rows_asked_for(self):
        """PostgreSQL: the timeline's rows of one customer, or read by id
        (as a customer's form reads its timeline), are found in each arm
        of the union (activities, tasks, schedules and the same through
        projects), not filtered after reading every customer's follow-ups
        (seconds with 300,000 activities)"""
        if backend.name != 'postgresql':
            self.skipTest("PostgreSQL's planner")
        Timeline = Pool().get('crm.customer.timeline')
        cursor = Transaction().connection.cursor()
        for domain in [
                [('customer', '=', 424242)],
                [('id', 'in', [424242, 434343])],
                ]:
            sql, params = tuple(Timeline.search(domain, query=True))
            cursor.execute('EXPLAIN ' + sql, params)
            plan = [row for row, in cursor]
            conditions = [line for line in plan if '424242' in line]
            with self.subTest(domain=domain):
                self.assertGreaterEqual(
                    len(conditions), 3, '\n'.join(plan))
                # none left on the union's result (Tryton's alias "a")
                self.assertFalse([line for line in conditions
                        if re.search(r'\ba\.(customer|id)\b', line)],
                    '\n'.join(plan))

    @with_transaction()
    def test_timeline_read_looks_at_the_rows_read_only(self):
        """Reading timeline rows by id (a page of the customer's tab) reads
        in each arm of the union (activities, tasks, schedules, and each
        through projects) only the records of those rows, not every
        follow-up of every customer; every kind of row reads back alike"""
        pool = Pool()
        Project = pool.get('crm.project')
        Activity = pool.get('crm.activity')
        Task = pool.get('crm.task')
        Schedule = pool.get('crm.schedule')
        Timeline = pool.get('crm.customer.timeline')
        company, users, customers = self.organisation()
        main, partner = customers['staff_a1'], customers['staff_b']
        today = pool.get('ir.date').today()
        start = dt.datetime.combine(today, dt.time(9))
        with set_company(company):
            project, = Project.create([{
                        'name': "Tower", 'customer': main.id,
                        'partners': [('create', [{
                                        'customer': partner.id,
                                        'role': 'builder'}])],
                        }])
            for customer in [main, partner]:
                Activity.create([{'customer': customer.id,
                            'subject': f"Call {i}"} for i in range(3)])
            linked = {'customer': main.id, 'project': project.id}
            Activity.create([dict(linked, subject="Kick-off")])
            Task.create([dict(linked, subject="Plan", due_date=today)])
            Schedule.create([dict(linked, subject="Site visit",
                        start=start, end=start + dt.timedelta(hours=1))])

            names = ['subject', 'customer', 'via_project', 'source', 'kind']
            rows = Timeline.search([])
            everything = {r['id']: r
                for r in Timeline.read([r.id for r in rows], names)}
            self.assertEqual(len(rows), 12)
            self.assertEqual(
                sum(r['via_project'] for r in everything.values()), 3)

            unions = []
            table_query = Timeline.table_query

            def recorded():
                union = table_query()
                unions.append(union)
                return union
            cursor = Transaction().connection.cursor()
            for row in rows:
                unions.clear()
                with patch.object(Timeline, 'table_query', recorded):
                    values, = Timeline.read([row.id], names)
                with self.subTest(row=everything[row.id]['subject'],
                        via_project=everything[row.id]['via_project']):
                    self.assertEqual(values, everything[row.id])
                    self.assertTrue(unions)
                    for union in unions:
                        cursor.execute(*union.select(Count(Literal(1))))
                        self.assertEqual(cursor.fetchone()[0], 1)

    @with_transaction()
    def test_opportunity_follows_customer(self):
        "Staff see their own opportunities, leaders their team's, not more"
        pool = Pool()
        Opportunity = pool.get('sale.opportunity')
        company, users, customers = self.organisation()
        with set_company(company):
            opportunities = {
                login: Opportunity.create([{
                            'party': customer.id,
                            'description': f"Deal of {login}",
                            }])[0]
                for login, customer in customers.items()}
            expected = {
                'staff_a1': {'staff_a1'},
                'staff_a2': {'staff_a2'},
                'manager_a': {'staff_a1', 'staff_a2', 'manager_a'},
                'staff_b': {'staff_b'},
                'manager_b': {'staff_b'},
                'boss': set(customers),
                }
            for login, owners in expected.items():
                with self.subTest(user=login):
                    with as_user(users[login]):
                        seen = {o.description for o in Opportunity.search([])}
                    self.assertEqual(
                        seen, {f"Deal of {o}" for o in owners})

            # A colleague can neither read nor change it
            other = opportunities['staff_a1']
            with as_user(users['staff_a2']):
                with self.assertRaises(AccessError):
                    Opportunity.read([other.id], ['description'])
                with self.assertRaises(AccessError):
                    Opportunity.write(
                        [Opportunity(other.id)], {'description': "Mine"})

    @with_transaction()
    def test_opportunity_needs_customer(self):
        "An opportunity has exactly one customer, required from the start"
        Opportunity = Pool().get('sale.opportunity')
        self.assertTrue(Opportunity.party.required)
        self.assertIn('party', Opportunity.__access__)

    @with_transaction()
    def test_stage_sets_probability(self):
        "A new stage brings its probability unless one is given with it"
        pool = Pool()
        Opportunity = pool.get('sale.opportunity')
        Stage = pool.get('crm.opportunity.stage')
        company, users, customers = self.organisation()
        initial, _, needs, *_ = Stage.search([])
        with set_company(company):
            opportunity, = Opportunity.create([{
                        'party': customers['staff_a1'].id}])
            self.assertEqual(opportunity.crm_stage, initial)
            self.assertEqual(opportunity.conversion_probability, 0.1)

            Opportunity.write([opportunity], {'crm_stage': needs.id})
            self.assertEqual(opportunity.conversion_probability, 0.3)

            Opportunity.write([opportunity], {
                    'crm_stage': initial.id,
                    'conversion_probability': 0.25})
            self.assertEqual(opportunity.conversion_probability, 0.25)

    @with_transaction()
    def test_funnel_counts_what_the_user_sees(self):
        "The funnel of a staff member is theirs; their manager's is the team's"
        pool = Pool()
        Opportunity = pool.get('sale.opportunity')
        Stage = pool.get('crm.opportunity.stage')
        company, users, customers = self.organisation()
        stage = Stage.search([])[2]
        with set_company(company):
            Opportunity.create([{
                        'party': customers[login].id,
                        'crm_stage': stage.id,
                        'amount': Decimal('1000'),
                        } for login in ['staff_a1', 'staff_a2', 'staff_b']])
            expected = {
                'staff_a1': (1, Decimal('1000'), Decimal('300')),
                'manager_a': (2, Decimal('2000'), Decimal('600')),
                'staff_b': (1, Decimal('1000'), Decimal('300')),
                'boss': (3, Decimal('3000'), Decimal('900')),
                }
            for login, values in expected.items():
                with self.subTest(user=login), as_user(users[login]):
                    line = Stage(stage.id)
                    self.assertEqual(
                        (line.opportunity_count, line.amount,
                            line.weighted_amount), values)

    @with_transaction()
    def test_won_with_reason(self):
        """Marking an opportunity as won by hand needs its won reason (赢单
        原因), as lost needs the lost reason; a colleague cannot; one won
        by its deal gets its reason afterwards"""
        pool = Pool()
        Opportunity = pool.get('sale.opportunity')
        Dictionary = pool.get('crm.dictionary')
        company, users, customers = self.organisation()
        staff = users['staff_a1']
        reasons = Dictionary.search([('type', '=', 'won_reason')])
        self.assertEqual(
            [r.name for r in reasons], [
                "Price", "Product Quality", "Solution", "Service",
                "Customer Relationship", "Other"])
        price = reasons[0]
        with set_company(company):
            employee = create_employee(company, "Wang")
            signed, by_deal = Opportunity.create([{
                        'party': customers['staff_a1'].id,
                        'employee': employee.id,
                        'description': description,
                        } for description in ["Desks", "Chairs"]])
            with as_user(staff):
                Opportunity.opportunity([Opportunity(signed.id)])
                with self.assertRaises(ValidationError) as cm:
                    Opportunity.crm_win([Opportunity(signed.id)])
            self.assertEqual(cm.exception.message,
                'To mark opportunity "%s" as won, choose its won reason '
                'first.' % signed.rec_name)
            self.assertEqual(Opportunity(signed.id).state, 'opportunity')
            with as_user(users['staff_a2']), self.assertRaises(AccessError):
                Opportunity.crm_win([Opportunity(signed.id)])
            with as_user(staff):
                Opportunity.write(
                    [Opportunity(signed.id)], {'crm_won_reason': price.id})
                Opportunity.crm_win([Opportunity(signed.id)])
            signed = Opportunity(signed.id)
            self.assertEqual(
                (signed.state, signed.crm_won_reason, bool(signed.end_date)),
                ('won', price, True))

            # Tryton wins an opportunity when its deal is approved: that is
            # not refused, and the reason is recorded afterwards.
            Opportunity.write([by_deal], {'state': 'converted'})
            Opportunity.won([by_deal])
            self.assertEqual(Opportunity(by_deal.id).state, 'won')
            with as_user(staff):
                Opportunity.write(
                    [Opportunity(by_deal.id)], {'crm_won_reason': price.id})
            self.assertEqual(Opportunity(by_deal.id).crm_won_reason, price)
            # A copy starts without a reason
            copy, = Opportunity.copy([signed])
            self.assertIsNone(copy.crm_won_reason)

    @with_transaction()
    def test_project_follows_main_customer(self):
        """A project is visible to whoever sees its main customer; a partner
        unit's owner sees the project's activities on their customer"""
        pool = Pool()
        Project = pool.get('crm.project')
        Activity = pool.get('crm.activity')
        Timeline = pool.get('crm.customer.timeline')
        company, users, customers = self.organisation()
        main, partner = customers['staff_a1'], customers['staff_b']
        with set_company(company):
            project, = Project.create([{
                        'name': "Tower",
                        'customer': main.id,
                        'partners': [('create', [{
                                        'customer': partner.id,
                                        'role': 'builder',
                                        }])],
                        }])
            activity, = Activity.create([{
                        'customer': main.id,
                        'subject': "Kick-off",
                        'project': project.id,
                        }])

            def seen(login, model, domain=None):
                Model = pool.get(model)
                with as_user(users[login]):
                    return Model.search(domain or [])

            self.assertEqual(seen('staff_a1', 'crm.project'), [project])
            self.assertEqual(seen('manager_a', 'crm.project'), [project])
            self.assertEqual(seen('staff_b', 'crm.project'), [])
            self.assertEqual(seen('staff_b', 'crm.project.party'), [])

            rows = seen('staff_b', 'crm.customer.timeline', [
                    ('customer', '=', partner.id)])
            self.assertEqual(
                [(r.subject, r.via_project, r.source) for r in rows],
                [("Kick-off", True, None)])
            self.assertEqual(
                seen('staff_b', 'crm.customer.timeline', [
                        ('customer', '=', main.id)]), [])

            # Every row has its own id, the base rows keep their record
            rows = Timeline.search([('subject', '=', "Kick-off")])
            self.assertEqual(len({r.id for r in rows}), 2)
            self.assertEqual(
                {(r.customer, r.via_project) for r in rows},
                {(main, False), (partner, True)})
            own, = [r for r in rows if not r.via_project]
            self.assertEqual(own.source, activity)

    @with_transaction()
    def test_quote_follows_customer(self):
        "A colleague cannot read a salesperson's quote"
        pool = Pool()
        Quote = pool.get('crm.quote')
        company, users, customers = self.organisation()
        with set_company(company):
            quote, = Quote.create([{'customer': customers['staff_a1'].id}])
            with as_user(users['staff_a2']):
                self.assertEqual(Quote.search([]), [])
                with self.assertRaises(AccessError):
                    Quote.read([quote.id], ['number'])
            with as_user(users['manager_a']):
                self.assertEqual(Quote.search([]), [quote])

    @with_transaction()
    def test_price_list_of_customer(self):
        "Own list, else the nearest group's, else the company's default"
        pool = Pool()
        Party = pool.get('party.party')
        Category = pool.get('party.category')
        PriceList = pool.get('product.price_list')
        Configuration = pool.get('sale.configuration')
        company, users, customers = self.organisation()
        with set_company(company):
            parent, = Category.create([{'name': "Old"}])
            child, = Category.create([{'name': "VIP", 'parent': parent.id}])
            default, parent_list, child_list, own = PriceList.create([
                    {'name': "Default"},
                    {'name': "Old",
                        'crm_customer_groups': [('add', [parent.id])]},
                    {'name': "VIP",
                        'crm_customer_groups': [('add', [child.id])]},
                    {'name': "Own"},
                    ])
            Configuration.write(
                [Configuration(1)], {'sale_price_list': default.id})
            nobody, old, vip, special = Party.create([
                    {'name': "Nobody"},
                    {'name': "Old", 'categories': [('add', [parent.id])]},
                    {'name': "VIP", 'categories': [('add', [child.id])]},
                    {'name': "Special",
                        'categories': [('add', [child.id])]},
                    ])
            special.sale_price_list = own
            special.save()
            for party, expected in [
                    (nobody, default), (old, parent_list),
                    (vip, child_list), (special, own)]:
                with self.subTest(party=party.name):
                    self.assertEqual(
                        party.crm_sale_price_list(company), expected)

    @with_transaction()
    def test_tracking_style_shapes_menus(self):
        "Customer-style tracking hides the opportunity menus, per company"
        pool = Pool()
        Menu = pool.get('ir.ui.menu')
        ModelData = pool.get('ir.model.data')
        Configuration = pool.get('crm.configuration')
        company, users, customers = self.organisation()
        menus = [ModelData.get_id('xtools_crm_sales', n)
            for n in ['menu_opportunity_form', 'menu_funnel']]
        user = users['staff_a1']

        def visible_menus():
            with as_user(user), \
                    Transaction().set_context(company=company.id):
                return Menu.search([('id', 'in', menus)])

        self.assertEqual(len(visible_menus()), 2)
        with Transaction().set_context(company=company.id):
            self.assertEqual(Configuration.get_tracking_style(), 'opportunity')
            Configuration.write(
                [Configuration(1)], {'tracking_style': 'customer'})
            self.assertEqual(Configuration.get_tracking_style(), 'customer')
        self.assertEqual(visible_menus(), [])
        # The setting is the company's: without it, the default style
        self.assertEqual(
            Configuration.get_tracking_style(company=-1), 'opportunity')

