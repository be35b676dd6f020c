"""Never lose a customer by a slip (SPEC B11, B12): the recycle bin, the
customer merge, the append-only logs, the Excel import and the export
permission, in-process (the RPC side is in the repository's tests/)."""
import contextlib
import datetime as dt
import io
import unittest
from unittest import mock

import openpyxl

from trytond.exceptions import UserWarning
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from .. import customer_import, customer_import_job
from ..customer_export import export_file
from ..customer_import import CustomerFileImport
from ..merge import party_links
from ..recycle_bin import in_recycle_bin
from .tools import build_organisation, create_zhejiang

HEADERS = ["客户名称*", "客户类型", "客户来源", "省份", "负责人",
    "联系人", "手机", "电子邮箱"]


def xlsx(rows, sheet="客户", contacts=None):
    "An .xlsx file of rows (the first one the headers)"
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(row)
    if contacts:
        extra = workbook.create_sheet("联系人")
        for row in contacts:
            extra.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


@contextlib.contextmanager
def queue_above(rows):
    "The CRM setting: files of more rows are imported by a queued job"
    Configuration = Pool().get('crm.configuration')
    settings = Configuration(1)
    settings.import_queue_rows = rows
    settings.save()
    yield


def as_user(user, **context):
    "The transaction as user, with access checks, as over RPC"
    transaction = Transaction()
    return _Both(transaction.set_user(user.id),
        transaction.set_context(_check_access=True, **context))


class _Both:
    def __init__(self, *managers):
        self.managers = managers

    def __enter__(self):
        for manager in self.managers:
            manager.__enter__()

    def __exit__(self, *exc):
        for manager in reversed(self.managers):
            manager.__exit__(*exc)


def search(model, domain=None, user=None, **context):
    Model = Pool().get(model)
    if user is None:
        with Transaction().set_context(active_test=False, **context):
            return Model.search(domain or [])
    with as_user(user, **context):
        return Model.search(domain or [])


class FollowUpMixin:
    def add_followup(self, customer, user):
        "A task and an activity on customer, by user"
        pool = Pool()
        Task = pool.get('crm.task')
        Activity = pool.get('crm.activity')
        today = dt.date.today()
        task, = Task.create([{
                    'subject': "Call back", 'customer': customer.id,
                    'assignee': user.id, 'due_date': today}])
        activity, = Activity.create([{
                    'subject': "Visited", 'customer': customer.id,
                    'author': user.id, 'date': today}])
        return task, activity


class RecycleBinTestCase(FollowUpMixin, unittest.TestCase):
    "Deleting a customer bins it; restore and purge"

    @classmethod
    def setUpClass(cls):
        activate_module('xtools_crm_base')

    @with_transaction()
    def test_delete_bins_customer_and_hides_its_records(self):
        "A deleted customer and its records vanish for everyone but the bin"
        pool = Pool()
        Party = pool.get('party.party')
        Contact = pool.get('crm.contact')
        Task = pool.get('crm.task')
        _, users, customers = build_organisation()
        customer = customers['staff_a1']
        task, activity = self.add_followup(customer, users['staff_a1'])
        contact, = customer.crm_contacts
        with as_user(users['staff_a1']):
            Party.delete([Party(customer.id)])
        binned = Party(customer.id)
        self.assertTrue(binned.crm_deleted_date)
        self.assertEqual(binned.crm_deleted_by, users['staff_a1'])
        for login in ['staff_a1', 'manager_a', 'boss']:
            with self.subTest(user=login):
                user = users[login]
                self.assertNotIn(customer, search('party.party', user=user))
                for model in ['crm.contact', 'crm.task', 'crm.activity',
                        'crm.customer.timeline']:
                    self.assertFalse(search(
                            model, [('customer', '=', customer.id)],
                            user=user), model)
                with as_user(user):
                    with self.assertRaises(AccessError):
                        Party.read([customer.id], ['name'])
                    with self.assertRaises(AccessError):
                        Contact.read([contact.id], ['name'])
                    with self.assertRaises(AccessError):
                        Task.write([Task(task.id)], {'subject': "X"})
        # The bin shows it to the owner's hierarchy only
        for login, seen in [('staff_a1', True), ('manager_a', True),
                ('boss', True), ('staff_b', False), ('staff_a2', False)]:
            with self.subTest(bin=login):
                self.assertEqual(customer in search(
                        'party.party', [('crm_deleted_date', '!=', None)],
                        user=users[login], crm_recycle_bin=True), seen)
        self.assertEqual(search(
                'crm.contact', [('customer', '=', customer.id)],
                user=users['staff_a1'], crm_recycle_bin=True), [contact])

    @with_transaction()
    def test_restore_brings_back_everything(self):
        "Restore gives back the customer with contacts, tasks, activities"
        Party = Pool().get('party.party')
        _, users, customers = build_organisation()
        customer = customers['staff_a1']
        task, activity = self.add_followup(customer, users['staff_a1'])
        contacts = list(customer.crm_contacts)
        with as_user(users['staff_a1']):
            Party.delete([Party(customer.id)])
        with as_user(users['manager_a'], crm_recycle_bin=True):
            Party.crm_restore([Party(customer.id)])
        user = users['staff_a1']
        self.assertIn(customer, search('party.party', user=user))
        self.assertIsNone(Party(customer.id).crm_deleted_date)
        for model, records in [('crm.contact', contacts),
                ('crm.task', [task]), ('crm.activity', [activity])]:
            self.assertEqual(search(
                    model, [('customer', '=', customer.id)], user=user),
                records)

    @with_transaction()
    def test_purge_deletes_for_good(self):
        "Purge deletes the customer and its records; logs keep the name"
        pool = Pool()
        Party = pool.get('party.party')
        Contact = pool.get('crm.contact')
        Task = pool.get('crm.task')
        Activity = pool.get('crm.activity')
        Log = pool.get('crm.customer.transfer.log')
        _, users, customers = build_organisation()
        customer = customers['staff_a1']
        name = customer.rec_name
        self.add_followup(customer, users['staff_a1'])
        Party.crm_transfer([customer], users['staff_a2'])
        Party.crm_transfer([customer], users['staff_a1'])
        with as_user(users['staff_a1']):
            Party.delete([Party(customer.id)])
        # Out of the bin's context, a binned customer is not there to purge
        with as_user(users['staff_a1']):
            with self.assertRaises(AccessError):
                Party.crm_purge([Party(customer.id)])
        with as_user(users['staff_a1'], crm_recycle_bin=True):
            Party.crm_purge([Party(customer.id)])
        self.assertFalse(search('party.party', [('id', '=', customer.id)]))
        for Model in [Contact, Task, Activity]:
            self.assertFalse(
                Model.search([('customer', '=', customer.id)]), Model)
        logs = Log.search([])
        self.assertEqual(len(logs), 2)
        self.assertEqual({(l.customer, l.customer_name) for l in logs},
            {(None, name)})

    @with_transaction()
    def test_delete_in_bin_purges(self):
        "Deleting from the bin view purges; the toolbar needs no button"
        Party = Pool().get('party.party')
        _, users, customers = build_organisation()
        customer = customers['staff_a1']
        with as_user(users['staff_a1']):
            Party.delete([Party(customer.id)])
        with as_user(users['staff_a1'], crm_recycle_bin=True):
            Party.delete([Party(customer.id)])
        self.assertFalse(search('party.party', [('id', '=', customer.id)]))

    @with_transaction()
    def test_only_the_hierarchy_bins(self):
        "Others, and those it is shared with, cannot delete a customer"
        pool = Pool()
        Party = pool.get('party.party')
        Share = pool.get('crm.customer.share')
        _, users, customers = build_organisation()
        customer = customers['staff_a1']
        Share.create([{'customer': customer.id,
                    'user': users['staff_b'].id, 'mode': 'write'}])
        for login in ['staff_a2', 'staff_b', 'manager_b']:
            with self.subTest(user=login), as_user(users[login]):
                with self.assertRaises(AccessError):
                    Party.delete([Party(customer.id)])
        self.assertIsNone(Party(customer.id).crm_deleted_date)

    @with_transaction()
    def test_non_customer_party_is_deleted(self):
        "A party that is not a customer (a supplier) is deleted at once"
        Party = Pool().get('party.party')
        supplier, = Party.create([{'name': "Supplier"}])
        Party.delete([supplier])
        self.assertFalse(search('party.party', [('id', '=', supplier.id)]))

    @with_transaction()
    def test_binned_customer_is_not_changed(self):
        "Out of the bin, a binned customer cannot be changed or recorded on"
        pool = Pool()
        Party = pool.get('party.party')
        Contact = pool.get('crm.contact')
        _, users, customers = build_organisation()
        customer = customers['staff_a1']
        with as_user(users['staff_a1']):
            Party.delete([Party(customer.id)])
        with as_user(users['boss']):
            with self.assertRaises(AccessError):
                Party.write([Party(customer.id)], {'crm_city': "X"})
            with self.assertRaises(AccessError):
                Contact.create([{'customer': customer.id, 'name': "X"}])


class MergeTestCase(FollowUpMixin, unittest.TestCase):
    "Customer merge moves everything to the customer kept"

    @classmethod
    def setUpClass(cls):
        activate_module('xtools_crm_base')

    @with_transaction()
    def test_links_are_found_in_the_pool(self):
        "Every stored link to a party moves, the logs stay"
        links = set(party_links())
        for link in [('crm.contact', 'customer'), ('crm.task', 'customer'),
                ('crm.activity', 'customer'), ('crm.schedule', 'customer'),
                ('crm.customer.share', 'customer'),
                ('party.address', 'party')]:
            self.assertIn(link, links)
        for model in ['crm.customer.share.log', 'crm.customer.transfer.log',
                'crm.customer.merge.log', 'crm.customer.timeline',
                'party.party', 'party.party.lang']:
            self.assertFalse({l for l in links if l[0] == model}, model)
        Replace = Pool().get('party.replace', type='wizard')
        self.assertIn(('crm.task', 'customer'), Replace.fields_to_replace())

    @with_transaction()
    def test_merge_moves_related_records(self):
        "Contacts, tasks, activities and shares move; the merge is logged"
        pool = Pool()
        Party = pool.get('party.party')
        Share = pool.get('crm.customer.share')
        Log = pool.get('crm.customer.merge.log')
        _, users, customers = build_organisation()
        kept, duplicate = customers['staff_a1'], customers['staff_a2']
        task, activity = self.add_followup(duplicate, users['staff_a2'])
        contact, = duplicate.crm_contacts
        share, = Share.create([{'customer': duplicate.id,
                    'user': users['staff_b'].id, 'mode': 'read'}])
        # A share of both customers with the same user: one remains
        Share.create([
                {'customer': kept.id, 'user': users['manager_b'].id},
                {'customer': duplicate.id, 'user': users['manager_b'].id}])
        with as_user(users['manager_a']):
            Party.crm_merge(Party(kept.id), [Party(duplicate.id)])
        kept, duplicate = Party(kept.id), Party(duplicate.id)
        self.assertEqual(len(kept.crm_contacts), 2)
        self.assertIn(contact, kept.crm_contacts)
        self.assertEqual(list(kept.crm_tasks), [task])
        self.assertEqual(list(kept.crm_activities), [activity])
        self.assertEqual(
            sorted(s.user.login for s in kept.crm_shares),
            ['manager_b', 'staff_b'])
        self.assertFalse(duplicate.active)
        self.assertEqual(duplicate.replaced_by, kept)
        self.assertEqual(kept.crm_latest_progress, "Visited")
        log, = Log.search([])
        self.assertEqual(
            (log.customer, log.merged_customer, log.author),
            (kept, duplicate, users['manager_a']))
        self.assertIn("Contact: 1", log.moved)
        self.assertIn("Task: 1", log.moved)

    @with_transaction()
    def test_merge_needs_the_right_to_delete(self):
        "A user who cannot delete the duplicate cannot merge it away"
        pool = Pool()
        Party = pool.get('party.party')
        Share = pool.get('crm.customer.share')
        _, users, customers = build_organisation()
        kept, duplicate = customers['staff_a1'], customers['staff_a2']
        Share.create([{'customer': duplicate.id,
                    'user': users['staff_a1'].id, 'mode': 'write'}])
        with as_user(users['staff_a1']):
            with self.assertRaises(AccessError):
                Party.crm_merge(Party(kept.id), [Party(duplicate.id)])
        self.assertTrue(Party(duplicate.id).active)

    @with_transaction()
    def test_merge_log_is_append_only(self):
        "The merge log refuses change and delete, even to root"
        pool = Pool()
        Party = pool.get('party.party')
        Log = pool.get('crm.customer.merge.log')
        _, users, customers = build_organisation()
        Party.crm_merge(customers['staff_a1'], [customers['staff_a2']])
        log, = Log.search([])
        with self.assertRaises(AccessError):
            Log.write([log], {'moved': "nothing"})
        with self.assertRaises(AccessError):
            Log.delete([log])


class ImportTestCase(unittest.TestCase):
    "Excel import: all rows checked, all or nothing"

    @classmethod
    def setUpClass(cls):
        activate_module('xtools_crm_base')

    def setup(self):
        company, users, customers = build_organisation()
        create_zhejiang()
        return company, users, customers

    def run_import(self, data, user, company):
        with as_user(user, company=company.id):
            importer = CustomerFileImport(data)
            importer.run()
            return importer

    def customer_count(self):
        return len(search('party.party', [('crm_customer_type', '!=', None)]))

    @with_transaction()
    def test_good_file_imports_customers_and_contacts(self):
        "Customers with their contacts, dictionary, region and owner"
        pool = Pool()
        Party = pool.get('party.party')
        company, users, _ = self.setup()
        data = xlsx([
                HEADERS,
                ["杭州西湖茶业有限公司", "企业客户", "Web Search", "浙江",
                    'staff_a1', "王芳", "１３９ 0000 1111", "WF@Example.com"],
                ["李雷", "个人客户", None, "CN-ZJ", None, None,
                    "13900002222", None],
                [None] * 8,
                ["宁波港务", None, "Advertising", None, 'staff_a2', "赵强", None,
                    None],
                ], contacts=[
                ["客户名称", "联系人", "职务", "手机"],
                ["杭州西湖茶业有限公司", "陈明", "采购", "13900003333"],
                ])
        before = self.customer_count()
        importer = self.run_import(data, users['manager_a'], company)
        self.assertEqual(
            [(i.row, i.column, i.reason) for i in importer.issues], [])
        self.assertEqual(self.customer_count(), before + 3)
        tea, = Party.search([('name', '=', "杭州西湖茶业有限公司")])
        self.assertEqual(tea.crm_owner, users['staff_a1'])
        self.assertEqual(tea.crm_source.name, "Web Search")
        self.assertEqual(tea.crm_region.code, 'CN-ZJ')
        self.assertEqual(tea.crm_kind.name, "Potential Customer")
        self.assertEqual(
            sorted((c.name, c.mobile, c.email) for c in tea.crm_contacts),
            [("王芳", '13900001111', 'WF@Example.com'),
                ("陈明", '13900003333', None)])
        person, = Party.search([('name', '=', "李雷")])
        self.assertEqual(person.crm_customer_type, 'individual')
        self.assertEqual(person.crm_owner, users['manager_a'])
        self.assertEqual(
            [(c.name, c.mobile) for c in person.crm_contacts],
            [("李雷", '13900002222')])

    @with_transaction()
    def test_bad_file_changes_nothing_and_lists_every_error(self):
        "Bad mobile, unknown source, duplicate, empty cell: all reported"
        Party = Pool().get('party.party')
        company, users, customers = self.setup()
        data = xlsx([
                HEADERS,
                ["甲公司", None, "Web Search", None, None, "张三",
                    "12345", None],
                ["乙公司", None, "路边广告牌", None, None, None, None, None],
                ["甲公司", None, None, None, None, None, None, None],
                [None, "企业客户", None, None, None, None, None, None],
                [customers['staff_b'].name, None, None, None, None, None,
                    None, "not-an-email"],
                ["丙公司", "合作伙伴", None, "火星", 'staff_b', None, None,
                    None],
                ["丁公司", None, None, None, None, None, "13900001111",
                    None],
                ])
        before = self.customer_count()
        importer = self.run_import(data, users['staff_a1'], company)
        self.assertEqual(self.customer_count(), before)
        self.assertFalse(Party.search([('name', '=', "乙公司")]))
        errors = {(i.sheet, i.row, i.column) for i in importer.issues}
        self.assertEqual(errors, {
                ("客户", 2, "手机"),
                ("客户", 3, "客户来源"),
                ("客户", 4, "客户名称*"),
                ("客户", 5, "客户名称*"),
                ("客户", 6, "客户名称*"),
                ("客户", 6, "联系人"),
                ("客户", 6, "电子邮箱"),
                ("客户", 7, "客户类型"),
                ("客户", 7, "省份"),
                ("客户", 7, "负责人"),
                ("客户", 8, "联系人"),
                })
        reasons = {(i.row, i.column): i.reason for i in importer.issues}
        self.assertIn("12345", reasons[2, "手机"])
        self.assertIn("路边广告牌", reasons[3, "客户来源"])
        self.assertIn("row 2", reasons[4, "客户名称*"])
        self.assertIn("already exists", reasons[6, "客户名称*"])
        # The error file marks the bad cells and lists the reasons
        workbook = openpyxl.load_workbook(io.BytesIO(importer.error_file()))
        self.assertEqual(workbook.sheetnames[0], "错误")
        self.assertEqual(workbook["错误"].max_row, len(importer.issues) + 1)
        sheet = workbook["客户"]
        self.assertEqual(sheet.cell(1, 9).value, "错误原因")
        self.assertIn("12345", sheet['G2'].comment.text)

    @with_transaction()
    def test_wrong_sheet_and_columns(self):
        "A file without the customer sheet, or with unknown columns"
        company, users, _ = self.setup()
        importer = self.run_import(
            xlsx([HEADERS, ["甲公司"] + [None] * 7], sheet="Sheet1"),
            users['staff_a1'], company)
        issue, = importer.issues
        self.assertIn('"客户"', issue.reason)
        self.assertIn("Sheet1", issue.reason)
        importer = self.run_import(
            xlsx([["名称", "手机"], ["甲公司", None]]),
            users['staff_a1'], company)
        self.assertEqual(
            sorted((i.row, i.column) for i in importer.issues),
            [(1, "名称"), (1, "客户名称*")])
        importer = self.run_import(b'not a workbook', users['staff_a1'],
            company)
        self.assertEqual(len(importer.issues), 1)
        openpyxl.load_workbook(io.BytesIO(importer.error_file()))

    @with_transaction()
    def test_english_headers_and_binned_duplicate(self):
        "Headers in English; a binned customer's name is a duplicate"
        Party = Pool().get('party.party')
        company, users, customers = self.setup()
        with as_user(users['staff_a1']):
            Party.delete([Party(customers['staff_a1'].id)])
        importer = self.run_import(
            xlsx([["Customer Name", "Mobile", "Contact"],
                    [customers['staff_a1'].name, None, None],
                    ["New Co", "13900009999", "Li"]]),
            users['staff_a1'], company)
        issue, = importer.issues
        self.assertIn("recycle bin", issue.reason)

    @with_transaction()
    def test_duplicate_mobile_is_a_warning(self):
        "A mobile already known asks for confirmation, then imports"
        pool = Pool()
        Contact = pool.get('crm.contact')
        Warning = pool.get('res.user.warning')
        company, users, customers = self.setup()
        contact, = customers['staff_a1'].crm_contacts
        Contact.write([contact], {'mobile': '13900001111'})
        data = xlsx([["客户名称", "联系人", "手机"],
                ["甲公司", "张三", "13900001111"]])
        with self.assertRaises(UserWarning) as cm:
            self.run_import(data, users['staff_a1'], company)
        Warning.create([{'user': users['staff_a1'].id,
                    'name': cm.exception.name, 'always': False}])
        importer = self.run_import(data, users['staff_a1'], company)
        self.assertFalse(importer.issues)
        self.assertEqual(len(Contact.search(
                    [('mobile', '=', '13900001111')])), 2)


class JobTestCase(unittest.TestCase):
    "Large files: a queued import job, run as the uploader, all or nothing"

    @classmethod
    def setUpClass(cls):
        activate_module('xtools_crm_base')

    def wizard_import(self, data, user, company, name='customers.xlsx'):
        "Import data through the wizard as user: the state it ends in"
        pool = Pool()
        Wizard = pool.get('crm.customer.import', type='wizard')
        with as_user(user, company=company.id):
            session_id, _, _ = Wizard.create()
            result = Wizard.execute(session_id, {
                    'start': {'file': data, 'file_name': name},
                    }, 'import_')
            view = result['view']
            return view['state'], {**view['defaults'], **view['values']}

    def run_queue(self):
        "Run the queued tasks as the server does after the commit"
        Queue = Pool().get('ir.queue')
        transaction = Transaction()
        ran = 0
        while transaction.tasks:
            Queue(transaction.tasks.pop()).run()
            ran += 1
        return ran

    def big_file(self, count, bad=False):
        rows = [HEADERS]
        for index in range(count):
            mobile = f'1390000{index:04d}'
            if bad and index in {1, 3}:
                mobile = '12345'
            rows.append([f"导入公司{index:02d}", None, None, None, None,
                    f"联系人{index:02d}", mobile, None])
        return xlsx(rows, contacts=[
                ["客户名称", "联系人", "职务", "手机"],
                ["导入公司00", "陈明", "采购", "13911112222"],
                ])

    def customer_count(self):
        return len(search('party.party', [('crm_customer_type', '!=', None)]))

    @with_transaction()
    def test_small_file_imports_at_once(self):
        "Below the threshold the wizard imports in its request"
        _, users, _ = build_organisation()
        company = Pool().get('company.company').search([])[0]
        with queue_above(5):
            state, _ = self.wizard_import(
                self.big_file(3), users['staff_a1'], company)
        self.assertEqual(state, 'done')
        self.assertEqual(search('crm.customer.import.job'), [])
        self.assertEqual(
            len(search('party.party', [('name', 'like', "导入公司%")])), 3)

    @with_transaction()
    def test_large_good_file_is_a_job_done_as_the_uploader(self):
        "A queued job creates every customer, owned by the uploader"
        pool = Pool()
        Party = pool.get('party.party')
        Job = pool.get('crm.customer.import.job')
        _, users, _ = build_organisation()
        company = pool.get('company.company').search([])[0]
        uploader = users['staff_a1']
        before = self.customer_count()
        with queue_above(5), \
                mock.patch.object(customer_import, 'BATCH_SIZE', 4):
            state, values = self.wizard_import(
                self.big_file(10), uploader, company, 'big.xlsx')
            self.assertEqual(state, 'queued')
            self.assertIn("11", values['note'])
            job = Job(values['job'])
            self.assertEqual(job.state, 'queued')
            self.assertEqual(job.user, uploader)
            # Nothing imported until the task runs
            self.assertEqual(self.customer_count(), before)
            self.assertEqual(self.run_queue(), 1)
        job = Job(job.id)
        self.assertEqual(job.state, 'done')
        self.assertEqual(
            (job.rows_total, job.rows_done, job.customers, job.contacts),
            (10, 10, 10, 11))
        self.assertEqual(job.progress, 1.0)
        self.assertTrue(job.started_at and job.finished_at)
        self.assertFalse(job.error_count)
        self.assertEqual(self.customer_count(), before + 10)
        parties = Party.search([('name', 'like', "导入公司%")])
        self.assertEqual(len(parties), 10)
        self.assertEqual({p.crm_owner for p in parties}, {uploader})
        first, = Party.search([('name', '=', "导入公司00")])
        self.assertEqual(
            sorted((c.name, c.mobile) for c in first.crm_contacts),
            [("联系人00", '13900000000'), ("陈明", '13911112222')])
        self.assertEqual(first.create_uid, uploader)

        # The uploader and the CRM administrators see it, no one else
        self.assertEqual(
            search('crm.customer.import.job', user=uploader), [job])
        self.assertEqual(
            search('crm.customer.import.job', user=users['staff_a2']), [])
        self.assertEqual(
            search('crm.customer.import.job', user=users['manager_a']), [])
        admin_group = pool.get('ir.model.data').get_id(
            'xtools_crm_base', 'group_crm_admin')
        pool.get('res.user').write([users['boss']], {
                'groups': [('add', [admin_group])]})
        self.assertEqual(
            search('crm.customer.import.job', user=users['boss']), [job])
        # Append-only: no edit, not even by its owner; deleted when done
        with as_user(uploader), self.assertRaises(AccessError):
            Job.write([Job(job.id)], {'state': 'queued'})
        with as_user(users['staff_a2']), self.assertRaises(AccessError):
            Job.delete([Job(job.id)])
        # (a refused delete marks the record deleted in its transaction:
        # the owner's delete comes as another request)
        Transaction().delete_records.clear()
        with as_user(uploader):
            Job.delete([Job(job.id)])
        self.assertEqual(search('crm.customer.import.job'), [])

    @with_transaction()
    def test_large_bad_file_fails_and_creates_nothing(self):
        "A job of a file with bad rows: failed, every error listed"
        pool = Pool()
        Job = pool.get('crm.customer.import.job')
        _, users, _ = build_organisation()
        company = pool.get('company.company').search([])[0]
        uploader = users['staff_a1']
        before = self.customer_count()
        with queue_above(5), \
                mock.patch.object(customer_import, 'BATCH_SIZE', 4):
            state, values = self.wizard_import(
                self.big_file(10, bad=True), uploader, company, 'bad.xlsx')
            self.assertEqual(state, 'queued')
            self.run_queue()
        job = Job(values['job'])
        self.assertEqual(job.state, 'failed')
        self.assertEqual(self.customer_count(), before)
        self.assertEqual((job.customers, job.rows_done), (0, 0))
        self.assertEqual(job.error_count, 2)
        lines = job.error_lines.splitlines()
        self.assertEqual(len(lines), 2)
        self.assertIn("row 3", lines[0])
        self.assertIn("row 5", lines[1])
        self.assertIn("12345", lines[0])
        self.assertEqual(job.error_file_name, 'bad-errors.xlsx')
        workbook = openpyxl.load_workbook(io.BytesIO(job.error_file))
        self.assertEqual(workbook["错误"].max_row, 3)
        # A file wrong on more rows than the form lists still ends failed:
        # the first errors and how many more, every one in the error file
        with queue_above(5), \
                mock.patch.object(customer_import_job, 'ERROR_LINES_SHOWN', 1):
            state, values = self.wizard_import(
                self.big_file(10, bad=True), uploader, company, 'bad2.xlsx')
            self.run_queue()
        many = Job(values['job'])
        self.assertEqual((many.state, many.error_count), ('failed', 2))
        first, more = many.error_lines.splitlines()
        self.assertIn("row 3", first)
        self.assertIn("1 more", more)
        self.assertEqual(openpyxl.load_workbook(
                io.BytesIO(many.error_file))["错误"].max_row, 3)
        # A job that has not ended cannot be deleted
        running, = Job.create([{'user': uploader.id, 'state': 'running'}])
        with as_user(uploader), self.assertRaises(AccessError):
            Job.delete([running])
        with as_user(uploader):
            Job.delete([job])


class ExportTestCase(unittest.TestCase):
    "Export needs the export permission"

    @classmethod
    def setUpClass(cls):
        activate_module('xtools_crm_base')

    @with_transaction()
    def test_generic_export_needs_permission(self):
        "export_data of customers and contacts is refused without it"
        pool = Pool()
        Party = pool.get('party.party')
        Contact = pool.get('crm.contact')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        _, users, customers = build_organisation()
        staff = users['staff_a1']
        customer = Party(customers['staff_a1'].id)
        for Model, records in [(Party, [customer]),
                (Contact, list(customer.crm_contacts))]:
            with self.subTest(model=Model.__name__), as_user(staff):
                with self.assertRaises(AccessError) as cm:
                    Model.export_data(records, ['name'])
                self.assertIn("export permission", cm.exception.message)
                with self.assertRaises(AccessError):
                    Model.export_data_domain([], ['name'])
        group = ModelData.get_id('xtools_crm_base', 'group_perm_export')
        User.write([staff], {'groups': [('add', [group])]})
        with as_user(staff):
            self.assertEqual(
                Party.export_data_domain(
                    [('crm_customer_type', '!=', None)], ['name']),
                [[customer.name]])

    @with_transaction()
    def test_export_file_imports_again(self):
        "The export is in the import format: it reads back row for row"
        pool = Pool()
        Party = pool.get('party.party')
        Contact = pool.get('crm.contact')
        _, users, customers = build_organisation()
        customer = customers['staff_a1']
        name = customer.name
        Contact.create([{'customer': customer.id, 'name': "Second",
                    'mobile': '13900004444'}])
        data = export_file([Party(customer.id)])
        workbook = openpyxl.load_workbook(io.BytesIO(data))
        self.assertEqual(workbook.sheetnames, ["客户", "联系人"])
        rows = list(workbook["客户"].values)
        self.assertEqual(rows[0][:3], ("客户名称*", "客户类型", "客户类别"))
        self.assertEqual(rows[1][0], customer.name)
        self.assertEqual(rows[1][11], 'staff_a1')
        contacts = list(workbook["联系人"].values)
        self.assertEqual(contacts[1][:2], (customer.name, "Second"))
        # In another company's database: here, after the original is gone
        Party.delete([Party(customer.id)])
        with in_recycle_bin():
            Party.delete([Party(customer.id)])
        with Transaction().set_user(users['staff_a1'].id):
            importer = CustomerFileImport(data)
            self.assertTrue(importer.run(), [
                    (i.row, i.column, i.reason) for i in importer.issues])
        copy, = Party.search([('name', '=', name)])
        self.assertEqual(len(copy.crm_contacts), 2)

