"""The claims register: every sentence a page states about its own numbers, with the check that proves it.

A :class:`Claim` holds the sentence as the page shows it (a template filled from the numbers), the core
call the page makes (``compute(**inputs)`` → result), the page's default inputs, and ``holds(result)``.
Pages show ``claim.say(result)`` only where ``holds(result)`` is true for the numbers on screen, and
``claim.report(result)`` (the plain numbers, no promise) otherwise, so a learner who moves a control is
never told something the figure does not show. ``tests/core/test_claims.py`` runs every entry at its
defaults, and at its ``counter`` inputs, where the claim must *not* hold: a check that ignored its
inputs (a constant) would fail there.

One module per page (gradient_flow, gate_lab, lessons, training, challenges, quiz, trained), each a tuple of
claims; ``CLAIMS`` gathers them by key. NumPy only: no Streamlit, no Plotly (docs/claims.md lists the
claims and their measured numbers).
"""

from .base import MINUS, Claim, num, sci
from .challenges import CHALLENGE_CLAIMS
from .gate_lab import GATE_LAB
from .gradient_flow import BEST_CONSTANT_MSE, GRADIENT_FLOW
from .lessons import FLIP, LESSONS
from .quiz import QUIZ, QUIZ_CELL, gate_spread, parameter_count, use_gate_gap
from .trained import MEMORY_CLAIMS, TRAINED
from .training import TRAIN

CLAIMS: dict[str, Claim] = {
    claim.key: claim
    for claim in (*GRADIENT_FLOW, *GATE_LAB, *LESSONS, *FLIP, *TRAIN, *CHALLENGE_CLAIMS, *QUIZ, *TRAINED)
}

__all__ = [
    "BEST_CONSTANT_MSE",
    "CLAIMS",
    "MEMORY_CLAIMS",
    "MINUS",
    "QUIZ_CELL",
    "Claim",
    "gate_spread",
    "num",
    "parameter_count",
    "sci",
    "use_gate_gap",
]
