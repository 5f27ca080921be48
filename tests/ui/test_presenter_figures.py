"""Presenter mode enlarges the text inside figures: Plotly sizes fonts in pixels, out of reach of the CSS."""

import json

import plotly.graph_objects as go

from tests.app.pages import open_page
from ui.presenter import FIGURE_SCALE, MIN_FIGURE_PX, PLOTLY_FONT_SIZE, scale_fonts


def _figure() -> dict:
    fig = go.Figure(go.Scatter(x=[0, 1], y=[2, 3], textfont={"size": 10}))
    fig.update_layout(
        title={"text": "t", "font": {"size": 20}},
        xaxis={"tickfont": {"size": 9}},
        annotations=[{"text": "a", "font": {"size": 14}}, {"text": "b"}],
        legend={"font": {"size": 11, "color": "black"}},
    )
    fig.frames = [go.Frame(data=[go.Scatter(textfont={"size": 8})])]
    return fig.to_dict()


def test_every_font_size_is_scaled_and_nothing_else_changes():
    spec = _figure()
    before = json.dumps(spec, sort_keys=True)
    out = scale_fonts(spec, 2.0)
    assert json.dumps(spec, sort_keys=True) == before  # the input is not changed
    layout = out["layout"]
    assert layout["font"]["size"] == 2 * PLOTLY_FONT_SIZE
    assert layout["title"]["font"]["size"] == 40
    assert layout["xaxis"]["tickfont"]["size"] == 18
    assert [a.get("font", {}).get("size") for a in layout["annotations"]] == [28, None]
    assert layout["legend"]["font"] == {"size": 22, "color": "black"}
    assert out["data"][0]["textfont"]["size"] == 20
    assert out["frames"][0]["data"][0]["textfont"]["size"] == 16
    assert out["data"][0]["y"] == [2, 3] and out["layout"]["title"]["text"] == "t"


def _font_sizes(at) -> list[float]:
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    return [spec["layout"].get("font", {}).get("size", PLOTLY_FONT_SIZE)] + [
        a["font"]["size"] for a in spec["layout"].get("annotations", []) if "size" in a.get("font", {})
    ]


def test_presenter_mode_draws_the_gate_lab_figure_with_larger_text():
    normal, presenting = open_page("views/3_Gate_lab.py"), open_page("views/3_Gate_lab.py", present=1)
    assert [round(max(s * FIGURE_SCALE, MIN_FIGURE_PX), 6) for s in _font_sizes(normal)] == [
        round(s, 6) for s in _font_sizes(presenting)
    ]
    assert min(_font_sizes(presenting)) >= MIN_FIGURE_PX


def test_a_floor_lifts_small_text_and_leaves_large_text_scaled():
    out = scale_fonts(_figure(), 1.3, 18)
    assert out["layout"]["xaxis"]["tickfont"]["size"] == 18  # 9 × 1.3 = 11.7, lifted to the floor
    assert out["layout"]["title"]["font"]["size"] == 26  # 20 × 1.3
    assert out["frames"][0]["data"][0]["textfont"]["size"] == 18


def test_sizes_written_inside_a_text_grow_too():
    spec = {"data": [], "layout": {"annotations": [{"text": 'a<br><span style="font-size:12px">b</span>'}]}}
    (note,) = scale_fonts(spec, 1.3, 18)["layout"]["annotations"]
    assert note["text"] == 'a<br><span style="font-size:18px">b</span>'
    (note,) = scale_fonts(spec, 2.0)["layout"]["annotations"]
    assert note["text"] == 'a<br><span style="font-size:24px">b</span>'


def test_set_margins_grow_and_the_height_makes_room_for_them():
    spec = {"data": [], "layout": {"margin": {"t": 40, "b": 20, "l": 10, "r": 0, "pad": 4}, "height": 300}}
    out = scale_fonts(spec, 1.5)["layout"]
    assert out["margin"] == {"t": 60, "b": 30, "l": 15, "r": 0, "pad": 4}
    assert out["height"] == 300 + 20 + 10
