"""Presenter mode in headless Chromium at a projector's 1280×720: every page, opened from a ?present=1
link, fits the width, shows its title, keeps the sidebar collapsed and raises no exception.

Screenshots (the top of each page and its end) go to $PRESENTER_SHOTS, or to a temporary folder named in
the test output, for a person to look at: text large and readable, nothing cut off.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.helpers import settle
from tests.browser.test_pages import EXCEPTION, PAGES, SETTLE_TIMEOUT, query, url

PROJECTOR = {"width": 1280, "height": 720}
BASE_FONT_PX = 16 * 1.35  # ui/presenter.py SCALE

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
    page.wait_for_timeout(800)  # let Plotly finish its first layout
    layout = page.evaluate(_LAYOUT_JS)
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
