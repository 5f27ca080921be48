"""A sample of the bad-input corpus (tests/bad_inputs/cases.toml) through the real widgets in Chromium.

Each test gives a good input first, then the bad one through the same widget a learner uses (file
chooser, text box, address bar), and reads the page: the message names the problem and the limit, no
exception or traceback, no NaN/inf in the page text or in the figure, and the home figure still holds
the good input's numbers. A screenshot of every message is saved for a person to look at (folder:
$BAD_INPUT_SHOTS, default <tmp>/lstm-gate-lab-bad-inputs).
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from urllib.parse import urlencode

import numpy as np
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from lstm_core import LSTM
from lstm_core.sequences import make_preset, parse_csv, parse_numbers
from tests.bad_inputs import build
from tests.bad_inputs.corpus import CASES, Case
from tests.browser.helpers import settle
from tests.browser.test_pages import EXCEPTION, SETTLE_TIMEOUT, open_page, sidebar_text, url
from tests.plotly_data import decode
from ui.loaded import UPLOAD_LABEL, read_upload

SIDEBAR = '[data-testid="stSidebar"]'
ERROR = f'{SIDEBAR} [data-testid="stAlertContentError"]'
SAMPLE = (
    "csv-non-numeric-cell",
    "csv-100000-rows",
    "csv-unclosed-quote-mid-file",
    "weights-pickle-renamed-npz",
    "weights-json-nested-100000-deep",
    "weights-wrong-shape",
    "url-script-preset",
    "typed-bell-control-character",
    "typed-too-long-174000-characters",
)
NOT_A_NUMBER = re.compile(r"\b(nan|inf|infinity|undefined)\b", re.IGNORECASE)
SHOTS = Path(os.environ.get("BAD_INPUT_SHOTS", Path(tempfile.gettempdir()) / "lstm-gate-lab-bad-inputs"))

# The home figure's traces as the page holds them (Plotly typed arrays stay {dtype, bdata, shape}).
_FIGURE_JS = """() => document.querySelector('.js-plotly-plot').data.map(t => ({x: t.x, y: t.y, z: t.z}))"""


def case(case_id: str) -> Case:
    return next(c for c in CASES if c.id == case_id)


# ---------------------------------------------------------------------------------------- widgets


def choose_source(page, label: str) -> None:
    """Pick the sidebar's input source; a click that lands while React redraws the group is dropped,
    so click until the radio reads as checked."""
    radio = page.locator(SIDEBAR).get_by_role("radio", name=label, exact=True)
    for _ in range(5):
        page.locator(SIDEBAR).get_by_text(label, exact=True).click()
        try:
            page.wait_for_function("(el) => el.checked", arg=radio.element_handle(), timeout=3_000)
            settle(page, timeout=SETTLE_TIMEOUT)
            return
        except PlaywrightTimeout:
            settle(page, timeout=SETTLE_TIMEOUT)
    raise AssertionError(f"the {label!r} radio never became checked")


def upload(page, uploader: str, name: str, data: bytes) -> None:
    chooser = page.locator(f'{SIDEBAR} [data-testid="stFileUploader"]', has_text=uploader)
    chooser.locator('input[type="file"]').set_input_files(
        files=[{"name": name, "mimeType": "application/octet-stream", "buffer": data}]
    )


# A paste: the whole text arrives in one input event (Playwright's fill() of 174,000 characters takes
# longer than a test should wait, as Chromium inserts it like typed text).
_PASTE_JS = """([box, text]) => {
    Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set.call(box, text);
    box.dispatchEvent(new Event('input', {bubbles: true}));
}"""


def type_numbers(page, text: str) -> None:
    box = page.locator(SIDEBAR).get_by_role("textbox", name=re.compile("^Numbers"))
    if len(text) > 10_000:
        page.evaluate(_PASTE_JS, [box.element_handle(), text])
    else:
        box.fill(text)
    page.locator(SIDEBAR).get_by_role("button", name="Use these numbers").click()


def wait_for_sidebar(page, text: str) -> None:
    page.locator(SIDEBAR).get_by_text(text, exact=False).first.wait_for(timeout=SETTLE_TIMEOUT * 1000)
    settle(page, timeout=SETTLE_TIMEOUT)


def error_after(page, act) -> str:
    """Do ``act`` and return the sidebar error it leads to (the one there before must go first)."""
    old = page.locator(ERROR).all_inner_texts()
    act()
    page.wait_for_function(
        "([sel, old]) => { const e = [...document.querySelectorAll(sel)].map(n => n.innerText);"
        " return e.length > 0 && JSON.stringify(e) !== JSON.stringify(old); }",
        arg=[ERROR, old],
        timeout=SETTLE_TIMEOUT * 1000,
        polling=100,
    )
    settle(page, timeout=SETTLE_TIMEOUT)
    return " ".join(page.locator(ERROR).all_inner_texts())


# ---------------------------------------------------------------------------------------- checks


def c_of(x: np.ndarray, hidden: int = 4, seed: int = 0) -> np.ndarray:
    return LSTM.random(x.shape[1], hidden, 1, seed=seed).run(x).layers[0].c.T


def assert_page(page, expected_z: np.ndarray, quoted: str = "") -> None:
    """No exception or traceback; no NaN/inf in the page text outside the error that quotes the input;
    the figure shows ``expected_z`` (H, T) and only finite numbers."""
    assert page.locator(EXCEPTION).count() == 0, page.locator(EXCEPTION).first.inner_text()
    body = page.locator("body").inner_text()
    assert "Traceback" not in body
    calm = body.replace(quoted, "")
    assert not NOT_A_NUMBER.search(calm), NOT_A_NUMBER.search(calm)
    traces = page.evaluate(_FIGURE_JS)
    for trace in traces:
        for values in trace.values():
            numbers = _numbers(values)
            assert np.isfinite(numbers).all(), numbers
    np.testing.assert_allclose(decode(traces[0]["z"]), expected_z, atol=1e-12)


def _numbers(values) -> np.ndarray:
    """The numbers among a trace attribute's values (typed array or nested lists; labels and gaps left
    out, since a NaN sent from Python would arrive as null, the z check above catches that one)."""
    if isinstance(values, dict):
        return decode(values).ravel()
    flat = np.ravel(np.asarray(values if values is not None else [], dtype=object))
    return np.array([v for v in flat if isinstance(v, int | float)], dtype=float)


def assert_message(message: str, c: Case, previous: str) -> None:
    for words in c.expect:
        assert words in message, f"{c.id}: {words!r} not in {message!r}"
    assert previous in message, message


def shoot(page, c: Case) -> None:
    """The window with the message in view (the sidebar scrolls on its own, so a full-page shot would
    miss a message at its bottom)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    messages = page.locator(f'{ERROR}, [data-testid="stMain"] [data-testid="stAlert"]')
    messages.first.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"{c.id}.png"))


# ---------------------------------------------------------------------------------------- the sample


@pytest.mark.parametrize("case_id", [i for i in SAMPLE if i.startswith("csv-")])
def test_a_bad_csv_in_the_browser(app_url, page, case_id):
    c = case(case_id)
    open_page(page, url(app_url))
    choose_source(page, "CSV upload")
    upload(page, "CSV file", "good.csv", build.GOOD_CSV.encode())
    caption = "Uploaded good.csv: 3 steps × 2 feature(s)."
    wait_for_sidebar(page, caption)
    good = c_of(parse_csv(build.GOOD_CSV)[0])
    assert_page(page, good)

    message = error_after(page, lambda: upload(page, "CSV file", c.filename, c.data()))
    assert_message(message, c, "The previous sequence is still in use.")
    assert caption in sidebar_text(page)
    assert_page(page, good, quoted=message)
    shoot(page, c)


@pytest.mark.parametrize("case_id", [i for i in SAMPLE if i.startswith("typed-")])
def test_bad_typed_numbers_in_the_browser(app_url, page, case_id):
    c = case(case_id)
    open_page(page, url(app_url))
    choose_source(page, "Typed numbers")
    type_numbers(page, build.GOOD_TYPED)
    caption = "Typed numbers: 4 steps × 2 feature(s)."
    wait_for_sidebar(page, caption)
    good = c_of(parse_numbers(build.GOOD_TYPED))
    assert_page(page, good)

    message = error_after(page, lambda: type_numbers(page, c.data()))
    assert_message(message, c, "The previous sequence is still in use.")
    assert caption in sidebar_text(page)
    assert_page(page, good, quoted=message)
    shoot(page, c)


@pytest.mark.parametrize("case_id", [i for i in SAMPLE if i.startswith("weights-")])
def test_a_bad_weight_file_in_the_browser(app_url, page, case_id):
    c = case(case_id)
    open_page(page, url(app_url))
    page.locator(SIDEBAR).get_by_text("Load weights", exact=True).click()
    upload(page, UPLOAD_LABEL, build.GOOD_WEIGHTS.name, build.GOOD_WEIGHTS.read_bytes())
    settle(page, timeout=SETTLE_TIMEOUT)
    # The panel loads the file after the run's settings were read; any rerun (here: the seed, which
    # loaded weights do not use) shows it.
    seed = page.locator(SIDEBAR).get_by_role("spinbutton", name="Seed")
    seed.fill("1")
    seed.press("Enter")
    summary = "Using pytorch_export.safetensors: standard, 1 layer(s) × 4 units, 2 input feature(s)."
    wait_for_sidebar(page, summary)
    net = read_upload(build.GOOD_WEIGHTS.name, build.GOOD_WEIGHTS.read_bytes())
    good = net.run(make_preset("sine", 20, 0).x).layers[0].c.T
    assert_page(page, good)

    message = error_after(page, lambda: upload(page, UPLOAD_LABEL, c.filename, c.data()))
    assert message.startswith(f"{c.filename} was not loaded: "), message
    assert_message(message, c, "The previous loaded weights are still in use.")
    assert summary in sidebar_text(page)
    assert_page(page, good, quoted=message)
    shoot(page, c)


@pytest.mark.parametrize("case_id", [i for i in SAMPLE if i.startswith("url-")])
def test_a_bad_link_in_the_browser(app_url, page, case_id):
    c = case(case_id)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_page(page, url(app_url, "", urlencode({"hidden": "6", "seed": "3", **c.query})))
    notices = " ".join(page.locator('[data-testid="stMain"] [data-testid="stAlert"]').all_inner_texts())
    for words in c.expect:
        assert words in notices, f"{words!r} not in {notices!r}"
    assert not dialogs
    html = page.content()
    for value in c.query.values():
        assert value not in html, f"the link's {value!r} reached the page"
    # The good parameters hold (6 units, seed 3); the bad preset fell back to the sine waves.
    assert_page(page, c_of(make_preset("sine", 20, 0).x, hidden=6, seed=3))
    shoot(page, c)
