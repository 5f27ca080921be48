"""Next step without a redraw: the stepping figure is drawn once per view and follows t in the browser.

Streamlit remounts a Plotly chart whenever its spec changes, and a remount of the stepping figure costs two
full Plotly draws (its ~30 traces over nine panels). So the Step through time page keeps the spec the same
while only t moves: the figure is built at an *anchor* step and carries an animation frame per step, and
each step writes a small script (``assets/js/show_step.js``) that shows frame t with ``Plotly.animate``,
which is what the figure's own slider does. The chart's element is then identical from step to step:
the browser keeps the copy it has (a step brings ~5 KB, not the ~100 KB figure) and draws nothing new.

The anchor moves to t, and the figure is drawn afresh, only when it would change anyway (another trace,
vocabulary, layer, unit or presenter mode: the *view*) or when it has no frame for t (a long sequence has
a frame every few steps). Each new anchor gets the next revision number, which goes into the chart's
Streamlit key and so into its CSS class: the script animates only the chart drawn for this anchor, never
one that is about to be replaced. Pure functions: the state is any mapping (``st.session_state`` on the
page, a dict in the tests).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Hashable, MutableMapping
from dataclasses import dataclass
from pathlib import Path

STATE_KEY = "step_anchor"
HOLDER_KEY = "step_follow"  # the key of the container the page puts the script in: hidden, takes no room
# Streamlit wraps the container in one more element, which its column's gap would space out: hide that.
HIDE_HOLDER = f"div:has(> .st-key-{HOLDER_KEY}) {{ display: none; }}"
_KEY = re.compile(r"[A-Za-z0-9_-]+")  # a Streamlit key that is its own CSS class name, as written
SCRIPT_PATH = Path(__file__).resolve().parent.parent / "assets" / "js" / "show_step.js"
SCRIPT = SCRIPT_PATH.read_text(encoding="utf-8")


@dataclass(frozen=True)
class Anchor:
    """The figure the browser has drawn: built for ``view`` at step ``t``, the ``revision``-th of the
    session."""

    view: Hashable
    t: int
    revision: int

    def chart_key(self, base: str) -> str:
        """The chart's Streamlit key: ``base`` and the revision (its container's class is st-key-<key>)."""
        return f"{base}_{self.revision}"


def anchor(state: MutableMapping, view: Hashable, t: int, has_frame: Callable[[int, int], bool]) -> Anchor:
    """The anchor to draw the figure at for step t: the kept one while only t moved and its figure has a
    frame for t (``has_frame(anchor_t, t)``), else a new one at t, kept in ``state``."""
    kept = state.get(STATE_KEY)
    if kept is None or kept.view != view or not has_frame(kept.t, t):
        kept = Anchor(view, int(t), 0 if kept is None else kept.revision + 1)
        state[STATE_KEY] = kept
    return kept


def script(chart_key: str, t: int) -> str:
    """An HTML ``<script>`` that shows frame ``t`` of the chart with Streamlit key ``chart_key``, after a
    ``<style>`` that hides the container keyed ``HOLDER_KEY`` (so the empty element adds no gap to the
    page). Only numbers and the page's own keys go in (as JSON literals): nothing a visitor typed."""
    if isinstance(t, bool) or not isinstance(t, int) or t < 0:
        raise ValueError(f"t must be a whole number ≥ 0; got {t!r}")
    if not _KEY.fullmatch(chart_key):
        raise ValueError(f"a chart key of letters, digits, '_' and '-' only; got {chart_key!r}")
    selector = f".st-key-{chart_key} .js-plotly-plot"
    code = SCRIPT.replace('/*FRAME*/ "0"', json.dumps(str(t))).replace(
        '/*CHART*/ ".js-plotly-plot"', json.dumps(selector)
    )
    return f"<style>{HIDE_HOLDER}</style><script>{code}</script>"
