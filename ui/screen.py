"""Which screen a page is drawn for: a narrow one (a phone, a narrow window), a projector (presenter
mode), or a desktop; and the figure arrangement that goes with it (docs/design.md, "Screens").

The server cannot see the window. CSS reflows the page itself (Streamlit stacks columns below 640 px),
but a Plotly figure's panels are placed in its spec, so the spec must be chosen for the width. Two
sources, in order:

1. the browser's own report: a small components-v2 element (no iframe, no pixels, in the sidebar) asks
   ``matchMedia("(max-width: 639.98px)")`` and reports only when the answer differs from what the server
   assumed, and again whenever a resize crosses the line. A desktop therefore never reruns for it; a phone
   reruns once per session; a window narrowed past 640 px reruns once and gets the one-column figures;
2. before that report, the request's User-Agent client hints (``Sec-CH-UA-Mobile: ?1``, or "Mobi" in the
   User-Agent): a phone's first draw is already narrow in the common case.

The answer is kept in ``st.session_state[KEY]`` for the session, so every later page of the session is
drawn right the first time.
"""

from __future__ import annotations

import streamlit as st

from ui import presenter

KEY = "screen_narrow"
NARROW_PX = 640  # Streamlit's own breakpoint: below it, st.columns stack

_JS = f"""
export default function (component) {{
  const {{ setStateValue, data }} = component;
  const query = window.matchMedia("(max-width: {NARROW_PX - 0.02}px)");
  let told = data.narrow;
  const tell = () => {{
    if (query.matches !== told) {{
      told = query.matches;
      setStateValue("narrow", told);
    }}
  }};
  tell();
  query.addEventListener("change", tell);
  return () => query.removeEventListener("change", tell);
}}
"""
_probe = st.components.v2.component("lstm_gate_lab_screen", js=_JS)

# Plotly's toolbar (the modebar) floats over a figure's top right corner, where titles are, and shows
# for good on a touch screen: every figure gets a strip of its own above it for the toolbar.
MODEBAR_PX = 30
STYLE = f"""<style>
.stPlotlyChart {{ padding-top: {MODEBAR_PX}px; }}
.stPlotlyChart .js-plotly-plot {{ overflow: visible !important; }}
.stPlotlyChart .modebar-container {{ top: -{MODEBAR_PX}px !important; }}
</style>"""


def _from_headers() -> bool:
    headers = st.context.headers
    return headers.get("Sec-CH-UA-Mobile", "") == "?1" or "Mobi" in headers.get("User-Agent", "")


def _adopt() -> None:
    reported = st.session_state.get("screen_probe", {}).get("narrow")
    if isinstance(reported, bool):
        st.session_state[KEY] = reported


def narrow() -> bool:
    """The page is drawn for a narrow screen (under ``NARROW_PX`` wide), as far as the server knows."""
    if KEY not in st.session_state:
        st.session_state[KEY] = _from_headers()
    return bool(st.session_state[KEY])


def probe(where=None) -> None:
    """Mount the width probe (in ``where``, the sidebar by default) and the figures' toolbar strip
    (``STYLE``); ``ui.controls.sidebar`` does, on every page."""
    where = st.sidebar if where is None else where
    st.html(STYLE)
    with where:
        _probe(key="screen_probe", data={"narrow": narrow()}, height=0, on_narrow_change=_adopt)


def arrangement() -> str:
    """How a multi-panel figure lays out its panels here (``ui.figures.stepping.ARRANGEMENTS``): one
    column on a narrow screen, the projector's two columns in presenter mode, else the desktop's."""
    if narrow():
        return "column"
    return "present" if presenter.is_on() else "wide"
