"""The LSTM forward pass over a batch of sequences at once, for training (docs/design.md §4: the numbers agree
with ``LSTM.run`` sequence by sequence, to rounding; ``tests/core/test_train.py`` checks it).

Arrays are time-major: x is (T, B, I_k) and every state or gate is (T, B, H), so that step t is one
contiguous (B, H) block. The loops are the ones of ``cell.py`` with a batch axis added; like there, the
input half of every pre-activation is one matrix product for all steps before the loop.

Speed: on small blocks the transcendental functions dominate, and NumPy's float64 ``exp`` is about 2.5×
faster than its ``tanh``. So the gates are squashed with one ``exp`` per step: the weights are stored
pre-multiplied by −1 (sigmoid blocks) or −2 (the candidate block), which is exact in floating point, so
the loop computes e = exp(−z), σ(z) = 1/(1 + e) and tanh(z_g) = 2σ(2 z_g) − 1 directly. The results
differ from ``run``'s by rounding only (≈ 1e-16).

``forward_layer`` returns a cache, a dict of what ``backward.backward_layer`` needs:
    x (T, B, I_k), h_prev, c_prev (T, B, H) the state each step started from,
    A (T, B, G*H) the gate activations stacked in the cell's ``CellSpec.gates`` (udacity: i f v n),
    u (T, B, H) tanh(c_t), or U_t for udacity, c, h (T, B, H), and for udacity kept = c_prev ⊙ f.
"""

from __future__ import annotations

import numpy as np

from .cell import LayerParams


def forward_layer(P: LayerParams, x: np.ndarray, h0: np.ndarray, c0: np.ndarray) -> dict[str, np.ndarray]:
    """Run one layer over x (T, B, I_k) from h0, c0 (B, H); return the cache described above."""
    with np.errstate(over="ignore"):  # exp(−z) = inf for z ≪ 0 gives σ = 1/(1 + inf) = 0, as it should
        dtype = P.W_h.dtype  # float64, or float32 for the fast training path: no upcasts inside the loop
        return LOOPS[P.variant](P, x.astype(dtype, copy=False), np.asarray(h0, dtype), np.asarray(c0, dtype))


def _negated(P: LayerParams, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(−s ⊙ (x W_x + b) for all steps (T, B, G*H), −s ⊙ W_h), s = 1 on sigmoid blocks, 2 on the last
    (tanh) block: exp of these is exp(−z) or exp(−2 z) with no extra multiply inside the loop."""
    H = P.hidden_size
    s = np.full(P.W_h.shape[1], -1.0, dtype=P.W_h.dtype)
    s[-H:] = -2.0
    W_x, W_h, b = P.W_x * s, P.W_h * s, (P.b_x + P.b_h) * s
    T, B = x.shape[0], x.shape[1]
    Z = np.dot(x.reshape(T * B, -1), W_x).reshape(T, B, -1)  # one product; a 3-d matmul loops over t
    Z += b  # in place: half the time of x @ W_x + b at T=100, B=32, H=128
    return Z, W_h


def _squash(z: np.ndarray, a: np.ndarray, H: int) -> None:
    """a = σ(z) on the sigmoid blocks and tanh on the last block, from z = −s ⊙ pre-activation."""
    _sigmoid_of_negated(z, a)
    g = a[:, -H:]
    g *= 2.0  # tanh(z) = 2σ(2z) − 1
    g -= 1.0


def _states(T: int, B: int, H: int, h0: np.ndarray, c0: np.ndarray):
    """Empty (T+1, B, H) arrays whose row 0 is the initial state: rows 0..T-1 are then h_prev/c_prev and
    rows 1..T are h/c, with no copy."""
    Hs, Cs = np.empty((T + 1, B, H), h0.dtype), np.empty((T + 1, B, H), h0.dtype)
    Hs[0], Cs[0] = h0, c0
    return Hs, Cs


def _standard(P, x, h0, c0):
    T, B, H = x.shape[0], x.shape[1], P.hidden_size
    Z, W_h = _negated(P, x)  # blocks i f o g; the recurrent part is added per step
    A = np.empty_like(Z)
    Hs, Cs = _states(T, B, H, h0, c0)
    U = np.empty((T, B, H), x.dtype)
    for t in range(T):
        z, a = Z[t], A[t]
        z += np.dot(Hs[t], W_h)
        _squash(z, a, H)
        c = np.multiply(a[:, H : 2 * H], Cs[t], out=Cs[t + 1])  # f ⊙ c_{t-1}
        c += a[:, :H] * a[:, 3 * H :]  # + i ⊙ g
        np.multiply(a[:, 2 * H : 3 * H], np.tanh(c, out=U[t]), out=Hs[t + 1])  # h = o ⊙ tanh(c)
    return dict(x=x, h_prev=Hs[:-1], c_prev=Cs[:-1], A=A, u=U, c=Cs[1:], h=Hs[1:])


def _no_forget(P, x, h0, c0):
    T, B, H = x.shape[0], x.shape[1], P.hidden_size
    Z, W_h = _negated(P, x)  # blocks i o g
    A = np.empty_like(Z)
    Hs, Cs = _states(T, B, H, h0, c0)
    U = np.empty((T, B, H), x.dtype)
    for t in range(T):
        z, a = Z[t], A[t]
        z += np.dot(Hs[t], W_h)
        _squash(z, a, H)
        c = np.add(Cs[t], a[:, :H] * a[:, 2 * H :], out=Cs[t + 1])  # c = c_{t-1} + i ⊙ g
        np.multiply(a[:, H : 2 * H], np.tanh(c, out=U[t]), out=Hs[t + 1])
    return dict(x=x, h_prev=Hs[:-1], c_prev=Cs[:-1], A=A, u=U, c=Cs[1:], h=Hs[1:])


def _peephole(P, x, h0, c0):
    T, B, H = x.shape[0], x.shape[1], P.hidden_size
    neg_p_i, neg_p_f, neg_p_o = -P.p  # the peephole terms join the negated pre-activations
    Z, W_h = _negated(P, x)  # blocks i f o g, before the peephole terms
    A = np.empty_like(Z)
    Hs, Cs = _states(T, B, H, h0, c0)
    U = np.empty((T, B, H), x.dtype)
    for t in range(T):
        z, a, c_prev = Z[t], A[t], Cs[t]
        z += np.dot(Hs[t], W_h)
        z[:, :H] += neg_p_i * c_prev  # i and f peek at c_{t-1}
        z[:, H : 2 * H] += neg_p_f * c_prev
        _sigmoid_of_negated(z[:, : 2 * H], a[:, : 2 * H])
        g = _sigmoid_of_negated(z[:, 3 * H :], a[:, 3 * H :])
        g *= 2.0
        g -= 1.0
        c = np.multiply(a[:, H : 2 * H], c_prev, out=Cs[t + 1])
        c += a[:, :H] * g
        z_o = z[:, 2 * H : 3 * H]
        z_o += neg_p_o * c  # o peeks at the new c_t
        o = _sigmoid_of_negated(z_o, a[:, 2 * H : 3 * H])
        np.multiply(o, np.tanh(c, out=U[t]), out=Hs[t + 1])
    return dict(x=x, h_prev=Hs[:-1], c_prev=Cs[:-1], A=A, u=U, c=Cs[1:], h=Hs[1:])


def _sigmoid_of_negated(neg_z: np.ndarray, out: np.ndarray) -> np.ndarray:
    """out = σ(z) = 1/(1 + exp(−z)) from −z (overwritten)."""
    np.exp(neg_z, out=neg_z)
    neg_z += 1.0
    return np.divide(1.0, neg_z, out=out)


def _udacity(P, x, h0, c0):
    T, B, H = x.shape[0], x.shape[1], P.hidden_size
    Z, W_h = _negated(P, x)  # W [STM_{t-1}, E_t] + b, blocks i f v n
    A = np.empty_like(Z)
    Hs, Cs = _states(T, B, H, h0, c0)
    U, kept = np.empty((T, B, H), x.dtype), np.empty((T, B, H), x.dtype)
    W_u_T = P.W_u.T
    for t in range(T):
        z, a = Z[t], A[t]
        z += np.dot(Hs[t], W_h)
        _squash(z, a, H)
        k = np.multiply(Cs[t], a[:, H : 2 * H], out=kept[t])  # LTM_{t-1} ⊙ f_t
        np.add(k, a[:, 3 * H :] * a[:, :H], out=Cs[t + 1])  # LTM_t = kept + N_t ⊙ i_t
        z_u = np.dot(k, W_u_T)
        z_u += P.b_u
        np.multiply(np.tanh(z_u, out=U[t]), a[:, 2 * H : 3 * H], out=Hs[t + 1])  # STM_t = U_t ⊙ V_t
    return dict(x=x, h_prev=Hs[:-1], c_prev=Cs[:-1], A=A, u=U, c=Cs[1:], h=Hs[1:], kept=kept)


# The batched fast loop of each LSTM cell (the same equations as cell.py's, with a batch axis).
LOOPS = {"standard": _standard, "no_forget": _no_forget, "peephole": _peephole, "udacity": _udacity}


def run_batch(net, x: np.ndarray, h0: np.ndarray | None = None, c0: np.ndarray | None = None) -> list[dict]:
    """Run an ``LSTM`` over a batch x (B, T, I) from h0, c0 (num_layers, H) or (num_layers, B, H), zeros
    by default. Returns per layer a dict of batch-major (B, T, ·) arrays under the trace's names:
    x, h_prev, c_prev, i, f, g, o, u, c, h (f is all ones for no_forget; udacity: g is N, o is V)."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 3 or x.shape[2] != net.input_size:
        raise ValueError(f"x must have shape (B, T, {net.input_size}), got shape {x.shape}")
    B, L, H = x.shape[0], net.num_layers, net.hidden_size
    h0, c0 = initial_state(h0, L, B, H, "h0"), initial_state(c0, L, B, H, "c0")
    out, inp = [], np.ascontiguousarray(x.transpose(1, 0, 2))
    for k, P in enumerate(net.layers):
        cache = forward_layer(P, inp, h0[k], c0[k])
        spec = P.spec
        layer = {spec.trace_name(gate): a for gate, a in spec.split(cache["A"]).items()}
        layer |= {key: np.full_like(cache["h"], value) for key, value in spec.fixed.items()}  # f ≡ 1
        layer |= {name: cache[name] for name in ("x", "h_prev", "c_prev", "u", "c", "h")}
        out.append({name: a.transpose(1, 0, 2) for name, a in layer.items()})
        inp = cache["h"]
    return out


def initial_state(s, L: int, B: int, H: int, label: str = "state", dtype=np.float64) -> np.ndarray:
    """An initial state as (L, B, H): None gives zeros; (L, H) is shared by every sequence."""
    if s is None:
        return np.zeros((L, B, H), dtype)
    s = np.asarray(s, dtype=dtype)
    if s.shape == (L, H):
        return np.broadcast_to(s[:, None, :], (L, B, H))
    if s.shape != (L, B, H):
        raise ValueError(f"{label} must have shape {(L, H)} or {(L, B, H)}, got shape {s.shape}")
    return s
