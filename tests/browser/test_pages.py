"""Every page of the real app in headless Chromium: it opens, it draws, and stepping through time works.

The DOM helpers here (``plots``, ``plot_signature``, ``main_text``, ...) are shared with
``test_deep_links.py``.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.helpers import settle
from ui.state import ViewState

ROOT = Path(__file__).resolve().parents[2]


def _page_order(script: Path) -> tuple[float, str]:
    number = re.match(r"\d+", script.stem)
    return (int(number[0]) if number else float("inf"), script.stem)


# Every page of the app as the path its sidebar link points to: "" is the home page (app.py), then one per
# file in views/ ("2_Step_through_time.py" → "Step_through_time"), in Streamlit's order.
SCRIPTS = sorted((ROOT / "views").glob("*.py"), key=_page_order)
PAGES = ("", *(re.sub(r"^\d+[_ -]*", "", script.stem) for script in SCRIPTS))
# Pages that draw their chart only after an action: the button to press first.
STEP_PAGE = "Step_through_time"
STEP_TEXT = re.compile(r"Step\s+(\d+)\s+of\s+(\d+)")
# The step player's iframe (ui/components/step_player): its buttons, slider and "Step t of T" label.
PLAYER_IFRAME = 'iframe[title="ui.components.step_player.step_player"]'
PLAYER_DOC_JS = f"() => document.querySelector({PLAYER_IFRAME!r})?.contentDocument ?? null"
PLAYER_LABEL_JS = f"() => ({PLAYER_DOC_JS})()?.getElementById('label')?.textContent ?? null"
EXCEPTION = '[data-testid="stException"]'
PLOTLY = '[data-testid="stPlotlyChart"]'
NAV_LINK = '[data-testid="stSidebarNavLink"]'
SETTLE_TIMEOUT = 60  # seconds; the first run of a page imports and computes, on a busy CI box too

# One record per Plotly graph div on the page: how many traces, of which types, how many animation
# frames, how many marks the SVG (or WebGL canvas) actually drew, and the text of its titles and labels.
_PLOTS_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(gd => {
    const marks = '.main-svg g.trace path, .main-svg g.trace rect, .main-svg g.trace image, '
                  + '.main-svg g.hm image, .main-svg g.slice path';
    const drawn = [...gd.querySelectorAll(marks)]
        .filter(n => n.tagName.toLowerCase() !== 'path' || (n.getAttribute('d') || '').length > 4).length
        + [...gd.querySelectorAll('canvas')].filter(c => c.width > 0 && c.height > 0).length;
    return {
        traces: Array.isArray(gd.data) ? gd.data.length : 0,
        types: (gd._fullData || []).map(t => t.type),
        frames: gd._transitionData && gd._transitionData._frames ? gd._transitionData._frames.length : 0,
        drawn: drawn,
        text: [...gd.querySelectorAll('.main-svg text')].map(t => t.textContent).join(' | '),
        buttons: [...gd.querySelectorAll('.updatemenu-button')].map(b => b.textContent.trim()),
    };
})"""

# A short fingerprint of the numbers every plot holds right now (gd.data, typed arrays included).
_SIGNATURE_JS = """() => {
    const replacer = (k, v) => (ArrayBuffer.isView(v) ? Array.from(v) : v);
    const text = [...document.querySelectorAll('.js-plotly-plot')]
        .map(gd => JSON.stringify(gd.data || [], replacer)).join('\\n');
    let h = 2166136261;
    for (let i = 0; i < text.length; i++) { h ^= text.charCodeAt(i); h = Math.imul(h, 16777619); }
    return text.length + ':' + (h >>> 0).toString(16);
}"""


def url(app_url: str, page: str = "", query: str = "") -> str:
    return f"{app_url}/{page}" + (f"?{query}" if query else "")


def open_page(page, address: str) -> None:
    """Go to ``address`` and wait until Streamlit has finished the run and every chart is drawn."""
    page.set_default_timeout(15_000)  # a missing element fails in seconds, not Playwright's 30 s
    page.goto(address)
    settle(page, timeout=SETTLE_TIMEOUT)
    wait_for_drawn_plots(page)


def wait_for_drawn_plots(page, timeout: float = 15) -> None:
    """Wait until every ``stPlotlyChart`` holds a Plotly graph that has drawn marks."""
    page.wait_for_function(
        """([sel]) => {
            const charts = [...document.querySelectorAll(sel)];
            return charts.length > 0 && charts.every(c => {
                const gd = c.querySelector('.js-plotly-plot');
                return gd && gd.data && gd.data.length > 0 && gd.querySelector('.main-svg') !== null;
            });
        }""",
        arg=[PLOTLY],
        timeout=timeout * 1000,
        polling=100,
    )


def plots(page) -> list[dict]:
    return page.evaluate(_PLOTS_JS)


def plot_signature(page) -> str:
    return page.evaluate(_SIGNATURE_JS)


def main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def sidebar_text(page) -> str:
    return page.locator('[data-testid="stSidebar"]').inner_text()


def query(page) -> dict[str, str]:
    """The address bar's query parameters (last value of each)."""
    return {k: v[-1] for k, v in parse_qs(urlsplit(page.url).query).items()}


def player(page):
    """The step player of the page, as a Playwright frame locator."""
    return page.frame_locator(PLAYER_IFRAME)


def shown_step(page) -> tuple[int, int]:
    """(t, T) from the step player's "Step t of T" label."""
    match = STEP_TEXT.search(page.evaluate(PLAYER_LABEL_JS) or "")
    assert match, f"no 'Step t of T' text on {page.url}"
    return int(match[1]), int(match[2])


def assert_healthy(page) -> None:
    """No exception box, no traceback text, no error notice in the main area."""
    assert page.locator(EXCEPTION).count() == 0, (
        f"exception on {page.url}: {page.locator(EXCEPTION).first.inner_text()}"
    )
    body = page.locator("body").inner_text()
    assert "Traceback" not in body, f"traceback text on {page.url}"
    errors = page.locator('[data-testid="stMain"] [data-testid="stAlertContentError"]')
    assert errors.count() == 0, f"error notice on {page.url}: {errors.first.inner_text()}"


def assert_no_traceback(log_text: str) -> None:
    assert "Traceback" not in log_text, f"the server logged an exception:\n{log_text[-3000:]}"


def test_the_sidebar_links_every_page(app_url, page):
    open_page(page, url(app_url))
    hrefs = [
        page.locator(NAV_LINK).nth(k).get_attribute("href") for k in range(page.locator(NAV_LINK).count())
    ]
    paths = [urlsplit(h).path.strip("/") for h in hrefs]
    assert paths == list(PAGES), f"sidebar links {paths}, views/ has {PAGES}"
    titles = [t.strip() for t in page.locator(NAV_LINK).all_inner_texts()]
    # The first entry is the home page, titled "Home" (not the main script's file name, "app").
    assert titles == ["Home", *(p.replace("_", " ") for p in PAGES[1:])], titles


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p or "home")
def test_every_page_opens_and_draws_its_charts(app_url, page, js_errors, server_log, path):
    if path in PRESS_FIRST:
        page.set_default_timeout(15_000)
        page.goto(url(app_url, path))
        settle(page, timeout=SETTLE_TIMEOUT)
        assert_healthy(page)
        PRESS_FIRST[path](page)
        page.wait_for_selector(PLOTLY, timeout=SETTLE_TIMEOUT * 1000)
        settle(page, timeout=SETTLE_TIMEOUT)
        wait_for_drawn_plots(page)
    else:
        open_page(page, url(app_url, path))
    assert_healthy(page)
    assert page.locator(PLOTLY).count() >= 1
    found = plots(page)
    assert found, "no Plotly graph in the page"
    for k, plot in enumerate(found):
        assert plot["traces"] > 0, f"chart {k} on /{path} holds no traces"
        assert plot["drawn"] > 0, f"chart {k} on /{path} drew nothing: {plot}"
    assert not js_errors, f"JavaScript errors on /{path}: {js_errors}"
    assert_no_traceback(server_log())


PLAYER_BUTTONS = ("Previous step", "Next step", "First step", "Last step", "Play", "Pause")


def click_button(page, label: str) -> None:
    """Click the button named ``label``: the step player's own (Previous/Next, Play), else the page's."""
    if label in PLAYER_BUTTONS:
        player(page).get_by_role("button", name=label, exact=True).click()
    else:
        page.get_by_role("button", name=label, exact=True).click()


def _answer_first_question(page) -> None:
    """The quiz draws its plot only once an answer is given (a plot first would give the answer away)."""
    page.locator('[data-testid="stMain"] [data-testid="stRadioOption"]').first.click()
    settle(page, timeout=SETTLE_TIMEOUT)
    click_button(page, "Answer")


# Pages whose charts appear only after the visitor acts.
PRESS_FIRST = {"Train": lambda page: click_button(page, "Train"), "Misconceptions": _answer_first_question}


def wait_for_step(page, t: int, timeout: float = 15) -> None:
    """Wait until the player says "Step t of T" and the address bar has caught up."""
    page.wait_for_function(
        f"""([t]) => {{
            const m = (({PLAYER_LABEL_JS})() || '').match(/Step\\s+(\\d+)\\s+of/);
            const q = new URLSearchParams(location.search).get('t');
            return m !== null && Number(m[1]) === t && (q === null ? t === 0 : Number(q) === t);
        }}""",
        arg=[t],
        timeout=timeout * 1000,
        polling=50,
    )
    settle(page, timeout=SETTLE_TIMEOUT, quiet=0.75)


def test_next_and_previous_step_move_the_plot_and_the_link(app_url, page, js_errors, server_log):
    open_page(page, url(app_url, STEP_PAGE))
    t0, T = shown_step(page)
    assert (t0, T) == (0, ViewState().length)
    before = plot_signature(page)

    click_button(page, "Next step")
    wait_for_step(page, 1)
    assert_healthy(page)
    assert shown_step(page) == (1, T)
    assert query(page).get("t") == "1"
    after = plot_signature(page)
    assert after != before, "Next step did not change the numbers in the plot"

    click_button(page, "Next step")
    wait_for_step(page, 2)
    assert query(page).get("t") == "2"
    assert plot_signature(page) not in (before, after)

    click_button(page, "Previous step")
    wait_for_step(page, 1)
    assert plot_signature(page) == after, "Previous step did not bring back the plot of step 1"
    assert not js_errors, js_errors
    assert_no_traceback(server_log())


def test_the_step_figure_plays_in_the_browser(app_url, page):
    """Play is the step player's, run in the browser: the plot moves through its animation frames with no
    Streamlit rerun until it pauses; then the page catches up with the step it stopped at."""
    sent: list = []  # every message the browser sends to the Streamlit server (a rerun request is one)
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
    open_page(page, url(app_url, STEP_PAGE))
    animated = [p for p in plots(page) if p["frames"] > 1]
    assert animated, f"no chart with animation frames: {plots(page)}"
    assert animated[0]["frames"] == shown_step(page)[1], "one frame per time step"
    assert animated[0]["buttons"] == [], "the figure has a Play of its own besides the player's"
    before, requests = plot_signature(page), len(sent)
    click_button(page, "Play")
    page.wait_for_function(f"() => ({_SIGNATURE_JS})() !== {before!r}", timeout=10_000, polling=100)
    assert page.locator(EXCEPTION).count() == 0
    assert len(sent) == requests, "Play asked the server for a rerun; it should run in the browser"
    click_button(page, "Pause")
    t = int(player(page).locator("body").get_attribute("data-t"))
    wait_for_step(page, t)
