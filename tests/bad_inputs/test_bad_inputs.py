"""Every case of the bad-input corpus, fed through the sidebar of the real home page (AppTest).

Each test first gives a good input (a CSV, typed numbers, a weight file, or a link with hidden=6 and
seed=3), then the bad one, and checks what the learner sees: a message that names the problem and the
limit or what is allowed, no exception or traceback, no NaN or inf anywhere on the page, and the good
input's view (its caption, and the numbers in the home figure) still there.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lstm_core import LSTM
from lstm_core.sequences import make_preset, parse_csv, parse_numbers
from tests.app.pages import ROOT
from tests.bad_inputs import build
from tests.bad_inputs.corpus import CASES, HERE, Case, of_kind, shown
from tests.plotly_data import chart_specs, decode
from ui.loaded import read_upload
from ui.state import RULES, ViewState

TEXT_ELEMENTS = (
    "title", "header", "subheader", "markdown", "caption", "latex", "text", "code",
    "error", "warning", "info", "success", "exception",
)  # fmt: skip
NOT_A_NUMBER = re.compile(r"\b(nan|inf|infinity|undefined)\b", re.IGNORECASE)


# ---------------------------------------------------------------------------------------- the page


def home(**query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for name, value in query.items():
        at.query_params[name] = value
    return at.run()


def texts(at: AppTest, kinds=TEXT_ELEMENTS) -> list[str]:
    """Every text element the run drew, as it reads on the page."""
    return [shown(str(e.value)) for kind in kinds for e in at.get(kind)]


def sidebar_errors(at: AppTest) -> str:
    return " ".join(shown(e.value) for e in at.sidebar.error)


def memory_z(at: AppTest) -> np.ndarray:
    """The home figure's c heatmap: (H, T), one row per unit, one column per step."""
    return decode(chart_specs(at)[0]["data"][0]["z"])


def assert_healthy(at: AppTest) -> None:
    """No exception, no traceback, no NaN/inf in any text but the messages quoting the input, and only
    finite numbers in every figure."""
    assert not at.exception, [e.value for e in at.exception]
    everything = " ".join(texts(at))
    assert "Traceback" not in everything
    calm = " ".join(texts(at, tuple(k for k in TEXT_ELEMENTS if k != "error")))
    assert not NOT_A_NUMBER.search(calm), NOT_A_NUMBER.search(calm)
    for spec in chart_specs(at):
        for trace in spec["data"]:
            for axis in ("x", "y", "z"):
                if isinstance(trace.get(axis), dict) or _numeric(trace.get(axis)):
                    assert np.isfinite(decode(trace[axis])).all(), (trace.get("name"), axis)


def _numeric(values) -> bool:
    flat = np.ravel(np.asarray(values, dtype=object)) if values is not None else []
    return len(flat) > 0 and all(isinstance(v, int | float) for v in flat)


def assert_message(message: str, case: Case, previous: str) -> None:
    for words in case.expect:
        assert words in message, f"{case.id}: {words!r} not in the message {message!r}"
    assert previous in message, f"{case.id}: the message does not say the previous input stays"


# ---------------------------------------------------------------------------------------- sequences


def c_of(x: np.ndarray, hidden: int = 4, seed: int = 0) -> np.ndarray:
    """(H, T) the c the home figure must show for random weights on x."""
    return LSTM.random(x.shape[1], hidden, 1, seed=seed).run(x).layers[0].c.T


def upload_csv(at: AppTest, name: str, data: bytes) -> None:
    at.sidebar.file_uploader(key="csv_upload").set_value((name, data, "text/csv")).run()


def type_numbers(at: AppTest, text: str) -> None:
    at.sidebar.text_area(key="typed_text").input(text)
    next(b for b in at.sidebar.button if b.label == "Use these numbers").click().run()


@pytest.mark.parametrize("case", of_kind("csv"), ids=str)
def test_a_bad_csv_is_refused_and_the_good_one_stays(case: Case):
    at = home()
    at.sidebar.radio(key="w_source").set_value("csv").run()
    upload_csv(at, "good.csv", build.GOOD_CSV.encode())
    good_x, _ = parse_csv(build.GOOD_CSV)
    caption = "Uploaded good.csv: 3 steps × 2 feature(s)."
    assert caption in texts(at, ("caption",))
    np.testing.assert_allclose(memory_z(at), c_of(good_x), atol=1e-12)

    upload_csv(at, case.filename, case.data())
    assert_message(sidebar_errors(at), case, "The previous sequence is still in use.")
    assert caption in texts(at, ("caption",))
    np.testing.assert_allclose(memory_z(at), c_of(good_x), atol=1e-12)
    assert_healthy(at)


@pytest.mark.parametrize("case", of_kind("typed"), ids=str)
def test_bad_typed_numbers_are_refused_and_the_good_ones_stay(case: Case):
    at = home()
    at.sidebar.radio(key="w_source").set_value("typed").run()
    type_numbers(at, build.GOOD_TYPED)
    good_x = parse_numbers(build.GOOD_TYPED)
    caption = "Typed numbers: 4 steps × 2 feature(s)."
    assert caption in texts(at, ("caption",))
    np.testing.assert_allclose(memory_z(at), c_of(good_x), atol=1e-12)

    type_numbers(at, case.data())
    assert_message(sidebar_errors(at), case, "The previous sequence is still in use.")
    assert caption in texts(at, ("caption",))
    np.testing.assert_allclose(memory_z(at), c_of(good_x), atol=1e-12)
    assert_healthy(at)


def test_a_sequence_error_belongs_to_its_input():
    """After a bad CSV, switching to a preset shows the preset and no stale message about the CSV."""
    at = home()
    at.sidebar.radio(key="w_source").set_value("csv").run()
    upload_csv(at, "bad.csv", b"a,b\n1,x\n")
    assert "'x' is not a number" in sidebar_errors(at)
    at.sidebar.radio(key="w_source").set_value("preset").run()
    assert not at.sidebar.error
    np.testing.assert_allclose(memory_z(at), c_of(make_preset("sine", 20, 0).x), atol=1e-12)
    at.sidebar.radio(key="w_source").set_value("csv").run()
    assert "'x' is not a number" in sidebar_errors(at)  # the bad file is still in the uploader


# ---------------------------------------------------------------------------------------- weight files


def upload_weights(at: AppTest, name: str, data: bytes) -> None:
    at.sidebar.file_uploader(key="weights_upload").set_value((name, data, "application/octet-stream"))
    # The panel loads the file after this run's settings were read: the next run uses it.
    at.run().run()


@pytest.mark.parametrize("case", of_kind("weights"), ids=str)
def test_a_bad_weight_file_is_refused_and_the_good_one_stays(case: Case):
    at = home()
    upload_weights(at, build.GOOD_WEIGHTS.name, build.GOOD_WEIGHTS.read_bytes())
    good = read_upload(build.GOOD_WEIGHTS.name, build.GOOD_WEIGHTS.read_bytes())
    expected = good.run(make_preset("sine", 20, 0).x).layers[0].c.T  # (4, 20)
    summary = "Using pytorch_export.safetensors: standard, 1 layer(s) × 4 units, 2 input feature(s)."
    assert texts(at, ("success",)) == [summary.replace("Using ", "Using **").replace(":", "**:", 1)]
    np.testing.assert_allclose(memory_z(at), expected, atol=1e-12)

    for widget, value in (("weights_layout", case.layout), ("weights_variant", case.variant)):
        at.sidebar.selectbox(key=widget).set_value(value)
    upload_weights(at, case.filename, case.data())
    message = sidebar_errors(at)
    assert message.startswith(f"{case.filename} was not loaded: ")
    assert_message(message, case, "The previous loaded weights are still in use.")
    assert at.session_state["loaded_net"].label == build.GOOD_WEIGHTS.name
    assert len(texts(at, ("success",))) == 1 and "pytorch_export.safetensors" in texts(at, ("success",))[0]
    np.testing.assert_allclose(memory_z(at), expected, atol=1e-12)
    assert_healthy(at)


MARKDOWN_NAME = "1. **b** [l](u) :red[r] $x$ <i>i</i> a_b_-c"


def test_a_file_name_with_markdown_is_shown_as_named():
    """File names reach Markdown (the messages, the loaded-weights summary, the sequence caption): they
    are escaped, so the page shows them as named, not as a list, bold, a link, colour or LaTeX."""
    at = home()
    upload_weights(at, f"{MARKDOWN_NAME}.npz", b"not a zip")
    (error,) = at.sidebar.error
    assert shown(error.value).startswith(f"{MARKDOWN_NAME}.npz was not loaded: ")
    assert error.value.startswith("1\\. \\*\\*b\\*\\* \\[l\\](u) \\:red\\[r\\] \\$x\\$ \\<i\\>")
    at.sidebar.radio(key="w_source").set_value("csv").run()
    upload_csv(at, f"{MARKDOWN_NAME}.csv", build.GOOD_CSV.encode())
    captions = texts(at, ("caption",))
    cut = f"{MARKDOWN_NAME}.csv"[:40]  # the caption keeps 40 characters of a name
    assert f"Uploaded {cut}: 3 steps × 2 feature(s)." in captions, captions


# ---------------------------------------------------------------------------------------- links

GOOD_LINK = {"hidden": "6", "seed": "3"}


@pytest.mark.parametrize("case", of_kind("url"), ids=str)
def test_a_bad_link_parameter_falls_back_with_a_notice(case: Case):
    at = home(**(GOOD_LINK | case.query))
    notices = " ".join(texts(at, ("warning",)))
    for words in case.expect:
        assert words in notices, f"{case.id}: {words!r} not in {notices!r}"
    # The good parameters of the same link hold; each bad one is back at its default.
    defaults = ViewState()
    expected = {k: int(v) for k, v in GOOD_LINK.items()}
    expected |= {k: getattr(defaults, k) for k in case.query if k in RULES}
    view = at.session_state["view"]
    assert {k: getattr(view, k) for k in expected} == expected
    assert view.layer < view.layers
    np.testing.assert_allclose(
        memory_z(at), c_of(make_preset("sine", 20, 0).x, expected["hidden"], expected["seed"]), atol=1e-12
    )
    # The raw value never reaches the page: it could be markup or script.
    page = " ".join(texts(at))
    for value in case.query.values():
        assert len(value) < 4 or value not in page, value
    assert_healthy(at)


# ---------------------------------------------------------------------------------------- the corpus


def test_the_corpus_covers_every_kind_with_at_least_40_cases():
    counts = {kind: len(of_kind(kind)) for kind in ("csv", "weights", "url", "typed")}
    assert sum(counts.values()) == len(CASES) >= 40
    assert min(counts.values()) >= 5, counts
    assert len({c.id for c in CASES}) == len(CASES), "case ids must be unique"


def test_the_committed_files_are_what_build_makes():
    """Every file a case names exists; non-zip files are byte for byte what build.py writes (zip
    archives carry their time of writing)."""
    for case in CASES:
        assert case.file is None or (HERE / case.file).is_file(), case.file
        assert case.generate is None or case.generate in build.GENERATED, case.generate
    for name, make in build.COMMITTED.items():
        if not name.endswith(".npz"):
            assert (HERE / name).read_bytes() == make(), name
