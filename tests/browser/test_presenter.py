"""Presenter mode in headless Chromium at a projector's 1280×720, and every page on a phone's 390×844.

Presenter mode: every page, opened from a ?present=1 link, fits the width, shows its title, keeps the
sidebar collapsed, raises no exception, and draws no text smaller than 18 px (HTML and Plotly's SVG text;
Plotly's and KaTeX's sub- and superscripts, 70 % of their line, excepted); on Step through time the step
player and the whole stepping figure are on the first screen. A phone: no page scrolls sideways, and the
stepping figure comes in one column whose texts do not overlap, none under the figure's toolbar.

Screenshots (the top of each page and its end) go to $PRESENTER_SHOTS, or to a temporary folder named in
the test output, for a person to look at: text large and readable, nothing cut off.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.helpers import settle
from tests.browser.test_pages import EXCEPTION, PAGES, PLAYER_IFRAME, PLOTLY, SETTLE_TIMEOUT, query, url
from ui.presenter import MIN_FIGURE_PX

PROJECTOR = {"width": 1280, "height": 720}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
BASE_FONT_PX = 16 * 1.35  # ui/presenter.py SCALE
STEPPING = '[class*="st-key-stepping_figure_"] .js-plotly-plot'

# Every chart on the page has drawn (a page may have none).
_DRAWN_JS = """([sel]) => [...document.querySelectorAll(sel)].every(c => {
    const gd = c.querySelector('.js-plotly-plot');
    return gd && gd.data && gd.querySelector('.main-svg') !== null;
})"""

# The smallest computed font size of any visible text in the main area: elements with a text node of their
# own, SVG <text>/<tspan> included. Sub- and superscripts are left out (KaTeX's, HTML's, Plotly's: a
# tspan at font-size:70%). Returns [px, the text, the tag].
_SMALLEST_TEXT_JS = r"""() => {
    let best = [1e9, '', ''];
    for (const el of document.querySelectorAll('[data-testid="stMain"] *')) {
        const own = [...el.childNodes].some(n => n.nodeType === 3 && /[^\u200b\s]/.test(n.textContent));
        if (!own) continue;
        if (el.closest('.katex-mathml, sub, sup, .msupsub, tspan[style*="font-size:70%"]')) continue;
        const box = el.getBoundingClientRect();
        if (box.width < 1 || box.height < 1) continue;
        const style = getComputedStyle(el);
        if (style.visibility === 'hidden' || style.display === 'none') continue;
        const px = parseFloat(style.fontSize);
        if (px < best[0]) best = [px, el.textContent.trim().slice(0, 40), el.tagName];
    }
    return best;
}"""

# Pairs of SVG <text> boxes of the graph that overlap by more than 1 px both ways, the texts the graph's
# toolbar covers, and each panel's width in px.
_OVERLAPS_JS = r"""([sel]) => {
    const gd = document.querySelector(sel);
    const texts = [...gd.querySelectorAll('text')].filter(t => t.textContent.trim())
        .map(t => [t.textContent, t.getBoundingClientRect()]).filter(([, b]) => b.width > 0 && b.height > 0);
    const cross = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1
        && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
    const pairs = [];
    for (let i = 0; i < texts.length; i++)
        for (let j = i + 1; j < texts.length; j++)
            if (cross(texts[i][1], texts[j][1])) pairs.push([texts[i][0], texts[j][0]]);
    const bar = gd.querySelector('.modebar');
    const box = bar ? bar.getBoundingClientRect() : null;
    const covered = box && box.width ? texts.filter(([, b]) => cross(box, b)).map(([t]) => t) : [];
    const layout = gd._fullLayout;
    const widths = Object.keys(layout).filter(k => /^xaxis\d*$/.test(k)).map(k => layout[k]._length);
    return {pairs, covered, texts: texts.length, widths};
}"""

_LAYOUT_JS = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    const sidebar = document.querySelector('[data-testid="stSidebar"]');
    const title = main.querySelector('h1');
    const box = title ? title.getBoundingClientRect() : null;
    return {
        docWidth: document.documentElement.scrollWidth,
        mainWidth: main.scrollWidth,
        mainClient: main.clientWidth,
        innerWidth: window.innerWidth,
        title: title ? title.innerText : null,
        titleBox: box ? [box.left, box.top, box.right, box.bottom] : null,
        sidebarCollapsed: sidebar ? sidebar.getAttribute('data-collapsed') : null,
        sidebarRight: sidebar ? sidebar.getBoundingClientRect().right : null,
        fontPx: parseFloat(getComputedStyle(document.documentElement).fontSize),
        // Each figure title's top above its figure's top edge, in px (> 0: the letters are cut off).
        titlesCut: [...main.querySelectorAll('.js-plotly-plot')].map(gd => {
            const t = gd.querySelector('.gtitle');
            return t ? gd.getBoundingClientRect().top - t.getBoundingClientRect().top : 0;
        }),
    };
}"""


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = os.environ.get("PRESENTER_SHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("presenter_shots")
    path.mkdir(parents=True, exist_ok=True)
    print(f"\npresenter screenshots: {path}")
    return path


def wait_for_charts(page) -> None:
    page.wait_for_function(_DRAWN_JS, arg=[PLOTLY], timeout=SETTLE_TIMEOUT * 1000, polling=200)
    page.wait_for_timeout(500)  # Plotly's last relayout after the first draw


def box_inside(page, selector: str, viewport: dict) -> list[float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"no {selector} on {page.url}"
    edges = [box["x"], box["y"], box["x"] + box["width"], box["y"] + box["height"]]
    left, top, right, bottom = edges
    assert left >= 0 and top >= 0 and right <= viewport["width"] and bottom <= viewport["height"], (
        f"{selector} at {edges} is not inside the {viewport} screen"
    )
    return edges


@pytest.fixture
def projector(browser):
    """A fresh page at 1280×720: a new browser profile, so no sidebar state is remembered."""
    context = browser.new_context(viewport=PROJECTOR)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()


def scroll_main_to_end(page) -> None:
    page.locator('[data-testid="stMain"]').evaluate("m => { m.scrollTop = m.scrollHeight; }")
    page.wait_for_timeout(400)


@pytest.mark.parametrize("name", PAGES, ids=lambda p: p or "Home")
def test_every_page_fits_a_projector_in_presenter_mode(app_url, projector, shots, name):
    page = projector
    page.goto(url(app_url, name, "present=1"))
    settle(page, timeout=SETTLE_TIMEOUT)
    wait_for_charts(page)
    layout = page.evaluate(_LAYOUT_JS)
    smallest = page.evaluate(_SMALLEST_TEXT_JS)
    if name == "Step_through_time":  # the step controls and the whole figure on one screen
        player_box = box_inside(page, PLAYER_IFRAME, PROJECTOR)
        figure_box = box_inside(page, STEPPING, PROJECTOR)
        assert player_box[3] <= figure_box[1]  # the player above the figure, not over it
    stem = name or "Home"
    page.screenshot(path=str(shots / f"{stem}_top.png"))
    scroll_main_to_end(page)
    page.screenshot(path=str(shots / f"{stem}_end.png"))

    assert page.locator(EXCEPTION).count() == 0
    assert layout["docWidth"] <= layout["innerWidth"], layout  # no horizontal scroll bar
    assert layout["mainWidth"] <= layout["mainClient"], layout  # nor inside the main area
    assert layout["title"], f"no title on {page.url}"
    left, top, right, bottom = layout["titleBox"]
    assert left >= 0 and right <= PROJECTOR["width"] and top > 0 and bottom <= PROJECTOR["height"], layout
    assert layout["sidebarCollapsed"] == "true" and layout["sidebarRight"] <= 0, layout
    assert layout["fontPx"] == pytest.approx(BASE_FONT_PX, abs=0.1)
    assert all(cut <= 0 for cut in layout["titlesCut"]), f"a figure title is cut off at the top: {layout}"
    assert query(page).get("present") == "1"
    assert smallest[0] >= MIN_FIGURE_PX, f"text of {smallest[0]} px on {page.url}: {smallest}"


@pytest.mark.parametrize("name", PAGES, ids=lambda p: p or "Home")
def test_every_page_fits_a_phone(app_url, browser, shots, name):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(url(app_url, name))
        settle(page, timeout=SETTLE_TIMEOUT)
        wait_for_charts(page)
        if name == "Step_through_time":  # the page's width report has redrawn it in one column
            page.wait_for_function(
                "([sel]) => { const gd = document.querySelector(sel);"
                " return gd && gd.layout.xaxis.domain[1] === 1 && gd.layout.xaxis2.domain[0] === 0; }",
                arg=[STEPPING],
                timeout=SETTLE_TIMEOUT * 1000,
            )
            settle(page, timeout=SETTLE_TIMEOUT)
            wait_for_charts(page)
        layout = page.evaluate(_LAYOUT_JS)
        page.screenshot(path=str(shots / f"phone_{name or 'Home'}.png"), full_page=True)
        assert page.locator(EXCEPTION).count() == 0
        assert layout["docWidth"] <= layout["innerWidth"], layout  # no page-wide sideways scroll
        assert layout["mainWidth"] <= layout["mainClient"], layout
        if name == "Step_through_time":
            found = page.evaluate(_OVERLAPS_JS, [STEPPING])
            assert found["texts"] > 20 and not found["pairs"], found
            assert not found["covered"], f"the toolbar covers {found['covered']}"
            assert min(found["widths"]) > 250, found  # full-width panels, not ~40 px ones
    finally:
        context.close()


def test_next_link_moves_on_in_presenter_mode_and_exit_leaves_it(app_url, projector):
    page = projector
    page.goto(url(app_url, "", "present=1"))
    settle(page, timeout=SETTLE_TIMEOUT)
    nav = page.locator(".st-key-presenter_nav")
    next_link = nav.get_by_role("link", name="Cell anatomy ▶")
    box, header = next_link.bounding_box(), page.locator('[data-testid="stHeader"]').bounding_box()
    assert box["y"] + box["height"] <= header["y"] + header["height"]  # in the top bar, above the content
    next_link.click()
    page.wait_for_url("**/Cell_anatomy**")
    settle(page, timeout=SETTLE_TIMEOUT)
    assert query(page).get("present") == "1"
    assert page.locator('[data-testid="stMain"] h1').inner_text() == "Cell anatomy"
    assert nav.get_by_role("link", name="◀ Home").count() == 1
    nav.get_by_role("button").click()  # ✕: leave presenter mode
    page.wait_for_function("() => !new URLSearchParams(location.search).has('present')", timeout=15_000)
    settle(page, timeout=SETTLE_TIMEOUT)
    assert page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)") == 16
    assert page.locator(".st-key-presenter_nav").count() == 0
