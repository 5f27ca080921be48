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

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from . import gradient_flow as gf
from . import notation, scenes
from .challenges import CHALLENGES
from .experiments import PRESETS, describe_half_life, memory_half_life, run_matched, run_settings
from .network import LSTM
from .scenes import STAY_BAND
from .sequences import make_preset, make_pulse
from .tasks import make_task
from .train import Model, train


@dataclass(frozen=True)
class Claim:
    """One page sentence about numbers.

    key: its name; page: where it is shown; text: the sentence, a ``str.format`` template over
    ``numbers(result)``; plain: the same numbers stated without the promise (shown when it does not hold);
    compute(**inputs): the page's core call; numbers(result) → dict; check(numbers) → bool;
    defaults: the page's default inputs; counter: inputs that change what the claim is about, under which
    it must fail. Templates may name quantities: {sym_f} is f<sub>t</sub> (or its Udacity symbol), {name_f}
    "forget gate", in the vocabulary ``say`` is given.
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
    variant: str | None = None  # whose symbols {sym_u}, {name_o}, … name (the Udacity cell's in lesson 5)

    def run(self, **changes) -> dict:
        """{"inputs", result fields…} at the defaults with ``changes`` applied."""
        inputs = {**self.defaults, **changes}
        return {"inputs": inputs, **self.compute(**inputs)}

    def holds(self, result) -> bool:
        return bool(self.check(self.numbers(result)))

    def say(self, result, vocabulary: str = "standard") -> str:
        return self.text.format(**_words(vocabulary, self.variant), **self.numbers(result))

    def report(self, result, vocabulary: str = "standard") -> str:
        return self.plain.format(**_words(vocabulary, self.variant), **self.numbers(result))

    def result(self, **computed) -> dict:
        """A result for numbers a page has already computed (the fields ``compute`` returns), so the page
        states the claim about exactly what it draws, whatever its inputs were (loaded weights too)."""
        return {"inputs": {}, **computed}

    def shown(self, result, vocabulary: str = "standard") -> str:
        """What a page prints: the sentence where it holds, else the plain numbers."""
        return self.say(result, vocabulary) if self.holds(result) else self.report(result, vocabulary)


def _words(vocabulary: str, variant: str | None) -> dict[str, str]:
    """{sym_f}, {tex_f}, {name_f}, …: each quantity's HTML symbol (f<sub>t</sub>), inline LaTeX ($f_t$) and
    words in ``vocabulary``, for the templates of sentences that name quantities."""
    words = {}
    for key in notation.QUANTITIES:
        words[f"sym_{key}"] = notation.html(key, vocabulary, variant)
        words[f"tex_{key}"] = f"${notation.latex(key, vocabulary, variant)}$"
        words[f"name_{key}"] = notation.name(key, vocabulary, variant)
    return words


MINUS = "\u2212"  # a typographic minus: "−0.55" reads better than "-0.55" beside "·"


def num(value: float, digits: int = 2) -> str:
    """0.93, −0.55, 1.00: a number as the explanations print it (fixed decimals, a real minus sign)."""
    text = f"{float(value):.{digits}f}"
    if float(text) == 0.0:
        text = text.lstrip("-")  # −0.00 would look like a sign that is not there
    return text.replace("-", MINUS)


def _sci(value: float) -> str:
    """1.96e-03 → '1.96 × 10⁻³'-style text kept ASCII-safe: '0.0020' or '4.0e-08'."""
    return "inf" if not np.isfinite(value) else (f"{value:.2g}" if value >= 1e-3 else f"{value:.1e}")


def sci(value: float) -> str:
    """A number of any size to 3 significant digits: 0.485, 1.66×10⁻⁸."""
    value = float(value)
    if value == 0.0 or 1e-3 <= abs(value) < 1e4:
        return f"{value:.3g}".replace("-", MINUS)
    exponent = math.floor(math.log10(abs(value)))
    mantissa = value / 10**exponent
    return f"{mantissa:.3g}×10<sup>{str(exponent).replace('-', MINUS)}</sup>".replace("-", MINUS)


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


# ----------------------------------------------------------------------------------------------- Lessons
#
# Each lesson's claim reads the lesson's own prepared state (lstm_core/scenes.py, the figure's numbers);
# ``changes`` moves its step, unit or layer (the counter inputs). The catalogue prints ``claim.shown`` in
# the lesson's explanation.

_LS = "pages/7_Lessons.py"


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
        counter={"unit": 17},  # the runner-up of the four
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

CLAIMS.update({claim.key: claim for claim in (*LESSONS, *FLIP)})


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


# ------------------------------------------------------------------------------------------- Challenges
#
# A challenge's success sentence is its verdict (lstm_core/challenges.py: headline and hint, the measured
# numbers); the claim is that the success test passes. Defaults: a setting that meets the goal (the page
# starts at the challenge's starting numbers, the counter, where it must fail).

SOLUTIONS = {
    "hold": {"b_f": 10.0, "b_i": -10.0},
    "forget": {"b_f": -10.0, "W_xf": 0.0},
    "half_life": {"W_xf": 2.6},
    "count": {"b_f": 12.0, "b_i": -10.0, "W_xi": 20.0, "b_g": 10.0},
}


def _challenge_compute(challenge, values, vocabulary="standard"):
    """The Challenges page's Check: the challenge's cell with ``values`` and its verdict; "trace" is the
    run the page's figure draws."""
    ch = CHALLENGES[challenge]
    trace = ch.run(values)
    return {"trace": trace, "verdict": ch.judge(ch, trace, vocabulary)}


def _challenge_numbers(result) -> dict:
    v = result["verdict"]
    return {**v.numbers, "passed": v.passed, "headline": v.headline, "hint": v.hint}


CHALLENGE_CLAIMS = tuple(
    Claim(
        f"challenge_{key}",
        "pages/8_Challenges.py",
        text="{headline}  \n{hint}",
        plain="{headline}  \n{hint}",
        compute=_challenge_compute,
        numbers=_challenge_numbers,
        check=lambda n: n["passed"],
        defaults={"challenge": key, "values": SOLUTIONS[key]},
        counter={"values": ch.start()},
    )
    for key, ch in CHALLENGES.items()
)
CLAIMS.update({claim.key: claim for claim in CHALLENGE_CLAIMS})


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
        if key == "f" and trace.variant == "no_forget":
            continue
        v = getattr(lt, key)
        between = (v > NEAR_EDGE) & (v < 1 - NEAR_EDGE)
        out[key] = dict(min=float(v.min()), max=float(v.max()), between=float(between.mean()))
    return out


def parameter_count(variant: str, input_size: int, hidden_size: int) -> int:
    """One layer's weights, biases (docs/design.md §2): four blocks of H × (I + H + 1) for i, f, g, o (three
    without f in no_forget), plus 3H peepholes (peephole) or W_u and b_u, H × (H + 1) (udacity)."""
    n_in, H = input_size, hidden_size
    blocks = 3 if variant == "no_forget" else 4
    extra = {"peephole": 3 * H, "udacity": H * (H + 1)}.get(variant, 0)
    return blocks * H * (n_in + H + 1) + extra


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


_QZ = "pages/9_Misconceptions.py"
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
CLAIMS.update({claim.key: claim for claim in QUIZ})


# ------------------------------------------------------------------------------ The shipped trained cells
#
# Each shipped cell's memory unit (lstm_core/scenes.py: memory_units over 512 sequences of its task), as
# Step through time states it when it opens the cell (and points its line panel at that unit).


def _memory_compute(cell, unit=None):
    memory = scenes.shipped_memory(cell)
    return {
        "memory": memory,
        "unit": memory.unit if unit is None else int(unit),
        "cell": scenes.SHIPPED[cell],
    }


def _memory_numbers(result) -> dict:
    score, j, cell = result["memory"].score, result["unit"], result["cell"]
    T = score.shape[0]
    failing = np.nonzero(~(score[:, j] > 0))[0]  # a gap ≤ 0: the two answers overlap at that step
    from_step = int(failing[-1]) + 1 if failing.size else 0
    others = np.delete(score[-1], j)
    return {
        "unit": j,
        "title": cell.title,
        "holds": cell.holds,
        "T": T,
        "from_step": from_step,
        "first": float(score[from_step, j]) if from_step < T else float("nan"),
        "least": float(score[from_step:, j].min()) if from_step < T else float("nan"),
        "end": float(score[-1, j]),
        "next": float(others.max()),
        "next_unit": int(np.delete(np.arange(score.shape[1]), j)[np.argmax(others)]),
        "half": T // 2 - 1,
        "at_half": float(score[T // 2 - 1, j]),
        "best": bool(score[-1, j] >= score[-1].max()),
        "examples": scenes.MEMORY_EXAMPLES,
    }


_ST = "pages/2_Step_through_time.py"
_GAP_TEXT = (
    "Unit {unit} of the shipped {title} holds {holds} from step {from_step} to the end: over {examples} "
    "sequences of its task, its {name_c} values for the two answers never overlap from then on (the gap "
    "between them is {first:.2f} at step {from_step}, at least {least:.2f}, and {end:.2f} at the end; the "
    "next unit, {next_unit}, ends at {next:.2f})."
)
_GAP_PLAIN = (
    "Unit {unit} of the shipped {title}: the two answers' {name_c} values stop overlapping from step "
    "{from_step}; gap at the end {end:.2f} (best other unit {next_unit}: {next:.2f})."
)

TRAINED = (
    Claim(
        "trained_first_bit",
        _ST,
        text=_GAP_TEXT,
        plain=_GAP_PLAIN,
        compute=_memory_compute,
        numbers=_memory_numbers,
        check=lambda n: n["best"] and n["from_step"] <= n["T"] // 2,
        defaults={"cell": "first_bit", "unit": None},
        counter={"unit": 5},  # holds the bit too, but ends 10.01 apart, not the most
    ),
    Claim(
        "trained_parity",
        _ST,
        text=_GAP_TEXT,
        plain=_GAP_PLAIN,
        compute=_memory_compute,
        numbers=_memory_numbers,
        check=lambda n: n["best"] and n["from_step"] <= n["T"] // 2,
        defaults={"cell": "parity", "unit": None},
        counter={"unit": 15},  # its even and odd counts overlap
    ),
    Claim(
        "trained_adding",
        _ST,
        text="Unit {unit} of the shipped {title} holds the first marked number by the end of the first half "
        "(|r| = {at_half:.3f} with it at step {half}, over {examples} sequences) and the sum of both at the "
        "last step (|r| = {end:.3f}; the next unit, {next_unit}: {next:.3f}).",
        plain="Unit {unit} of the shipped {title}: |r| with the marked numbers so far {at_half:.3f} at step "
        "{half}, {end:.3f} at the end (best other unit {next_unit}: {next:.3f}).",
        compute=_memory_compute,
        numbers=_memory_numbers,
        check=lambda n: n["best"] and n["at_half"] >= 0.95 and n["end"] >= 0.95,
        defaults={"cell": "adding", "unit": None},
        counter={"unit": 0},
    ),
)
CLAIMS.update({claim.key: claim for claim in TRAINED})
MEMORY_CLAIMS = {name: f"trained_{name}" for name in scenes.SHIPPED}  # shipped cell → its claim
