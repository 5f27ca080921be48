"""The forward pass of one layer, one loop per variant, written after the equations of docs/design.md §2.

Each loop runs a whole sequence through one layer and records every intermediate of every step,
writing straight into preallocated (T, H) buffers that become the trace (no copies afterwards). A step
costs one matrix product, [h_{t-1}, x_t, 1] @ [W_h; W_x; b], and one tanh over all gates (the sigmoid
gates' weights are pre-halved, see ``_recurrence``), then a handful of element-wise products.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import cells

VARIANTS = cells.lstm_variants()  # the LSTM cells of the cell table (lstm_core/cells/registry.py)


def check_variant(variant: str) -> str:
    """``variant`` if it is a registered LSTM cell; a ValueError that lists them otherwise."""
    if variant not in cells.lstm_variants():
        raise ValueError(f"unknown variant {variant!r}; choose one of {', '.join(cells.lstm_variants())}")
    return variant


def sigmoid(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """σ(z) = (1 + tanh(z/2)) / 2: the same function as 1/(1+e^-z), but it never overflows."""
    out = np.multiply(z, 0.5, out=out)
    np.tanh(out, out=out)
    out *= 0.5
    out += 0.5
    return out


class LayerSizes:
    """The sizes of one layer's weights, read off W_x (I_k, G*H) and W_h (H, G*H)."""

    @property
    def input_size(self) -> int:
        return self.W_x.shape[0]

    @property
    def hidden_size(self) -> int:
        return self.W_h.shape[0]


@dataclass(frozen=True)
class LayerParams(LayerSizes):
    """The weights of one layer, gates stacked in blocks of H columns in the order of the cell's
    ``CellSpec.gates`` (``lstm_core/cells``).

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
    def spec(self) -> cells.CellSpec:
        return cells.get(self.variant)

    def block(self, array: np.ndarray, gate: str) -> np.ndarray:
        """The H columns (or entries) of ``array`` that belong to ``gate`` (the cell's own letter)."""
        return self.spec.block(array, gate)


def run_layer(
    params: LayerParams, x: np.ndarray, h0: np.ndarray, c0: np.ndarray, clamp: dict[str, float] | None = None
) -> dict[str, np.ndarray]:
    """Run one layer over x (T, I_k) from h0, c0 (H,); return every intermediate as a (T, H) array.

    Keys: the names of ``trace.STEP_FIELDS`` (c_prev, h_prev, f, i, g, o, kept, written, c, u, v, h)
    and the gates' pre-activations as z_<gate>. The arrays are views into the loop's buffers.
    clamp: gate -> constant that replaces the gate's activation at every step (a what-if experiment);
    the pre-activations are still recorded as the weights compute them.
    """
    return LOOPS[params.variant](params, x, h0, c0, _clamp_slices(params, clamp or {}))


def _clamp_slices(P: LayerParams, clamp: dict[str, float]) -> list[tuple[slice, float]]:
    """Where each clamped gate (a trace name) sits in a row of stacked activations."""
    spec, out = P.spec, []
    for gate, value in clamp.items():
        if gate not in spec.clampable:
            if gate in spec.weighted or gate in spec.fixed:
                raise ValueError(f"the {P.variant} cell has no gate {gate!r} to clamp")
            raise ValueError(
                f"cannot clamp {gate!r}; only the gates {', '.join(spec.clampable)} can be clamped"
            )
        own = spec.own_name(gate)
        low = -1.0 if own == spec.tanh_gate else 0.0
        if not low <= value <= 1.0:
            raise ValueError(f"gate {gate!r} can only be clamped to a value in [{low:g}, 1], got {value!r}")
        k, H = spec.gates.index(own), P.hidden_size
        out.append((slice(k * H, (k + 1) * H), float(value)))
    return out


def _apply(row: np.ndarray, clamps: list[tuple[slice, float]]) -> None:
    for where, value in clamps:
        row[where] = value


def _recurrence(P: LayerParams, x: np.ndarray, h0: np.ndarray, c0: np.ndarray, n_extra: int):
    """The stacked input of every step and the stacked weights, shaped so one product gives z_t.

    R (T+1, H+I+1): row t is [h_{t-1}, x_t, 1]; the loop writes h_t into row t+1, so rows 0..T of
    R[:, :H] are h_0 (= h0), h_1 … h_T. W (H+I+1, G*H) is [W_h; W_x; b_x + b_h], so R[t] @ W = z_t.
    The sigmoid gates' blocks of W (all but the last, the tanh one) are halved: tanh(R[t] @ W) then
    holds tanh(z/2) for them, and σ(z) = ½ + ½·tanh(z/2) squashes all gates with one tanh call per step.
    Halving is exact in floating point, so doubling those columns of Z afterwards gives back z.
    Returns R, W, Z (T, G*H) and A (T, G*H) for the pre-activations and activations, c (T+1, H) with
    row 0 = c0 (the loop writes c_t into row t+1, so row t is c_{t-1} at step t), and ``n_extra`` more
    (T, H) buffers.
    """
    T, I, H = len(x), x.shape[1], P.hidden_size  # noqa: E741 (the symbol I)
    W = np.vstack([P.W_h, P.W_x, P.b_x + P.b_h])
    W[:, :-H] *= 0.5
    G_H = W.shape[1]
    R, Z, A, c, *extra = _buffers([(T + 1, H + I + 1), (T, G_H), (T, G_H), (T + 1, H)] + [(T, H)] * n_extra)
    R[0, :H] = h0
    c[0] = c0
    R[:T, H : H + I] = x
    R[:, H + I] = 1.0
    return R, W, Z, A, c, *extra


def _buffers(shapes: list[tuple[int, int]]) -> list[np.ndarray]:
    """Arrays of these shapes carved from one allocation.

    One block of several MB is backed by huge pages (numpy asks the kernel for them above 4 MB), where
    separate arrays would each take thousands of 4 KB page faults on every run.
    """
    flat = np.empty(sum(rows * cols for rows, cols in shapes))
    out, start = [], 0
    for rows, cols in shapes:
        out.append(flat[start : start + rows * cols].reshape(rows, cols))
        start += rows * cols
    return out


def _blocks(M: np.ndarray, H: int) -> list[np.ndarray]:
    """The (T, H) column blocks of a stacked (T, G*H) array, as views."""
    return [M[:, k * H : (k + 1) * H] for k in range(M.shape[1] // H)]


def _squash(a: np.ndarray) -> None:
    """tanh(z/2) → σ(z) in place."""
    a *= 0.5
    a += 0.5


def _record(P: LayerParams, Z, A, c, h, **fields) -> dict[str, np.ndarray]:
    """The loop's buffers under the keys of ``run_layer``: views, no copies.

    The gates get the trace's names (``CellSpec.trace_name``) and their pre-activations z_<gate>.
    """
    H = P.hidden_size
    Z[:, :-H] *= 2.0  # undo the halving: the recorded z is the one inside σ(·)
    out = dict(c_prev=c[:-1], c=c[1:], h_prev=h[:-1], h=h[1:], **fields)
    for key, a, z in zip(P.spec.weighted, _blocks(A, H), _blocks(Z, H), strict=True):
        out[key], out[f"z_{key}"] = a, z
    out["v"] = out["o"]
    return out


def _standard(P: LayerParams, x, h0, c0, clamps):
    T, H = len(x), P.hidden_size
    R, W, Z, A, c, kept, written, tanh_c = _recurrence(P, x, h0, c0, n_extra=3)
    i, f, o, g = _blocks(A, H)
    sig = A[:, :-H]
    h = R[:, :H]
    for t in range(T):
        np.tanh(np.dot(R[t], W, out=Z[t]), out=A[t])
        _squash(sig[t])
        if clamps:
            _apply(A[t], clamps)
        kept_t = np.multiply(f[t], c[t], out=kept[t])
        written_t = np.multiply(i[t], g[t], out=written[t])
        c_t = np.add(kept_t, written_t, out=c[t + 1])  # c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
        np.multiply(o[t], np.tanh(c_t, out=tanh_c[t]), out=h[t + 1])  # h_t = o_t ⊙ tanh(c_t)
    return _record(P, Z, A, c, h, u=tanh_c, kept=kept, written=written)


def _no_forget(P: LayerParams, x, h0, c0, clamps):
    T, H = len(x), P.hidden_size
    R, W, Z, A, c, written, tanh_c = _recurrence(P, x, h0, c0, n_extra=2)
    i, o, g = _blocks(A, H)
    sig = A[:, :-H]
    h = R[:, :H]
    for t in range(T):
        np.tanh(np.dot(R[t], W, out=Z[t]), out=A[t])
        _squash(sig[t])
        if clamps:
            _apply(A[t], clamps)
        written_t = np.multiply(i[t], g[t], out=written[t])
        c_t = np.add(c[t], written_t, out=c[t + 1])  # c_t = c_{t-1} + i_t ⊙ g_t: nothing is ever forgotten
        np.multiply(o[t], np.tanh(c_t, out=tanh_c[t]), out=h[t + 1])
    return _record(P, Z, A, c, h, f=np.ones((T, H)), u=tanh_c, kept=c[:-1], written=written)


def _peephole(P: LayerParams, x, h0, c0, clamps):
    T, H = len(x), P.hidden_size
    R, W, Z, A, c, kept, written, tanh_c = _recurrence(P, x, h0, c0, n_extra=3)
    p_i, p_f, p_o = 0.5 * P.p  # halved like the sigmoid gates' weights
    i, f, o, g = _blocks(A, H)
    z_i, z_f, z_o, z_g = _blocks(Z, H)
    h = R[:, :H]
    for t in range(T):
        np.dot(R[t], W, out=Z[t])
        z_i[t] += p_i * c[t]  # the input and forget gates peek at c_{t-1}
        z_f[t] += p_f * c[t]
        np.tanh(Z[t], out=A[t])  # o is finished below, once c_t is known
        _squash(A[t, : 2 * H])
        if clamps:
            _apply(A[t], clamps)
        kept_t = np.multiply(f[t], c[t], out=kept[t])
        written_t = np.multiply(i[t], g[t], out=written[t])
        c_t = np.add(kept_t, written_t, out=c[t + 1])
        z_o[t] += p_o * c_t  # the output gate peeks at the new c_t
        _squash(np.tanh(z_o[t], out=o[t]))
        if clamps:
            _apply(A[t], clamps)
        np.multiply(o[t], np.tanh(c_t, out=tanh_c[t]), out=h[t + 1])
    return _record(P, Z, A, c, h, u=tanh_c, kept=kept, written=written)


def _udacity(P: LayerParams, x, h0, c0, clamps):
    T, H = len(x), P.hidden_size
    # R[t] @ W = W [STM_{t-1}, E_t] + b, blocks i f v n
    R, W, Z, A, ltm, kept, written, z_u, U = _recurrence(P, x, h0, c0, n_extra=4)
    i, f, v, n = _blocks(A, H)
    sig = A[:, :-H]
    stm = R[:, :H]
    W_u_T = P.W_u.T
    for t in range(T):
        np.tanh(np.dot(R[t], W, out=Z[t]), out=A[t])
        _squash(sig[t])
        if clamps:
            _apply(A[t], clamps)
        kept_t = np.multiply(ltm[t], f[t], out=kept[t])  # forget gate output LTM_{t-1} ⊙ f_t
        written_t = np.multiply(n[t], i[t], out=written[t])
        np.add(kept_t, written_t, out=ltm[t + 1])  # remember gate: LTM_t = LTM_{t-1} ⊙ f_t + N_t ⊙ i_t
        np.add(kept_t @ W_u_T, P.b_u, out=z_u[t])  # the use gate reads the *forgotten-into* old LTM
        np.multiply(np.tanh(z_u[t], out=U[t]), v[t], out=stm[t + 1])  # STM_t = U_t ⊙ V_t
    return _record(P, Z, A, ltm, stm, u=U, kept=kept, written=written, z_u=z_u)


# The fast loop of each LSTM cell; a cell's readable step is its module's ``step`` (lstm_core/cells).
LOOPS = {"standard": _standard, "no_forget": _no_forget, "peephole": _peephole, "udacity": _udacity}
