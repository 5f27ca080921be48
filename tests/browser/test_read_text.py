"""Read text in real Chromium: the coloured text holds the core's values, Find the unit names
rank_units' top unit, and a bad paste gets its message while the page keeps working."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lstm_core.text import CharModel, code_features, rank_units
from tests.browser.helpers import settle
from tests.browser.test_pages import EXCEPTION, main_text, open_page, shown_step, url
from tests.plotly_data import decode
from ui.figures.text import layout_grid

ROOT = Path(__file__).resolve().parents[2]
MODEL = CharModel.load(ROOT / "assets" / "models" / "python_chars.safetensors")
PRESET = (ROOT / "assets" / "models" / "python_chars_snippet.txt").read_text()

# z of the first heatmap whose title names a unit (the page's coloured text), typed arrays as lists
_Z_JS = """() => {
    const gd = [...document.querySelectorAll('.js-plotly-plot')]
        .find(g => ((g.layout.title || {}).text || '').includes('right after reading it'));
    const z = gd.data[0].z;
    if (Array.isArray(z)) return {rows: z.map(row => Array.from(row, v => (v === null ? NaN : v)))};
    return {spec: z};  // still Plotly 6's {dtype, bdata, shape}
}"""


def test_read_text_colours_and_find_the_unit_in_chromium(page, app_url):
    open_page(page, url(app_url, "Read_text", "model=python_chars"))
    assert page.locator(EXCEPTION).count() == 0
    top = rank_units(MODEL.read(PRESET), code_features(PRESET)["in_string"].to_numpy()).iloc[0]
    expected = np.asarray(getattr(MODEL.read(PRESET).trace.layers[0], str(top.quantity)))[:, int(top.unit)]
    found = page.evaluate(_Z_JS)
    z = decode(found["spec"]) if "spec" in found else np.array(found["rows"], dtype=float)
    rows, cols = layout_grid(PRESET)
    np.testing.assert_allclose(z[rows, cols], expected, rtol=1e-12)
    page.get_by_role("tab", name="Find the unit").click()
    assert f"unit {int(top.unit)}" in main_text(page)


def test_a_paste_too_long_gets_its_message_and_the_page_keeps_working(page, app_url):
    open_page(page, url(app_url, "Read_text", "model=python_chars"))
    page.get_by_text("Your text (code by default").click()
    area = page.get_by_role("textbox", name="Text to read")
    area.fill("x" * 5001)
    area.press("Control+Enter")
    settle(page, timeout=60)
    text = main_text(page)
    assert "5,001 characters" in text and "at most 5,000" in text
    assert page.locator(EXCEPTION).count() == 0


def test_a_narrow_window_shows_the_opening_unit_in_the_unit_input(browser, page, app_url):
    # A narrow window without a phone's User-Agent: the width probe reruns the first run (ui/screen.py),
    # after which an input whose value came only through the session state showed 0 beside "Unit 69".
    # It shows once the server has read the preset before (a fast first run): a desktop page reads it first.
    open_page(page, url(app_url, "Read_text", "model=python_chars"))
    unit = int(rank_units(MODEL.read(PRESET), code_features(PRESET)["in_string"].to_numpy()).iloc[0].unit)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        narrow = context.new_page()
        open_page(narrow, url(app_url, "Read_text", "model=python_chars"))
        box = narrow.locator('[data-testid="stNumberInput"]').filter(has_text="Unit (0 to")
        assert box.locator("input").input_value() == str(unit)
        assert narrow.locator("h3").first.inner_text().startswith(f"Unit {unit},")
    finally:
        context.close()


# The x of the next-character guesses (their probabilities), typed arrays as lists
_GUESSES_JS = """() => {
    const gd = [...document.querySelectorAll('.js-plotly-plot')]
        .find(g => ((g.layout.title || {}).text || '').includes('Next-character guesses'));
    return Array.from(gd.data[0].x);
}"""


def test_keys_and_a_clicker_step_through_the_text(page, app_url):
    open_page(page, url(app_url, "Read_text", "model=python_chars"))
    page.locator("h1").first.click()  # keys go to the page itself
    reading = MODEL.read(PRESET)
    for key, t in (
        ("ArrowRight", 1),
        ("PageDown", 2),
        ("PageDown", 3),
        ("PageUp", 2),
        ("End", len(PRESET) - 1),
    ):
        page.keyboard.press(key)  # the step is the page's own, not the link's t
        assert shown_step(page) == (t, len(PRESET))
        expected = [p for _, p in reading.top_guesses(t, 5)]
        page.wait_for_function(
            f"() => {{ const x = ({_GUESSES_JS})(); return Math.abs(x[0] - {expected[0]!r}) < 1e-12; }}",
            timeout=15_000,
        )
        np.testing.assert_allclose(page.evaluate(_GUESSES_JS), expected, rtol=1e-12)
    assert page.locator(EXCEPTION).count() == 0
