"""The forward pass of one layer, one loop per variant, written after the equations of DESIGN.md §2.

Each loop runs a whole sequence through one layer and records every intermediate of every step.
The input half of every pre-activation (W_x x_t + b) is computed for all steps in one matrix product
before the loop, because it does not depend on the recurrence; only W_h h_{t-1} is left per step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

VARIANTS = ("standard", "udacity", "no_forget", "peephole")

# Gate blocks of the stacked weight matrices, sigmoid gates first so one call squashes them all.
GATE_ORDER = {
    "standard": ("i", "f", "o", "g"),
    "no_forget": ("i", "o", "g"),
    "peephole": ("i", "f", "o", "g"),
    "udacity": ("i", "f", "v", "n"),
}


def check_variant(variant: str) -> str:
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; choose one of {', '.join(VARIANTS)}")
    return variant


def sigmoid(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """σ(z) = (1 + tanh(z/2)) / 2: the same function as 1/(1+e^-z), but it never overflows."""
    out = np.multiply(z, 0.5, out=out)
    np.tanh(out, out=out)
    out *= 0.5
    out += 0.5
    return out


@dataclass(frozen=True)
class LayerParams:
    """The weights of one layer, gates stacked in blocks of H columns in ``GATE_ORDER[variant]``.

    W_x: (I_k, G*H) input weights, acting as x_t @ W_x.
    W_h: (H, G*H) recurrent weights, acting as h_{t-1} @ W_h.
    b_x, b_h: (G*H,) biases; the cell adds both (PyTorch keeps two, other layouts keep b_h = 0).
    p: (3, H) peepholes p_i, p_f, p_o (peephole only).
    W_u: (H, H), b_u: (H,) the Udacity use gate U_t = tanh(W_u (LTM_{t-1} ⊙ f_t) + b_u) (udacity only).
    """

    variant: str
    W_x: np.ndarray
    W_h: np.ndarray
    b_x: np.ndarray
    b_h: np.ndarray
    p: np.ndarray | None = None
    W_u: np.ndarray | None = None
    b_u: np.ndarray | None = None

    @property
    def input_size(self) -> int:
        return self.W_x.shape[0]

    @property
    def hidden_size(self) -> int:
        return self.W_h.shape[0]

    def block(self, array: np.ndarray, gate: str) -> np.ndarray:
        """The H columns (or entries) of ``array`` that belong to ``gate``."""
        k, H = GATE_ORDER[self.variant].index(gate), self.hidden_size
        return array[..., k * H : (k + 1) * H]


CLAMPABLE = ("i", "f", "g", "o")


def run_layer(
    params: LayerParams, x: np.ndarray, h0: np.ndarray, c0: np.ndarray, clamp: dict[str, float] | None = None
) -> dict[str, np.ndarray]:
    """Run one layer over x (T, I_k) from h0, c0 (H,); return every intermediate as a (T, H) array.

    Keys: f, i, g, o, u, v, c, h, and the gates' pre-activations as z_<gate>.
    clamp: gate -> constant that replaces the gate's activation at every step (a what-if experiment);
    the pre-activations are still recorded as the weights compute them.
    """
    loop = {"standard": _standard, "no_forget": _no_forget, "peephole": _peephole, "udacity": _udacity}
    return loop[params.variant](params, x, h0, c0, _clamp_slices(params, clamp or {}))


def _clamp_slices(P: LayerParams, clamp: dict[str, float]) -> list[tuple[slice, float]]:
    """Where each clamped gate sits in a row of stacked activations (udacity: g is N, o is V)."""
    own_name = {"g": "n", "o": "v"} if P.variant == "udacity" else {}
    out = []
    for gate, value in clamp.items():
        if gate not in CLAMPABLE:
            raise ValueError(f"cannot clamp {gate!r}; only the gates {', '.join(CLAMPABLE)} can be clamped")
        name = own_name.get(gate, gate)
        if name not in GATE_ORDER[P.variant]:
            raise ValueError(f"the {P.variant} cell has no gate {gate!r} to clamp")
        low = -1.0 if gate == "g" else 0.0
        if not low <= value <= 1.0:
            raise ValueError(f"gate {gate!r} can only be clamped to a value in [{low:g}, 1], got {value!r}")
        k, H = GATE_ORDER[P.variant].index(name), P.hidden_size
        out.append((slice(k * H, (k + 1) * H), float(value)))
    return out


def _apply(row: np.ndarray, clamps: list[tuple[slice, float]]) -> None:
    for where, value in clamps:
        row[where] = value


def _input_part(params: LayerParams, x: np.ndarray) -> np.ndarray:
    """W_x x_t + b for every t at once: (T, G*H)."""
    return x @ params.W_x + (params.b_x + params.b_h)


def _standard(P: LayerParams, x, h0, c0, clamps):
    T, H = len(x), P.hidden_size
    Z = _input_part(P, x)  # becomes the full pre-activation z_t = W_x x_t + W_h h_{t-1} + b, blocks i f o g
    A = np.empty_like(Z)  # the activations σ(z_i), σ(z_f), σ(z_o), tanh(z_g)
    C, tanh_C, Hs = np.empty((T, H)), np.empty((T, H)), np.empty((T, H))
    h_prev, c_prev = h0, c0
    for t in range(T):
        z = Z[t]
        z += h_prev @ P.W_h
        sigmoid(z[: 3 * H], out=A[t, : 3 * H])
        np.tanh(z[3 * H :], out=A[t, 3 * H :])
        _apply(A[t], clamps)
        i, f, o, g = A[t, :H], A[t, H : 2 * H], A[t, 2 * H : 3 * H], A[t, 3 * H :]
        c = np.multiply(f, c_prev, out=C[t])
        c += i * g  # c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
        h = np.multiply(o, np.tanh(c, out=tanh_C[t]), out=Hs[t])  # h_t = o_t ⊙ tanh(c_t)
        h_prev, c_prev = h, c
    i, f, o, g = (A[:, k * H : (k + 1) * H] for k in range(4))
    zi, zf, zo, zg = (Z[:, k * H : (k + 1) * H] for k in range(4))
    return dict(i=i, f=f, g=g, o=o, u=tanh_C, v=o, c=C, h=Hs, z_i=zi, z_f=zf, z_g=zg, z_o=zo)


def _no_forget(P: LayerParams, x, h0, c0, clamps):
    T, H = len(x), P.hidden_size
    Z = _input_part(P, x)  # blocks i o g
    A = np.empty_like(Z)
    C, tanh_C, Hs = np.empty((T, H)), np.empty((T, H)), np.empty((T, H))
    h_prev, c_prev = h0, c0
    for t in range(T):
        z = Z[t]
        z += h_prev @ P.W_h
        sigmoid(z[: 2 * H], out=A[t, : 2 * H])
        np.tanh(z[2 * H :], out=A[t, 2 * H :])
        _apply(A[t], clamps)
        i, o, g = A[t, :H], A[t, H : 2 * H], A[t, 2 * H :]
        c = np.add(c_prev, i * g, out=C[t])  # c_t = c_{t-1} + i_t ⊙ g_t: nothing is ever forgotten
        h = np.multiply(o, np.tanh(c, out=tanh_C[t]), out=Hs[t])
        h_prev, c_prev = h, c
    i, o, g = (A[:, k * H : (k + 1) * H] for k in range(3))
    zi, zo, zg = (Z[:, k * H : (k + 1) * H] for k in range(3))
    return dict(i=i, f=np.ones((T, H)), g=g, o=o, u=tanh_C, v=o, c=C, h=Hs, z_i=zi, z_g=zg, z_o=zo)


def _peephole(P: LayerParams, x, h0, c0, clamps):
    T, H = len(x), P.hidden_size
    p_i, p_f, p_o = P.p
    Z = _input_part(P, x)  # blocks i f o g, before the peephole terms
    A = np.empty_like(Z)
    C, tanh_C, Hs = np.empty((T, H)), np.empty((T, H)), np.empty((T, H))
    h_prev, c_prev = h0, c0
    for t in range(T):
        z = Z[t]
        z += h_prev @ P.W_h
        z_i, z_f, z_o, z_g = z[:H], z[H : 2 * H], z[2 * H : 3 * H], z[3 * H :]
        z_i += p_i * c_prev  # the input and forget gates peek at c_{t-1}
        z_f += p_f * c_prev
        sigmoid(z[: 2 * H], out=A[t, : 2 * H])
        i, f = A[t, :H], A[t, H : 2 * H]
        g = np.tanh(z_g, out=A[t, 3 * H :])
        _apply(A[t], clamps)  # o is clamped too, then overwritten below unless clamped again
        c = np.multiply(f, c_prev, out=C[t])
        c += i * g
        z_o += p_o * c  # the output gate peeks at the new c_t
        o = sigmoid(z_o, out=A[t, 2 * H : 3 * H])
        _apply(A[t], clamps)
        h = np.multiply(o, np.tanh(c, out=tanh_C[t]), out=Hs[t])
        h_prev, c_prev = h, c
    i, f, o, g = (A[:, k * H : (k + 1) * H] for k in range(4))
    zi, zf, zo, zg = (Z[:, k * H : (k + 1) * H] for k in range(4))
    return dict(i=i, f=f, g=g, o=o, u=tanh_C, v=o, c=C, h=Hs, z_i=zi, z_f=zf, z_g=zg, z_o=zo)


def _udacity(P: LayerParams, x, h0, c0, clamps):
    T, H = len(x), P.hidden_size
    Z = _input_part(P, x)  # W [STM_{t-1}, E_t] + b, blocks i f v n
    A = np.empty_like(Z)
    C, Z_u, U, STM = np.empty((T, H)), np.empty((T, H)), np.empty((T, H)), np.empty((T, H))
    W_u_T = P.W_u.T
    stm_prev, ltm_prev = h0, c0
    for t in range(T):
        z = Z[t]
        z += stm_prev @ P.W_h
        sigmoid(z[: 3 * H], out=A[t, : 3 * H])
        np.tanh(z[3 * H :], out=A[t, 3 * H :])
        _apply(A[t], clamps)
        i, f, v, n = A[t, :H], A[t, H : 2 * H], A[t, 2 * H : 3 * H], A[t, 3 * H :]
        kept = ltm_prev * f  # forget gate output LTM_{t-1} ⊙ f_t
        ltm = np.add(kept, n * i, out=C[t])  # remember gate: LTM_t = LTM_{t-1} ⊙ f_t + N_t ⊙ i_t
        z_u = np.add(kept @ W_u_T, P.b_u, out=Z_u[t])  # the use gate reads the *forgotten-into* old LTM
        stm = np.multiply(np.tanh(z_u, out=U[t]), v, out=STM[t])  # STM_t = U_t ⊙ V_t
        stm_prev, ltm_prev = stm, ltm
    i, f, v, n = (A[:, k * H : (k + 1) * H] for k in range(4))
    zi, zf, zv, zn = (Z[:, k * H : (k + 1) * H] for k in range(4))
    return dict(i=i, f=f, g=n, o=v, u=U, v=v, c=C, h=STM, z_i=zi, z_f=zf, z_g=zn, z_o=zv, z_u=Z_u)
