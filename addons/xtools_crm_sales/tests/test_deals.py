"""Contracts and orders (S4–S8): who approves, who records money, how
installments are rounded, and the approval state as a search criterion."""
import unittest
from decimal import ROUND_HALF_EVEN, Decimal

from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import create_company, set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from xtools_crm_base.tests.tools import create_organisation

from ..payment import split_amount


class Yuan:
    "A currency rounding to the fen, as currency.currency does"
    rounding = Decimal('0.01')

    def round(self, amount):
        return (amount / self.rounding).quantize(
            Decimal('1.'), rounding=ROUND_HALF_EVEN) * self.rounding


# A sales department with a team, a second department, a boss, a CRM
# administrator and finance
DEPARTMENTS = {"销售部": None, "市场部": None, "销售一部": "销售部"}
USERS = {
    'boss': {'crm_level': 'boss', 'roles': ['boss', 'sales']},
    'crm_admin': {'roles': ['crm_admin']},
    'director': {'crm_level': 'manager', 'crm_department': "销售部"},
    'team_manager': {'crm_level': 'manager', 'crm_department': "销售一部"},
    'staff': {'crm_department': "销售一部"},
    'peer': {'crm_department': "销售一部"},
    'other_manager': {'crm_level': 'manager', 'crm_department': "市场部"},
    'finance': {'roles': ['finance']},
    }


class DealTestCase(unittest.TestCase):
    "Contracts and orders"

    @classmethod
    def setUpClass(cls):
        activate_module('xtools_crm_sales')

    def test_split_amount_rounds_on_the_last_installment(self):
        "Installments are rounded to the fen and total the amount exactly"
        yuan = Yuan()
        self.assertEqual(
            split_amount(Decimal('9999.99'), [30, 60, 10], yuan),
            [Decimal('3000.00'), Decimal('5999.99'), Decimal('1000.00')])
        self.assertEqual(
            split_amount(Decimal('100'), [Decimal('33.33')] * 2
                + [Decimal('33.34')], yuan),
            [Decimal('33.33'), Decimal('33.33'), Decimal('33.34')])
        self.assertEqual(
            split_amount(Decimal('0.01'), [50, 50], yuan),
            [Decimal('0.00'), Decimal('0.01')])
        for amount in ['0.07', '1234.56', '99999999.99', '10']:
            for percentages in [[100], [25, 25, 50], [33, 33, 34],
                    [Decimal('12.5')] * 8, [1, 99]]:
                parts = split_amount(Decimal(amount), percentages, yuan)
                with self.subTest(amount=amount, percentages=percentages):
                    self.assertEqual(sum(parts), Decimal(amount))
                    self.assertTrue(all(
                            p == yuan.round(p) for p in parts))

    @with_transaction()
    def test_who_approves(self):
        "The owner's managers, a boss and a CRM administrator approve"
        pool = Pool()
        Sale = pool.get('sale.sale')
        Party = pool.get('party.party')
        company, _, users, _ = create_organisation(DEPARTMENTS, USERS)
        with set_company(company):
            customer, = Party.create([{
                        'name': "客户", 'crm_customer_type': 'enterprise',
                        'crm_owner': users['staff'].id}])
            deal, = Sale.create([{'party': customer.id}])
            self.assertEqual(deal.crm_owner, users['staff'])
            own_deal, = Sale.create([{
                        'party': customer.id,
                        'crm_owner': users['team_manager'].id}])
            orphan, = Sale.create([{'party': customer.id}])
            Sale.write([orphan], {'crm_owner': None})

        expected = {
            'boss': (True, True, True),
            'crm_admin': (True, True, True),
            'director': (True, True, False),
            'team_manager': (True, False, False),
            'staff': (False, False, False),
            'peer': (False, False, False),
            'other_manager': (False, False, False),
            'finance': (False, False, False),
            }
        for login, (on_deal, on_own, on_orphan) in expected.items():
            user = users[login]
            with self.subTest(user=login):
                self.assertEqual(deal.crm_may_approve(user), on_deal)
                self.assertEqual(own_deal.crm_may_approve(user), on_own)
                self.assertEqual(orphan.crm_may_approve(user), on_orphan)

    @with_transaction()
    def test_approval_state_search(self):
        "The approval state is searchable, and its negation too"
        pool = Pool()
        Sale = pool.get('sale.sale')
        Party = pool.get('party.party')
        company = create_company()
        with set_company(company):
            customer, = Party.create([{'name': "客户"}])
            draft, submitted, rejected, cancelled = Sale.create(
                [{'party': customer.id}] * 4)
            Sale.write([submitted], {'state': 'quotation'})
            Sale.write([rejected], {'crm_rejection_reason': "太贵"})
            Sale.write([cancelled], {'state': 'cancelled'})

            def found(*clause):
                return set(Sale.search([('crm_approval_state', *clause)]))
            self.assertEqual(found('=', 'draft'), {draft})
            self.assertEqual(found('=', 'submitted'), {submitted})
            self.assertEqual(found('=', 'rejected'), {rejected})
            self.assertEqual(found('in', ['draft', 'rejected']),
                {draft, rejected})
            self.assertEqual(found('!=', 'cancelled'),
                {draft, submitted, rejected})
            self.assertEqual(found('=', 'approved'), set())
            self.assertEqual(
                {s: s.crm_approval_state for s in Sale.browse(
                        [draft, submitted, rejected, cancelled])},
                {draft: 'draft', submitted: 'submitted',
                    rejected: 'rejected', cancelled: 'cancelled'})

    @with_transaction()
    def test_money_records_by_role(self):
        """Finance and bosses record receipts, fapiao and refunds; sales
        plan the payments, deliver contracts and handle returns"""
        pool = Pool()
        Access = pool.get('ir.model.access')
        company, _, users, _ = create_organisation(DEPARTMENTS, USERS)
        finance_models = [
            'crm.deal.receipt', 'crm.deal.fapiao', 'crm.deal.refund']
        sales_models = [
            'crm.payment.plan', 'crm.deal.delivery', 'crm.deal.return',
            'crm.deal.return.line']
        models = finance_models + sales_models
        everything = {'read', 'write', 'create', 'delete'}
        expected = {
            'staff': {**dict.fromkeys(finance_models, {'read'}),
                **dict.fromkeys(sales_models, everything)},
            'finance': {**dict.fromkeys(finance_models, everything),
                **dict.fromkeys(sales_models, {'read'})},
            'boss': dict.fromkeys(models, everything),
            }
        for login, model_perms in expected.items():
            with Transaction().set_user(users[login].id):
                access = Access.get_access(models)
            for model, perms in model_perms.items():
                with self.subTest(user=login, model=model):
                    granted = {p for p, v in access[model].items() if v}
                    self.assertEqual(granted, perms)

    @with_transaction()
    def test_received_plan_frozen_but_follows_receipts(self):
        """A received plan refuses any change but its status, which the
        receipts maintain"""
        pool = Pool()
        Sale = pool.get('sale.sale')
        Party = pool.get('party.party')
        Plan = pool.get('crm.payment.plan')
        company = create_company()
        with set_company(company):
            customer, = Party.create([{'name': "客户"}])
            deal, = Sale.create([{'party': customer.id}])
            # (the deal has no lines: its total is not checked here)
            with Transaction().set_context(
                    _crm_deal_plans_saved_with_deal=True):
                plan, = Plan.create([{
                            'deal': deal.id, 'name': "全款",
                            'due_date': pool.get('ir.date').today(),
                            'amount': Decimal('10')}])
            Plan.write([plan], {'state': 'partial'})
            with self.assertRaises(AccessError):
                Plan.write([plan], {'note': "改一下"})
            with self.assertRaises(AccessError):
                Plan.delete([plan])
            Plan.write([plan], {'state': 'unpaid'})
            Plan.write([plan], {'note': "改一下"})
