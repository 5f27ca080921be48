"""Lesson 9: find the unit of the shipped character model that knows it is inside a string.

The state is ``lstm_core.scenes.inside_a_string`` (the shipped model's reading of held-out code). Before the
reveal the figure shows only the target (which characters are inside strings); after it, the best unit's
colouring. No Streamlit here.
"""

from __future__ import annotations

import plotly.graph_objects as go

from lstm_core.scenes import StringHunt
from ui import claims
from ui.figures.text import coloured_text_figure
from ui.lessons.questions import CHOICE, Question

READ_TEXT_PAGE = "views/10_Read_text.py"


def ask(s: StringHunt, vocabulary: str) -> tuple[Question, ...]:
    best = s.best
    claim = claims.CLAIMS["lesson9_string_unit"]  # the AUCs of the four units offered
    memory = "cell state c" if vocabulary == "standard" else "long-term memory (LTM)"
    q1 = Question(
        "q1",
        f"The model has {s.model.net.hidden_size} units. Of these four, which one tracks “inside a string” "
        "best (through its c, h or any gate)?",
        CHOICE,
        truth=f"unit{int(best.unit)}",
        explanation=claim.shown(claim.run(), vocabulary),
        options=tuple((f"unit{u}", f"unit {u}") for u in s.options()),
    )
    q2 = Question(
        "q2",
        f"Does that unit's value go up or down inside strings? (If it is a memory like the {memory}, it "
        "has to switch on at an opening quote and off at the closing one.)",
        CHOICE,
        truth="up" if best.direction > 0 else "down",
        explanation=f"Its {best.quantity} is {'higher' if best.direction > 0 else 'lower'} inside strings: "
        f"the AUC of {best.score:.3f} counts in that direction.",
        options=(("up", "up inside strings"), ("down", "down inside strings")),
    )
    return q1, q2


def draw(s: StringHunt, vocabulary: str, revealed: bool, arrangement: str = "wide") -> go.Figure:
    text = s.reading.text
    if not revealed:
        return coloured_text_figure(
            text,
            s.in_string.astype(float),
            "i",
            "What to find: characters inside strings (yellow), by tokenize",
        )
    best = s.best
    values = s.reading.values(int(best.layer), str(best.quantity))[:, int(best.unit)]
    title = f"Unit {int(best.unit)}'s {best.quantity} on every character (AUC {best.score:.3f} for in-string)"
    return coloured_text_figure(text, values, str(best.quantity), title)


def note(s: StringHunt, revealed: bool) -> str:
    if revealed:
        return "Revealed: the colours are now the best unit's values. Try your own code on Read text."
    return "The colours show the target only; no unit's value is in the figure until you reveal."
