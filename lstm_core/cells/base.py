"""What a cell is (docs/design.md §2): one frozen ``CellSpec`` per cell, defined in that cell's module.

A spec holds everything the rest of the code needs to know about a cell — its gates and their stacking
order, the trace's names for them, what can be clamped, its extra parameters, its layouts, its equations
— and the cell's readable reference step. The fast loops (``cell.py``, ``batched.py``, ``backward.py``)
and every page read the spec instead of asking which cell they were given.

NumPy only; nothing here imports the rest of ``lstm_core``, so every other module can import it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

# The (T, H) fields of an LSTM layer's trace, in the order a step computes them (``trace.STEP_FIELDS``).
LSTM_FIELDS = ("c_prev", "h_prev", "f", "i", "g", "o", "kept", "written", "c", "u", "v", "h")


@dataclass(frozen=True)
class Equation:
    """One line of a cell's equations.

    key: the quantity the line defines (a trace / notation key).
    latex: the whole line as a ``string.Template``: ``$key`` placeholders are filled with the symbols
        of the chosen vocabulary (``$c_prev`` → c_{t-1} or LTM_{t-1}); parameters (W_{xi}, b_{n}) are
        written out, since they read the same in both vocabularies.
    text: the line in plain text, as docs/design.md §2 writes it.
    form: a vocabulary-free description of the maths; a line whose form differs from the standard
        cell's line for the same key is where this cell computes something differently.
    activation: the squashing function of a gate line (\\sigma or \\tanh), None for the other lines.
    terms: for a sum of products (c, h): the factors of each term, so that the numbers of one step can be
        written in, each under its symbol; ``labels`` overrides a factor's symbol (a template).
    """

    key: str
    latex: str
    text: str
    form: str
    activation: str | None = None
    terms: tuple[tuple[str, ...], ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CellSpec:
    """One cell.

    name: the cell's name in code and links (``?variant=name``); label: its name in a list of choices.
    title: where it comes from, one line; ``{f}`` and ``{c}`` are filled with those quantities' words.
    family: "lstm" (runs in ``lstm_core.LSTM`` into a ``Trace`` of ``LSTM_FIELDS``), "gru" or "rnn".
    gates: the cell's own gate letters in the stacking order of its weight matrices (sigmoid gates first,
        the tanh one last, so one call can squash them all).
    trace_names: own letter → the trace's (standard) name, where they differ (Udacity: n → g, v → o).
    fields: the (T, H) fields of its layer trace.
    clampable: trace names of the gates ``run(clamp=…)`` can fix to a constant.
    fixed: trace name → value of a gate the cell has no weights for (no_forget: f ≡ 1).
    shown: the gate-like quantities a page shows as heatmaps, in display order.
    extra_params: ``LayerParams`` fields beyond W_x, W_h, b_x, b_h → their shape in symbols.
    concatenated: its weights act on [h_{t-1}, x_t] as one matrix (Udacity's W [STM_{t-1}, E_t]).
    default_layout: the layout ``to_weights()`` and ``save`` use; gate_layout: the layout with one array
        per gate (gradients default to it; Gate lab edits it).
    names: (key, vocabulary) → (name, short, html, latex) where this cell's quantity needs its own name
        (Udacity's U has its own weights, so "tanh(c)" would be wrong for it); descriptions: key → line.
    equations: its equations, in the order docs/design.md §2 gives them.
    reference: the readable step (see the cell's module), straight from the equations.
    """

    name: str
    label: str
    title: str
    family: str
    gates: tuple[str, ...]
    fields: tuple[str, ...]
    default_layout: str
    gate_layout: str
    equations: tuple[Equation, ...]
    reference: Callable
    trace_names: Mapping[str, str] = field(default_factory=dict)
    clampable: tuple[str, ...] = ()
    fixed: Mapping[str, float] = field(default_factory=dict)
    shown: tuple[str, ...] = ()
    extra_params: Mapping[str, tuple] = field(default_factory=dict)
    concatenated: bool = False
    names: Mapping[tuple[str, str], tuple[str, str, str, str]] = field(default_factory=dict)
    descriptions: Mapping[str, str] = field(default_factory=dict)

    def trace_name(self, gate: str) -> str:
        """The trace's name for the cell's own gate letter (Udacity's n is g)."""
        return self.trace_names.get(gate, gate)

    def own_name(self, key: str) -> str:
        """The cell's own letter for a trace name (Udacity's g is n); other keys pass through."""
        return next((own for own, std in self.trace_names.items() if std == key), key)

    @property
    def weighted(self) -> tuple[str, ...]:
        """The trace names of the gates that have weights, in stacking order."""
        return tuple(self.trace_name(g) for g in self.gates)

    @property
    def tanh_gate(self) -> str:
        """The cell's own letter of the one block squashed by tanh (the last)."""
        return self.gates[-1]

    @property
    def peepholes(self) -> bool:
        return "p" in self.extra_params

    @property
    def layouts(self) -> tuple[str, ...]:
        """The weight layouts that can hold this cell, in registry order (the layouts say which cells
        they hold, docs/design.md §3). GRU and RNN networks keep torch keys only."""
        from ..layouts.registry import REGISTRY  # layouts import the cells; read at call time

        return tuple(n for n, L in REGISTRY.items() if self.name in L.variants) or (self.default_layout,)

    def block(self, array: np.ndarray, gate: str) -> np.ndarray:
        """The H columns (last axis) of a stacked array that belong to the own-letter ``gate``."""
        H = array.shape[-1] // len(self.gates)
        k = self.gates.index(gate)
        return array[..., k * H : (k + 1) * H]

    def split(self, array: np.ndarray) -> dict[str, np.ndarray]:
        """{own gate letter: its block} of a stacked array."""
        return {g: self.block(array, g) for g in self.gates}


def gate_line(key: str, activation: str, affine: str, text: str, form: str, symbol: str = "") -> Equation:
    """The line of a gate: ``$key = activation(affine)``.

    activation: \\sigma or \\tanh; affine: the pre-activation as a template (``$x``, ``$h_prev`` …);
    text: the pre-activation in plain text; symbol: the gate's letter there (default ``key``).
    """
    word = "σ" if activation == r"\sigma" else "tanh"
    return Equation(
        key=key,
        latex=rf"${key} = {activation}\left({affine}\right)",
        text=f"{symbol or key}_t = {word}({text})",
        form=form,
        activation=activation,
    )


def sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) = 1 / (1 + e^(−z)), written as the textbooks write it (the fast loops use another form)."""
    return 1.0 / (1.0 + np.exp(-z))


def clamped(clamp: Mapping[str, float], key: str, activation: np.ndarray) -> np.ndarray:
    """A gate's activation, or the constant ``clamp`` fixes gate ``key`` to (a what-if experiment)."""
    return np.full_like(activation, clamp[key]) if key in clamp else activation


def run_reference(spec: CellSpec, P, x: np.ndarray, h0: np.ndarray, c0=None, clamp=None) -> dict:
    """Run ``spec.reference`` step by step over x (T, I) from h0 (and c0 for an LSTM), each (H,).

    Returns {name: (T, H) array} of everything the step returns, plus the state each step started from
    (h_prev, and c_prev for an LSTM). Slow and plain: the yardstick the fast kernels are tested against.
    """
    has_c = "c" in spec.fields
    rows: dict[str, list] = {}
    h, c = h0, c0
    for x_t in x:
        start = {"h_prev": h, "c_prev": c} if has_c else {"h_prev": h}
        out = spec.reference(x_t, h, c, P, clamp or {}) if has_c else spec.reference(x_t, h, P)
        h, c = out["h"], out.get("c")
        for name, value in (start | out).items():
            rows.setdefault(name, []).append(value)
    return {name: np.array(values) for name, values in rows.items()}
