"""Reminders of payment plans coming due (回款提醒, SPEC S6).

They ride on the daily follow-up reminders of xtools_crm_base (the
notification bell and one email per user, each reminder logged once): a
plan not fully received comes up to its deal's owner when it falls due
within the configured days (default 30), once per plan and due date;
received plans are no longer reminded (回款后取消提醒).
"""
import datetime as dt

from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta

from .deal import APPROVED_STATES
from .payment import format_amount


class Reminder(metaclass=PoolMeta):
    __name__ = 'crm.reminder'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.record.selection.append(('crm.payment.plan', "Payment Plan"))

    @classmethod
    def _due_reminders(cls, today):
        yield from super()._due_reminders(today)
        yield from cls._payment_plan_reminders(today)

    @classmethod
    def _payment_plan_reminders(cls, today):
        pool = Pool()
        Plan = pool.get('crm.payment.plan')
        Configuration = pool.get('sale.configuration')
        Lang = pool.get('ir.lang')
        days = Configuration(1).get_crm_payment_reminder_days()
        for plan in Plan.search([
                    ('state', '!=', 'paid'),
                    ('due_date', '<=', today + dt.timedelta(days=days)),
                    ('deal.state', 'in', sorted(APPROVED_STATES)),
                    ('deal.crm_owner', '!=', None),
                    ]):
            def text(today, plan=plan):
                lang = Lang.get()
                values = {
                    'deal': plan.deal.rec_name,
                    'plan': plan.name,
                    'amount': format_amount(
                        plan.remaining_amount, plan.currency),
                    'date': lang.strftime(plan.due_date),
                    }
                if plan.due_date < today:
                    label = gettext(
                        'xtools_crm_sales.msg_reminder_payment_overdue',
                        **values)
                else:
                    label = gettext(
                        'xtools_crm_sales.msg_reminder_payment_due',
                        **values)
                return label, plan.deal.party.rec_name
            yield {
                'user': plan.deal.crm_owner,
                'record': plan,
                'date': plan.due_date,
                'link': plan.deal,
                'text': text,
                }
