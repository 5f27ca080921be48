"""The record of a forward pass: every intermediate of every step of every layer, computed once.

Views (figures, tables, lessons) only read a Trace; its arrays are read-only so no view can change
what another view shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

# The (T, H) fields of a layer, in the order a step computes them; the tidy frame uses this order.
STEP_FIELDS = ("c_prev", "h_prev", "f", "i", "g", "o", "kept", "written", "c", "u", "v", "h")


def read_only(a: np.ndarray) -> np.ndarray:
    """A read-only float64 view: the loop's buffers are kept as they are (strided views, no copies)."""
    a = np.asarray(a, dtype=np.float64).view()
    a.setflags(write=False)
    return a


@dataclass(frozen=True)
class StepRecord:
    """One step t of one layer: each field is an (H,) array, named after the symbols.

    pre maps each gate that has weights in this variant (i, f, g, o, and u for udacity) to its
    pre-activation, the number inside σ(·) or tanh(·).
    """

    t: int
    x: np.ndarray  # (I_k,)
    c_prev: np.ndarray
    h_prev: np.ndarray
    f: np.ndarray
    i: np.ndarray
    g: np.ndarray
    o: np.ndarray
    kept: np.ndarray
    written: np.ndarray
    c: np.ndarray
    u: np.ndarray
    v: np.ndarray
    h: np.ndarray
    pre: Mapping[str, np.ndarray]

    @property
    def n(self) -> np.ndarray:
        """Udacity's learn matrix N_t: the same numbers as the candidate g_t."""
        return self.g


class LayerRecord:
    """The sizes of one layer's record, read off its (T, H) output h."""

    @property
    def T(self) -> int:
        return self.h.shape[0]

    @property
    def hidden_size(self) -> int:
        return self.h.shape[1]


@dataclass(frozen=True)
class LayerTrace(LayerRecord):
    """Every intermediate of one layer over a whole sequence; each (T, H) unless noted.

    x (T, I_k) is what the layer read: the input for layer 0, the layer below's h otherwise.
    c_prev, h_prev: the state each step started from (row 0 is c0, h0).
    f, i, g, o: the gates (no_forget: f is all ones; udacity: o is the use gate's sigmoid part V).
    kept = f ⊙ c_prev, written = i ⊙ g, c = kept + written (every variant).
    u: tanh(c) for standard, no_forget and peephole; U_t = tanh(W_u (c_prev ⊙ f) + b_u) for udacity.
    v: o.   h: o ⊙ tanh(c), or U ⊙ V for udacity.
    pre: gate name -> pre-activation (T, H) for the gates that have weights in this variant.
    """

    variant: str
    x: np.ndarray
    c_prev: np.ndarray
    h_prev: np.ndarray
    f: np.ndarray
    i: np.ndarray
    g: np.ndarray
    o: np.ndarray
    kept: np.ndarray
    written: np.ndarray
    c: np.ndarray
    u: np.ndarray
    v: np.ndarray
    h: np.ndarray
    pre: Mapping[str, np.ndarray]
    FRAME_FIELDS = STEP_FIELDS  # the (T, H) fields, as every cell's layer record names them

    @classmethod
    def from_run(cls, variant: str, x: np.ndarray, out: dict) -> LayerTrace:
        """Assemble the record from one layer's loop output (see ``cell.run_layer``), without copying."""
        return cls(
            variant=variant,
            x=read_only(x),
            pre={k[2:]: read_only(v) for k, v in out.items() if k.startswith("z_")},
            **{name: read_only(out[name]) for name in STEP_FIELDS},
        )

    @property
    def n(self) -> np.ndarray:
        """Udacity's learn matrix N_t: the same numbers as the candidate g_t."""
        return self.g

    def step(self, t: int) -> StepRecord:
        """The frozen record of step t (0 ≤ t < T; negative t counts from the end)."""
        if not -self.T <= t < self.T:
            raise IndexError(f"step {t} is outside 0..{self.T - 1}")
        t = t % self.T
        rows = {f.name: getattr(self, f.name)[t] for f in fields(StepRecord) if f.name not in ("t", "pre")}
        return StepRecord(t=t, pre={k: v[t] for k, v in self.pre.items()}, **rows)


class StackedRecord:
    """What the record of a whole forward pass has, whatever the cell: ``layers``, bottom first, and ``x``."""

    x: np.ndarray
    layers: tuple

    @property
    def h(self) -> np.ndarray:
        """(T, H) short-term memory / hidden state of the top layer: the network's output."""
        return self.layers[-1].h

    @property
    def T(self) -> int:
        return self.x.shape[0]

    @property
    def hidden_size(self) -> int:
        return self.layers[0].hidden_size

    @property
    def num_layers(self) -> int:
        return len(self.layers)


@dataclass(frozen=True)
class Trace(StackedRecord):
    """A whole forward pass: ``layers[k]`` for each layer, bottom first; ``x`` (T, I) the input."""

    variant: str
    x: np.ndarray
    layers: tuple[LayerTrace, ...]

    @property
    def c(self) -> np.ndarray:
        """(T, H) long-term memory / cell state of the top layer."""
        return self.layers[-1].c

    def step(self, t: int, layer: int = -1) -> StepRecord:
        return self.layers[layer].step(t)

    def to_frame(self) -> pd.DataFrame:
        """Tidy table, one row per number: columns layer, t, unit, quantity, value.

        Quantities are the (T, H) fields of ``STEP_FIELDS``; keys as in the notation table.
        """
        return tidy_frame(self.layers, lambda lt: lt.FRAME_FIELDS)


def tidy_frame(layers, names_of) -> pd.DataFrame:
    """One row per number of every layer: layer, t, unit, quantity, value.

    names_of(layer) gives the layer's (T, H) fields to include, in order; they become the categories
    of the quantity column.
    """
    frames = []
    for k, layer in enumerate(layers):
        names = list(names_of(layer))
        values = np.stack([getattr(layer, q) for q in names])  # (Q, T, H)
        Q, T, H = values.shape
        frames.append(
            pd.DataFrame(
                {
                    "layer": np.full(Q * T * H, k),
                    "t": np.tile(np.repeat(np.arange(T), H), Q),
                    "unit": np.tile(np.arange(H), Q * T),
                    "quantity": pd.Categorical(np.repeat(names, T * H), categories=names),
                    "value": values.ravel(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)
