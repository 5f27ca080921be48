"""The lessons' claims: each predict-then-reveal explanation, read from the lesson's own state."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from lstm_core import scenes
from lstm_core.scenes import STAY_BAND

from .base import MINUS, Claim, num, sci

# ----------------------------------------------------------------------------------------------- Lessons
#
# Each lesson's claim reads the lesson's own prepared state (lstm_core/scenes.py, the figure's numbers);
# ``changes`` moves its step, unit or layer (the counter inputs). The catalogue prints ``claim.shown`` in
# the lesson's explanation.

_LS = "views/7_Lessons.py"


def _scene(builder: str, **changes):
    """The lesson state ``scenes.<builder>()`` with ``changes`` (t, unit, layer, distance) applied."""
    state = getattr(scenes, builder)()  # cached: at the defaults, the very object the lesson draws
    changes = {k: v for k, v in changes.items() if v is not None}
    return replace(state, **changes) if changes else state


def _latch_compute(t=None):
    return {"s": _scene("two_memories", t=t)}


def _latch_numbers(result) -> dict:
    s = result["s"]
    moved = s.value("c") - s.value("c_prev")
    return {
        "t": s.t,
        "x": num(s.value("x")),
        "i": num(s.value("i")),
        "f": num(s.value("f")),
        "moved": sci(abs(moved)),
        "ok": s.value("i") < 0.1 and s.value("f") > 0.95 and abs(moved) < STAY_BAND,
    }


def _half_life_compute(t=None):
    return {"s": _scene("forget_half_life", t=t)}


def _half_life_numbers(result) -> dict:
    s = result["s"]
    _, _, bias = s.pre_terms("f")
    f, i = s.value("f"), s.value("i")
    from_bias = 1.0 / (1.0 + np.exp(-bias))
    return {
        "t": s.t,
        "bias": num(bias),
        "from_bias": num(from_bias),
        "f": num(f),
        "i": num(i, 3),
        "half": f"{np.log(0.5) / np.log(f):.1f}" if 0 < f < 1 else "never",
        "ok": from_bias >= 0.8 and 0.8 <= f < 0.99 and i < 0.01,
    }


def _ignore_compute(t=None):
    return {"s": _scene("learn_and_ignore", t=t)}


def _ignore_numbers(result) -> dict:
    s = result["s"]
    x, i = s.lt.x[:, 0], s.lt.i[:, s.unit]
    small = (np.abs(x) > 0) & (np.abs(x) < 0.5)
    x_term, _, bias = s.pre_terms("i")
    return {
        "t": s.t,
        "x": num(s.value("x")),
        "i": num(s.value("i")),
        "i_small": num(i[small].max(), 3),
        "small_steps": ", ".join(str(int(k)) for k in np.nonzero(small)[0]),
        "x_term": num(x_term, 1),
        "bias": num(bias, 1),
        "ok": i[small].max() < 0.05 and s.value("i") > 0.9 and x_term + bias > 0,
    }


def _keep_write_compute(t=None, unit=None):
    return {"s": _scene("keep_and_write", t=t, unit=unit)}


def _keep_write_numbers(result) -> dict:
    s = result["s"]
    kept, written = s.value("kept"), s.value("written")
    return {
        "t": s.t,
        "unit": s.unit,
        "kept": num(kept),
        "written": num(written),
        "c": num(s.value("c")),
        "ok": min(abs(kept), abs(written)) >= 0.5,
    }


def _lag_compute(cell="udacity"):
    """Lesson 5's cell (its Udacity cell; "standard" swaps in the standard one, whose u_t is tanh(c_t))."""
    return {"s": getattr(scenes.use_gate(), cell)}


def _lag_numbers(result) -> dict:
    s = result["s"]
    u, tanh_c = s.value("u"), float(np.tanh(s.value("c")))
    return {
        "t": s.t,
        "u": num(u),
        "kept": num(s.value("kept")),
        "written": num(s.value("written")),
        "tanh_c": num(tanh_c),
        "gap": abs(u - tanh_c),
    }


def _rates_compute(t=None, layer=None):
    return {"s": _scene("units_and_layers", t=t, layer=layer)}


def _rates_numbers(result) -> dict:
    s = result["s"]
    f = s.lt.f[s.t]
    order = np.argsort(np.abs(f))
    return {
        "t": s.t,
        "layer": s.layer + 1,
        "values": ", ".join(num(v) for v in f),
        "unit": int(order[0]),
        "f": num(f[order[0]]),
        "margin": float(abs(f[order[1]]) - abs(f[order[0]])),
        "next": int(order[1]),
    }


def _far_gradient_compute(distance=None):
    return {"g": _scene("vanishing_gradient", distance=distance)}


def _far_gradient_numbers(result) -> dict:
    g = result["g"]
    d = g.distance
    rnn_0, rnn_d, lstm_d = g.norm("RNN", "dh", 0), g.norm("RNN", "dh", d), g.norm("LSTM", "dc", d)
    return {
        "d": d,
        "lstm": sci(lstm_d),
        "rnn": sci(rnn_d),
        "rnn_0": sci(rnn_0),
        "ratio": lstm_d / rnn_d,
        "shrink": rnn_0 / rnn_d,
        "ratio_text": sci(lstm_d / rnn_d),
        "shrink_text": sci(rnn_0 / rnn_d),
    }


def _write_sign_compute(unit=None):
    tr = scenes.trained_first_bit()
    return {"tr": tr, "s": tr.scene if unit is None else replace(tr.scene, unit=unit)}


def _write_sign_numbers(result) -> dict:
    s, flipped = result["s"], result["tr"].flipped
    g, g_flipped = s.value("g"), float(flipped.layers[s.layer].g[s.t, s.unit])
    return {
        "t": s.t,
        "unit": s.unit,
        "bit": "+1" if s.value("x") > 0 else f"{MINUS}1",
        "g": num(g),
        "g_flipped": num(g_flipped),
        "f": num(s.value("f"), 3),
        "opposite": bool(np.sign(g) != np.sign(g_flipped)),
        "keeps": s.value("f") >= 0.95,
    }


def _string_unit_compute(unit=None):
    """Lesson 9: the best of the four units offered (or ``unit``) against the other three."""
    hunt = scenes.inside_a_string()
    ranked = hunt.ranked.drop_duplicates("unit").set_index("unit")
    picked = int(hunt.best.unit) if unit is None else int(unit)
    return {"scores": ranked.loc[list(hunt.options())], "unit": picked}


def _string_unit_numbers(result) -> dict:
    scores, j = result["scores"], result["unit"]
    others = scores.drop(index=j)
    return {
        "unit": j,
        "quantity": scores.loc[j, "quantity"],
        "auc": float(scores.loc[j, "score"]),
        "others": ", ".join(f"unit {u} {row.score:.3f}" for u, row in others.iterrows()),
        "best_other": float(others["score"].max()),
    }


LESSONS = (
    Claim(
        "lesson1_latch",
        _LS,
        text="The {name_i} is {i}, so the small input {x} writes almost nothing, and the {name_f} "
        "{sym_f} = {f} keeps what was there: {sym_c} moves by only {moved}.",
        plain="The {name_i} is {i}, the {name_f} {f}; {sym_c} moves by {moved}.",
        compute=_latch_compute,
        numbers=_latch_numbers,
        check=lambda n: n["ok"],
        defaults={"t": None},
        counter={"t": 2},  # the step that writes the 1
    ),
    Claim(
        "lesson2_half_life",
        _LS,
        text="The bias alone gives σ({bias}) = {from_bias}, and holds {sym_f} high but below 1: "
        "{sym_f} = {f} at step {t}, while the {name_i} writes almost nothing ({i}). A stored value halves "
        "every {half} steps.",
        plain="At step {t}: σ of the bias {bias} is {from_bias}, {sym_f} = {f}, {sym_i} = {i}.",
        compute=_half_life_compute,
        numbers=_half_life_numbers,
        check=lambda n: n["ok"],
        defaults={"t": None},
        counter={"t": 1},  # the step that writes
    ),
    Claim(
        "lesson3_ignore_small",
        _LS,
        text="The input weight turns the {name_x} {x} into {x_term}, enough to beat the bias {bias}: "
        "the gate opens to {i}; the small inputs (steps {small_steps}) left it at most {i_small}.",
        plain="At step {t} the input term is {x_term} against the bias {bias}: {sym_i} = {i} "
        "(at most {i_small} at steps {small_steps}).",
        compute=_ignore_compute,
        numbers=_ignore_numbers,
        check=lambda n: n["ok"],
        defaults={"t": None},
        counter={"t": 3},  # a small input of −0.3
    ),
    Claim(
        "lesson4_keep_and_write",
        _LS,
        text="At step {t} unit {unit} both keeps and writes a lot: kept {kept}, written {written}, "
        "together {sym_c} = {c}.",
        plain="At step {t} unit {unit} keeps {kept} and writes {written} ({sym_c} = {c}).",
        compute=_keep_write_compute,
        numbers=_keep_write_numbers,
        check=lambda n: n["ok"],
        defaults={"t": None, "unit": None},
        counter={"t": 3},
    ),
    Claim(
        "lesson5_use_lags",
        _LS,
        text="{sym_u} = tanh({kept}) = {u} misses the {written} written at step {t}, while "
        "tanh({sym_c}) = {tanh_c}: the Udacity {name_h} lags one write behind.",
        plain="At step {t}: {sym_u} = {u}, tanh({sym_c}) = {tanh_c}.",
        compute=_lag_compute,
        numbers=_lag_numbers,
        check=lambda n: n["gap"] >= 0.1,
        defaults={"cell": "udacity"},
        counter={"cell": "standard"},  # the standard cell's u_t is tanh(c_t): no lag
        variant="udacity",
    ),
    Claim(
        "lesson6_own_rates",
        _LS,
        text="Layer {layer}'s {sym_f} at step {t}: {values}. Unit {unit}'s {f} is the closest to 0, "
        "{margin:.2f} below unit {next}'s: each unit keeps its memory at its own rate.",
        plain="Layer {layer}'s {sym_f} at step {t}: {values}.",
        compute=_rates_compute,
        numbers=_rates_numbers,
        check=lambda n: n["margin"] >= 0.02,  # apart at the two decimals the page shows
        defaults={"t": None, "layer": None},
        counter={"layer": 0, "t": 1},  # layer 1's units 0 and 1: 0.545 and 0.543
    ),
    Claim(
        "lesson7_far_gradient",
        _LS,
        text="{d} steps back the LSTM keeps ‖∂Loss/∂{sym_c}‖ = {lstm}, {ratio_text} times the RNN's "
        "‖∂Loss/∂{sym_h}‖ = {rnn}; the RNN's fell {shrink_text} times from {rnn_0} at the loss.",
        plain="{d} steps back: LSTM {lstm}, RNN {rnn} (ratio {ratio_text}); the RNN's fell {shrink_text} "
        "times from {rnn_0}.",
        compute=_far_gradient_compute,
        numbers=_far_gradient_numbers,
        check=lambda n: n["ratio"] >= 100 and n["shrink"] >= 1e3,
        defaults={"distance": None},
        counter={"distance": 1},
    ),
    Claim(
        "lesson8_write_sign",
        _LS,
        text="Unit {unit} writes with {sym_g} = {g} at step {t}; with the first bit flipped the same step "
        "writes {g_flipped}: the sign comes from the first bit, not from the bit {bit} that arrives now.",
        plain="Unit {unit} at step {t}: {sym_g} = {g}, with the first bit flipped {g_flipped}.",
        compute=_write_sign_compute,
        numbers=_write_sign_numbers,
        check=lambda n: n["opposite"],
        defaults={"unit": None},
        counter={"unit": 1},  # writes −0.76 and −0.14: the same sign either way
    ),
    Claim(
        "lesson8_keeps",
        _LS,
        text="Unit {unit}'s {name_f} is {f} at step {t}: it keeps almost all of its memory from step to "
        "step.",
        plain="Unit {unit}'s {name_f} is {f} at step {t}.",
        compute=_write_sign_compute,
        numbers=_write_sign_numbers,
        check=lambda n: n["keeps"],
        defaults={"unit": None},
        counter={"unit": 4},  # its forget gate is 0.83
    ),
    Claim(
        "lesson9_string_unit",
        _LS,
        text="Unit {unit}'s {quantity} separates in-string from out-of-string characters with AUC "
        "{auc:.3f}; the other three score lower on this snippet ({others}).",
        plain="Unit {unit}'s {quantity}: AUC {auc:.3f}; the others: {others}.",
        compute=_string_unit_compute,
        numbers=_string_unit_numbers,
        check=lambda n: n["auc"] > n["best_other"] and n["auc"] >= 0.7,
        defaults={"unit": None},
        counter={"unit": 6},  # the runner-up of the four (h: AUC 0.640 against unit 81's c 0.921)
    ),
)
# ------------------------------------------------------------------------------- Lesson 8: a trained cell


def _flip_compute(unit=None):
    """Lesson 8's two runs of the shipped first-bit cell (``scenes.trained_first_bit``): its sequence and
    the same with the first bit flipped. unit: the unit to follow; None takes the lesson's, the unit whose
    final memory differs most. {"c", "c_flipped"}: (T, H) each, and "unit"."""
    tr = scenes.trained_first_bit()
    picked = tr.scene.unit if unit is None else int(unit)
    return {"c": tr.scene.trace.c, "c_flipped": tr.flipped.c, "unit": picked}


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


FLIP = (
    Claim(
        "lesson8_memory_unit",
        _LS,
        text="Unit {unit} carries the first bit: from step {from_step} to the last its memory has opposite "
        "signs in the two runs, and at the end they differ by {gap:.1f}, more than any other unit "
        "(next {next:.1f}).",
        plain="Unit {unit}: opposite signs from step {from_step}; final difference {gap:.3g}.",
        compute=_flip_compute,
        numbers=_flip_numbers,
        check=lambda n: n["most"] and n["from_step"] <= n["T"] // 2,
        defaults={"unit": None},
        counter={"unit": 4},
    ),
)
