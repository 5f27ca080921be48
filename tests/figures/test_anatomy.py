"""ui.figures.anatomy: the cell diagram carries the trace's numbers, in the chosen vocabulary."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from lstm_core import LSTM, VARIANTS
from ui import notation
from ui.figures.anatomy import (
    NUMBERS_UP_TO,
    X_MAX,
    Y_MAX,
    anatomy_figure,
    anatomy_phone_figure,
    number,
    phone_rows,
)

VOCABS = ("standard", "udacity")
WIRES = ("x", "h_prev", "c_prev", "f", "i", "g", "o", "kept", "written", "c", "u", "h")


def make_trace(variant, hidden=4, layers=1, inputs=3, steps=6, seed=2):
    net = LSTM.random(inputs, hidden, layers, variant, seed=seed)
    x = np.random.default_rng(seed).normal(size=(steps, inputs))
    return net.run(x)


def strips(fig):
    return {tr.name: tr for tr in fig.data if tr.type == "heatmap"}


def strip_values(tr) -> np.ndarray:
    """The vector a strip shows, ordered by the unit index in its customdata."""
    z, units = np.array(tr.z, dtype=object), np.array(tr.customdata, dtype=object)
    cells = {int(u): float(v) for u, v in zip(units.ravel(), z.ravel(), strict=True) if u is not None}
    assert sorted(cells) == list(range(len(cells)))
    return np.array([cells[j] for j in range(len(cells))])


def strip_box(tr):
    """(x0, x1, y0, y1) covered by a strip's cells."""
    ny, nx = np.array(tr.z, dtype=object).shape
    return (tr.x0 - tr.dx / 2, tr.x0 + (nx - 0.5) * tr.dx, tr.y0 - tr.dy / 2, tr.y0 + (ny - 0.5) * tr.dy)


def texts(fig) -> str:
    """Every annotation's text, long names (wrapped with <br>) joined back onto one line."""
    return "\n".join((a.text or "").replace("<br>", " ") for a in fig.layout.annotations)


def shape_names(fig) -> set[str]:
    return {s.name for s in fig.layout.shapes if s.name}


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("t", [0, 4])
def test_every_wire_carries_the_traces_numbers(variant, t):
    trace = make_trace(variant)
    fig = anatomy_figure(trace, t, "standard")
    step = trace.layers[0].step(t)
    shown = strips(fig)
    expected = [k for k in WIRES if variant != "no_forget" or k not in ("f", "kept")]
    assert sorted(shown) == sorted(expected)
    for key in expected:
        np.testing.assert_array_equal(strip_values(shown[key]), getattr(step, key), err_msg=key)


def test_upper_layer_reads_the_layer_below():
    trace = make_trace("standard", hidden=5, layers=2)
    fig = anatomy_figure(trace, 3, "udacity", layer=1)
    shown = strips(fig)
    np.testing.assert_array_equal(strip_values(shown["x"]), trace.layers[0].h[3])
    np.testing.assert_array_equal(strip_values(shown["c"]), trace.layers[1].c[3])
    np.testing.assert_array_equal(strip_values(shown["f"]), trace.layers[1].f[3])
    assert f"{notation.html('x', 'udacity')} = {notation.html('h', 'udacity')}" in texts(fig)


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("vocabulary", VOCABS)
def test_labels_come_from_the_vocabulary(variant, vocabulary):
    trace = make_trace(variant)
    fig = anatomy_figure(trace, 2, vocabulary)
    text = texts(fig)
    for key, tr in strips(fig).items():
        if key == "x":
            continue
        assert notation.html(key, vocabulary, variant) in text, key
        assert notation.name(key, vocabulary, variant) in text, key
        assert notation.title(key, vocabulary, variant) in tr.hovertemplate
        assert tr.meta["key"] == key
    other = "udacity" if vocabulary == "standard" else "standard"
    for key in ("c_prev", "h_prev", "c", "h"):  # the other vocabulary's state names never appear
        assert notation.html(key, other, variant) not in text
        assert notation.name(key, other, variant) not in text
    if vocabulary == "udacity":
        assert "LTM<sub>t−1</sub>" in text and "STM<sub>t</sub>" in text and "E<sub>t</sub>" in text


def test_gate_boxes_use_notation_colours():
    fig = anatomy_figure(make_trace("standard"), 1, "standard")
    for shape in fig.layout.shapes:
        if shape.name and shape.name.startswith("box:"):
            assert shape.line.color == notation.colour(shape.name[4:])
    captions = {a.name: a.text for a in fig.layout.annotations if a.name and a.name.startswith("box:")}
    assert captions["box:f"] == captions["box:i"] == captions["box:o"] == "<b>σ</b>"
    assert captions["box:g"] == "<b>tanh</b>"


def test_standard_has_tanh_of_c_udacity_has_its_own_use_gate():
    std = anatomy_figure(make_trace("standard"), 1, "standard")
    uda = anatomy_figure(make_trace("udacity"), 1, "udacity")
    cap = lambda fig: {a.name: a.text for a in fig.layout.annotations if a.name}  # noqa: E731
    assert cap(std)["box:u"] == "<b>tanh</b>"
    assert notation.parameter("W", "u", "udacity", form="html") in cap(uda)["box:u"]
    assert notation.parameter("W", "u", "standard", form="html") not in texts(std)
    for fig in (std, uda):
        assert {"box:f", "box:i", "box:g", "box:o", "box:u", "junction:kept", "junction:c"} <= shape_names(
            fig
        )


def test_udacity_use_gate_reads_the_forgotten_into_old_memory():
    """U's wire leaves the memory line between ⊙f and +: it reads LTM_{t-1} ⊙ f_t, not LTM_t."""
    from ui.figures import anatomy as a

    fig = anatomy_figure(make_trace("udacity"), 1, "udacity")
    paths = [s.path for s in fig.layout.shapes if s.type == "path"]
    tap = f"M {a.TAP_X_UDACITY},{a.TOP}"
    assert any(p.startswith(tap) for p in paths)
    assert a.KEPT_X < a.TAP_X_UDACITY < a.PLUS_X
    std = anatomy_figure(make_trace("standard"), 1, "standard")
    assert not any(s.path.startswith(tap) for s in std.layout.shapes if s.type == "path")


def test_no_forget_has_no_forget_gate():
    fig = anatomy_figure(make_trace("no_forget"), 1, "udacity")
    assert "box:f" not in shape_names(fig) and "junction:kept" not in shape_names(fig)
    assert "f" not in strips(fig)
    assert f"no {notation.name('f', 'udacity')}: {notation.html('f', 'udacity')} ≡ 1" in texts(fig)


def test_peephole_draws_its_peepholes():
    fig = anatomy_figure(make_trace("peephole"), 1, "standard")
    dotted = [s for s in fig.layout.shapes if s.type == "path" and s.line.dash == "dot"]
    assert len(dotted) >= 3
    for gate in ("i", "f", "o"):
        assert notation.parameter("p", gate, "peephole", form="html") in texts(fig)
    assert not any(
        s.line.dash == "dot" for s in anatomy_figure(make_trace("standard"), 1, "standard").layout.shapes
    )


def test_colour_scales():
    trace = make_trace("no_forget", hidden=3)
    fig = anatomy_figure(trace, 2, "standard")
    assert (fig.layout.coloraxis.cmin, fig.layout.coloraxis.cmax) == (0.0, 1.0)
    vmax = fig.layout.coloraxis2.cmax
    assert fig.layout.coloraxis2.cmin == -vmax and vmax >= 1.0
    lt = trace.layers[0]
    assert vmax >= np.abs(lt.c).max() and vmax >= np.abs(lt.x).max()
    assert vmax == anatomy_figure(trace, 5, "standard").layout.coloraxis2.cmax  # fixed over t
    for key, tr in strips(fig).items():
        assert tr.coloraxis == ("coloraxis" if key in ("f", "i", "o") else "coloraxis2"), key


@pytest.mark.parametrize("draw", [anatomy_figure, anatomy_phone_figure])
def test_colour_bars_state_their_ranges_in_their_titles(draw):
    """No tick labels (the wide diagram has no row for them): each bar's title holds its range."""
    x = np.random.default_rng(0).normal(size=(6, 3))
    x[4, 1] = -2.345  # at step 4: the largest |value| of the sequence sets the range, at every step
    lt = LSTM.random(3, 3, 1, "standard", seed=2).run(x).layers[0]
    # h, g and tanh parts lie in [−1, 1]; kept and written are at most |c_prev| and |g|
    r = max(1.0, np.abs(lt.x).max(), np.abs(lt.c).max())
    assert r >= 2.345
    fig = draw(LSTM.random(3, 3, 1, "standard", seed=2).run(x), 0, "standard")
    gates, values = fig.layout.coloraxis.colorbar, fig.layout.coloraxis2.colorbar
    assert gates.title.text == "gates: 0 shut … 1 open"
    assert values.title.text == f"values: −{r:.2g} … {r:.2g}"
    assert gates.showticklabels is False and values.showticklabels is False


def overlaps(a, b, pad=0.0):
    return a[0] < b[1] + pad and b[0] < a[1] + pad and a[2] < b[3] + pad and b[2] < a[3] + pad


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("hidden, inputs", [(1, 1), (4, 3), (17, 5), (32, 32)])
def test_strips_fit_and_never_overlap(variant, hidden, inputs):
    fig = anatomy_figure(make_trace(variant, hidden=hidden, inputs=inputs), 1, "udacity")
    boxes = {k: strip_box(tr) for k, tr in strips(fig).items()}
    for key, (x0, x1, y0, y1) in boxes.items():
        assert 0 <= x0 < x1 <= X_MAX and 0 <= y0 < y1 <= Y_MAX, key
    for (ka, a), (kb, b) in itertools.combinations(boxes.items(), 2):
        assert not overlaps(a, b, pad=0.3), (ka, kb)
    parts = [s for s in fig.layout.shapes if s.name and s.name.split(":")[0] in ("box", "junction")]
    for key, box in boxes.items():
        for s in parts:
            if s.name == f"box:{key}":  # a gate's strip sits inside its own box, clear of its header
                assert s.x0 < box[0] < box[1] < s.x1 and s.y0 < box[2] < box[3] < s.y1, key
            else:
                assert not overlaps(box, (s.x0, s.x1, s.y0, s.y1), pad=0.3), (key, s.name)
    # cells stay visible: at least 0.9 units (9 px at the default size)
    assert min(abs(tr.dx) for tr in fig.data) >= 0.9


def test_bad_vocabulary_and_step():
    trace = make_trace("standard")
    with pytest.raises(ValueError, match="vocabulary"):
        anatomy_figure(trace, 0, "klingon")
    with pytest.raises(IndexError):
        anatomy_figure(trace, trace.T, "standard")
    last = anatomy_figure(trace, -1, "standard").layout.title.text
    assert f"step t = {trace.T - 1} of {trace.T} (t = 0…{trace.T - 1})" in last


def test_title_names_the_step_layer_and_variant():
    trace = make_trace("no_forget", layers=3)
    title = anatomy_figure(trace, 2, "udacity", layer=1).layout.title.text
    assert "step t = 2 of 6 (t = 0…5), layer 2 of 3" in title
    assert notation.variant_title("no_forget", "udacity") in title


def printed(tr) -> dict[int, str]:
    """unit -> the number printed in its cell ("" cells left out)."""
    units, text = np.array(tr.customdata, dtype=object), np.array(tr.text, dtype=object)
    return {int(u): t for u, t in zip(units.ravel(), text.ravel(), strict=True) if u is not None and t}


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("draw", [anatomy_figure, anatomy_phone_figure], ids=["diagram", "phone"])
def test_up_to_four_units_every_cell_prints_its_number(variant, draw):
    trace = make_trace(variant, hidden=2, inputs=3)
    step = trace.layers[0].step(4)
    fig = draw(trace, 4, "standard")
    shown = strips(fig)
    for key, tr in shown.items():
        values = getattr(step, key)
        assert printed(tr) == {j: number(v) for j, v in enumerate(values)}, key
        assert tr.texttemplate == "%{text}"
    if draw is anatomy_phone_figure:
        assert list(shown) == list(phone_rows(variant))


def test_number_is_two_decimals_with_a_true_minus():
    assert [number(v) for v in (0.734, -0.125, -0.0004, 12.34, -123.4)] == [
        "0.73",
        "−0.12",
        "0.00",
        "12.3",
        "−123",
    ]


@pytest.mark.parametrize("draw", [anatomy_figure, anatomy_phone_figure], ids=["diagram", "phone"])
def test_more_units_print_the_chosen_units_value_in_each_label(draw):
    hidden, unit = NUMBERS_UP_TO + 3, 5
    trace = make_trace("standard", hidden=hidden, inputs=3)
    step = trace.layers[0].step(2)
    fig = draw(trace, 2, "standard", unit=unit)
    labels = {a.name: a.text for a in fig.layout.annotations if a.name and a.name.startswith("label:")}
    for key, tr in strips(fig).items():
        if key == "x":  # three inputs: their numbers are printed, the unit does not index them
            assert printed(tr) == {j: number(v) for j, v in enumerate(step.x)}
            continue
        assert printed(tr) == {}, key
        assert (
            f"[{unit}]" in labels[f"label:{key}"]
            and number(getattr(step, key)[unit]) in labels[f"label:{key}"]
        )
        outline = next(s for s in fig.layout.shapes if s.name == f"chosen:{key}")
        cell = [(x, y) for x, y, u in _cells(tr) if u == unit]
        assert cell and outline.x0 < cell[0][0] < outline.x1 and outline.y0 < cell[0][1] < outline.y1


def _cells(tr):
    """(x, y, unit) of every cell of a strip's heatmap."""
    units = np.array(tr.customdata, dtype=object)
    return [
        (tr.x0 + c * tr.dx, tr.y0 + r * tr.dy, units[r, c])
        for r in range(units.shape[0])
        for c in range(units.shape[1])
        if units[r, c] is not None
    ]
