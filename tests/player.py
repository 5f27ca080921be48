"""The step player (ui/components/step_player) under streamlit.testing: what the page told it, and its
reports of a step, as the browser sends them."""

from __future__ import annotations

import json


def player_args(at, key: str) -> dict:
    """The arguments the page drew the player ``key`` with: T, t, rev, chart, steps, live, rate, font_px."""
    found = [e for e in at.get("component_instance") if e.proto.id.endswith(f"-{key}")]
    assert len(found) == 1, f"{len(found)} players keyed {key!r}"
    return json.loads(found[0].proto.json_args)


def report(at, key: str, t: int):
    """The player reports step t (a key, a button, its slider, Play stopping there), then the page reruns."""
    try:
        seq = (at.session_state[f"{key}_sync"]["seq"] or 0) + 1
    except KeyError:  # the player has not been drawn yet
        seq = 1
    at.session_state[key] = {"t": t, "seq": seq}
    return at.run()
