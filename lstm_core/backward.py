"""Backpropagation through time for the LSTM, mirroring the forward pass step by step.

Each quantity q of the forward pass gets a gradient dq = ∂Loss/∂q named after it: dh, dc, df, di, dg,
do, dkept, dwritten, du, dv, the pre-activations dpre[gate], and the weights. dh_t and dc_t are *total*
gradients: everything the loss owes to h_t / c_t, through the layer above and through later steps.

The loss enters as dh (T, H): ∂Loss/∂h_t of the top layer read directly at each step (zeros where the loss
does not look). ``LSTM.backward(trace, dh, layout)`` returns a ``Gradients`` mapping keyed exactly like
``LSTM.to_weights(layout)``, that also holds the state gradients of every layer for gradient-flow plots.

The per-layer kernels work on a batch, time-major (T, B, ·), so training (``train.py``) and the single
trace use the same code; a trace is a batch of one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd

from . import cells, layouts
from .cell import LayerParams, sigmoid
from .trace import LayerTrace, Trace, read_only, tidy_frame

# The (T, H) gradient fields of a layer in the order the forward pass computes their quantities
# (mirrors trace.STEP_FIELDS with a d in front).
GRAD_FIELDS = ("dc_prev", "dh_prev", "df", "di", "dg", "do", "dkept", "dwritten", "dc", "du", "dv", "dh")


# ---------------------------------------------------------------- the per-layer kernels (batched)


def backward_layer(
    P: LayerParams,
    cache: dict[str, np.ndarray],
    dH: np.ndarray,
    frozen: tuple[str, ...] = (),
    record: bool = False,
    need_dx: bool = True,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Backpropagate one layer through all T steps of a batch.

    cache: the forward record of ``batched.forward_layer`` (time-major, (T, B, ·)).
    dH: (T, B, H) ∂Loss/∂h_t arriving directly (from the loss or the layer above), not through h_{t+1}.
    frozen: gates (the cell's own letters, ``CellSpec.gates``) that were clamped: their pre-activation
    gets no gradient.
    record: also return the gradient of every named intermediate (the trace path wants them; training
    does not).
    need_dx: compute dx; training skips it for the bottom layer, whose input (one-hot text) learns nothing.

    Returns (weight gradients, state gradients):
      weights: W_x (I_k, G*H), W_h (H, G*H), b (G*H,) for b_x and b_h alike, and p (3, H) for peephole,
               W_u (H, H), b_u (H,) for udacity;
      states:  dx (T, B, I_k), dh0, dc0 (B, H), dh, dc (T, B, H) the total gradients, dZ (T, B, G*H) the
               stacked pre-activation gradients (+ dz_u for udacity); with record, df, di, dg, do, dkept,
               dwritten, du, dv (T, B, H) too.
    """
    D = _activation_slopes(P.spec, cache["A"], frozen)
    states, extra = LOOPS[P.variant](P, cache, dH, D, record)
    T, B, GH = states["dZ"].shape
    dZ2 = states["dZ"].reshape(T * B, GH)
    grads = {
        "W_x": np.dot(cache["x"].reshape(T * B, -1).T, dZ2),
        "W_h": np.dot(cache["h_prev"].reshape(T * B, -1).T, dZ2),
        "b": dZ2.sum(axis=0),
        **extra,
    }
    if need_dx:
        states["dx"] = np.dot(dZ2, P.W_x.T).reshape(T, B, -1)
    return grads, states


def _activation_slopes(spec: cells.CellSpec, A: np.ndarray, frozen) -> np.ndarray:
    """dA/dZ for every gate: σ' = a(1 − a) for the sigmoid gates, tanh' = 1 − a² for the candidate (last
    block). Computed for all steps at once, outside the time loop; a clamped gate's slope is 0."""
    D = A * (1.0 - A)
    g = spec.block(A, spec.tanh_gate)
    spec.block(D, spec.tanh_gate)[...] = 1.0 - g * g
    for gate in frozen:
        spec.block(D, gate)[...] = 0.0
    return D


def _blocks(A: np.ndarray, G: int) -> list[np.ndarray]:
    H = A.shape[-1] // G
    return [A[..., k * H : (k + 1) * H] for k in range(G)]


# How to read the loops: a gate's pre-activation gradient is dz = (∂Loss/∂its output) ⊙ slope, and its
# output is multiplied by something known from the forward pass (dc ⊙ g for i, dc ⊙ c_prev for f, dh ⊙ u
# for o, dc ⊙ i for g). Those "multiplier ⊙ slope" products M are computed for all steps before the loop,
# so a step is: dh, dc, then dz = M ⊙ dc for every block (one broadcast product) with the o block
# redone as M_o ⊙ dh, then the recurrent products.


def _standard(P, F, dH, D, record):
    """h = o ⊙ u, u = tanh(c), c = f ⊙ c_prev + i ⊙ g; blocks i f o g."""
    A, U, c_prev = F["A"], F["u"], F["c_prev"]
    i, f, o, g = _blocks(A, 4)
    D_i, D_f, D_o, D_g = _blocks(D, 4)
    M = [g * D_i, c_prev * D_f, U * D_o, i * D_g]
    states = _through_time(P, dH, M, o_block=2, o_slope=o * (1.0 - U * U), f_slope=f)
    return states | (_gate_grads(states, i, g, c_prev, U, o) if record else {}), {}


def _no_forget(P, F, dH, D, record):
    """As standard with f ≡ 1; blocks i o g. df is still reported (∂Loss/∂f as if f could move)."""
    A, U, c_prev = F["A"], F["u"], F["c_prev"]
    i, o, g = _blocks(A, 3)
    D_i, D_o, D_g = _blocks(D, 3)
    M = [g * D_i, U * D_o, i * D_g]
    # c_t = c_{t-1} + i ⊙ g: the gradient passes back undamped
    states = _through_time(P, dH, M, o_block=1, o_slope=o * (1.0 - U * U), f_slope=np.ones_like(U))
    return states | (_gate_grads(states, i, g, c_prev, U, o) if record else {}), {}


def _peephole(P, F, dH, D, record):
    """Standard plus z_i += p_i ⊙ c_prev, z_f += p_f ⊙ c_prev, z_o += p_o ⊙ c; blocks i f o g."""
    A, U, c_prev = F["A"], F["u"], F["c_prev"]
    p_i, p_f, p_o = P.p
    i, f, o, g = _blocks(A, 4)
    D_i, D_f, D_o, D_g = _blocks(D, 4)
    M = [g * D_i, c_prev * D_f, U * D_o, i * D_g]
    # c_t reaches h_t through u and through o's peephole; c_{t-1} reaches c_t through f and the i, f
    # peepholes. Both sums are known before the loop.
    o_slope = o * (1.0 - U * U) + p_o * M[2]
    f_slope = f + p_i * M[0] + p_f * M[1]
    states = _through_time(P, dH, M, o_block=2, o_slope=o_slope, f_slope=f_slope)
    dz_i, dz_f, dz_o, _ = _blocks(states["dZ"], 4)
    dp = np.stack(
        [
            np.einsum("tbh,tbh->h", dz_i, c_prev),
            np.einsum("tbh,tbh->h", dz_f, c_prev),
            np.einsum("tbh,tbh->h", dz_o, F["c"]),
        ]
    )
    return states | (_gate_grads(states, i, g, c_prev, U, o) if record else {}), {"p": dp}


def _through_time(P, dH, M, o_block, o_slope, f_slope) -> dict[str, np.ndarray]:
    """The backward loop shared by the cells whose h_t = o_t ⊙ tanh(c_t) (standard, no_forget, peephole).

    M: the gate blocks' "multiplier ⊙ slope" (T, B, H) each; the o block is scaled by dh, the others by dc.
    o_slope = ∂h_t/∂c_t and f_slope = ∂c_t/∂c_{t-1} along the direct paths, (T, B, H) each.
    """
    T, B, H = dH.shape
    G = len(M)
    M = np.concatenate(M, axis=-1).reshape(T, B, G, H)
    dt = dH.dtype  # float32 on the fast training path
    dZ = np.empty((T, B, G, H), dt)
    DH, DC = np.empty((T, B, H), dt), np.empty((T, B, H), dt)
    dh_next, dc_next = np.zeros((B, H), dt), np.zeros((B, H), dt)
    W_h_T = np.ascontiguousarray(P.W_h.T)  # a product with a transposed view is ~40 % slower
    for t in range(T - 1, -1, -1):
        dh = np.add(dH[t], dh_next, out=DH[t])
        dc = np.multiply(dh, o_slope[t], out=DC[t])
        dc += dc_next
        dz = np.multiply(M[t], dc[:, None, :], out=dZ[t])
        np.multiply(M[t, :, o_block], dh, out=dz[:, o_block])  # o was scaled by dh, not dc
        dh_next = np.dot(dz.reshape(B, G * H), W_h_T)  # h_{t-1} fed every gate of step t
        dc_next = dc * f_slope[t]  # c_{t-1} reached c_t through f_t ⊙ c_{t-1}
    return dict(dZ=dZ.reshape(T, B, G * H), dh=DH, dc=DC, dh0=dh_next, dc0=dc_next)


def _gate_grads(states, i, g, c_prev, U, o) -> dict[str, np.ndarray]:
    """∂Loss/∂(each gate's output) for the cells with h = o ⊙ u, u = tanh(c), c = f ⊙ c_prev + i ⊙ g."""
    DH, DC = states["dh"], states["dc"]
    return dict(di=DC * g, df=DC * c_prev, dg=DC * i, do=DH * U, du=DH * o)


def _udacity(P, F, dH, D, record):
    """STM = U ⊙ V, U = tanh(W_u kept + b_u), kept = LTM_prev ⊙ f, LTM = kept + N ⊙ i; blocks i f v n.

    LTM_t reaches the loss only through step t+1 (STM_t reads the *old* LTM), so dc_t = dc_prev of t+1.
    """
    T, B, H = dH.shape
    A, U, kept, c_prev = F["A"], F["u"], F["kept"], F["c_prev"]
    i, f, v, n = _blocks(A, 4)
    D_i, D_f, D_v, D_n = _blocks(D, 4)
    M = np.concatenate([n * D_i, c_prev * D_f, U * D_v, i * D_n], axis=-1).reshape(T, B, 4, H)
    v_slope = v * (1.0 - U * U)  # ∂STM/∂z_u
    dt = dH.dtype
    dZ = np.empty((T, B, 4, H), dt)
    DH, DC, DKEPT, DZ_u = (np.empty((T, B, H), dt) for _ in range(4))
    DC[-1] = 0.0  # the last LTM feeds nothing
    dh_next = np.zeros((B, H), dt)
    dc0 = np.empty((B, H), dt)
    W_h_T, W_u = np.ascontiguousarray(P.W_h.T), P.W_u
    for t in range(T - 1, -1, -1):
        dh = np.add(dH[t], dh_next, out=DH[t])
        dc = DC[t]
        dz_u = np.multiply(dh, v_slope[t], out=DZ_u[t])
        dkept = np.dot(dz_u, W_u, out=DKEPT[t])
        dkept += dc  # kept fed LTM_t and the use gate U_t
        dz = np.multiply(M[t], dc[:, None, :], out=dZ[t])  # i and n were scaled by dc
        np.multiply(M[t, :, 1], dkept, out=dz[:, 1])  # f scaled the old LTM into kept
        np.multiply(M[t, :, 2], dh, out=dz[:, 2])  # v scaled U into STM
        dh_next = np.dot(dz.reshape(B, 4 * H), W_h_T)
        np.multiply(dkept, f[t], out=DC[t - 1] if t > 0 else dc0)
    dZ_u2 = DZ_u.reshape(T * B, H)
    extra = {"W_u": np.dot(dZ_u2.T, kept.reshape(T * B, H)), "b_u": dZ_u2.sum(axis=0)}
    states = dict(dZ=dZ.reshape(T, B, 4 * H), dh=DH, dc=DC, dh0=dh_next, dc0=dc0, dz_u=DZ_u)
    if record:
        states |= dict(di=DC * n, df=DKEPT * c_prev, dg=DC * i, do=DH * U, du=DH * v, dkept=DKEPT)
    return states, extra


# The backward loop of each LSTM cell, mirroring its forward loop in cell.py / batched.py.
LOOPS = {"standard": _standard, "no_forget": _no_forget, "peephole": _peephole, "udacity": _udacity}


# ---------------------------------------------------------------- the trace as a batch of one


def cache_from_trace(lt: LayerTrace) -> dict[str, np.ndarray]:
    """The forward cache of ``batched.forward_layer`` rebuilt from a recorded layer, with B = 1."""
    A = np.concatenate([getattr(lt, key) for key in cells.get(lt.variant).weighted], axis=1)
    cache = {
        "x": lt.x,
        "h_prev": lt.h_prev,
        "c_prev": lt.c_prev,
        "A": A,
        "u": lt.u,
        "c": lt.c,
        "h": lt.h,
        "kept": lt.kept,
    }
    return {k: v[:, None, :] for k, v in cache.items()}


def clamped_gates(lt: LayerTrace) -> tuple[str, ...]:
    """Gates (the cell's own letters) whose recorded activation is not the activation of their recorded
    pre-activation: they were clamped by ``run(clamp=...)``, so no gradient flows into their weights."""
    spec = cells.get(lt.variant)
    out = []
    for gate in spec.gates:
        key = spec.trace_name(gate)
        squash = np.tanh if gate == spec.tanh_gate else sigmoid
        if not np.allclose(getattr(lt, key), squash(lt.pre[key]), rtol=0.0, atol=1e-12):
            out.append(gate)
    return tuple(out)


# ---------------------------------------------------------------- what a backward pass returns


@dataclass(frozen=True)
class LayerGradients:
    """The gradients of one layer, each (T, H) unless noted, named d<forward name> (see ``LayerTrace``).

    dh, dc: total ∂Loss/∂h_t, ∂Loss/∂c_t (through the layer above and through later steps).
    df, di, dg, do: ∂Loss/∂gate activation (no_forget: df as if f could move; it has no weights).
    dkept, dwritten: ∂Loss/∂(f ⊙ c_prev), ∂Loss/∂(i ⊙ g); du, dv: ∂Loss/∂u, ∂Loss/∂v.
    dpre: gate -> ∂Loss/∂pre-activation (T, H), the same keys as ``LayerTrace.pre``.
    dx: (T, I_k) ∂Loss/∂(what the layer read); dh0, dc0: (H,) ∂Loss/∂ initial state.
    params: the weight gradients as a ``LayerParams`` (b_x holds db, b_h is 0).
    """

    variant: str
    dh: np.ndarray
    dc: np.ndarray
    df: np.ndarray
    di: np.ndarray
    dg: np.ndarray
    do: np.ndarray
    dkept: np.ndarray
    dwritten: np.ndarray
    du: np.ndarray
    dv: np.ndarray
    dpre: Mapping[str, np.ndarray]
    dx: np.ndarray
    dh0: np.ndarray
    dc0: np.ndarray
    params: LayerParams

    @property
    def dn(self) -> np.ndarray:
        """Udacity's ∂Loss/∂N_t: the same numbers as dg."""
        return self.dg

    @property
    def dh_prev(self) -> np.ndarray:
        """(T, H) ∂Loss/∂h_{t-1}, the state step t started from (row 0 is dh0)."""
        return np.vstack([self.dh0, self.dh[:-1]])

    @property
    def dc_prev(self) -> np.ndarray:
        """(T, H) ∂Loss/∂c_{t-1} (row 0 is dc0)."""
        return np.vstack([self.dc0, self.dc[:-1]])

    @property
    def T(self) -> int:
        return self.dh.shape[0]


class Gradients(Mapping):
    """The result of a backward pass: a read-only mapping weight key -> gradient, keyed exactly like the
    network's ``to_weights(layout)``, plus the state gradients of every layer.

    layers[k]: that layer's per-step gradients (``LayerGradients`` for the LSTM; ``rnn``/``gru`` have
    their own); dh, dc: (T, H) of the top layer, like ``Trace.h``/``Trace.c``; dx (T, I) ∂Loss/∂input;
    dh0, dc0: (num_layers, H) ∂Loss/∂initial state (dc0 is None for cells without c).
    """

    def __init__(self, weights: dict[str, np.ndarray], layout: str, layers: tuple, converter=None):
        self._weights = {k: read_only(v) for k, v in weights.items()}
        self.layout = layout
        self.layers = tuple(layers)
        self._converter = converter

    def __getitem__(self, key: str) -> np.ndarray:
        return self._weights[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._weights)

    def __len__(self) -> int:
        return len(self._weights)

    def __repr__(self) -> str:
        return f"Gradients(layout={self.layout!r}, keys={list(self._weights)})"

    @property
    def weights(self) -> dict[str, np.ndarray]:
        """A plain dict copy of the weight gradients."""
        return {k: v.copy() for k, v in self._weights.items()}

    def to_weights(self, layout: str) -> dict[str, np.ndarray]:
        """The same weight gradients in another layout the variant can express (e.g. torch for standard)."""
        if self._converter is None:
            raise ValueError(f"these gradients exist only in layout {self.layout!r}")
        return self._converter(layout)

    @property
    def dh(self) -> np.ndarray:
        return self.layers[-1].dh

    @property
    def dc(self) -> np.ndarray | None:
        return getattr(self.layers[-1], "dc", None)

    @property
    def dx(self) -> np.ndarray:
        return self.layers[0].dx

    @property
    def dh0(self) -> np.ndarray:
        return np.stack([lg.dh0 for lg in self.layers])

    @property
    def dc0(self) -> np.ndarray | None:
        if getattr(self.layers[0], "dc0", None) is None:
            return None
        return np.stack([lg.dc0 for lg in self.layers])

    @property
    def num_layers(self) -> int:
        return len(self.layers)

    def norms(self, quantity: str = "dh") -> np.ndarray:
        """(num_layers, T) Euclidean norm over units of a (T, H) gradient field, for gradient-flow plots."""
        return np.stack([np.linalg.norm(getattr(lg, quantity), axis=-1) for lg in self.layers])

    def to_frame(self) -> pd.DataFrame:
        """Tidy table, one row per number: layer, t, unit, quantity (d-names), value."""
        return tidy_frame(
            self.layers, lambda lg: [q for q in _frame_fields(lg) if getattr(lg, q, None) is not None]
        )


def _frame_fields(lg) -> tuple[str, ...]:
    return getattr(lg, "FRAME_FIELDS", GRAD_FIELDS)


# ---------------------------------------------------------------- LSTM.backward


def check_dh(dh, T: int, H: int) -> np.ndarray:
    dh = np.asarray(dh, dtype=np.float64)
    if dh.shape != (T, H):
        raise ValueError(f"dh must have shape (T, H) = {(T, H)}, like trace.h, got shape {dh.shape}")
    if not np.isfinite(dh).all():
        raise ValueError("dh contains NaN or infinite values")
    return dh


def grad_params(variant: str, grads: dict[str, np.ndarray], two_biases: bool) -> LayerParams:
    """Weight gradients as a LayerParams, so layouts.from_params can name and slice them like weights.

    The cell adds b_x + b_h, so both receive db; layouts other than torch write b_x + b_h as one bias,
    so there b_h must be 0 or db would count twice.
    """
    db = grads["b"]
    return LayerParams(
        variant,
        W_x=grads["W_x"],
        W_h=grads["W_h"],
        b_x=db,
        b_h=db if two_biases else np.zeros_like(db),
        p=grads.get("p"),
        W_u=grads.get("W_u"),
        b_u=grads.get("b_u"),
    )


def backward(net, trace: Trace, dh, layout: str | None = None) -> Gradients:
    """Backpropagate dh (T, H) = ∂Loss/∂h_t of the top layer through the whole recorded ``trace``.

    Returns ``Gradients`` keyed like ``net.to_weights(layout)``; layout defaults to ``seed`` (standard,
    no_forget, peephole) or ``udacity``; ``torch`` and ``keras`` work for standard. In torch layout both
    biases get the same gradient, as in PyTorch. A trace of a clamped run is differentiated as run: the
    clamped gates pass no gradient to their weights.
    """
    if trace.variant != net.variant or trace.num_layers != net.num_layers:
        raise ValueError(
            f"the trace ({trace.variant}, {trace.num_layers} layers) was not made by this network "
            f"({net.variant}, {net.num_layers} layers)"
        )
    layout = layout or cells.get(net.variant).gate_layout
    layouts.check_layout(layout, net.variant)
    dH = check_dh(dh, trace.T, net.hidden_size)[:, None, :]
    per_layer = [None] * net.num_layers
    for k in range(net.num_layers - 1, -1, -1):
        P, lt = net.layers[k], trace.layers[k]
        grads, states = backward_layer(P, cache_from_trace(lt), dH, frozen=clamped_gates(lt), record=True)
        dH = states["dx"]  # what layer k read is what layer k-1 wrote
        per_layer[k] = (grads, states)

    def convert(to_layout: str) -> dict[str, np.ndarray]:
        layouts.check_layout(to_layout, net.variant)
        params = tuple(grad_params(net.variant, g, to_layout == "torch") for g, _ in per_layer)
        return layouts.from_params(params, to_layout)

    layers = tuple(
        _layer_gradients(net.variant, lt, g, s) for lt, (g, s) in zip(trace.layers, per_layer, strict=True)
    )
    return Gradients(convert(layout), layout, layers, converter=convert)


def _layer_gradients(variant: str, lt: LayerTrace, grads, states) -> LayerGradients:
    spec = cells.get(variant)
    dZ = spec.split(states["dZ"][:, 0, :])
    dpre = {spec.trace_name(gate): read_only(dz) for gate, dz in dZ.items()}
    if "dz_u" in states:  # a use gate with its own weights (udacity)
        dpre["u"] = read_only(states["dz_u"][:, 0, :])
    # c = kept + written passes dc to both unchanged; udacity's kept also feeds U, so it has its own
    states = {"dkept": states["dc"], "dwritten": states["dc"], "dv": states["do"]} | states
    fields = ("dh", "dc", "df", "di", "dg", "do", "dkept", "dwritten", "du", "dv", "dx")
    return LayerGradients(
        variant=variant,
        dpre=MappingProxyType(dpre),
        dh0=read_only(states["dh0"][0]),
        dc0=read_only(states["dc0"][0]),
        params=grad_params(variant, grads, two_biases=False),
        **{name: read_only(states[name][:, 0, :]) for name in fields},
    )
