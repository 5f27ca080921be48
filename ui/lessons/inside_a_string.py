"""Lesson 9: find the unit of the shipped character model that knows it is inside a string.

The state is the shipped model's reading of the Read text page's preset (held-out standard-library code),
the tokenizer's in-string feature of every character, and ``rank_units``' ranking for it. Before the
reveal the figure shows only the target (which characters are inside strings); after it, the best unit's
colouring. No Streamlit here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lstm_core.text import CharModel, Reading, code_features, rank_units
from ui.figures.text import coloured_text_figure
from ui.lessons.questions import CHOICE, Question

MODELS = Path(__file__).resolve().parents[2] / "assets" / "models"
READ_TEXT_PAGE = "pages/10_Read_text.py"
DISTRACTOR_RANKS = (40, 160, 400)  # the other options: units found this far down the ranking


@dataclass(frozen=True)
class StringHunt:
    model: CharModel
    reading: Reading
    in_string: np.ndarray  # (T,) bool, from tokenize
    ranked: pd.DataFrame

    @property
    def best(self):
        return self.ranked.iloc[0]

    def options(self) -> tuple[int, ...]:
        """Four units in increasing order: the best one and three found further down the ranking."""
        units = [int(self.best.unit)]
        for rank in DISTRACTOR_RANKS:
            for unit in self.ranked["unit"].iloc[rank:]:
                if int(unit) not in units:
                    units.append(int(unit))
                    break
        return tuple(sorted(units))


@lru_cache(maxsize=1)
def build() -> StringHunt:
    model = CharModel.load(MODELS / "python_chars.safetensors")
    text = (MODELS / "python_chars_snippet.txt").read_text(encoding="utf-8")
    reading = model.read(text)
    in_string = code_features(text)["in_string"].to_numpy()
    return StringHunt(model, reading, in_string, rank_units(reading, in_string))


def ask(s: StringHunt, vocabulary: str) -> tuple[Question, ...]:
    best = s.best
    memory = "cell state c" if vocabulary == "standard" else "long-term memory (LTM)"
    q1 = Question(
        "q1",
        f"The model has {s.model.net.hidden_size} units. Of these four, which one tracks “inside a string” "
        "best (through its c, h or any gate)?",
        CHOICE,
        truth=f"unit{int(best.unit)}",
        explanation=f"Unit {int(best.unit)}'s {best.quantity} separates in-string from out-of-string "
        f"characters with AUC {best.score:.3f}; the other three score lower on this snippet.",
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


def draw(s: StringHunt, vocabulary: str, revealed: bool) -> go.Figure:
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
