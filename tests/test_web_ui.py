"""Users' view: the sao web client in headless Chromium.

The boss logs in (user name, then the password dialog), finds the Chinese
menu and opens the customer list from it, as a user does; the screenshot of
that screen is kept in $XTOOLS_ARTIFACTS/web_customers.png. The
administrator logs in straight to the menu: the first-login module
configuration wizard has been completed by the demo loader.
"""
import re

from playwright.sync_api import expect

from support.env import ADMIN, BOSS, artifacts_dir
from support.sao import WAIT, current_tab, menu_entries, open_menu, sao_login

CUSTOMERS = '客户'
CJK = re.compile(r'[\u4e00-\u9fff]')


def customer_list(page):
    """The customer list's tab once it shows rows. The boss's workbench
    tab may open after the menu; its boards hold nested tab panes of their
    own, so the list is found as sao's main tab with the list's title."""
    tab = current_tab(page)
    expect(tab.locator('nav.toolbar .title').first).to_have_attribute(
        'title', CUSTOMERS, timeout=WAIT)
    tab.locator('.treeview tbody tr').first.wait_for(state='visible')
    return tab


def test_boss_opens_customer_list(server, chromium, demo_data):
    page = chromium()
    screenshot = artifacts_dir() / 'web_customers.png'
    try:
        sao_login(page, server, *BOSS)
        assert CUSTOMERS in menu_entries(page), menu_entries(page)
        open_menu(page, CUSTOMERS, CUSTOMERS)

        tab = customer_list(page)
        # sao renders a long list in chunks: find each one as a user does,
        # through the search box
        search = tab.locator('.filter-box input.form-control').first
        for name in demo_data.WELL_KNOWN_CUSTOMERS:
            search.fill(name)
            search.press('Enter')
            tab.locator('.treeview td', has_text=name).first.wait_for(
                state='visible')
        assert tab.locator('.toolbar .title').first.get_attribute(
            'title') == CUSTOMERS
        assert f'#{server.database}/model/party.party' in page.url
    finally:
        page.screenshot(path=str(screenshot), full_page=True)


def test_customer_list_speaks_chinese(server, chromium):
    "Every column title of the customer list is Chinese"
    page = chromium()
    sao_login(page, server, *BOSS)
    open_menu(page, CUSTOMERS, CUSTOMERS)
    tab = customer_list(page)
    headers = [h.strip() for h in
        tab.locator('.treeview thead th:visible label').all_inner_texts()
        if h.strip()]
    assert headers
    english = [h for h in headers if not CJK.search(h)]
    assert not english, f'untranslated column titles: {english}'


def test_admin_has_no_configuration_wizard(server, chromium, admin):
    """The admin lands on the menu: no 'Module Configuration' wizard (sao
    runs the login actions before it shows the menu, so a wizard would be
    open by now, in a tab)."""
    assert not admin.search_count('ir.module.config_wizard.item',
        [('state', '=', 'open')])
    page = chromium()
    sao_login(page, server, *ADMIN)
    # The role's workbench (工作台) is the one tab a login opens
    tabs = [t.strip(' ×\n') for t in
        page.locator('#tablist li').all_inner_texts()]
    others = [t for t in tabs if not t.endswith('工作台')]
    assert not others, f'tabs opened at login: {tabs}'
    assert menu_entries(page)
    assert not page.locator('.modal:visible').count()
