"""The LSTM forward pass over a batch of sequences at once, for training (DESIGN.md §4: the numbers agree
with ``LSTM.run`` sequence by sequence; ``tests/core/test_train.py`` checks it).

Arrays are time-major: x is (T, B, I_k) and every state or gate is (T, B, H), so that step t is one
contiguous (B, H) block. The loops are the ones of ``cell.py`` with a batch axis added; like there, the
input half of every pre-activation is one matrix product for all steps before the loop.

``forward_layer`` returns a cache, a dict of what ``backward.backward_layer`` needs:
    x (T, B, I_k), h_prev, c_prev (T, B, H) the state each step started from,
    A (T, B, G*H) the gate activations stacked in ``GATE_ORDER[variant]`` (udacity: i f v n),
    u (T, B, H) tanh(c_t), or U_t for udacity, c, h (T, B, H), and for udacity kept = c_prev ⊙ f.
The variant-independent views i, f, g, o of the trace are made by ``gate_views``.
"""

from __future__ import annotations

import numpy as np

from .cell import GATE_ORDER, LayerParams, sigmoid


def forward_layer(P: LayerParams, x: np.ndarray, h0: np.ndarray, c0: np.ndarray) -> dict[str, np.ndarray]:
    """Run one layer over x (T, B, I_k) from h0, c0 (B, H); return the cache described above."""
    loop = {"standard": _standard, "no_forget": _no_forget, "peephole": _peephole, "udacity": _udacity}
    return loop[P.variant](P, x, np.asarray(h0, dtype=np.float64), np.asarray(c0, dtype=np.float64))


def gate_views(variant: str, A: np.ndarray) -> dict[str, np.ndarray]:
    """The blocks of stacked activations A (..., G*H) under the trace's names i, f, g, o (f absent for
    no_forget; for udacity g is N and o is V)."""
    order = GATE_ORDER[variant]
    H = A.shape[-1] // len(order)
    trace_name = {"n": "g", "v": "o"}
    return {trace_name.get(gate, gate): A[..., k * H : (k + 1) * H] for k, gate in enumerate(order)}


def _states(T: int, B: int, H: int, h0: np.ndarray, c0: np.ndarray):
    """Empty (T+1, B, H) arrays whose row 0 is the initial state: rows 0..T-1 are then h_prev/c_prev and
    rows 1..T are h/c, with no copy."""
    Hs, Cs = np.empty((T + 1, B, H)), np.empty((T + 1, B, H))
    Hs[0], Cs[0] = h0, c0
    return Hs, Cs


def _standard(P, x, h0, c0):
    T, B, H = x.shape[0], x.shape[1], P.hidden_size
    Z = x @ P.W_x + (P.b_x + P.b_h)  # (T, B, 4H), blocks i f o g; the recurrent part is added per step
    A = np.empty_like(Z)
    Hs, Cs = _states(T, B, H, h0, c0)
    U = np.empty((T, B, H))
    W_h = P.W_h
    for t in range(T):
        z = Z[t]
        z += Hs[t] @ W_h
        a = A[t]
        sigmoid(z[:, : 3 * H], out=a[:, : 3 * H])
        np.tanh(z[:, 3 * H :], out=a[:, 3 * H :])
        c = np.multiply(a[:, H : 2 * H], Cs[t], out=Cs[t + 1])  # f ⊙ c_{t-1}
        c += a[:, :H] * a[:, 3 * H :]  # + i ⊙ g
        np.multiply(a[:, 2 * H : 3 * H], np.tanh(c, out=U[t]), out=Hs[t + 1])  # h = o ⊙ tanh(c)
    return dict(x=x, h_prev=Hs[:-1], c_prev=Cs[:-1], A=A, u=U, c=Cs[1:], h=Hs[1:])


def _no_forget(P, x, h0, c0):
    T, B, H = x.shape[0], x.shape[1], P.hidden_size
    Z = x @ P.W_x + (P.b_x + P.b_h)  # blocks i o g
    A = np.empty_like(Z)
    Hs, Cs = _states(T, B, H, h0, c0)
    U = np.empty((T, B, H))
    W_h = P.W_h
    for t in range(T):
        z = Z[t]
        z += Hs[t] @ W_h
        a = A[t]
        sigmoid(z[:, : 2 * H], out=a[:, : 2 * H])
        np.tanh(z[:, 2 * H :], out=a[:, 2 * H :])
        c = np.add(Cs[t], a[:, :H] * a[:, 2 * H :], out=Cs[t + 1])  # c = c_{t-1} + i ⊙ g
        np.multiply(a[:, H : 2 * H], np.tanh(c, out=U[t]), out=Hs[t + 1])
    return dict(x=x, h_prev=Hs[:-1], c_prev=Cs[:-1], A=A, u=U, c=Cs[1:], h=Hs[1:])


def _peephole(P, x, h0, c0):
    T, B, H = x.shape[0], x.shape[1], P.hidden_size
    p_i, p_f, p_o = P.p
    Z = x @ P.W_x + (P.b_x + P.b_h)  # blocks i f o g, before the peephole terms
    A = np.empty_like(Z)
    Hs, Cs = _states(T, B, H, h0, c0)
    U = np.empty((T, B, H))
    W_h = P.W_h
    for t in range(T):
        z = Z[t]
        z += Hs[t] @ W_h
        a, c_prev = A[t], Cs[t]
        z[:, :H] += p_i * c_prev  # i and f peek at c_{t-1}
        z[:, H : 2 * H] += p_f * c_prev
        sigmoid(z[:, : 2 * H], out=a[:, : 2 * H])
        np.tanh(z[:, 3 * H :], out=a[:, 3 * H :])
        c = np.multiply(a[:, H : 2 * H], c_prev, out=Cs[t + 1])
        c += a[:, :H] * a[:, 3 * H :]
        z_o = z[:, 2 * H : 3 * H]
        z_o += p_o * c  # o peeks at the new c_t
        o = sigmoid(z_o, out=a[:, 2 * H : 3 * H])
        np.multiply(o, np.tanh(c, out=U[t]), out=Hs[t + 1])
    return dict(x=x, h_prev=Hs[:-1], c_prev=Cs[:-1], A=A, u=U, c=Cs[1:], h=Hs[1:])


def _udacity(P, x, h0, c0):
    T, B, H = x.shape[0], x.shape[1], P.hidden_size
    Z = x @ P.W_x + (P.b_x + P.b_h)  # W [STM_{t-1}, E_t] + b, blocks i f v n
    A = np.empty_like(Z)
    Hs, Cs = _states(T, B, H, h0, c0)
    U, kept = np.empty((T, B, H)), np.empty((T, B, H))
    W_h, W_u_T = P.W_h, P.W_u.T
    for t in range(T):
        z = Z[t]
        z += Hs[t] @ W_h
        a = A[t]
        sigmoid(z[:, : 3 * H], out=a[:, : 3 * H])
        np.tanh(z[:, 3 * H :], out=a[:, 3 * H :])
        k = np.multiply(Cs[t], a[:, H : 2 * H], out=kept[t])  # LTM_{t-1} ⊙ f_t
        np.add(k, a[:, 3 * H :] * a[:, :H], out=Cs[t + 1])  # LTM_t = kept + N_t ⊙ i_t
        z_u = k @ W_u_T
        z_u += P.b_u
        np.multiply(np.tanh(z_u, out=U[t]), a[:, 2 * H : 3 * H], out=Hs[t + 1])  # STM_t = U_t ⊙ V_t
    return dict(x=x, h_prev=Hs[:-1], c_prev=Cs[:-1], A=A, u=U, c=Cs[1:], h=Hs[1:], kept=kept)
