"""Presenter mode: large type and high contrast for a projector, the sidebar out of the way, and big
Previous / Next links between the pages.

The sidebar's "Presenter mode" toggle turns it on; a link with ``?present=1`` turns it on for a new
session. While it is on, the address bar keeps ``present=1``, so it stays a link that opens the same way.
``ui.controls.sidebar()`` calls :func:`apply` on every run, so every page gets it without a change.

How it looks is all CSS (:data:`STYLE`, injected with ``st.html``): the root font size is scaled by
:data:`SCALE` (Streamlit sizes text and spacing in rem, so everything grows together), text is pure
black, buttons are big, and the main column takes the whole width. Plotly figures keep their own pixel
sizes. The sidebar starts collapsed through ``st.set_page_config(initial_sidebar_state=…)``; the browser
remembers a sidebar the user opened or closed by hand, and that choice wins.
"""

from __future__ import annotations

import re

import plotly.graph_objects as go
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

KEY = "present"  # the toggle's session-state key and the query parameter (ui/state.py: FOREIGN_OK)
ON_VALUES = ("1", "true", "yes", "on")
NAV_KEY = "presenter_nav"  # the container of the Previous / Next links: CSS finds it as .st-key-presenter_nav
SCALE = 1.35  # presenter font size relative to Streamlit's 16 px
MIN_FIGURE_PX = 18  # no text of a figure, table or caption is smaller (readable from the back of a room)

STYLE = f"""
<style>
html {{ font-size: {16 * SCALE:.1f}px !important; }}
.stApp, .stApp [data-testid="stMarkdownContainer"], .stApp label {{ color: #000000 !important; }}
.stApp [data-testid="stCaptionContainer"] {{ color: #1a1a1a !important; opacity: 1 !important; }}
.stApp [data-testid="stMainBlockContainer"] {{
    max-width: none !important;
    padding: 4.2rem 1.2rem 3rem 1.2rem !important;
}}
.stApp h1 {{ font-size: 1.9rem !important; padding: 0.2rem 0 0.25rem 0 !important; }}
.stApp button {{ min-height: 2.6rem; border-width: 2px !important; }}
.stApp button p {{ font-weight: 600; }}
.stApp code {{ font-size: max(0.85em, {MIN_FIGURE_PX}px) !important; }}
/* A projector shows, it does not zoom: no figure toolbar, and no strip kept for it (ui/screen.py). */
.stApp .stPlotlyChart {{ padding-top: 0 !important; }}
.stApp .stPlotlyChart .modebar-container {{ display: none !important; }}
.st-key-{NAV_KEY} {{
    position: fixed; top: 0.35rem; right: 3.2rem; z-index: 1000001; width: auto !important; gap: 0.5rem;
}}
.st-key-{NAV_KEY} a {{
    border: 2px solid #000000; border-radius: 0.5rem; padding: 0.15rem 0.9rem; background: #f2f2f2;
}}
.st-key-{NAV_KEY} a p {{ font-size: 1.1rem !important; font-weight: 700; color: #000000 !important; }}
.st-key-{NAV_KEY} button {{ min-height: 2.3rem; border-color: #000000 !important; }}
</style>
"""


def from_link(params=None) -> bool:
    """True when the link asks for presenter mode (``?present=1``; also true/yes/on)."""
    params = st.query_params if params is None else params
    return str(params.get(KEY, "")).strip().lower() in ON_VALUES


def is_on() -> bool:
    """Presenter mode is on: the toggle's value, or the link's before the toggle is drawn."""
    return bool(st.session_state.get(KEY, from_link()))


def apply(sb=None) -> bool:
    """Draw the toggle (in ``sb``, the sidebar by default), keep the link in step, and when presenter mode
    is on restyle the page and add the Previous / Next links. Returns whether it is on."""
    sb = st.sidebar if sb is None else sb
    # Seeded from the link on the first run, then re-assigned every run so the value survives page switches.
    st.session_state[KEY] = is_on()
    on = sb.toggle(
        "Presenter mode",
        key=KEY,
        help="Large type and high contrast for a projector, the sidebar tucked away, big Previous / Next "
        "links. The link gets ?present=1, so a shared link opens in presenter mode too.",
    )
    _sync_link(on)
    st.set_page_config(initial_sidebar_state="collapsed" if on else "auto")
    if on:
        st.html(STYLE)
        _nav()
    return on


def _sync_link(on: bool) -> None:
    """``present=1`` in the address bar while on, gone while off."""
    if on and st.query_params.get(KEY) != "1":
        st.query_params[KEY] = "1"
    elif not on and KEY in st.query_params:
        del st.query_params[KEY]


def _turn_off() -> None:
    st.session_state[KEY] = False


# ---------------------------------------------------------------------------------------------------------
# Previous / Next
# ---------------------------------------------------------------------------------------------------------


def pages() -> tuple[list[tuple[str, str]], int]:
    """The app's pages in sidebar order as (script path, title), and the index of the page running now
    (-1 if unknown), as app.py's navigation declares them (so the home page is "Home")."""
    ctx = get_script_run_ctx()
    if ctx is None:
        return [], -1
    found, current = [], -1
    for k, (page_hash, page) in enumerate(ctx.pages_manager.get_pages().items()):
        path = page["script_path"]
        title = page["page_name"].replace("_", " ")
        found.append((path, title))
        if page_hash == ctx.page_script_hash:
            current = k
    return found, current


def neighbours(count: int, current: int) -> tuple[int | None, int | None]:
    """The indices of the previous and the next page around ``current`` of ``count`` (None at the ends)."""
    if current < 0:
        return None, None
    return (current - 1 if current > 0 else None), (current + 1 if current < count - 1 else None)


def _nav() -> None:
    """In the empty top bar, right: ◀ previous page, next page ▶, and a way out of presenter mode.

    Fixed in the header, so the links never cover the page, however far it is scrolled."""
    found, current = pages()
    before, after = neighbours(len(found), current)
    with st.container(key=NAV_KEY, horizontal=True, vertical_alignment="center", width="content"):
        for index, arrow in ((before, "◀ {}"), (after, "{} ▶")):
            if index is not None:
                path, title = found[index]
                st.page_link(path, label=arrow.format(title), query_params={KEY: "1"})
        st.button("✕", key="present_exit", help="Leave presenter mode", on_click=_turn_off)


# ---------------------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------------------

FIGURE_SCALE = 1.3  # Plotly draws in pixels, so the page's rem scaling does not reach a figure's text
PLOTLY_FONT_SIZE = 12  # Plotly's own default, used where a figure sets no size
_INLINE_PX = re.compile(r"font-size:\s*(\d+(?:\.\d+)?)px")


def presenter_px(size: float, factor: float = FIGURE_SCALE, floor: float = MIN_FIGURE_PX) -> float:
    """A font size as presenter mode draws it: ``factor`` times larger, and never below ``floor``."""
    return max(size * factor, floor)


def scale_fonts(spec: dict, factor: float, floor: float = 0.0) -> dict:
    """A copy of a figure dict in which every font size is ``factor`` times larger, and at least ``floor``.

    Every ``size`` inside a key ending in "font" (font, tickfont, textfont, …) is scaled, in the layout,
    the traces and the animation frames; the base font gets Plotly's default size first if it has none.
    So is a ``font-size:…px`` written inside a text (a title's second, smaller line), which is how Plotly
    text changes size mid-way. (Plotly's <sub> and <sup> stay at 70 % of their line.)
    Set margins grow by ``factor``, and a set height by what the top and bottom margins grew.
    Number arrays are shared with ``spec``, not copied.
    """

    def px(size: float) -> float:
        return presenter_px(size, factor, floor)

    def inline(match: re.Match) -> str:
        return f"font-size:{px(float(match[1])):g}px"

    def walk(node, key: str = ""):
        if isinstance(node, dict):
            out = {k: walk(v, k) for k, v in node.items()}
            if key.endswith("font") and isinstance(out.get("size"), int | float):
                out["size"] = px(out["size"])
            return out
        if isinstance(node, list) and node and isinstance(node[0], dict | list):
            return [walk(v, key) for v in node]
        if key == "text" and isinstance(node, str) and "font-size" in node:
            return _INLINE_PX.sub(inline, node)
        return node

    layout = dict(spec.get("layout", {}))
    layout["font"] = {"size": PLOTLY_FONT_SIZE, **layout.get("font", {})}
    data = list(spec.get("data", []))
    _own_sizes(layout, data)
    if margin := layout.get("margin"):  # titles and tick labels live in the margins: make room for them
        layout["margin"] = {k: v * factor if k in "tblr" else v for k, v in margin.items()}
        if "height" in layout:
            grown = sum(layout["margin"].get(k, 0) - margin.get(k, 0) for k in "tb")
            layout["height"] = layout["height"] + grown
    return walk({**spec, "layout": layout, "data": data})


def _own_sizes(layout: dict, data: list) -> None:
    """Give every axis, legend and colour bar of the figure a font size of its own (the base font's
    where it has none), in place: a chart drawn with Streamlit's theme takes those from the theme's
    template, in sizes that the scaling would never see. ``layout`` and ``data`` are the caller's copies:
    their entries are replaced, never changed."""
    base = layout["font"]["size"]
    axes = {k for k in layout if re.fullmatch(r"[xy]axis\d*", k)} | {"xaxis", "yaxis"}
    for trace in data:
        for letter in "xy":
            if ref := trace.get(f"{letter}axis"):
                axes.add(ref.replace(letter, f"{letter}axis", 1))
    for name in axes:
        axis = dict(layout.get(name, {}))
        axis["tickfont"] = {"size": base, **axis.get("tickfont", {})}
        title = axis.get("title", {})
        if isinstance(title, dict) and title.get("text"):
            axis["title"] = {**title, "font": {"size": base, **title.get("font", {})}}
        if axis.get("type") == "log" and "dtick" not in axis:
            axis["dtick"] = 1  # powers of ten only: Plotly writes the digits between them at 75 %
        layout[name] = axis
    for name in {k for k in layout if re.fullmatch(r"legend\d*", k)} | {"legend"}:
        legend = dict(layout.get(name, {}))
        legend["font"] = {"size": base, **legend.get("font", {})}
        layout[name] = legend
    for name in [k for k in layout if re.fullmatch(r"coloraxis\d*", k)]:
        bar = layout[name].get("colorbar", {})
        sized = {**bar, "tickfont": {"size": base, **bar.get("tickfont", {})}}
        layout[name] = {**layout[name], "colorbar": sized}
    for k, trace in enumerate(data):
        if isinstance(trace.get("colorbar"), dict):
            bar = trace["colorbar"]
            data[k] = {**trace, "colorbar": {**bar, "tickfont": {"size": base, **bar.get("tickfont", {})}}}


def table(frame, **kwargs) -> None:
    """A small table: ``st.dataframe`` (kwargs as there), or in presenter mode ``st.table``, whose HTML
    text grows with the page (a dataframe draws on a canvas, in sizes of its own)."""
    if is_on():
        st.table(frame.style.hide(axis="index") if kwargs.get("hide_index") else frame)
    else:
        st.dataframe(frame, **kwargs)


def presented(fig):
    """The figure (a ``go.Figure`` or a finished dict, returned as the same kind) as the page should draw
    it: in presenter mode every text ``FIGURE_SCALE`` times larger and at least ``MIN_FIGURE_PX``,
    unchanged otherwise. Every page draws every figure through this: it is the one setting figures read
    for presenter mode (docs/design.md, "Screens")."""
    if not is_on():
        return fig
    if isinstance(fig, dict):
        return scale_fonts(fig, FIGURE_SCALE, MIN_FIGURE_PX)
    return go.Figure(scale_fonts(fig.to_dict(), FIGURE_SCALE, MIN_FIGURE_PX))
