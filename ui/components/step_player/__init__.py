"""The step player: one set of time controls per page, run in the browser, that reports t back.

A bidirectional Streamlit component (``frontend/``: plain HTML, CSS and JavaScript, no build step) with
⏮ Previous Play Next ⏭, a slider, the "Step t of T" label, a speed choice (0.5×, 1×, 2×, 4×) and Loop.
It also listens for keys on the whole page (→/PageDown next, ←/PageUp previous, Space play/pause,
Home/End first/last; not while a text box has focus), so a presentation clicker steps too.

The browser owns t while the learner moves it: each step shows the chart's animation frame at once
(``chart``: the CSS selector of a Plotly graph whose frames are named by their step, ``steps`` the steps
that have one) and reports ``{"t", "seq"}`` to the server a moment later (after a run of key presses,
when Play pauses or ends). With ``live=True`` (a chart the server draws per step, as on Cell anatomy) it
reports every step, Play included. The server owns t when it moves it on its own (a link, a shorter
sequence): it passes the new t with a new ``rev``, and the player jumps there.

``ui.follow_step.player`` binds it to the page's view (``ViewState.t`` and the link's ``t``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import streamlit.components.v1 as components

_FRONTEND = Path(__file__).resolve().parent / "frontend"
_component = components.declare_component("step_player", path=str(_FRONTEND))


MAX_PLAY_RATE = 5.0  # steps per second at 1×; at 4×, 20 frames a second


def play_rate(n_steps: int) -> float:
    """Steps per second at 1×: two a second, so a class can follow, up to ``MAX_PLAY_RATE`` on long
    sequences (100 steps play in 20 s at 1×, 400 frames in 80 s at 1× and 20 s at 4×). The cap is what a
    browser keeps up with: each frame of the stepping figure costs Plotly 40–65 ms on the dev machine
    (its defaults and calc pass over all 27 traces, whatever the sequence's length), so 4× of a higher
    rate would show fewer frames than it asks for (docs/speed.md). ``n_steps``: the steps Play shows."""
    return float(min(MAX_PLAY_RATE, max(2.0, n_steps / 20)))


def step_player(
    T: int,
    t: int,
    rev: int,
    *,
    key: str,
    chart: str | None = None,
    steps: Sequence[int] | None = None,
    played: Sequence[int] | None = None,
    live: bool = False,
    font_px: int = 16,
    on_change: Callable[[], None] | None = None,
) -> dict | None:
    """Draw the player for a sequence of T steps at step t and return its last report
    ``{"t": int, "seq": int}`` (None before the first). ``rev`` changes whenever the server moves t
    itself; ``steps`` (sorted) are the steps with an animation frame in ``chart`` (None: every step),
    ``played`` (sorted, among ``steps``) the ones Play shows (None: all of ``steps``);
    ``on_change`` runs before the rerun that a report starts (read the report from
    ``st.session_state[key]``)."""
    if T < 1 or not 0 <= t < T:
        raise ValueError(f"need 0 ≤ t < T; got t={t}, T={T}")
    return _component(
        T=int(T),
        t=int(t),
        rev=int(rev),
        chart=chart,
        steps=None if steps is None else [int(s) for s in steps],
        played=None if played is None else [int(s) for s in played],
        live=bool(live),
        rate=play_rate(len(played) if played is not None else T if steps is None else len(steps)),
        font_px=int(font_px),
        key=key,
        default=None,
        on_change=on_change,
    )
