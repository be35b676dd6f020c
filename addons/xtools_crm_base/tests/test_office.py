"""Notices, knowledge base, notepad and SMS (SPEC B8's SMS, B10): who reads
what, read receipts, search, the SMS gateway and its append-only log."""
import datetime as dt
import json
import unittest

from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.company.tests import set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from .test_work_report import as_user
from .tools import build_organisation, role_group


def give_roles(user, *roles):
    Pool().get('res.user').write([user], {
            'groups': [('add', [role_group(r) for r in roles])]})


def use_loopback(signature=''):
    Configuration = Pool().get('crm.configuration')
    config = Configuration(1)
    config.sms_provider = 'loopback'
    config.sms_signature = signature
    config.save()


class OfficeTestCase(unittest.TestCase):
    "Notices, knowledge base, notepad and SMS"

    @classmethod
    def setUpClass(cls):
        activate_module('xtools_crm_base')

    @with_transaction()
    def test_notice_scope_bell_and_receipts(self):
        "A department's notice reaches its sub-department, not the others"
        pool = Pool()
        Notice = pool.get('crm.notice')
        Department = pool.get('crm.department')
        Notification = pool.get('res.notification')
        company, users, _ = build_organisation()
        publisher = users['manager_a']
        give_roles(publisher, 'perm_publish')
        give_roles(users['boss'], 'boss')
        department_a, = Department.search([('name', '=', 'A')])
        with set_company(company):
            # Without the permission, no notice
            with as_user(users['staff_a1']), self.assertRaises(AccessError):
                Notice.create([{'title': "通知", 'content': "内容"}])
            with as_user(publisher):
                notice, = Notice.create([{
                            'title': "三月销售例会",
                            'content': "周五下午两点，三楼会议室。",
                            'scope': 'departments',
                            'departments': [('add', [department_a.id])],
                            }])
                self.assertEqual(notice.author, publisher)
            # A draft is for its author (and the bosses)
            with as_user(users['staff_a1']):
                self.assertEqual(Notice.search([]), [])
            with as_user(publisher):
                Notice.publish([notice])
            readers = {login for login in users
                if self._reads(users[login], notice)}
            self.assertEqual(readers, {
                    'boss', 'manager_a', 'assistant_a', 'staff_a1',
                    'staff_a2'})
            bells = Notification.search([('model', '=', 'crm.notice')])
            self.assertEqual(
                sorted(b.user.login for b in bells),
                ['assistant_a', 'staff_a1', 'staff_a2'])
            self.assertEqual(json.loads(bells[0].records), [notice.id])
            self.assertIn("三月销售例会", bells[0].label)

            # Read receipts
            with as_user(users['staff_a1']):
                unread = Notice.search([('read_by_me', '=', False)])
                self.assertEqual(unread, [notice])
                Notice.mark_read([notice])
                self.assertEqual(
                    Notice.search([('read_by_me', '=', False)]), [])
                self.assertTrue(Notice(notice.id).read_by_me)
                with self.assertRaises(AccessError):
                    Notice.write([notice], {'title': "改标题"})
            with as_user(users['staff_b']), self.assertRaises(AccessError):
                Notice.mark_read([notice])
            with as_user(publisher):
                notice = Notice(notice.id)
                self.assertEqual(notice.read_count, 1)
                self.assertEqual(notice.audience_count, 4)
                self.assertEqual(
                    [r.user for r in notice.receipts], [users['staff_a1']])

    def _reads(self, user, notice):
        Notice = Pool().get('crm.notice')
        with as_user(user):
            return bool(Notice.search([('id', '=', notice.id)]))

    @with_transaction()
    def test_company_notice_needs_departments_only_when_scoped(self):
        "A departments' notice without department is refused"
        Notice = Pool().get('crm.notice')
        company, users, _ = build_organisation()
        give_roles(users['boss'], 'boss')
        with set_company(company), as_user(users['boss']):
            with self.assertRaises(ValidationError):
                Notice.create([{
                            'title': "通知", 'content': "内容",
                            'scope': 'departments'}])
            notice, = Notice.create([{'title': "放假通知", 'content': "五一放假"}])
            Notice.publish([notice])
        with set_company(company):
            self.assertTrue(all(self._reads(users[login], notice)
                    for login in users))

    @with_transaction()
    def test_knowledge_search_and_rights(self):
        "Everyone finds an article by a piece of its text; publishers write"
        pool = Pool()
        Category = pool.get('crm.knowledge.category')
        Article = pool.get('crm.knowledge.article')
        company, users, _ = build_organisation()
        give_roles(users['boss'], 'boss')
        with set_company(company):
            with as_user(users['boss']):
                products, = Category.create([{'name': "产品知识"}])
                chair, desk = Article.create([
                        {'title': "人体工学椅选购要点", 'category': products.id,
                            'keywords': "转椅 腰靠",
                            'content': "关注腰靠、扶手和气压棒的质量等级。"},
                        {'title': "办公桌尺寸", 'category': products.id,
                            'content': "标准职员桌 1400×700 毫米。"},
                        ])
            with as_user(users['staff_b']):
                for text, found in [("气压棒", [chair]), ("腰靠", [chair]),
                        ("尺寸", [desk]), ("沙发", [])]:
                    self.assertEqual(Article.search(
                            [('rec_name', 'ilike', f'%{text}%')]), found)
                with self.assertRaises(AccessError):
                    Article.write([chair], {'title': "改"})
                with self.assertRaises(AccessError):
                    Article.create([{
                                'title': "x", 'category': products.id,
                                'content': "y"}])

    @with_transaction()
    def test_notepad_is_private(self):
        "Nobody else reads one's notes, not even the boss"
        Note = Pool().get('crm.note')
        company, users, _ = build_organisation()
        with set_company(company):
            with as_user(users['staff_a1']):
                note, = Note.create([{'title': "客户生日", 'content': "张总 5/12"}])
                self.assertEqual(note.owner, users['staff_a1'])
                self.assertEqual(Note.search([]), [note])
            for login in ['boss', 'manager_a', 'staff_a2']:
                with self.subTest(user=login), as_user(users[login]):
                    self.assertEqual(Note.search([]), [])
                    with self.assertRaises(AccessError):
                        Note.read([note.id], ['content'])

    @with_transaction()
    def test_sms_through_loopback_and_log_append_only(self):
        "An SMS goes through the test gateway and its log cannot change"
        pool = Pool()
        SMS = pool.get('crm.sms.gateway')
        Log = pool.get('crm.sms.log')
        Outbox = pool.get('crm.sms.loopback')
        Send = pool.get('crm.sms.send', type='wizard')
        Contact = pool.get('crm.contact')
        company, users, customers = build_organisation()
        staff = users['staff_a1']
        with set_company(company):
            contact, = Contact.search(
                [('customer', '=', customers['staff_a1'].id)])
            Contact.write([contact], {'mobile': '13912345678'})
            # No gateway set: refused
            with as_user(staff), self.assertRaises(ValidationError):
                SMS.send([{'number': '13912345678', 'text': "您好"}])
            use_loopback(signature="【飞达家具】")
            with as_user(staff):
                session_id, _, _ = Send.create()
                with Transaction().set_context(
                        active_model='crm.contact', active_ids=[contact.id],
                        active_id=contact.id):
                    wizard = Send(session_id)
                    wizard.start.text = "王经理您好，样品已寄出。"
                    wizard.transition_send()
                    result = wizard.default_result(None)
                self.assertEqual((result['sent'], result['failed']), (1, 0))
            message, = Outbox.search([])
            self.assertEqual(message.number, '13912345678')
            self.assertEqual(message.text, "【飞达家具】王经理您好，样品已寄出。")
            log, = Log.search([])
            self.assertEqual(
                (log.author, log.contact, log.number, log.state, log.kind),
                (staff, contact, '13912345678', 'sent', 'message'))
            self.assertEqual(log.reference, message.reference)

            # Nobody edits or deletes it, not even root
            for mode in ['write', 'delete']:
                with self.subTest(mode=mode), self.assertRaises(AccessError):
                    if mode == 'write':
                        Log.write([log], {'text': "改过的内容"})
                    else:
                        Log.delete([log])
            # Bad numbers and texts are refused before anything is sent
            for number, text in [('1391234567', "短"), ('139123456a8', "x"),
                    ('13912345678', "   "), ('13912345678', "x" * 501),
                    ('13912345678', "a\x07b")]:
                with self.subTest(number=number, text=text[:10]), \
                        self.assertRaises(ValidationError):
                    SMS.send([{'number': number, 'text': text}])
            self.assertEqual(len(Outbox.search([])), 1)
            # A full-width number typed with a Chinese input method is fine
            SMS.send([{'number': '０２１－６３２８１２３４', 'text': "您好"}])
            self.assertEqual(
                Outbox.search([], limit=1)[0].number, '02163281234')
            # Who reads the log: the sender's hierarchy, not the others
            for login, sees in [('staff_a1', True), ('manager_a', True),
                    ('staff_a2', False), ('manager_b', False)]:
                with self.subTest(reader=login), as_user(users[login]):
                    self.assertEqual(
                        bool(Log.search([('id', '=', log.id)])), sees)

    @with_transaction()
    def test_reminders_by_sms_when_chosen(self):
        "The follow-up reminders also go by SMS to who asked for it"
        pool = Pool()
        Task = pool.get('crm.task')
        Reminder = pool.get('crm.reminder')
        Log = pool.get('crm.sms.log')
        User = pool.get('res.user')
        company, users, customers = build_organisation()
        today = pool.get('ir.date').today()
        with set_company(company):
            use_loopback()
            with self.assertRaises(ValidationError):
                User.write([users['staff_a1']], {'crm_sms_reminders': True})
            with self.assertRaises(ValidationError):
                User.write([users['staff_a1']], {'crm_mobile': '12345'})
            User.write([users['staff_a1']], {
                    'crm_mobile': '138 0013 8000', 'crm_sms_reminders': True})
            self.assertEqual(users['staff_a1'].crm_mobile, '13800138000')
            Task.create([
                    {'subject': "回访张总", 'customer': customers[login].id,
                        'assignee': users[login].id, 'due_date': today}
                    for login in ['staff_a1', 'staff_a2']])
            Reminder.send_reminders(today)
        log, = Log.search([])
        self.assertEqual(
            (log.recipient, log.number, log.kind),
            (users['staff_a1'], '13800138000', 'reminder'))
        self.assertIn("回访张总", log.text)

    @with_transaction()
    def test_reports_due_by_sms(self):
        "The work report reminder goes by SMS too"
        pool = Pool()
        Reminder = pool.get('crm.work.report.reminder')
        Log = pool.get('crm.sms.log')
        User = pool.get('res.user')
        company, users, _ = build_organisation()
        with set_company(company):
            use_loopback()
            User.write([users['staff_b']], {
                    'crm_mobile': '13800138000', 'crm_sms_reminders': True})
            Reminder.send_reminders(
                now=dt.datetime(2026, 1, 28, 17))   # a Wednesday
        log, = Log.search([])
        self.assertEqual(log.recipient, users['staff_b'])
        self.assertIn("2026", log.text)
