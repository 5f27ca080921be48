"""Weight layouts (DESIGN.md §3): how a layer's weights are named and shaped outside the core.

Every layout is read into the core's stacked ``LayerParams`` and written back from it by slicing and
transposing only, so ``to_weights(layout)`` after ``from_weights(w, layout)`` gives the same numbers.
"""

from __future__ import annotations

import re

import numpy as np

from .cell import GATE_ORDER, LayerParams, check_variant

LAYOUTS = ("torch", "keras", "seed", "udacity")
LAYOUTS_OF_VARIANT = {
    "standard": ("torch", "keras", "seed"),
    "no_forget": ("seed",),
    "peephole": ("seed",),
    "udacity": ("udacity",),
}
DEFAULT_LAYOUT = {"standard": "torch", "no_forget": "seed", "peephole": "seed", "udacity": "udacity"}

# Gate order of the stacked matrices in the torch and keras layouts (keras calls g "c").
_STACKED_ORDER = ("i", "f", "g", "o")
_LAYER_SUFFIX = re.compile(r"^(.+)_l(\d+)$")


def check_layout(layout: str, variant: str) -> str:
    """``layout`` if it can hold ``variant``; a ValueError that says which layouts can, otherwise."""
    check_variant(variant)
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; choose one of {', '.join(LAYOUTS)}")
    if layout not in LAYOUTS_OF_VARIANT[variant]:
        raise ValueError(
            f"layout {layout!r} cannot express variant {variant!r}; "
            f"use {' or '.join(repr(x) for x in LAYOUTS_OF_VARIANT[variant])}"
        )
    return layout


def expected_shapes(layout: str, variant: str, input_size: int, hidden_size: int, num_layers: int):
    """{key: shape} of a complete weight set."""
    check_layout(layout, variant)
    H, spec = hidden_size, {}
    for k in range(num_layers):
        I = input_size if k == 0 else hidden_size  # noqa: E741 (the paper's symbol)
        spec.update({f"{name}_l{k}": shape for name, shape in _layer_shapes(layout, variant, I, H).items()})
    return spec


def _layer_shapes(layout, variant, I, H):  # noqa: E741
    """{name: shape} of one layer; I and H may be the strings "I", "H" for messages about a symbolic shape."""
    G = len(GATE_ORDER[variant])
    symbolic = isinstance(H, str)
    GH = f"{G}H" if symbolic else G * H
    HI = "H+I" if symbolic else H + I
    if layout == "torch":
        return {"weight_ih": (GH, I), "weight_hh": (GH, H), "bias_ih": (GH,), "bias_hh": (GH,)}
    if layout == "keras":
        return {"kernel": (I, GH), "recurrent_kernel": (H, GH), "bias": (GH,)}
    if layout == "udacity":
        shapes = {f"W_{g}": (H, HI) for g in ("n", "i", "f", "v")} | {"W_u": (H, H)}
        return shapes | {f"b_{g}": (H,) for g in ("n", "i", "f", "v", "u")}
    gates = [g for g in ("i", "f", "o", "g") if g in GATE_ORDER[variant]]
    shapes = {f"W_x{g}": (I, H) for g in gates} | {f"W_h{g}": (H, H) for g in gates}
    shapes |= {f"b_{g}": (H,) for g in gates}
    return shapes | ({f"p_{g}": (H,) for g in ("i", "f", "o")} if variant == "peephole" else {})


# The layer-0 key whose shape tells the input size I, and along which axis.
_INPUT_KEYS = {"torch": ("weight_ih", 1), "keras": ("kernel", 0), "seed": ("W_xi", 0), "udacity": ("W_n", 1)}


def _input_key(layout: str) -> str:
    return _INPUT_KEYS[layout][0] + "_l0"


def _sizes(layout: str, variant: str, w: dict[str, np.ndarray]) -> tuple[int, int]:
    """(I, H) of a weight set. H is the size most keys of layer 0 agree on, so that one misshapen key
    is reported as the culprit instead of making every other key look wrong."""
    G = len(GATE_ORDER[variant])
    shapes = {k[:-3]: w[k].shape for k in w if k.endswith("_l0")}
    votes = {
        "torch": [
            ("weight_hh", 1, 1),
            ("weight_hh", 0, G),
            ("weight_ih", 0, G),
            ("bias_ih", 0, G),
            ("bias_hh", 0, G),
        ],
        "keras": [("recurrent_kernel", 0, 1), ("recurrent_kernel", 1, G), ("kernel", 1, G), ("bias", 0, G)],
        "seed": [(k, 0, 1) for k in shapes if k[:2] in ("W_", "b_", "p_")],
        "udacity": [(k, 0, 1) for k in shapes if k.startswith(("W_", "b_"))],
    }[layout]
    guesses = [shapes[k][axis] // per for k, axis, per in votes if len(shapes.get(k, ())) > axis]
    H = max(set(guesses), key=guesses.count, default=0)
    i_key, axis = {
        "torch": ("weight_ih", 1),
        "keras": ("kernel", 0),
        "seed": ("W_xi", 0),
        "udacity": ("W_n", 1),
    }[layout]
    shape = shapes[i_key]
    if len(shape) != 2:
        raise ValueError(f"key {i_key + '_l0'!r}: expected a 2-D matrix, got shape {_fmt(shape)}")
    I = shape[axis] - (H if layout == "udacity" else 0)  # noqa: E741
    if H < 1 or I < 1:
        expected = _layer_shapes(layout, variant, "I", "H")[i_key]
        raise ValueError(
            f"key {i_key + '_l0'!r}: expected shape {_fmt(expected)}, got shape {_fmt(shape)}, "
            f"which gives hidden size {H} and input size {I}; both must be at least 1"
        )
    return I, H


def _fmt(shape) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def as_float_arrays(weights) -> dict[str, np.ndarray]:
    """Every value as a float64 array; a ValueError names a key whose value is not numeric."""
    if not isinstance(weights, dict):
        raise ValueError(f"weights must be a dict of arrays, got {type(weights).__name__}")
    out = {}
    for key, value in weights.items():
        if not isinstance(key, str):
            raise ValueError(f"weight names must be strings, got {key!r}")
        try:
            a = np.asarray(value)
            if a.dtype.kind not in "biuf":
                raise TypeError
            out[key] = a.astype(np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"key {key!r}: expected an array of numbers, got {_describe(value)}") from None
    return out


def _describe(value) -> str:
    try:
        a = np.asarray(value)
        return f"{a.dtype} data of shape {a.shape}" if a.dtype != object else "mixed or nested data"
    except (TypeError, ValueError):
        return "ragged or nested data"


def validate(weights, layout: str, variant: str) -> tuple[dict[str, np.ndarray], int, int, int]:
    """Check a weight set completely; return (float64 arrays, input_size, hidden_size, num_layers).

    Raises ValueError listing every problem: each names the key, the expected shape and the shape given.
    """
    check_layout(layout, variant)
    w = as_float_arrays(weights)
    num_layers = _num_layers(w)
    template = expected_shapes(layout, variant, "I", "H", num_layers)
    sizes = _sizes(layout, variant, w) if _input_key(layout) in w else None
    if sizes:  # the messages can give numbers instead of symbols
        template = expected_shapes(layout, variant, *sizes, num_layers)
    missing = [k for k in template if k not in w]
    if missing:
        problems = [f"missing key {k!r} (expected shape {_fmt(template[k])})" for k in missing]
        raise ValueError(_problems(layout, variant, problems))
    spec = template
    problems = [
        f"unexpected key {k!r} with shape {_fmt(a.shape)} (the expected keys are {_key_list(spec)})"
        for k, a in w.items()
        if k not in spec
    ]
    problems += [
        f"key {k!r}: expected shape {_fmt(shape)}, got shape {_fmt(w[k].shape)}"
        for k, shape in spec.items()
        if w[k].shape != shape
    ]
    problems += [
        f"key {k!r} (shape {_fmt(w[k].shape)}, expected {_fmt(shape)}) contains NaN or infinite values"
        for k, shape in spec.items()
        if w[k].shape == shape and not np.isfinite(w[k]).all()
    ]
    if problems:
        raise ValueError(_problems(layout, variant, problems))
    return w, *sizes, num_layers


def _num_layers(w) -> int:
    """1 + the highest layer suffix among the keys ("_l2" -> 3)."""
    return max((int(m.group(2)) for m in map(_LAYER_SUFFIX.match, w) if m), default=0) + 1


def sizes(weights, layout: str, variant: str) -> tuple[int, int, int] | None:
    """(input_size, hidden_size, num_layers) that a weight set claims, from layer 0's shapes and the
    highest layer suffix, before anything else is checked; None when layer 0's input key is missing.

    Lets an app refuse a network that is too big by its size, instead of by a list of missing keys or
    of arrays too large to hold.
    """
    check_layout(layout, variant)
    w = as_float_arrays(weights)
    if _input_key(layout) not in w:
        return None
    return *_sizes(layout, variant, w), _num_layers(w)


def _key_list(spec) -> str:
    keys = list(spec)
    return ", ".join(keys[:12]) + (f" … ({len(keys)} keys)" if len(keys) > 12 else "")


def _problems(layout, variant, problems) -> str:
    head = f"weights do not fit layout {layout!r} for variant {variant!r}: "
    shown = problems[:8] + ([f"… and {len(problems) - 8} more"] if len(problems) > 8 else [])
    return head + "; ".join(shown)


def detect(weights) -> tuple[str, str]:
    """Guess (layout, variant) from the key names alone; ValueError when nothing fits."""
    keys = set(weights)
    if "weight_ih_l0" in keys or "weight_hh_l0" in keys:
        return "torch", "standard"
    if "kernel_l0" in keys or "recurrent_kernel_l0" in keys:
        return "keras", "standard"
    if "W_u_l0" in keys or "W_n_l0" in keys:
        return "udacity", "udacity"
    if "W_xi_l0" in keys or "W_hi_l0" in keys:
        if "p_i_l0" in keys:
            return "seed", "peephole"
        return "seed", ("standard" if "W_xf_l0" in keys else "no_forget")
    sample = ", ".join(sorted(keys)[:6]) or "no keys at all"
    raise ValueError(
        "cannot tell the layout from the key names "
        f"({sample}); expected e.g. weight_ih_l0 (torch), kernel_l0 (keras), W_xi_l0 (seed) "
        "or W_n_l0 (udacity)"
    )


# ---------------------------------------------------------------- reading a layout into LayerParams


def to_params(
    w: dict[str, np.ndarray], layout: str, variant: str, num_layers: int
) -> tuple[LayerParams, ...]:
    """Stacked per-layer parameters from a validated weight set."""
    read = {"torch": _from_torch, "keras": _from_keras, "seed": _from_seed, "udacity": _from_udacity}[layout]
    return tuple(
        read({k[: -len(f"_l{n}")]: v for k, v in w.items() if k.endswith(f"_l{n}")}, variant)
        for n in range(num_layers)
    )


def _reorder(stacked: np.ndarray, order_in, order_out) -> np.ndarray:
    """Permute the gate blocks of the last axis from ``order_in`` to ``order_out``."""
    H = stacked.shape[-1] // len(order_in)
    return np.concatenate(
        [stacked[..., order_in.index(g) * H : (order_in.index(g) + 1) * H] for g in order_out], axis=-1
    )


def _from_torch(w, variant):
    order = GATE_ORDER[variant]
    return LayerParams(
        variant,
        W_x=_reorder(w["weight_ih"].T, _STACKED_ORDER, order),
        W_h=_reorder(w["weight_hh"].T, _STACKED_ORDER, order),
        b_x=_reorder(w["bias_ih"], _STACKED_ORDER, order),
        b_h=_reorder(w["bias_hh"], _STACKED_ORDER, order),
    )


def _from_keras(w, variant):
    order = GATE_ORDER[variant]
    b = _reorder(w["bias"], _STACKED_ORDER, order)
    return LayerParams(
        variant,
        W_x=_reorder(w["kernel"], _STACKED_ORDER, order),
        W_h=_reorder(w["recurrent_kernel"], _STACKED_ORDER, order),
        b_x=b,
        b_h=np.zeros_like(b),
    )


def _from_seed(w, variant):
    order = GATE_ORDER[variant]
    b = np.concatenate([w[f"b_{g}"] for g in order])
    return LayerParams(
        variant,
        W_x=np.concatenate([w[f"W_x{g}"] for g in order], axis=1),
        W_h=np.concatenate([w[f"W_h{g}"] for g in order], axis=1),
        b_x=b,
        b_h=np.zeros_like(b),
        p=np.stack([w["p_i"], w["p_f"], w["p_o"]]) if variant == "peephole" else None,
    )


def _from_udacity(w, variant):
    order = GATE_ORDER[variant]  # i f v n; each W_* acts on [STM_{t-1}, E_t], STM first
    H = w["W_u"].shape[0]
    b = np.concatenate([w[f"b_{g}"] for g in order])
    return LayerParams(
        variant,
        W_x=np.concatenate([w[f"W_{g}"][:, H:].T for g in order], axis=1),
        W_h=np.concatenate([w[f"W_{g}"][:, :H].T for g in order], axis=1),
        b_x=b,
        b_h=np.zeros_like(b),
        W_u=w["W_u"],
        b_u=w["b_u"],
    )


# ---------------------------------------------------------------- writing LayerParams into a layout


def from_params(layers: tuple[LayerParams, ...], layout: str) -> dict[str, np.ndarray]:
    """The weight dict of ``layout`` for a stack of layers (fresh arrays, safe to modify)."""
    check_layout(layout, layers[0].variant)
    write = {"torch": _to_torch, "keras": _to_keras, "seed": _to_seed, "udacity": _to_udacity}[layout]
    return {
        f"{name}_l{k}": np.array(a, dtype=np.float64)
        for k, P in enumerate(layers)
        for name, a in write(P).items()
    }


def _to_torch(P):
    order = GATE_ORDER[P.variant]
    return {
        "weight_ih": _reorder(P.W_x, order, _STACKED_ORDER).T,
        "weight_hh": _reorder(P.W_h, order, _STACKED_ORDER).T,
        "bias_ih": _reorder(P.b_x, order, _STACKED_ORDER),
        "bias_hh": _reorder(P.b_h, order, _STACKED_ORDER),
    }


def _to_keras(P):
    order = GATE_ORDER[P.variant]
    return {
        "kernel": _reorder(P.W_x, order, _STACKED_ORDER),
        "recurrent_kernel": _reorder(P.W_h, order, _STACKED_ORDER),
        "bias": _reorder(P.b_x + P.b_h, order, _STACKED_ORDER),
    }


def _to_seed(P):
    out = {}
    for g in GATE_ORDER[P.variant]:
        out |= {
            f"W_x{g}": P.block(P.W_x, g),
            f"W_h{g}": P.block(P.W_h, g),
            f"b_{g}": P.block(P.b_x + P.b_h, g),
        }
    if P.variant == "peephole":
        out |= {"p_i": P.p[0], "p_f": P.p[1], "p_o": P.p[2]}
    return out


def _to_udacity(P):
    out = {}
    for g in GATE_ORDER[P.variant]:
        out |= {
            f"W_{g}": np.hstack([P.block(P.W_h, g).T, P.block(P.W_x, g).T]),
            f"b_{g}": P.block(P.b_x + P.b_h, g),
        }
    return out | {"W_u": P.W_u, "b_u": P.b_u}
