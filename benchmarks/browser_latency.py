"""How long **Next step** takes in a real browser: our Step through time page against a one-chart floor.

Usage: python benchmarks/browser_latency.py [--quick] [--clicks 12] [--keys 12] [--rounds 1] [--loads 3]
       [--speed 4] [--play-seconds 4] [--port 8501]

Starts ``streamlit run app.py`` and, in the same run, a minimal Streamlit app (one ``@st.fragment`` with a
Next step button and one Plotly bar chart, written to a temp folder) as the floor: the least a Streamlit
round trip plus one Plotly redraw can cost on this machine. Both are driven in headless system Chromium
(``$CHROMIUM`` or ``chromium`` on the PATH; Playwright's own browser download is never used).

Each click is timed inside the page with ``performance.now()``:
  updated  click → the page says "Step t of T" with the new t AND the numbers in the plots have changed;
  settled  click → the last DOM change in the app (MutationObserver), once nothing has changed for
           ``--quiet`` ms.
No fixed sleeps: the page is polled on every DOM mutation. The WebSocket is wrapped to show where the time
goes: click → request sent (browser), → first reply (the server started the run), → the figure's message
(script run and transfer), → updated (React and Plotly redraw), plus the bytes each click receives and the
page's main-thread long tasks (PerformanceObserver "longtask").

Our **Next step** is a button of the step player (ui/components/step_player), inside its iframe; the step
label is there too. Issue 12's speed section, in the same run:
  key      → keydown (ArrowRight, on the page) → the stepping figure shows the new frame with new numbers
           (first animation frame after), p50, against the floor's click → settled;
  Play     distinct frames the figure shows per second against 1 / frame duration (the player's rate at
           ``--speed``), on 20 and 400 steps, from step 0 for ``--play-seconds`` or to the end.

Cold first load: navigation start → the first chart has drawn marks, in a fresh browser context; once
right after the server started (nothing imported or cached yet) and ``--loads`` times on a warm server.

Heavy views (issue 12, item 7), in the same run:
  heavy step    Next step → settled at ``HEAVY_STEP`` (2,000 steps × 32 units × 3 layers) against the
                default view's;
  compare open  Compare variants, navigation start → both charts drawn, in a fresh context, at the
                defaults and at ``HEAVY_COMPARE`` (32 units × 2,000 steps): the first open of the view
                (its traces not yet cached; the server has served other pages) and ``--loads`` opens
                after it, against the floor app's cold load.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from tests.browser.helpers import (  # noqa: E402
    CHROMIUM_ARGS,
    NO_CHROMIUM,
    find_chromium,
    settle,
    start_streamlit,
    stop_streamlit,
    wait_healthy,
)
from tests.browser.test_pages import PLAYER_DOC_JS, PLAYER_LABEL_JS, STEP_PAGE, player, wait_for_step  # noqa: E402
from tests.browser.test_step_follow import focus_page  # noqa: E402
from ui.components.step_player import play_rate  # noqa: E402

VIEWPORT = {"width": 1400, "height": 1000}
COMPARE_PAGE = "Compare_variants"
HEAVY_STEP = "hidden=32&layers=3&length=2000"
HEAVY_COMPARE = "hidden=32&length=2000"
COMPARE_TARGET_S = {"": 2.0, HEAVY_COMPARE: 5.0}
TARGET_RATIO, GOAL_RATIO = 2.0, 1.2

FLOOR_APP = '''
"""The floor: one fragment, a Next step button, one Plotly bar chart that changes with t."""
import math

import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="floor", layout="wide")
T = 20
st.session_state.setdefault("t", 0)


@st.fragment
def stepper():
    left, right = st.columns(2)
    if left.button("Previous step"):
        st.session_state.t = max(0, st.session_state.t - 1)
    if right.button("Next step"):
        st.session_state.t = min(T - 1, st.session_state.t + 1)
    t = st.session_state.t
    st.markdown(f"Step {t} of {T}")
    fig = go.Figure(go.Bar(x=list(range(4)), y=[math.sin(t / 3 + k) for k in range(4)]))
    fig.update_yaxes(range=[-1.1, 1.1])
    st.plotly_chart(fig, key="bars")


stepper()
'''

# Installed before any page script: timestamps every WebSocket message both ways (performance.now()).
WS_WRAPPER = """(() => {
    const log = (window.__wslog = []);
    const size = d => (d == null ? 0 : d.byteLength ?? d.size ?? d.length ?? 0);
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (d) {
        log.push(['send', performance.now(), size(d)]);
        return send.call(this, d);
    };
    const Native = window.WebSocket;
    function Wrapped(...args) {
        const ws = new Native(...args);
        ws.addEventListener('message', ev => log.push(['recv', performance.now(), size(ev.data)]));
        return ws;
    }
    Wrapped.prototype = Native.prototype;
    for (const k of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) Wrapped[k] = Native[k];
    window.WebSocket = Wrapped;
})();"""

# Shared page-side helpers: a fingerprint of every plot's numbers, the step the page shows, a button by its
# label. On our page the label and the step buttons are inside the step player's iframe
# (tests/browser/test_pages.py: PLAYER_DOC_JS, PLAYER_LABEL_JS); on the floor app they are in the page.
PAGE_HELPERS = f"""
    const playerDoc = {PLAYER_DOC_JS};
    const playerLabel = {PLAYER_LABEL_JS};"""
PAGE_HELPERS += """
    const mainEl = () => document.querySelector('[data-testid="stMain"]');
    const replacer = (k, v) => (ArrayBuffer.isView(v) ? Array.from(v) : v);
    const signature = () => {
        const text = [...document.querySelectorAll('.js-plotly-plot')]
            .map(gd => JSON.stringify(gd.data || [], replacer)).join('\\n');
        let h = 2166136261;
        for (let i = 0; i < text.length; i++) { h ^= text.charCodeAt(i); h = Math.imul(h, 16777619); }
        return text.length + ':' + (h >>> 0);
    };
    const shownStep = () => {
        const m = (playerLabel() ?? mainEl()?.textContent ?? '').match(/Step\\s+(\\d+)\\s+of\\s+\\d+/);
        return m ? Number(m[1]) : null;
    };
    const findButton = label => [mainEl(), playerDoc()?.body].filter(Boolean)
        .flatMap(root => [...root.querySelectorAll('button')])
        .find(b => b.getAttribute('aria-label') === label || b.textContent.trim() === label);
    const linkStep = () => Number(new URLSearchParams(location.search).get('t') ?? 0);
    const drawnCharts = () => [...document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')]
        .filter(gd => gd.data && gd.data.length > 0 && gd.querySelector(
            '.main-svg g.trace path, .main-svg g.trace rect, .main-svg g.hm image, canvas'))
        .length;
"""

CLICK_JS = (
    """async ([label, wanted, timeoutMs, quietMs, useLink]) => {"""
    + PAGE_HELPERS
    + """
    const sleep = ms => new Promise(r => setTimeout(r, ms));
    let last = performance.now(), dirty = false;
    const obs = new MutationObserver(() => { last = performance.now(); dirty = true; });
    const longTasks = [];  // main-thread work over 50 ms (React, Plotly drawing), while nothing else runs
    const lto = new PerformanceObserver(list => longTasks.push(...list.getEntries()));
    lto.observe({type: 'longtask'});
    const watched = ['[data-testid="stMain"]', '[data-testid="stSidebar"]']
        .map(sel => document.querySelector(sel));
    for (const el of [...watched, playerDoc()?.body]) {
        if (el) obs.observe(el, {subtree: true, childList: true, attributes: true, characterData: true});
    }
    const button = findButton(label);
    if (!button) { obs.disconnect(); return {error: `no button labelled ${label}`}; }
    const before = signature(), wsMark = window.__wslog.length;
    const t0 = performance.now();
    button.click();
    let updated = null;
    while (performance.now() - t0 < timeoutMs) {
        await sleep(1);
        if (!dirty) continue;
        dirty = false;
        const step = shownStep();
        const stepOk = step === wanted && (!useLink || linkStep() === wanted);
        if (stepOk && signature() !== before) { updated = performance.now(); break; }
    }
    if (updated === null) {
        obs.disconnect();
        lto.disconnect();
        return {error: `no update to step ${wanted} within ${timeoutMs} ms (shows ${shownStep()})`};
    }
    const cap = performance.now() + 10 * quietMs;
    while (performance.now() - last < quietMs && performance.now() < cap) await sleep(5);
    obs.disconnect();
    lto.takeRecords().forEach(e => longTasks.push(e));
    lto.disconnect();
    const busy = longTasks.filter(e => e.startTime >= t0).reduce((sum, e) => sum + e.duration, 0);
    const ws = window.__wslog.slice(wsMark).filter(([, at]) => at >= t0).map(([k, at, n]) => [k, at - t0, n]);
    const settled = Math.max(last, updated) - t0;
    return {updated: updated - t0, settled: settled, ws: ws, busy: busy, noisy: performance.now() >= cap};
}"""
)

FIRST_DRAWN_JS = (
    """() => {"""
    + PAGE_HELPERS
    + """
    if (window.__firstDrawn === undefined && drawnCharts() > 0) window.__firstDrawn = performance.now();
    return window.__firstDrawn !== undefined;
}"""
)
ALL_DRAWN_JS = (
    """() => {"""
    + PAGE_HELPERS
    + """
    const n = document.querySelectorAll('[data-testid="stPlotlyChart"]').length;
    if (window.__allDrawn === undefined && n > 0 && drawnCharts() === n) {
        window.__allDrawn = performance.now();
    }
    return window.__allDrawn !== undefined;
}"""
)


# Armed before a key press: the keydown's time on the page (capture phase, before the player's own
# listener), then, on every animation frame, whether the stepping figure shows frame `wanted` with new
# numbers; resolves to ms from the keydown until the first painted frame that does.
KEY_ARM_JS = (
    """([wanted, timeoutMs]) => {"""
    + PAGE_HELPERS
    + """
    const gd = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
    const before = signature();
    window.__keyResult = new Promise(resolve => {
        let t0 = null;
        document.addEventListener('keydown', ev => { t0 ??= ev.timeStamp; }, {capture: true, once: true});
        const start = performance.now();
        const poll = () => {
            const shows = gd._fullLayout._currentFrame === String(wanted) && signature() !== before;
            const paint = () => resolve({shown: performance.now() - t0});
            if (t0 !== null && shows) return requestAnimationFrame(paint);
            if (performance.now() - start > timeoutMs) return resolve({error: `frame ${wanted} not shown`});
            requestAnimationFrame(poll);
        };
        requestAnimationFrame(poll);
    });
}"""
)

# While Play runs: on every animation frame, note when the figure's shown frame changes.
PLAY_WATCH_JS = """() => {
    const gd = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
    const seen = (window.__frames = []);
    let last = gd._fullLayout._currentFrame;
    const watch = () => {
        const now = gd._fullLayout._currentFrame;
        if (now !== last) { seen.push([performance.now(), now]); last = now; }
        if (!window.__stopWatch) requestAnimationFrame(watch);
    };
    window.__stopWatch = false;
    requestAnimationFrame(watch);
}"""


@dataclass
class Clicks:
    updated: list[float] = field(default_factory=list)
    settled: list[float] = field(default_factory=list)
    sent: list[float] = field(default_factory=list)  # click → first message sent
    first_reply: list[float] = field(default_factory=list)  # click → first message received
    chart_msg: list[float] = field(default_factory=list)  # click → the largest message received
    bytes_in: list[int] = field(default_factory=list)
    chart_bytes: list[int] = field(default_factory=list)
    busy: list[float] = field(default_factory=list)  # main-thread long tasks after the click, summed
    noisy: int = 0

    def add(self, other: Clicks) -> None:
        """Pool another round's clicks into these."""
        for name, value in vars(other).items():
            setattr(self, name, getattr(self, name) + value)


@dataclass
class Loads:
    cold_server: float = 0.0  # first load after the server started: first chart drawn
    cold_server_all: float = 0.0
    warm: list[float] = field(default_factory=list)  # fresh contexts on a warm server
    warm_all: list[float] = field(default_factory=list)


def new_page(browser):
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(WS_WRAPPER)
    return context, context.new_page()


def cold_load(browser, address: str) -> tuple[float, float]:
    """(first chart drawn, every chart drawn) in ms after navigation start, in a fresh context."""
    context, page = new_page(browser)
    try:
        page.goto(address, wait_until="commit")
        page.wait_for_function(FIRST_DRAWN_JS, timeout=120_000, polling="raf")
        page.wait_for_function(ALL_DRAWN_JS, timeout=120_000, polling="raf")
        return page.evaluate("() => [window.__firstDrawn, window.__allDrawn]")
    finally:
        context.close()


def measure_loads(browser, address: str, n: int) -> Loads:
    loads = Loads()
    loads.cold_server, loads.cold_server_all = cold_load(browser, address)
    for _ in range(n):
        first, every = cold_load(browser, address)
        loads.warm.append(first)
        loads.warm_all.append(every)
    return loads


def measure_clicks(browser, address: str, clicks: int, quiet_ms: float, use_link: bool) -> Clicks:
    context, page = new_page(browser)
    result = Clicks()
    try:
        page.goto(address)
        settle(page, timeout=60)
        page.wait_for_function(FIRST_DRAWN_JS, timeout=30_000, polling="raf")
        start = page.evaluate("() => {" + PAGE_HELPERS + " return shownStep(); }")
        if start is None:
            raise RuntimeError(f"no 'Step t of T' text at {page.url}")
        for k in range(1, clicks + 1):
            r = page.evaluate(CLICK_JS, ["Next step", start + k, 20_000, quiet_ms, use_link])
            if "error" in r:
                shot = Path(tempfile.gettempdir()) / f"browser_latency_click_{k}.png"
                page.screenshot(path=str(shot), full_page=True)
                raise RuntimeError(f"click {k} at {page.url}: {r['error']} (screenshot {shot})")
            result.updated.append(r["updated"])
            result.settled.append(r["settled"])
            result.noisy += bool(r["noisy"])
            before = [m for m in r["ws"] if m[1] <= r["updated"]]
            sends = [at for kind, at, _ in before if kind == "send"]
            recvs = [(at, n) for kind, at, n in before if kind == "recv"]
            biggest = max(recvs, key=lambda m: m[1], default=(float("nan"), 0))
            result.sent.append(sends[0] if sends else float("nan"))
            result.first_reply.append(recvs[0][0] if recvs else float("nan"))
            result.chart_msg.append(biggest[0])
            result.chart_bytes.append(biggest[1])
            result.bytes_in.append(sum(n for kind, _, n in r["ws"] if kind == "recv"))
            result.busy.append(r["busy"])
        return result
    finally:
        context.close()


def measure_keys(browser, address: str, keys: int) -> list[float]:
    """ms from a → keydown until the figure shows the next step, ``keys`` times, each after the page has
    caught up with the last (the player reports t 250 ms after the last key, then the server reruns)."""
    context, page = new_page(browser)
    try:
        page.goto(address)
        settle(page, timeout=60)
        page.wait_for_function(FIRST_DRAWN_JS, timeout=30_000, polling="raf")
        focus_page(page)
        start = page.evaluate("() => {" + PAGE_HELPERS + " return shownStep(); }")
        shown = []
        for k in range(1, keys + 1):
            page.evaluate(KEY_ARM_JS, [start + k, 20_000])
            page.keyboard.press("ArrowRight")
            r = page.evaluate("() => window.__keyResult")
            if "error" in r:
                raise RuntimeError(f"key {k} at {page.url}: {r['error']}")
            shown.append(r["shown"])
            wait_for_step(page, start + k, timeout=30)
        return shown
    finally:
        context.close()


@dataclass
class PlayRun:
    steps: int
    asked: float  # frames per second Play asks for: 1 / frame duration
    shown: float  # distinct frames the figure showed per second
    frames: int


def measure_play(browser, address: str, steps: int, speed: str, seconds: float) -> PlayRun:
    """Play from step 0 at ``speed`` for up to ``seconds`` (or to the end); distinct frames per second."""
    context, page = new_page(browser)
    try:
        page.goto(address)
        settle(page, timeout=60)
        wait_for_step(page, 0, timeout=60)
        player(page).locator("#speed").select_option(speed)
        page.evaluate(PLAY_WATCH_JS)
        player(page).get_by_role("button", name="Play", exact=True).click()
        page.wait_for_timeout(seconds * 1000)
        page.evaluate("() => { window.__stopWatch = true; }")
        frames = page.evaluate("() => window.__frames")
        if len(frames) < 3:
            raise RuntimeError(f"Play showed only {len(frames)} frames at {page.url}")
        span = (frames[-1][0] - frames[0][0]) / 1000
        return PlayRun(steps, play_rate(steps) * float(speed), (len(frames) - 1) / span, len(frames))
    finally:
        context.close()


def p50(values) -> float:
    return statistics.median(values)


def fmt_ms(v: float) -> str:
    return f"{v:8.0f} ms"


def report_speed(
    keys: list[float],
    ours: Clicks,
    floor: Clicks,
    plays: list[PlayRun],
    heavy: Clicks,
    compare: dict[str, Loads],
    floor_loads: Loads,
) -> None:
    """Issue 12's speed targets, each a ratio measured in this run."""
    key_ratio = p50(keys) / p50(floor.settled)
    click_ratio = p50(ours.settled) / p50(floor.settled)
    print()
    print("Issue 12, speed (ratios from this run):")
    print(
        f"  key → figure shows the new step, p50 {p50(keys):.0f} ms vs floor click → settled "
        f"{p50(floor.settled):.0f} ms: {key_ratio:.2f}x  (target ≤ 0.5x, goal ≤ 0.3x)"
    )
    print(
        f"  Next step → page settled (default view), p50 {p50(ours.settled):.0f} ms vs floor "
        f"{p50(floor.settled):.0f} ms: {click_ratio:.2f}x  (target ≤ 1.2x)"
    )
    for run in plays:
        print(
            f"  Play, {run.steps} steps: {run.shown:.1f} distinct frames/s vs {run.asked:.1f} asked "
            f"(1/frame duration), {run.frames} frames: {run.shown / run.asked:.0%}  (target ≥ 95 %)"
        )
    print(
        f"  Next step → settled at {HEAVY_STEP}, p50 {p50(heavy.settled):.0f} ms vs default view "
        f"{p50(ours.settled):.0f} ms: {p50(heavy.settled) / p50(ours.settled):.2f}x  (target ≤ 1.5x; "
        f"server until the largest message {p50(heavy.chart_msg) - p50(heavy.sent):.0f} vs "
        f"{p50(ours.chart_msg) - p50(ours.sent):.0f} ms, "
        f"{p50(heavy.bytes_in):.0f} vs {p50(ours.bytes_in):.0f} B)"
    )
    floor_ms = p50(floor_loads.warm_all)
    for query, loads in compare.items():
        view = query or "defaults"
        print(
            f"  Compare variants open ({view}) → both charts drawn: "
            f"first {loads.cold_server_all / 1000:.1f} s, "
            f"again p50 {p50(loads.warm_all) / 1000:.1f} s vs floor cold load {floor_ms / 1000:.1f} s: "
            f"{p50(loads.warm_all) / floor_ms:.2f}x  (target < {COMPARE_TARGET_S[query]:g} s)"
        )


def report(ours: Clicks, floor: Clicks, ours_loads: Loads, floor_loads: Loads, clicks: int) -> None:
    rows = [
        ("Next step → updated, p50", p50(ours.updated), p50(floor.updated)),
        ("Next step → updated, max", max(ours.updated), max(floor.updated)),
        ("Next step → settled, p50", p50(ours.settled), p50(floor.settled)),
        ("Next step → settled, max", max(ours.settled), max(floor.settled)),
        ("cold load → first chart (server just started)", ours_loads.cold_server, floor_loads.cold_server),
        (
            "cold load → all charts (server just started)",
            ours_loads.cold_server_all,
            floor_loads.cold_server_all,
        ),
        ("cold load → first chart (warm server, p50)", p50(ours_loads.warm), p50(floor_loads.warm)),
        ("cold load → all charts (warm server, p50)", p50(ours_loads.warm_all), p50(floor_loads.warm_all)),
    ]
    width = max(len(r[0]) for r in rows) + 2
    print()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"Browser latency, {clicks} clicks each, headless Chromium, {os.cpu_count()} CPUs, load {load} "
        f"({time.strftime('%Y-%m-%d %H:%M')})"
    )
    header = f"{'':<{width}}{'ours':>11}{'floor':>11}{'ours/floor':>12}"
    print(header)
    print("-" * len(header))
    for name, a, b in rows:
        print(f"{name:<{width}}{fmt_ms(a)}{fmt_ms(b)}{a / b:11.2f}x")
    print("-" * len(header))
    ratio = p50(ours.settled) / p50(floor.settled)
    verdict = (
        "meets the goal"
        if ratio <= GOAL_RATIO
        else "within target"
        if ratio <= TARGET_RATIO
        else "OVER TARGET"
    )
    print(
        f"Next step p50 (settled) ratio ours/floor: {ratio:.2f}  "
        f"(target ≤ {TARGET_RATIO}, goal {GOAL_RATIO}): {verdict}"
    )
    if ours.noisy or floor.noisy:
        print(
            f"note: the DOM never went quiet after {ours.noisy} (ours) / {floor.noisy} (floor) clicks; "
            "'settled' was capped"
        )

    print()
    print("Where a Next step goes (p50 over the clicks, ms after the click):")
    print(f"{'':<44}{'ours':>10}{'floor':>10}")
    for name, a, b in (
        ("request sent (browser handler)", ours.sent, floor.sent),
        ("first reply (server started the run)", ours.first_reply, floor.first_reply),
        ("largest message in (server run + transfer)", ours.chart_msg, floor.chart_msg),
        ("plot updated (React + Plotly redraw)", ours.updated, floor.updated),
        ("page settled (last DOM change)", ours.settled, floor.settled),
        ("main-thread long tasks, summed", ours.busy, floor.busy),
    ):
        print(f"{name:<44}{p50(a):10.0f}{p50(b):10.0f}")
    print(f"{'bytes received per click':<44}{p50(ours.bytes_in):10.0f}{p50(floor.bytes_in):10.0f}")
    biggest = "  largest message (figure or step script)"
    print(f"{biggest:<44}{p50(ours.chart_bytes):10.0f}{p50(floor.chart_bytes):10.0f}")
    o_server, f_server = p50(ours.chart_msg) - p50(ours.sent), p50(floor.chart_msg) - p50(floor.sent)
    o_draw, f_draw = p50(ours.updated) - p50(ours.chart_msg), p50(floor.updated) - p50(floor.chart_msg)
    o_tail, f_tail = p50(ours.settled) - p50(ours.updated), p50(floor.settled) - p50(floor.updated)
    print(
        f"→ server until the largest message arrives: ours {o_server:.0f} ms vs floor {f_server:.0f} ms; "
        f"redraw: ours {o_draw:.0f} vs {f_draw:.0f} ms; after the update until quiet: ours {o_tail:.0f} vs "
        f"{f_tail:.0f} ms"
    )
    print(
        "  (message times are when the page's main thread got to them: while Plotly draws, later "
        "messages wait, so only the first ones measure the server)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=12, help="Next step clicks per round, each app")
    parser.add_argument("--keys", type=int, default=12, help="→ key presses on our page")
    parser.add_argument("--speed", default="4", choices=["0.5", "1", "2", "4"], help="Play speed")
    parser.add_argument("--play-seconds", type=float, default=4, help="how long Play runs, each length")
    parser.add_argument(
        "--quick", action="store_true", help="6 clicks, 6 keys, 1 warm load, 3 s of Play: about 2 minutes"
    )
    parser.add_argument(
        "--rounds", type=int, default=1, help="rounds of clicks, ours then the floor in each (pooled)"
    )
    parser.add_argument("--loads", type=int, default=3, help="cold loads on a warm server, each app")
    parser.add_argument(
        "--quiet", type=float, default=300, help="ms without DOM changes that count as settled"
    )
    parser.add_argument(
        "--query", default="", help="extra query string for our page, e.g. hidden=32&length=200"
    )
    parser.add_argument(
        "--port", type=int, default=None, help="our app's port (the floor's is the next); default: free ports"
    )
    args = parser.parse_args()
    if args.quick:
        args.clicks, args.keys, args.loads, args.play_seconds = 6, 6, 1, 3
    for name in ("clicks", "rounds", "loads", "keys"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")

    from playwright.sync_api import sync_playwright

    workdir = Path(tempfile.mkdtemp(prefix="lstm-browser-latency-"))
    (workdir / "floor_app.py").write_text(textwrap.dedent(FLOOR_APP))
    (workdir / ".streamlit").mkdir()
    shutil.copy(ROOT / ".streamlit" / "config.toml", workdir / ".streamlit" / "config.toml")  # same settings

    ours_port, floor_port = (args.port, args.port + 1) if args.port else (None, None)
    ours_proc, ours_url = start_streamlit("app.py", ROOT, workdir / "ours.log", port=ours_port)
    floor_proc, floor_url = start_streamlit("floor_app.py", workdir, workdir / "floor.log", port=floor_port)
    try:
        wait_healthy(ours_proc, ours_url, workdir / "ours.log")
        wait_healthy(floor_proc, floor_url, workdir / "floor.log")
        ours_page = f"{ours_url}/{STEP_PAGE}" + (f"?{args.query}" if args.query else "")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=find_chromium() or sys.exit(NO_CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            try:
                ours_loads = measure_loads(browser, ours_page, args.loads)
                floor_loads = measure_loads(browser, floor_url, args.loads)
                ours, floor = Clicks(), Clicks()
                for _ in range(args.rounds):  # alternate, so a drift of the machine hits both alike
                    ours.add(measure_clicks(browser, ours_page, args.clicks, args.quiet, use_link=True))
                    floor.add(measure_clicks(browser, floor_url, args.clicks, args.quiet, use_link=False))
                keys = measure_keys(browser, ours_page, args.keys)
                plays = [
                    measure_play(
                        browser, f"{ours_url}/{STEP_PAGE}?length={n}", n, args.speed, args.play_seconds
                    )
                    for n in (20, 400)
                ]
                heavy = measure_clicks(
                    browser, f"{ours_url}/{STEP_PAGE}?{HEAVY_STEP}", args.clicks, args.quiet, use_link=True
                )
                compare_url = f"{ours_url}/{COMPARE_PAGE}"
                compare = {
                    q: measure_loads(browser, compare_url + (f"?{q}" if q else ""), args.loads)
                    for q in COMPARE_TARGET_S
                }
            finally:
                browser.close()
    finally:
        stop_streamlit(ours_proc)
        stop_streamlit(floor_proc)
    print(f"our page: {ours_page}   logs: {workdir}")
    report(ours, floor, ours_loads, floor_loads, args.clicks * args.rounds)
    report_speed(keys, ours, floor, plays, heavy, compare, floor_loads)
    print(
        f"(Play at {args.speed}x for {args.play_seconds:g} s; one run on a shared {os.cpu_count()}-core "
        "machine: the ratios are side by side, the ms are noisy)"
    )


if __name__ == "__main__":
    main()
