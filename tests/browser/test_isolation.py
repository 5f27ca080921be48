"""Two learners on one server at the same time: each sees only their own settings, input, weights and plot.

Two Playwright contexts of one Chromium are two Streamlit sessions (separate cookies, separate
websockets). Their actions are interleaved, with both pages' runs in flight together, and after every
round each page is checked against the numbers its own settings give when the core runs them directly:
sidebar values, the sequence caption, the loaded-weights summary, "Step t of T", and the stepping figure's
bars and input lines read out of the Plotly graph in the page (``gd.data``). Between the checks, a script
in each page watches every DOM change for text only the other learner's page can hold (their caption,
file and feature names, figure title), so a leak that is redrawn away before a check is caught too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from lstm_core import LSTM, VARIANTS, Trace
from lstm_core import weights as weight_files
from lstm_core.sequences import parse_csv, parse_numbers
from tests.browser.conftest import VIEWPORT
from tests.browser.helpers import settle
from tests.browser.test_deep_links import SIDEBAR, hidden_slider, vocabulary_radio
from tests.browser.test_pages import (
    SETTLE_TIMEOUT,
    STEP_PAGE,
    assert_healthy,
    click_button,
    query,
    shown_step,
    sidebar_text,
    url,
    wait_for_drawn_plots,
    wait_for_step,
)
from tests.plotly_data import decode
from ui import notation
from ui.loaded import UPLOAD_LABEL

ROOT = Path(__file__).resolve().parents[2]
WEIGHTS = ROOT / "assets" / "weights" / "pytorch_export.safetensors"  # nn.LSTM(2, 4)

# A: Udacity cell and words, 8 units, an uploaded 3-column CSV of 15 steps.
CSV_NAME = "classroom_a.csv"
CSV = "a_alpha,a_beta,a_gamma\n" + "\n".join(
    f"{np.sin(0.7 * t):.6f},{np.cos(0.3 * t):.6f},{(t % 4) / 3 - 0.5:.6f}" for t in range(15)
)
# B: standard cell, 3 units, 6 typed steps of 2 features; later the 2-feature weight file.
TYPED = "0.5, 1\n0, -1\n1, 0\n-0.25, 0.75\n0.9, -0.4\n0, 0"

# Every number in every plot, typed arrays as lists, with each trace's meta (its role in the figure).
_FIGURE_JS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')].map(
    gd => JSON.parse(JSON.stringify(gd.data || [], (k, v) => (ArrayBuffer.isView(v) ? Array.from(v) : v))))"""


@dataclass
class Learner:
    """One browser context's page and what it should show."""

    name: str
    page: object
    variant: str
    vocabulary: str
    hidden: int
    x: np.ndarray  # (T, I) the sequence the page should run on
    caption: str  # the sequence caption's start, e.g. "Typed numbers: 6 steps × 2 feature(s)"
    weights: dict[str, np.ndarray] | None = None  # the loaded file's weights, when one is loaded
    t: int = 0
    seed: int = 0

    def trace(self) -> Trace:
        """What the core computes for this learner's settings (one layer)."""
        if self.weights is not None:
            return LSTM.from_weights(self.weights, layout="torch", variant=self.variant).run(self.x)
        net = LSTM.random(
            input_size=self.x.shape[1],
            hidden_size=self.hidden,
            num_layers=1,
            variant=self.variant,
            seed=self.seed,
        )
        return net.run(self.x)


def _roles(page) -> dict[str, list]:
    """The stepping figure's traces by their meta role ("c", "h", "input", ...), each a list of y arrays
    (plain lists or Plotly's base64 typed arrays, as the page holds them)."""
    figures = page.evaluate(_FIGURE_JS)
    assert len(figures) == 1, f"expected one stepping figure, found {len(figures)}"
    out: dict[str, list] = {}
    for tr in figures[0]:
        role = (tr.get("meta") or {}).get("role")
        if role and "y" in tr:
            out.setdefault(role, []).append(decode(tr["y"]))
    return out


def check(me: Learner, other: Learner) -> None:
    """Everything on ``me``'s page is ``me``'s, and nothing of ``other``'s leaked in."""
    page = me.page
    assert_healthy(page)
    # The sidebar.
    assert variant_shown(page) == me.variant, me.name
    assert vocabulary_radio(page, me.vocabulary).is_checked(), me.name
    assert hidden_slider(page).input_value() == str(me.hidden), me.name
    side = sidebar_text(page)
    assert me.caption in side, f"{me.name}: no {me.caption!r} in the sidebar:\n{side}"
    assert other.caption not in side, f"{me.name} shows {other.name}'s sequence caption"
    summary = f"Using {WEIGHTS.name}"
    if me.weights is not None:
        assert f"{summary}: standard, 1 layer(s) × 4 units, 2 input feature(s)" in side, side
    else:
        assert summary not in side, f"{me.name} shows {other.name}'s loaded weights:\n{side}"
    assert notation.variant_title(me.variant, me.vocabulary) in side, me.name
    # The step and the link.
    T = me.x.shape[0]
    assert shown_step(page) == (me.t, T), me.name
    link = query(page)
    assert (
        link.get("variant", "standard") == me.variant and link.get("vocabulary", "standard") == me.vocabulary
    )
    assert link.get("hidden", "4") == str(me.hidden) and link.get("t", "0") == str(me.t), (me.name, link)
    assert link.get("seed", "0") == str(me.seed), (me.name, link)
    # The figure's numbers: this learner's trace at this learner's step, not the other's.
    lt = me.trace().layers[0]
    roles = _roles(page)
    assert len(roles["input"]) == me.x.shape[1], f"{me.name}: {len(roles['input'])} input lines"
    for j, y in enumerate(roles["input"]):
        np.testing.assert_allclose(y, me.x[:, j], atol=1e-12, err_msg=f"{me.name}: input feature {j}")
    for key in ("c", "h"):
        (bar,) = roles[key]
        np.testing.assert_allclose(bar, getattr(lt, key)[me.t], atol=1e-12, err_msg=f"{me.name}: {key}")
    leaks = page.evaluate("window.__leaks")
    assert leaks == [], f"{me.name}'s page showed {other.name}'s text at some point: {leaks}"


def _watch_for(forbidden: list[str]) -> str:
    """An init script: every 50 ms after a DOM change, note any of ``forbidden`` in the page's text
    (sidebar, main area and the plots' SVG text), so a leak that is later redrawn away is still caught."""
    return f"""(() => {{
        const forbidden = {json.dumps(forbidden)};
        window.__leaks = [];
        let dirty = true;
        const look = () => {{
            if (!dirty || !document.body) return;
            dirty = false;
            const text = document.body.textContent;
            for (const f of forbidden) {{
                if (text.includes(f) && !window.__leaks.includes(f)) window.__leaks.push(f);
            }}
        }};
        new MutationObserver(() => {{ dirty = true; }}).observe(document, {{
            subtree: true, childList: true, characterData: true}});
        setInterval(look, 50);
    }})();"""


def variant_shown(page) -> str:
    """The variant the sidebar's own Variant box shows (the first one: the Load weights panel has a
    Variant box of its own, "detect" by default)."""
    shown = page.locator(SIDEBAR).get_by_role("combobox", name="Variant", exact=True).first.input_value()
    matches = [v for v in VARIANTS if v in shown]
    assert len(matches) == 1, f"the Variant box shows {shown!r}"
    return matches[0]


def _choose(page, label: str) -> None:
    """Pick a sidebar radio option by clicking its label, until the radio reads as checked (a click that
    lands while React redraws the group is dropped)."""
    radio = page.locator(SIDEBAR).get_by_role("radio", name=label, exact=True)
    for _ in range(5):
        page.locator(SIDEBAR).get_by_text(label, exact=True).click()
        try:
            page.wait_for_function("(el) => el.checked", arg=radio.element_handle(), timeout=3_000)
            return
        except PlaywrightTimeout:
            settle(page, timeout=SETTLE_TIMEOUT)
    raise AssertionError(f"the {label!r} radio never became checked")


def _uploader(page, label: str):
    return page.locator(f'{SIDEBAR} [data-testid="stFileUploader"]', has_text=label).locator(
        'input[type="file"]'
    )


def _upload_weights(page) -> None:
    """Open the sidebar's Load weights panel and upload the example PyTorch export."""
    page.locator(SIDEBAR).get_by_text("Load weights", exact=True).click()
    _uploader(page, UPLOAD_LABEL).set_input_files(str(WEIGHTS))


def _set_seed(page, seed: int) -> None:
    """Type a seed into the sidebar (a full rerun of the page's script)."""
    box = page.locator(SIDEBAR).get_by_role("spinbutton", name="Seed")
    box.fill(str(seed))
    box.press("Enter")


def _step(page, label: str) -> None:
    click_button(page, label)  # the step player's button


def _wait_caption(page, text: str, timeout: float = SETTLE_TIMEOUT) -> None:
    page.locator(SIDEBAR).get_by_text(text, exact=False).first.wait_for(timeout=timeout * 1000)


def _ready(*learners: Learner) -> None:
    for me in learners:
        settle(me.page, timeout=SETTLE_TIMEOUT)
        wait_for_drawn_plots(me.page)


# Text only the other learner's page can hold: their sequence caption and figure title, their feature
# names, their file names.
A_ONLY = [CSV_NAME, "a_alpha", "15 steps × 8 units"]
B_ONLY = ["Typed numbers: 6 steps", f"Using {WEIGHTS.name}", "6 steps × 3 units", "6 steps × 4 units"]


@pytest.fixture
def two_pages(browser):
    """A's and B's pages, in two contexts of one Chromium (two Streamlit sessions), each watching for
    the other's text."""
    contexts = [browser.new_context(viewport=VIEWPORT) for _ in range(2)]
    try:
        pages = []
        for context, forbidden in zip(contexts, (B_ONLY, A_ONLY), strict=True):
            context.add_init_script(_watch_for(forbidden))
            pages.append(context.new_page())
            pages[-1].set_default_timeout(15_000)
        yield pages
    finally:
        for c in contexts:
            c.close()


def test_two_sessions_at_once_never_see_each_others_state(app_url, two_pages):
    page_a, page_b = two_pages
    x_a, _ = parse_csv(CSV)
    x_b = parse_numbers(TYPED)
    wf = weight_files.loads(WEIGHTS.read_bytes(), weight_files.format_of(WEIGHTS.name))
    a = Learner("A", page_a, "udacity", "udacity", 8, x_a, f"Uploaded {CSV_NAME}: 15 steps × 3 feature(s)")
    b = Learner("B", page_b, "standard", "standard", 3, x_b, "Typed numbers: 6 steps × 2 feature(s)")

    # Round 1: both open their links (the runs overlap), then both switch to a custom input together.
    page_a.goto(url(app_url, STEP_PAGE, "variant=udacity&vocabulary=udacity&hidden=8"))
    page_b.goto(url(app_url, STEP_PAGE, "hidden=3"))
    _ready(a, b)
    _choose(page_a, "CSV upload")
    _choose(page_b, "Typed numbers")
    _ready(a, b)
    _uploader(page_a, "CSV file").set_input_files(
        files=[{"name": CSV_NAME, "mimeType": "text/csv", "buffer": CSV.encode()}]
    )
    page_b.locator(SIDEBAR).get_by_role("textbox").fill(TYPED)
    page_b.locator(SIDEBAR).get_by_role("button", name="Use these numbers").click()
    _wait_caption(page_a, a.caption)
    _wait_caption(page_b, b.caption)
    _ready(a, b)
    check(a, b)
    check(b, a)

    # Round 2: B loads a weight file and sets seed 5 while A steps forward twice.
    _upload_weights(page_b)
    for a.t in (1, 2):
        _step(page_a, "Next step")
        wait_for_step(page_a, a.t)
    settle(page_b, timeout=SETTLE_TIMEOUT)
    _set_seed(page_b, 5)
    b.seed = 5
    _wait_caption(page_b, f"Using {WEIGHTS.name}")
    b.weights, b.hidden = wf.weights, 4  # the file fixes the architecture: nn.LSTM(2, 4)
    _ready(a, b)
    check(a, b)
    check(b, a)

    # Round 3: A's whole script reruns (a new seed) after B loaded its file, while B steps; then both step
    # at once. (Next step reruns only the page's fragment, not the sidebar: without a full rerun on A,
    # a leak of B's loaded weights into A's session could not show.)
    _set_seed(page_a, 2)
    a.seed = 2
    _step(page_b, "Next step")
    wait_for_step(page_b, 1)
    settle(page_a, timeout=SETTLE_TIMEOUT)
    page_a.wait_for_url("**seed=2**")
    _step(page_b, "Next step")
    _step(page_a, "Previous step")
    wait_for_step(page_b, 2)
    wait_for_step(page_a, 1)
    _step(page_b, "Next step")
    a.t, b.t = 1, 3
    wait_for_step(page_b, b.t)
    _ready(a, b)
    check(a, b)
    check(b, a)


def test_an_uploaded_weight_file_takes_effect_at_once(app_url, page):
    page.set_default_timeout(15_000)
    page.goto(url(app_url, STEP_PAGE, "hidden=3"))
    settle(page, timeout=SETTLE_TIMEOUT)
    _upload_weights(page)
    settle(page, timeout=SETTLE_TIMEOUT)
    _wait_caption(page, f"Using {WEIGHTS.name}", timeout=10)
    assert hidden_slider(page).input_value() == "4"
