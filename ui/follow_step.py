"""One step state per page: the step player (``ui.components.step_player``) bound to the view's t, and
the stepping figure drawn once per view so that a step only shows another of its animation frames.

``player(T, t, key=...)`` draws the page's one set of time controls. The learner's steps (buttons,
slider, keys, Play) move the figure in the browser at once and reach the server as a report, which a
callback stores as the view's t (and so the link's ``t``) before the rerun that draws the page's label,
equations and other figures at that step. When the server moves t itself (a link, a shorter sequence:
``ui.controls.sidebar`` clamps it and says so), the player is told with a new revision and jumps there.

Streamlit remounts a Plotly chart whenever its spec changes, and a remount of the stepping figure costs two
full Plotly draws (its ~30 traces over nine panels). So the Step through time page keeps the spec the same
while only t moves: the figure is built at an *anchor* step and carries an animation frame per step, and
the player shows frame t with ``Plotly.animate`` (no resend, no redraw).

The anchor moves to t, and the figure is drawn afresh, only when it would change anyway (another trace,
vocabulary, layer, unit or presenter mode: the *view*) or when it has no frame for t (a long sequence has
a frame every few steps, and one for each step near the anchor, so stepping one at a time redraws only
every ``ui.figures.stepping.NEAR_FRAMES`` steps). Each new anchor gets the next revision number, which
goes into the chart's Streamlit key and so into its CSS class: the player animates only the chart drawn
for this anchor, never one that is about to be replaced. ``anchor`` is pure: the state is any mapping
(``st.session_state`` on the page, a dict in the tests).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, MutableMapping, Sequence
from dataclasses import dataclass

import streamlit as st

from ui import controls, presenter
from ui.components.step_player import step_player

STATE_KEY = "step_anchor"
_KEY = re.compile(r"[A-Za-z0-9_-]+")  # a Streamlit key that is its own CSS class name, as written


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


def chart_selector(chart_key: str) -> str:
    """The CSS selector of the Plotly graph drawn by ``st.plotly_chart(..., key=chart_key)``."""
    if not _KEY.fullmatch(chart_key):
        raise ValueError(f"a chart key of letters, digits, '_' and '-' only; got {chart_key!r}")
    return f".st-key-{chart_key} .js-plotly-plot"


def sync(state: MutableMapping, key: str, t: int) -> int:
    """The revision to send the player named ``key`` for step t: the same while t is the step the player
    last knew (its own report), the next one when the server moved t (so the player jumps there)."""
    known = _known(state, key)
    if known["t"] != t:
        known["t"], known["rev"] = t, known["rev"] + 1
    return known["rev"]


def _known(state: MutableMapping, key: str) -> dict:
    """What the server knows of the player ``key``: the step it last knew, the revision sent, and the
    number of the last report adopted."""
    return state.setdefault(f"{key}_sync", {"t": None, "rev": 0, "seq": None})


def adopt(state: MutableMapping, key: str, T: int) -> int | None:
    """The step of the player's newest report (``state[key]`` = {"t", "seq"}), inside 0…T-1, if it was
    not adopted yet (recorded as the step the player knows); else None."""
    report, known = state.get(key), _known(state, key)
    if not isinstance(report, dict):
        return None
    t, seq = report.get("t"), report.get("seq")
    if not isinstance(t, int) or isinstance(t, bool) or seq == known["seq"]:
        return None
    known["seq"], known["t"] = seq, max(0, min(t, T - 1))
    return known["t"]


def _adopt(key: str, T: int, own: str | None = None) -> None:
    """The player reported a step: make it the view's t (and the link's), or ``st.session_state[own]``."""
    t = adopt(st.session_state, key, T)
    if t is None:
        return
    if own is None:
        controls.set_t(t)
    else:
        st.session_state[own] = t


def step(key: str, T: int, own: str | None = None) -> int:
    """The page's step for a sequence of T steps: the player's report if it is new (its callback adopts it
    before the rerun; this catches a report set another way), else the view's t, inside 0…T-1 (the sidebar
    has clamped it and said so). ``own``: a page whose steps are not the sidebar's sequence (Read text
    steps through characters) keeps its t in this session-state key instead, clamped here."""
    _adopt(key, T, own)
    t = controls.current_view().t if own is None else st.session_state.get(own, 0)
    return max(0, min(int(t), T - 1))


def player(
    T: int,
    t: int,
    *,
    key: str,
    chart_key: str | None = None,
    steps: Sequence[int] | None = None,
    played: Sequence[int] | None = None,
    live: bool = False,
    own: str | None = None,
) -> None:
    """The page's time controls for a sequence of T steps, showing step t (the view's t, already inside
    0…T-1). ``chart_key``: the Plotly chart whose animation frames (at ``steps``, None: every step) the
    player shows as it steps, ``played`` those of them Play shows (None: all); ``live``: report every step,
    Play included (the server draws the chart); ``own``: as for ``step``."""
    step_player(
        T,
        t,
        sync(st.session_state, key, t),
        key=key,
        chart=None if chart_key is None else chart_selector(chart_key),
        steps=steps,
        played=played,
        live=live,
        font_px=20 if presenter.is_on() else 16,
        on_change=lambda: _adopt(key, T, own),
    )
