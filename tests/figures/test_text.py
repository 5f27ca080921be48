"""ui/figures/text.py: each quantity coloured in its own colour from the notation table (the scale of Step
through time), not a shared viridis; the values and their range."""

from __future__ import annotations

import numpy as np
import pytest

from ui import notation
from ui.figures.text import (
    PHONE_WRAP,
    STEP_BARS,
    WRAP,
    coloured_text_figure,
    layout_grid,
    step_frames,
    unit_step_figure,
)

TEXT = "x = 'a'\n"
VALUES = np.linspace(-0.6, 0.9, len(TEXT))


@pytest.mark.parametrize("quantity", ["i", "f", "o", "g"])
def test_each_gate_is_drawn_in_its_own_colour_on_its_fixed_range(quantity):
    (heat,) = coloured_text_figure(TEXT, np.clip(VALUES, 0, 1), quantity, "t").data
    assert heat.colorscale[-1][1].lower() == notation.colour(quantity).lower()
    assert "viridis" not in str(heat.colorscale).lower()
    assert (heat.zmin, heat.zmax) == ((-1.0, 1.0) if quantity == "g" else (0.0, 1.0))
    if quantity != "g":
        assert heat.colorscale[0][1] == "#ffffff"  # closed = white, open = the gate's colour


def test_the_gates_colours_differ_from_each_other():
    tops = {
        coloured_text_figure(TEXT, VALUES, q, "t").data[0].colorscale[-1][1] for q in ("i", "f", "o", "g")
    }
    assert len(tops) == 4


@pytest.mark.parametrize("quantity", ["c", "h"])
def test_memories_span_their_largest_value_and_show_their_sign(quantity):
    (heat,) = coloured_text_figure(TEXT, VALUES, quantity, "t").data
    assert (heat.zmin, heat.zmax) == (-0.9, 0.9)
    assert heat.colorscale[-1][1].lower() == notation.colour(quantity).lower()
    assert heat.colorscale[0][1].lower() != heat.colorscale[-1][1].lower()  # negative ≠ positive end


def test_the_step_bars_take_each_quantitys_colour():
    class Layer:
        pass

    class Reading:
        text = TEXT

    layer = Layer()
    for k, name in enumerate(STEP_BARS):
        setattr(layer, name, np.full((len(TEXT), 2), 0.1 * k))
    Reading.trace = type("Trace", (), {"layers": [layer]})
    (bars,) = unit_step_figure(Reading, 0, 1, 3).data
    assert list(bars.marker.color) == [notation.colour(n) for n in STEP_BARS]
    assert list(bars.y) == pytest.approx([0.1 * k for k in range(len(STEP_BARS))])


def test_the_step_bars_are_labelled_by_symbol_and_named_on_hover():
    class Layer:
        pass

    class Reading:
        text = TEXT

    layer = Layer()
    for name in STEP_BARS:
        setattr(layer, name, np.zeros((len(TEXT), 2)))
    Reading.trace = type("Trace", (), {"layers": [layer]})
    (bars,) = unit_step_figure(Reading, 0, 1, 3).data
    assert list(bars.x) == ["f<sub>t</sub>", "i<sub>t</sub>", "g<sub>t</sub>", "o<sub>t</sub>",
                            "c<sub>t−1</sub>", "c<sub>t</sub>", "h<sub>t</sub>"]  # fmt: skip
    assert bars.customdata[4] == "previous cell state c<sub>t−1</sub>"


def test_a_phone_wraps_the_coloured_text_and_its_title():
    text = "x = 1\n" + "y" * 50
    values = np.linspace(0, 1, len(text))
    fig = coloured_text_figure(
        text, values, "c", "Each character coloured by unit 61's c: cell state", wrap=20
    )
    (heat,) = fig.data
    assert np.asarray(heat.z).shape == (4, 20)  # "x = 1", then 50 y's over three rows of 20
    assert heat.text[3][9] == "y" and heat.z[3][9] == pytest.approx(values[-1])
    assert np.isnan(heat.z[3][10])
    assert fig.layout.title.text.count("<br>") == 1  # 50 characters of title over two lines of 30


def test_every_character_has_a_frame_that_outlines_its_own_cell():
    text = "def f(x):\n    return 'a' + x\n" + "y" * 100
    for wrap in (WRAP, PHONE_WRAP):
        frames = step_frames(text, wrap)
        rows, cols = layout_grid(text, wrap)
        assert [f["name"] for f in frames] == [str(t) for t in range(len(text))]
        for t, frame in enumerate(frames):
            assert "data" not in frame  # shapes only: a trace in a frame would wipe the heatmap
            (shape,) = frame["layout"]["shapes"]
            assert (shape["x0"], shape["x1"]) == (cols[t] - 0.5, cols[t] + 0.5)
            assert (shape["y0"], shape["y1"]) == (rows[t] - 0.5, rows[t] + 0.5)
        drawn = coloured_text_figure(text, np.zeros(len(text)), "c", "title", step=7, wrap=wrap)
        assert drawn.layout.shapes[0].to_plotly_json() == frames[7]["layout"]["shapes"][0]
