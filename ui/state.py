"""The one serialisable view state, and its round trip through the URL (``st.query_params``).

Everything a shared link must reproduce lives in ``ViewState``; the page itself is the URL path.
Every query parameter is validated: a bad one falls back to its default and yields a notice that names
the parameter and what is allowed, never the raw value (it could be HTML or script text).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields, replace

from lstm_core import cells
from lstm_core.sequences import MAX_STEPS, PRESETS
from ui.notation import VOCABULARIES

MAX_HIDDEN, MAX_LAYERS, MAX_SEED = 32, 3, 2**31 - 1


@dataclass(frozen=True)
class ViewState:
    """What the learner is looking at; the same on every page, and all of it fits in a URL."""

    variant: str = "standard"
    vocabulary: str = "standard"
    hidden: int = 4
    layers: int = 1
    layer: int = 0
    seed: int = 0
    preset: str = "sine"
    length: int = 20
    t: int = 0

    def clamped(self) -> ViewState:
        """The same view with the dependent fields (layer, t) brought inside their ranges."""
        return replace(self, layer=min(self.layer, self.layers - 1), t=min(self.t, MAX_STEPS - 1))


# ASCII digits only: int() would also read "٣" or "1_0", which no link written by this app contains.
_INT = re.compile(r"[+-]?[0-9]+")


MAX_PARAM_CHARS = 64  # longer values are refused whole: cutting one short could change its meaning


def link_int(text, low: int, high: int) -> int | None:
    """The whole number ``low`` <= n <= ``high`` that a link parameter's text writes, or None.

    ASCII digits only and at most MAX_PARAM_CHARS characters: ``int()`` would read "٣" or "1_0", fail on
    "²" (which ``str.isdigit`` accepts) and refuse more than 4,300 digits with a ValueError of its own."""
    if not isinstance(text, str) or len(text) > MAX_PARAM_CHARS:
        return None
    text = text.strip()
    if not _INT.fullmatch(text):
        return None
    value = int(text)
    return value if low <= value <= high else None


def _int_rule(low: int, high: int):
    return (lambda text: link_int(text, low, high)), lambda: f"a whole number from {low} to {high}"


def _choice_rule(choices):
    """choices: a tuple, or a function giving one when a link is read (the cell table can grow)."""
    current = choices if callable(choices) else lambda: choices
    return (lambda text: text if text in current() else None), lambda: "one of " + ", ".join(current())


RULES = {
    "variant": _choice_rule(cells.names),  # every cell of the table; the pages of LSTMs only say so
    "vocabulary": _choice_rule(VOCABULARIES),
    "hidden": _int_rule(1, MAX_HIDDEN),
    "layers": _int_rule(1, MAX_LAYERS),
    "layer": _int_rule(0, MAX_LAYERS - 1),
    "seed": _int_rule(0, MAX_SEED),
    "preset": _choice_rule(tuple(PRESETS)),
    "length": _int_rule(1, MAX_STEPS),
    "t": _int_rule(0, MAX_STEPS - 1),
}
# read by single pages, not part of the view
FOREIGN_OK = frozenset({"present", "lesson", "unit", "model", "text"})

# Streamlit (1.67, streamlit/runtime/state/query_params.py: sanitize_query_string) hands the app an empty
# query string when the link has more than this many parameters or characters, and says so only in the
# server's log. The page's script (``LONG_LINK_JS`` in ui/controls.py) sees the whole link in the browser
# and reloads the page on ``?link_too_long=<parameters>.<characters>``, which ``from_query`` turns into a
# notice and the default view: cutting the link short could change its meaning.
LINK_MAX_FIELDS, LINK_MAX_CHARS = 1000, 512 * 1024
TOO_LONG = "link_too_long"


def from_query(params: dict[str, str]) -> tuple[ViewState, list[str]]:
    """The view a link asks for, and one notice per parameter that had to fall back to its default."""
    defaults, values, notices = ViewState(), {}, []
    if TOO_LONG in params:
        return defaults, [_too_long_notice(str(params[TOO_LONG]))]
    for name, (parse, allowed) in RULES.items():
        if name not in params:
            continue
        text = str(params[name])
        value = parse(text) if len(text) <= MAX_PARAM_CHARS else None
        if value is None:
            notices.append(f"The link's “{name}” was not {allowed()}; using {getattr(defaults, name)}.")
        else:
            values[name] = value
    unknown = [k for k in params if k not in RULES and k not in FOREIGN_OK]
    if unknown:
        notices.append(f"Ignored {len(unknown)} link parameter(s) this app does not know.")
    state = replace(defaults, **values)
    if state.layer >= state.layers:
        notices.append(f"The link's “layer” must be below “layers” ({state.layers}); showing layer 0.")
        state = replace(state, layer=0)
    return state, notices


def _too_long_notice(size: str) -> str:
    """The notice for ``?link_too_long=<parameters>.<characters>`` (numbers it cannot read are left out)."""
    fields, _, chars = size.partition(".")
    fields, chars = link_int(fields, 0, 10**12), link_int(chars, 0, 10**12)
    has = f" has {fields:,} parameters and {chars:,} characters" if fields and chars else " was too long"
    return (
        f"The link{has}: more than the {LINK_MAX_FIELDS:,} parameters or {LINK_MAX_CHARS:,} characters "
        f"a link may have here, so none of it was read and the page shows the default view. A link this "
        f"app writes has at most {len(RULES) + len(FOREIGN_OK)} parameters."
    )


def to_query(state: ViewState) -> dict[str, str]:
    """The parameters that differ from the defaults, as strings: short links for default views."""
    defaults = asdict(ViewState())
    return {k: str(v) for k, v in asdict(state).items() if v != defaults[k]}


FIELD_NAMES = tuple(f.name for f in fields(ViewState))
