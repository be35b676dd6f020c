"""Workbenches (SPEC R1): the board a user lands on after login, the role
switcher, and the approvals waiting for a user."""
import unittest

from trytond.modules.company.tests import set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from trytond.model.exceptions import DomainValidationError

from xtools_crm_base.tests.tools import create_organisation, role_group

DEPARTMENTS = {"销售部": None, "销售一部": "销售部", "市场部": None}
USERS = {
    'boss': {'crm_level': 'boss', 'roles': ['boss', 'sales']},
    'director': {'crm_level': 'manager', 'crm_department': "销售部"},
    'team_manager': {'crm_level': 'manager', 'crm_department': "销售一部"},
    'staff': {'crm_department': "销售一部"},
    'other_manager': {'crm_level': 'manager', 'crm_department': "市场部"},
    'finance': {'roles': ['finance', 'sales']},
    }


def landing_action(user):
    "The first action the user's client runs after login"
    User = Pool().get('res.user')
    with Transaction().set_user(user.id):
        actions = User.get_preferences()['actions']
    return actions[0] if actions else None


def workbench_action(role):
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    Action = pool.get('ir.action')
    return Action.get_action_id(ModelData.get_id(
            'xtools_crm_reports', f'act_workbench_{role}'))


class WorkbenchTestCase(unittest.TestCase):
    "Workbenches"

    @classmethod
    def setUpClass(cls):
        activate_module('xtools_crm_reports')

    @with_transaction()
    def test_land_on_the_workbench_of_the_role(self):
        "Each user lands on the workbench of their first role"
        org = create_organisation(DEPARTMENTS, USERS)
        users = org.users
        self.assertEqual(
            landing_action(users['staff']), workbench_action('sales'))
        self.assertEqual(
            landing_action(users['boss']), workbench_action('boss'))
        self.assertEqual(
            landing_action(users['finance']), workbench_action('sales'))

    @with_transaction()
    def test_switch_role(self):
        """A user with several roles chooses the workbench to land on among
        their roles' only; the others stay in the menu"""
        pool = Pool()
        User = pool.get('res.user')
        Workbench = pool.get('crm.workbench')
        Menu = pool.get('ir.ui.menu')
        org = create_organisation(DEPARTMENTS, USERS)
        finance = org.users['finance']
        mine = Workbench.for_user(finance)
        self.assertEqual(
            [w.action.id for w in mine],
            [Pool().get('ir.model.data').get_id(
                    'xtools_crm_reports', f'act_workbench_{r}')
                for r in ['sales', 'finance']])
        with Transaction().set_user(finance.id):
            User.set_preferences({'crm_workbench': mine[1].id})
        self.assertEqual(landing_action(finance), workbench_action('finance'))
        with Transaction().set_user(finance.id), \
                Transaction().set_context(_check_access=True):
            menus = Menu.search([
                    ('parent', '=', Pool().get('ir.model.data').get_id(
                            'xtools_crm_reports', 'menu_workbench')),
                    ])
            self.assertEqual(len(menus), 2)
        # A change of roles brings the user back to the first role's
        User.write([finance], {
                'groups': [('remove', [role_group('finance')])]})
        self.assertEqual(landing_action(finance), workbench_action('sales'))
        # Only a workbench of the user's roles may be chosen
        boss_workbench, = [w for w in Workbench.search([])
            if w.group.id == role_group('boss')]
        with self.assertRaises(DomainValidationError):
            User.write([finance], {'crm_workbench': boss_workbench.id})

    @with_transaction()
    def test_approvals_waiting_for_me(self):
        "Submitted deals wait for their owner's managers and the bosses"
        pool = Pool()
        Sale = pool.get('sale.sale')
        Party = pool.get('party.party')
        org = create_organisation(DEPARTMENTS, USERS)
        users = org.users
        with set_company(org.company):
            customer, = Party.create([{
                        'name': "客户", 'crm_customer_type': 'enterprise',
                        'crm_owner': users['staff'].id}])
            submitted, draft, own = Sale.create([
                    {'party': customer.id},
                    {'party': customer.id},
                    {'party': customer.id,
                        'crm_owner': users['team_manager'].id},
                    ])
            Sale.write([submitted, own], {'state': 'quotation'})
            expected = {
                'boss': {submitted, own},
                'director': {submitted, own},
                'team_manager': {submitted},
                'staff': set(),
                'other_manager': set(),
                }
            for login, deals in expected.items():
                with Transaction().set_user(users[login].id):
                    with self.subTest(user=login):
                        self.assertEqual(set(Sale.search([
                                        ('crm_awaiting_my_approval', '=',
                                            True)])), deals)
                        self.assertEqual(
                            {d for d in [submitted, draft, own]
                                if Sale(d.id).crm_awaiting_my_approval},
                            deals)
                        self.assertEqual(set(Sale.search([
                                        ('id', 'in', [submitted.id, draft.id,
                                                own.id]),
                                        ('crm_awaiting_my_approval', '=',
                                            False)])),
                            {submitted, draft, own} - deals)

    @with_transaction()
    def test_saved_filter_per_user_and_report(self):
        """A user's saved filter of a report opens the report's filter; other
        users and other reports keep theirs"""
        import datetime as dt
        pool = Pool()
        Filter = pool.get('crm.reporting.filter')
        Context = pool.get('crm.reporting.context')
        SaveFilter = pool.get('crm.reporting.filter.save', type='wizard')
        org = create_organisation(DEPARTMENTS, USERS)
        users, departments = org.users, org.departments
        day = dt.date(2024, 2, 29)
        with Transaction().set_user(users['director'].id), \
                Transaction().set_context(
                    _check_access=True, crm_report='leaderboard',
                    from_date=day, period='day',
                    department=departments["销售一部"].id):
            session_id, _, _ = SaveFilter.create()
            SaveFilter.execute(session_id, {}, 'start')
            SaveFilter.delete(session_id)
        with Transaction().set_user(users['director'].id), \
                Transaction().set_context(crm_report='leaderboard'):
            self.assertEqual(Context.default_from_date(), day)
            self.assertEqual(Context.default_period(), 'day')
            self.assertEqual(
                Context.default_department(), departments["销售一部"].id)
        with Transaction().set_user(users['director'].id), \
                Transaction().set_context(crm_report='sales_summary'):
            self.assertEqual(Context.default_period(), 'month')
        with Transaction().set_user(users['staff'].id), \
                Transaction().set_context(crm_report='leaderboard'):
            self.assertEqual(Context.default_period(), 'month')
            # and the director's saved filter is not the staff's to read
            with Transaction().set_context(_check_access=True):
                self.assertEqual(Filter.search([]), [])
