"""Saving a new deal offers its payment plan (S6), as the original product
does: "点击保存合同/订单明细后,会弹出智能新建回款计划的界面".

张浩 (zhanghao, staff of 销售一部) opens 销售 → 合同订单 in sao, creates an
order for his customer with one line of goods and saves it: the payment
plan wizard (创建回款计划) opens by itself on the saved order. He takes the
company's default installments and creates them: the order has its plan.
A second order he saves the same way, then cancels the wizard: the order
stays saved, without a plan, and the form's 回款计划 button is still there
for later.

On its own copy of the demo database (it adds deals).
"""
import re

import pytest

from support.env import artifacts_dir
from support.sao import (
    WAIT, choose, close_dialog, dialog, field,
    javascript_errors_reported, notebook_page, one2many, open_orders,
    sao_login,
    toolbar_button)

pytest.importorskip('playwright.sync_api')

LOGIN = 'zhanghao'
PASSWORD = 'feida2026'
# One of his customers (demo/demo_data.py) and a desk (goods), first in
# the product search dialog
CUSTOMER = "上海申城律师事务所"
PRODUCT = "钢木结合主管桌"
WIZARD_TITLE = '创建回款计划'


def screenshot(page, name):
    page.screenshot(path=str(artifacts_dir() / f'deal_plan_offer_{name}.png'))


def plan_wizard(page):
    "The payment plan wizard's dialog, by its title"
    return page.locator('.modal.in.wizard-dialog').filter(
        has=page.locator('.modal-header', has_text=WIZARD_TITLE)).last


def new_order(page, tab, quantity):
    "A new order of `quantity` desks for CUSTOMER, saved with 保存"
    expect = pytest.importorskip('playwright.sync_api').expect
    toolbar_button(tab, '新建').click()
    party = field(tab, 'party')
    expect(party).to_be_visible(timeout=WAIT)
    expect(field(tab, 'crm_deal_type').locator('option:checked')
        ).to_have_text('订单', timeout=WAIT)
    choose(page, party, CUSTOMER)
    # 销售 page: a line of goods (its dialog, the product picked from
    # the search dialog, the price comes with it)
    tab.locator('.form-notebook .nav-tabs a[role="tab"]',
        has_text='销售订单').first.click()
    lines = one2many(tab)
    lines.get_by_role('button', name='新建').click()
    line = dialog(page)
    line.wait_for(state='visible', timeout=WAIT)
    product = field(line, 'product')
    expect(product).to_be_visible(timeout=WAIT)
    product.locator('xpath=..').get_by_role('button', name='搜索记录').click()
    search = dialog(page, '搜索')
    search.locator('.treeview tbody tr', has_text=PRODUCT).first.click()
    close_dialog(search, '确定')
    expect(product).to_have_value(re.compile(PRODUCT), timeout=WAIT)
    # The product's on_change (unit, price) first: it would reset a
    # quantity typed before it is done
    expect(field(line, 'unit_price')).not_to_have_value('', timeout=WAIT)
    # sao shows a text input that turns into a number input on focus
    quantity_ = field(line, 'quantity')
    quantity_.click()
    expect(quantity_).to_have_attribute('type', 'number')
    quantity_.fill(str(quantity))
    quantity_.press('Tab')
    expect(quantity_).to_have_value(re.compile(f'^{quantity}'))
    close_dialog(line, '添加')
    expect(lines.locator('.treeview tbody tr', has_text=PRODUCT)
        ).to_have_count(1, timeout=WAIT)
    toolbar_button(tab, '保存').click()


def saved_order(staff, before):
    "The order he just saved (the one deal of his that is new)"
    ids = set(staff.search('sale.sale', [
                ('party.name', '=', CUSTOMER)])) - before
    assert len(ids) == 1, f'one new order expected, found {sorted(ids)}'
    deal, = staff.read('sale.sale', list(ids), [
            'crm_deal_type', 'total_amount', 'crm_payment_plans', 'state'])
    return deal


@pytest.fixture
def deal_server(fresh_database, start_server):
    return start_server(fresh_database, 'deal-plan-offer')


def test_saving_a_new_order_offers_its_payment_plan(deal_server, chromium):
    expect = pytest.importorskip('playwright.sync_api').expect
    server = deal_server
    staff = server.rpc_as(LOGIN, PASSWORD)
    defaults = staff.search_read(
        'crm.payment.plan.default', [], ['name', 'percentage'])
    assert len(defaults) > 1, 'the demo has default installments'
    before = set(staff.search('sale.sale', [('party.name', '=', CUSTOMER)]))
    page = chromium()
    page.set_default_timeout(WAIT)
    with javascript_errors_reported(page):
        sao_login(page, server, LOGIN, PASSWORD)
        tab = open_orders(page)

        # Saved: the plan wizard opens by itself, on one payment
        new_order(page, tab, 2)
        wizard = plan_wizard(page)
        wizard.wait_for(state='visible', timeout=WAIT)
        expect(field(wizard, 'mode').locator('option:checked')
            ).to_have_text('一次付清', timeout=WAIT)
        deal = saved_order(staff, before)
        assert deal['crm_deal_type'] == 'order'
        assert not deal['crm_payment_plans']
        screenshot(page, '1_offered')
        # He takes the company's default installments
        field(wizard, 'mode').select_option(label='分期付款')
        for default in defaults:
            expect(wizard.locator('.treeview tbody tr',
                    has_text=default['name'])).to_have_count(1, timeout=WAIT)
        screenshot(page, '2_installments')
        close_dialog(wizard, '创建')
        # The order's form shows its plan (回款与开票)
        payments = notebook_page(tab, {'回款与开票'})
        for default in defaults:
            expect(payments.locator('.treeview tbody tr',
                    has_text=default['name'])).to_have_count(1, timeout=WAIT)
        screenshot(page, '3_planned')

        plans = staff.search_read('crm.payment.plan', [
                ('deal', '=', deal['id'])], ['name', 'amount'])
        assert sorted(p['name'] for p in plans) == sorted(
            d['name'] for d in defaults)
        assert sum(p['amount'] for p in plans) == deal['total_amount']

        # A second order: he cancels the wizard, the order stays saved
        before.add(deal['id'])
        new_order(page, tab, 1)
        wizard = plan_wizard(page)
        wizard.wait_for(state='visible', timeout=WAIT)
        expect(field(wizard, 'mode').locator('option:checked')
            ).to_have_text('一次付清', timeout=WAIT)
        close_dialog(wizard, '取消')
        second = saved_order(staff, before)
        assert second['crm_deal_type'] == 'order'
        assert second['total_amount'] > 0
        assert second['crm_payment_plans'] == []
        assert second['state'] == 'draft'
        # Its plan can be made later with the form's button
        expect(tab.get_by_role('button', name='回款计划', exact=True)
            ).to_be_enabled(
            timeout=WAIT)
        expect(plan_wizard(page)).to_have_count(0)
        screenshot(page, '4_cancelled')
