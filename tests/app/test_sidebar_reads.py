"""Sidebar settings a page ignores are drawn disabled, with one caption saying why, and keep their values:
back on Step through time the view is the one the learner left (issue 12, item 8)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.pages import ROOT
from tests.app.test_train_page import train_steps

# Widget key -> (the AppTest accessor of its kind, the setting it belongs to).
WIDGETS = {
    "w_vocabulary": ("radio", "vocabulary"),
    "w_variant": ("selectbox", "variant"),
    "w_hidden": ("slider", "hidden"),
    "w_layers": ("number_input", "layers"),
    "w_seed": ("number_input", "seed"),
    "w_layer": ("selectbox", "layer"),
    "w_source": ("radio", "sequence"),
    "w_preset": ("selectbox", "sequence"),
    "w_length": ("number_input", "sequence"),
}
EVERYTHING = {"vocabulary", "variant", "hidden", "layers", "layer", "seed", "sequence"}
# What each page reads, written out here from reading the pages (not copied from ui/controls.py).
READS = {
    "views/2_Step_through_time.py": EVERYTHING,
    "views/1_Cell_anatomy.py": EVERYTHING,
    "views/9_Misconceptions.py": EVERYTHING,
    "home.py": EVERYTHING,
    "views/3_Gate_lab.py": {"vocabulary", "variant", "hidden", "seed", "sequence"},
    "views/4_Compare_variants.py": EVERYTHING - {"variant"},
    "views/5_Train.py": {"vocabulary", "seed"},
    "views/6_Gradient_flow.py": {"vocabulary", "seed"},
    "views/7_Lessons.py": {"vocabulary"},
    "views/8_Challenges.py": {"vocabulary"},
    "views/10_Read_text.py": set(),
}
# A view far from the defaults, two layers so that "Inspect layer" is drawn.
LINK = {
    "variant": "peephole",
    "hidden": 6,
    "layers": 2,
    "layer": 1,
    "seed": 3,
    "preset": "pulse",
    "length": 30,
}


def widget(at: AppTest, key: str):
    kind, _ = WIDGETS[key]
    (found,) = [w for w in getattr(at.sidebar, kind) if w.key == key]
    return found


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def start(t: int = 0, **chosen) -> AppTest:
    """The app opened from a link with step ``t`` (at Home, so that switch_page finds every page), then
    Step through time with the sidebar's widgets set to ``chosen`` there, one at a time, as learners do."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["t"] = str(t)
    at = visit(run(at), "views/2_Step_through_time.py")
    for key, value in chosen.items():
        widget(at, f"w_{key}").set_value(value)
        run(at)
    return at


def visit(at: AppTest, page: str) -> AppTest:
    at.switch_page(page)
    return run(at)


def note(at: AppTest) -> list[str]:
    return [c.value for c in at.sidebar.caption if "greyed-out settings do not apply here" in c.value]


@pytest.mark.parametrize("page", sorted(READS))
def test_each_sidebar_widget_is_disabled_exactly_when_the_page_ignores_it(page):
    at = visit(start(**LINK), page)
    states = {key: widget(at, key).disabled for key in WIDGETS}
    # The preset and length are disabled for a typed or uploaded input anyway; here the source is a preset.
    assert states == {key: setting not in READS[page] for key, (_, setting) in WIDGETS.items()}
    assert len(note(at)) == (0 if READS[page] == EVERYTHING else 1)


def test_the_caption_says_why_and_where_the_settings_apply():
    (text,) = note(visit(start(), "views/7_Lessons.py"))
    assert text.startswith("Each lesson builds its own cell and sequence: the greyed-out settings do not")
    assert "Step through time" in text


@pytest.mark.parametrize(
    "page", ["views/7_Lessons.py", "views/5_Train.py", "views/6_Gradient_flow.py", "views/10_Read_text.py"]
)
def test_a_gru_view_survives_a_page_that_ignores_the_variant(page):
    """A page of LSTMs would swap a GRU for the standard LSTM; one that ignores the variant must not."""
    at = start(t=7, variant="gru", hidden=5, layers=3, layer=2, seed=9, preset="step", length=40)
    at = visit(at, page)
    assert widget(at, "w_variant").value == "gru" and widget(at, "w_variant").disabled
    assert not [i.value for i in at.info if "standard LSTM" in i.value]
    assert at.query_params["variant"] == "gru" and at.query_params["t"] == "7"
    at = visit(at, "views/2_Step_through_time.py")
    got = {key: widget(at, key).value for key in WIDGETS if key != "w_source"}
    assert got == {
        "w_vocabulary": "standard",
        "w_variant": "gru",
        "w_hidden": 5,
        "w_layers": 3,
        "w_seed": 9,
        "w_layer": 2,
        "w_preset": "step",
        "w_length": 40,
    }
    view = at.session_state["view"]
    assert (view.variant, view.hidden, view.layers, view.layer, view.seed, view.t) == ("gru", 5, 3, 2, 9, 7)
    assert not any(w.disabled for w in (widget(at, key) for key in WIDGETS))


def test_typed_numbers_survive_a_page_that_ignores_the_input():
    at = start()
    widget(at, "w_source").set_value("typed")
    run(at)
    at.sidebar.text_area(key="typed_text").input("0.5, 1\n0, -1\n1, 0\n2, 2")
    (use,) = [b for b in at.sidebar.button if b.label == "Use these numbers"]
    use.click()
    run(at)
    assert at.session_state["custom_sequence"].length == 4
    at = visit(at, "views/8_Challenges.py")
    assert widget(at, "w_source").value == "typed" and widget(at, "w_source").disabled
    assert at.sidebar.text_area(key="typed_text").disabled
    at = visit(at, "views/2_Step_through_time.py")
    assert widget(at, "w_source").value == "typed" and not widget(at, "w_source").disabled
    assert at.session_state["custom_sequence"].x.tolist() == [[0.5, 1.0], [0.0, -1.0], [1.0, 0.0], [2.0, 2.0]]
    assert any("4 steps × 2 feature(s)" in c.value for c in at.sidebar.caption)


def test_after_inspect_the_typed_box_says_what_is_in_use():
    """The trained cell's sequence is in use, not typed: the empty box's grey example must not pass for it."""
    at = visit(run(AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)), "views/5_Train.py")
    train_steps(at, 5)
    at.button(key="tr_inspect").click()
    run(at)
    assert at.title[0].value == "Step through time"
    used = at.session_state["custom_sequence"]
    box = at.sidebar.text_area(key="typed_text")
    assert widget(at, "w_source").value == "typed" and box.value in ("", None)
    assert box.proto.placeholder.startswith("For example:\n")
    (caption,) = [c.value for c in at.sidebar.caption if c.value.startswith("In use:")]
    assert caption.startswith(
        f"In use: **{used.title}**, {used.length} steps × {used.num_features} feature(s)"
    )
    assert used.title.startswith("trained on")
    # Once numbers are typed and used, they are what the box holds: no "In use" note any more.
    box.input("1, 0\n0, 1\n1, 1")
    (use,) = [b for b in at.sidebar.button if b.label == "Use these numbers"]
    use.click()
    at.switch_page("views/2_Step_through_time.py")  # AppTest would rerun Train, the page it was told last
    run(at)
    assert at.title[0].value == "Step through time"
    assert at.session_state["custom_sequence"].x.tolist() == [[1, 0], [0, 1], [1, 1]]
    assert not [c.value for c in at.sidebar.caption if c.value.startswith("In use:")]
