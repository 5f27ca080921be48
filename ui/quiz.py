"""The misconceptions quiz: five wrong ideas people often bring to LSTMs, one question each.

A :class:`Question` holds the myth, the question, its options and the index of the right one; its texts
are :func:`ui.challenges.fill` templates, so they follow the sidebar's vocabulary. :func:`score` counts
the answers. The explanation of each question is a section of ``assets/text/misconceptions.<vocabulary>.md``
(:func:`sections` splits it) plus one sentence of numbers measured on the learner's own cell
(:func:`evidence`, the register's ``quiz_*`` claims), shown next to one of the app's own figures.

No Streamlit here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ui import claims, notation
from ui.challenges import fill


def _literal(text: str) -> str:
    """``text`` with its braces doubled, so :func:`fill` leaves them (LaTeX subscripts) alone."""
    return text.replace("{", "{{").replace("}", "}}")


# The use-gate question compares two cells, so it names each in its own vocabulary, whatever the sidebar's.
_U, _V = notation.latex("u", "udacity", "udacity"), notation.latex("o", "udacity", "udacity")
_LTM_PREV, _F = notation.latex("c_prev", "udacity"), notation.latex("f", "udacity")
_STM, _H = notation.latex("h", "udacity"), notation.latex("h", "standard")
_O, _TANH_C = notation.latex("o", "standard"), notation.latex("u", "standard")


@dataclass(frozen=True)
class Question:
    """One misconception. myth: the wrong idea as people say it; prompt and options: fill templates;
    answer: the index of the right option."""

    key: str
    myth: str
    prompt: str
    options: tuple[str, ...]
    answer: int

    def text(self, vocabulary: str) -> str:
        return fill(self.prompt, vocabulary)

    def choices(self, vocabulary: str) -> list[str]:
        return [fill(option, vocabulary) for option in self.options]

    def is_right(self, choice: int | None) -> bool:
        return choice == self.answer


QUESTIONS: tuple[Question, ...] = (
    Question(
        key="switches",
        myth="Gates are on/off switches.",
        prompt="While an LSTM reads a sequence, which values does its {f} {f_sym} take?",
        options=(
            "Only 0 or 1: a gate is either open or shut.",
            "Any number between 0 and 1: a gate lets a fraction through.",
            "Any number between −1 and 1.",
            "Any real number: the sigmoid only rescales it.",
        ),
        answer=1,
    ),
    Question(
        key="hidden_is_time",
        myth="The hidden size is the number of time steps.",
        prompt=(
            "`nn.LSTM(input_size=2, hidden_size=4)` reads a sequence of 20 steps. How many numbers does its "
            "{c} {c_sym} hold after each step?"
        ),
        options=(
            "20: one per time step.",
            "4: one per unit, however long the sequence is.",
            "80: 4 units × 20 steps.",
            "2: one per input feature.",
        ),
        answer=1,
    ),
    Question(
        key="one_neuron",
        myth="An LSTM cell is one neuron.",
        prompt="What is an LSTM cell with hidden size 4?",
        options=(
            "One neuron that holds one number of memory.",
            "Four neurons chained one after another, one per time step.",
            "A layer of 4 units: each has its own {c} number and its own four gate values, all computed "
            "at once from the same {x} and {h_prev}.",
            "Only the {c}: the memory line of the diagram.",
        ),
        answer=2,
    ),
    Question(
        key="ltm_long_input",
        myth="Long-term memory means a long input.",
        prompt="Why is the {c} {c_sym} called a *long-term* memory?",
        options=(
            "It is only used when the input sequence is long.",
            "It stores the whole input history, one entry per step.",
            "A value written into it can survive many steps, because the {f} stays near 1 and the {i} "
            "near 0.",
            "It is a longer vector than the {h}.",
        ),
        answer=2,
    ),
    Question(
        key="use_is_output",
        myth="The Udacity use gate is the output gate.",
        prompt=_literal(
            f"Udacity's lesson computes its use gate as ${_U} = \\tanh(W_u({_LTM_PREV} \\odot {_F}) + b_u)$ "
            f"and then ${_STM} = {_U} \\odot {_V}$. Is this the standard output gate, "
            f"${_H} = {_O} \\odot {_TANH_C}$, under another name?"
        ),
        options=(
            "Yes: the same gate, renamed.",
            _literal(
                f"No: ${_U}$ has its own weights $W_u$ and reads the old memory after forgetting, not the "
                f"new one; only its sigmoid part ${_V}$ matches the output gate ${_O}$."
            ),
            "No: the use gate replaces the forget gate.",
            "Yes, except that it uses a sigmoid instead of a tanh.",
        ),
        answer=1,
    ),
)
QUESTION_KEYS = tuple(q.key for q in QUESTIONS)


def score(answers: Mapping[str, int]) -> tuple[int, int]:
    """(right, answered) for ``answers`` = {question key: chosen option index}; unknown keys are ignored."""
    asked = [q for q in QUESTIONS if q.key in answers]
    return sum(q.is_right(answers[q.key]) for q in asked), len(asked)


_SECTION = re.compile(r"^<!--\s*(\w+)\s*-->\s*$", re.MULTILINE)


def sections(text: str) -> dict[str, str]:
    """Split a markdown text into its ``<!-- key -->`` sections: {key: the text up to the next marker}."""
    parts = _SECTION.split(text)
    return {key: body.strip() for key, body in zip(parts[1::2], parts[2::2], strict=True)}


# ---------------------------------------------------------------------------------------------------------
# Numbers from the learner's own cell
# ---------------------------------------------------------------------------------------------------------


def evidence(key: str, vocabulary: str, **data) -> str:
    """One sentence of numbers from the learner's cell for question ``key``: the register's claim
    ``quiz_<key>`` (ui/claims/) about the traces in ``data``, its sentence where it holds:

    switches, hidden_is_time, one_neuron: trace; ltm_long_input: held (the write-once trace on a pulse);
    use_is_output: standard, udacity (matched traces).
    """
    if key not in QUESTION_KEYS:
        raise ValueError(f"unknown question {key!r}; choose one of {', '.join(QUESTION_KEYS)}")
    claim = claims.CLAIMS[f"quiz_{key}"]
    return claim.shown(claim.result(**data), vocabulary)
