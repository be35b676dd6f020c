"""Follow-up (SPEC B8): tasks, schedules, activity history, the customer's
timeline and follow-up fields, reminders — and who sees them."""
import datetime as dt
import unittest

from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.company.tests import set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from ..reminder import next_anniversary
from ..schedule import local_day_start
from .tools import build_organisation


def as_user(user):
    return Transaction().set_user(user.id), Transaction().set_context(
        _check_access=True)


class FollowupTestCase(unittest.TestCase):
    "Follow-up: tasks, schedules, activities, timeline and reminders"

    @classmethod
    def setUpClass(cls):
        activate_module('xtools_crm_base')

    def today(self):
        return Pool().get('ir.date').today()

    def activity_type(self, code='call'):
        return Pool().get('ir.model.data').get_id(
            'xtools_crm_base', f'dict_activity_type_{code}')

    @with_transaction()
    def test_activity_updates_customer(self):
        "Activities keep last contact and latest progress up to date"
        pool = Pool()
        Activity = pool.get('crm.activity')
        Party = pool.get('party.party')
        _, users, customers = build_organisation()
        customer = customers['staff_a1']
        other = customers['staff_a2']
        today = self.today()
        old, new = Activity.create([{
                    'customer': customer.id, 'subject': "First call",
                    'date': today - dt.timedelta(days=10),
                    'type': self.activity_type(),
                    }, {
                    'customer': customer.id, 'subject': "Visit: quote asked",
                    'date': today - dt.timedelta(days=2),
                    'type': self.activity_type('visit'),
                    }])
        customer = Party(customer.id)
        self.assertEqual(
            (customer.crm_last_contact_date, customer.crm_latest_progress),
            (today - dt.timedelta(days=2), "Visit: quote asked"))

        # An edited subject is the new progress
        Activity.write([new], {'subject': "Visit: quote sent"})
        self.assertEqual(
            Party(customer.id).crm_latest_progress, "Visit: quote sent")

        # Moved to another customer: both are recomputed
        Activity.write([new], {'customer': other.id})
        customer, other = Party(customer.id), Party(other.id)
        self.assertEqual(
            (customer.crm_last_contact_date, customer.crm_latest_progress),
            (today - dt.timedelta(days=10), "First call"))
        self.assertEqual(other.crm_latest_progress, "Visit: quote sent")

        # Deleted: nothing left
        Activity.delete([old])
        customer = Party(customer.id)
        self.assertEqual(
            (customer.crm_last_contact_date, customer.crm_latest_progress),
            (None, None))

    @with_transaction()
    def test_next_followup_is_earliest_open_task(self):
        "The next follow-up date is the earliest due date of open tasks"
        pool = Pool()
        Task = pool.get('crm.task')
        Party = pool.get('party.party')
        _, users, customers = build_organisation()
        customer = customers['staff_a1']
        today = self.today()
        soon, later = Task.create([{
                    'customer': customer.id, 'subject': "Call back",
                    'due_date': today + dt.timedelta(days=1),
                    }, {
                    'customer': customer.id, 'subject': "Send samples",
                    'due_date': today + dt.timedelta(days=5),
                    }])
        self.assertEqual(Party(customer.id).crm_next_followup_date,
            today + dt.timedelta(days=1))
        Task.done([soon])
        self.assertEqual(Party(customer.id).crm_next_followup_date,
            today + dt.timedelta(days=5))
        Task.cancel([later])
        self.assertIsNone(Party(customer.id).crm_next_followup_date)
        Task.reopen([later])
        self.assertEqual(Party(customer.id).crm_next_followup_date,
            today + dt.timedelta(days=5))

    @with_transaction()
    def test_activity_proposes_next_task(self):
        "An activity proposes its follow-up and plans it for its author"
        pool = Pool()
        Activity = pool.get('crm.activity')
        Party = pool.get('party.party')
        _, users, customers = build_organisation()
        customer = customers['staff_a1']
        today = self.today()

        activity = Activity(customer=customer, date=today)
        activity.subject = "Price too high"
        activity.on_change_subject()
        self.assertEqual(activity.next_task_date, today + dt.timedelta(days=3))
        self.assertEqual(
            activity.next_task_subject, "Follow up: Price too high")
        # The proposal follows the subject until it is edited
        activity.subject = "Price too high for them"
        activity.on_change_subject()
        self.assertEqual(
            activity.next_task_subject, "Follow up: Price too high for them")
        activity.next_task_subject = "Offer 5% discount"
        activity.subject = "Price too high!"
        activity.on_change_subject()
        self.assertEqual(activity.next_task_subject, "Offer 5% discount")

        with Transaction().set_user(users['staff_a1'].id):
            activity.author = users['staff_a1']
            activity.save()
        task, = activity.tasks
        self.assertEqual(
            (task.subject, task.due_date, task.assignee, task.customer,
                task.state),
            ("Offer 5% discount", today + dt.timedelta(days=3),
                users['staff_a1'], customer, 'open'))
        self.assertEqual(Party(customer.id).crm_next_followup_date,
            today + dt.timedelta(days=3))

        # Without a date, nothing is planned
        quiet, = Activity.create([{
                    'customer': customer.id, 'subject': "Greetings card"}])
        self.assertEqual(quiet.tasks, ())

    @with_transaction()
    def test_task_done_late_needs_reason(self):
        "A task done after its due date needs a late reason"
        pool = Pool()
        Task = pool.get('crm.task')
        _, users, customers = build_organisation()
        today = self.today()
        late, in_time = Task.create([{
                    'customer': customers['staff_a1'].id,
                    'subject': "Call back",
                    'due_date': today - dt.timedelta(days=2),
                    }, {
                    'subject': "Prepare the fair", 'due_date': today,
                    }])
        self.assertTrue(late.overdue)
        self.assertEqual(Task.search([('overdue', '=', True)]), [late])

        with self.assertRaises(ValidationError) as cm:
            Task.done([late])
        self.assertIn("Late Reason", str(cm.exception))
        self.assertEqual(Task(late.id).state, 'open')
        # Writing the state some other way is refused the same
        with self.assertRaises(ValidationError):
            Task.write([late], {'state': 'done', 'done_date': today})

        Task.write([late], {'late_reason': "Customer on holiday; call Monday"})
        Task.done([late, in_time])
        self.assertEqual(
            [(t.state, t.done_date) for t in Task.browse([late, in_time])],
            [('done', today), ('done', today)])
        self.assertFalse(Task(late.id).overdue)

    @with_transaction()
    def test_assignee_must_see_customer(self):
        "A customer's task goes to someone who sees the customer"
        pool = Pool()
        Task = pool.get('crm.task')
        Share = pool.get('crm.customer.share')
        _, users, customers = build_organisation()
        values = {
            'customer': customers['staff_a1'].id, 'subject': "Call",
            'due_date': self.today(), 'assignee': users['staff_b'].id}
        with self.assertRaises(ValidationError) as cm:
            Task.create([values])
        self.assertIn("share the customer", str(cm.exception))
        Share.create([{'customer': customers['staff_a1'].id,
                    'user': users['staff_b'].id, 'mode': 'read'}])
        task, = Task.create([values])
        self.assertEqual(task.assignee, users['staff_b'])

    @with_transaction()
    def test_weekly_schedule_occurrences(self):
        "A weekly schedule until a date is one record per occurrence"
        pool = Pool()
        Schedule = pool.get('crm.schedule')
        _, users, customers = build_organisation()
        start = dt.datetime(2031, 3, 3, 9, 0)  # a Monday
        meeting, = Schedule.create([{
                    'subject': "Sales meeting",
                    'start': start, 'end': start + dt.timedelta(hours=1),
                    'recurrence': 'weekly',
                    'recurrence_until': dt.date(2031, 3, 24),
                    'invitees': [('add', [users['staff_a1'].id])],
                    }])
        self.assertEqual(
            [s.start for s in Schedule.search(
                    [('subject', '=', "Sales meeting")])],
            [start + dt.timedelta(weeks=n) for n in range(4)])
        self.assertTrue(all(
                o.invitees == (users['staff_a1'],)
                and o.end - o.start == dt.timedelta(hours=1)
                for o in meeting.occurrences))

        # Changing the series changes every occurrence
        Schedule.write([meeting], {
                'recurrence_until': dt.date(2031, 3, 10),
                'location': "Room 2"})
        self.assertEqual(
            [(s.start, s.location) for s in Schedule.search(
                    [('subject', '=', "Sales meeting")])],
            [(start, "Room 2"), (start + dt.timedelta(weeks=1), "Room 2")])

        # Monthly on the 31st: the last day of shorter months
        closing, = Schedule.create([{
                    'subject': "Month closing",
                    'start': dt.datetime(2031, 1, 31, 8),
                    'end': dt.datetime(2031, 1, 31, 9),
                    'recurrence': 'monthly',
                    'recurrence_until': dt.date(2031, 4, 30),
                    }])
        self.assertEqual(
            [s.start.date() for s in closing.occurrences],
            [dt.date(2031, 2, 28), dt.date(2031, 3, 31),
                dt.date(2031, 4, 30)])

    @with_transaction()
    def test_schedule_checks(self):
        "A schedule ends after it starts; a series ends after it starts"
        Schedule = Pool().get('crm.schedule')
        start = dt.datetime(2031, 3, 3, 9, 0)
        with self.assertRaisesRegex(ValidationError,
                r'^Schedule "Backwards" cannot end \(2031-03-03 \d\d:00\) '
                r'before it starts \(2031-03-03 \d\d:00\)\.'):
            Schedule.create([{
                        'subject': "Backwards", 'start': start,
                        'end': start - dt.timedelta(hours=1)}])
        with self.assertRaises(ValidationError):
            Schedule.create([{
                        'subject': "Never", 'start': start,
                        'end': start, 'recurrence': 'daily',
                        'recurrence_until': dt.date(2031, 3, 2)}])
        with self.assertRaises(ValidationError):
            Schedule.create([{
                        'subject': "Forever", 'start': start,
                        'end': start, 'recurrence': 'daily',
                        'recurrence_until': dt.date(2040, 1, 1)}])

    @with_transaction()
    def test_schedule_expires(self):
        "Past schedules are done; all-day ones at the end of their day"
        Schedule = Pool().get('crm.schedule')
        now = dt.datetime.now()
        past, coming, today_all_day = Schedule.create([{
                    'subject': "Past", 'start': now - dt.timedelta(hours=2),
                    'end': now - dt.timedelta(hours=1),
                    }, {
                    'subject': "Coming", 'start': now + dt.timedelta(hours=1),
                    'end': now + dt.timedelta(hours=2),
                    }, {
                    'subject': "Fair", 'all_day': True,
                    'start': now - dt.timedelta(minutes=2),
                    'end': now - dt.timedelta(minutes=1),
                    }])
        self.assertEqual(
            [s.state for s in [past, coming, today_all_day]],
            ['done', 'planned', 'planned'])
        self.assertEqual(
            Schedule.search([('state', '=', 'done')]), [past])
        self.assertEqual(
            Schedule.search([('state', '!=', 'done')]),
            [today_all_day, coming])

    @with_transaction()
    def test_staff_see_own_tasks_and_activities_manager_sees_team(self):
        "Staff A cannot read staff B's tasks and activities; the manager can"
        pool = Pool()
        Task = pool.get('crm.task')
        Activity = pool.get('crm.activity')
        _, users, customers = build_organisation()
        today = self.today()
        tasks = {}
        activities = {}
        for login in ['staff_a1', 'staff_a2', 'staff_b']:
            tasks[login], = Task.create([{
                        'customer': customers[login].id,
                        'subject': f"Call {login}", 'due_date': today,
                        'assignee': users[login].id}])
            activities[login], = Activity.create([{
                        'customer': customers[login].id,
                        'subject': f"Met {login}"}])
        expected = {
            'staff_a1': {'staff_a1'},
            'staff_a2': {'staff_a2'},
            'manager_a': {'staff_a1', 'staff_a2'},
            'assistant_a': {'staff_a1', 'staff_a2'},
            'manager_b': {'staff_b'},
            'staff_b': {'staff_b'},
            'boss': {'staff_a1', 'staff_a2', 'staff_b'},
            }
        for login, owners in expected.items():
            with self.subTest(user=login):
                user_cm, check_cm = as_user(users[login])
                with user_cm, check_cm:
                    self.assertEqual(
                        {t.id for t in Task.search([])},
                        {tasks[o].id for o in owners})
                    self.assertEqual(
                        {a.id for a in Activity.search([])},
                        {activities[o].id for o in owners})

        user_cm, check_cm = as_user(users['staff_a1'])
        with user_cm, check_cm:
            with self.assertRaises(AccessError):
                Task.read([tasks['staff_b'].id], ['subject'])
            with self.assertRaises(AccessError):
                Activity.read([activities['staff_b'].id], ['subject'])
            with self.assertRaises(AccessError):
                Task.write([Task(tasks['staff_b'].id)], {'subject': "Mine"})
            with self.assertRaises(AccessError):
                Activity.create([{
                            'customer': customers['staff_b'].id,
                            'subject': "Not my customer"}])

    @with_transaction()
    def test_readers_record_followup_on_customer(self):
        "Who reads a customer records follow-up on it; only writers and the author change it"
        pool = Pool()
        Task = pool.get('crm.task')
        Activity = pool.get('crm.activity')
        Schedule = pool.get('crm.schedule')
        Share = pool.get('crm.customer.share')
        _, users, customers = build_organisation()
        customer = customers['staff_a1']
        Share.create([{'customer': customer.id,
                    'user': users['staff_b'].id, 'mode': 'read'}])
        user_cm, check_cm = as_user(users['staff_a1'])
        with user_cm, check_cm:
            owners_task, = Task.create([{
                        'customer': customer.id, 'subject': "Owner's call",
                        'due_date': self.today()}])
            owners_activity, = Activity.create([{
                        'customer': customer.id, 'subject': "Owner's visit"}])
        user_cm, check_cm = as_user(users['staff_b'])
        with user_cm, check_cm:
            task, = Task.create([{
                        'customer': customer.id, 'subject': "Support call",
                        'due_date': self.today()}])
            activity, = Activity.create([{
                        'customer': customer.id, 'subject': "Installed"}])
            schedule, = Schedule.create([{
                        'customer': customer.id, 'subject': "Training",
                        'start': dt.datetime(2031, 1, 6, 9),
                        'end': dt.datetime(2031, 1, 6, 10)}])
            Task.write([task], {'description': "Printer driver"})
            Schedule.write([schedule], {'location': "On site"})
            # A reader sees the owner's follow-up but cannot change it
            self.assertEqual(
                {t.id for t in Task.search([('customer', '=', customer.id)])},
                {task.id, owners_task.id})
            with self.assertRaises(AccessError):
                Task.write([Task(owners_task.id)], {'subject': "Mine now"})
            for Model, record in [
                    (Task, owners_task), (Activity, owners_activity)]:
                with self.assertRaises(AccessError):
                    Model.delete([Model(record.id)])
            # ... while the author may withdraw what they recorded
            Activity.delete([activity])
        # Nobody records follow-up on a customer they cannot see
        user_cm, check_cm = as_user(users['staff_a2'])
        with user_cm, check_cm:
            with self.assertRaises(AccessError):
                Task.create([{
                            'customer': customer.id, 'subject': "X",
                            'due_date': self.today()}])
            with self.assertRaises(AccessError):
                Schedule.create([{
                            'customer': customer.id, 'subject': "X",
                            'start': dt.datetime(2031, 1, 6, 9),
                            'end': dt.datetime(2031, 1, 6, 10)}])
        # The owner may delete what a reader recorded
        user_cm, check_cm = as_user(users['staff_a1'])
        with user_cm, check_cm:
            Task.delete([Task(task.id)])
            Schedule.delete([Schedule(schedule.id)])

    @with_transaction()
    def test_personal_tasks_and_schedules(self):
        "Without customer, tasks and schedules are their people's"
        pool = Pool()
        Task = pool.get('crm.task')
        Schedule = pool.get('crm.schedule')
        _, users, customers = build_organisation()
        today = self.today()
        user_cm, check_cm = as_user(users['manager_a'])
        with user_cm, check_cm:
            # Given by the manager to staff A1
            given, = Task.create([{
                        'subject': "Clean the CRM data", 'due_date': today,
                        'assignee': users['staff_a1'].id}])
            meeting, = Schedule.create([{
                        'subject': "Team meeting",
                        'start': dt.datetime(2031, 1, 6, 9),
                        'end': dt.datetime(2031, 1, 6, 10),
                        'invitees': [('add', [users['staff_b'].id])]}])
        user_cm, check_cm = as_user(users['staff_a2'])
        with user_cm, check_cm:
            own, = Task.create([{
                        'subject': "Learn the catalogue", 'due_date': today}])

        def seen(login, Model):
            user_cm, check_cm = as_user(users[login])
            with user_cm, check_cm:
                return set(Model.search([]))
        self.assertEqual(seen('staff_a1', Task), {given})
        self.assertEqual(seen('staff_a2', Task), {own})
        self.assertEqual(seen('manager_a', Task), {given, own})
        self.assertEqual(seen('staff_b', Task), set())
        self.assertEqual(seen('boss', Task), {given, own})
        # The invitee sees the schedule but cannot change it
        self.assertEqual(seen('staff_b', Schedule), {meeting})
        self.assertEqual(seen('staff_a1', Schedule), set())
        user_cm, check_cm = as_user(users['staff_b'])
        with user_cm, check_cm:
            self.assertEqual(
                Schedule(meeting.id).invitees, (users['staff_b'],))
            with self.assertRaises(AccessError):
                Schedule.write([Schedule(meeting.id)], {'subject': "Mine"})
        # An invitee to a customer schedule only sees it with the customer
        customer_meeting, = Schedule.create([{
                    'subject': "Visit", 'customer': customers['staff_a1'].id,
                    'start': dt.datetime(2031, 1, 7, 9),
                    'end': dt.datetime(2031, 1, 7, 10),
                    'invitees': [('add', [users['staff_b'].id])]}])
        self.assertEqual(seen('staff_b', Schedule), {meeting})
        self.assertIn(customer_meeting, seen('staff_a1', Schedule))

    @with_transaction()
    def test_timeline(self):
        "The timeline shows the customer's follow-up to whoever sees it"
        pool = Pool()
        Activity = pool.get('crm.activity')
        Task = pool.get('crm.task')
        Schedule = pool.get('crm.schedule')
        Timeline = pool.get('crm.customer.timeline')
        Party = pool.get('party.party')
        company, users, customers = build_organisation()
        customer = customers['staff_a1']
        today = self.today()
        activity, = Activity.create([{
                    'customer': customer.id, 'subject': "Called",
                    'date': today - dt.timedelta(days=1),
                    'next_task_date': today + dt.timedelta(days=2),
                    'author': users['staff_a1'].id}])
        task, = activity.tasks
        schedule, = Schedule.create([{
                    'customer': customer.id, 'subject': "Demo",
                    'start': dt.datetime.combine(
                        today + dt.timedelta(days=5), dt.time(10)),
                    'end': dt.datetime.combine(
                        today + dt.timedelta(days=5), dt.time(11)),
                    'organiser': users['staff_a1'].id}])
        Task.create([{'subject': "Personal", 'due_date': today}])
        Activity.create([{
                    'customer': customers['staff_b'].id,
                    'subject': "Other customer"}])

        with set_company(company):
            lines = Party(customer.id).crm_timeline
        self.assertEqual(
            [(l.kind, l.subject, l.date, l.user, l.state, l.source)
                for l in lines],
            [('schedule', "Demo", today + dt.timedelta(days=5),
                    users['staff_a1'], 'planned', schedule),
                ('task', "Follow up: Called", today + dt.timedelta(days=2),
                    users['staff_a1'], 'open', task),
                ('activity', "Called", today - dt.timedelta(days=1),
                    users['staff_a1'], 'done', activity)])

        def seen(login):
            user_cm, check_cm = as_user(users[login])
            with user_cm, check_cm:
                return {l.subject for l in Timeline.search([])}
        self.assertEqual(seen('staff_a1'), {"Demo", "Follow up: Called",
                "Called"})
        self.assertEqual(seen('manager_a'), {"Demo", "Follow up: Called",
                "Called"})
        self.assertEqual(seen('staff_b'), {"Other customer"})
        user_cm, check_cm = as_user(users['staff_b'])
        with user_cm, check_cm:
            with self.assertRaises(AccessError):
                Timeline.read([lines[0].id], ['subject'])

    @with_transaction()
    def test_transfer_moves_open_tasks_and_coming_schedules(self):
        "Transferring a customer hands over its open tasks and schedules"
        pool = Pool()
        Task = pool.get('crm.task')
        Schedule = pool.get('crm.schedule')
        Party = pool.get('party.party')
        _, users, customers = build_organisation()
        customer = customers['staff_a1']
        today = self.today()
        open_, done = Task.create([{
                    'customer': customer.id, 'subject': "Open",
                    'due_date': today, 'assignee': users['staff_a1'].id,
                    }, {
                    'customer': customer.id, 'subject': "Done",
                    'due_date': today, 'assignee': users['staff_a1'].id,
                    }])
        Task.done([done])
        later = dt.datetime.now() + dt.timedelta(days=3)
        schedule, = Schedule.create([{
                    'customer': customer.id, 'subject': "Visit",
                    'start': later, 'end': later + dt.timedelta(hours=1),
                    'organiser': users['staff_a1'].id}])
        series, = Schedule.create([{
                    'customer': customer.id, 'subject': "Weekly call",
                    'start': later, 'end': later + dt.timedelta(hours=1),
                    'recurrence': 'weekly',
                    'recurrence_until': (later + dt.timedelta(weeks=2)).date(),
                    'organiser': users['staff_a1'].id}])
        Party.crm_transfer([customer], users['staff_a2'])
        self.assertEqual(Task(open_.id).assignee, users['staff_a2'])
        self.assertEqual(Task(done.id).assignee, users['staff_a1'])
        self.assertEqual(Schedule(schedule.id).organiser, users['staff_a2'])
        calls = Schedule.search([('subject', '=', "Weekly call")])
        self.assertEqual(len(calls), 3)
        self.assertEqual(
            {s.organiser for s in calls}, {users['staff_a2']})

    @with_transaction()
    def test_reminders_once_per_day(self):
        "Due tasks and anniversaries are reminded in the bell, once a day"
        pool = Pool()
        Task = pool.get('crm.task')
        Reminder = pool.get('crm.reminder')
        Notification = pool.get('res.notification')
        Anniversary = pool.get('crm.contact.anniversary')
        Schedule = pool.get('crm.schedule')
        _, users, customers = build_organisation()
        today = self.today()
        due, overdue, coming = Task.create([{
                    'customer': customers['staff_a1'].id,
                    'subject': "Call back", 'due_date': today,
                    'assignee': users['staff_a1'].id,
                    }, {
                    'subject': "Report", 'due_date': today - dt.timedelta(1),
                    'assignee': users['staff_a1'].id,
                    }, {
                    'subject': "Later", 'due_date': today + dt.timedelta(1),
                    'assignee': users['staff_a1'].id,
                    }])
        contact = customers['staff_b'].crm_contacts[0]
        Anniversary.create([{
                    'contact': contact.id, 'name': "Birthday",
                    # 1980 is a leap year: any day of the year exists in it
                    'date': (today + dt.timedelta(days=2)).replace(year=1980),
                    'remind_days_before': 3,
                    }])

        # Staff B is invited but does not see the customer: not reminded
        visit_start = local_day_start(today) + dt.timedelta(hours=12)
        visit, = Schedule.create([{
                    'customer': customers['staff_a1'].id, 'subject': "Visit",
                    'start': visit_start,
                    'end': visit_start + dt.timedelta(minutes=30),
                    'organiser': users['staff_a1'].id,
                    'invitees': [('add', [users['staff_b'].id])],
                    }])

        Reminder.send_reminders()
        notifications = Notification.search([], order=[('id', 'ASC')])
        self.assertEqual(
            sorted((n.user.login, n.model, n.records) for n in notifications),
            sorted([
                    ('staff_a1', 'crm.task', f'[{due.id}]'),
                    ('staff_a1', 'crm.task', f'[{overdue.id}]'),
                    ('staff_a1', 'crm.schedule', f'[{visit.id}]'),
                    ('staff_b', 'crm.contact', f'[{contact.id}]'),
                    ]))
        labels = {n.label for n in notifications}
        self.assertIn("Task due today: Call back", labels)
        self.assertTrue(any(l.startswith("Overdue task") for l in labels))
        self.assertTrue(any(l.startswith("Birthday of Contact")
                for l in labels))

        # Each reads their own reminders (the workbench's "My Reminders"),
        # nobody else's
        for login, count in [('staff_a1', 3), ('staff_b', 1), ('staff_a2', 0)]:
            user_cm, check_cm = as_user(users[login])
            with user_cm, check_cm:
                mine = Reminder.search([])
                self.assertEqual(len(mine), count, login)
                self.assertEqual({r.user.login for r in mine},
                    {login} if count else set())

        # Not twice the same day
        Reminder.send_reminders()
        self.assertEqual(len(Notification.search([])), 4)
        # The next day, the tasks again, but the anniversary not
        Reminder.send_reminders(today + dt.timedelta(days=1))
        new = Notification.search([('id', 'not in', notifications)])
        self.assertEqual(
            sorted(n.records for n in new),
            sorted(f'[{t.id}]' for t in [due, overdue, coming]))

    def test_next_anniversary(self):
        "The next anniversary day, across the year end and 29 February"
        today = dt.date(2031, 12, 30)
        self.assertEqual(
            next_anniversary(dt.date(1980, 12, 30), today), today)
        self.assertEqual(
            next_anniversary(dt.date(1980, 1, 2), today),
            dt.date(2032, 1, 2))
        self.assertEqual(
            next_anniversary(dt.date(1980, 2, 29), dt.date(2031, 2, 1)),
            dt.date(2031, 2, 28))
