"""The Misconceptions quiz's claims: each answer's sentence of numbers, on the learner's own cell."""

from __future__ import annotations

import math

import numpy as np

from lstm_core import LSTM, cells
from lstm_core.experiments import PRESETS, describe_half_life, memory_half_life, run_matched, run_settings
from lstm_core.sequences import make_preset, make_pulse

from .base import Claim

# -------------------------------------------------------------------------------- Misconceptions (quiz)
#
# Each answer's sentence of numbers, measured on the learner's own cell: the page passes the traces it
# draws (``Claim.result``); the defaults are the sidebar's default cell (ui/state.ViewState).

QUIZ_CELL = {"variant": "standard", "hidden": 4, "layers": 1, "seed": 0, "preset": "sine", "length": 20}
SIGMOID_GATES = ("f", "i", "o")
NEAR_EDGE = 0.05  # a gate value within this of 0 or 1 counts as "shut" or "open"


def gate_spread(trace, layer: int = 0) -> dict[str, dict[str, float]]:
    """For each sigmoid gate f, i, o of ``layer`` over all steps and units: its min, max and the share of
    values in between (more than NEAR_EDGE away from both 0 and 1). no_forget's f (≡ 1) is left out."""
    lt = trace.layers[layer]
    out = {}
    for key in SIGMOID_GATES:
        if key in cells.get(trace.variant).fixed:
            continue
        v = getattr(lt, key)
        between = (v > NEAR_EDGE) & (v < 1 - NEAR_EDGE)
        out[key] = dict(min=float(v.min()), max=float(v.max()), between=float(between.mean()))
    return out


def parameter_count(variant: str, input_size: int, hidden_size: int) -> int:
    """One layer's weights, biases (docs/design.md §2): a block of H × (I + H + 1) per gate with weights
    (four for i, f, g, o; three without f in no_forget), plus the cell's ``extra_params`` (3H peepholes;
    Udacity's W_u and b_u, H × (H + 1))."""
    spec, H = cells.get(variant), hidden_size
    size = {"H": H}
    extra = sum(math.prod(size.get(d, d) for d in shape) for shape in spec.extra_params.values())
    return len(spec.gates) * H * (input_size + H + 1) + extra


def use_gate_gap(standard, udacity, layer: int = 0) -> tuple[float, int]:
    """(largest |h_t − STM_t| over units and steps, the step where it happens) for matched weights."""
    diff = np.abs(standard.layers[layer].h - udacity.layers[layer].h).max(axis=1)
    t = int(np.argmax(diff))
    return float(diff[t]), t


def _cell_compute(variant, hidden, layers, seed, preset, length, x_scale=1.0):
    """The sidebar's random cell on its preset (x_scale multiplies the input: a counter only)."""
    x = make_preset(preset, length, seed).x * x_scale
    return {"trace": LSTM.random(x.shape[1], hidden, layers, variant, seed).run(x)}


def _switches_numbers(result) -> dict:
    spread = gate_spread(result["trace"])

    def described(key):
        s = spread.get(key)
        if s is None:
            return "is always 1 (this cell has no forget gate)"
        return f"from {s['min']:.2f} to {s['max']:.2f} ({s['between']:.0%} of its values in between)"

    return {
        **{f"{k}_range": described(k) for k in SIGMOID_GATES},
        "least": min(s["between"] for s in spread.values()),
    }


def _shape_numbers(result) -> dict:
    tr = result["trace"]
    n_in = tr.layers[0].x.shape[1]
    n = parameter_count(tr.variant, n_in, tr.hidden_size)
    return {"H": tr.hidden_size, "T": tr.T, "n_in": n_in, "n": n, "variant": tr.variant}


def _pulse_compute(variant, hidden, seed, length, preset="write_once"):
    """The quiz's pulse: the Gate lab preset on one pulse (a 1 at t = 0, then zeros)."""
    return {"held": run_settings(PRESETS[preset], make_pulse(length).x, hidden, variant, seed)}


def _pulse_numbers(result) -> dict:
    held = result["held"]
    c = held.layers[0].c
    return {
        "zeros": held.T - 1,
        "last": float(np.abs(c[-1]).max()),
        "stored": float(np.abs(c[0]).max()),
        "half": describe_half_life(memory_half_life(held).min()),
    }


def _matched_compute(hidden, seed, preset, length, other="udacity"):
    """The standard cell and the Udacity cell with matched weights on the sidebar's preset ("standard" as
    ``other``: the standard cell against itself, a counter only)."""
    traces = run_matched(make_preset(preset, length, seed).x, hidden, 1, seed)
    return {"standard": traces["standard"], "udacity": traces[other]}


def _matched_numbers(result) -> dict:
    standard, udacity = result["standard"], result["udacity"]
    gap, t = use_gate_gap(standard, udacity)
    h0 = [float(np.abs(tr.layers[0].h[0]).max()) for tr in (standard, udacity)]
    return {"gap": gap, "t": t, "h0_standard": h0[0], "h0_udacity": h0[1]}


_QZ = "views/9_Misconceptions.py"
QUIZ = (
    Claim(
        "quiz_switches",
        _QZ,
        text="In your cell on this input: {tex_f} {f_range}; {tex_i} {i_range}; {tex_o} {o_range}. The gates "
        "take in-between values, not only 0 and 1.",
        plain="In your cell on this input: {tex_f} {f_range}; {tex_i} {i_range}; {tex_o} {o_range}.",
        compute=_cell_compute,
        numbers=_switches_numbers,
        check=lambda n: n["least"] >= 0.5,
        defaults={**QUIZ_CELL, "x_scale": 1.0},
        counter={"x_scale": 1000.0},  # huge inputs saturate every gate
    ),
    Claim(
        "quiz_hidden_is_time",
        _QZ,
        text="Your cell: hidden size {H}, {T} steps. The {name_c} is {H} numbers at every step — the heatmap "
        "has {H} rows (units) and {T} columns (steps). Change the length in the sidebar: the columns "
        "change, the rows do not.",
        plain="Your cell: hidden size {H}, {T} steps: the {name_c} is {H} numbers at every step ({H} rows, "
        "{T} columns).",
        compute=_cell_compute,
        numbers=_shape_numbers,
        check=lambda n: n["H"] != n["T"],  # equal, the picture could not tell the two apart
        defaults=dict(QUIZ_CELL),
        counter={"hidden": 20},
    ),
    Claim(
        "quiz_one_neuron",
        _QZ,
        text="Your cell has {H} units: every wire in the diagram carries {H} numbers, and one layer of the "
        "{variant} cell with {n_in} input feature(s) has {n:,} weights and biases.",
        plain="Your cell has {H} unit(s); one layer of the {variant} cell with {n_in} input feature(s) has "
        "{n:,} weights and biases.",
        compute=_cell_compute,
        numbers=_shape_numbers,
        check=lambda n: n["H"] >= 2,  # a one-unit cell is one neuron's worth of memory
        defaults=dict(QUIZ_CELL),
        counter={"hidden": 1},
    ),
    Claim(
        "quiz_ltm_long_input",
        _QZ,
        text="The input is one pulse at t = 0 and then {zeros} zeros — nothing long about it — yet the "
        "{name_c} still holds {last:.2f} at the last step (it stored {stored:.2f}); half-life: {half}.",
        plain="The input is one pulse at t = 0 and then {zeros} zeros; the {name_c} holds {last:.2f} at the "
        "last step (it stored {stored:.2f}); half-life: {half}.",
        compute=_pulse_compute,
        numbers=_pulse_numbers,
        check=lambda n: n["stored"] >= 0.5 and n["last"] >= 0.9 * n["stored"],
        defaults={k: QUIZ_CELL[k] for k in ("variant", "hidden", "seed", "length")}
        | {"preset": "write_once"},
        counter={"preset": "amnesia"},
    ),
    Claim(
        "quiz_use_is_output",
        _QZ,
        text="Same weights, same input: the outputs of the two cells differ by up to {gap:.3f} (at t = {t}). "
        "At t = 0 the memory is still empty, so the Udacity use gate reads only its bias: that cell "
        "outputs at most {h0_udacity:.3f}, while the standard cell already shows {h0_standard:.3f} of what "
        "it has just written.",
        plain="Same weights, same input: the outputs differ by up to {gap:.3f} (at t = {t}); at t = 0 the "
        "Udacity cell outputs at most {h0_udacity:.3f}, the standard cell {h0_standard:.3f}.",
        compute=_matched_compute,
        numbers=_matched_numbers,
        check=lambda n: n["gap"] >= 0.05 and n["h0_udacity"] < n["h0_standard"],
        defaults={**{k: QUIZ_CELL[k] for k in ("hidden", "seed", "preset", "length")}, "other": "udacity"},
        counter={"other": "standard"},
    ),
)
