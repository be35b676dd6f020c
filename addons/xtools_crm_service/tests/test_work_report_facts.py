"""The service facts of the work reports (SPEC B9): services given and
complaints handled in the period; the company's holidays owe no daily
report."""
import datetime as dt
import unittest
import unittest.mock

from trytond.modules.company.tests import set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from xtools_crm_base.tests.test_work_report import backdate
from xtools_crm_base.tests.tools import create_organisation


class WorkReportFactsTestCase(unittest.TestCase):
    "The service facts of the work reports"

    @classmethod
    def setUpClass(cls):
        activate_module('xtools_crm_service')

    @with_transaction()
    def test_services_and_complaints(self):
        "The day's services and complaints are in the daily report"
        pool = Pool()
        Service = pool.get('crm.service.record')
        Complaint = pool.get('crm.complaint')
        Report = pool.get('crm.work.report')
        Date = pool.get('ir.date')
        org = create_organisation(
            {"客户部": None},
            {'agent': {'crm_department': "客户部", 'roles': ['service']}},
            customers=['agent'])
        agent, customer = org.users['agent'], org.customers['agent']
        with set_company(org.company):
            today = Date.today()
            now = dt.datetime.now()
            Service.create([
                    {'customer': customer.id, 'subject': "指导调节椅子高度",
                        'assignee': agent.id, 'start_time': now},
                    {'customer': customer.id, 'subject': "上月的安装",
                        'assignee': agent.id,
                        'start_time': now - dt.timedelta(days=40)},
                    ])
            Complaint.create([{
                        'customer': customer.id, 'subject': "桌腿松动",
                        'content': "会议桌桌腿松动。", 'handler': agent.id,
                        'complaint_time': now}])
            with Transaction().set_user(agent.id), \
                    Transaction().set_context(_check_access=True):
                report, = Report.create([{'type': 'daily', 'date': today}])
            facts = {f.kind: f for f in Report(report.id).facts}
        self.assertEqual(
            (facts['services'].count, facts['services'].detail),
            (1, f"{customer.name}: 指导调节椅子高度"))
        self.assertEqual(
            (facts['complaints'].count, facts['complaints'].detail),
            (1, f"{customer.name}: 桌腿松动"))

    @with_transaction()
    def test_holidays_owe_no_daily_report(self):
        "The grid leaves the company's holidays blank, counts its workdays"
        pool = Pool()
        Holiday = pool.get('crm.holiday')
        Grid = pool.get('crm.work.report.grid')
        Date = pool.get('ir.date')
        org = create_organisation(
            {"客户部": None}, {'agent': {'crm_department': "客户部"}})
        backdate(org.users.values(), dt.date(2025, 12, 1))
        with set_company(org.company):
            # 2026: 1–3 January off, Sunday 4 January worked (元旦调休)
            Holiday.create([
                    {'date': dt.date(2026, 1, d), 'name': "元旦",
                        'kind': 'holiday'} for d in (1, 2, 3)] + [
                    {'date': dt.date(2026, 1, 4), 'name': "元旦调休",
                        'kind': 'workday'}])
            with unittest.mock.patch.object(
                    Date, 'today', return_value=dt.date(2026, 1, 10)), \
                    Transaction().set_context(
                        crm_period_type='daily',
                        crm_period_date=dt.date(2026, 1, 1)):
                row, = Grid.search([('user', '=', org.users['agent'].id)])
                cells = [getattr(row, 'c%02d' % d) for d in range(1, 10)]
        self.assertEqual(cells, [
                '', '', '', "Missing", "Missing", "Missing", "Missing",
                "Missing", "Missing"])
