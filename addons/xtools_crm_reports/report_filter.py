"""Saved filters (SPEC R4): each user's default filter of each report.

The report's action names the report in its context (``crm_report``); the
report filter (crm.reporting.context) opens with the user's saved values
for that report. "Save as My Default Filter" on a report stores the filter
the report is shown with. A user reads and changes only their own saved
filters (record rule); what the filter shows still obeys the record rules
of the report."""
import datetime as dt

from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.wizard import StateTransition, Wizard

from xtools_crm_base.access import CheckedWizardMixin

FILTER_FIELDS = ['from_date', 'to_date', 'period', 'department',
    'salesperson', 'year']


def _report_name(value):
    "A report name of the context: a short text, else None"
    if isinstance(value, str) and 0 < len(value) <= 100:
        return value
    return None


class ReportFilter(ModelSQL, ModelView):
    "Saved report filter"
    __name__ = 'crm.reporting.filter'
    __string__ = "Saved Report Filter"

    user = fields.Many2One(
        'res.user', "User", required=True, readonly=True,
        ondelete='CASCADE')
    report = fields.Char("Report", required=True, readonly=True)
    from_date = fields.Date("From Date")
    to_date = fields.Date("To Date")
    period = fields.Char("Period")
    department = fields.Many2One(
        'crm.department', "Department", ondelete='SET NULL')
    salesperson = fields.Many2One(
        'res.user', "Salesperson", ondelete='SET NULL')
    year = fields.Integer("Year")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('user_report_unique', Unique(t, t.user, t.report),
                'xtools_crm_reports.msg_filter_unique'),
            ]

    @classmethod
    def default_user(cls):
        return Transaction().user or None

    @classmethod
    def saved_value(cls, name):
        "The saved value of name for the context's report and user"
        transaction = Transaction()
        report = _report_name(transaction.context.get('crm_report'))
        if not report or not transaction.user:
            return None
        with transaction.set_context(_check_access=False):
            saved = cls.search([
                    ('user', '=', transaction.user),
                    ('report', '=', report),
                    ], limit=1)
        if not saved:
            return None
        value = getattr(saved[0], name)
        return value.id if isinstance(value, ModelSQL) else value

    @classmethod
    def save_context(cls):
        """Store the filter of the context as the user's default for the
        context's report"""
        pool = Pool()
        Department = pool.get('crm.department')
        User = pool.get('res.user')
        transaction = Transaction()
        context = transaction.context
        report = _report_name(context.get('crm_report'))
        if not report or not transaction.user:
            return None
        values = {}
        for name in ['from_date', 'to_date']:
            value = context.get(name)
            values[name] = value if isinstance(value, dt.date) else None
        period = context.get('period')
        values['period'] = period if period in {
            'year', 'month', 'day'} else None
        year = context.get('year')
        values['year'] = year if isinstance(year, int) else None
        # Only what the user may read is remembered
        for name, Model in [
                ('department', Department), ('salesperson', User)]:
            value = context.get(name)
            values[name] = None
            if isinstance(value, int) and value >= 0:
                with transaction.set_context(active_test=False):
                    if Model.search([('id', '=', value)]):
                        values[name] = value
        with transaction.set_context(_check_access=False):
            saved = cls.search([
                    ('user', '=', transaction.user),
                    ('report', '=', report),
                    ], limit=1)
            if saved:
                cls.write(saved, values)
                return saved[0]
            record, = cls.create([{
                        'user': transaction.user,
                        'report': report,
                        **values,
                        }])
            return record


class SaveFilter(CheckedWizardMixin, Wizard):
    "Save the report's filter as my default (保存为默认筛选)"
    __name__ = 'crm.reporting.filter.save'
    __string__ = "Save as My Default Filter"
    # The filter is the user's own: the report rows are not touched
    _state_access = {'start': None}

    start = StateTransition()

    def transition_start(self):
        Pool().get('crm.reporting.filter').save_context()
        return 'end'
