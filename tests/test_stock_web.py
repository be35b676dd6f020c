"""The keeper confirms an outbound document (库管确认, SPEC K1) in sao.

吴俊杰 (sales, 销售二部) requested the outbound of an approved order of his
customer 杭州西湖国际酒店. The demo keeper 杨建军 works as a user does, in
headless Chromium: 产品库存 › 出库单, the document waiting for him in the
list, opened; 库管确认 opens the confirmation dialog (确认出库单) with the
requested line and what the warehouse has; 确认. The form then shows him as
the one who confirmed it, and the server, asked over RPC as the keeper,
holds the document as confirmed (goods reserved) by him.

On its own copy of the demo database: the new order and its outbound must
not change what the other tests count.

Screenshots: $XTOOLS_ARTIFACTS/stock_outbound_<n>_*.png.
"""
import pytest

from support.env import artifacts_dir
from support.orders import approved_order
from support.sao import (
    WAIT, close_dialog, current_tab, dialog, field,
    javascript_errors_reported, open_menu, sao_login)

playwright_api = pytest.importorskip('playwright.sync_api')
expect = playwright_api.expect

PASSWORD = 'feida2026'
KEEPER = 'yangjianjun'
SALESPERSON = 'wujunjie'
CUSTOMER = "杭州西湖国际酒店"      # wujunjie's
PRODUCT_CODE = 'FD-ZY-1260'
QUANTITY = 3


def screenshot(page, name):
    page.screenshot(
        path=str(artifacts_dir() / f'stock_outbound_{name}.png'),
        full_page=True)


@pytest.fixture
def outbound_server(fresh_database, start_server):
    """A server on a demo copy with an outbound document waiting for the
    keeper: the boss's approved order, requested by its salesperson;
    returns (server, outbound id, order number, product name)"""
    server = start_server(fresh_database, 'stock-web')
    boss = server.rpc_as('wangtianhong', PASSWORD)
    sale, customer = approved_order(boss, CUSTOMER, PRODUCT_CODE, QUANTITY)
    product, = boss.search_read('product.product', [
            ('code', '=', PRODUCT_CODE)], ['rec_name'])
    salesperson = server.rpc_as(SALESPERSON, PASSWORD)
    contact, = salesperson.search(
        'crm.contact', [('customer', '=', customer)], limit=1)
    salesperson.write('sale.sale', [sale], {'crm_consignee': contact})
    salesperson.button('sale.sale', 'manual_shipment', [sale])
    order, = salesperson.read('sale.sale', [sale], ['shipments', 'number'])
    shipment, = order['shipments']
    return server, shipment, order['number'], product['rec_name']


def test_keeper_confirms_an_outbound(outbound_server, chromium, demo_data):
    server, shipment, order_number, product_name = outbound_server
    names = {u['login']: u['name'] for u in demo_data.LOGINS}
    keeper = server.rpc_as(KEEPER, PASSWORD)
    before, = keeper.read('stock.shipment.out', [shipment],
        ['number', 'state', 'crm_step', 'crm_confirmed_by'])
    assert (before['state'], before['crm_step'],
        before['crm_confirmed_by']) == ('waiting', 'request', None)
    number = before['number']

    page = chromium()
    page.set_default_timeout(WAIT)
    try:
        with javascript_errors_reported(page):
            sao_login(page, server, KEEPER, PASSWORD)
            open_menu(page, '产品库存', '出库单')
            # The list's own tab, not the keeper's workbench shown first
            expect(page.locator('#tablist li.active')).to_contain_text(
                '出库单', timeout=WAIT)
            tab = current_tab(page)
            # The list opens on the documents awaiting the keeper
            row = tab.locator('.treeview tbody tr', has_text=order_number)
            expect(row).to_have_count(1, timeout=WAIT)
            expect(row).to_contain_text(CUSTOMER)
            expect(row).to_contain_text('待确认')
            screenshot(page, '1_list')
            row.locator('td', has_text=order_number).first.dblclick()

            # The form: the order, the customer's name, the goods
            expect(field(tab, 'number')).to_have_value(number, timeout=WAIT)
            expect(field(tab, 'crm_order')).to_have_value(order_number)
            confirm_button = tab.get_by_role('button', name='库管确认')
            expect(confirm_button).to_be_visible(timeout=WAIT)
            screenshot(page, '2_form')
            confirm_button.click()

            # The dialog: the requested line with what the warehouse has
            wizard = dialog(page)
            wizard.wait_for(state='visible', timeout=WAIT)
            expect(wizard.locator('.modal-header')).to_contain_text(
                f'确认出库单 ({number})')
            line = wizard.locator('.treeview tbody tr', has_text=product_name)
            expect(line).to_have_count(1, timeout=WAIT)
            expect(line).to_contain_text(str(QUANTITY))
            screenshot(page, '3_dialog')
            close_dialog(wizard, '确认')

            # Back on the form: confirmed, by him; next comes taking out
            expect(field(tab, 'crm_step').locator('option:checked')
                ).to_have_text('已确认', timeout=WAIT)
            expect(tab.get_by_role('button', name='库管确认')).to_be_hidden()
            expect(tab.get_by_role('button', name='出库', exact=True)).to_be_visible()
            tab.locator('.form-notebook .nav-tabs a[role="tab"]',
                has_text='经手人').click()
            expect(field(tab, 'crm_confirmed_by')).to_have_value(
                names[KEEPER], timeout=WAIT)
            screenshot(page, '4_confirmed')
    finally:
        screenshot(page, '5_end')

    # What the screens showed is what the server holds
    after, = keeper.read('stock.shipment.out', [shipment],
        ['state', 'crm_step', 'crm_confirmed_by', 'outgoing_moves'])
    assert after['state'] == 'assigned'
    assert after['crm_step'] == 'confirmed'
    assert after['crm_confirmed_by'] == keeper.user_id
    moves = keeper.read('stock.move', after['outgoing_moves'],
        ['quantity', 'product'])
    assert [m['quantity'] for m in moves] == [QUANTITY]
    # The whole order in one batch: no rest requested in a new document
    assert keeper.search('stock.shipment.out', [
            ('crm_order', '=', order_number)]) == [shipment]
