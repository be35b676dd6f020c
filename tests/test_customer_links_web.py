"""A link to a customer opens the CRM customer view (客户视图).

张浩 (zhanghao, staff of 销售一部) opens 销售 → 合同订单 in sao, as a new
user does, and clicks the customer's name in his order's row: a tab opens
on the customer with the customer view's fields and pages (客户类型,
联系人, 跟进时间线 …), not Tryton's generic party form (供应商, 会计 …).
Then, in the order's form, 打开记录 on the customer field shows the same
view.

Every other customer link is checked over RPC, cheaply: every Many2One to
party.party in the list and form views the XToolsCRM modules define or
extend names the customer view in its view_ids (sao opens a linked record
with the second view of view_ids, the first being the list of its search
dialog), so a new view cannot forget it.
"""
import re

import pytest
from lxml import etree

from support.env import artifacts_dir
from support.sao import (
    WAIT, current_tab, dialog, field, javascript_errors_reported, open_orders,
    sao_login)

LOGIN = 'zhanghao'
PASSWORD = 'feida2026'
# His approved order of demo/demo_deals.py
CUSTOMER = "上海明珠广告有限公司"
# The title of the deals' tab (销售 / 合同订单)
DEALS_TITLE = re.compile('合同订单$')
# Pages of Tryton's generic party form a CRM user must not land on
GENERIC_PAGES = {'供应商', '会计', '库存'}
# Pages of the customer view (xtools_crm_base/view/customer_form.xml)
CUSTOMER_VIEW_PAGES = {'联系人', '待办任务'}

CUSTOMER_VIEW = ('xtools_crm_base', 'customer_view_form')
# Many2One fields to party.party that are not customers
NOT_CUSTOMERS = {
    ('purchase.purchase', 'party'),          # the supplier
    ('purchase.purchase', 'invoice_party'),
    ('company.company', 'party'),
    ('company.employee', 'party'),
    ('stock.shipment.in', 'supplier'),
    }
# Modules whose views the check leaves out (none: every module's are
# checked)
UNCHECKED_MODULES = set()


def screenshot(page, name):
    page.screenshot(
        path=str(artifacts_dir() / f'customer_links_{name}.png'))


def page_titles(scope):
    "The titles of the notebook pages shown in `scope`"
    return {t.strip() for t in scope.locator(
            '.form-notebook .nav-tabs a[role="tab"]').filter(
            visible=True).all_inner_texts()}


def expect_customer_view(scope):
    "`scope` (a tab or a dialog) shows the CRM customer view of CUSTOMER"
    expect = pytest.importorskip('playwright.sync_api').expect
    expect(field(scope, 'name')).to_have_value(CUSTOMER, timeout=WAIT)
    expect(field(scope, 'crm_customer_type').locator('option:checked')
        ).to_have_text('企业客户')
    expect(field(scope, 'crm_next_followup_date')).to_be_visible()
    titles = page_titles(scope)
    assert CUSTOMER_VIEW_PAGES <= titles, titles
    assert not (GENERIC_PAGES & titles), titles


def test_salesperson_opens_the_customer_of_a_deal(server, chromium):
    expect = pytest.importorskip('playwright.sync_api').expect
    page = chromium()
    page.set_default_timeout(WAIT)
    with javascript_errors_reported(page):
        sao_login(page, server, LOGIN, PASSWORD)
        # His deal is an order (订单)
        deals = open_orders(page)
        row = deals.locator('.treeview tbody tr', has_text=CUSTOMER).first
        row.wait_for(state='visible')
        screenshot(page, '1_deals')

        # The customer's name in the list is a link: a tab opens on it
        row.locator('td a', has_text=CUSTOMER).filter(
            visible=True).first.click()
        tab = current_tab(page)
        expect(field(tab, 'name')).to_have_value(CUSTOMER, timeout=WAIT)
        expect_customer_view(tab)
        screenshot(page, '2_customer_from_the_list')

        # Back to the deals: open the order, then its customer
        page.locator('#tablist li').filter(has_text='合同订单').first.click()
        expect(deals.locator('nav.toolbar .title').first).to_have_attribute(
            'title', DEALS_TITLE, timeout=WAIT)
        row = deals.locator('.treeview tbody tr', has_text=CUSTOMER).first
        row.locator('.column-char').filter(visible=True).first.dblclick()
        party = field(deals, 'party')
        expect(party).to_have_value(CUSTOMER, timeout=WAIT)
        party.locator('xpath=..').locator(
            'button[title="打开记录"]').click()
        customer = dialog(page)
        customer.wait_for(state='visible')
        expect_customer_view(customer)
        screenshot(page, '3_customer_from_the_form')


def test_every_customer_link_names_the_customer_view(admin):
    form_id = admin.model_data_id(*CUSTOMER_VIEW)
    ours = admin.search_read('ir.ui.view',
        [('module', 'like', 'xtools_crm_%'),
            ('module', 'not in', list(UNCHECKED_MODULES))],
        ['model', 'type', 'inherit'])
    # An extension is checked in the view it extends, as the client gets it
    roots = {(v['model'], v['inherit'] or v['id']) for v in ours
        if v['model']}     # boards show no model's fields
    checked, missing = 0, []
    for model, view_id in sorted(roots):
        view = admin.call(model, 'fields_view_get', view_id, None)
        if view['type'] not in {'tree', 'form'}:
            continue
        arch = etree.fromstring(view['arch'].encode('utf-8'))
        for node in arch.iter('field'):
            name = node.get('name')
            definition = view['fields'].get(name, {})
            if (definition.get('type') not in {'many2one', 'one2one'}
                    or definition.get('relation') != 'party.party'
                    or (model, name) in NOT_CUSTOMERS):
                continue
            checked += 1
            view_ids = (node.get('view_ids') or '').split(',')
            # sao drops the first (the list of the search dialog)
            if view_ids[1:2] != [str(form_id)]:
                missing.append(f'{model} view {view_id}: {name}')
    # The deal list, the quotes, the activities … are among them
    assert checked >= 40, checked
    assert not missing, (
        'customer links that open the generic party form: '
        + ', '.join(missing))
