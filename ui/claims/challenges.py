"""The challenges' claims: each success test passes at a solution and fails at the starting numbers."""

from __future__ import annotations

from ..challenges import CHALLENGES
from .base import Claim

# ------------------------------------------------------------------------------------------- Challenges
#
# A challenge's success sentence is its verdict (ui/challenges.py: headline and hint, the measured
# numbers); the claim is that the success test passes. Defaults: a setting that meets the goal (the page
# starts at the challenge's starting numbers, the counter, where it must fail).

SOLUTIONS = {
    "hold": {"b_f": 10.0, "b_i": -10.0},
    "forget": {"b_f": -10.0, "W_xf": 0.0},
    "half_life": {"W_xf": 2.6},
    "count": {"b_f": 12.0, "b_i": -10.0, "W_xi": 20.0, "b_g": 10.0},
}


def _challenge_compute(challenge, values, vocabulary="standard"):
    """The Challenges page's Check: the challenge's cell with ``values`` and its verdict; "trace" is the
    run the page's figure draws."""
    ch = CHALLENGES[challenge]
    trace = ch.run(values)
    return {"trace": trace, "verdict": ch.judge(ch, trace, vocabulary)}


def _challenge_numbers(result) -> dict:
    v = result["verdict"]
    return {**v.numbers, "passed": v.passed, "headline": v.headline, "hint": v.hint}


CHALLENGE_CLAIMS = tuple(
    Claim(
        f"challenge_{key}",
        "views/8_Challenges.py",
        text="{headline}  \n{hint}",
        plain="{headline}  \n{hint}",
        compute=_challenge_compute,
        numbers=_challenge_numbers,
        check=lambda n: n["passed"],
        defaults={"challenge": key, "values": SOLUTIONS[key]},
        counter={"values": ch.start()},
    )
    for key, ch in CHALLENGES.items()
)
