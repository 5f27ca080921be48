"""ui/figures/stepping.py: every panel and every animation frame carries the trace's numbers for its step."""

from __future__ import annotations

import base64
import json
import math
import struct
import zlib

import numpy as np
import pytest

from lstm_core import LSTM, VARIANTS
from tests.plotly_data import decode
from ui import notation
from ui.figures.stepping import (
    DYNAMIC_ROLES,
    MAX_FEATURE_LEGEND,
    NEAR_FRAMES,
    TABLE_KEYS,
    SteppingParts,
    colour_scale,
    frame_steps,
    gate_keys,
    has_frame,
    line_keys,
    stepping_figure,
    stepping_spec,
    table_help,
    trace_table,
)
from ui.presenter import FIGURE_SCALE, MIN_FIGURE_PX, scale_fonts

VOCABS = ("standard", "udacity")
T, H, INPUTS = 7, 3, 2
BAR_FIELDS = ("c_prev", "c", "h_prev", "h", "kept", "written")  # bar roles, named as the trace fields


def make_trace(variant="standard", layers=1, steps=T, hidden=H, inputs=INPUTS, seed=3):
    x = np.random.default_rng(seed).normal(size=(steps, inputs))
    return LSTM.random(inputs, hidden, layers, variant, seed=seed).run(x)


def by_role(fig, role, **meta):
    return [tr for tr in fig.data if tr.meta and tr.meta.get("role") == role and _has(tr.meta, meta)]


def one(fig, role, **meta):
    found = by_role(fig, role, **meta)
    assert len(found) == 1, (role, meta, len(found))
    return found[0]


def _has(m, meta):
    return all(m.get(k) == v for k, v in meta.items())


def all_text(fig) -> str:
    """Every piece of text a learner can read: titles, legends, hover templates, point labels."""
    parts = [a.text or "" for a in fig.layout.annotations]
    parts.append(fig.layout.title.text or "")
    for tr in fig.data:
        parts += [tr.name or "", getattr(tr, "hovertemplate", None) or ""]
        text = getattr(tr, "text", None)
        if text is not None and not isinstance(text, str):
            parts += [str(s) for s in text]
    return "\n".join(parts)


# --- the first state: step t ------------------------------------------------------------------------


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("t", [0, 3, T - 1])
def test_bars_are_step_t_and_ghosts_the_previous_step(variant, t):
    trace = make_trace(variant)
    lt = trace.layers[0]
    fig = stepping_figure(trace, t, "standard")
    for role in BAR_FIELDS:
        bar = one(fig, role)
        assert bar.type == "bar"
        np.testing.assert_array_equal(bar.y, getattr(lt, role)[t])
        np.testing.assert_array_equal(bar.x, np.arange(H))
    np.testing.assert_array_equal(one(fig, "c_prev").y, lt.c[t - 1] if t else np.zeros(H))
    # The ghost is fainter and wider than the bar it stands behind.
    ghost, bar = one(fig, "c_prev"), one(fig, "c")
    assert ghost.opacity < bar.opacity and ghost.width > bar.width
    # The written part starts where the kept part ends, and the tick marks their sum c_t.
    written = one(fig, "written")
    np.testing.assert_array_equal(np.asarray(written.base, dtype=float), lt.kept[t])
    np.testing.assert_array_equal(written.customdata, lt.written[t])
    np.testing.assert_allclose(np.asarray(written.base, dtype=float) + written.y, lt.c[t], rtol=0, atol=1e-12)
    np.testing.assert_array_equal(one(fig, "c_tick").y, lt.c[t])


@pytest.mark.parametrize("variant", VARIANTS)
def test_heatmaps_are_the_gates_units_by_time_on_fixed_ranges(variant):
    trace = make_trace(variant)
    lt = trace.layers[0]
    fig = stepping_figure(trace, 2, "standard")
    heatmaps = by_role(fig, "heatmap")
    assert [h.meta["key"] for h in heatmaps] == list(gate_keys(variant))
    for hm in heatmaps:
        key = hm.meta["key"]
        np.testing.assert_array_equal(hm.z, getattr(lt, key).T)
        assert np.asarray(hm.z).shape == (H, T)
        squash = notation.quantity(key).kind == "squash"
        assert (hm.zmin, hm.zmax) == ((-1.0, 1.0) if squash else (0.0, 1.0))
        assert hm.colorscale[-1][1] == notation.colour(key)


def test_udacity_variant_gets_a_u_panel_and_standard_does_not():
    uda = stepping_figure(make_trace("udacity"), 0, "udacity")
    std = stepping_figure(make_trace("standard"), 0, "udacity")
    assert "u" in [h.meta["key"] for h in by_role(uda, "heatmap")]
    assert "u" not in [h.meta["key"] for h in by_role(std, "heatmap")]
    u_title = notation.title("u", "udacity", "udacity")
    assert any(a.text.startswith(u_title) for a in uda.layout.annotations)
    assert not any(a.text.startswith(u_title) for a in std.layout.annotations)
    assert len(uda.layout.images) == 5 and len(std.layout.images) == 4


@pytest.mark.parametrize("t", [0, 4, T - 1])
def test_current_step_is_marked_on_every_time_panel(t):
    trace = make_trace("peephole")
    lt = trace.layers[0]
    fig = stepping_figure(trace, t, "standard", unit=1)
    for key in gate_keys("peephole"):
        box = np.asarray(one(fig, "t_marker", panel=key).x, dtype=float)
        assert (box.min(), box.max()) == (t - 0.5, t + 0.5)  # the column of step t, outlined
    for panel in ("x", "unit"):
        assert list(one(fig, "t_marker", panel=panel).x) == [t, t]
        assert set(one(fig, "t_dots", panel=panel).x) == {t}
    np.testing.assert_array_equal(one(fig, "t_dots", panel="x").y, lt.x[t])
    expected = [getattr(lt, k)[t, 1] for k in line_keys("peephole")]
    np.testing.assert_array_equal(one(fig, "t_dots", panel="unit").y, expected)


def test_input_lines_are_every_feature_over_time():
    trace = make_trace(inputs=3)
    fig = stepping_figure(trace, 0, "standard", feature_names=["a", "b", "c"])
    lines = by_role(fig, "input")
    assert [tr.name for tr in lines] == ["a", "b", "c"]
    for j, tr in enumerate(lines):
        np.testing.assert_array_equal(tr.y, trace.x[:, j])
        np.testing.assert_array_equal(tr.x, np.arange(T))
    assert all(tr.showlegend for tr in lines)
    with pytest.raises(ValueError, match="feature names"):
        stepping_figure(trace, 0, "standard", feature_names=["a"])


def test_many_input_features_are_named_on_hover_not_in_a_legend():
    trace = make_trace(inputs=MAX_FEATURE_LEGEND + 1)
    fig = stepping_figure(trace, 0, "standard")
    lines = by_role(fig, "input")
    assert len(lines) == MAX_FEATURE_LEGEND + 1 and not any(tr.showlegend for tr in lines)
    assert [tr.name for tr in lines] == [f"{notation.short('x', 'standard')}[{j}]" for j in range(len(lines))]
    assert all(tr.name in tr.hovertemplate for tr in lines)
    assert any("hover a line for its name" in a.text for a in fig.layout.annotations)


@pytest.mark.parametrize("unit", [0, H - 1])
def test_unit_lines_follow_the_chosen_unit(unit):
    trace = make_trace("udacity")
    lt = trace.layers[0]
    fig = stepping_figure(trace, 0, "udacity", unit=unit)
    lines = by_role(fig, "unit_line")
    assert [tr.meta["key"] for tr in lines] == ["f", "i", "g", "o", "u", "c", "h"]
    for tr in lines:
        assert tr.meta["unit"] == unit
        np.testing.assert_array_equal(tr.y, getattr(lt, tr.meta["key"])[:, unit])
        assert tr.line.color == notation.colour(tr.meta["key"])
        assert tr.name == notation.title(tr.meta["key"], "udacity", "udacity")
    assert any(a.text == f"unit {unit} over time" for a in fig.layout.annotations)


def test_upper_layer_shows_its_own_numbers_and_reads_the_layer_below():
    trace = make_trace("standard", layers=2)
    fig = stepping_figure(trace, 5, "standard", layer=1)
    np.testing.assert_array_equal(one(fig, "c").y, trace.layers[1].c[5])
    np.testing.assert_array_equal(one(fig, "heatmap", key="f").z, trace.layers[1].f.T)
    lines = by_role(fig, "input")
    assert len(lines) == H  # layer 1 reads the H units of layer 0's h
    for j, tr in enumerate(lines):
        np.testing.assert_array_equal(tr.y, trace.layers[0].h[:, j])
        assert notation.html("h", "standard") in tr.name
    assert "layer 2 of 2" in fig.layout.title.text


# --- frames: Play and the Plotly slider ---------------------------------------------------------------


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_frame_per_step_carrying_that_steps_numbers(variant):
    trace = make_trace(variant)
    lt = trace.layers[0]
    fig = stepping_figure(trace, 2, "standard", unit=2)
    assert [f.name for f in fig.frames] == [str(s) for s in range(T)]
    dynamic = [k for k, tr in enumerate(fig.data) if tr.meta["role"] in DYNAMIC_ROLES]
    assert dynamic == list(range(len(fig.data) - len(dynamic), len(fig.data)))  # the figure's last traces
    for k, frame in enumerate(fig.frames):
        assert list(frame.traces) == dynamic
        assert all(d.type in ("bar", "scatter") for d in frame.data)  # light: no heatmap, no static line
        shown = {fig.data[i].meta["role"]: d for i, d in zip(frame.traces, frame.data, strict=True)}
        for role in BAR_FIELDS:
            np.testing.assert_array_equal(shown[role].y, getattr(lt, role)[k])
        np.testing.assert_array_equal(np.asarray(shown["written"].base, dtype=float), lt.kept[k])
        np.testing.assert_array_equal(shown["c_tick"].y, lt.c[k])
        markers = [(fig.data[i].meta, d) for i, d in zip(frame.traces, frame.data, strict=True)]
        for meta, d in markers:
            if meta["role"] == "t_marker":
                x = np.asarray(d.x, dtype=float)
                assert (x.min() + x.max()) / 2 == k
            if meta["role"] == "t_dots" and meta["panel"] == "unit":
                np.testing.assert_array_equal(d.y, [getattr(lt, q)[k, 2] for q in line_keys(variant)])
        assert f"t = {k}<" in shown["c"].hovertemplate


def test_frame_k_equals_the_figure_drawn_at_k():
    trace = make_trace("udacity")
    first = stepping_figure(trace, 0, "udacity")
    dynamic = [k for k, tr in enumerate(first.data) if tr.meta["role"] in DYNAMIC_ROLES]
    for k in range(T):
        at_k = stepping_figure(trace, k, "udacity")
        frame = first.frames[k]
        for i, d in zip(frame.traces, frame.data, strict=True):
            for attr in ("x", "y", "base", "hovertemplate"):
                if attr in d and d[attr] is not None:
                    a, b = d[attr], at_k.data[i][attr]
                    if isinstance(a, str):
                        assert a == b
                    else:
                        np.testing.assert_array_equal(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
        assert len(dynamic) == len(frame.data)


def test_the_figure_has_no_controls_of_its_own():
    """The page's step player is the one set of time controls: no Plotly Play button or slider."""
    fig = stepping_figure(make_trace(), 3, "standard")
    assert not fig.layout.updatemenus and not fig.layout.sliders
    assert [f.name for f in fig.frames] == [str(s) for s in range(T)]
    assert all(f.layout is None or not f.layout.sliders for f in fig.frames)


def test_long_sequences_get_at_most_max_frames_and_say_so():
    steps, stride = frame_steps(2000, 1234)
    grid = {*range(0, 2000, 5), 1999}
    near = set(range(1234 - NEAR_FRAMES, 1234 + NEAR_FRAMES + 1))
    assert stride == 5 and steps == sorted(grid | near) and len(steps) <= 402 + 2 * NEAR_FRAMES
    assert frame_steps(2000, 1234, near=0) == (sorted(grid | {1234}), 5)  # what Play shows: an even stride
    assert frame_steps(2000, 3)[0][: NEAR_FRAMES + 5] == [*range(NEAR_FRAMES + 4), 35]  # clipped at 0
    assert frame_steps(400, 7) == (list(range(400)), 1)
    trace = make_trace(steps=100)
    fig = stepping_figure(trace, 50, "standard", max_frames=10)
    names = [int(f.name) for f in fig.frames]
    assert names == sorted({*range(0, 100, 10), 99, *range(50 - NEAR_FRAMES, 50 + NEAR_FRAMES + 1)})
    assert 13 not in names  # off the grid and far from the anchor
    for s in (23, 50, 99):  # near the anchor, the anchor, the last step
        frame = fig.frames[names.index(s)]
        c_index = next(i for i, tr in enumerate(fig.data) if tr.meta["role"] == "c")
        np.testing.assert_array_equal(frame.data[list(frame.traces).index(c_index)].y, trace.layers[0].c[s])
    with pytest.raises(ValueError):
        frame_steps(10, 0, max_frames=0)
    with pytest.raises(ValueError):
        frame_steps(10, 0, near=-1)
    # A figure drawn at 1234 has frames for the grid, the steps near 1234 and the last step, and no other.
    far = 1234 + NEAR_FRAMES
    assert [s for s in range(far - 2, far + 7) if has_frame(2000, 1234, s)] == [
        *range(far - 2, far + 1),
        1265,
        1270,
    ]
    assert has_frame(2000, 1234, 1999) and not has_frame(2000, 1234, 1998)
    assert all(has_frame(400, 7, s) for s in range(400))


# --- labels, colours, hover ---------------------------------------------------------------------------


@pytest.mark.parametrize("vocabulary", VOCABS)
def test_labels_come_from_the_chosen_vocabulary(vocabulary):
    other = "udacity" if vocabulary == "standard" else "standard"
    fig = stepping_figure(make_trace("standard"), 1, vocabulary)
    text = all_text(fig)
    for key in ("c", "h", "f", "i", "g", "o", "kept", "written", "c_prev", "h_prev"):
        assert notation.name(key, vocabulary) in text
        assert notation.html(key, vocabulary) in text
    # Words of the other vocabulary never appear (names that the two share are skipped).
    for key in ("c", "h", "i", "g", "o", "kept", "written"):
        assert notation.name(key, other) not in text
    assert one(fig, "c").name == notation.title("c", vocabulary)


def test_long_term_memory_for_udacity_cell_state_for_standard():
    uda = all_text(stepping_figure(make_trace(), 0, "udacity"))
    std = all_text(stepping_figure(make_trace(), 0, "standard"))
    assert notation.name("c", "udacity") == "long-term memory"
    assert "long-term memory" in uda and "cell state" not in uda
    assert "cell state" in std and "long-term memory" not in std


def test_colours_come_from_the_notation_table():
    fig = stepping_figure(make_trace(), 0, "standard")
    for role in BAR_FIELDS:
        assert one(fig, role).marker.color == notation.colour(role)
    assert one(fig, "c_tick").marker.line.color == notation.colour("c")
    assert all(tr.line.color == notation.colour("x") for tr in by_role(fig, "input"))


def test_hover_shows_four_significant_digits_unit_and_step():
    fig = stepping_figure(make_trace(), 4, "standard")
    for role in BAR_FIELDS:
        template = one(fig, role).hovertemplate
        assert ":.4g}" in template and "unit %{x}" in template and "t = 4<" in template
    for hm in by_role(fig, "heatmap"):
        assert (
            "%{z:.4g}" in hm.hovertemplate
            and "unit %{y}" in hm.hovertemplate
            and "t = %{x}" in hm.hovertemplate
        )
    for tr in by_role(fig, "unit_line") + by_role(fig, "input"):
        assert "%{y:.4g}" in tr.hovertemplate and "t = %{x}" in tr.hovertemplate


def test_no_forget_says_its_forget_heatmap_is_constant():
    fig = stepping_figure(make_trace("no_forget"), 0, "udacity")
    np.testing.assert_array_equal(one(fig, "heatmap", key="f").z, np.ones((H, T)))
    assert any(f"has no {notation.name('f', 'udacity')}" in a.text for a in fig.layout.annotations)


def test_backdrop_images_show_the_heatmap_colours():
    """Play (redraw=False) wipes heatmap traces off the screen; the image underneath must match them."""
    trace = make_trace("udacity", hidden=2, steps=5)
    fig = stepping_figure(trace, 0, "udacity")
    assert len(fig.layout.images) == 5
    for image, key in zip(fig.layout.images, gate_keys("udacity"), strict=True):
        assert image.name == f"heatmap:{key}" and image.layer == "below"
        assert (image.x, image.y, image.sizex, image.sizey) == (-0.5, -0.5, 5, 2)
        hm = one(fig, "heatmap", key=key)
        assert (image.xref, image.yref) == (hm.xaxis, hm.yaxis)
        pixels = read_png(image.source)
        rows, cols, _ = pixels.shape
        values = getattr(trace.layers[0], key)
        for j in range(2):
            for t in range(5):
                centre = pixels[int((j + 0.5) * rows / 2), int((t + 0.5) * cols / 5)]
                np.testing.assert_allclose(centre, expected_colour(values[t, j], key), atol=1)


def expected_colour(value: float, key: str) -> np.ndarray:
    """Written out independently: white → the key's colour for gates; vermillion → white → colour for g, u."""

    def rgb(hex_colour):
        return np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)

    white, top = rgb("#ffffff"), rgb(notation.colour(key))
    if notation.quantity(key).kind != "squash":
        return white + value * (top - white)
    bottom = rgb(notation.OKABE_ITO["vermillion"])
    return white + value * (top - white) if value >= 0 else white + (-value) * (bottom - white)


def read_png(uri: str) -> np.ndarray:
    data = base64.b64decode(uri.split(",", 1)[1])
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        tag, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if tag == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
            assert body[8:10] == b"\x08\x02"  # 8-bit RGB
        elif tag == b"IDAT":
            idat += body
        pos += 12 + length
    raw = np.frombuffer(zlib.decompress(idat), np.uint8).reshape(height, 1 + 3 * width)
    assert not raw[:, 0].any()  # filter type 0 on every row
    return raw[:, 1:].reshape(height, width, 3)


# --- every variant, every vocabulary: finite, valid ---------------------------------------------------


def _numbers(obj):
    """Every number inside a figure's JSON, typed arrays decoded."""
    if isinstance(obj, dict):
        if "bdata" in obj:
            yield from decode(obj).ravel().tolist()
        else:
            for v in obj.values():
                yield from _numbers(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _numbers(v)
    elif isinstance(obj, (int, float)) and not isinstance(obj, bool):
        yield obj


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("vocabulary", VOCABS)
def test_every_variant_builds_without_nan(variant, vocabulary):
    trace = make_trace(variant, layers=2)
    fig = stepping_figure(trace, T - 1, vocabulary, layer=1, unit=H - 1)
    spec = fig.to_json()
    assert "NaN" not in spec and "Infinity" not in spec and "undefined" not in spec
    numbers = list(_numbers(json.loads(spec)))
    assert numbers and all(math.isfinite(v) for v in numbers)
    assert "nan" not in all_text(fig).lower()


def test_single_step_single_unit():
    trace = make_trace("standard", steps=1, hidden=1, inputs=1)
    fig = stepping_figure(trace, 0, "standard")
    assert [f.name for f in fig.frames] == ["0"]
    np.testing.assert_array_equal(one(fig, "c").y, trace.c[0])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(t=-1), "outside 0..6"),
        (dict(t=T), "outside 0..6"),
        (dict(t=1.0), "whole number"),
        (dict(t=True), "whole number"),
        (dict(layer=1), "layer 1 is outside"),
        (dict(unit=H), "unit 3 is outside"),
        (dict(vocabulary="klingon"), "unknown vocabulary"),
    ],
)
def test_out_of_range_arguments_raise(kwargs, match):
    args = dict(t=0, vocabulary="standard") | kwargs
    with pytest.raises(ValueError, match=match):
        stepping_figure(make_trace(), **args)


def test_numpy_integers_are_accepted():
    fig = stepping_figure(make_trace(), np.int64(2), "standard", layer=np.int64(0), unit=np.int32(1))
    np.testing.assert_array_equal(one(fig, "c").y, make_trace().c[2])


# --- the plain spec and its cached parts (the page's fast path) -------------------------------------


def _plain(obj, path="spec"):
    """Every leaf is a JSON scalar: no NumPy array or number, no base64 typed array."""
    if isinstance(obj, dict):
        assert "bdata" not in obj, path
        for k, v in obj.items():
            assert isinstance(k, str), path
            _plain(v, f"{path}.{k}")
    elif isinstance(obj, list):
        for k, v in enumerate(obj):
            _plain(v, f"{path}[{k}]")
    else:
        assert obj is None or type(obj) in (str, int, float, bool), (path, type(obj))


@pytest.mark.parametrize("variant", VARIANTS)
def test_spec_is_plain_json_with_the_traces_numbers(variant):
    """The page sends the spec unchecked (ui.figure_cache.SpecFigure): it must be plain JSON data."""
    trace = make_trace(variant)
    lt = trace.layers[0]
    spec = stepping_spec(trace, 4, "udacity", unit=2)
    _plain(spec)
    assert set(spec) == {"data", "layout", "frames"}
    roles = {(d["meta"]["role"], d["meta"].get("key")): d for d in spec["data"]}
    assert roles["c", None]["y"] == lt.c[4].tolist()
    assert roles["heatmap", "f"]["z"] == lt.f.T.tolist()
    assert roles["unit_line", "h"]["y"] == lt.h[:, 2].tolist()
    # The validated figure is the same figure: go.Figure checks every property of the spec.
    assert json.loads(stepping_figure(trace, 4, "udacity", unit=2).to_json()) == json.loads(json.dumps(spec))


def test_parts_give_the_spec_of_every_step_and_unit():
    trace = make_trace("udacity", steps=30, hidden=4)
    parts = SteppingParts(trace, "udacity", max_frames=7)  # stride 5: some steps are off the frame grid
    for t, unit in [(0, 0), (13, 3), (29, 1), (13, 0), (7, 3)]:
        expected = stepping_spec(trace, t, "udacity", unit=unit, max_frames=7)
        assert parts.spec(t, unit) == expected
        assert str(t) in [f["name"] for f in expected["frames"]]


def test_parts_are_never_changed_by_a_step():
    """One SteppingParts serves every rerun and session: an earlier spec must stay as it was."""
    trace = make_trace(steps=T)
    lt = trace.layers[0]
    parts = SteppingParts(trace, "standard")
    first = parts.spec(2, 1)
    snapshot = json.dumps(first)
    later = parts.spec(5, 2)
    assert json.dumps(first) == snapshot
    c_first = next(d for d in first["data"] if d["meta"]["role"] == "c")
    c_later = next(d for d in later["data"] if d["meta"]["role"] == "c")
    assert c_first["y"] == lt.c[2].tolist() and c_later["y"] == lt.c[5].tolist()
    dots = next(d for d in later["data"] if d["meta"] == {"role": "t_dots", "panel": "unit"})
    assert dots["y"] == [float(getattr(lt, k)[5, 2]) for k in line_keys("standard")]


def test_parts_keep_the_last_units_and_rebuild_older_ones():
    trace = make_trace(hidden=SteppingParts.UNITS_KEPT + 3)
    parts = SteppingParts(trace, "standard")
    for unit in [*range(trace.hidden_size), 0]:  # unit 0 was dropped, then built again
        spec = parts.spec(3, unit)
        lines = [d for d in spec["data"] if d["meta"]["role"] == "unit_line"]
        assert {d["meta"]["unit"] for d in lines} == {unit}
        assert lines[-1]["y"] == trace.layers[0].h[:, unit].tolist()
        assert spec["layout"]["annotations"][-1]["text"] == f"unit {unit} over time"
    assert len(parts._units) == SteppingParts.UNITS_KEPT


@pytest.mark.parametrize(
    ("t", "unit", "match"),
    [(-1, 0, "outside 0..6"), (T, 0, "outside 0..6"), (1.0, 0, "whole number"), (0, H, "unit 3 is outside")],
)
def test_parts_refuse_steps_and_units_outside_the_trace(t, unit, match):
    with pytest.raises(ValueError, match=match):
        SteppingParts(make_trace(), "standard").spec(t, unit)


# --- the table -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("vocabulary", VOCABS)
def test_table_is_the_tidy_frame_pivoted_with_notation_headings(vocabulary):
    trace = make_trace("udacity", layers=2)
    table = trace_table(trace, 1, vocabulary)
    headings = [notation.short(k, vocabulary, "udacity") for k in TABLE_KEYS]
    assert list(table.columns) == ["t", "unit", *headings]
    assert len(table) == T * H
    lt = trace.layers[1]
    for key, heading in zip(TABLE_KEYS, headings, strict=True):
        np.testing.assert_array_equal(table[heading].to_numpy(), getattr(lt, key).ravel())
    np.testing.assert_array_equal(table["t"], np.repeat(np.arange(T), H))
    np.testing.assert_array_equal(table["unit"], np.tile(np.arange(H), T))
    assert "v" not in TABLE_KEYS and "o" in TABLE_KEYS  # v is o in every variant: listed once
    # The same rows as the tidy frame of the whole trace, pivoted.
    tidy = trace.to_frame()
    pivoted = (
        tidy[tidy["layer"] == 1]
        .pivot(index=["t", "unit"], columns="quantity", values="value")
        .reindex(columns=list(TABLE_KEYS))
        .reset_index()
    )
    np.testing.assert_array_equal(table.to_numpy(), pivoted.to_numpy())
    helps = table_help(trace, vocabulary)
    assert set(helps) == set(headings)
    assert helps[notation.short("c", vocabulary)].startswith(notation.name("c", vocabulary))


def test_every_signed_scale_tells_minus_one_from_plus_one():
    """g, u, the GRU's n and the RNN's h run over [-1, 1]: the two ends of their colour scale differ."""
    for key in ("g", "u", "n", "h"):
        scale, zmin, zmax = colour_scale(key)
        assert (zmin, zmax) == (-1.0, 1.0) and scale[0][1] != scale[-1][1], key
        assert scale[-1][1] == notation.colour(key)


def _panels(fig) -> list[tuple[list[float], list[float]]]:
    """(x domain, y domain) of every panel, from its x axis and the y axis it is anchored to."""
    layout = fig.layout
    out = []
    for name in [k for k in layout if k.startswith("xaxis")]:
        x = layout[name]
        y = layout["yaxis" + x.anchor[1:]]
        out.append((list(x.domain), list(y.domain)))
    return out


def _overlap(a, b) -> bool:
    return min(a[1], b[1]) - max(a[0], b[0]) > 1e-9


@pytest.mark.parametrize("arrangement", ["column", "present"])
def test_every_arrangement_draws_the_same_numbers(arrangement):
    trace = make_trace("udacity")
    wide = stepping_figure(trace, 3, "standard").to_dict()
    other = stepping_figure(trace, 3, "standard", arrangement=arrangement).to_dict()
    for key in ("x", "y", "z", "base"):
        assert [d.get(key) for d in other["data"]] == [d.get(key) for d in wide["data"]]
    assert [f["data"] for f in other["frames"]] == [f["data"] for f in wide["frames"]]


@pytest.mark.parametrize("variant", ["standard", "udacity"])
def test_a_phone_gets_one_full_width_panel_under_another(variant):
    panels = _panels(stepping_figure(make_trace(variant), 2, "standard", arrangement="column"))
    assert len(panels) == 3 + len(gate_keys(variant)) + 2
    assert all(x == [0.0, 1.0] for x, _ in panels)
    tops = sorted((y for _, y in panels), key=lambda y: -y[1])
    assert all(lower[1] < upper[0] for upper, lower in zip(tops, tops[1:], strict=False))  # a gap between


@pytest.mark.parametrize("variant", ["standard", "udacity"])
def test_a_projector_gets_two_columns_that_fit_under_the_player(variant):
    fig = stepping_figure(make_trace(variant), 2, "standard", arrangement="present")
    panels = _panels(fig)
    for k, (x1, y1) in enumerate(panels):
        for x2, y2 in panels[k + 1 :]:
            assert not (_overlap(x1, x2) and _overlap(y1, y2)), (x1, y1, x2, y2)
    assert {tuple(x) for x, _ in panels if x[1] <= 0.5} and {tuple(x) for x, _ in panels if x[0] >= 0.5}
    # Drawn with the presenter's text (margins × FIGURE_SCALE), at most 430 px: with the title and the
    # player above, it ends inside a 720 px screen (tests/browser/test_presenter.py measures that).
    presented = scale_fonts(fig.to_dict(), FIGURE_SCALE, MIN_FIGURE_PX)
    assert presented["layout"]["height"] <= 430


def test_an_unknown_arrangement_is_refused():
    with pytest.raises(ValueError, match="arrangement"):
        stepping_figure(make_trace(), 0, "standard", arrangement="tiny")
