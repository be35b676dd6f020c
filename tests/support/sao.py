"""Steps in sao (Tryton's web client) as a user takes them, for the
browser tests: log in, open a menu entry, find the shown tab, a field by
its name, a dialog by its title, a notebook page, the rows of a list.

Selectors use what a user sees (menu entries, titles and buttons by their
Chinese text) and the names sao gives its inputs (the field names).
"""
import contextlib
import re

import pytest

playwright_api = pytest.importorskip('playwright.sync_api')
expect = playwright_api.expect
PlaywrightError = playwright_api.Error

# The machine running the suite may be busy: sao's round trips are slow.
WAIT = 60_000


def sao_login(page, server, login, password):
    "The two steps of sao's login: user name, then the password dialog"
    page.goto(server.url)
    page.wait_for_load_state('networkidle')
    login_entry = page.locator('#login')
    login_entry.fill(login)
    login_entry.press('Enter')
    password_entry = page.locator('#ask-dialog-entry[type=password]')
    # On a busy machine sao may take the Enter before its login form is
    # wired, and nothing happens: a user presses Enter again
    for attempt in range(3):
        try:
            password_entry.wait_for(state='visible', timeout=WAIT // 3)
            break
        except playwright_api.TimeoutError:
            if login_entry.is_visible():
                login_entry.press('Enter')
    password_entry.fill(password)
    password_entry.press('Enter')
    # Logged in: sao shows the menu, or first the tab of a login action
    page.locator('#menu .column-char, #tablist li').first.wait_for(
        state='visible')


def menu_entries(page):
    "The texts of the menu entries shown, once the menu is there"
    page.locator('#menu .column-char').first.wait_for(state='visible')
    return page.locator('#menu .column-char').all_inner_texts()


def open_menu(page, *path):
    """Click the menu entries of `path`, like a user: each click expands a
    folder or opens the action of a leaf. Entries of the same name are told
    apart by their position: the n-th element of path is the first entry of
    that name after the previously clicked one."""
    # After login the workbench's tab may come before the menu
    page.locator('#menu .column-char').first.wait_for(state='visible')
    start = 0
    for depth, name in enumerate(path):
        entries = page.locator('#menu .column-char')
        texts = entries.all_inner_texts()
        try:
            index = texts.index(name, start)
        except ValueError:
            raise AssertionError(
                f'menu entry {name!r} not found after {path[:depth]} '
                f'in {texts}') from None
        entries.nth(index).click()
        start = index + 1
        if depth < len(path) - 1:
            # Wait for the folder to show its children
            page.wait_for_function(
                'n => document.querySelectorAll('
                '"#menu .column-char").length > n', arg=len(texts))


def current_tab(page):
    "The tab shown in sao's main area (nested notebooks have .tab-pane too)"
    return page.locator('#tabcontent > .tab-pane.active')


def open_orders(page):
    """销售 › 合同订单, on its orders (订单) page, as a salesperson opens it;
    returns the deals' tab (after login the workbench's tab may come
    first: the deals' own is waited for)"""
    open_menu(page, '销售', '合同订单')
    deals = current_tab(page)
    expect(deals.locator('nav.toolbar .title').first).to_have_attribute(
        'title', re.compile('合同订单$'), timeout=WAIT)
    # The list opens on its contracts
    deals.locator('a[role="tab"]', has_text=re.compile(r'^\s*订单')
        ).first.click()
    return deals


def field(scope, name):
    "The visible input of field `name` (sao names inputs after the field)"
    return scope.locator(f'[name="{name}"]').filter(visible=True)


def toolbar_button(tab, title):
    "A button of the tab's toolbar by its title (新建, 保存 …)"
    return tab.locator(f'nav.toolbar button[title="{title}"]')


def dialog(page, title=None):
    """The sao dialog shown on top (its title starts with `title`), e.g.
    '客户 › 联系人' for a record of the customer's contacts"""
    dialogs = page.locator('.modal.in')
    if title:
        dialogs = dialogs.filter(has=page.locator(
                '.modal-title', has_text=re.compile('^' + re.escape(title))))
    return dialogs.last


def close_dialog(dialog_, button):
    """Press `button` of the dialog and wait for it to close; if it stays,
    say why: fields the browser refuses (HTML5 validation of an <input
    type=url> …) or the message sao shows."""
    press = dialog_.get_by_role('button', name=button, exact=True)
    wizard = 'wizard-dialog' in (dialog_.get_attribute('class') or '')
    press.click()
    try:
        if wizard:
            _wizard_closed(dialog_, press)
        else:
            dialog_.wait_for(state='hidden', timeout=WAIT)
    except PlaywrightError:
        invalid = dialog_.evaluate(
            """d => Array.from(d.querySelectorAll(':invalid'))
                .filter(e => e.name)
                .map(e => `${e.name} = ${JSON.stringify(e.value)}: `
                    + e.validationMessage)""")
        messages = dialog_.page.locator(
            '.alert:visible, .tooltip:visible').all_inner_texts()
        raise AssertionError(
            f'the dialog did not close on {button!r}; fields refused by '
            f'the browser: {invalid}; messages: {messages}') from None


def _wizard_closed(wizard, press, every=3_000):
    """Wait for the wizard's dialog to close, pressing `press` again while
    it stays: sao drops a wizard button pressed while the wizard still
    loads its state (its buttons show before the defaults are set), and a
    user presses again. Pressing twice is harmless: sao runs one state at
    a time."""
    for _ in range(WAIT // every - 1):
        try:
            wizard.wait_for(state='hidden', timeout=every)
            return
        except PlaywrightError:
            pass
        try:
            press.click(timeout=every)
        except PlaywrightError:
            pass  # closed meanwhile, or disabled: the next wait tells
    wizard.wait_for(state='hidden', timeout=every)


def notebook_page(tab, titles, having_column=None, lacking_column=None):
    """Open the notebook page titled one of `titles` whose list has (or
    lacks) the column `having_column` (`lacking_column`); return the
    panel. Two pages of the customer view may share a title (the timeline
    and the activity history are both called 行动历史): their lists tell
    them apart."""
    links = tab.locator('.form-notebook .nav-tabs a[role="tab"]').filter(
        visible=True)
    candidates = []
    for n in range(links.count()):
        link = links.nth(n)
        if link.inner_text().strip() not in titles:
            continue
        panel = tab.locator(f'#{link.get_attribute("aria-controls")}')
        header = panel.locator('thead th').get_by_text(
            having_column or lacking_column, exact=True)
        if having_column and not header.count():
            continue
        if lacking_column and header.count():
            continue
        candidates.append((link, panel))
    assert len(candidates) == 1, (
        f'one notebook page titled {titles} expected (having column '
        f'{having_column!r}, lacking {lacking_column!r}), found '
        f'{len(candidates)} in '
        f'{[t.strip() for t in links.all_inner_texts()]}')
    link, panel = candidates[0]
    link.click()
    expect(panel).to_be_visible(timeout=WAIT)
    return panel


def one2many(panel):
    "The one2many widget shown in a notebook page"
    return panel.locator('.form-one2many').filter(visible=True).first


def rows(widget, text):
    "The list rows of a one2many widget that show `text`"
    return widget.locator('.treeview tbody tr', has_text=text)


def choose(page, widget_field, value):
    """Pick `value` for a many2one as a user does: the search button of the
    field, then the row in the search dialog, then 确定. A new record's
    late redraw (its defaults arriving on a busy machine) can wipe the
    choice: the user sees the field empty and picks again."""
    for attempt in range(3):
        page.wait_for_load_state('networkidle')
        widget_field.locator('xpath=..').get_by_role(
            'button', name='搜索记录').click()
        search = dialog(page, '搜索')
        search.locator('.treeview tbody td').get_by_text(
            value, exact=True).click()
        close_dialog(search, '确定')
        page.wait_for_load_state('networkidle')
        try:
            expect(widget_field).to_have_value(value, timeout=10_000)
            return
        except AssertionError:
            if widget_field.input_value():
                raise
    expect(widget_field).to_have_value(value, timeout=WAIT)


@contextlib.contextmanager
def javascript_errors_reported(page):
    """A step that times out because sao crashed fails with sao's
    JavaScript error (e.g. a list column sao cannot build), not only with
    the timeout"""
    errors = []

    def record(error):
        errors.append(error)
    page.on('pageerror', record)
    try:
        yield errors
    except (AssertionError, PlaywrightError) as e:
        if errors:
            raise AssertionError(
                f'sao raised JavaScript errors: {describe(errors)}\n'
                f'then: {str(e).splitlines()[0]}') from e
        raise
    assert not errors, f'sao raised JavaScript errors: {describe(errors)}'


def describe(errors):
    "Each error's message and where sao raised it"
    lines = []
    for error in errors:
        stack = (error.stack or '').splitlines()
        lines.append(' '.join([error.message or str(error)]
                + [s.strip() for s in stack[1:3]]))
    return lines
