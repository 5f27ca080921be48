"""Cell anatomy's diagram in Chromium at a desktop's 1400×1000, a projector's 1280×720 (presenter mode) and a
phone's 390×844: the numbers printed on its wires are the trace's, no two of its text boxes overlap, none is
cut off, presenter mode's smallest diagram text is at least 18 px, and there the step player and the whole
diagram fit the screen together. The same checks run for the LSTM variants and for the GRU and plain RNN,
in both vocabularies, with every unit's number printed and with the chosen unit's value in the labels.

Text boxes are the bounding boxes of the SVG ``<text>`` elements Plotly draws (cell numbers, labels, box
captions, colour bars, the title); a label's subscripts are tspans inside its text and count with it.
"""

from __future__ import annotations

import itertools
import re

import pytest

from tests.browser.test_pages import PLAYER_IFRAME, open_page, url

PAGE = "Cell_anatomy"
SIZES = {
    "desktop": dict(viewport={"width": 1400, "height": 1000}),
    "presenter": dict(viewport={"width": 1280, "height": 720}),
    "phone": dict(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2
    ),
}
# What each size shows: the wide diagram, or on a narrow main column the phone's column of strips.
SHOWN = {"desktop": "anatomy_diagram", "presenter": "anatomy_diagram", "phone": "anatomy_phone"}

TEXTS_JS = """(sel) => {
    const chart = document.querySelector(sel);
    const gd = chart.querySelector('.js-plotly-plot');
    const box = gd.getBoundingClientRect();
    const texts = [];
    for (const el of gd.querySelectorAll('svg text')) {
        const text = el.textContent.replace(/\\s+/g, ' ').trim();
        const r = el.getBoundingClientRect();
        if (!text || r.width < 1 || r.height < 1) continue;
        texts.push({text, px: parseFloat(getComputedStyle(el).fontSize),
                    x0: r.left, y0: r.top, x1: r.right, y1: r.bottom});
    }
    const cells = gd.data.filter(d => d.type === 'heatmap').map(d => ({name: d.name, text: d.text, z: d.z}));
    return {visible: chart.offsetParent !== null, figure: [box.left, box.top, box.right, box.bottom],
            texts, cells, overflow: document.documentElement.scrollWidth - window.innerWidth};
}"""


def overlapping(texts: list[dict], tol: float = 0.5) -> list[tuple[str, str]]:
    def meet(a, b):
        return (
            a["x0"] < b["x1"] - tol
            and b["x0"] < a["x1"] - tol
            and a["y0"] < b["y1"] - tol
            and b["y0"] < a["y1"] - tol
        )

    return [(a["text"], b["text"]) for a, b in itertools.combinations(texts, 2) if meet(a, b)]


def drawn(browser, app_url, size: str, query: str) -> tuple[dict, object]:
    context = browser.new_context(**SIZES[size])
    page = context.new_page()
    query = "&".join(q for q in (query, "present=1" if size == "presenter" else "") if q)
    open_page(page, url(app_url, PAGE, query))
    sel = f".st-key-{SHOWN[size]}"
    page.wait_for_function(f"() => document.querySelector('{sel} .js-plotly-plot .annotation') !== null")
    page.wait_for_timeout(500)  # let Plotly finish placing its text
    return page.evaluate(TEXTS_JS, sel), (context, page)


# The GRU and RNN draw their own geometry (ui/figures/anatomy.py's _gru_figure, _rnn_figure): each in both
# vocabularies, with 2 units (numbers in the chips; the shortest strips, so labels beside them reach
# furthest in) and with 8 (unit 5's value in every label: the longest labels).
GRU_RNN = {
    f"{units} units {variant} {vocabulary}": f"hidden={units}&t=3&variant={variant}&vocabulary={vocabulary}"
    + ("&unit=5" if units == 8 else "")
    for variant in ("gru", "rnn")
    for vocabulary in ("standard", "udacity")
    for units in (2, 8)
}
QUERIES = {
    "2 units peephole": "hidden=2&t=4&variant=peephole",
    "4 units udacity": "hidden=4&t=3&variant=udacity&vocabulary=udacity",
    "8 units": "hidden=8&unit=5&t=2",
    **GRU_RNN,
}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("query", list(QUERIES.values()), ids=list(QUERIES))
def test_diagram_text_never_overlaps_and_is_large_on_a_projector(browser, app_url, size, query):
    shown, (context, page) = drawn(browser, app_url, size, query)
    try:
        assert shown["visible"], f"{SHOWN[size]} is hidden at {size}"
        other = ".st-key-" + ({"anatomy_diagram", "anatomy_phone"} - {SHOWN[size]}).pop()
        assert page.evaluate(f"() => document.querySelector('{other}').offsetParent === null")
        texts = shown["texts"]
        words = [t["text"] for t in texts]
        # The RNN draws three strips and one box; the gated cells at least their inputs, gates and states.
        assert len(words) > (6 if "variant=rnn" in query else 12), words
        assert any("step t = " in w for w in words), words  # the title
        assert any(re.fullmatch(r"values: −(\S+) … \1", w) for w in words), words  # ranges, ticks hidden
        assert ("gates: 0 shut … 1 open" in words) == ("variant=rnn" not in query), words
        assert overlapping(texts) == []
        fx0, fy0, fx1, fy1 = shown["figure"]
        cut = [t["text"] for t in texts if t["x0"] < fx0 - 1 or t["x1"] > fx1 + 1 or t["y0"] < fy0 - 1]
        assert cut == []
        assert shown["overflow"] <= 1  # no sideways scrolling, on a phone neither
        if size == "presenter":
            smallest = min(texts, key=lambda t: t["px"])
            assert smallest["px"] >= 18, smallest
            player = page.locator(PLAYER_IFRAME).bounding_box()
            assert player["y"] >= 0 and fy1 <= 720 + 1, (player, shown["figure"])  # both on the screen
    finally:
        context.close()


# The strips each cell's diagram draws (tests/figures/test_anatomy*.py check them against the trace).
STRIPS = {
    "standard": {"x", "h_prev", "c_prev", "f", "i", "g", "o", "kept", "written", "c", "u", "h"},
    "gru": {"x", "h_prev", "r", "z", "hn", "n", "kept", "written", "h"},
    "rnn": {"x", "h_prev", "h"},
}


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("variant", list(STRIPS))
def test_two_units_print_the_traces_numbers_in_the_browser(browser, app_url, size, variant):
    """What the browser holds for each cell: its value and the number printed, 2 decimals of it."""
    shown, (context, _page) = drawn(browser, app_url, size, f"hidden=2&t=5&variant={variant}")
    try:
        strips = {c["name"]: c for c in shown["cells"]}
        assert set(strips) == STRIPS[variant]
        for name, cell in strips.items():
            for row_z, row_text in zip(cell["z"], cell["text"], strict=True):
                for z, text in zip(row_z, row_text, strict=True):
                    if z is not None:
                        assert text == f"{z:.2f}".replace("-", "−").replace("−0.00", "0.00"), name
        on_screen = {t["text"] for t in shown["texts"]}
        assert all(text in on_screen for c in strips.values() for row in c["text"] for text in row if text)
    finally:
        context.close()
