"""The Gradient flow page's experiments: how far back the loss's gradient reaches in an RNN, LSTM and GRU.

Three experiments, each a pure function of its settings (the page calls exactly these, at ``DEFAULTS`` and
``EXPLODE`` unless the learner moves a control; ``ui.claims`` checks the page's sentences with them):

- :func:`flow_at_init`: mean ‖∂L/∂h_t‖ (and the LSTM's ‖∂L/∂c_t‖) of three fresh cells, each (T,).
- :func:`train_three`: the three cells trained on the same task; their held-out accuracies and the flow after.
- :func:`exploding_runs`: a plain RNN with scaled-up recurrent weights trained by plain SGD with clipping off
  and on. SGD, not Adam: Adam divides every step by the gradient's running size, so a huge gradient makes no
  bigger step and clipping changes almost nothing (the page's old default showed exactly that).

The defaults were chosen from measurements (docs/claims.md); NumPy only, no Streamlit, no Plotly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .comparison_cells import RNN
from .tasks import make_task
from .train import Model, evaluate, train

CELLS = {"LSTM": "lstm", "RNN": "rnn", "GRU": "gru"}
EXAMPLES = 16  # sequences the norms are averaged over

# Remember the first bit over 20 steps: at seed 0 the LSTM (forget bias +1, Gers et al. 2000) reaches
# 95 % of its batches near step 350 and the GRU near step 280 with Adam at 0.005, while the RNN stays at
# chance; 500 steps leave room for both (at 400 the RNN drifts to 43 %), about 2 s on a quiet machine.
DEFAULTS = dict(task="first_bit", length=20, hidden=8, forget_bias=1.0, lr=0.005, steps=500, seed=0)

# The adding problem over 10 steps, RNN weights × 2, SGD at 0.3: without clipping the loss is non-finite
# within 300 steps; with clipping at norm 1 it falls from 0.30 to below the 0.17 of the best constant guess.
EXPLODE = dict(task="adding", length=10, hidden=8, scale=2.0, lr=0.3, steps=400, clip=1.0)
CLIP_LABELS = ("clipping off", "clipping on (norm 1)")


def mean_norms(model: Model, task, seed: int) -> dict[str, np.ndarray | None]:
    """Mean over EXAMPLES sequences of the top layer's ‖∂L/∂h_t‖ ("dh") and, for an LSTM, ‖∂L/∂c_t‖
    ("dc", else None); each (T,), index t (the distance from the loss is T − 1 − t)."""
    x, y = task.batch(EXAMPLES, np.random.default_rng((seed, 7)))
    dh, dc = [], []
    for b in range(EXAMPLES):
        grads = model.sequence_gradients(task, x[b], y[b]).grads
        dh.append(grads.norms("dh")[-1])
        if model.kind == "lstm":
            dc.append(grads.norms("dc")[-1])
    return {"dh": np.mean(dh, axis=0), "dc": np.mean(dc, axis=0) if dc else None}


def fresh_models(task, hidden: int, seed: int, forget_bias: float) -> dict[str, Model]:
    """One fresh model per cell of CELLS; only the LSTM gets ``forget_bias`` (the others have no f)."""
    return {
        label: Model.for_task(
            task, kind=kind, hidden_size=hidden, seed=seed, forget_bias=forget_bias if kind == "lstm" else 0.0
        )
        for label, kind in CELLS.items()
    }


def flow_at_init(task_name: str, length: int, hidden: int, seed: int, forget_bias: float) -> dict:
    """{cell label: mean_norms} of the three fresh cells."""
    task = make_task(task_name, length)
    models = fresh_models(task, hidden, seed, forget_bias)
    return {label: mean_norms(m, task, seed) for label, m in models.items()}


def far_norms(norms: dict) -> tuple[float, float]:
    """(LSTM ‖∂L/∂c‖, RNN ‖∂L/∂h‖) at the largest distance drawn, T − 1 (step t = 0)."""
    return float(norms["LSTM"]["dc"][0]), float(norms["RNN"]["dh"][0])


@dataclass(frozen=True)
class Trained:
    """After :func:`train_three`: per cell the flow (mean_norms), the accuracy on 512 fresh sequences, the
    per-step batch accuracies (steps,) and the chance level of the task."""

    norms: dict
    accuracy: dict[str, float]
    curves: dict[str, np.ndarray]
    chance: float


def train_three(
    task_name: str,
    length: int,
    hidden: int,
    seed: int,
    forget_bias: float,
    steps: int,
    lr: float,
    progress: Callable[[float], None] | None = None,
) -> Trained:
    """Train the LSTM, RNN and GRU one after the other (Adam, clipping at 1, batches of 32, ``seed``).

    progress(fraction done in [0, 1]) is called a few times a second, for a progress bar.
    """
    task = make_task(task_name, length)
    norms, accuracy, curves = {}, {}, {}
    for n, (label, m) in enumerate(fresh_models(task, hidden, seed, forget_bias).items()):

        def report(step, loss, acc, n=n):
            if progress is not None:
                progress((n + step / steps) / len(CELLS))

        result = train(m, task, steps=steps, lr=lr, clip=1.0, seed=seed, callback=report)
        norms[label] = mean_norms(m, task, seed)
        accuracy[label] = float(evaluate(m, task)[1])
        curves[label] = result.accuracies
    return Trained(norms=norms, accuracy=accuracy, curves=curves, chance=task.chance)


def exploding_runs(
    task_name: str,
    length: int,
    hidden: int,
    seed: int,
    scale: float,
    lr: float,
    steps: int,
    clip: float = 1.0,
) -> dict:
    """A plain RNN whose recurrent weights are multiplied by ``scale``, trained by SGD with clipping off
    and on (at ``clip``). {CLIP_LABELS[i]: {"grad_norms", "losses", "accuracies"} (steps,) each,
    "init": mean_norms of the scaled RNN}. Once a run's numbers overflow they stay inf/NaN (no warnings)."""
    task = make_task(task_name, length)
    w = RNN.random(task.input_size, hidden, seed=seed).to_weights()
    w["weight_hh_l0"] = w["weight_hh_l0"] * scale
    runs = {}
    for label, max_norm in zip(CLIP_LABELS, (None, clip), strict=True):
        model = Model(RNN.from_weights(w), task.output_size, readout=task.readout, seed=seed)
        with np.errstate(all="ignore"):  # the unclipped run is meant to overflow
            r = train(model, task, steps=steps, lr=lr, clip=max_norm, seed=seed, method="sgd")
        runs[label] = {"grad_norms": r.grad_norms, "losses": r.losses, "accuracies": r.accuracies}
    fresh = Model(RNN.from_weights(w), task.output_size, readout=task.readout, seed=seed)
    runs["init"] = mean_norms(fresh, task, seed)
    return runs


def growth(series: np.ndarray) -> float:
    """Largest value over the first, inf if any value is non-finite: how far a curve blew up."""
    series = np.asarray(series, dtype=np.float64)
    if not np.isfinite(series).all():
        return float("inf")
    return float(series.max() / series[0])


def tail_mean(series: np.ndarray, n: int = 50) -> float:
    """Mean of the last n values (a training curve's end, less noisy than its last batch)."""
    return float(np.mean(np.asarray(series)[-n:]))
