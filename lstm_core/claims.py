"""The claims register: every sentence a page states about its own numbers, with the check that proves it.

A :class:`Claim` holds the sentence as the page shows it (a template filled from the numbers), the core
call the page makes (``compute(**inputs)`` → result), the page's default inputs, and ``holds(result)``.
Pages show ``claim.say(result)`` only where ``holds(result)`` is true for the numbers on screen, and
``claim.report(result)`` (the plain numbers, no promise) otherwise, so a learner who moves a control is
never told something the figure does not show. ``tests/core/test_claims.py`` runs every entry at its
defaults, and at its ``counter`` inputs, where the claim must *not* hold: a check that ignored its
inputs (a constant) would fail there.

NumPy only: no Streamlit, no Plotly (docs/claims.md lists the claims and their measured numbers).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import gradient_flow as gf
from .experiments import PRESETS, run_settings
from .network import LSTM
from .sequences import make_pulse
from .tasks import make_task
from .train import Model, train


@dataclass(frozen=True)
class Claim:
    """One page sentence about numbers.

    key: its name; page: where it is shown; text: the sentence, a ``str.format`` template over
    ``numbers(result)``; plain: the same numbers stated without the promise (shown when it does not hold);
    compute(**inputs): the page's core call; numbers(result) → dict; check(numbers) → bool;
    defaults: the page's default inputs; counter: inputs that change what the claim is about, under which
    it must fail.
    """

    key: str
    page: str
    text: str
    plain: str
    compute: Callable[..., object]
    numbers: Callable[[object], dict]
    check: Callable[[dict], bool]
    defaults: Mapping = field(default_factory=dict)
    counter: Mapping = field(default_factory=dict)

    def run(self, **changes) -> dict:
        """{"inputs", result fields…} at the defaults with ``changes`` applied."""
        inputs = {**self.defaults, **changes}
        return {"inputs": inputs, **self.compute(**inputs)}

    def holds(self, result) -> bool:
        return bool(self.check(self.numbers(result)))

    def say(self, result) -> str:
        return self.text.format(**self.numbers(result))

    def report(self, result) -> str:
        return self.plain.format(**self.numbers(result))


def _sci(value: float) -> str:
    """1.96e-03 → '1.96 × 10⁻³'-style text kept ASCII-safe: '0.0020' or '4.0e-08'."""
    return "inf" if not np.isfinite(value) else (f"{value:.2g}" if value >= 1e-3 else f"{value:.1e}")


# ---------------------------------------------------------------------------------------------- Gradient flow


def _init_compute(task, length, hidden, seed, forget_bias):
    return {"norms": gf.flow_at_init(task, length, hidden, seed, forget_bias)}


def _init_numbers(result) -> dict:
    lstm, rnn = gf.far_norms(result["norms"])
    return {
        "k": result["inputs"]["length"] - 1,
        "lstm": _sci(lstm),
        "rnn": _sci(rnn),
        "ratio": lstm / rnn if rnn > 0 else float("inf"),
    }


def _trained_compute(task, length, hidden, seed, forget_bias, steps, lr):
    return {"trained": gf.train_three(task, length, hidden, seed, forget_bias, steps, lr)}


def _trained_numbers(result) -> dict:
    t = result["trained"]
    return {
        "length": result["inputs"]["length"],
        "steps": result["inputs"]["steps"],
        "chance": t.chance,
        **{cell: t.accuracy[cell] for cell in gf.CELLS},
    }


def _trained_check(n: dict) -> bool:
    return n["LSTM"] >= 0.95 and n["GRU"] >= 0.95 and abs(n["RNN"] - n["chance"]) <= 0.10


def _explode_compute(task, length, hidden, seed, scale, lr, steps):
    return {"runs": gf.exploding_runs(task, length, hidden, seed, scale, lr, steps, gf.EXPLODE["clip"])}


BEST_CONSTANT_MSE = 1.0 / 6.0  # adding problem: always answering 1, the mean of the sum, has MSE Var = 2/12


def _explode_numbers(result) -> dict:
    off, on = (result["runs"][label] for label in gf.CLIP_LABELS)
    grew = gf.growth(off["grad_norms"])
    return {
        "grew": "became infinite" if not np.isfinite(grew) else f"grew {grew:.2g} times",
        "off_growth": grew,
        "off_finite": bool(np.isfinite(off["losses"]).all()),
        "on_growth": gf.growth(on["grad_norms"]),
        "loss0": float(on["losses"][0]),
        "loss_end": gf.tail_mean(on["losses"]),
        "baseline": BEST_CONSTANT_MSE,
    }


def _explode_check(n: dict) -> bool:
    return n["off_growth"] >= 1e6 and np.isfinite(n["on_growth"]) and n["loss_end"] < n["baseline"]


_GF = "pages/6_Gradient_flow.py"

GRADIENT_FLOW = (
    Claim(
        "gf_init_ratio",
        _GF,
        text="{k} steps back, the fresh LSTM's ‖∂L/∂c‖ is {lstm} and the plain RNN's ‖∂L/∂h‖ is {rnn}: "
        "the memory path keeps {ratio:,.0f} times more gradient.",
        plain="{k} steps back: the LSTM's ‖∂L/∂c‖ is {lstm}, the RNN's ‖∂L/∂h‖ is {rnn} "
        "(ratio {ratio:,.3g}; at the page's defaults it is at least 100).",
        compute=_init_compute,
        numbers=_init_numbers,
        check=lambda n: n["ratio"] >= 100.0,
        defaults={k: gf.DEFAULTS[k] for k in ("task", "length", "hidden", "seed", "forget_bias")},
        counter={"length": 3},
    ),
    Claim(
        "gf_trained",
        _GF,
        text="After {steps} steps the LSTM gets {LSTM:.0%} and the GRU {GRU:.0%} of 512 fresh sequences "
        "right, the plain RNN {RNN:.0%} (chance {chance:.0%}): the gated cells carry the first bit "
        "across {length} steps, the RNN does not.",
        plain="After {steps} steps: LSTM {LSTM:.0%}, GRU {GRU:.0%}, RNN {RNN:.0%} on 512 fresh sequences "
        "(chance {chance:.0%}).",
        compute=_trained_compute,
        numbers=_trained_numbers,
        check=_trained_check,
        defaults=dict(gf.DEFAULTS),
        counter={"steps": 20},
    ),
    Claim(
        "gf_explode",
        _GF,
        text="Without clipping the RNN's gradient norm {grew} and the run is lost; clipped at norm 1 it "
        "stays finite (at most {on_growth:.1f}× its start) and the loss falls from {loss0:.2f} to "
        "{loss_end:.2f}, below the {baseline:.2f} of always answering 1.",
        plain="Without clipping the gradient norm {grew}; with clipping it grew at most {on_growth:.3g}× and "
        "the loss went from {loss0:.3g} to {loss_end:.3g} (always answering 1 scores {baseline:.2f}).",
        compute=_explode_compute,
        numbers=_explode_numbers,
        check=_explode_check,
        defaults={"seed": 0, **{k: v for k, v in gf.EXPLODE.items() if k != "clip"}},
        counter={"lr": 0.01},
    ),
)


# ------------------------------------------------------------------------------------------------ Gate lab

_PULSE_H = 4  # the Gate lab draws min(hidden, 4) units; the sidebar starts at 4


def _preset_compute(preset, hidden, seed, c0, **gates):
    """The Gate lab's run of ``preset`` (its gates overridden by ``gates``: {"f_bias": …}) on the single
    pulse, from the memory c0: the (T, H) long-term memory c."""
    settings = PRESETS[preset]
    for name, value in gates.items():
        key, part = name.split("_")
        settings = settings.with_gate(key, **{part: value})
    x = make_pulse().x
    trace = run_settings(settings, x, hidden, seed=seed, c0=c0)
    return {"c": trace.c, "x": np.asarray(x).reshape(len(x), -1)}


def _memory_numbers(result) -> dict:
    c, c0 = result["c"], float(result["inputs"]["c0"])
    pulse = int(np.argmax(result["x"][:, 0]))
    after = c[pulse:]
    return {
        "c0": c0,
        "drift": float(np.abs(c - c0).max()),
        "last": float(np.abs(c[-1]).max()),
        "held": float(np.abs(after - after[0]).max()),
        "written": float(np.abs(after[0]).min()),
        "before": float(np.abs(c[:pulse]).max()) if pulse else 0.0,
        "T": c.shape[0],
    }


_GL = "pages/3_Gate_lab.py"
_GL_DEFAULTS = {"hidden": _PULSE_H, "seed": 0}

GATE_LAB = (
    Claim(
        "preset_perfect_memory",
        _GL,
        text="Perfect memory on the single pulse, starting from c = {c0:g}: over {T} steps the memory moves "
        "by at most {drift:.1e}.",
        plain="Over {T} steps the memory moved by up to {drift:.3g} from {c0:g}.",
        compute=_preset_compute,
        numbers=_memory_numbers,
        check=lambda n: n["drift"] < 0.01,
        defaults={"preset": "perfect_memory", "c0": 0.5, **_GL_DEFAULTS},
        counter={"f_bias": 0.0},
    ),
    Claim(
        "preset_amnesia",
        _GL,
        text="Amnesia on the single pulse, starting from c = {c0:g}: by the last step the memory is "
        "{last:.1e}; the start is gone.",
        plain="At the last step the memory is {last:.3g} (it started at {c0:g}).",
        compute=_preset_compute,
        numbers=_memory_numbers,
        check=lambda n: n["last"] < 0.01,
        defaults={"preset": "amnesia", "c0": 0.5, **_GL_DEFAULTS},
        counter={"f_bias": 10.0},
    ),
    Claim(
        "preset_write_once",
        _GL,
        text="Write once then hold on the single pulse: the pulse writes |c| ≥ {written:.2f} into every "
        "unit, and afterwards the memory moves by at most {held:.1e}.",
        plain="After the pulse the memory is at least {written:.3g} in size and moves by up to {held:.3g}.",
        compute=_preset_compute,
        numbers=_memory_numbers,
        check=lambda n: n["written"] > 0.5 and n["held"] < 0.01,
        defaults={"preset": "write_once", "c0": 0.5, **_GL_DEFAULTS},
        counter={"i_bias": 0.0},
    ),
    Claim(
        "preset_saturated",
        _GL,
        text="Saturated on the single pulse: the pulse stores |c| ≥ {written:.2f} and the silence after it "
        "holds it to within {held:.1e}, a latch.",
        plain="After the pulse the memory is at least {written:.3g} in size and moves by up to {held:.3g}.",
        compute=_preset_compute,
        numbers=_memory_numbers,
        check=lambda n: n["written"] > 0.5 and n["held"] < 0.01,
        defaults={"preset": "saturated", "c0": 0.5, **_GL_DEFAULTS},
        counter={"f_bias": -10.0},
    ),
)

CLAIMS: dict[str, Claim] = {claim.key: claim for claim in (*GRADIENT_FLOW, *GATE_LAB)}


# ------------------------------------------------------------------------------- Lesson 8: a trained cell

TRAINED_FIRST_BIT = "assets/weights/remember_first_bit.safetensors"  # relative to the repository root


def _flip_compute(weights, unit=None, sequence_seed=0):
    """Lesson 8's two runs of the shipped first-bit cell (ui/lessons/scenes.trained_first_bit): one sequence
    of remember-the-first-bit (20 steps, drawn from ``sequence_seed``) and the same with the first bit
    flipped. unit: the unit to follow; None picks, as the lesson does, the unit whose final memory differs
    most. {"c", "c_flipped"}: (T, H) each, and "unit"."""
    net = LSTM.load(Path(__file__).resolve().parent.parent / weights)
    x = make_task("first_bit", 20).batch(1, np.random.default_rng(sequence_seed))[0][0]
    flipped = x.copy()
    flipped[0, 0] = -flipped[0, 0]
    c, c_flipped = net.run(x).c, net.run(flipped).c
    picked = int(np.argmax(np.abs(c[-1] - c_flipped[-1]))) if unit is None else int(unit)
    return {"c": c, "c_flipped": c_flipped, "unit": picked}


def _flip_numbers(result) -> dict:
    c, f, j = result["c"], result["c_flipped"], result["unit"]
    opposite = np.sign(c[:, j]) * np.sign(f[:, j]) < 0
    stays = np.nonzero(~opposite)[0]  # the last step where the signs still agree
    gaps = np.abs(c[-1] - f[-1])
    return {
        "unit": j,
        "T": c.shape[0],
        "from_step": int(stays[-1]) + 1 if stays.size else 0,
        "gap": float(gaps[j]),
        "next": float(np.sort(gaps)[-2]) if gaps.size > 1 else 0.0,
        "most": bool(gaps[j] >= gaps.max()),
    }


LESSONS = (
    Claim(
        "lesson8_memory_unit",
        "pages/7_Lessons.py",
        text="Unit {unit} carries the first bit: from step {from_step} to the last its memory has opposite "
        "signs in the two runs, and at the end they differ by {gap:.1f}, more than any other unit "
        "(next {next:.1f}).",
        plain="Unit {unit}: opposite signs from step {from_step}; final difference {gap:.3g}.",
        compute=_flip_compute,
        numbers=_flip_numbers,
        check=lambda n: n["most"] and n["from_step"] <= n["T"] // 2,
        defaults={"weights": TRAINED_FIRST_BIT, "unit": None},
        counter={"unit": 4},
    ),
)

CLAIMS.update({claim.key: claim for claim in LESSONS})


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
        "pages/5_Train.py",
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

CLAIMS.update({claim.key: claim for claim in TRAIN})
