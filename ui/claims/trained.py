"""The shipped trained cells' claims: the unit that carries each cell's memory."""

from __future__ import annotations

import numpy as np

from lstm_core import scenes

from .base import Claim

# ------------------------------------------------------------------------------ The shipped trained cells
#
# Each shipped cell's memory unit (lstm_core/scenes.py: memory_units over 512 sequences of its task), as
# Step through time states it when it opens the cell (and points its line panel at that unit).


def _memory_compute(cell, unit=None):
    memory = scenes.shipped_memory(cell)
    return {
        "memory": memory,
        "unit": memory.unit if unit is None else int(unit),
        "cell": scenes.SHIPPED[cell],
    }


def _memory_numbers(result) -> dict:
    score, j, cell = result["memory"].score, result["unit"], result["cell"]
    T = score.shape[0]
    failing = np.nonzero(~(score[:, j] > 0))[0]  # a gap ≤ 0: the two answers overlap at that step
    from_step = int(failing[-1]) + 1 if failing.size else 0
    others = np.delete(score[-1], j)
    return {
        "unit": j,
        "title": cell.title,
        "holds": cell.holds,
        "T": T,
        "from_step": from_step,
        "first": float(score[from_step, j]) if from_step < T else float("nan"),
        "least": float(score[from_step:, j].min()) if from_step < T else float("nan"),
        "end": float(score[-1, j]),
        "next": float(others.max()),
        "next_unit": int(np.delete(np.arange(score.shape[1]), j)[np.argmax(others)]),
        "half": T // 2 - 1,
        "at_half": float(score[T // 2 - 1, j]),
        "best": bool(score[-1, j] >= score[-1].max()),
        "examples": scenes.MEMORY_EXAMPLES,
    }


_ST = "views/2_Step_through_time.py"
_GAP_TEXT = (
    "Unit {unit} of the shipped {title} holds {holds} from step {from_step} to the end: over {examples} "
    "sequences of its task, its {name_c} values for the two answers never overlap from then on (the gap "
    "between them is {first:.2f} at step {from_step}, at least {least:.2f}, and {end:.2f} at the end; the "
    "next unit, {next_unit}, ends at {next:.2f})."
)
_GAP_PLAIN = (
    "Unit {unit} of the shipped {title}: the two answers' {name_c} values stop overlapping from step "
    "{from_step}; gap at the end {end:.2f} (best other unit {next_unit}: {next:.2f})."
)

TRAINED = (
    Claim(
        "trained_first_bit",
        _ST,
        text=_GAP_TEXT,
        plain=_GAP_PLAIN,
        compute=_memory_compute,
        numbers=_memory_numbers,
        check=lambda n: n["best"] and n["from_step"] <= n["T"] // 2,
        defaults={"cell": "first_bit", "unit": None},
        counter={"unit": 5},  # holds the bit too, but ends 10.01 apart, not the most
    ),
    Claim(
        "trained_parity",
        _ST,
        text=_GAP_TEXT,
        plain=_GAP_PLAIN,
        compute=_memory_compute,
        numbers=_memory_numbers,
        check=lambda n: n["best"] and n["from_step"] <= n["T"] // 2,
        defaults={"cell": "parity", "unit": None},
        counter={"unit": 15},  # its even and odd counts overlap
    ),
    Claim(
        "trained_adding",
        _ST,
        text="Unit {unit} of the shipped {title} holds the first marked number by the end of the first half "
        "(|r| = {at_half:.3f} with it at step {half}, over {examples} sequences) and the sum of both at the "
        "last step (|r| = {end:.3f}; the next unit, {next_unit}: {next:.3f}).",
        plain="Unit {unit} of the shipped {title}: |r| with the marked numbers so far {at_half:.3f} at step "
        "{half}, {end:.3f} at the end (best other unit {next_unit}: {next:.3f}).",
        compute=_memory_compute,
        numbers=_memory_numbers,
        check=lambda n: n["best"] and n["at_half"] >= 0.95 and n["end"] >= 0.95,
        defaults={"cell": "adding", "unit": None},
        counter={"unit": 0},
    ),
)
MEMORY_CLAIMS = {name: f"trained_{name}" for name in scenes.SHIPPED}  # shipped cell → its claim
