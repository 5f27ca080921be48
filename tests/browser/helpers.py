"""Helpers for the browser tests (import as ``from tests.browser.helpers import settle``)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path

# Headless system Chromium in a container: no sandbox, GPU or background traffic.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

NO_CHROMIUM = (
    "No Chromium found (looked at $CHROMIUM, `chromium`, `chromium-browser`). Install it with: "
    "apt-get update && apt-get install -y chromium   (or set CHROMIUM=/path/to/it)"
)


def find_chromium() -> str | None:
    """The system Chromium: $CHROMIUM, else ``chromium`` or ``chromium-browser`` on the PATH; None when
    there is none (Playwright's own browser download is never used)."""
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    return path if path and os.path.exists(path) else None


# Present while a script run is in progress: the "Running... / Stop" widget (shown ~0.5 s after a run
# starts, and only when client.toolbarMode is not "minimal"), loading skeletons, and elements left from
# the previous run that this run has not redrawn yet.
BUSY_SELECTOR = ", ".join(
    [
        '[data-testid="stStatusWidget"]',
        '[data-testid="stSkeleton"]',
        '[data-testid="stAppSkeleton"]',
        '[data-stale="true"]',
    ]
)
# The first run has drawn something into the main area.
_MOUNTED_JS = """() => {
    const main = document.querySelector('[data-testid="stMainBlockContainer"]');
    return main !== null && main.innerText.trim().length > 0;
}"""


def settle(page, timeout: float = 20, quiet: float = 1.5) -> None:
    """Wait until Streamlit has stopped running: the page shows content and, for ``quiet`` seconds in a
    row, nothing in ``BUSY_SELECTOR`` is on the page.

    Raises ``TimeoutError`` if that does not happen within ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    page.wait_for_function(_MOUNTED_JS, timeout=timeout * 1000, polling=100)
    busy = page.locator(BUSY_SELECTOR)
    quiet_since: float | None = None
    while True:
        now = time.monotonic()
        if busy.count():
            quiet_since = None
        elif quiet_since is None:
            quiet_since = now
        elif now - quiet_since >= quiet:
            return
        if now > deadline:
            raise TimeoutError(f"Streamlit still running after {timeout} s at {page.url}")
        page.wait_for_timeout(100)


def free_port() -> int:
    """A loopback port nobody is listening on right now; $BROWSER_TEST_PORT when it is set (on a shared
    machine each user of the tests keeps to a range of its own)."""
    if os.environ.get("BROWSER_TEST_PORT"):
        return int(os.environ["BROWSER_TEST_PORT"])
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str) -> bool:
    """True when the Streamlit server at ``url`` answers its health check with "ok"."""
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
            return resp.status == 200 and resp.read().decode().strip() == "ok"
    except (urllib.error.URLError, OSError):
        return False


def start_streamlit(
    script: str,
    cwd: Path,
    log_path: Path,
    port: int | None = None,
    options: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
) -> tuple[subprocess.Popen, str]:
    """``streamlit run script`` headless on ``port`` (default: a free loopback port), its output in log_path;
    (process, base URL). ``options`` are further ``--section.name=value`` flags, ``env`` variables added to
    this process's environment. The process has its own session, so it can be stopped as a group.

    No file watcher: a file saved while tests run must not pop a "Rerun" prompt into the page.
    """
    port = port or free_port()
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        script,
        "--server.headless=true",
        "--server.fileWatcherType=none",
        f"--server.port={port}",
        "--server.address=127.0.0.1",
        "--browser.gatherUsageStats=false",
        *options,
    ]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env=None if env is None else {**os.environ, **env},
        )
    return proc, f"http://127.0.0.1:{port}"


def wait_healthy(proc: subprocess.Popen, url: str, log_path: Path, timeout: float = 60) -> None:
    """Until /_stcore/health says ok; RuntimeError with the reason and the log's tail otherwise."""
    deadline = time.monotonic() + timeout
    while not healthy(url):
        if proc.poll() is not None or time.monotonic() > deadline:
            reason = f"exited with code {proc.returncode}" if proc.poll() is not None else "timed out"
            tail = log_path.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"streamlit at {url} {reason} before /_stcore/health said ok.\n{tail}")
        time.sleep(0.2)


def stop_streamlit(proc: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL, the server's process group (only the server we started)."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        if proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=wait)
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue
