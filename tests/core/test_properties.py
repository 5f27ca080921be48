"""Property tests of the Trace contract (docs/design.md §4) over every variant, with hypothesis."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstm_core import LSTM
from tests.core.helpers import (
    CORE_VARIANTS,
    FIELDS,
    GATE_FIELDS,
    NATURAL_LAYOUT,
    TANH_FIELDS,
    random_input,
    random_state,
)

ROOT = Path(__file__).resolve().parents[2]
TOL = 1e-12

SETTINGS = settings(max_examples=30, deadline=None, derandomize=True)


@st.composite
def cases(draw, variants=CORE_VARIANTS, min_steps=1):
    return {
        "variant": draw(st.sampled_from(variants)),
        "input_size": draw(st.integers(1, 4)),
        "hidden_size": draw(st.integers(1, 5)),
        "num_layers": draw(st.integers(1, 3)),
        "steps": draw(st.integers(min_steps, 12)),
        "seed": draw(st.integers(0, 2**31 - 1)),
        "with_state": draw(st.booleans()),
        "x_scale": draw(st.sampled_from([0.1, 1.0, 3.0])),
    }


def _build(case):
    net = LSTM.random(
        input_size=case["input_size"],
        hidden_size=case["hidden_size"],
        num_layers=case["num_layers"],
        variant=case["variant"],
        seed=case["seed"],
    )
    x = random_input(case["steps"], case["input_size"], case["seed"] + 1, case["x_scale"])
    if case["with_state"]:
        h0, c0 = random_state(case["num_layers"], case["hidden_size"], case["seed"] + 2)
    else:
        h0 = c0 = None
    return net, x, h0, c0


def _state_arrays(case, h0, c0):
    shape = (case["num_layers"], case["hidden_size"])
    return (np.zeros(shape) if h0 is None else h0), (np.zeros(shape) if c0 is None else c0)


@SETTINGS
@given(cases())
def test_gate_ranges_and_shapes(case):
    net, x, h0, c0 = _build(case)
    trace = net.run(x, h0=h0, c0=c0)
    shape = (case["steps"], case["hidden_size"])
    assert len(trace.layers) == case["num_layers"]
    for k, layer in enumerate(trace.layers):
        for name in FIELDS:
            arr = np.asarray(getattr(layer, name))
            assert arr.shape == shape, f"layer {k} {name}: {arr.shape} != {shape}"
            assert arr.dtype == np.float64, f"layer {k} {name}: {arr.dtype}"
            assert np.all(np.isfinite(arr)), f"layer {k} {name} not finite"
        for name in GATE_FIELDS:
            arr = getattr(layer, name)
            assert np.all((arr >= 0.0) & (arr <= 1.0)), f"layer {k} {name} outside [0, 1]"
        for name in TANH_FIELDS:
            arr = getattr(layer, name)
            assert np.all((arr >= -1.0) & (arr <= 1.0)), f"layer {k} {name} outside [-1, 1]"
        assert np.all(np.abs(layer.h) <= 1.0)
    np.testing.assert_array_equal(trace.h, trace.layers[-1].h)
    np.testing.assert_array_equal(trace.c, trace.layers[-1].c)
    assert np.asarray(trace.h).shape == shape and np.asarray(trace.c).shape == shape


@SETTINGS
@given(cases())
def test_step_records_equal_rows_and_state_chains(case):
    net, x, h0, c0 = _build(case)
    trace = net.run(x, h0=h0, c0=c0)
    h0a, c0a = _state_arrays(case, h0, c0)
    for k, layer in enumerate(trace.layers):
        np.testing.assert_array_equal(layer.c_prev[0], c0a[k])
        np.testing.assert_array_equal(layer.h_prev[0], h0a[k])
        np.testing.assert_array_equal(layer.c_prev[1:], layer.c[:-1])
        np.testing.assert_array_equal(layer.h_prev[1:], layer.h[:-1])
        for t in range(case["steps"]):
            record = layer.step(t)
            for name in FIELDS:
                np.testing.assert_array_equal(
                    np.asarray(getattr(record, name)), np.asarray(getattr(layer, name))[t], err_msg=name
                )


def test_step_record_is_frozen():
    trace = LSTM.random(input_size=2, hidden_size=3, num_layers=1, variant="standard", seed=0).run(
        random_input(4, 2, 1)
    )
    record = trace.layers[0].step(2)
    with pytest.raises((AttributeError, TypeError)):
        record.h = np.zeros(3)
    np.testing.assert_array_equal(record.h, trace.layers[0].h[2])


@SETTINGS
@given(cases(min_steps=2), st.data())
def test_two_halves_equal_one_run(case, data):
    net, x, h0, c0 = _build(case)
    split = data.draw(st.integers(1, case["steps"] - 1), label="split")
    full = net.run(x, h0=h0, c0=c0)
    first = net.run(x[:split], h0=h0, c0=c0)
    h_mid = np.stack([layer.h[-1] for layer in first.layers])
    c_mid = np.stack([layer.c[-1] for layer in first.layers])
    second = net.run(x[split:], h0=h_mid, c0=c_mid)
    for k in range(case["num_layers"]):
        for name in FIELDS:
            joined = np.concatenate([getattr(first.layers[k], name), getattr(second.layers[k], name)])
            np.testing.assert_allclose(
                joined, getattr(full.layers[k], name), rtol=0, atol=TOL, err_msg=f"layer {k} {name}"
            )


@SETTINGS
@given(cases(variants=("no_forget",)))
def test_no_forget_f_is_one_and_c_grows_at_most_one_per_step(case):
    case = dict(case, with_state=False)  # c0 = 0
    net, x, h0, c0 = _build(case)
    trace = net.run(x)
    bound = np.arange(1, case["steps"] + 1, dtype=float)[:, None]  # step index t -> t + 1
    for layer in trace.layers:
        assert np.array_equal(layer.f, np.ones_like(layer.f))
        assert np.all(np.abs(layer.c) <= bound + 1e-12)
        np.testing.assert_allclose(layer.c - layer.c_prev, layer.i * layer.g, rtol=0, atol=TOL)


@SETTINGS
@given(cases())
def test_runs_depend_only_on_weights_and_input(case):
    net, x, h0, c0 = _build(case)
    first = net.run(x, h0=h0, c0=c0)
    # something else in between: another net, another input, the same net with other input
    LSTM.random(input_size=2, hidden_size=2, num_layers=1, variant="udacity", seed=1).run(np.ones((3, 2)))
    net.run(x[::-1] * 2.0)
    x_copy = x.copy()
    h0_copy = None if h0 is None else h0.copy()
    c0_copy = None if c0 is None else c0.copy()
    second = net.run(x_copy, h0=h0_copy, c0=c0_copy)
    layout = NATURAL_LAYOUT[case["variant"]]
    clone = LSTM.from_weights(net.to_weights(layout), layout=layout, variant=case["variant"])
    third = clone.run(x, h0=h0, c0=c0)
    for k in range(case["num_layers"]):
        for name in FIELDS:
            a = getattr(first.layers[k], name)
            np.testing.assert_array_equal(a, getattr(second.layers[k], name), err_msg=name)
            np.testing.assert_allclose(a, getattr(third.layers[k], name), rtol=0, atol=TOL, err_msg=name)
    # run() must not modify its arguments
    np.testing.assert_array_equal(x, x_copy)
    if h0 is not None:
        np.testing.assert_array_equal(h0, h0_copy)
        np.testing.assert_array_equal(c0, c0_copy)


def test_run_leaves_the_callers_arrays_alone():
    """run() must not freeze, modify or alias the arrays it is given."""
    net = LSTM.random(input_size=2, hidden_size=3, num_layers=2, variant="standard", seed=0)
    x = random_input(5, 2, 1)
    h0, c0 = random_state(2, 3, 2)
    trace = net.run(x, h0=h0, c0=c0)
    assert x.flags.writeable and h0.flags.writeable and c0.flags.writeable
    before = {name: np.array(getattr(trace.layers[0], name)) for name in FIELDS}
    x[:] = 7.0
    h0[:] = 0.5
    c0[:] = -3.0
    for name in FIELDS:
        np.testing.assert_array_equal(getattr(trace.layers[0], name), before[name], err_msg=name)


@pytest.mark.parametrize("variant", CORE_VARIANTS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_extreme_weights_and_inputs_stay_finite_without_warnings(variant, seed):
    layout = NATURAL_LAYOUT[variant]
    base = LSTM.random(input_size=3, hidden_size=4, num_layers=2, variant=variant, seed=seed)
    weights = {k: v * 1e6 for k, v in base.to_weights(layout).items()}
    x = random_input(12, 3, seed + 1, scale=1e6)
    h0, c0 = random_state(2, 4, seed + 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        net = LSTM.from_weights(weights, layout=layout, variant=variant)
        traces = [net.run(x), net.run(x, h0=h0, c0=c0 * 1e6), net.run(-x)]
    for trace in traces:
        for k, layer in enumerate(trace.layers):
            for name in FIELDS:
                assert np.all(np.isfinite(getattr(layer, name))), f"layer {k} {name}"
            for name in GATE_FIELDS:
                arr = getattr(layer, name)
                assert np.all((arr >= 0.0) & (arr <= 1.0)), f"layer {k} {name}"
            for name in TANH_FIELDS:
                arr = getattr(layer, name)
                assert np.all((arr >= -1.0) & (arr <= 1.0)), f"layer {k} {name}"
    # the gates really saturate (so the test exercised the extremes)
    gates = np.concatenate([traces[0].layers[0].i.ravel(), traces[0].layers[0].o.ravel()])
    assert np.mean((gates < 1e-12) | (gates > 1 - 1e-12)) > 0.5


@SETTINGS
@given(cases())
def test_to_frame_is_tidy_and_matches_the_arrays(case):
    net, x, h0, c0 = _build(case)
    trace = net.run(x, h0=h0, c0=c0)
    frame = trace.to_frame()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == ["layer", "t", "unit", "quantity", "value"]
    assert not frame.duplicated(["layer", "t", "unit", "quantity"]).any()
    quantities = set(frame["quantity"].unique())
    assert {"f", "i", "g", "o", "c", "h"} <= quantities, quantities
    assert set(frame["layer"].unique()) == set(range(case["num_layers"]))
    assert set(frame["t"].unique()) == set(range(case["steps"]))
    assert set(frame["unit"].unique()) == set(range(case["hidden_size"]))
    assert len(frame) == len(quantities) * case["num_layers"] * case["steps"] * case["hidden_size"]
    for k, layer in enumerate(trace.layers):
        for quantity in quantities:
            assert hasattr(layer, quantity), f"frame quantity {quantity!r} is not a trace field"
            part = frame[(frame["layer"] == k) & (frame["quantity"] == quantity)]
            table = part.pivot(index="t", columns="unit", values="value").sort_index().sort_index(axis=1)
            np.testing.assert_array_equal(table.to_numpy(), getattr(layer, quantity), err_msg=quantity)


def test_importing_the_core_never_imports_streamlit_plotly_or_the_ui():
    code = (
        "import importlib, pkgutil, sys\n"
        "import lstm_core\n"
        "for m in pkgutil.walk_packages(lstm_core.__path__, 'lstm_core.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('streamlit', 'plotly', 'ui'))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "[]"


def test_the_core_writes_no_page_markup_outside_the_cells_equations():
    """Labels, colours and sentences live in ui/ (ui/notation.py, ui/claims/); the core's only markup is
    each cell's equations in its spec (lstm_core/cells/), which Cell anatomy shows."""
    tags = ("<sub>", "<sup>", "<b>", "<br>", "<i>", "<span")
    found = [
        f"{path.relative_to(ROOT)}: {tag}"
        for path in sorted((ROOT / "lstm_core").rglob("*.py"))
        if path.parent.name != "cells"
        for tag in tags
        if tag in path.read_text(encoding="utf-8")
    ]
    assert found == []
    assert not (ROOT / "lstm_core" / "notation.py").exists()
    assert (ROOT / "ui" / "notation.py").exists() and (ROOT / "ui" / "claims" / "__init__.py").exists()
