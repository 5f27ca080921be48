"""The Train page's own-series task at the page's defaults on three series, each cell: held-out MSE of the
trained cell against next = current (docs/own_series.md prints this table).

    python scripts/own_series_report.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lstm_core.next_value import DEFAULT_WINDOW, SUGGESTED, NextValueSeries  # noqa: E402
from lstm_core.train import Model, train  # noqa: E402
from ui.own_series import sample_values  # noqa: E402


def series() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    ar2 = np.zeros(400)
    for t in range(2, 400):  # a damped oscillation driven by noise: predictable from its last two values
        ar2[t] = 1.5 * ar2[t - 1] - 0.8 * ar2[t - 2] + rng.standard_normal()
    return {
        "sample noisy sine (300)": sample_values(),
        "AR(2) (400)": ar2,
        "random walk (400)": np.cumsum(rng.standard_normal(400)),
    }


def main() -> None:
    print("| series | cell | held-out MSE, trained | next = current | ratio | beats it |")
    print("|---|---|---|---|---|---|")
    for name, x in series().items():
        s = NextValueSeries.from_values(x)
        task = s.task(DEFAULT_WINDOW)
        for kind in ("lstm", "gru", "rnn"):
            bias = SUGGESTED["forget_bias"] if kind == "lstm" else 0.0
            model = Model.for_task(
                task, kind=kind, hidden_size=SUGGESTED["hidden_size"], seed=0, forget_bias=bias
            )
            train(model, task, steps=SUGGESTED["steps"], lr=SUGGESTED["lr"], clip=1.0, batch_size=32, seed=0)
            r = s.report(model)
            print(
                f"| {name} | {kind} | {r.trained_mse:.4g} | {r.baseline_mse:.4g} | {r.ratio:.3f} | "
                f"{'yes' if r.beats_baseline else 'no'} |"
            )


if __name__ == "__main__":
    main()
