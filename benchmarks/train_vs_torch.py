"""Our NumPy trainer against PyTorch on remember-the-first-bit, side by side in one process.

Usage: python benchmarks/train_vs_torch.py [--seeds 5] [--repeats 3] [--length 20] [--batch 32]

A second table times the Gradient flow page's default "Train all three" (``gradient_flow.DEFAULTS``: the
LSTM, the plain RNN and the GRU, a fixed number of steps each) against the same three trainings in torch.

Both sides start from the same weights (ours, copied into ``nn.LSTM`` + ``nn.Linear``), draw the same
batches from the same generator, and use the same loss (cross-entropy on the last step), global-norm
clipping and Adam with the same learning rate. Every batch is fresh data, so the accuracy on the batch
just trained on, before the update, is an honest estimate of accuracy on unseen sequences: each side
stops when its mean over the last ``--window`` batches (320 sequences by default) reaches 95 %. The
wall time covers drawing the batches and everything after; a held-out batch, evaluated afterwards and
not timed, confirms the result ("held-out" column).
torch runs on the CPU with one thread, in float64 (the same numbers as ours, so the same number of
steps) and, for reference, in float32. Each time is the best of ``--repeats`` runs (the machine is shared).
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

from lstm_core import gradient_flow as gf  # noqa: E402
from lstm_core.tasks import make_task  # noqa: E402
from lstm_core.train import Model, evaluate, train  # noqa: E402

TORCH_CELLS = {"lstm": torch.nn.LSTM, "rnn": torch.nn.RNN, "gru": torch.nn.GRU}


def ours(task, args, seed, x_eval, y_eval) -> tuple[float, int, float]:
    """(seconds, steps, final eval accuracy) for our trainer to reach the target."""
    model = Model.for_task(task, hidden_size=args.hidden, seed=seed, forget_bias=args.forget_bias)
    recent = np.zeros(args.window)

    def callback(step, loss, accuracy):
        recent[step % args.window] = accuracy
        return step < args.window or recent.mean() < args.target  # False stops training

    t0 = time.perf_counter()
    result = train(
        model,
        task,
        steps=args.max_steps,
        lr=args.lr,
        clip=args.clip,
        batch_size=args.batch,
        seed=seed,
        callback=callback,
        report_every=0.0,
    )
    seconds = time.perf_counter() - t0
    return seconds, result.steps, task.metric(model.predict(x_eval), y_eval)


def theirs(task, args, seed, x_eval, y_eval, dtype) -> tuple[float, int, float]:
    """The same training in PyTorch: same initial weights, batches, loss, clipping, optimiser."""
    init = Model.for_task(task, hidden_size=args.hidden, seed=seed, forget_bias=args.forget_bias)
    lstm = torch.nn.LSTM(task.input_size, args.hidden).to(dtype)
    linear = torch.nn.Linear(args.hidden, task.output_size).to(dtype)
    lstm.load_state_dict({k: torch.from_numpy(v) for k, v in init.network().to_weights("torch").items()})
    linear.load_state_dict(
        {"weight": torch.from_numpy(init.W_y.T.copy()), "bias": torch.from_numpy(init.b_y)}
    )
    params = [*lstm.parameters(), *linear.parameters()]
    optimizer = torch.optim.Adam(params, lr=args.lr)
    x_eval_t = torch.from_numpy(x_eval.transpose(1, 0, 2).copy()).to(dtype)
    y_eval_t = torch.from_numpy(y_eval)
    data = np.random.default_rng((seed, 0))  # the stream ``train`` draws its batches from
    recent = np.zeros(args.window)
    step = 0
    t0 = time.perf_counter()
    for step in range(1, args.max_steps + 1):  # noqa: B007
        x, y = task.batch(args.batch, data)
        y_t = torch.from_numpy(y)
        out, _ = lstm(torch.from_numpy(x.transpose(1, 0, 2).copy()).to(dtype))
        logits = linear(out[-1])
        loss = torch.nn.functional.cross_entropy(logits, y_t)
        recent[step % args.window] = (logits.argmax(-1) == y_t).double().mean().item()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, args.clip)
        optimizer.step()
        if step >= args.window and recent.mean() >= args.target:
            break
    seconds = time.perf_counter() - t0
    with torch.no_grad():
        acc = (linear(lstm(x_eval_t)[0][-1]).argmax(-1) == y_eval_t).double().mean().item()
    return seconds, step, acc


def gradient_flow_ours(kind: str) -> tuple[float, float]:
    """(seconds, held-out accuracy) of one cell of the Gradient flow default training, ours."""
    D = gf.DEFAULTS
    task = make_task(D["task"], D["length"])
    model = gf.fresh_models(task, D["hidden"], D["seed"], D["forget_bias"])[
        {v: k for k, v in gf.CELLS.items()}[kind]
    ]
    t0 = time.perf_counter()
    train(model, task, steps=D["steps"], lr=D["lr"], clip=1.0, seed=D["seed"])
    return time.perf_counter() - t0, evaluate(model, task)[1]


def gradient_flow_torch(kind: str) -> tuple[float, float]:
    """The same training in torch float64: same initial weights, batches, loss, clipping and Adam."""
    D = gf.DEFAULTS
    task = make_task(D["task"], D["length"])
    label = {v: k for k, v in gf.CELLS.items()}[kind]
    init = gf.fresh_models(task, D["hidden"], D["seed"], D["forget_bias"])[label]
    core = TORCH_CELLS[kind](task.input_size, D["hidden"]).double()
    linear = torch.nn.Linear(D["hidden"], task.output_size).double()
    core.load_state_dict({k: torch.from_numpy(v) for k, v in init.network().to_weights("torch").items()})
    linear.load_state_dict(
        {"weight": torch.from_numpy(init.W_y.T.copy()), "bias": torch.from_numpy(init.b_y)}
    )
    params = [*core.parameters(), *linear.parameters()]
    optimizer = torch.optim.Adam(params, lr=D["lr"])
    data = np.random.default_rng((D["seed"], 0))
    t0 = time.perf_counter()
    for _ in range(D["steps"]):
        x, y = task.batch(32, data)
        logits = linear(core(torch.from_numpy(x.transpose(1, 0, 2).copy()))[0][-1])
        loss = torch.nn.functional.cross_entropy(logits, torch.from_numpy(y))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
    seconds = time.perf_counter() - t0
    x_eval, y_eval = task.batch(512, np.random.default_rng(12345))  # ``evaluate``'s batch
    with torch.no_grad():
        out = linear(core(torch.from_numpy(x_eval.transpose(1, 0, 2).copy()))[0][-1])
    return seconds, float((out.argmax(-1).numpy() == y_eval).mean())


def gradient_flow_table(repeats: int) -> bool:
    """Print the Gradient flow default training, ours vs torch float64 per cell; True if within limits."""
    D = gf.DEFAULTS
    print(f"\nGradient flow default training ({D}), best of {repeats} runs, interleaved")
    totals = {"ours": 0.0, "torch": 0.0}
    for label, kind in gf.CELLS.items():
        best = {"ours": None, "torch": None}
        for _ in range(repeats):
            for side, run in (("ours", gradient_flow_ours), ("torch", gradient_flow_torch)):
                r = run(kind)
                best[side] = r if best[side] is None or r[0] < best[side][0] else best[side]
        for side in totals:
            totals[side] += best[side][0]
        print(
            f"{label:>5}: ours {best['ours'][0]:6.2f} s (held-out {best['ours'][1]:.0%}), torch "
            f"{best['torch'][0]:6.2f} s (held-out {best['torch'][1]:.0%}), "
            f"ratio {best['ours'][0] / best['torch'][0]:.2f}"
        )
    ratio = totals["ours"] / totals["torch"]
    ok = ratio <= 1.0 and totals["ours"] <= 10.0
    print(
        f"  all three: ours {totals['ours']:.2f} s, torch {totals['torch']:.2f} s, ours / torch {ratio:.2f} "
        f"(goal <= 1.0, ours <= 10 s) {'OK' if ok else 'FAIL'}"
    )
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--length", type=int, default=20)
    ap.add_argument("--hidden", type=int, default=8)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--clip", type=float, default=1.0)
    ap.add_argument("--forget-bias", type=float, default=2.0)
    ap.add_argument("--window", type=int, default=10)
    ap.add_argument("--eval-size", type=int, default=512)
    ap.add_argument("--target", type=float, default=0.95)
    ap.add_argument("--max-steps", type=int, default=3000)
    args = ap.parse_args()
    torch.set_num_threads(1)
    task = make_task("first_bit", args.length)
    print(
        f"remember the first bit: T={args.length}, H={args.hidden}, batch {args.batch}, Adam lr {args.lr}, "
        f"clip {args.clip}, forget bias {args.forget_bias}; stop at {args.target:.0%} mean accuracy over "
        f"the last {args.window} batches; held-out check on {args.eval_size} sequences"
    )
    print(f"numpy {np.__version__}, torch {torch.__version__} (CPU, 1 thread); best of {args.repeats} runs\n")
    rows, totals = [], {"ours": 0.0, "t64": 0.0, "t32": 0.0}
    steps_total = {"ours": 0, "t64": 0, "t32": 0}
    worst_ours = 0.0
    for seed in range(args.seeds):
        x_eval, y_eval = task.batch(args.eval_size, np.random.default_rng((seed, 99)))
        best = {"ours": None, "t64": None, "t32": None}
        for _ in range(args.repeats):  # interleaved, so a busy moment hits every side alike
            runs = {
                "ours": ours(task, args, seed, x_eval, y_eval),
                "t64": theirs(task, args, seed, x_eval, y_eval, torch.float64),
                "t32": theirs(task, args, seed, x_eval, y_eval, torch.float32),
            }
            for key, run in runs.items():
                if best[key] is None or run[0] < best[key][0]:
                    best[key] = run
        for key in totals:
            totals[key] += best[key][0]
            steps_total[key] += best[key][1]
        worst_ours = max(worst_ours, best["ours"][0])
        rows.append((seed, best))

    head = (
        f"{'seed':>4} | {'ours s':>7} {'steps':>5} {'held':>5} | {'torch64 s':>9} {'steps':>5} {'held':>5} | "
        f"{'torch32 s':>9} {'steps':>5} {'held':>5} | {'ours/t64':>8} {'ours/t32':>8}"
    )
    print(head)
    print("-" * len(head))
    for seed, b in rows:
        print(
            f"{seed:>4} | {b['ours'][0]:7.3f} {b['ours'][1]:5d} {b['ours'][2]:5.3f} | "
            f"{b['t64'][0]:9.3f} {b['t64'][1]:5d} {b['t64'][2]:5.3f} | "
            f"{b['t32'][0]:9.3f} {b['t32'][1]:5d} {b['t32'][2]:5.3f} | "
            f"{b['ours'][0] / b['t64'][0]:8.2f} {b['ours'][0] / b['t32'][0]:8.2f}"
        )
    print("-" * len(head))
    print(
        f"{'all':>4} | {totals['ours']:7.3f} {steps_total['ours']:5d} {'':5} | {totals['t64']:9.3f} "
        f"{steps_total['t64']:5d} {'':5} | {totals['t32']:9.3f} {steps_total['t32']:5d} {'':5} | "
        f"{totals['ours'] / totals['t64']:8.2f} {totals['ours'] / totals['t32']:8.2f}"
    )
    per_step = {k: 1e3 * totals[k] / steps_total[k] for k in totals}
    print(
        f"\nms per training step (incl. data and evaluation): ours {per_step['ours']:.2f}, "
        f"torch float64 {per_step['t64']:.2f}, torch float32 {per_step['t32']:.2f}"
    )
    ratio = totals["ours"] / totals["t64"]
    ok_ratio, ok_time = ratio <= 1.5, worst_ours <= 10.0
    reached = all(b[k][1] < args.max_steps and b[k][2] >= args.target - 0.02 for _, b in rows for k in b)
    print(
        f"time to {args.target:.0%}, ours / torch (same numbers, float64): {ratio:.2f} "
        f"(limit 1.5, goal 1.0) {'OK' if ok_ratio else 'FAIL'}; "
        f"ours / torch float32: {totals['ours'] / totals['t32']:.2f}"
    )
    print(f"slowest seed, ours: {worst_ours:.2f} s (limit 10 s) {'OK' if ok_time else 'FAIL'}")
    if not reached:
        print(f"FAIL: some run did not reach {args.target:.0%} within {args.max_steps} steps, or held out")
    ok_flow = gradient_flow_table(args.repeats)
    return 0 if ok_ratio and ok_time and reached and ok_flow else 1


if __name__ == "__main__":
    raise SystemExit(main())
