"""Train the shipped character model on the standard library of the Python that runs this script.

Usage: python scripts/train_char_model.py [--minutes 25] [--hidden 128] [--seq 100] [--batch 32]
       python scripts/train_char_model.py --report-only      # re-measure the held-out report

The corpus is every top-level ``*.py`` file of ``sysconfig.get_paths()["stdlib"]``, sorted by name; every
``--hold-out``-th file (the 4th, 12th, … of the sorted list) is kept out of training. Training is
``lstm_core.text.train_chars`` (the project's batched trainer: truncated BPTT, Adam, global-norm
clipping) for a wall-clock budget, with a checkpoint every few minutes. Writes
``assets/models/python_chars.safetensors`` and the held-out report ``assets/models/python_chars_report.md``:
bits per character on the held-out files against a unigram baseline, and the best in-string unit.
"""

from __future__ import annotations

import argparse
import os
import sys
import sysconfig
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # the machine is shared; one core is plenty
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from lstm_core.text import (  # noqa: E402
    PYTHON_ALPHABET,
    CharModel,
    code_features,
    encode,
    new_char_model,
    rank_units,
    train_chars,
    unigram_bits,
)
from lstm_core.train import Adam, Model  # noqa: E402

OUT = ROOT / "assets" / "models" / "python_chars.safetensors"
REPORT = OUT.with_name("python_chars_report.md")
SNIPPET = OUT.with_name("python_chars_snippet.txt")  # the Read text page's preset: held-out code
SNIPPET_FILE, SNIPPET_CHARS = "genericpath.py", 1500
HOLD_OUT, HOLD_OUT_START = 8, 3
REPORT_CHARS = 20_000  # held-out characters the report reads (the first files of the held-out list)


def corpus_files() -> tuple[list[Path], list[Path]]:
    """(training files, held-out files) of the running Python's standard library."""
    files = []
    for path in sorted(Path(sysconfig.get_paths()["stdlib"]).glob("*.py")):
        try:
            path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        files.append(path)
    held = [p for k, p in enumerate(files) if k % HOLD_OUT == HOLD_OUT_START]
    return [p for p in files if p not in held], held


def read_files(paths: list[Path]) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in paths)


def held_out_text(held: list[Path]) -> str:
    """The first REPORT_CHARS characters of the held-out files, cut at a line end."""
    text = read_files(held)[:REPORT_CHARS]
    return text[: text.rfind("\n") + 1]


def snippet(held: list[Path]) -> str:
    """About SNIPPET_CHARS characters of a held-out file, from its first function on, cut at a line end."""
    path = next((p for p in held if p.name == SNIPPET_FILE), held[0])
    text = path.read_text(encoding="utf-8")
    text = text[max(text.find("\ndef "), 0) + 1 :][:SNIPPET_CHARS]
    return f"# from {path.name} (held out of training)\n" + text[: text.rfind("\n") + 1]


def report(model: CharModel, train_text: str, held: list[Path]) -> str:
    """The held-out report as Markdown (also stored, as numbers, in the model's facts)."""
    text = held_out_text(held)
    bits = model.bits_per_char(text)
    uni = unigram_bits(encode(train_text, model.alphabet), encode(text, model.alphabet), len(model.alphabet))
    features = code_features(text)
    ranked = rank_units(model.read(text), features["in_string"].to_numpy())
    best = ranked.iloc[0]
    model.facts.update(
        held_out_bits_per_char=round(bits, 4),
        unigram_bits_per_char=round(uni, 4),
        held_out_chars=len(text),
        in_string_unit={
            "layer": int(best.layer),
            "unit": int(best.unit),
            "quantity": str(best.quantity),
            "auc": round(float(best.score), 4),
        },
    )
    lines = [
        "# python_chars: held-out report",
        "",
        f"Made by `scripts/train_char_model.py`; {model.facts.get('steps')} steps of batch "
        f"{model.facts.get('batch')} × {model.facts.get('seq_len')} characters in "
        f"{model.facts.get('train_minutes')} minutes on {model.facts.get('python')}.",
        "",
        f"Held out: {len(held)} standard-library files ({', '.join(p.name for p in held)}); the report reads "
        f"their first {len(text):,} characters.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| bits per character, the model | {bits:.3f} |",
        f"| bits per character, unigram baseline (training-set frequencies) | {uni:.3f} |",
        f"| ratio model / unigram | {bits / uni:.3f} |",
        f"| best in-string unit: layer {int(best.layer)}, unit {int(best.unit)}, {best.quantity} | "
        f"AUC {float(best.score):.3f} |",
        "",
        "Top five units for “inside a string” (AUC, or 1 − AUC when the unit goes down inside strings):",
        "",
        "| layer | unit | quantity | score | direction |",
        "|---|---|---|---|---|",
        *(
            f"| {r.layer} | {r.unit} | {r.quantity} | {r.score:.3f} | {r.direction:+d} |"
            for r in ranked.head(5).itertuples()
        ),
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=25.0)
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--layers", type=int, default=1)
    ap.add_argument("--seq", type=int, default=100)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--clip", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dtype", choices=("float32", "float64"), default="float32", help="training precision")
    ap.add_argument("--checkpoint-minutes", type=float, default=3.0)
    ap.add_argument("--report-only", action="store_true")
    ap.add_argument("--resume", action="store_true", help="continue from the shipped file (fresh Adam)")
    args = ap.parse_args()

    train_files, held = corpus_files()
    train_text = read_files(train_files)
    if args.report_only:
        model = CharModel.load(OUT)
    else:
        model = train_model(args, train_text, len(train_files), len(held))
        model.save(OUT)  # before the report, so a failing report loses no training
    SNIPPET.write_text(snippet(held))
    REPORT.write_text(report(model, train_text, held))
    model.save(OUT)
    print(REPORT.read_text())
    return 0


def train_model(args, train_text: str, n_train: int, n_held: int) -> CharModel:
    codes = encode(train_text, PYTHON_ALPHABET)
    model = new_char_model(PYTHON_ALPHABET, args.hidden, args.layers, seed=args.seed)
    before = {"steps": 0, "train_minutes": 0.0}
    if args.resume:
        old = CharModel.load(OUT)
        model = Model(old.net, len(PYTHON_ALPHABET), readout="every", W_y=old.W_y, b_y=old.b_y)
        before = {k: old.facts.get(k, 0) for k in before}
    model = model.astype(args.dtype)  # the shipped file and the report read float64 copies either way
    deadline = time.perf_counter() + 60 * args.minutes
    start = time.perf_counter()
    facts = dict(
        corpus=f"Python {sys.version.split()[0]} standard library, top-level *.py",
        python=f"Python {sys.version.split()[0]}",
        train_files=n_train,
        held_out_files=n_held,
        hold_out_rule=f"every {HOLD_OUT}th file of the sorted list, starting at index {HOLD_OUT_START}",
        train_chars=len(train_text),
        hidden_size=args.hidden,
        num_layers=args.layers,
        seq_len=args.seq,
        batch=args.batch,
        lr=args.lr,
        clip=args.clip,
        seed=args.seed,
        dtype=args.dtype,
    )
    adam = Adam(model.theta.size, lr=args.lr, dtype=model.dtype)
    last_save = [time.perf_counter()]

    def callback(step: int, bits: float) -> bool:
        now = time.perf_counter()
        if now > deadline - 30 * args.minutes:
            adam.lr = args.lr / 2  # the second half of the budget at half the rate: a cheap anneal
        if now - last_save[0] > 60 * args.checkpoint_minutes:
            last_save[0] = now
            freeze(model, facts, before, step, now - start).save(OUT)
        print(f"step {step:6d}  {bits:.3f} bits/char  {now - start:7.0f} s", flush=True)
        return now < deadline

    result = train_chars(
        model,
        codes,
        steps=10**7,
        seq_len=args.seq,
        batch_size=args.batch,
        lr=args.lr,
        clip=args.clip,
        callback=callback,
        report_every=10.0,
        optimizer=adam,
    )
    return freeze(model, facts, before, result.steps, result.seconds)


def freeze(model, facts: dict, before: dict, steps: int, seconds: float) -> CharModel:
    """The model with its facts; ``before``: steps and minutes of the run it resumed (zeros if none)."""
    total = {
        "steps": before["steps"] + steps,
        "train_minutes": round(before["train_minutes"] + seconds / 60, 1),
    }
    return CharModel.from_model(model, PYTHON_ALPHABET, facts | total)


if __name__ == "__main__":
    raise SystemExit(main())
