"""Gradient flow's claims: the gradient that survives, training that learns, clipping that tames."""

from __future__ import annotations

import numpy as np

from lstm_core import gradient_flow as gf

from .base import Claim, _sci

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


_GF = "views/6_Gradient_flow.py"

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
