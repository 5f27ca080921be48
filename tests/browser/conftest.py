"""Browser tests: the real app under ``streamlit run``, driven by Playwright in the system Chromium.

Every test in this folder gets the ``browser`` marker. There is no skipping: without Chromium the
``browser`` fixture fails and says how to install it. Playwright's own browser download is never used.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.browser.helpers import healthy, start_streamlit

ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 60  # seconds for /_stcore/health to answer "ok"
VIEWPORT = {"width": 1400, "height": 1000}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

_screenshot_dir: Path | None = None


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """Start ``streamlit run app.py`` on a free loopback port; yield its base URL."""
    log_path = tmp_path_factory.mktemp("streamlit") / "server.log"
    proc, url = start_streamlit("app.py", ROOT, log_path)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not healthy(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                reason = f"exited with code {proc.returncode}" if proc.poll() is not None else "timed out"
                tail = log_path.read_text(errors="replace")[-3000:]
                pytest.fail(f"streamlit run app.py {reason} before /_stcore/health said ok.\n{tail}")
            time.sleep(0.25)
        yield url
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _chromium_path() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    """Headless system Chromium driven by Playwright's sync API."""
    executable = _chromium_path()
    if not executable or not os.path.exists(executable):
        pytest.fail(
            "No Chromium found for the browser tests (looked at $CHROMIUM, `chromium`, `chromium-browser`). "
            "Install it with: apt-get update && apt-get install -y chromium   (or set CHROMIUM=/path/to/it)",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
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
