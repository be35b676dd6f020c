"""Paths of xtools_crm_reports: the reports are read only (their rows are
those of the documents the caller may read); the Excel export needs the
export permission and writes nothing; a saved filter is the caller's own;
the targets have no button. The context filters the reports: the record
rules of what is summed still apply."""
import datetime as dt

from . import Case, ContextKey, Getter, Target, fixture
from .xtools_crm_sales import _deal

DETAIL = 'crm.reporting.sales.detail'


def _approved_deal(world):
    """An approved order of the owner's new customer, from the company's
    first warehouse: the demo has two, so Tryton proposes none and a deal
    of goods is quoted only with one"""
    deal = _deal(world, 'draft')
    warehouse = world.admin.search('stock.location', [
            ('type', '=', 'warehouse')], order=[('id', 'ASC')], limit=1)[0]
    world.owner.write('sale.sale', deal.ids, {'warehouse': warehouse})
    world.owner.button('sale.sale', 'quote', deal.ids)
    world.client('manager').button('sale.sale', 'confirm', deal.ids)
    return deal


@fixture('sales_detail')
def sales_detail(world):
    "The rows of the owner's approved deal in the sales detail report"
    deal = _approved_deal(world)
    ids = world.owner.search(DETAIL, [('deal', '=', deal.ids[0])])
    assert ids, "the approved deal is in its owner's sales detail"
    return Target(DETAIL, ids, deal.customer_name)


@fixture('sales_detail_toolbar')
def sales_detail_toolbar(world):
    """The sales detail report with no row selected: its filter is the
    caller's, whatever rows the caller sees"""
    return Target(DETAIL, [])


CASES = [
    Case('wizard.crm.reporting.export', state='start',
        fixture='sales_detail', control='manager', changes=False,
        note="Goes on to the export; writes nothing"),
    Case('wizard.crm.reporting.export', state='export',
        fixture='sales_detail', control='manager', changes=False,
        note="Needs the export permission (the manager of the run has it) "
        "and writes only the rows the caller may read; writes nothing"),
    Case('wizard.crm.reporting.filter.save', state='start',
        fixture='sales_detail_toolbar',
        context={'crm_report': 'sales_detail'},
        allowed=frozenset({'reader', 'writer', 'finance', 'outsider'}),
        note="Saves the caller's own default filter of the report, from "
        "its toolbar with no row selected: every reader of the reports "
        "may; customer service reads no report (refused)"),
    Getter('model.crm.reporting.customer.category.get_customer_types',
        "the selection of customer types (those of the customers)"),
    Getter('model.crm.reporting.sales.detail.get_deal_types',
        "the selection of deal types (those of the deals)"),
    ]

CONTEXT_KEYS = [
    ContextKey('from_date', 'filter', "the report's period; the record "
        "rules of what is counted still apply",
        hostile=dt.date(1900, 1, 1)),
    ContextKey('to_date', 'filter', "the report's period",
        hostile=dt.date(2999, 12, 31)),
    ContextKey('period', 'filter', "the length of a report's rows (year, "
        "month, day)", hostile='quarter'),
    ContextKey('year', 'filter', "the year of the reports by month",
        hostile=1),
    ContextKey('department', 'filter', "only the salespeople of a "
        "department; the record rules still apply", hostile=-1),
    ContextKey('salesperson', 'filter', "only a salesperson's figures; the "
        "record rules still apply", hostile=-1),
    ContextKey('crm_report', 'view', "the report whose saved filter opens "
        "(the caller's own)", hostile='x' * 200),
    ContextKey('crm_team_departments', 'rule', "ir.rule context of the "
        "targets: the teams the user reads"),
    ]
