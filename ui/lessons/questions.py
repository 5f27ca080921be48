"""Predict, then reveal: a question, its true answer (computed from a trace), grading and feedback.

A :class:`Question` is built for one vocabulary from a lesson's prepared state: its prompt names the
quantities in that vocabulary and fills in the numbers the learner may use; its ``truth`` is computed from
the core's trace (never typed in); its ``explanation`` is the equation with this step's numbers. Texts use
the notation table's HTML symbols (``c<sub>t</sub>``), which Streamlit's markdown, Markdown files and HTML
all show. No Streamlit here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lstm_core.scenes import STAY_BAND
from ui import notation
from ui.claims import MINUS, num

CHOICE, NUMBER = "choice", "number"


def paren(text: str) -> str:
    """A negative number in brackets, so "0.12·(−0.55)" never reads as a subtraction."""
    return f"({text})" if text.startswith(MINUS) else text


class Symbols:
    """The HTML symbols and words of one vocabulary and variant: ``sym("c")`` is c<sub>t</sub> or
    LTM<sub>t</sub>; ``sym.name("f")`` is "forget gate" or "forget factor"."""

    def __init__(self, vocabulary: str, variant: str = "standard"):
        notation.names("x", vocabulary)  # a clear ValueError for an unknown vocabulary
        self.vocabulary, self.variant = vocabulary, variant

    def __call__(self, key: str) -> str:
        return notation.html(key, self.vocabulary, self.variant)

    def name(self, key: str) -> str:
        return notation.name(key, self.vocabulary, self.variant)

    def short(self, key: str) -> str:
        return notation.short(key, self.vocabulary, self.variant)

    def both(self, key: str) -> str:
        """'forget gate f<sub>t</sub>': words and symbol."""
        return notation.title(key, self.vocabulary, self.variant)

    def param(self, kind: str, gate: str, source: str = "") -> str:
        return notation.parameter(kind, gate, self.variant, source, form="html")


@dataclass(frozen=True)
class Question:
    """One prediction the learner makes before the step is revealed.

    key: unique within its lesson ("q1", …). prompt: what is asked, with the givens filled in.
    kind: CHOICE (``options`` as (key, label) pairs, ``truth`` an option key) or NUMBER (``truth`` a
    float; an answer within ``tolerance`` of it is right, numbers shown with ``digits`` decimals).
    explanation: why the truth is what it is, the equation with this step's numbers. label: the short
    label of the answer widget.
    """

    key: str
    prompt: str
    kind: str
    truth: str | float
    explanation: str
    options: tuple[tuple[str, str], ...] = ()
    tolerance: float = 0.0
    digits: int = 2
    label: str = "Your prediction"

    def __post_init__(self):
        if self.kind == CHOICE and self.truth not in dict(self.options):
            raise ValueError(f"{self.key}: the truth {self.truth!r} is not one of the options")
        if self.kind not in (CHOICE, NUMBER):
            raise ValueError(f"{self.key}: unknown kind {self.kind!r}")

    def is_right(self, answer) -> bool:
        """Whether ``answer`` (an option key, or a number) counts as right; None (unanswered) never does."""
        if answer is None:
            return False
        if self.kind == CHOICE:
            return answer == self.truth
        return abs(float(answer) - float(self.truth)) <= self.tolerance + 1e-12

    def answer_text(self, answer) -> str:
        """How an answer reads: the option's label, or the number; "no answer" for None."""
        if answer is None:
            return "no answer"
        if self.kind == CHOICE:
            return dict(self.options).get(answer, str(answer))
        return num(answer, self.digits)

    @property
    def truth_text(self) -> str:
        return self.answer_text(self.truth)

    @property
    def rule(self) -> str:
        """How a number answer is graded, for the learner: "right within ±0.05"."""
        return f"right within ±{self.tolerance:g}" if self.kind == NUMBER and self.tolerance else ""


@dataclass(frozen=True)
class Feedback:
    """What the learner sees after the reveal: right or wrong, a headline, and the explanation."""

    right: bool
    headline: str
    explanation: str


def feedback(question: Question, answer) -> Feedback:
    """Right or wrong, with the real value next to the learner's answer and the question's explanation."""
    right = question.is_right(answer)
    mine, real = question.answer_text(answer), question.truth_text
    if question.kind == CHOICE:
        headline = f"Right: “{real}”." if right else f"Not quite: you said “{mine}”; the answer is “{real}”."
    else:
        verdict = "Right" if right else "Not quite"
        headline = f"{verdict}: you said {mine}; the cell gave {real}."
        if question.tolerance and answer is not None and not right:
            headline += f" (Within ±{question.tolerance:g} counts as right.)"
    return Feedback(right, headline, question.explanation)


def score(results: Iterable[bool]) -> tuple[int, int]:
    """(right, answered) over the graded answers."""
    results = list(results)
    return sum(bool(r) for r in results), len(results)


def score_text(right: int, answered: int) -> str:
    return f"score {right}/{answered}"


# ---------------------------------------------------------------------------------------------------------
# The kinds of question the lessons ask
# ---------------------------------------------------------------------------------------------------------

MOVES = (
    ("up", "goes up"),
    ("down", "goes down"),
    ("stay", f"stays about the same (moves by less than {STAY_BAND:g})"),
)


def move(before: float, after: float, band: float = STAY_BAND) -> str:
    """ "up", "down" or "stay": how a value moved from one step to the next."""
    delta = float(after) - float(before)
    if abs(delta) < band:
        return "stay"
    return "up" if delta > 0 else "down"


def closest_to_zero(values: dict[str, float]) -> str:
    """The key whose value is nearest 0 (in size)."""
    return min(values, key=lambda k: abs(float(values[k])))
