"""The equations of each LSTM variant (docs/design.md §2) as LaTeX, symbolic and with one step's numbers.

Every symbol comes from ``lstm_core.notation`` so the equations follow the chosen vocabulary; only the
operators (σ, tanh, ⊙, +) are written here. No Streamlit: pages pass these strings to ``st.latex``.

``equations(variant, vocabulary)`` lists one :class:`Equation` per quantity the variant computes, in the
order of docs/design.md §2. ``substituted(trace, t, layer, unit, vocabulary)`` gives the same list with the
numbers of step t for one unit put in, taken from the trace (nothing is recomputed here).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from string import Template

import numpy as np

from lstm_core import notation
from lstm_core.cell import check_variant
from lstm_core.trace import Trace

SIGNIFICANT = 4  # digits shown for every substituted number: products then read right to ±1 in the last digit

# What each variant computes, in the order of docs/design.md §2.
KEYS = {
    "standard": ("i", "f", "g", "o", "c", "h"),
    "peephole": ("i", "f", "g", "o", "c", "h"),
    "no_forget": ("i", "g", "o", "c", "h"),
    "udacity": ("g", "i", "f", "c", "u", "o", "h"),
}

# The squashing function of each gate (udacity: g is the learn matrix N, o the use gate's sigmoid part V).
ACTIVATION = {"i": r"\sigma", "f": r"\sigma", "o": r"\sigma", "g": r"\tanh", "u": r"\tanh"}


@dataclass(frozen=True)
class Equation:
    """One line of a cell's equations.

    key: the quantity the line defines (a notation / Trace key: i, f, g, o, c, h, u).
    latex: the line, symbols in the chosen vocabulary.
    differs: True where the variant computes this quantity differently from the standard cell (or the
    standard cell has no such line), e.g. udacity's u and h, no_forget's c, peephole's i, f and o.
    """

    key: str
    latex: str
    differs: bool


def _form(variant: str, key: str) -> str | None:
    """A vocabulary-free description of how ``variant`` computes ``key``; equal forms mean the same maths.

    Udacity's W [STM_{t-1}, E_t] is the same affine map as W_x x_t + W_h h_{t-1} written with one matrix,
    and LTM_{t-1} ⊙ f_t + N_t ⊙ i_t is the standard update with the factors swapped: neither differs.
    """
    if key not in KEYS[variant]:
        return None
    if key in ("i", "f", "g", "o"):
        reads = "x,h"
        if variant == "peephole" and key != "g":
            reads += ",c_prev" if key in ("i", "f") else ",c"
        return f"{ACTIVATION[key]}({reads})"
    if key == "c":
        return "c_prev+i*g" if variant == "no_forget" else "f*c_prev+i*g"
    if key == "u":
        return "tanh(W_u(f*c_prev)+b_u)"
    if key == "h":
        return "u*o" if variant == "udacity" else "o*tanh(c)"
    raise AssertionError(key)


def _sym(key: str, vocabulary: str, variant: str) -> str:
    return notation.latex(key, vocabulary, variant)


def _affine(key: str, variant: str, vocabulary: str) -> str:
    """The pre-activation of gate ``key``: what sits inside σ(·) or tanh(·)."""
    W = lambda source="": notation.parameter("W", key, variant, source)  # noqa: E731
    b = notation.parameter("b", key, variant)
    x, h_prev = _sym("x", vocabulary, variant), _sym("h_prev", vocabulary, variant)
    if variant == "udacity":
        return rf"{W()}\,[{h_prev}, {x}] + {b}"
    terms = [rf"{W('x')}\, {x}", rf"{W('h')}\, {h_prev}"]
    if variant == "peephole" and key in ("i", "f", "o"):
        reads = "c_prev" if key in ("i", "f") else "c"
        terms.append(rf"{notation.parameter('p', key, variant)} \odot {_sym(reads, vocabulary, variant)}")
    return " + ".join([*terms, b])


def _rhs(key: str, variant: str, vocabulary: str) -> str:
    s = lambda k: _sym(k, vocabulary, variant)  # noqa: E731
    if key in ("i", "f", "g", "o"):
        return rf"{ACTIVATION[key]}\left({_affine(key, variant, vocabulary)}\right)"
    if key == "c":
        if variant == "no_forget":
            return rf"{s('c_prev')} + {s('i')} \odot {s('g')}"
        if variant == "udacity":
            return rf"{s('c_prev')} \odot {s('f')} + {s('g')} \odot {s('i')}"
        return rf"{s('f')} \odot {s('c_prev')} + {s('i')} \odot {s('g')}"
    if key == "u":
        W, b = notation.parameter("W", "u", variant), notation.parameter("b", "u", variant)
        return rf"\tanh\left({W}\,({s('c_prev')} \odot {s('f')}) + {b}\right)"
    if key == "h":
        if variant == "udacity":
            return rf"{s('u')} \odot {s('o')}"
        return rf"{s('o')} \odot \tanh({s('c')})"
    raise AssertionError(key)


def equations(variant: str, vocabulary: str) -> list[Equation]:
    """The equations of ``variant`` (docs/design.md §2) with the symbols of ``vocabulary``; a GRU's or
    RNN's (``OTHER_CELLS``) too, every line of which differs from the standard cell."""
    notation.names("x", vocabulary)  # raises a clear ValueError for an unknown vocabulary
    if variant in OTHER_CELLS:
        symbols = {k: _sym(k, vocabulary, variant) for k in ("x", "h_prev", "r", "z", "n", "h")}
        return [
            Equation(key, f"{symbols[key]} = {Template(rhs).substitute(symbols)}", differs=True)
            for key, rhs in OTHER_CELLS[variant]
        ]
    check_variant(variant)
    return [
        Equation(
            key=key,
            latex=f"{_sym(key, vocabulary, variant)} = {_rhs(key, variant, vocabulary)}",
            differs=_form(variant, key) != _form("standard", key),
        )
        for key in KEYS[variant]
    ]


# torch.nn.GRU's and nn.RNN's equations (lstm_core/comparison_cells.py), weights named as in their state
# dicts (weight_ir → W_{ir}); $x, $h_prev, … become the symbols of the chosen vocabulary.
OTHER_CELLS = {
    "gru": (
        ("r", r"\sigma\left(W_{ir}\, $x + b_{ir} + W_{hr}\, $h_prev + b_{hr}\right)"),
        ("z", r"\sigma\left(W_{iz}\, $x + b_{iz} + W_{hz}\, $h_prev + b_{hz}\right)"),
        ("n", r"\tanh\left(W_{in}\, $x + b_{in} + $r \odot (W_{hn}\, $h_prev + b_{hn})\right)"),
        ("h", r"$z \odot $h_prev + (1 - $z) \odot $n"),
    ),
    "rnn": (("h", r"\tanh\left(W_{ih}\, $x + b_{ih} + W_{hh}\, $h_prev + b_{hh}\right)"),),
}


def fmt(value: float, digits: int = SIGNIFICANT) -> str:
    """A number for LaTeX with ``digits`` significant digits: 0.7751, -0.1200, 12.30, 4.560\\times10^{-5}.

    Trailing zeros are kept (they are significant); very small or large numbers use powers of ten.
    """
    value = float(value)
    if not math.isfinite(value):
        return r"\text{undefined}"
    if value == 0.0:
        return "0"
    text = f"{value:#.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa.rstrip('.')}\times10^{{{int(exponent)}}}"
    return text.rstrip(".")


def factor(value: float, digits: int = SIGNIFICANT) -> str:
    """``fmt`` in brackets when negative, so that products read 0.7751 \\cdot (-0.1200)."""
    text = fmt(value, digits)
    return f"({text})" if text.startswith("-") else text


def _brace(text: str, label: str) -> str:
    return rf"\underbrace{{{text}}}_{{{label}}}"


def substituted(trace: Trace, t: int, layer: int, unit: int, vocabulary: str) -> list[str]:
    """``equations(trace.variant, vocabulary)`` with step t's numbers of unit ``unit`` of layer ``layer``.

    Gate lines show the pre-activation and the result, e.g. f_t[2] = σ(1.23) = 0.775; the state lines
    label each factor with its symbol, e.g. c_t[2] = 0.7751·(−0.1200) + 0.3010·0.5520 = 0.07315 and
    h_t[2] = 0.6000·0.07294 = 0.04376, each factor under a brace naming it (f_t, c_{t-1}, ..., tanh(c_t)).
    Numbers come from the trace (pre-activations from ``trace.layers[k].pre``) and are rounded to
    ``SIGNIFICANT`` digits by :func:`fmt`.
    """
    variant = trace.variant
    lt = trace.layers[layer]
    if not 0 <= unit < lt.hidden_size:
        raise IndexError(f"unit {unit} is outside 0..{lt.hidden_size - 1}")
    step = lt.step(t)
    s = lambda k: _sym(k, vocabulary, variant)  # noqa: E731
    at = lambda k: rf"{s(k)}[{unit}]"  # noqa: E731
    val = lambda k: float(np.asarray(getattr(step, k))[unit])  # noqa: E731

    def product(a: str, b: str) -> str:
        """a · b with each factor's number braced over its symbol."""
        return rf"{_brace(factor(val(a)), s(a))} \cdot {_brace(factor(val(b)), s(b))}"

    lines = []
    for eq in equations(variant, vocabulary):
        key = eq.key
        if key in ("i", "f", "g", "o", "u"):
            z = float(step.pre[key][unit])
            line = rf"{at(key)} = {ACTIVATION[key]}({fmt(z)}) = {fmt(val(key))}"
        elif key == "c":
            udacity = variant == "udacity"  # LTM_{t-1} ⊙ f_t + N_t ⊙ i_t: the factors in the lesson's order
            written = product(*(("g", "i") if udacity else ("i", "g")))
            if variant == "no_forget":
                kept = _brace(fmt(val("c_prev")), s("c_prev"))
            else:
                kept = product(*(("c_prev", "f") if udacity else ("f", "c_prev")))
            line = rf"{at('c')} = {kept} + {written} = {fmt(val('c'))}"
        elif key == "h":
            if variant == "udacity":
                rhs = product("u", "o")
            else:  # tanh(c_t) is worked out already (the u strip of the diagram); its c_t is the line above
                squashed = _brace(factor(val("u")), rf"\tanh({s('c')})")
                rhs = rf"{_brace(factor(val('o')), s('o'))} \cdot {squashed}"
            line = rf"{at('h')} = {rhs} = {fmt(val('h'))}"
        else:  # pragma: no cover - every key of KEYS is handled above
            raise AssertionError(key)
        lines.append(line)
    return lines
