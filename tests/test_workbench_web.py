"""Workbenches (工作台, SPEC R1) in sao: each demo role lands on its own.

Each user logs in in headless Chromium as people do; the first thing sao
shows is the workbench of the user's role (its blocks: Tryton's board view
of actions), under a title bar that says XToolsCRM. Blocks show rows, and
the workbenches with charts draw them (billboard.js SVG with data).

Screenshots: $XTOOLS_ARTIFACTS/workbench_<login>.png.
"""
import pytest

from support.env import artifacts_dir
from support.sao import WAIT, current_tab, javascript_errors_reported, sao_login

playwright_api = pytest.importorskip('playwright.sync_api')
expect = playwright_api.expect

PASSWORD = 'feida2026'
COMPANY = "上海飞达办公家具有限公司"
# login: (the workbench's tab title, a block that must show rows,
#         whether the workbench draws a chart)
# The keeper's queue is empty in the demo (its orders are all shipped):
# his workbench shows the outbound block with its steps, and no rows
ROLES = {
    'wangtianhong': ("老板工作台", "本月光荣榜", True),
    'zhanghao': ("销售工作台", "本月光荣榜", True),
    'huangxiuying': ("财务工作台", "应收款最多的合同订单", True),
    'xujing': ("客服工作台", None, False),
    'linzhiqiang': ("维修工作台", None, False),
    'yangjianjun': ("库管工作台", None, False),
    }
# Roles whose demo workbench has nothing to do today
EMPTY_QUEUES = {'yangjianjun': "出库单"}


def block(tab, title):
    "The board block (a panel) titled title"
    return tab.locator('.board-action').filter(
        has=tab.page.locator('.panel-heading', has_text=title))


@pytest.mark.parametrize('login', sorted(ROLES))
def test_role_lands_on_its_workbench(server, chromium, login):
    title, filled_block, chart = ROLES[login]
    page = chromium()
    page.set_default_timeout(WAIT)
    with javascript_errors_reported(page):
        sao_login(page, server, login, PASSWORD)
        # The product's name in the title bar and the browser's tab
        expect(page.locator('#title')).to_have_text('XToolsCRM')
        # The first tab is the workbench of the role, with its blocks
        tab_title = page.locator('#tablist li.active')
        expect(tab_title).to_contain_text(title, timeout=WAIT)
        tab = current_tab(page)
        blocks = tab.locator('.board-action')
        expect(blocks.first).to_be_visible(timeout=WAIT)
        assert blocks.count() >= 3
        # Blocks show what the user has: at least one with rows
        page.wait_for_load_state('networkidle')
        if login in EMPTY_QUEUES:
            queue = block(tab, EMPTY_QUEUES[login])
            expect(queue.locator('.treeview thead')).to_be_visible(
                timeout=WAIT)
        else:
            with_rows = tab.locator(
                '.board-action .treeview tbody tr:not(.more-row)').filter(
                has=page.locator('td'))
            expect(with_rows.first).to_be_visible(timeout=WAIT)
        if filled_block:
            rows = block(tab, filled_block).locator(
                '.treeview tbody tr').filter(has=page.locator('td'))
            expect(rows.first).to_be_visible(timeout=WAIT)
        if chart:
            # billboard.js draws the series as paths in an SVG
            drawn = tab.locator('.board-action svg .bb-chart path')
            expect(drawn.first).to_be_attached(timeout=WAIT)
        # Blocks list what their action asks for, not every record the
        # user reads: the hot customers are customers, never the company
        hot = block(tab, "热点客户")
        if hot.count():
            expect(hot.locator('.treeview tbody')).not_to_contain_text(
                COMPANY)
        page.screenshot(path=str(artifacts_dir() / f'workbench_{login}.png'))
    assert page.title().endswith('XToolsCRM')


def test_today_is_the_users_calendar_date(server, chromium):
    """The blocks' "today" (PYSON Date(): today's tasks, this month's
    leaderboard) is the date on the user's clock. sao 8.0 by itself took
    the UTC date of the browser's midnight: in Shanghai, yesterday."""
    page = chromium()
    page.set_default_timeout(WAIT)
    with javascript_errors_reported(page):
        sao_login(page, server, 'zhanghao', PASSWORD)
        expect(page.locator('#tablist li.active')).to_contain_text(
            "销售工作台", timeout=WAIT)
        dates = page.evaluate("""() => {
            const evaluate = pyson => new Sao.PYSON.Decoder({}).decode(
                new Sao.PYSON.Encoder().encode(pyson));
            const today = evaluate(new Sao.PYSON.Date());
            const first = evaluate(new Sao.PYSON.Date(null, null, 1));
            return [today.format('YYYY-MM-DD'), first.format('YYYY-MM-DD'),
                moment().format('YYYY-MM-DD'),
                moment().date(1).format('YYYY-MM-DD'),
                Intl.DateTimeFormat().resolvedOptions().timeZone];
        }""")
    today, first, clock_today, clock_first, zone = dates
    assert zone == 'Asia/Shanghai'
    assert (today, first) == (clock_today, clock_first)
