"""Browser tests: the real app under ``streamlit run``, driven by Playwright in the system Chromium.

Every test in this folder gets the ``browser`` marker. There is no skipping: without Chromium the
``browser`` fixture fails and says how to install it. Playwright's own browser download is never used.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

from tests.browser.helpers import (
    CHROMIUM_ARGS,
    NO_CHROMIUM,
    find_chromium,
    start_streamlit,
    stop_streamlit,
    wait_healthy,
)

ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 60  # seconds for /_stcore/health to answer "ok"
VIEWPORT = {"width": 1400, "height": 1000}

_screenshot_dir: Path | None = None


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """Start ``streamlit run app.py`` on a free loopback port, or on ``$LAB_TEST_PORT`` when set (for a
    machine where each user keeps to a range of ports); yield its base URL."""
    log_path = tmp_path_factory.mktemp("streamlit") / "server.log"
    port = int(os.environ["LAB_TEST_PORT"]) if os.environ.get("LAB_TEST_PORT") else None
    proc, url = start_streamlit("app.py", ROOT, log_path, port)
    try:
        try:
            wait_healthy(proc, url, log_path, STARTUP_TIMEOUT)
        except RuntimeError as e:
            pytest.fail(str(e))
        yield url
    finally:
        stop_streamlit(proc)


@pytest.fixture(scope="session")
def browser(playwright_driver):
    """Headless system Chromium driven by Playwright's sync API."""
    executable = find_chromium()
    if executable is None:
        pytest.fail(NO_CHROMIUM + " for the browser tests", pytrace=False)
    browser = playwright_driver.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh context and page at 1400x1000; a failing test leaves a screenshot (see the report)."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def server_log(app_url, tmp_path_factory):
    """A function returning what the app's server logged since the test began (the ``app_url`` fixture
    writes ``streamlit*/server.log`` under pytest's temp folder)."""
    logs = sorted(tmp_path_factory.getbasetemp().glob("streamlit*/server.log"))
    assert logs, "the app_url fixture's server.log was not found"
    log = logs[-1]
    start = log.stat().st_size
    return lambda: log.read_bytes()[start:].decode(errors="replace")


@pytest.fixture
def js_errors(page):
    """Uncaught JavaScript errors in the page; a test asserts the list stays empty."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    page = getattr(item, "funcargs", {}).get("page")
    if page is None:
        return
    global _screenshot_dir
    if _screenshot_dir is None:
        _screenshot_dir = Path(tempfile.mkdtemp(prefix="lstm-gate-lab-screenshots-"))
    name = "".join(c if c.isalnum() or c in "-_." else "_" for c in item.nodeid)[-150:]
    path = _screenshot_dir / f"{name}.png"
    try:
        page.screenshot(path=str(path), full_page=True)
        message = f"screenshot of the failed page: {path}"
    except Exception as exc:  # the page may be gone; the test failure matters more
        message = f"could not save a screenshot: {exc!r}"
    report.sections.append(("browser screenshot", message))
    print(f"\n{message}", file=sys.stderr)
