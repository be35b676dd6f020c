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
            # Each approver's bell rang in turn, then the requester's
            Notification = pool.get('res.notification')
            rung = sorted((n.user.login, n.records) for n in
                Notification.search([('model', '=', Approval.__name__)]))
            self.assertEqual(rung, sorted([
                        ('chen', f'[{small.id}]'), ('chen', f'[{big.id}]'),
                        ('wang', f'[{big.id}]'),
                        ('zhang', f'[{small.id}]'),
                        ('zhang', f'[{big.id}]')]))

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
    def test_work_log_duration_typed_badly(self):
        "A duration that is not one is refused with a clear error"
        WorkLog = Pool().get('crm.office.work.log')
        company = create_company()
        with set_company(company):
            for bad in ['a\x07b', '1:2:3:4', '1:x', float('nan'), [1]]:
                with self.subTest(bad=bad), self.assertRaisesRegex(
                        ValidationError, "must be a duration"):
                    WorkLog.create([{'content': "整理客户资料",
                                'duration': bad}])
            log, = WorkLog.create([{'content': "整理客户资料",
                        'duration': '1:30'}])
            self.assertEqual(log.duration, dt.timedelta(minutes=90))

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

    @with_transaction()
    def test_peer_does_not_see_request(self):
        "A colleague neither finds nor reads a submitted leave request"
        Approval = Pool().get('crm.office.approval')
        company = create_company()
        with set_company(company):
            people = _organisation(company)
            with Transaction().set_user(people['staff'].id):
                leave, = Approval.create([{
                            'kind': 'leave', 'leave_type': 'sick',
                            'start_date': dt.date(2026, 5, 6),
                            'end_date': dt.date(2026, 5, 6),
                            'reason': "发烧"}])
                Approval.submit([leave])
            for who, seen in [('peer', []), ('manager', [leave]),
                    ('boss', [leave]), ('staff', [leave])]:
                with Transaction().set_user(people[who].id), \
                        Transaction().set_context(_check_access=True):
                    self.assertEqual(Approval.search([]), seen, who)
            with Transaction().set_user(people['peer'].id), \
                    Transaction().set_context(_check_access=True):
                with self.assertRaises(AccessError):
                    Approval.read([leave.id], ['reason'])

    @with_transaction()
    def test_document_scopes(self):
        "Private, shared and public documents and their files"
        pool = Pool()
        Document = pool.get('crm.office.document')
        Attachment = pool.get('ir.attachment')
        company = create_company()
        with set_company(company):
            people = _organisation(company)
            with Transaction().set_user(people['staff'].id):
                private, shared, public = Document.create([
                        {'name': "我的笔记", 'scope': 'private'},
                        {'name': "报价模板", 'scope': 'shared',
                            'shared_users': [
                                ('add', [people['boss'].id])]},
                        {'name': "公司制度", 'scope': 'public'},
                        ])
                Attachment.create([{
                            'name': 'notes.txt', 'data': b'secret',
                            'resource': str(private)}])
            expected = {
                'staff': {private, shared, public},
                'boss': {shared, public},
                'peer': {public},
                }
            for who, seen in expected.items():
                with Transaction().set_user(people[who].id), \
                        Transaction().set_context(_check_access=True):
                    self.assertEqual(set(Document.search([])), seen, who)
            with Transaction().set_user(people['peer'].id), \
                    Transaction().set_context(_check_access=True):
                self.assertEqual(Attachment.search([
                            ('resource', '=', str(private))]), [])
                with self.assertRaises(AccessError):
                    Document.write([public], {'name': "改"})
            # Shared with the department: the colleague now reads it
            Document.write([shared], {
                    'shared_departments': [
                        ('add', [people['peer'].crm_department.id])]})
            with Transaction().set_user(people['peer'].id), \
                    Transaction().set_context(_check_access=True):
                self.assertEqual(set(Document.search([])), {shared, public})

    @with_transaction()
    def test_training_attendees_follow_customer(self):
        "Who cannot see a customer does not see it among the attendees"
        pool = Pool()
        Party = pool.get('party.party')
        Training = pool.get('crm.office.training')
        company = create_company()
        with set_company(company):
            people = _organisation(company)
            customer, = Party.create([{
                        'name': "上海明珠广告有限公司",
                        'crm_customer_type': 'enterprise',
                        'crm_owner': people['staff'].id}])
            course, = Training.create([{
                        'name': "新款会议桌产品培训",
                        'start_date': dt.date(2026, 9, 1),
                        'end_date': dt.date(2026, 9, 1),
                        'attendees': [('create', [
                                    {'customer': customer.id}])]}])
            for who, count in [('staff', 1), ('manager', 1), ('peer', 0)]:
                with Transaction().set_user(people[who].id), \
                        Transaction().set_context(_check_access=True):
                    # As the client reads the course
                    values, = Training.read([course.id], ['attendees'])
                    self.assertEqual(len(values['attendees']), count, who)


del ModuleTestCase
