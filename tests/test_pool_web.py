"""The public pool in the browser: a salesperson claims a customer from
公海 in sao, and the server makes her its owner.

On its own copy of the demo database, since switching the pool on changes
where new customers go (no maturity grade: the public pool)."""
import pytest

from support.env import artifacts_dir
from support.sao import (
    WAIT, close_dialog, current_tab, dialog, open_menu, sao_login)

pytest.importorskip('playwright.sync_api')

STAFF = ('zhaoxue', 'feida2026')
POOL_CUSTOMERS = ["上海长风仓储有限公司", "杭州钱塘文创园有限公司"]


@pytest.fixture
def pool_server(fresh_database, start_server):
    "A server on a demo copy with the pool on and two public customers"
    server = start_server(fresh_database, 'pool-web')
    admin = server.admin()
    staff_id, = admin.search('res.user', [('login', '=', STAFF[0])])
    # As the CRM administrator does on the pool settings page
    admin.write('crm.configuration', [1], {
            'pool_enabled': True, 'pool_users': [('add', [staff_id])]})
    ids = admin.create('party.party', [
            {'name': name, 'crm_customer_type': 'enterprise'}
            for name in POOL_CUSTOMERS])
    for customer in admin.read(
            'party.party', ids, ['crm_library', 'crm_owner']):
        assert customer['crm_library'] == 'public'
        assert customer['crm_owner'] is None
    return server, ids


def test_salesperson_claims_from_the_public_pool(pool_server, chromium):
    server, (claimed_id, other_id) = pool_server
    page = chromium()
    try:
        sao_login(page, server, *STAFF)
        open_menu(page, '公海', '公海客户')
        tab = current_tab(page)
        row = tab.locator('.treeview tbody tr', has_text=POOL_CUSTOMERS[0])
        row.first.wait_for(state='visible', timeout=WAIT)
        tab.locator('.treeview tbody tr', has_text=POOL_CUSTOMERS[1]) \
            .first.wait_for(state='visible', timeout=WAIT)
        row.first.locator('td', has_text=POOL_CUSTOMERS[0]).first.click()
        tab.locator('button#action').click()
        tab.locator('.dropdown-menu a', has_text='领取公海客户').first.click()
        claim = dialog(page)
        claim.wait_for(state='visible', timeout=WAIT)
        close_dialog(claim, '领取')
        # The list follows: the claimed customer leaves the public pool
        row.first.wait_for(state='detached', timeout=WAIT)
    finally:
        page.screenshot(
            path=str(artifacts_dir() / 'pool_claim.png'), full_page=True)
    staff = server.rpc_as(*STAFF)
    customer, other = staff.read('party.party', [claimed_id, other_id],
        ['crm_library', 'crm_owner'])
    assert customer['crm_library'] == 'claimed'
    assert customer['crm_owner'] == staff.user_id
    assert other['crm_library'] == 'public' and other['crm_owner'] is None
    log = server.admin().search_read('crm.pool.log', [
            ('customer', '=', claimed_id)], ['operation', 'to_owner'])
    assert {(e['operation'], e['to_owner']) for e in log} >= {
        ('claim', staff.user_id)}, log
