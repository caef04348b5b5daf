"""Pages in a real headless Chromium (Debian's ``chromium``, driven by Playwright) against the
whole platform as ``jiandu-up`` runs it: five processes, a private RabbitMQ vhost, SQLite.

One platform serves every browser test of the session (starting it takes seconds); each test
gets a fresh browser context (no cookies) and fails on any JavaScript error or console error.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Playwright,
    ViewportSize,
    sync_playwright,
)

from tests.support.launched import Platform, launched
from tests.support.servers import RabbitNode, free_port
from tests.support.services import TEST_SECRET

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.connected]

SERVICES = ("topics", "deputies", "finance", "notifications", "console")
CHROMIUM = os.environ.get("JIANDU_CHROMIUM", "/usr/bin/chromium")
# Chromium as root, offline: no sandbox, and none of its calls home (refused here anyway).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE: ViewportSize = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            for mark in pytestmark:
                item.add_marker(mark)


@dataclass(frozen=True)
class Console:
    """The running platform as the browser tests see it."""

    platform: Platform
    url: str  # the console's base URL
    rabbit_url: str = ""  # the platform's RabbitMQ vhost (to plant a dead letter, say)

    def service(self, name: str) -> str:
        return self.platform.urls[name]


@pytest.fixture(scope="session")
def console(rabbit: RabbitNode) -> Iterator[Console]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (the README's setup does)")
    data = Path(tempfile.mkdtemp(prefix="jiandu-browser-"))
    ports = {name: free_port() for name in SERVICES}
    console_url = f"http://127.0.0.1:{ports['console']}"
    rabbit_url = rabbit.vhost_url(rabbit.new_vhost())
    env = {
        **os.environ,
        "JIANDU_RABBIT_URL": rabbit_url,
        "JIANDU_DATA_DIR": str(data),
        "JIANDU_AUTH_SECRET": TEST_SECRET,
        "JIANDU_LOG_LEVEL": "WARNING",
        "JIANDU_CONSOLE_DEMO_LOGIN": "true",
        # The QR code's short link lands on the console's page of the deputy.
        "JIANDU_DEPUTIES_PUBLIC_BASE_URL": f"http://127.0.0.1:{ports['deputies']}",
        "JIANDU_DEPUTIES_CITIZEN_PAGE_URL": console_url + "/portal/deputies/{code}",
        **{f"JIANDU_{name.upper()}_PORT": str(port) for name, port in ports.items()},
    }
    try:
        with launched(env, ports, "--no-agency-access") as platform:
            yield Console(platform, console_url, rabbit_url)
    finally:
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


def _watch(page: Page, problems: list[str]) -> None:
    def on_console(message: ConsoleMessage) -> None:
        # A page answered 404/422 on purpose is the document itself, not a broken resource.
        if message.type == "error" and message.location.get("url") != page.url:
            problems.append(f"console error: {message.text} at {message.location}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))


@pytest.fixture
def page(browser: Browser, console: Console) -> Iterator[Page]:
    """A desktop-sized page; the test fails on any JavaScript or console error."""
    context = browser.new_context(base_url=console.url, locale="zh-CN")
    problems: list[str] = []
    tab = context.new_page()
    _watch(tab, problems)
    yield tab
    context.close()
    assert problems == [], problems


@pytest.fixture
def phone(browser: Browser, console: Console) -> Iterator[Page]:
    """A phone-sized page (390×844, touch), for members voting on their phones."""
    context = browser.new_context(
        base_url=console.url, viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    problems: list[str] = []
    tab = context.new_page()
    _watch(tab, problems)
    yield tab
    context.close()
    assert problems == [], problems


def sign_in(page: Page, role: str, subject: str = "demo-user", organisation: str = "") -> None:
    """Sign in through the console's demo sign-in form, as a trainer would."""
    page.goto("/login")
    form = page.locator("#demo-login")
    form.locator("select[name=role]").select_option(role)
    form.locator("input[name=subject]").fill(subject)
    form.locator("input[name=organisation]").fill(organisation)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def screenshot(page: Page, name: str) -> None:
    """Keep a screenshot for reading by eye (JIANDU_SCREENSHOTS=dir; off by default)."""
    directory = os.environ.get("JIANDU_SCREENSHOTS")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(directory) / f"{name}.png"), full_page=True)
