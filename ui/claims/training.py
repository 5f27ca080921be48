"""Train's claim: how many steps each cell needs to reach 95 % on the default task, over seeds."""

from __future__ import annotations

import numpy as np

from lstm_core import gradient_flow as gf
from lstm_core.tasks import make_task
from lstm_core.train import Model, train

from .base import Claim

# ------------------------------------------------------------------------------------ Train: convergence

CONVERGENCE_SEEDS = 5
CONVERGENCE_WINDOW = 10  # batches (320 fresh sequences) whose mean accuracy must reach 95 %


def _steps_to_95(task, kind: str, seed: int, max_steps: int) -> int | None:
    """Training steps until the mean batch accuracy of the last CONVERGENCE_WINDOW batches is ≥ 95 %
    (each batch is fresh data, measured before its update), with the task's suggested settings; None if
    not within max_steps."""
    s = task.suggested
    model = Model.for_task(
        task,
        kind=kind,
        hidden_size=int(s["hidden_size"]),
        seed=seed,
        forget_bias=float(s["forget_bias"]) if kind == "lstm" else 0.0,
    )
    recent = np.zeros(CONVERGENCE_WINDOW)

    def stop_at_95(step, loss, acc):
        recent[step % CONVERGENCE_WINDOW] = acc
        return step < CONVERGENCE_WINDOW or recent.mean() < 0.95

    r = train(
        model,
        task,
        steps=max_steps,
        lr=float(s["lr"]),
        clip=1.0,
        batch_size=int(s["batch_size"]),
        seed=seed,
        callback=stop_at_95,
        report_every=0.0,
    )
    return r.steps if r.stopped else None


def _convergence_compute(task, max_steps):
    t = make_task(task)
    return {
        "steps": {
            label: [_steps_to_95(t, kind, seed, max_steps) for seed in range(CONVERGENCE_SEEDS)]
            for label, kind in gf.CELLS.items()
        }
    }


def _convergence_numbers(result) -> dict:
    steps, cap = result["steps"], result["inputs"]["max_steps"]

    def median(runs):  # a run that never got there counts as beyond the cap
        return float(np.median([cap + 1 if s is None else s for s in runs]))

    def listed(runs):
        return ", ".join("—" if s is None else str(s) for s in runs)

    return {
        "seeds": CONVERGENCE_SEEDS,
        "cap": cap,
        **{f"{label}_median": median(runs) for label, runs in steps.items()},
        **{f"{label}_list": listed(runs) for label, runs in steps.items()},
        **{f"{label}_reached": sum(s is not None for s in runs) for label, runs in steps.items()},
    }


def _convergence_check(n: dict) -> bool:
    return n["LSTM_reached"] == n["seeds"] and n["LSTM_median"] < min(n["GRU_median"], n["RNN_median"])


TRAIN = (
    Claim(
        "train_convergence",
        "views/5_Train.py",
        text="Over {seeds} seeds with the suggested settings (LSTM forget bias +2), the LSTM reached 95 % "
        "after {LSTM_list} steps (median {LSTM_median:.0f}), the GRU after {GRU_list} "
        "(median {GRU_median:.0f}) and the plain RNN in {RNN_reached} of {seeds} runs within {cap} steps "
        "({RNN_list}): here the LSTM converges fastest.",
        plain="Steps to 95 % over {seeds} seeds (— = not within {cap}): LSTM {LSTM_list}; GRU {GRU_list}; "
        "RNN {RNN_list}.",
        compute=_convergence_compute,
        numbers=_convergence_numbers,
        check=_convergence_check,
        defaults={"task": "first_bit", "max_steps": 700},
        counter={"max_steps": 40},
    ),
)
