"""The Read text page under AppTest: colours are the core's values, Find the unit agrees with rank_units,
and bad text gets a clear message while the page keeps the last text it could read."""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lstm_core.text import FALLBACK, CharModel, code_features, rank_units
from tests.app.pages import ROOT, open_page
from tests.player import player_args, report
from tests.plotly_data import chart_specs, decode
from ui.figures.text import PHONE_WRAP, layout_grid

PAGE = "views/10_Read_text.py"
MODEL = CharModel.load(ROOT / "assets" / "models" / "python_chars.safetensors")
PRESET = (ROOT / "assets" / "models" / "python_chars_snippet.txt").read_text()
TIMEOUT = 180


def best_in_string(text: str) -> tuple[int, str]:
    """(unit, quantity) of the top in-string unit of ``text`` by rank_units: the unit the page opens on."""
    top = rank_units(MODEL.read(text), code_features(text)["in_string"].to_numpy()).iloc[0]
    assert int(top.layer) == 0  # the shipped model has one layer
    return int(top.unit), str(top.quantity)


OPENING = best_in_string(PRESET)


def chart(at, title_part: str) -> dict:
    """The first figure on the page whose title contains ``title_part``."""
    return next(s for s in chart_specs(at) if title_part in s["layout"].get("title", {}).get("text", ""))


def colours(spec: dict, text: str) -> np.ndarray:
    """The heatmap's value at every character's cell, in text order."""
    z = decode(spec["data"][0]["z"])
    rows, cols = layout_grid(text)
    return z[rows, cols]


@pytest.fixture(scope="module")
def page():
    return open_page(PAGE, timeout=TIMEOUT, model="python_chars")


def test_the_page_opens_on_the_best_in_string_unit_of_its_text_and_the_colours_are_the_cores(page):
    unit, quantity = OPENING
    assert page.number_input(key="rt_unit").value == unit
    assert page.selectbox(key="rt_quantity").value == quantity
    expected = np.asarray(getattr(MODEL.read(PRESET).trace.layers[0], quantity))[:, unit]
    spec = chart(page, f"unit {unit}'s")
    np.testing.assert_allclose(colours(spec, PRESET), expected, rtol=1e-12)
    labels = np.asarray(spec["data"][0]["text"], dtype=object)
    rows, cols = layout_grid(PRESET)
    assert "".join(labels[rows, cols]).replace("↵", "\n") == PRESET


def test_find_the_unit_names_the_top_unit_of_rank_units(page):
    ranked = rank_units(MODEL.read(PRESET), code_features(PRESET)["in_string"].to_numpy())
    top = ranked.iloc[0]
    sentence = next(m.value for m in page.markdown if m.value.startswith("Best unit for"))
    assert f"unit **{int(top.unit)}**" in sentence and f"AUC {top.score:.3f}" in sentence
    table = page.dataframe[0].value
    assert table["unit"].tolist() == ranked["unit"].head(10).tolist()
    assert table["AUC"].to_numpy() == pytest.approx(ranked["score"].head(10).to_numpy())


def test_the_guesses_are_the_models_top_five_next_characters(page):
    reading = MODEL.read(PRESET)
    spec = chart(page, "Next-character guesses")
    top = reading.top_guesses(0, 5)
    assert decode(spec["data"][0]["x"]) == pytest.approx([p for _, p in top])


def _with_text(text: str):
    at = open_page(PAGE, timeout=TIMEOUT, model="python_chars")
    at.text_area(key="rt_text").set_value(text).run(timeout=TIMEOUT)
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_empty_and_too_long_text_are_refused_and_the_last_text_stays():
    for text, words in (("", "empty"), ("x" * 5001, "5,001 characters")):
        at = _with_text(text)
        assert any(words in e.value and "5,000" in e.value for e in at.error), [e.value for e in at.error]
        spec = chart(at, "unit")
        assert len(colours(spec, PRESET)) == len(PRESET)  # still the preset, read as before


def test_characters_outside_the_alphabet_are_named_and_read_as_the_fallback():
    text = "s = '😀 ok'  # café\x00\x07\n"
    at = _with_text(text)
    note = next(i.value for i in at.info if "outside the model's alphabet" in i.value)
    assert "4 character(s)" in note and FALLBACK in note
    unit, quantity = OPENING  # chosen on the text the page opened with, kept when the text changes
    expected = np.asarray(getattr(MODEL.read(text).trace.layers[0], quantity))[:, unit]
    np.testing.assert_allclose(colours(chart(at, "right after reading it"), text), expected, rtol=1e-12)


def test_text_the_tokenizer_cannot_read_still_gets_features_and_a_note():
    at = _with_text('x = """never closed\nprint(1)\n')
    assert any("tokenizer could not read" in i.value and "line 1, column 4" in i.value for i in at.info)
    assert any(m.value.startswith("Best unit for") for m in at.markdown)


def test_a_short_text_travels_in_the_link_and_a_long_one_falls_back_with_a_notice():
    at = open_page(PAGE, timeout=TIMEOUT, model="python_chars", text="print('hi')\n")
    assert at.text_area(key="rt_text").value == "print('hi')\n"
    long = open_page(PAGE, timeout=TIMEOUT, text="x" * 501)
    assert any("longer than 500" in w.value for w in long.warning)
    assert long.text_area(key="rt_text").value == PRESET


def test_a_gate_colours_the_text_in_that_gates_colour_from_the_notation_table(page):
    from ui import notation

    page.selectbox(key="rt_quantity").set_value("f").run(timeout=TIMEOUT)
    assert not page.exception
    unit = page.session_state["rt_unit"]
    spec = chart(page, f"unit {unit}'s")
    heat = spec["data"][0]
    assert heat["colorscale"][-1][1].lower() == notation.colour("f").lower()
    assert (heat["zmin"], heat["zmax"]) == (0.0, 1.0)
    expected = np.asarray(MODEL.read(PRESET).trace.layers[0].f)[:, unit]
    np.testing.assert_allclose(colours(spec, PRESET), expected, rtol=1e-12)


def test_a_phone_gets_the_text_in_narrow_rows():
    """ui.screen's answer: on a phone the coloured text wraps at PHONE_WRAP characters, same values."""
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=TIMEOUT)
    at.session_state["screen_narrow"] = True
    at.run()
    assert not at.exception
    unit, quantity = OPENING
    spec = chart(at, f"unit {unit}'s")
    z = decode(spec["data"][0]["z"])
    assert z.shape[1] == PHONE_WRAP
    rows, cols = layout_grid(PRESET, PHONE_WRAP)
    expected = np.asarray(getattr(MODEL.read(PRESET).trace.layers[0], quantity))[:, unit]
    np.testing.assert_allclose(z[rows, cols], expected, rtol=1e-12)


def test_a_linked_text_opens_on_its_own_best_unit_and_a_text_without_strings_on_the_reports():
    linked = "name = 'Ada'\nprint(f\"hello {name}\", 'and', \"bye\")  # greet\n"
    at = open_page(PAGE, timeout=TIMEOUT, model="python_chars", text=linked)
    unit, quantity = best_in_string(linked)
    assert (at.number_input(key="rt_unit").value, at.selectbox(key="rt_quantity").value) == (unit, quantity)
    assert any(h.value.startswith(f"Unit {unit},") for h in at.subheader)
    plain = open_page(PAGE, timeout=TIMEOUT, model="python_chars", text="x = 1\ny = x + 2\n")
    report = MODEL.facts["in_string_unit"]
    assert plain.number_input(key="rt_unit").value == report["unit"]
    assert plain.selectbox(key="rt_quantity").value == report["quantity"]


def test_colour_the_page_by_the_top_unit_moves_the_unit_input_and_it_stays():
    at = open_page(PAGE, timeout=TIMEOUT, model="python_chars")
    top = OPENING[0]
    at.number_input(key="rt_unit").set_value(top + 1).run(timeout=TIMEOUT)  # else the click changes nothing
    assert any(h.value.startswith(f"Unit {top + 1},") for h in at.subheader)
    next(b for b in at.button if b.label.startswith(f"Colour the page by unit {top} (")).click().run(
        timeout=TIMEOUT
    )
    for _ in range(2):  # the click's run, then a later run that no longer passes through choose_unit
        assert not at.exception, [e.value for e in at.exception]
        assert at.number_input(key="rt_unit").value == top
        assert any(h.value.startswith(f"Unit {top},") for h in at.subheader)
        at.run(timeout=TIMEOUT)


def test_the_step_player_walks_the_text_character_by_character():
    """A step reported by the player (a key, a clicker, Play) moves the guesses and the unit's gates to
    that character; a shorter text then clamps the step to its last character."""
    at = open_page(PAGE, timeout=TIMEOUT, model="python_chars")
    assert player_args(at, "rt_player")["T"] == len(PRESET)
    t = 57
    report(at, "rt_player", t)
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["rt_step"] == t
    spec = chart(at, "Next-character guesses")
    expected = [p for _, p in MODEL.read(PRESET).top_guesses(t, 5)]
    assert decode(spec["data"][0]["x"]) == pytest.approx(expected)
    assert player_args(at, "rt_player")["t"] == t
    # The text is drawn once, at the step it opened on; the player moves its marker by the frames.
    text_chart = chart(at, "right after reading it")
    assert [f["name"] for f in text_chart["frames"]] == [str(k) for k in range(len(PRESET))]
    assert text_chart["layout"]["shapes"][0] == text_chart["frames"][0]["layout"]["shapes"][0]
    assert player_args(at, "rt_player")["chart"].startswith(".st-key-rt_colours_")

    at.text_area(key="rt_text").set_value("x = 1\n").run(timeout=TIMEOUT)
    args = player_args(at, "rt_player")
    assert (args["T"], args["t"]) == (6, 5)
    expected = [p for _, p in MODEL.read("x = 1\n").top_guesses(5, 5)]
    assert decode(chart(at, "Next-character guesses")["data"][0]["x"]) == pytest.approx(expected)
