"""Our full-trace forward pass against torch.nn.LSTM's forward, side by side in one process.

Usage: python benchmarks/core_vs_torch.py [--repeats 15]
float64, one thread each, best of N, ours and torch run alternately. Ours records every intermediate
(gates, pre-activations, states); torch computes only the
outputs, so a ratio ≤ 1 means the trace costs nothing extra in wall time.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before numpy/torch load their thread pools
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

import numpy as np  # noqa: E402
import torch  # noqa: E402

from lstm_core import LSTM  # noqa: E402


def best_of_each(fns, repeats: int) -> list[float]:
    """Best wall time of each function, run in turn within every repeat.

    Alternating puts both under the same machine state (CPU clock, other processes), where running one
    for all repeats and then the other lets a drift in between decide the ratio.
    """
    for fn in fns:
        fn()  # warm-up: allocations, torch's kernel selection
    best = [float("inf")] * len(fns)
    for _ in range(repeats):
        for k, fn in enumerate(fns):
            t0 = time.perf_counter()
            fn()
            best[k] = min(best[k], time.perf_counter() - t0)
    return best


def measure(T: int, I: int, H: int, repeats: int) -> tuple[float, float]:  # noqa: E741
    """(ours, torch) best wall times in seconds for one sequence of T steps through one layer."""
    module = torch.nn.LSTM(I, H).double()
    net = LSTM.from_weights({k: v.detach().numpy() for k, v in module.state_dict().items()}, layout="torch")
    x = np.random.default_rng(0).standard_normal((T, I))
    x_torch = torch.from_numpy(x)
    with torch.no_grad():
        ours, theirs = best_of_each([lambda: net.run(x), lambda: module(x_torch)], repeats)
        gap = np.abs(module(x_torch)[0].numpy() - net.run(x).h).max()
    assert gap < 1e-12, f"outputs differ by {gap}"
    return ours, theirs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=15)
    args = ap.parse_args()
    torch.set_num_threads(1)
    print(
        f"numpy {np.__version__}, torch {torch.__version__}, float64, 1 thread, best of {args.repeats} "
        f"(ours and torch alternate); load average {os.getloadavg()[0]:.2f}"
    )
    print(f"{'case':26} {'T':>6} {'I':>4} {'H':>4} {'ours ms':>9} {'torch ms':>9} {'ours/torch':>11}")
    cases = [("headline (goal ≤ 0.8)", 1000, 16, 64)]
    cases += [("growth in T", T, 16, 64) for T in (100, 1_000, 10_000)]
    cases += [("growth in H", 1000, 16, H) for H in (8, 64, 256)]
    for label, T, I, H in cases:  # noqa: E741
        ours, theirs = measure(T, I, H, args.repeats if T <= 1000 else max(3, args.repeats // 5))
        ratio = ours / theirs
        print(f"{label:26} {T:>6} {I:>4} {H:>4} {ours * 1e3:>9.2f} {theirs * 1e3:>9.2f} {ratio:>11.2f}")


if __name__ == "__main__":
    main()
