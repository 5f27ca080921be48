"""One gate of one unit worked out term by term, CNN Explainer style: z = Σ W·input + b, then σ(z) or tanh(z).

``gate_arithmetic(params, step, gate, unit)`` reads the real weights of the layer on show (a
``lstm_core.cell.LayerParams``, i.e. ``LSTM.layers[k]``) and the inputs of one step (a ``StepRecord``) and
lists every term of the gate's pre-activation (docs/design.md §2):

    z = Σ_i W_x[j, i]·x_t[i] + Σ_k W_h[j, k]·h_{t-1}[k] (+ p[j]·c[j], peephole) + b[j]

Udacity's gates read the concatenation [STM_{t-1}, E_t] with one matrix W (the same sum written with one
index), and its use gate U_t reads the forgotten-into old memory: z_u = Σ_k W_u[j, k]·(f_t ⊙ LTM_{t-1})[k]
+ b_u[j]. Products and the sum are computed here from the unrounded numbers, so ``z`` can be checked against
the trace's own pre-activation (``step.pre``) and ``value`` against its gate. ``rows`` and ``latex`` give
what the page shows, every number rounded to ``SIGNIFICANT`` digits. No Streamlit, no Plotly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lstm_core import cells
from lstm_core.cell import LayerParams, sigmoid
from lstm_core.trace import StepRecord
from ui import notation
from ui.equations import SIGNIFICANT, factor, fmt

ROUNDING_NOTE = (
    f"Every number is rounded to {SIGNIFICANT} significant digits for display; products and sums are worked "
    "out from the unrounded values, so multiplying the rounded numbers by hand can differ in the last digit."
)


@dataclass(frozen=True)
class Term:
    """One weight × value of a pre-activation. Symbols are LaTeX, e.g. W_{xf}[2,0] and x_t[0]."""

    weight_symbol: str
    weight: float
    value_symbol: str
    value: float

    @property
    def product(self) -> float:
        return self.weight * self.value


@dataclass(frozen=True)
class GateArithmetic:
    """How gate ``gate`` of unit ``unit`` got its value: ``z = Σ terms + bias``, ``value = squash(z)``."""

    gate: str  # a trace key: i, f, g, o, or u (udacity's use gate)
    unit: int
    terms: tuple[Term, ...]
    biases: tuple[tuple[str, float], ...]  # (symbol, value): PyTorch keeps two biases, both are added
    activation: str  # "sigmoid" or "tanh"
    # torch's GRU candidate: z also holds r_t[j] · (Σ W_hn h + b_hn), its own sum scaled by the reset gate
    scale: tuple[str, float] | None = None  # (symbol, value) of r_t[j]
    inner: tuple[Term, ...] = ()
    inner_biases: tuple[tuple[str, float], ...] = ()

    @property
    def inner_sum(self) -> float:
        """Σ W_hn[j, k]·h_{t-1}[k] + b_hn[j]: what the reset gate scales (0 without one)."""
        return math.fsum([t.product for t in self.inner] + [b for _, b in self.inner_biases])

    @property
    def z(self) -> float:
        """The pre-activation, summed here from the unrounded terms."""
        scaled = [self.scale[1] * self.inner_sum] if self.scale else []
        return math.fsum([t.product for t in self.terms] + [b for _, b in self.biases] + scaled)

    @property
    def value(self) -> float:
        z = np.array([self.z])
        return float(sigmoid(z)[0] if self.activation == "sigmoid" else np.tanh(z)[0])


def gates_of(variant: str) -> tuple[str, ...]:
    """The trace keys of the gates with weights in ``variant``, in the order the page offers them (the
    cell table's heatmap order, less a gate without weights such as no_forget's f ≡ 1)."""
    return tuple(k for k in cells.get(variant).shown if k not in cells.get(variant).fixed)


def gate_arithmetic(
    params: LayerParams, step: StepRecord, gate: str, unit: int, vocabulary: str = "standard"
) -> GateArithmetic:
    """Every term of gate ``gate``'s pre-activation for unit ``unit`` at the step of ``step``.

    params: the layer's weights, W_x (I, G·H) and W_h (H, G·H) acting as x @ W_x (cell.LayerParams).
    step: that layer's record of one step (``trace.layers[k].step(t)``); its x is what the layer read.
    Weights are indexed as the equations write them, W[j, i]: row j (this unit), column i (its input).
    """
    variant, H = params.variant, params.hidden_size
    if gate not in gates_of(variant):
        raise ValueError(f"the {variant} cell has no gate {gate!r}; it has {', '.join(gates_of(variant))}")
    if not 0 <= unit < H:
        raise IndexError(f"unit {unit} is outside 0..{H - 1}")
    j = unit
    sym = lambda key: notation.latex(key, vocabulary, variant)  # noqa: E731
    par = lambda kind, source="": notation.parameter(kind, gate, variant, source)  # noqa: E731
    if gate == "u":  # Udacity's use gate: its own layer over f_t ⊙ LTM_{t-1} (cell._udacity)
        terms = tuple(
            Term(
                rf"{par('W')}[{j},{k}]",
                float(params.W_u[j, k]),
                rf"({sym('kept')})[{k}]",
                float(step.kept[k]),
            )
            for k in range(H)
        )
        return GateArithmetic("u", j, terms, ((rf"{par('b')}[{j}]", float(params.b_u[j])),), "tanh")
    spec = cells.get(variant)
    own = spec.own_name(gate)
    col = spec.gates.index(own) * H + j
    h_term = lambda W, k: Term(W, float(params.W_h[k, col]), rf"{sym('h_prev')}[{k}]", float(step.h_prev[k]))  # noqa: E731
    x_term = lambda W, i: Term(W, float(params.W_x[i, col]), rf"{sym('x')}[{i}]", float(step.x[i]))  # noqa: E731
    I = params.input_size  # noqa: E741 (the symbol I)
    if spec.family != "lstm":  # torch's GRU and RNN: W_i· x + b_i· + W_h· h + b_h·, as their equations write
        return _torch_cell(
            spec,
            own,
            j,
            [x_term(rf"{par('W', 'i')}[{j},{i}]", i) for i in range(I)],
            [h_term(rf"{par('W', 'h')}[{j},{k}]", k) for k in range(H)],
            params,
            col,
            step,
            sym,
        )
    if spec.concatenated:  # one matrix over [STM_{t-1}, E_t]: its column k runs over h first, then x
        terms = [h_term(rf"{par('W')}[{j},{k}]", k) for k in range(H)]
        terms += [x_term(rf"{par('W')}[{j},{H + i}]", i) for i in range(I)]
    else:
        terms = [x_term(rf"{par('W', 'x')}[{j},{i}]", i) for i in range(I)]
        terms += [h_term(rf"{par('W', 'h')}[{j},{k}]", k) for k in range(H)]
        if spec.peepholes and own != spec.tanh_gate:  # i and f peek at c_{t-1}, o at the new c_t
            reads = "c" if gate == "o" else "c_prev"
            p = float(params.p[("i", "f", "o").index(gate), j])
            terms.append(Term(rf"{par('p')}[{j}]", p, rf"{sym(reads)}[{j}]", float(getattr(step, reads)[j])))
    biases = [(rf"{par('b')}[{j}]", float(params.b_x[col]))]
    if params.b_h[col] != 0.0:  # PyTorch's second bias b_hh; the other layouts keep it at zero
        biases = [
            (rf"{par('b', 'x')}[{j}]", float(params.b_x[col])),
            (rf"{par('b', 'h')}[{j}]", float(params.b_h[col])),
        ]
    return GateArithmetic(
        gate, j, tuple(terms), tuple(biases), "tanh" if own == spec.tanh_gate else "sigmoid"
    )


def _torch_cell(spec, own, j, x_terms, h_terms, params, col, step, sym) -> GateArithmetic:
    """A gate of torch's GRU or RNN: both biases always shown; the GRU's n puts its recurrent sum inside
    r_t ⊙ (W_hn h_{t-1} + b_hn), so that sum is kept apart and scaled by r_t[j]."""
    par = lambda kind, source: notation.parameter(kind, own, spec.name, source)  # noqa: E731
    b_x = (rf"{par('b', 'i')}[{j}]", float(params.b_x[col]))
    b_h = (rf"{par('b', 'h')}[{j}]", float(params.b_h[col]))
    activation = "tanh" if own == spec.tanh_gate else "sigmoid"
    if spec.family == "gru" and own == "n":
        r = (rf"{sym('r')}[{j}]", float(step.r[j]))
        return GateArithmetic(own, j, tuple(x_terms), (b_x,), activation, r, tuple(h_terms), (b_h,))
    return GateArithmetic(own, j, tuple(x_terms + h_terms), (b_x, b_h), activation)


def latex(ar: GateArithmetic, vocabulary: str, variant: str) -> str:
    """The worked gate as one LaTeX array: a row ``symbol · symbol  weight × value  = product`` per term,
    the bias rows, the sum z, and z through σ or tanh to the gate's value. Rounded by ``fmt``."""
    rows = [
        rf"{term.weight_symbol}\,{term.value_symbol} & {fmt(term.weight)} \times {factor(term.value)} & = "
        rf"{fmt(term.product)}"
        for term in ar.terms
    ]
    rows += [rf"{symbol} & & = {fmt(value)}" for symbol, value in ar.biases]
    if ar.scale:  # the GRU candidate's recurrent part, summed, then times r_t[j]
        inner = [
            rf"\quad {t.weight_symbol}\,{t.value_symbol} & {fmt(t.weight)} \times {factor(t.value)} & = "
            rf"{fmt(t.product)}"
            for t in ar.inner
        ]
        inner += [rf"\quad {symbol} & & = {fmt(value)}" for symbol, value in ar.inner_biases]
        rows += inner
        rows.append(
            rf"{ar.scale[0]} \cdot (\ldots) & {factor(ar.scale[1])} \times "
            rf"\text{{sum of the {len(inner)} indented rows}} = "
            rf"{factor(ar.scale[1])} \times {factor(ar.inner_sum)}"
            rf" & = {fmt(ar.scale[1] * ar.inner_sum)}"
        )
        count = len(rows) - len(inner)
        rows.append(rf"\hline z & \text{{sum of the {count} unindented rows above}} & = {fmt(ar.z)}")
    else:
        rows.append(rf"\hline z & \text{{sum of the {len(rows)} rows above}} & = {fmt(ar.z)}")
    gate = rf"{notation.latex(ar.gate, vocabulary, variant)}[{ar.unit}]"
    squash = r"\sigma" if ar.activation == "sigmoid" else r"\tanh"
    rows.append(rf"{gate} & {squash}(z) = {squash}({fmt(ar.z)}) & = {fmt(ar.value)}")
    return r"\begin{array}{lrl}" + r" \\ ".join(rows) + r"\end{array}"
