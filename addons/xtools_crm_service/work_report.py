"""The service facts of the work reports (SPEC B9): the services the
author gave and the complaints the author handled in the period, extending
the provider hook of xtools_crm_base's work reports (crm_work_facts); and
the report days from the company's working calendar (holidays, weekend
days worked), for the grid and the lateness."""
from trytond.pool import Pool, PoolMeta

from xtools_crm_base.work_report import detail, utc_bounds

from .calendar import company_calendar

FACT_KINDS = [
    ('services', "Services"),
    ('complaints', "Complaints"),
    ]


class WorkReport(metaclass=PoolMeta):
    __name__ = 'crm.work.report'

    @classmethod
    def crm_work_facts(cls, author, company, start, end):
        return super().crm_work_facts(author, company, start, end) + [
            cls._fact_services(author, company, start, end),
            cls._fact_complaints(author, company, start, end),
            ]

    @classmethod
    def _fact_services(cls, author, company, start, end):
        Service = Pool().get('crm.service.record')
        since, until = utc_bounds(company, start, end)
        services = Service.search([
                ('assignee', '=', author.id),
                ('start_time', '>=', since),
                ('start_time', '<', until),
                ], order=[('start_time', 'ASC'), ('id', 'ASC')])
        return {
            'kind': 'services',
            'count': len(services),
            'detail': detail(
                f'{s.customer.rec_name}: {s.subject}' for s in services
                if cls.describable(author, s.customer)),
            }

    @classmethod
    def _fact_complaints(cls, author, company, start, end):
        Complaint = Pool().get('crm.complaint')
        since, until = utc_bounds(company, start, end)
        complaints = Complaint.search([
                ('handler', '=', author.id),
                ('complaint_time', '>=', since),
                ('complaint_time', '<', until),
                ], order=[('complaint_time', 'ASC'), ('id', 'ASC')])
        return {
            'kind': 'complaints',
            'count': len(complaints),
            'detail': detail(
                f'{c.customer.rec_name}: {c.subject}' for c in complaints
                if cls.describable(author, c.customer)),
            }

    @classmethod
    def report_day_test(cls, company, start, end):
        "The company's working days: holidays owe no daily report"
        if company is None:
            return super().report_day_test(company, start, end)
        return company_calendar(company.id, start, end).is_business_day


class WorkReportFact(metaclass=PoolMeta):
    __name__ = 'crm.work.report.fact'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.kind.selection += FACT_KINDS
