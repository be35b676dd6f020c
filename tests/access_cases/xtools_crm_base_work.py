"""Paths of xtools_crm_base's office (SPEC B8's SMS, B9, B10): work reports
(submit, refresh, comment), notices (publish, withdraw, back to draft,
mark as read), SMS to contacts; the context of the reports' grid."""
import datetime as dt
import itertools
import uuid

from . import ACTORS, Case, ContextKey, Getter, Target, fixture

# Each fixture report is about a day of its own (one report per period)
_days = itertools.count()


def _work_report(world, submit=False):
    day = dt.date(2001, 1, 1) + dt.timedelta(days=next(_days))
    report_id, = world.owner.create('crm.work.report', [{
                'type': 'daily', 'date': day,
                'summary': "拜访两家客户，发出一份报价。",
                'plan': "明天电话回访。"}])
    if submit:
        world.owner.button('crm.work.report', 'submit', [report_id])
    return Target('crm.work.report', [report_id])


fixture('draft_work_report')(_work_report)
fixture('submitted_work_report')(lambda world: _work_report(world, True))


def _notice(world, *buttons):
    "A company-wide notice of the administrator (a publisher)"
    notice_id, = world.admin.create('crm.notice', [{
                'title': f"访问测试公告 {uuid.uuid4().hex[:6]}",
                'content': "全体同事请注意。", 'scope': 'company'}])
    for button in buttons:
        world.admin.button('crm.notice', button, [notice_id])
    return Target('crm.notice', [notice_id])


fixture('draft_notice')(_notice)
fixture('published_notice')(lambda world: _notice(world, 'publish'))
fixture('withdrawn_notice')(
    lambda world: _notice(world, 'publish', 'withdraw'))


@fixture('contact_with_mobile')
def contact_with_mobile(world):
    "The contact of a new customer of the owner, with a mobile"
    customer_id, name = world.customer("短信客户")
    contact_id, = world.owner.search(
        'crm.contact', [('customer', '=', customer_id)])
    # A mobile of its own: the same mobile twice is a duplicate warning
    mobile = f'139{uuid.uuid4().int % 10**8:08d}'
    world.owner.write('crm.contact', [contact_id], {'mobile': mobile})
    return Target('crm.contact', [contact_id], name)


CASES = [
    # -- work reports (B9) -------------------------------------------------------
    Case('model.crm.work.report.submit', fixture='draft_work_report',
        note="The author only, and only a draft"),
    Case('model.crm.work.report.refresh_facts',
        fixture='draft_work_report',
        note="Rewrites the reference data of the author's draft"),
    Case('model.crm.work.report.comment', fixture='submitted_work_report',
        control='manager', changes=False,
        note="Opens the comment wizard, for who reads the report: the "
        "author's leaders (the run's manager), not colleagues"),
    Case('wizard.crm.work.report.comment.add', state='add',
        fixture='submitted_work_report',
        data=lambda w, t: {'start': {'text': "思路清晰，继续跟进。"}},
        control='manager',
        note="Comments by whoever reads the submitted report: the "
        "author's leaders; the comment's own create rule applies"),
    Getter('model.crm.work.report.summary.get_kinds',
        "the kinds of reference data, a list of choices"),
    # -- notices (B10) -----------------------------------------------------------
    Case('model.crm.notice.publish', fixture='draft_notice',
        control='admin', note="The publishing permission and the author "
        "or a boss/CRM administrator"),
    Case('model.crm.notice.withdraw', fixture='published_notice',
        control='admin'),
    Case('model.crm.notice.draft', fixture='withdrawn_notice',
        control='admin'),
    Case('model.crm.notice.mark_read', fixture='published_notice',
        allowed=frozenset(ACTORS),
        note="A company-wide notice: everyone in the company reads it and "
        "records their own read receipt"),
    # -- SMS (B8) ----------------------------------------------------------------
    Case('wizard.crm.sms.send', state='send', fixture='contact_with_mobile',
        data=lambda w, t: {'start': {'text': "您好，样品已寄出。"}},
        allowed=frozenset({'reader', 'writer', 'finance', 'service'}),
        note="Whoever reads the contact may send it an SMS (logged, "
        "append-only); the outsider does not read it"),
    Getter('model.crm.configuration.get_sms_providers',
        "the SMS gateways, a list of choices"),
    ]

CONTEXT_KEYS = [
    ContextKey('crm_period_type', 'filter',
        "the report type of the submission grid and the summary",
        hostile='yearly'),
    ContextKey('crm_period_date', 'filter',
        "the month (or year) of the submission grid and the summary; "
        "out-of-range days are today", hostile=dt.date(9999, 12, 31)),
    ContextKey('crm_period_department', 'filter',
        "narrows the grid and the summary; the hierarchy rules still "
        "apply", hostile=-1),
    ContextKey('_crm_submitted_at', 'stripped',
        "the time of a submission set by the server's own code (demo, "
        "tests)"),
    ]
