"""The equations of each LSTM variant (docs/design.md §2) as LaTeX, symbolic and with one step's numbers.

Every symbol comes from ``ui.notation`` so the equations follow the chosen vocabulary; only the
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

from lstm_core import cells
from lstm_core.trace import Trace
from ui import notation

SIGNIFICANT = 4  # digits shown for every substituted number: products then read right to ±1 in the last digit


@dataclass(frozen=True)
class Equation:
    """One line of a cell's equations, ready for ``st.latex``.

    key: the quantity the line defines (a notation / Trace key: i, f, g, o, c, h, u).
    latex: the line, symbols in the chosen vocabulary.
    differs: True where the variant computes this quantity differently from the standard cell (or the
    standard cell has no such line), e.g. udacity's u and h, no_forget's c, peephole's i, f and o.
    """

    key: str
    latex: str
    differs: bool


class _Symbols(dict):
    """The symbols a line's template asks for (``$c_prev`` …), looked up in the notation table."""

    def __init__(self, vocabulary: str, variant: str):
        super().__init__()
        self.vocabulary, self.variant = vocabulary, variant

    def __missing__(self, key: str) -> str:
        return notation.latex(key, self.vocabulary, self.variant)


def _fill(template: str, vocabulary: str, variant: str) -> str:
    return Template(template).substitute(_Symbols(vocabulary, variant))


def _standard_forms() -> dict[str, str]:
    return {eq.key: eq.form for eq in cells.get("standard").equations}


def equations(variant: str, vocabulary: str) -> list[Equation]:
    """The equations of ``variant`` (its ``CellSpec.equations``, docs/design.md §2) with the symbols of
    ``vocabulary``: the four LSTMs, the GRU and the RNN (every line of those two differs from the standard
    cell). A ValueError for a cell the table does not hold."""
    spec = cells.get(variant)
    notation.names("x", vocabulary)  # raises a clear ValueError for an unknown vocabulary
    standard = _standard_forms()
    return [
        Equation(
            key=eq.key, latex=_fill(eq.latex, vocabulary, variant), differs=eq.form != standard.get(eq.key)
        )
        for eq in spec.equations
    ]


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
    # The label at text size, not KaTeX's script size (~13 px in presenter mode, below its 18 px floor).
    return rf"\underbrace{{{text}}}_{{\textstyle {label}}}"


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
    s = lambda k: notation.latex(k, vocabulary, variant)  # noqa: E731
    val = lambda k: float(np.asarray(getattr(step, k))[unit])  # noqa: E731
    lines = []
    for eq in cells.get(variant).equations:
        at = rf"{s(eq.key)}[{unit}]"
        if eq.activation:
            z = float(step.pre[eq.key][unit])
            lines.append(rf"{at} = {eq.activation}({fmt(z)}) = {fmt(val(eq.key))}")
            continue
        label = {k: _fill(template, vocabulary, variant) for k, template in eq.labels.items()}
        terms = [
            _brace(fmt(val(factors[0])), label.get(factors[0], s(factors[0])))
            if len(factors) == 1
            else r" \cdot ".join(_brace(factor(val(k)), label.get(k, s(k))) for k in factors)
            for factors in eq.terms
        ]
        lines.append(rf"{at} = {' + '.join(terms)} = {fmt(val(eq.key))}")
    return lines
