"""Debian's Chromium, headless, driven by playwright. The `chromium` fixture
(tests/conftest.py) opens pages with new_page and saves their screenshots
when a test fails; support/sao.py has the steps a user takes in sao."""
import contextlib
import re

from .env import artifacts_dir

CHROMIUM = '/usr/bin/chromium'
CHROMIUM_ARGS = [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update',
    '--disable-sync',
    ]


# The demo company's users sit in Shanghai. sao computes the dates of
# PYSON (the workbench's "today", "this month") on the browser's clock
# while the server dates deals in the company's timezone: a browser on UTC
# would see another day than the company from 16:00 to 24:00 UTC.
TIMEZONE = 'Asia/Shanghai'


def new_page(playwright, profile_dir, locale='zh-CN'):
    """A page in a new headless Chromium with the user data dir
    `profile_dir`: (browser context, page). Close the context when done."""
    context = playwright.chromium.launch_persistent_context(
        str(profile_dir), executable_path=CHROMIUM, headless=True,
        args=CHROMIUM_ARGS, locale=locale, timezone_id=TIMEZONE,
        viewport={'width': 1400, 'height': 900})
    page = context.pages[0] if context.pages else context.new_page()
    page.set_default_timeout(30_000)
    return context, page


def save_failure_screenshots(pages, test_name):
    "$XTOOLS_ARTIFACTS/<test>-failure-<n>.png of each page, as it can"
    name = re.sub(r'\W+', '_', test_name)
    for n, page in enumerate(pages):
        with contextlib.suppress(Exception):
            page.screenshot(
                path=str(artifacts_dir() / f'{name}-failure-{n}.png'),
                full_page=True)
