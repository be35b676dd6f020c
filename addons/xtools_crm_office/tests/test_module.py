import datetime as dt
from decimal import Decimal

from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.company.tests import create_company, set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction
from xtools_crm_base.tests.view_checks import CrmViewChecksMixin


def _organisation(company):
    "A department with its manager and two staff, and a boss"
    pool = Pool()
    Department = pool.get('crm.department')
    User = pool.get('res.user')
    department, = Department.create([
            {'name': "销售一部", 'company': company.id}])
    users = User.create([{
                'login': login, 'name': login, 'crm_level': level,
                'crm_department': department.id if level != 'boss' else None,
                'company': company.id,
                'companies': [('add', [company.id])],
                } for login, level in [
                ('chen', 'manager'), ('zhang', 'staff'), ('zhao', 'staff'),
                ('wang', 'boss')]])
    return dict(zip(['manager', 'staff', 'peer', 'boss'], users))


class CrmOfficeTestCase(CrmViewChecksMixin, ModuleTestCase):
    "Test the XToolsCRM office module"
    module = 'xtools_crm_office'

    @with_transaction()
    def test_leave_chain(self):
        "A leave request is approved by the department manager alone"
        Approval = Pool().get('crm.office.approval')
        company = create_company()
        with set_company(company):
            people = _organisation(company)
            with Transaction().set_user(people['staff'].id):
                leave, = Approval.create([{
                            'kind': 'leave', 'leave_type': 'annual',
                            'start_date': dt.date(2026, 5, 6),
                            'end_date': dt.date(2026, 5, 7),
                            'reason': "回老家"}])
                self.assertEqual(leave.requester, people['staff'])
                Approval.submit([leave])
            self.assertEqual(leave.step, 'manager')
            self.assertEqual(leave.manager, people['manager'])
            self.assertFalse(leave.needs_boss)
            with Transaction().set_user(people['boss'].id):
                with self.assertRaisesRegex(AccessError, "manager chen"):
                    Approval.approve([leave])
            with Transaction().set_user(people['manager'].id):
                Approval.approve([leave])
            self.assertEqual(leave.state, 'approved')
            self.assertEqual(leave.manager_approved_by, people['manager'])

    @with_transaction()
    def test_expense_above_amount_needs_boss(self):
        "An expense above the settings' amount goes to the boss too"
        pool = Pool()
        Approval = pool.get('crm.office.approval')
        Configuration = pool.get('crm.configuration')
        company = create_company()
        with set_company(company):
            people = _organisation(company)
            Configuration.write([Configuration(1)], {
                    'office_boss_amount': Decimal(1000)})
            with Transaction().set_user(people['staff'].id):
                small, big = Approval.create([{
                            'kind': 'expense', 'amount': Decimal(amount),
                            'reason': "客户招待"}
                        for amount in ['1000', '1000.01']])
                Approval.submit([small, big])
                with self.assertRaisesRegex(AccessError, "your own"):
                    Approval.approve([big])
            self.assertEqual((small.needs_boss, big.needs_boss),
                (False, True))
            with Transaction().set_user(people['manager'].id):
                Approval.approve([small, big])
            self.assertEqual((small.state, big.state),
                ('approved', 'submitted'))
            self.assertEqual(big.step, 'boss')
            with Transaction().set_user(people['manager'].id):
                with self.assertRaisesRegex(AccessError, "a boss"):
                    Approval.approve([big])
            with Transaction().set_user(people['boss'].id):
                Approval.approve([big])
            self.assertEqual(big.state, 'approved')
            self.assertEqual(big.boss_approved_by, people['boss'])

    @with_transaction()
    def test_incomplete_request_refused(self):
        "A leave without dates or an expense without amount is not sent"
        Approval = Pool().get('crm.office.approval')
        company = create_company()
        with set_company(company):
            people = _organisation(company)
            with Transaction().set_user(people['staff'].id):
                leave, expense = Approval.create([
                        {'kind': 'leave', 'reason': "病假"},
                        {'kind': 'expense', 'reason': "差旅"}])
                with self.assertRaisesRegex(ValidationError, "leave type"):
                    Approval.submit([leave])
                with self.assertRaisesRegex(ValidationError, "amount"):
                    Approval.submit([expense])
            self.assertEqual(leave.state, 'draft')

    @with_transaction()
    def test_manager_request_goes_to_boss(self):
        "A manager's own request, with nobody above, goes to a boss"
        Approval = Pool().get('crm.office.approval')
        company = create_company()
        with set_company(company):
            people = _organisation(company)
            with Transaction().set_user(people['manager'].id):
                trip, = Approval.create([{
                            'kind': 'travel', 'destination': "广州",
                            'start_date': dt.date(2026, 6, 1),
                            'end_date': dt.date(2026, 6, 3),
                            'amount': Decimal(300), 'reason': "展会"}])
                Approval.submit([trip])
            self.assertEqual((trip.step, trip.manager, trip.needs_boss),
                ('boss', None, True))

    @with_transaction()
    def test_work_log_duration(self):
        "A work log lasts at most a day"
        WorkLog = Pool().get('crm.office.work.log')
        company = create_company()
        with set_company(company):
            log = WorkLog(content="整理客户资料",
                duration=dt.timedelta(hours=25))
            with self.assertRaisesRegex(ValidationError, "more than a day"):
                log.save()

    @with_transaction()
    def test_training_dates(self):
        "A course cannot end before it starts"
        Training = Pool().get('crm.office.training')
        company = create_company()
        with set_company(company):
            course = Training(name="产品培训",
                start_date=dt.date(2026, 4, 10),
                end_date=dt.date(2026, 4, 9))
            with self.assertRaisesRegex(ValidationError, "before it starts"):
                course.save()


del ModuleTestCase
