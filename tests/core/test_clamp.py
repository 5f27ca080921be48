"""Clamping a gate (a what-if experiment) in every variant: the gate is the constant at every step and the
rest of the step still follows the equations with that constant in it."""

import numpy as np
import pytest

from lstm_core import LSTM

GATES = {
    "standard": ("i", "f", "g", "o"),
    "peephole": ("i", "f", "g", "o"),
    "udacity": ("i", "f", "g", "o"),
    "no_forget": ("i", "g", "o"),
}
CASES = [(v, gate) for v, gates in GATES.items() for gate in gates]


@pytest.mark.parametrize(("variant", "gate"), CASES)
def test_clamped_gate_is_the_constant_and_the_step_equations_hold(variant, gate):
    net = LSTM.random(2, 5, num_layers=2, variant=variant, seed=3)
    x = np.random.default_rng(1).standard_normal((9, 2))
    value = -0.25 if gate == "g" else 0.3
    trace = net.run(x, clamp={gate: value})
    for lt in trace.layers:
        np.testing.assert_array_equal(getattr(lt, gate), value)
        np.testing.assert_allclose(lt.c, lt.f * lt.c_prev + lt.i * lt.g, rtol=0, atol=1e-15)
        np.testing.assert_allclose(lt.h, lt.u * lt.v, rtol=0, atol=1e-15)
        np.testing.assert_array_equal(lt.c_prev[1:], lt.c[:-1])
        np.testing.assert_array_equal(lt.h_prev[1:], lt.h[:-1])


@pytest.mark.parametrize("variant", list(GATES))
def test_the_pre_activation_is_recorded_even_when_the_gate_is_clamped(variant):
    net = LSTM.random(2, 4, variant=variant, seed=0)
    x = np.random.default_rng(2).standard_normal((6, 2))
    free, clamped = net.run(x), net.run(x, clamp={"i": 0.0})
    # step 0 starts from the same state, so the input gate's pre-activation cannot differ there
    np.testing.assert_array_equal(free.layers[0].pre["i"][0], clamped.layers[0].pre["i"][0])
    assert not np.allclose(free.h, clamped.h)
