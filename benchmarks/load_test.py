"""A classroom on one server: N learners each click **Next step** every 2 s on Step through time.

Usage: python benchmarks/load_test.py [--sessions 10,20,30] [--duration 60] [--interval 2]
                                      [--mode browser|ws|both] [--query hidden=8]
       python benchmarks/load_test.py --flood 100 [--settle 300]

For each N a fresh ``streamlit run app.py`` is started on a free port (so one N's sessions cannot
weigh on the next), then N sessions open Step through time and, after all of them have loaded, click
**Next step** every ``--interval`` s for ``--duration`` s (turning round with **Previous step** at either end
of the sequence). Each session starts its clicks at a random offset inside the interval, as a class would;
a click that is still running when the next is due delays it (one click in flight per learner).

Two ways to drive the sessions (``--mode both`` runs each, on its own server):

browser  N contexts of one headless system Chromium (each context is its own Streamlit session). A click is
         timed inside the page: ``button.click()`` → the page says "Step t of T" with the new t and the
         figure shows step t (its t-marker trace, else any change in its data). This includes the browser's
         own work (React, Plotly drawing) for N pages on the same 2 cores as the server.
ws       N websocket clients speaking Streamlit's protocol (protobuf ``BackMsg``/``ForwardMsg`` over
         ``/_stcore/stream``, as the browser does: a fragment rerun with the button's trigger). A click is
         timed from sending the request to receiving the figure's delta ("figure") and the end of the
         fragment run ("done"). No rendering: this measures the server and the transfer only.

Reported per mode and N: click latency p50 / p95 / max, clicks made and failed, the server's peak resident
memory (VmRSS of the streamlit process and its children, sampled every 0.2 s) and its memory with no
session, and the CPU the server and the load generator (this process, Playwright's driver, Chromium) used,
in % of one core. Goal (issue 6): 30 sessions at p95 ≤ 1 s with the server under 1 GiB.

``--flood N`` (issue 16) is the heavy-link flood instead: N websocket sessions open Step through time at once,
each with its own heavy link (``hidden=32&layers=3&length=2000&seed=<i>``: a 20 MiB trace and up to 68 MiB
of figure parts each, all different), then all close. Reported: the server's RSS idle before, its peak,
right after the sessions closed, and every 10 s until it is back within 10 % of idle (or ``--settle`` s have
passed). Goal: peak and after-idle under 1 GiB, back within 10 % of idle.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from tests.browser.helpers import (  # noqa: E402
    BUSY_SELECTOR,
    NO_CHROMIUM,
    find_chromium,
    start_streamlit,
    stop_streamlit,
    wait_healthy,
)
from tests.browser.helpers import CHROMIUM_ARGS as BROWSER_ARGS  # noqa: E402
from tests.browser.test_pages import PLAYER_DOC_JS, PLAYER_LABEL_JS  # noqa: E402

STEP_PAGE = "Step_through_time"
GOAL_N, GOAL_P95_MS, GOAL_RSS_MIB = 30, 1000.0, 1024.0
HEAVY_LINK = "hidden=32&layers=3&length=2000&seed={seed}"
IDLE_WITHIN = 0.10  # the flood's goal: back within 10 % of the idle RSS
CLICK_TIMEOUT_S = 30.0
LOAD_TIMEOUT_S = 300.0
CHROMIUM_ARGS = [
    *BROWSER_ARGS,
    # Every context's page must keep running its timers and drawing as if it were in front.
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
]
VIEWPORT = {"width": 1400, "height": 1000}
CLK_TCK = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------------------------------------------------
# The server and what it uses
# ---------------------------------------------------------------------------------------------------------


# As docs/serving.md starts a replica: glibc gives each thread that allocates an arena of its own (up to
# 8 per core), and every session's script runs in a thread, so freed memory was scattered over 16 arenas
# that rarely empty enough to be handed back. Two arenas keep it where malloc_trim can return it; and
# PYTHONMALLOC=malloc sends Python's small objects (the figures' floats) to glibc too, since pymalloc keeps
# every 256 KiB arena that still holds one live object.
REPLICA_ENV = {"MALLOC_ARENA_MAX": "2", "PYTHONMALLOC": "malloc"}


def start_server(log_path: Path, port: int | None = None) -> tuple[subprocess.Popen, str]:
    """``streamlit run app.py`` on ``port`` (default: a free loopback port) with the project's config and
    ``REPLICA_ENV``; (process, base URL)."""
    proc, url = start_streamlit("app.py", ROOT, log_path, port, env=REPLICA_ENV)
    try:
        wait_healthy(proc, url, log_path, timeout=90)
    except RuntimeError:
        stop_streamlit(proc)
        raise
    return proc, url


def _children() -> dict[int, list[int]]:
    """Parent pid → child pids, for every process we can see."""
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        kids.setdefault(ppid, []).append(int(entry))
    return kids


def tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    kids, out, todo = _children(), [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def rss_mib(pids) -> float:
    """Summed VmRSS of ``pids`` in MiB (processes that are gone count 0)."""
    total_kib = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total_kib += int(line.split()[1])
                        break
        except OSError:
            continue
    return total_kib / 1024


def cpu_seconds(pids) -> float:
    """User + system CPU time of ``pids`` so far, in seconds."""
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15 of stat)
        except (OSError, IndexError, ValueError):
            continue
    return total / CLK_TCK


class Sampler(threading.Thread):
    """Every 0.2 s: the server tree's RSS (its peak is kept) and, on demand, CPU time of both sides."""

    def __init__(self, server_pid: int, period: float = 0.2):
        super().__init__(daemon=True)
        self.server_pid, self.period = server_pid, period
        self.peak_mib = 0.0
        self._halt = threading.Event()
        self._cpu: dict[int, tuple[bool, float]] = {}  # pid → (is the server's, last seen CPU seconds)

    def run(self) -> None:
        while not self._halt.is_set():
            self.peak_mib = max(self.peak_mib, rss_mib(tree(self.server_pid)))
            self._halt.wait(self.period)

    def stop(self) -> None:
        self._halt.set()
        self.join()

    def cpu(self) -> tuple[float, float]:
        """(server, load generator) CPU seconds used so far by each process tree."""
        server = set(tree(self.server_pid))
        for p in server | set(tree(os.getpid())):  # a process that exited keeps its last reading
            self._cpu[p] = (p in server, cpu_seconds([p]))
        return (
            sum(v for mine, v in self._cpu.values() if mine),
            sum(v for mine, v in self._cpu.values() if not mine),
        )


# ---------------------------------------------------------------------------------------------------------
# One learner's clicks
# ---------------------------------------------------------------------------------------------------------


@dataclass
class Result:
    """What the N sessions of one run measured."""

    mode: str
    n: int
    latencies_ms: list[float] = field(default_factory=list)  # click → page (browser) / figure (ws) updated
    done_ms: list[float] = field(default_factory=list)  # ws only: click → end of the fragment run
    failed: int = 0  # clicks that did not show the expected step within CLICK_TIMEOUT_S
    errors: list[str] = field(default_factory=list)
    load_s: float = 0.0  # until every session had its first page drawn
    idle_mib: float = 0.0  # the server with no session
    peak_mib: float = 0.0
    server_cpu: float = 0.0  # % of one core during the clicking phase
    server_cpu_s: float = 0.0  # CPU seconds the server used in the clicking phase
    generator_cpu: float = 0.0
    load_avg: tuple[float, float, float] = (0.0, 0.0, 0.0)


def next_target(t: int, T: int, direction: int) -> tuple[int, int]:
    """The step the next click moves to, and the direction it moves in (ping-pong between 0 and T-1)."""
    if T <= 1:
        return t, 0
    if not 0 <= t + direction <= T - 1:
        direction = -direction
    return t + direction, direction


async def clicker(session, start: float, interval: float, until: float, result: Result):
    """Click every ``interval`` s from ``start`` until ``until`` (monotonic), one click in flight at a time.

    ``session`` is ``(click, where, t, T)``: ``click(label, wanted)`` awaits one click ("Next step" or
    "Previous step", and the step the page should then show) and returns its latency in ms, or raises;
    ``where()`` awaits the step the page shows now (after a failed click the learner goes on from there).
    """
    click, where, t, T = session
    direction = 1
    due = start
    while due < until:
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        wanted, direction = next_target(t, T, direction)
        label = "Next step" if direction > 0 else "Previous step"
        try:
            result.latencies_ms.append(await click(label, wanted))
            t = wanted
        except Exception as exc:  # a failed click is counted; the learner carries on
            result.failed += 1
            result.errors.append(f"{type(exc).__name__}: {str(exc)[:160]}")
            try:
                t = await where()
            except Exception:
                return
        due = max(due + interval, time.monotonic())


# ---------------------------------------------------------------------------------------------------------
# Browser mode: N Playwright contexts of one Chromium
# ---------------------------------------------------------------------------------------------------------

# The "Step t of T" label and the step buttons live in the step player's iframe (tests/browser/test_pages.py).
PAGE_HELPERS = f"""
    const mainEl = () => document.querySelector('[data-testid="stMain"]');
    const playerDoc = {PLAYER_DOC_JS};
    const shownStep = () => {{
        const m = ((({PLAYER_LABEL_JS})()) || '').match(/Step\\s+(\\d+)\\s+of\\s+(\\d+)/);
        return m ? [Number(m[1]), Number(m[2])] : null;
    }};
    const graph = () => mainEl()?.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
    // The step the figure shows: its input-panel t marker (x = [t, t]); null if the figure has none.
    const figureStep = () => {{
        const gd = graph();
        const marker = (gd?.data || []).find(tr => tr.meta?.role === 't_marker' && tr.meta?.panel === 'x');
        return marker && Array.isArray(marker.x) ? Number(marker.x[0]) : null;
    }};
    const signature = () => {{
        const gd = graph();
        const typed = (k, v) => (ArrayBuffer.isView(v) ? Array.from(v) : v);
        return gd ? JSON.stringify(gd.data || [], typed).length + ':' + (gd.data || []).length : '';
    }};
"""

READY_JS = (
    "([busy]) => {"
    + PAGE_HELPERS
    + """
    const gd = graph();
    const drawn = gd && gd.data && gd.data.length > 0;
    return shownStep() !== null && drawn && document.querySelector(busy) === null;
}"""
)

STEP_JS = "() => {" + PAGE_HELPERS + " return shownStep(); }"

CLICK_JS = (
    "async ([label, wanted, timeoutMs]) => {"
    + PAGE_HELPERS
    + """
    const buttons = [...(playerDoc()?.querySelectorAll('button') || [])];
    const button = buttons.find(b => b.textContent.includes(label));  // 'Next step ▶'
    if (!button) return {error: `no button labelled ${label}`};
    const before = figureStep() === null ? signature() : null;
    const updated = () => {
        const step = shownStep();
        if (!step || step[0] !== wanted) return false;
        const fig = figureStep();
        return fig === null ? signature() !== before : fig === wanted;
    };
    const t0 = performance.now();
    return await new Promise(resolve => {
        let done = false;
        const finish = value => {
            if (done) return;
            done = true;
            obs.disconnect();
            clearInterval(poll);
            resolve(value);
        };
        const check = () => {
            if (updated()) finish({ms: performance.now() - t0});
            else if (performance.now() - t0 > timeoutMs) {
                finish({error: `no step ${wanted} (shows ${shownStep()})`});
            }
        };
        // Checked on every DOM change, and every 100 ms for Plotly updates that change no DOM node.
        const obs = new MutationObserver(check);
        obs.observe(mainEl(), {subtree: true, childList: true, characterData: true, attributes: true});
        const poll = setInterval(check, 100);
        button.click();
    });
}"""
)


async def run_browser(url: str, n: int, args, result: Result, sampler: Sampler) -> None:
    from playwright.async_api import async_playwright

    address = f"{url}/{STEP_PAGE}" + (f"?{args.query}" if args.query else "")
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=find_chromium() or sys.exit(NO_CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            contexts = [await browser.new_context(viewport=VIEWPORT) for _ in range(n)]
            pages = [await c.new_page() for c in contexts]

            async def load(page):
                await page.goto(address, timeout=LOAD_TIMEOUT_S * 1000)
                await page.wait_for_function(
                    READY_JS, arg=[BUSY_SELECTOR], timeout=LOAD_TIMEOUT_S * 1000, polling=200
                )
                return await page.evaluate(STEP_JS)

            t0 = time.monotonic()
            steps = await asyncio.gather(*(load(p) for p in pages))
            result.load_s = time.monotonic() - t0

            def clicking(page, t: int, T: int):
                async def click(label: str, wanted: int) -> float:
                    r = await page.evaluate(CLICK_JS, [label, wanted, CLICK_TIMEOUT_S * 1000])
                    if "error" in r:
                        raise RuntimeError(r["error"])
                    return r["ms"]

                async def where() -> int:
                    return (await page.evaluate(STEP_JS))[0]

                return click, where, t, T

            sessions = [clicking(p, t, T) for p, (t, T) in zip(pages, steps, strict=True)]
            await clicking_phase(sessions, args, result, sampler)
        finally:
            await browser.close()


async def clicking_phase(sessions, args, result: Result, sampler: Sampler) -> None:
    """Run every session's clicker for ``args.duration`` s, measuring CPU over the same window."""
    rng = random.Random(0)
    start = time.monotonic() + 0.5
    until = start + args.duration
    cpu0, wall0 = sampler.cpu(), time.monotonic()
    await asyncio.gather(
        *(clicker(s, start + rng.uniform(0, args.interval), args.interval, until, result) for s in sessions)
    )
    (s1, g1), wall = sampler.cpu(), time.monotonic() - wall0
    result.server_cpu_s = s1 - cpu0[0]
    result.server_cpu = 100 * result.server_cpu_s / wall
    result.generator_cpu = 100 * (g1 - cpu0[1]) / wall


# ---------------------------------------------------------------------------------------------------------
# Websocket mode: Streamlit's own protocol, no browser
# ---------------------------------------------------------------------------------------------------------


class WsSession:
    """One Streamlit session over ``/_stcore/stream``, speaking protobuf like the browser does."""

    def __init__(self, ws, page: str, query: str):
        self.ws, self.page, self.query = ws, page, query
        self.page_hash = ""
        self.player: tuple[str, str] | None = None  # the step player's (widget id, fragment id)
        self.step: tuple[int, int] | None = None
        self.seq = 0

    async def send_rerun(self, fragment_id: str = "", report: tuple[str, int] | None = None) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        msg = BackMsg()
        rerun = msg.rerun_script
        rerun.query_string = self.query
        rerun.page_script_hash = self.page_hash
        if not self.page_hash:
            rerun.page_name = self.page
        if fragment_id:
            rerun.fragment_id = fragment_id
        if report is not None:  # what the step player sends when the learner steps: {"t", "seq"}
            widget = rerun.widget_states.widgets.add()
            widget.id = report[0]
            self.seq += 1
            widget.json_value = json.dumps({"t": report[1], "seq": self.seq})
        await self.ws.send(msg.SerializeToString())

    async def until_finished(self, t0: float) -> tuple[float | None, float]:
        """Read messages until the run ends; (ms to the figure's delta or None, ms to the end)."""

        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        figure_ms = None
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(await self.ws.recv())
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                self.page_hash = msg.new_session.page_script_hash
            elif kind == "page_info_changed":
                self.query = msg.page_info_changed.query_string
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                what = element.WhichOneof("type")
                if what == "component_instance" and element.component_instance.component_name.endswith(
                    "step_player"
                ):
                    player = element.component_instance
                    self.player = (player.id, msg.delta.fragment_id)
                    a = json.loads(player.json_args)
                    self.step = (int(a["t"]), int(a["T"]))
                elif what == "plotly_chart" and figure_ms is None:
                    figure_ms = 1000 * (time.perf_counter() - t0)
                elif what == "exception":
                    raise RuntimeError(f"the page raised: {element.exception.message[:120]}")
            elif kind == "script_finished":
                if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # this run was replaced by a newer one; keep reading
                return figure_ms, 1000 * (time.perf_counter() - t0)

    async def open(self) -> tuple[int, int]:
        await self.send_rerun()
        await self.until_finished(time.perf_counter())
        if self.step is None or self.player is None:
            raise RuntimeError("the page drew no step player")
        return self.step

    async def click(self, label: str, wanted: int, result: Result) -> float:
        widget_id, fragment_id = self.player
        t0 = time.perf_counter()
        await self.send_rerun(fragment_id, report=(widget_id, wanted))
        figure_ms, done_ms = await asyncio.wait_for(self.until_finished(t0), CLICK_TIMEOUT_S)
        if self.step is None or self.step[0] != wanted or figure_ms is None:
            raise RuntimeError(
                f"after {label}: step {self.step}, figure {'sent' if figure_ms else 'not sent'}"
            )
        result.done_ms.append(done_ms)
        return figure_ms


async def connect(url: str, n: int) -> list:
    """N websocket connections to the app's stream, opened one after another."""
    import websockets

    stream = url.replace("http://", "ws://") + "/_stcore/stream"
    return [
        await websockets.connect(
            stream, subprotocols=["streamlit"], max_size=None, open_timeout=60, ping_timeout=None
        )
        for _ in range(n)
    ]


async def run_ws(url: str, n: int, args, result: Result, sampler: Sampler) -> None:
    connections = await connect(url, n)
    try:
        sessions = [WsSession(ws, STEP_PAGE, args.query) for ws in connections]
        t0 = time.monotonic()
        steps = await asyncio.wait_for(asyncio.gather(*(s.open() for s in sessions)), LOAD_TIMEOUT_S)
        result.load_s = time.monotonic() - t0

        def clicking(session: WsSession, t: int, T: int):
            async def click(label: str, wanted: int) -> float:
                return await session.click(label, wanted, result)

            async def where() -> int:
                return session.step[0]

            return click, where, t, T

        await clicking_phase(
            [clicking(s, t, T) for s, (t, T) in zip(sessions, steps, strict=True)], args, result, sampler
        )
    finally:
        for ws in connections:
            await ws.close()


# ---------------------------------------------------------------------------------------------------------
# Runs and the table
# ---------------------------------------------------------------------------------------------------------


def measure(mode: str, n: int, args, workdir: Path) -> Result:
    """One fresh server, N sessions in ``mode``, the clicking phase; the server is stopped afterwards."""
    result = Result(mode, n)
    proc, url = start_server(workdir / f"server_{mode}_{n}.log", args.port)
    sampler = Sampler(proc.pid)
    try:
        time.sleep(1.0)
        result.idle_mib = rss_mib(tree(proc.pid))
        sampler.start()
        runner = run_browser if mode == "browser" else run_ws
        asyncio.run(runner(url, n, args, result, sampler))
    finally:
        sampler.stop()
        result.peak_mib = sampler.peak_mib
        result.load_avg = os.getloadavg()
        stop_streamlit(proc)
    return result


async def open_links(url: str, n: int, link: str = HEAVY_LINK) -> tuple[int, list[str]]:
    """N websocket sessions open Step through time at once, session i on ``link.format(seed=i)``; then all
    close. (sessions that drew their page, error texts)."""
    connections = await connect(url, n)
    try:
        sessions = [WsSession(ws, STEP_PAGE, link.format(seed=i)) for i, ws in enumerate(connections)]
        opened = await asyncio.wait_for(
            asyncio.gather(*(s.open() for s in sessions), return_exceptions=True), LOAD_TIMEOUT_S * 4
        )
    finally:
        for ws in connections:
            await ws.close()
    errors = [f"{type(e).__name__}: {str(e)[:160]}" for e in opened if isinstance(e, BaseException)]
    return n - len(errors), errors


def flood(n: int, settle_s: float, workdir: Path, port: int | None = None) -> None:
    """The heavy-link flood (``--flood``): one fresh server, N heavy links at once, then the sessions close
    and the server's RSS is followed until it is back within 10 % of idle.

    Idle is measured twice: on the fresh server, and after one learner has opened the default view and
    left (the baseline of the goal: a replica that has served anyone has imported the pages' modules,
    NumPy, pandas and Plotly, ~100 MiB that no replica gives back)."""
    proc, url = start_server(workdir / f"server_flood_{n}.log", port)
    sampler = Sampler(proc.pid)
    try:
        time.sleep(2.0)
        fresh = rss_mib(tree(proc.pid))
        asyncio.run(open_links(url, 1, link=""))
        time.sleep(2.0)
        idle = rss_mib(tree(proc.pid))
        sampler.start()
        t0 = time.monotonic()
        opened, errors = asyncio.run(open_links(url, n))
        open_s = time.monotonic() - t0
        closed = rss_mib(tree(proc.pid))
        peak = sampler.peak_mib
        print(
            f"\nHeavy-link flood: {n} websocket sessions, each /{STEP_PAGE}?{HEAVY_LINK.format(seed='<i>')}"
            f" with i = 0..{n - 1}; {os.cpu_count()} CPUs ({time.strftime('%Y-%m-%d %H:%M')})\n"
            f"opened {opened}/{n} in {open_s:.0f} s"
        )
        for e in sorted(set(errors))[:3]:
            print(f"  error: {e}")
        print(f"{'when':<34}{'RSS MiB':>9}{'/ idle':>8}")
        print(f"{'idle, fresh server':<34}{fresh:9.0f}{fresh / idle:8.2f}")
        print(f"{'idle, after one default view':<34}{idle:9.0f}{1:8.2f}")
        print(f"{'peak, during the flood':<34}{peak:9.0f}{peak / idle:8.2f}")
        print(f"{'sessions just closed':<34}{closed:9.0f}{closed / idle:8.2f}", flush=True)
        back_at, after = None, closed
        while time.monotonic() - t0 - open_s < settle_s:
            time.sleep(10.0)
            after = rss_mib(tree(proc.pid))
            waited = time.monotonic() - t0 - open_s
            print(f"{f'{waited:.0f} s after closing':<34}{after:9.0f}{after / idle:8.2f}", flush=True)
            if after <= idle * (1 + IDLE_WITHIN):
                back_at = waited
                break
        peak = max(peak, sampler.peak_mib)
        ok = peak < GOAL_RSS_MIB and after < GOAL_RSS_MIB and back_at is not None and not errors
        back = f"back after {back_at:.0f} s" if back_at is not None else f"not back after {settle_s:.0f} s"
        print(
            f"goal (peak and after-idle < {GOAL_RSS_MIB:.0f} MiB, back within {IDLE_WITHIN:.0%} of idle, "
            f"every page drawn): {'met' if ok else 'NOT met'} ({back})"
        )
    finally:
        sampler.stop()
        stop_streamlit(proc)


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (0–100) by linear interpolation; NaN for no values."""
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if q < 100 else max(values)


HEADER = (
    f"{'mode':<8}{'N':>4}{'clicks':>7}{'failed':>7}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}{'done p95':>9}"
    f"{'open s':>7}{'RSS idle':>9}{'RSS peak':>9}{'srv CPU':>8}{'ms/click':>9}{'gen CPU':>8}{'load':>6}"
)


def row(r: Result) -> str:
    """One line of the table for one mode and N."""
    lat = r.latencies_ms
    done = f"{pct(r.done_ms, 95):9.0f}" if r.done_ms else f"{'—':>9}"
    per_click = 1000 * r.server_cpu_s / max(1, len(lat))  # server CPU ms per click
    return (
        f"{r.mode:<8}{r.n:>4}{len(lat):>7}{r.failed:>7}{pct(lat, 50):8.0f}{pct(lat, 95):8.0f}"
        f"{max(lat, default=float('nan')):8.0f}{done}{r.load_s:7.1f}"
        f"{r.idle_mib:7.0f}Mi{r.peak_mib:7.0f}Mi"
        f"{r.server_cpu:7.0f}%{per_click:9.0f}{r.generator_cpu:7.0f}%{r.load_avg[0]:6.1f}"
    )


def print_table(results: list[Result], args) -> None:
    print()
    print(
        f"Classroom load test: every session clicks every {args.interval:g} s for {args.duration:g} s on "
        f"/{STEP_PAGE}{'?' + args.query if args.query else ''}; {os.cpu_count()} CPUs "
        f"({time.strftime('%Y-%m-%d %H:%M')})"
    )
    print(HEADER)
    print("-" * len(HEADER))
    for r in results:
        print(row(r))
    print("-" * len(HEADER))
    print(
        "browser: click → page shows the new step and the figure drew it, timed in the page (includes "
        "Chromium's work for all N pages).\nws: click → the figure's delta arrived (server + transfer, no "
        "rendering); 'done p95' → the fragment run finished.\nopen: until all N pages had drawn. RSS: the "
        "streamlit server process tree. CPU: % of one core during the clicking phase (ms/click: the server's "
        "CPU time per click); gen = this script + Playwright + Chromium; load: 1-min load average at the end."
    )
    for r in results:
        if r.n == GOAL_N:
            ok = pct(r.latencies_ms, 95) <= GOAL_P95_MS and r.peak_mib < GOAL_RSS_MIB and not r.failed
            print(
                f"goal ({r.mode}, N={GOAL_N}: p95 ≤ {GOAL_P95_MS:.0f} ms, server < {GOAL_RSS_MIB:.0f} MiB, "
                f"no failed click): {'met' if ok else 'NOT met'}"
            )
        for e in sorted(set(r.errors))[:3]:
            print(f"  {r.mode} N={r.n} error: {e}")


def _interrupted(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", default="10,20,30", help="comma-separated session counts N")
    parser.add_argument("--duration", type=float, default=60, help="seconds of clicking for each N")
    parser.add_argument("--interval", type=float, default=2, help="seconds between one learner's clicks")
    parser.add_argument("--mode", choices=("browser", "ws", "both"), default="both")
    parser.add_argument("--query", default="", help="query string for the page, e.g. hidden=8&length=50")
    parser.add_argument("--flood", type=int, default=0, help="the heavy-link flood with this many sessions")
    parser.add_argument("--settle", type=float, default=300, help="flood: seconds to wait for idle memory")
    parser.add_argument("--port", type=int, default=None, help="the server's port (default: a free one)")
    args = parser.parse_args()
    if args.flood:
        flood(args.flood, args.settle, Path(tempfile.mkdtemp(prefix="lstm-load-test-")), args.port)
        return
    counts = [int(n) for n in args.sessions.split(",") if n.strip()]
    modes = ("browser", "ws") if args.mode == "both" else (args.mode,)
    signal.signal(signal.SIGTERM, _interrupted)  # stop the servers and Chromium on `kill`, too
    workdir = Path(tempfile.mkdtemp(prefix="lstm-load-test-"))
    print(f"load average before: {', '.join(f'{x:.2f}' for x in os.getloadavg())}   server logs: {workdir}")
    print(HEADER)
    results = []
    for mode in modes:
        for n in counts:
            r = measure(mode, n, args, workdir)
            print(row(r), flush=True)
            results.append(r)
    print_table(results, args)
    print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
