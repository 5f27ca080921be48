"""The character task of scripts/train_char_model.py, our NumPy trainer against PyTorch, side by side.

Usage: python benchmarks/char_vs_torch.py [--hidden 128] [--seq 100] [--batch 32] [--steps 100] [--repeats 3]

Same model size, batch, chunk length, data (consecutive chunks of the standard-library corpus, state
carried between chunks), loss, Adam and clipping. Ours trains in float32 (``Model.astype``, the path the
script trains with) and float64 (the reference); torch runs one thread, in float32 and float64. Prints the
time per 100 steps of each (best of --repeats, the machine is shared) and the ratios; the issue's limit is
ours float32 / torch float32 <= 1.5 (goal 1.0).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import numpy as np  # noqa: E402
import torch  # noqa: E402
from train_char_model import corpus_files, read_files  # noqa: E402

from lstm_core.text import PYTHON_ALPHABET, encode, new_char_model, train_chars  # noqa: E402


def ours(codes, args, dtype) -> float:
    model = new_char_model(PYTHON_ALPHABET, args.hidden, seed=0).astype(dtype)
    t0 = time.perf_counter()
    train_chars(model, codes, args.steps, seq_len=args.seq, batch_size=args.batch, lr=2e-3, clip=1.0)
    return time.perf_counter() - t0


def theirs(codes, args, dtype) -> float:
    torch.manual_seed(0)
    K = len(PYTHON_ALPHABET)
    lstm = torch.nn.LSTM(K, args.hidden, batch_first=True).to(dtype)
    head = torch.nn.Linear(args.hidden, K).to(dtype)
    params = [*lstm.parameters(), *head.parameters()]
    opt = torch.optim.Adam(params, lr=2e-3)
    lane = (len(codes) - 1) // args.batch
    lanes = np.arange(args.batch)[:, None] * lane
    eye = torch.eye(K, dtype=dtype)
    state, pos = None, 0
    t0 = time.perf_counter()
    for _ in range(args.steps):
        chunk = torch.from_numpy(codes[lanes + pos + np.arange(args.seq + 1)])
        out, state = lstm(eye[chunk[:, :-1]], state)
        loss = torch.nn.functional.cross_entropy(head(out).reshape(-1, K), chunk[:, 1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        state = tuple(s.detach() for s in state)
        pos += args.seq
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--seq", type=int, default=100)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    torch.set_num_threads(1)
    codes = encode(read_files(corpus_files()[0]), PYTHON_ALPHABET)
    best = {"ours float32": [], "torch float32": [], "ours float64": [], "torch float64": []}
    for _ in range(args.repeats):  # interleaved, so a burst of load hits every side alike
        best["ours float32"].append(ours(codes, args, np.float32))
        best["ours float64"].append(ours(codes, args, np.float64))
        best["torch float32"].append(theirs(codes, args, torch.float32))
        best["torch float64"].append(theirs(codes, args, torch.float64))
    per100 = {k: min(v) * 100 / args.steps for k, v in best.items()}
    print(
        f"char task: H={args.hidden}, batch {args.batch} x {args.seq} chars, {args.steps} steps, "
        f"best of {args.repeats}"
    )
    for k, v in per100.items():
        print(f"  {k:16s} {v:7.2f} s per 100 steps")
    ratio = per100["ours float32"] / per100["torch float32"]
    verdict = "OK" if ratio <= 1.5 else "FAIL"
    print(f"  ours / torch, float32 both: {ratio:.2f}x (limit 1.5, goal 1.0) {verdict}")
    print(f"  ours / torch, float64 both: {per100['ours float64'] / per100['torch float64']:.2f}x")
    return 0 if ratio <= 1.5 else 1


if __name__ == "__main__":
    raise SystemExit(main())
