"""The float32 training path (``Model.astype(np.float32)``) against the float64 reference: the same weights
and data give the same losses and gradients to float32 precision, one step and several, and the trained
float32 weights, read back through the float64 ``LSTM.run``, give the float32 forward pass's numbers."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_core.losses import cross_entropy
from lstm_core.text import new_char_model, one_hot, train_chars

ALPHABET = "abcdef \n()'\"_="
K = len(ALPHABET)


def text_codes(n: int = 4000, seed: int = 0) -> np.ndarray:
    # a stream with structure (repeated words) so training moves the weights in a definite direction
    rng = np.random.default_rng(seed)
    words = ["abc", "def(a)", "'ee'", "f_a=b", "\n"]
    text = " ".join(words[k] for k in rng.integers(0, len(words), n // 4))[:n]
    return np.array([ALPHABET.index(ch) for ch in text])


def rel(a, b) -> float:
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


@pytest.mark.parametrize("layers", [1, 2])
def test_one_step_loss_and_gradient_agree_with_float64(layers):
    m64 = new_char_model(ALPHABET, 24, layers, seed=3)
    m32 = m64.astype(np.float32)
    assert m32.theta.dtype == np.float32 and m64.theta.dtype == np.float64
    codes = text_codes()[: 8 * 31].reshape(8, 31)
    results = []
    for m in (m64, m32):
        out, cache = m.forward(one_hot(codes[:, :-1], K), h0=np.full((layers, 8, 24), 0.1))
        loss, dout = cross_entropy(out, codes[:, 1:])
        grad = m.backward(cache, dout).copy()
        assert out.dtype == grad.dtype == m.dtype  # no float64 upcast on the fast path
        assert all(r["h"].dtype == m.dtype for r in cache["layers"])
        results.append((loss, grad, out))
    (l64, g64, o64), (l32, g32, o32) = results
    assert abs(l32 - l64) / l64 < 1e-6
    assert rel(g32, g64) < 1e-5
    assert rel(o32, o64) < 1e-6
    assert rel(g64, np.zeros_like(g64) + g64.mean()) > 0.5  # a real gradient, not a constant


def test_a_few_adam_steps_with_clipping_agree_with_float64():
    codes = text_codes()
    m64 = new_char_model(ALPHABET, 24, 1, seed=1)
    m32 = m64.astype(np.float32)
    # clip=0.1 so that clipping is active: the first gradient's norm is 0.27
    r64 = train_chars(m64, codes, steps=5, seq_len=30, batch_size=8, lr=3e-3, clip=0.1)
    r32 = train_chars(m32, codes, steps=5, seq_len=30, batch_size=8, lr=3e-3, clip=0.1)
    np.testing.assert_allclose(r32.bits, r64.bits, rtol=1e-5)
    assert r64.bits[-1] < r64.bits[0]  # it learned something, so the weights moved
    moved = m64.theta - new_char_model(ALPHABET, 24, 1, seed=1).theta
    assert rel(m32.theta - new_char_model(ALPHABET, 24, 1, seed=1).theta, moved) < 2e-5
    assert rel(m32.theta, m64.theta) < 1e-5


def test_trained_float32_weights_read_back_in_float64_match_the_float32_forward_pass():
    codes = text_codes()
    m32 = new_char_model(ALPHABET, 24, 2, seed=2).astype(np.float32)
    train_chars(m32, codes, steps=20, seq_len=30, batch_size=8, lr=5e-3)
    net = m32.network()
    assert net.layers[0].W_h.dtype == np.float64
    x = one_hot(codes[:200], K)
    trace = net.run(x)  # the readable float64 reference
    out32, cache = m32.forward(x[None].astype(np.float32))
    for lt, rec in zip(trace.layers, cache["layers"], strict=True):
        for q in ("c", "h"):
            np.testing.assert_allclose(rec[q][:, 0], getattr(lt, q), rtol=1e-4, atol=2e-6)
    logits = np.asarray(trace.layers[-1].h) @ m32.W_y.astype(np.float64) + m32.b_y
    np.testing.assert_allclose(out32[0], logits, rtol=1e-4, atol=1e-5)


def test_dtype_other_than_float32_or_float64_is_refused():
    with pytest.raises(ValueError, match="float32 or float64"):
        new_char_model(ALPHABET, 4).astype(np.float16)
