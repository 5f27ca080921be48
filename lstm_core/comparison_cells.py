"""Two cells to compare the LSTM with, on the same engine: a plain tanh RNN and a GRU.

The equations are PyTorch's ``nn.RNN`` (nonlinearity tanh) and ``nn.GRU``:

    RNN:  h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)

    GRU:  r_t = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)            reset gate
          z_t = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)            update gate
          n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn))  candidate
          h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t-1}

Weights use the torch layout: ``weight_ih_l{k}`` (G*H, I_k), ``weight_hh_l{k}`` (G*H, H), ``bias_ih_l{k}``,
``bias_hh_l{k}`` (G*H,), G = 1 (RNN) or 3 (GRU, gate rows r, z, n). The two biases stay apart because
b_hn sits inside r ⊙ (…). Like the LSTM, each network runs into a trace of every intermediate and
backpropagates a trace into a ``Gradients`` mapping keyed like its weights; the per-layer kernels work on
a time-major batch (T, B, ·) so that training uses the same code.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from types import MappingProxyType, SimpleNamespace

import numpy as np
import pandas as pd

from .backward import Gradients, check_dh
from .cell import LayerSizes, sigmoid
from .network import LayerStack, check_sizes, uniform_weights
from .trace import LayerRecord, StackedRecord, read_only, tidy_frame

KINDS = ("rnn", "gru")
GATES = {"rnn": ("h",), "gru": ("r", "z", "n")}  # row blocks of the torch matrices


@dataclass(frozen=True)
class CellParams(LayerSizes):
    """One layer's weights in the core's orientation: W_x (I_k, G*H) acting as x_t @ W_x, W_h (H, G*H),
    b_x, b_h (G*H,); GRU blocks in order r, z, n."""

    kind: str
    W_x: np.ndarray
    W_h: np.ndarray
    b_x: np.ndarray
    b_h: np.ndarray

    @property
    def variant(self) -> str:
        """The cell's name, as ``LayerParams.variant`` names an LSTM's: "rnn" or "gru"."""
        return self.kind


# ---------------------------------------------------------------- per-layer kernels, time-major batch


def forward_layer(P: CellParams, x: np.ndarray, h0: np.ndarray, c0=None) -> dict[str, np.ndarray]:
    """Run one layer over x (T, B, I_k) from h0 (B, H); c0 is ignored (these cells have no c).

    Cache: x, h_prev, h (T, B, H), and a (T, B, H) the RNN pre-activation, or for the GRU r, z, n, the
    recurrent candidate part hn = W_hn h_{t-1} + b_hn, and the pre-activations a_r, a_z, a_n.
    """
    return (_rnn_forward if P.kind == "rnn" else _gru_forward)(P, x, np.asarray(h0, dtype=np.float64))


def backward_layer(P: CellParams, cache: dict[str, np.ndarray], dH: np.ndarray):
    """Backpropagate one layer; dH (T, B, H) is ∂Loss/∂h_t arriving from the loss or the layer above.

    Returns (weight gradients W_x, W_h, b_x, b_h; states dx (T, B, I_k), dh0 (B, H), dc0 None, dh
    (T, B, H) total ∂Loss/∂h_t, and the named intermediates' gradients).
    """
    return (_rnn_backward if P.kind == "rnn" else _gru_backward)(P, cache, dH)


def _rnn_forward(P, x, h0):
    T, B, H = x.shape[0], x.shape[1], P.hidden_size
    Z = x @ P.W_x + (P.b_x + P.b_h)  # input part for all steps; W_hh h_{t-1} is added per step
    Hs = np.empty((T + 1, B, H))
    Hs[0] = h0
    W_h = P.W_h
    for t in range(T):
        z = Z[t]
        z += Hs[t] @ W_h
        np.tanh(z, out=Hs[t + 1])
    return dict(x=x, h_prev=Hs[:-1], h=Hs[1:], a=Z)


def _rnn_backward(P, F, dH):
    T, B, H = dH.shape
    slope = 1.0 - F["h"] * F["h"]  # tanh'(a) for every step at once
    dA, DH = np.empty((T, B, H)), np.empty((T, B, H))
    dh_next = np.zeros((B, H))
    W_h_T = P.W_h.T
    for t in range(T - 1, -1, -1):
        dh = np.add(dH[t], dh_next, out=DH[t])
        da = np.multiply(dh, slope[t], out=dA[t])
        dh_next = da @ W_h_T
    dA2 = dA.reshape(T * B, H)
    db = dA2.sum(axis=0)
    grads = {
        "W_x": F["x"].reshape(T * B, -1).T @ dA2,
        "W_h": F["h_prev"].reshape(T * B, -1).T @ dA2,
        "b_x": db,
        "b_h": db.copy(),
    }
    states = dict(dx=dA @ P.W_x.T, dh0=dh_next, dc0=None, dh=DH, da=dA)
    return grads, states


def _gru_forward(P, x, h0):
    T, B, H = x.shape[0], x.shape[1], P.hidden_size
    Zx = x @ P.W_x + P.b_x  # (T, B, 3H) input parts of r, z, n
    Hs = np.empty((T + 1, B, H))
    Hs[0] = h0
    R, Zg, N, HN = (np.empty((T, B, H)) for _ in range(4))
    A_rz = np.empty((T, B, 2 * H))
    A_n = np.empty((T, B, H))
    W_h, b_h = P.W_h, P.b_h
    for t in range(T):
        h_prev = Hs[t]
        zh = h_prev @ W_h
        zh += b_h
        a_rz = np.add(Zx[t, :, : 2 * H], zh[:, : 2 * H], out=A_rz[t])
        r = sigmoid(a_rz[:, :H], out=R[t])
        z = sigmoid(a_rz[:, H:], out=Zg[t])
        hn = HN[t]
        hn[...] = zh[:, 2 * H :]
        a_n = np.multiply(r, hn, out=A_n[t])  # the reset gate scales the recurrent part only
        a_n += Zx[t, :, 2 * H :]
        n = np.tanh(a_n, out=N[t])
        h = np.subtract(h_prev, n, out=Hs[t + 1])
        h *= z
        h += n  # h = (1 − z) ⊙ n + z ⊙ h_prev, with one product fewer
    return dict(
        x=x, h_prev=Hs[:-1], h=Hs[1:], r=R, z=Zg, n=N, hn=HN, a_r=A_rz[..., :H], a_z=A_rz[..., H:], a_n=A_n
    )


def _gru_backward(P, F, dH):
    T, B, H = dH.shape
    r, z, n, hn, h_prev = F["r"], F["z"], F["n"], F["hn"], F["h_prev"]
    # slopes for all steps at once: σ' = a(1 − a), tanh' = 1 − n², and ∂h/∂n = 1 − z, ∂h/∂z = h_prev − n
    slope_r, slope_z, slope_n = r * (1.0 - r), z * (1.0 - z), 1.0 - n * n
    one_minus_z, h_minus_n = 1.0 - z, h_prev - n
    DH, DZx, DZh = np.empty((T, B, H)), np.empty((T, B, 3 * H)), np.empty((T, B, 3 * H))
    Dr, Dz, Dn, Dhn = (np.empty((T, B, H)) for _ in range(4))
    dh_next = np.zeros((B, H))
    W_h_T = P.W_h.T
    for t in range(T - 1, -1, -1):
        dh = np.add(dH[t], dh_next, out=DH[t])
        dzx, dzh = DZx[t], DZh[t]
        dz = np.multiply(dh, h_minus_n[t], out=Dz[t])
        dn = np.multiply(dh, one_minus_z[t], out=Dn[t])
        da_n = np.multiply(dn, slope_n[t], out=dzx[:, 2 * H :])
        dr = np.multiply(da_n, hn[t], out=Dr[t])
        np.multiply(da_n, r[t], out=Dhn[t])
        np.multiply(dr, slope_r[t], out=dzx[:, :H])
        np.multiply(dz, slope_z[t], out=dzx[:, H : 2 * H])
        dzh[:, : 2 * H] = dzx[:, : 2 * H]  # r and z add their input and recurrent parts
        dzh[:, 2 * H :] = Dhn[t]  # n's recurrent part went through r
        dh_next = dzh @ W_h_T
        dh_next += dh * z[t]  # h_{t-1} also passed straight into h_t through z
    dZx2, dZh2 = DZx.reshape(T * B, 3 * H), DZh.reshape(T * B, 3 * H)
    grads = {
        "W_x": F["x"].reshape(T * B, -1).T @ dZx2,
        "W_h": h_prev.reshape(T * B, -1).T @ dZh2,
        "b_x": dZx2.sum(axis=0),
        "b_h": dZh2.sum(axis=0),
    }
    states = dict(dx=DZx @ P.W_x.T, dh0=dh_next, dc0=None, dh=DH, dr=Dr, dz=Dz, dn=Dn, dhn=Dhn)
    states |= {"da_r": DZx[..., :H], "da_z": DZx[..., H : 2 * H], "da_n": DZx[..., 2 * H :]}
    return grads, states


# ---------------------------------------------------------------- traces


class _TidyFrame(LayerRecord):
    FRAME_FIELDS: tuple[str, ...] = ()

    def step(self, t: int) -> SimpleNamespace:
        """Step t's numbers, as ``LayerTrace.step``: each field's row t, and pre {gate: row t}."""
        rows = {f.name: getattr(self, f.name)[t] for f in fields(self) if f.name != "pre"}
        return SimpleNamespace(t=t, pre={k: v[t] for k, v in self.pre.items()}, **rows)


@dataclass(frozen=True)
class RNNLayerTrace(_TidyFrame):
    """One RNN layer over a sequence: x (T, I_k); h_prev, h, and pre["h"] = a (T, H), h = tanh(a)."""

    x: np.ndarray
    h_prev: np.ndarray
    h: np.ndarray
    pre: MappingProxyType
    FRAME_FIELDS = ("h_prev", "h")


@dataclass(frozen=True)
class GRULayerTrace(_TidyFrame):
    """One GRU layer over a sequence, each (T, H) but x (T, I_k): the reset gate r, update gate z,
    candidate n, hn = W_hn h_{t-1} + b_hn (what r scales), the two parts of h, kept = z ⊙ h_{t-1} and
    written = (1 − z) ⊙ n, and h = kept + written; pre maps r, z, n to pre-activations."""

    x: np.ndarray
    h_prev: np.ndarray
    r: np.ndarray
    z: np.ndarray
    n: np.ndarray
    hn: np.ndarray
    kept: np.ndarray
    written: np.ndarray
    h: np.ndarray
    pre: MappingProxyType
    FRAME_FIELDS = ("h_prev", "r", "z", "hn", "n", "kept", "written", "h")


@dataclass(frozen=True)
class CellTrace(StackedRecord):
    """A forward pass of an RNN or GRU: ``layers[k]`` bottom first, ``x`` (T, I) the input."""

    kind: str
    x: np.ndarray
    layers: tuple

    @property
    def variant(self) -> str:
        """The cell's name, as ``Trace.variant`` names an LSTM's: "rnn" or "gru"."""
        return self.kind

    def to_frame(self) -> pd.DataFrame:
        """Tidy table: layer, t, unit, quantity, value (as ``Trace.to_frame``)."""
        return tidy_frame(self.layers, lambda lt: lt.FRAME_FIELDS)


@dataclass(frozen=True)
class RNNLayerGradients:
    """∂Loss/∂ each RNN quantity: dh (T, H) total, dpre["h"] (T, H), dx (T, I_k), dh0 (H,)."""

    dh: np.ndarray
    dpre: MappingProxyType
    dx: np.ndarray
    dh0: np.ndarray
    params: CellParams
    FRAME_FIELDS = ("dh_prev", "dh")

    @property
    def dh_prev(self) -> np.ndarray:
        return np.vstack([self.dh0, self.dh[:-1]])

    @property
    def T(self) -> int:
        return self.dh.shape[0]


@dataclass(frozen=True)
class GRULayerGradients:
    """∂Loss/∂ each GRU quantity, (T, H): dh (total), dr, dz, dn, dhn; dpre r, z, n; dx (T, I_k); dh0."""

    dh: np.ndarray
    dr: np.ndarray
    dz: np.ndarray
    dn: np.ndarray
    dhn: np.ndarray
    dpre: MappingProxyType
    dx: np.ndarray
    dh0: np.ndarray
    params: CellParams
    FRAME_FIELDS = ("dh_prev", "dr", "dz", "dhn", "dn", "dh")

    @property
    def dh_prev(self) -> np.ndarray:
        return np.vstack([self.dh0, self.dh[:-1]])

    @property
    def T(self) -> int:
        return self.dh.shape[0]


# ---------------------------------------------------------------- the networks


def _fmt(shape) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


class _CellNetwork(LayerStack):
    """A stack of RNN or GRU layers with the LSTM's API: random, from_weights, to_weights, run, backward.

    The object is immutable, like ``LSTM``; only the torch layout exists for these cells.
    """

    kind = ""
    LAYOUTS = ("torch",)

    def __init__(self, layers):
        self.layers = tuple(layers)

    @property
    def variant(self) -> str:
        return self.kind

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(input_size={self.input_size}, hidden_size={self.hidden_size}, "
            f"num_layers={self.num_layers})"
        )

    @classmethod
    def expected_shapes(cls, input_size: int, hidden_size: int, num_layers: int) -> dict[str, tuple]:
        G, H = len(GATES[cls.kind]), hidden_size
        spec = {}
        for k in range(num_layers):
            I = input_size if k == 0 else H  # noqa: E741
            spec |= {
                f"weight_ih_l{k}": (G * H, I),
                f"weight_hh_l{k}": (G * H, H),
                f"bias_ih_l{k}": (G * H,),
                f"bias_hh_l{k}": (G * H,),
            }
        return spec

    @classmethod
    def _check_kind(cls, variant: str | None) -> None:
        """``variant`` is accepted so that LSTM, GRU and RNN are built alike; it must name this cell."""
        if variant not in (None, cls.kind):
            raise ValueError(f"a {cls.__name__} runs the {cls.kind!r} cell, not variant {variant!r}")

    @classmethod
    def random(
        cls, input_size: int, hidden_size: int, num_layers: int = 1, seed: int = 0, scale=None, variant=None
    ):
        """Weights drawn uniformly from (-scale, scale), scale = 1/sqrt(H) by default as in PyTorch."""
        cls._check_kind(variant)
        check_sizes(input_size=input_size, hidden_size=hidden_size, num_layers=num_layers)
        spec = cls.expected_shapes(input_size, hidden_size, num_layers)
        return cls.from_weights(uniform_weights(spec, hidden_size, seed, scale))

    @classmethod
    def from_weights(cls, weights: dict[str, np.ndarray], layout: str = "torch", variant: str | None = None):
        """Read torch-layout weights; a ValueError names the key, the expected and the given shape."""
        cls._check_kind(variant)
        if layout != "torch":
            raise ValueError(f"layout {layout!r} cannot express a {cls.kind}; use 'torch'")
        if not isinstance(weights, dict):
            raise ValueError(f"weights must be a dict of arrays, got {type(weights).__name__}")
        w = {}
        for key, value in weights.items():
            a = np.asarray(value)
            if a.dtype.kind not in "biuf":
                raise ValueError(f"key {key!r}: expected an array of numbers, got {a.dtype} data")
            w[key] = a.astype(np.float64)
        if "weight_ih_l0" not in w or "weight_hh_l0" not in w:
            raise ValueError(f"missing key 'weight_ih_l0' or 'weight_hh_l0'; got keys {sorted(w)}")
        if w["weight_ih_l0"].ndim != 2 or w["weight_hh_l0"].ndim != 2:
            raise ValueError("keys 'weight_ih_l0' and 'weight_hh_l0' must be 2-D matrices")
        num_layers = 1
        while f"weight_ih_l{num_layers}" in w:
            num_layers += 1
        H, I = w["weight_hh_l0"].shape[1], w["weight_ih_l0"].shape[1]  # noqa: E741
        spec = cls.expected_shapes(I, H, num_layers)
        problems = [f"missing key {k!r} (expected shape {_fmt(s)})" for k, s in spec.items() if k not in w]
        problems += [f"unexpected key {k!r} with shape {_fmt(w[k].shape)}" for k in w if k not in spec]
        problems += [
            f"key {k!r}: expected shape {_fmt(s)}, got shape {_fmt(w[k].shape)}"
            for k, s in spec.items()
            if k in w and w[k].shape != s
        ]
        problems += [
            f"key {k!r} contains NaN or infinite values"
            for k, s in spec.items()
            if k in w and w[k].shape == s and not np.isfinite(w[k]).all()
        ]
        if problems:
            raise ValueError(f"weights do not fit the torch layout of a {cls.kind}: " + "; ".join(problems))
        return cls(
            tuple(
                CellParams(
                    cls.kind,
                    W_x=w[f"weight_ih_l{k}"].T.copy(),
                    W_h=w[f"weight_hh_l{k}"].T.copy(),
                    b_x=w[f"bias_ih_l{k}"].copy(),
                    b_h=w[f"bias_hh_l{k}"].copy(),
                )
                for k in range(num_layers)
            )
        )

    def to_weights(self, layout: str | None = None) -> dict[str, np.ndarray]:
        """The weights as a fresh dict in the torch layout (the only one these cells have)."""
        if (layout or "torch") != "torch":
            raise ValueError(f"layout {layout!r} cannot express a {self.kind}; use 'torch'")
        return _torch_dict(self.layers)

    def run(self, x: np.ndarray, h0: np.ndarray | None = None) -> CellTrace:
        """Run x (T, input_size) from h0 (num_layers, H), zeros by default; record every intermediate."""
        x, h0 = self._check_input(x), self._check_state(h0, "h0")
        layers, inp = [], x
        for k, P in enumerate(self.layers):
            cache = forward_layer(P, inp[:, None, :], h0[k][None, :])
            layers.append(self._layer_trace(cache))
            inp = layers[-1].h
        return CellTrace(kind=self.kind, x=read_only(x), layers=tuple(layers))

    def backward(self, trace: CellTrace, dh: np.ndarray, layout: str | None = None) -> Gradients:
        """Backpropagate dh (T, H) = ∂Loss/∂h_t of the top layer through ``trace``; a ``Gradients``
        mapping keyed like ``to_weights()`` with every layer's state gradients in ``.layers[k]``."""
        if trace.kind != self.kind or trace.num_layers != self.num_layers:
            raise ValueError(f"the trace ({trace.kind}, {trace.num_layers} layers) was not made by {self!r}")
        if (layout or "torch") != "torch":
            raise ValueError(f"layout {layout!r} cannot express a {self.kind}; use 'torch'")
        dH = check_dh(dh, trace.T, self.hidden_size)[:, None, :]
        out = [None] * self.num_layers
        for k in range(self.num_layers - 1, -1, -1):
            grads, states = backward_layer(self.layers[k], _cache_from_trace(trace.layers[k]), dH)
            dH = states["dx"]
            out[k] = self._layer_gradients(grads, states)
        weights = _torch_dict(tuple(lg.params for lg in out))
        return Gradients(weights, "torch", tuple(out), converter=lambda lay: self._convert(weights, lay))

    def _convert(self, weights, layout):
        if layout != "torch":
            raise ValueError(f"layout {layout!r} cannot express a {self.kind}; use 'torch'")
        return {k: v.copy() for k, v in weights.items()}


def _torch_dict(layers) -> dict[str, np.ndarray]:
    out = {}
    for k, P in enumerate(layers):
        out |= {
            f"weight_ih_l{k}": np.array(P.W_x.T),
            f"weight_hh_l{k}": np.array(P.W_h.T),
            f"bias_ih_l{k}": np.array(P.b_x),
            f"bias_hh_l{k}": np.array(P.b_h),
        }
    return out


def _cache_from_trace(lt) -> dict[str, np.ndarray]:
    """The forward cache rebuilt from a recorded layer, as a batch of one."""
    names = [f.name for f in fields(lt) if f.name != "pre"]
    return {name: getattr(lt, name)[:, None, :] for name in names}


class RNN(_CellNetwork):
    """A stack of plain tanh RNN layers (``torch.nn.RNN``)."""

    kind = "rnn"

    @staticmethod
    def _layer_trace(cache) -> RNNLayerTrace:
        return RNNLayerTrace(
            x=read_only(cache["x"][:, 0]),
            h_prev=read_only(cache["h_prev"][:, 0]),
            h=read_only(cache["h"][:, 0]),
            pre=MappingProxyType({"h": read_only(cache["a"][:, 0])}),
        )

    def _layer_gradients(self, grads, states) -> RNNLayerGradients:
        return RNNLayerGradients(
            dh=read_only(states["dh"][:, 0]),
            dpre=MappingProxyType({"h": read_only(states["da"][:, 0])}),
            dx=read_only(states["dx"][:, 0]),
            dh0=read_only(states["dh0"][0]),
            params=CellParams(self.kind, **grads),
        )


class GRU(_CellNetwork):
    """A stack of GRU layers (``torch.nn.GRU``)."""

    kind = "gru"

    @staticmethod
    def _layer_trace(cache) -> GRULayerTrace:
        one = {k: read_only(cache[k][:, 0]) for k in ("x", "h_prev", "r", "z", "n", "hn", "h")}
        pre = MappingProxyType({g: read_only(cache[f"a_{g}"][:, 0]) for g in ("r", "z", "n")})
        # h's two parts, which the kernel never forms (it computes h = z ⊙ (h_prev − n) + n)
        kept = read_only(one["z"] * one["h_prev"])
        written = read_only((1.0 - one["z"]) * one["n"])
        return GRULayerTrace(pre=pre, kept=kept, written=written, **one)

    def _layer_gradients(self, grads, states) -> GRULayerGradients:
        one = {k: read_only(states[k][:, 0]) for k in ("dh", "dr", "dz", "dn", "dhn", "dx")}
        dpre = MappingProxyType({g: read_only(states[f"da_{g}"][:, 0]) for g in ("r", "z", "n")})
        return GRULayerGradients(
            dpre=dpre, dh0=read_only(states["dh0"][0]), params=CellParams(self.kind, **grads), **one
        )
