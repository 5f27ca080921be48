"""Small helpers shared by the core tests, written from docs/design.md §2-§4 (not from the code)."""

from __future__ import annotations

import numpy as np

# The four variants of docs/design.md §2 and the layouts each can express (docs/design.md §3).
CORE_VARIANTS = ("standard", "udacity", "no_forget", "peephole")
LAYOUTS_BY_VARIANT = {
    "standard": ("torch", "keras", "seed"),
    "no_forget": ("seed",),
    "peephole": ("seed",),
    "udacity": ("udacity",),
}
ALL_LAYOUTS = ("torch", "keras", "seed", "udacity")
NATURAL_LAYOUT = {
    "standard": "torch",
    "no_forget": "seed",
    "peephole": "seed",
    "udacity": "udacity",
}
# Every per-layer trace field of docs/design.md §4 (every variant has all of them).
FIELDS = ("f", "i", "g", "o", "c", "h", "n", "u", "v", "c_prev", "h_prev")
GATE_FIELDS = ("f", "i", "o", "v")  # sigmoid outputs, in [0, 1]
TANH_FIELDS = ("g", "n", "u")  # tanh outputs, in [-1, 1]


def sigmoid(z):
    """The logistic function written out longhand."""
    return 1.0 / (1.0 + np.exp(-z))


def seed_gates(variant: str) -> tuple[str, ...]:
    """Gate letters that have W_x*/W_h*/b_* keys in the seed layout."""
    return ("i", "o", "g") if variant == "no_forget" else ("i", "f", "o", "g")


def layout_shapes(
    layout: str, variant: str, input_size: int, hidden_size: int, num_layers: int
) -> dict[str, tuple[int, ...]]:
    """Every key and its shape for a layout, straight from the docs/design.md §3 table."""
    hs = hidden_size
    out: dict[str, tuple[int, ...]] = {}
    for k in range(num_layers):
        ik = input_size if k == 0 else hs
        if layout == "torch":
            out[f"weight_ih_l{k}"] = (4 * hs, ik)
            out[f"weight_hh_l{k}"] = (4 * hs, hs)
            out[f"bias_ih_l{k}"] = (4 * hs,)
            out[f"bias_hh_l{k}"] = (4 * hs,)
        elif layout == "keras":
            out[f"kernel_l{k}"] = (ik, 4 * hs)
            out[f"recurrent_kernel_l{k}"] = (hs, 4 * hs)
            out[f"bias_l{k}"] = (4 * hs,)
        elif layout == "seed":
            for gate in seed_gates(variant):
                out[f"W_x{gate}_l{k}"] = (ik, hs)
                out[f"W_h{gate}_l{k}"] = (hs, hs)
                out[f"b_{gate}_l{k}"] = (hs,)
            if variant == "peephole":
                for p in ("p_i", "p_f", "p_o"):
                    out[f"{p}_l{k}"] = (hs,)
        elif layout == "udacity":
            for name in ("n", "i", "f", "v"):
                out[f"W_{name}_l{k}"] = (hs, hs + ik)
            out[f"W_u_l{k}"] = (hs, hs)
            for name in ("n", "i", "f", "v", "u"):
                out[f"b_{name}_l{k}"] = (hs,)
        else:  # pragma: no cover - test bug
            raise AssertionError(f"unknown layout {layout!r} in test helper")
    return out


def random_layout_weights(
    layout: str,
    variant: str,
    input_size: int,
    hidden_size: int,
    num_layers: int,
    seed: int = 0,
    scale: float = 0.5,
) -> dict[str, np.ndarray]:
    """Random float64 weights with exactly the keys and shapes of docs/design.md §3."""
    rng = np.random.default_rng(seed)
    shapes = layout_shapes(layout, variant, input_size, hidden_size, num_layers)
    return {key: scale * rng.standard_normal(shape) for key, shape in shapes.items()}


def num_layers_of(weights: dict, prefix: str) -> int:
    """Number of layers in a weight dict, counted from keys ``{prefix}_l{k}``."""
    n = 0
    while f"{prefix}_l{n}" in weights:
        n += 1
    assert n > 0, f"no key {prefix}_l0 in {sorted(weights)}"
    return n


def random_state(num_layers: int, hidden_size: int, seed: int, scale: float = 0.8):
    """Random (h0, c0), each (num_layers, H)."""
    rng = np.random.default_rng(seed)
    h0 = np.tanh(rng.standard_normal((num_layers, hidden_size)))
    c0 = scale * rng.standard_normal((num_layers, hidden_size))
    return h0, c0


def random_input(steps: int, input_size: int, seed: int, scale: float = 1.0) -> np.ndarray:
    return scale * np.random.default_rng(seed).standard_normal((steps, input_size))


def assert_layer_matches(layer_trace, reference: dict, atol: float, where: str = "") -> None:
    """Every array in ``reference`` equals the same-named field of ``layer_trace`` within atol."""
    for name, expected in reference.items():
        got = np.asarray(getattr(layer_trace, name))
        expected = np.asarray(expected)
        assert got.shape == expected.shape, (
            f"{where} field {name}: shape {got.shape}, expected {expected.shape}"
        )
        diff = float(np.max(np.abs(got - expected))) if expected.size else 0.0
        assert diff <= atol, f"{where} field {name}: max abs diff {diff:.3e} > {atol:.0e}"


def run_longhand(step_of_layer, x, num_layers, hidden, h0=None, c0=None):
    """Stack ``num_layers`` longhand layers over x (T, I); one dict of (T, H) arrays per layer.

    step_of_layer(k) returns layer k's step(x_t, h_prev, c_prev) -> {name: value} with at least "h"
    and "c"; the starting state of every step is recorded as c_prev and h_prev.
    """
    layers, layer_input = [], x
    for k in range(num_layers):
        step = step_of_layer(k)
        h = np.zeros(hidden) if h0 is None else h0[k]
        c = np.zeros(hidden) if c0 is None else c0[k]
        rec = {}
        for x_t in layer_input:
            values = step(x_t, h, c) | {"c_prev": c, "h_prev": h}
            for name, value in values.items():
                rec.setdefault(name, []).append(value)
            h, c = values["h"], values["c"]
        layers.append({name: np.array(vals) for name, vals in rec.items()})
        layer_input = layers[-1]["h"]
    return layers
