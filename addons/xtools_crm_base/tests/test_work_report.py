"""Work reports (SPEC B9): periods and lateness, the submission grid across
a month end and a weekend, the reference data, who reads and comments,
the reminders of the reports due."""
import contextlib
import datetime as dt
import json
import unittest
from unittest.mock import patch

from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.company.tests import set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from ..work_period import due_date, grid_periods, late_days, period_of
from .tools import build_organisation

D = dt.date
# January 2026 ends on a Saturday; 30 January is a Friday
FRI_30 = D(2026, 1, 30)
MON_2 = D(2026, 2, 2)
TUE_3 = D(2026, 2, 3)


@contextlib.contextmanager
def as_user(user):
    "In-process as user, with the access checks of an RPC call"
    with Transaction().set_user(user.id), \
            Transaction().set_context(_check_access=True):
        yield


def backdate(users, day):
    """Make as if the users' accounts were made on day: reports are owed
    from then on"""
    User = Pool().get('res.user')
    users = list(users)
    table = User.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*table.update(
            [table.create_date], [dt.datetime.combine(day, dt.time(8))],
            where=table.id.in_([u.id for u in users])))
    # Forget what the transaction remembers of the rows
    transaction = Transaction()
    transaction.counter += 1
    for cache in transaction.cache.values():
        for user in users:
            cache.get(User.__name__, {}).pop(user.id, None)


def at(day, hour=10):
    "A naive UTC datetime on day (the test company has no timezone)"
    return dt.datetime.combine(day, dt.time(hour))


def write_report(user, type_, day, summary="今天拜访了两家客户。"):
    Report = Pool().get('crm.work.report')
    with as_user(user):
        report, = Report.create([{
                    'type': type_, 'date': day, 'summary': summary,
                    'plan': "明天跟进报价。"}])
    return report


def submit(user, report, when):
    "Submit report as user at the naive UTC datetime when"
    Report = Pool().get('crm.work.report')
    with patch.object(Report, 'submission_time', return_value=when), \
            as_user(user):
        Report.submit([report])
    return Report(report.id)


def grid(user, type_, day, today):
    "The grid rows user sees: {login: (cells, on_time, late, missing)}"
    pool = Pool()
    Grid = pool.get('crm.work.report.grid')
    Date = pool.get('ir.date')
    columns = len(grid_periods(type_, day))
    names = ['c%02d' % n for n in range(1, columns + 1)]
    with patch.object(Date, 'today', return_value=today), as_user(user), \
            Transaction().set_context(
                crm_period_type=type_, crm_period_date=day):
        rows = Grid.search([])
        values = Grid.read([r.id for r in rows],
            ['user.login'] + names + ['on_time', 'late', 'missing'])
    return {v['user.']['login']: (
            [v[n] for n in names], v['on_time'], v['late'], v['missing'])
        for v in values}


class WorkPeriodTestCase(unittest.TestCase):
    "Periods, due dates and lateness, as plain dates"

    def test_periods_and_due_dates(self):
        "A week runs Monday to Sunday, due Friday; a month due its last day"
        self.assertEqual(period_of('daily', FRI_30), (FRI_30, FRI_30))
        self.assertEqual(
            period_of('weekly', D(2026, 1, 31)),
            (D(2026, 1, 26), D(2026, 2, 1)))
        self.assertEqual(due_date('weekly', D(2026, 1, 26)), FRI_30)
        self.assertEqual(
            period_of('monthly', D(2026, 2, 14)),
            (D(2026, 2, 1), D(2026, 2, 28)))
        self.assertEqual(due_date('monthly', D(2026, 1, 1)), D(2026, 1, 31))
        self.assertEqual(due_date('monthly', D(2028, 2, 1)), D(2028, 2, 29))

    def test_late_days_count_working_days(self):
        "Friday's report written on Monday is one day late, not three"
        self.assertEqual(late_days(FRI_30, FRI_30), 0)
        self.assertEqual(late_days(FRI_30, D(2026, 1, 29)), 0)
        self.assertEqual(late_days(FRI_30, MON_2), 1)
        self.assertEqual(late_days(FRI_30, TUE_3), 2)
        # Due on a Saturday (January's monthly report), written on Sunday:
        # late all the same
        self.assertEqual(late_days(D(2026, 1, 31), D(2026, 2, 1)), 1)
        self.assertEqual(late_days(D(2026, 1, 31), MON_2), 1)

    def test_grid_periods_across_month_end(self):
        "A week belongs to the month of its Friday"
        weeks = grid_periods('weekly', D(2026, 1, 15))
        self.assertEqual([due for _, _, due in weeks], [
                D(2026, 1, 2), D(2026, 1, 9), D(2026, 1, 16),
                D(2026, 1, 23), FRI_30])
        # The first week of January starts in December
        self.assertEqual(weeks[0][0], D(2025, 12, 29))
        self.assertEqual(len(grid_periods('daily', D(2026, 2, 10))), 28)
        self.assertEqual(len(grid_periods('monthly', D(2026, 6, 1))), 12)


class WorkReportTestCase(unittest.TestCase):
    "Work reports in a company"

    @classmethod
    def setUpClass(cls):
        activate_module('xtools_crm_base')

    @with_transaction()
    def test_submission_grid_across_month_end_and_weekend(self):
        "The grid says ✓, +n working days late or missing, not for weekends"
        company, users, _ = build_organisation()
        staff, peer = users['staff_a1'], users['staff_a2']
        # Everyone was there before January, but the peer came on the 29th
        backdate(users.values(), D(2025, 12, 1))
        backdate([peer], D(2026, 1, 29))
        with set_company(company):
            # Daily: Thursday on time, Friday written on Monday, Wednesday
            # never; the weekend owes nothing
            submit(staff, write_report(staff, 'daily', D(2026, 1, 29)),
                at(D(2026, 1, 29), 9))
            late = submit(staff, write_report(staff, 'daily', FRI_30),
                at(MON_2))
            self.assertEqual((late.late_days, late.punctuality), (1, '+1'))
            self.assertEqual(late.submitted_date, MON_2)
            # Weekly: the week of New Year's Eve is January's first week
            submit(staff, write_report(staff, 'weekly', D(2025, 12, 31)),
                at(D(2026, 1, 2)))
            submit(staff, write_report(staff, 'weekly', D(2026, 1, 28)),
                at(TUE_3))
            # Monthly: January is due on Saturday the 31st
            submit(staff, write_report(staff, 'monthly', D(2026, 1, 10)),
                at(MON_2))
            # A draft is not a submission
            write_report(peer, 'daily', FRI_30)

            daily = grid(users['manager_a'], 'daily', D(2026, 1, 5), TUE_3)
            cells, on_time, late, missing = daily['staff_a1']
            self.assertEqual(len(cells), 31)
            self.assertEqual(cells[28:31], ['✓', '+1', ''])  # 29, 30, 31
            self.assertEqual(cells[27], "Missing")           # Wednesday 28
            self.assertEqual(cells[23:25], ['', ''])         # 24–25: weekend
            # 22 working days in January 2026, 20 of them without report
            self.assertEqual((on_time, late, missing), (1, 1, 20))
            # The peer owes no report before the 29th
            self.assertEqual(
                daily['staff_a2'][0][26:30], ['', '', "Missing", "Missing"])

            weekly = grid(users['manager_a'], 'weekly', D(2026, 1, 5), TUE_3)
            cells, on_time, late, missing = weekly['staff_a1']
            self.assertEqual(
                cells, ['✓', "Missing", "Missing", "Missing", '+2'])
            self.assertEqual((on_time, late, missing), (1, 1, 3))

            monthly = grid(
                users['manager_a'], 'monthly', D(2026, 7, 1), TUE_3)
            cells = monthly['staff_a1'][0]
            # January late by Monday; February not due yet; none after
            self.assertEqual(cells[:3], ['+1', '', ''])

            # Today's daily report is not missing yet
            today = grid(users['manager_a'], 'daily', FRI_30, FRI_30)
            self.assertEqual(today['staff_a2'][0][29], '')

    @with_transaction()
    def test_who_sees_the_grid_and_the_reports(self):
        "Staff see their own; managers and assistants their departments"
        pool = Pool()
        Report = pool.get('crm.work.report')
        Comment = pool.get('crm.work.report.comment')
        company, users, _ = build_organisation()
        staff = users['staff_a1']
        with set_company(company):
            report = submit(staff, write_report(staff, 'daily', FRI_30),
                at(FRI_30))
            draft = write_report(staff, 'daily', D(2026, 1, 29))
            for login in ['boss', 'manager_a', 'assistant_a']:
                with self.subTest(reader=login), as_user(users[login]):
                    self.assertEqual(Report.search([]), [report])
                    comment, = Comment.create([{
                                'report': report.id,
                                'text': f"{login}：很好，继续跟进。"}])
                    self.assertEqual(comment.author, users[login])
            for login in ['staff_a2', 'manager_b', 'staff_b', 'keeper']:
                with self.subTest(outsider=login), as_user(users[login]):
                    self.assertEqual(Report.search([]), [])
                    with self.assertRaises(AccessError):
                        Report.read([report.id], ['summary'])
                    with self.assertRaises(AccessError):
                        Comment.create([{
                                    'report': report.id, 'text': "看看"}])
            with as_user(staff):
                self.assertEqual(
                    sorted(Report.search([])), sorted([report, draft]))
                # Submitted: read-only, not deleted
                with self.assertRaises(ValidationError):
                    Report.write([report], {'summary': "改一下"})
                with self.assertRaises(ValidationError):
                    Report.delete([report])
                # (the outsiders' refused comments are only rolled back
                # over RPC)
                leaders = Comment.search([('author', 'in', [
                                users[u].id for u in [
                                    'boss', 'manager_a', 'assistant_a']])])
                self.assertEqual(len(leaders), 3)
                # A leader's comment is theirs to change
                with self.assertRaises(AccessError):
                    Comment.write(leaders, {'text': "改"})

            grids = {login: sorted(grid(
                        users[login], 'daily', FRI_30, TUE_3))
                for login in ['staff_a1', 'manager_a', 'assistant_a',
                    'manager_b', 'boss']}
            self.assertEqual(grids['staff_a1'], ['staff_a1'])
            self.assertEqual(grids['manager_a'], grids['assistant_a'])
            self.assertEqual(grids['manager_a'], [
                    'assistant_a', 'manager_a', 'staff_a1', 'staff_a2'])
            self.assertEqual(grids['manager_b'], ['manager_b', 'staff_b'])
            self.assertEqual(grids['boss'], [
                    'assistant_a', 'manager_a', 'manager_b', 'staff_a1',
                    'staff_a2', 'staff_b'])

    @with_transaction()
    def test_submitted_report_is_frozen(self):
        "Submitting needs a summary; then nothing changes, even as root"
        Report = Pool().get('crm.work.report')
        company, users, _ = build_organisation()
        staff = users['staff_a1']
        with set_company(company):
            report = write_report(staff, 'weekly', FRI_30, summary=None)
            self.assertEqual(
                (report.period_start, report.period_end, report.due_date),
                (D(2026, 1, 26), D(2026, 2, 1), FRI_30))
            with self.assertRaises(ValidationError):
                submit(staff, report, at(FRI_30))
            with as_user(staff):
                Report.write([report], {'summary': "本周签了一单。"})
                with self.assertRaises(ValidationError):
                    Report.write([report], {'date': D(2026, 2, 9)})
            report = submit(staff, report, at(FRI_30))
            self.assertEqual(report.state, 'submitted')
            with self.assertRaises(ValidationError):
                Report.write([report], {'plan': "root"})
            with self.assertRaises(ValidationError):
                Report.delete([report])
            with self.assertRaises(ValidationError):
                write_report(staff, 'daily', D(1, 1, 1))
            # One report per period (last: the failed insert ends the
            # transaction on SQLite)
            with self.assertRaises(ValidationError):
                write_report(staff, 'weekly', D(2026, 1, 27))

    @with_transaction()
    def test_reference_data_of_the_period(self):
        "Activities, new customers, tasks done and overdue of the author"
        pool = Pool()
        Activity = pool.get('crm.activity')
        Task = pool.get('crm.task')
        Party = pool.get('party.party')
        Share = pool.get('crm.customer.share')
        Report = pool.get('crm.work.report')
        company, users, customers = build_organisation()
        staff = users['staff_a1']
        own = customers['staff_a1']
        other = customers['staff_b']
        today = pool.get('ir.date').today()
        with set_company(company):
            Share.create([{
                        'customer': other.id, 'user': staff.id,
                        'mode': 'write'}])
            with as_user(staff):
                Activity.create([
                        {'customer': own.id, 'subject': "电话沟通需求",
                            'date': today},
                        {'customer': other.id, 'subject': "共享客户拜访",
                            'date': today},
                        {'customer': own.id, 'subject': "上月的电话",
                            'date': today - dt.timedelta(days=40)},
                        ])
                done, overdue, _ = Task.create([
                        {'subject': "寄样品", 'customer': own.id,
                            'due_date': today},
                        {'subject': "回访", 'customer': own.id,
                            'due_date': today - dt.timedelta(days=2)},
                        {'subject': "下周报价", 'customer': own.id,
                            'due_date': today + dt.timedelta(days=7)},
                        ])
                Task.done([done])
            report = write_report(staff, 'daily', today)
        facts = {f.kind: f for f in report.facts}
        self.assertEqual(
            list(facts),
            ['activities', 'new_customers', 'tasks_done', 'tasks_overdue'])
        self.assertEqual(facts['activities'].count, 2)
        # The shared customer is counted, not named: the author's
        # managers may not read it
        self.assertIn("电话沟通需求", facts['activities'].detail)
        self.assertNotIn("共享客户拜访", facts['activities'].detail)
        self.assertNotIn(other.name, facts['activities'].detail)
        # Created today by the organisation builder
        self.assertEqual(facts['new_customers'].count, 1)
        self.assertEqual(facts['new_customers'].detail, own.name)
        self.assertEqual(
            (facts['tasks_done'].count, facts['tasks_done'].detail),
            (1, "寄样品"))
        self.assertEqual(facts['tasks_overdue'].count, 1)
        self.assertIn("回访", facts['tasks_overdue'].detail)
        # Refreshed: the facts follow the records until the submission
        with set_company(company), as_user(staff):
            Activity.create([{'customer': own.id, 'subject': "补记拜访",
                        'date': today}])
            Report.refresh_facts([report])
            report = Report(report.id)
        self.assertEqual(
            {f.kind: f.count for f in report.facts}['activities'], 3)
        self.assertEqual(Party.search([('id', '=', other.id)]), [other])

    @with_transaction()
    def test_comment_rings_the_author(self):
        "The author finds the manager's comment in the bell"
        pool = Pool()
        Comment = pool.get('crm.work.report.comment')
        Notification = pool.get('res.notification')
        company, users, _ = build_organisation()
        staff = users['staff_a1']
        with set_company(company):
            report = submit(staff, write_report(staff, 'daily', FRI_30),
                at(FRI_30))
            with as_user(users['manager_a']):
                Comment.create([{'report': report.id, 'text': "不错"}])
        bell, = Notification.search([('user', '=', staff.id)])
        self.assertEqual(bell.model, 'crm.work.report')
        self.assertEqual(json.loads(bell.records), [report.id])
        self.assertIn('manager_a', bell.label)
        self.assertFalse(Notification.search(
                [('user', '=', users['manager_a'].id)]))

    @with_transaction()
    def test_reminders_of_reports_due(self):
        "On Friday afternoon: the daily and weekly reports not submitted"
        pool = Pool()
        Reminder = pool.get('crm.work.report.reminder')
        Notification = pool.get('res.notification')
        company, users, _ = build_organisation()
        staff, peer = users['staff_a1'], users['staff_a2']
        with set_company(company):
            submit(staff, write_report(staff, 'daily', FRI_30), at(FRI_30))
            # Before the reminder time (16:00): nothing
            self.assertEqual(
                Reminder.send_reminders(now=at(FRI_30, 15)), [])
            sent = Reminder.send_reminders(now=at(FRI_30, 16))
            self.assertIn((peer.id, 'daily', FRI_30), sent)
            self.assertIn((peer.id, 'weekly', D(2026, 1, 26)), sent)
            self.assertIn((staff.id, 'weekly', D(2026, 1, 26)), sent)
            self.assertNotIn((staff.id, 'daily', FRI_30), sent)
            # Not the keeper (no department), not a monthly report
            self.assertNotIn(users['keeper'].id, {u for u, _, _ in sent})
            self.assertNotIn('monthly', {t for _, t, _ in sent})
            self.assertEqual(len(Notification.search(
                        [('user', '=', peer.id)])), 2)
            # Once
            self.assertEqual(
                Reminder.send_reminders(now=at(FRI_30, 17)), [])
            # Saturday 31 January: the monthly report only
            sent = Reminder.send_reminders(now=at(D(2026, 1, 31), 16))
            self.assertEqual({t for _, t, _ in sent}, {'monthly'})

