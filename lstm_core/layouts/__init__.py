"""Weight layouts (docs/design.md, "Weight layouts"): how a layer's weights are named and shaped outside
the core, one module per layout (torch, keras, seed, udacity, tf1, onnx) listed in ``registry``.

Every layout is read into the core's stacked ``LayerParams`` and written back from it by slicing and
transposing only, so ``to_weights(layout)`` after ``from_weights(w, layout)`` gives the same numbers. The
functions here work for any registered layout; nothing outside the layout's module knows its keys.
"""

from __future__ import annotations

import numpy as np

from .. import cells
from ..cell import LayerParams, check_variant
from .base import Layout, fmt
from .registry import REGISTRY

LAYOUTS = tuple(REGISTRY)
VARIANTS_OF_LAYOUT = {name: L.variants for name, L in REGISTRY.items()}
LAYOUTS_OF_VARIANT = {v: cells.get(v).layouts for v in cells.lstm_variants()}
DEFAULT_LAYOUT = {v: cells.get(v).default_layout for v in cells.lstm_variants()}

__all__ = [
    "DEFAULT_LAYOUT",
    "LAYOUTS",
    "LAYOUTS_OF_VARIANT",
    "Layout",
    "as_float_arrays",
    "check_layout",
    "detect",
    "expected_shapes",
    "from_params",
    "gate_map",
    "get",
    "sizes",
    "to_params",
    "validate",
]


def get(layout: str) -> Layout:
    """The registered ``Layout`` called ``layout``; a ValueError lists the known ones."""
    if layout not in REGISTRY:
        raise ValueError(f"unknown layout {layout!r}; choose one of {', '.join(LAYOUTS)}")
    return REGISTRY[layout]


def check_layout(layout: str, variant: str) -> str:
    """``layout`` if it can hold ``variant``; a ValueError that says which layouts can, otherwise."""
    check_variant(variant)
    if variant not in get(layout).variants:
        raise ValueError(
            f"layout {layout!r} cannot express variant {variant!r}; "
            f"use {' or '.join(repr(x) for x in LAYOUTS_OF_VARIANT[variant])}"
        )
    return layout


def gate_map(layout: str, kind: str, hidden_size: int) -> str:
    """Which block of the file's arrays became which gate, e.g. "ONNX rows of W, R, B 0–7 → i, 8–15 → o …".

    kind: an LSTM variant, or "gru" / "rnn".
    """
    return get(layout).gate_map(kind, hidden_size)


def expected_shapes(layout: str, variant: str, input_size, hidden_size, num_layers: int) -> dict[str, tuple]:
    """{key: shape} of a complete weight set (sizes may be the strings "I", "H" for messages)."""
    check_layout(layout, variant)
    L, spec = get(layout), {}
    for k in range(num_layers):
        I = input_size if k == 0 else hidden_size  # noqa: E741 (the paper's symbol)
        spec.update({L.key(name, k): shape for name, shape in L.shapes(variant, I, hidden_size).items()})
    return spec


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


def _canonical(w: dict[str, np.ndarray], L: Layout):
    """(arrays under the layout's own key names, {own key: the key as the file wrote it}, problems).

    Keys the layout cannot parse stay as they are (and are reported as unexpected); settings stay too.
    """
    out, original, problems = {}, {}, []
    for key, a in w.items():
        parsed = None if key in L.settings else L.parse(key)
        own = L.key(*parsed) if parsed else key
        if own in out:
            problems.append(f"keys {original[own]!r} and {key!r} are both {own!r}")
        out[own], original[own] = a, key
    return out, original, problems


def _num_layers(w: dict[str, np.ndarray], L: Layout) -> int:
    """1 + the highest layer number among the keys."""
    return max((p[1] for p in map(L.parse, w) if p), default=0) + 1


def _sizes(L: Layout, variant: str, w: dict[str, np.ndarray]) -> tuple[int, int]:
    """(I, H) of a weight set keyed as ``L.key`` writes them. H is the size most keys of layer 0 agree
    on, so that one misshapen key is reported as the culprit instead of making every other key look wrong."""
    shapes = {name: w[L.key(name, 0)].shape for name in L.shapes(variant, "I", "H") if L.key(name, 0) in w}
    guesses = [shapes[k][axis] // per for k, axis, per in L.votes(variant) if len(shapes.get(k, ())) > axis]
    H = max(set(guesses), key=guesses.count, default=0)
    name, axis, minus_H = L.input_key
    shape = shapes[name]
    expected = L.shapes(variant, "I", "H")[name]
    if len(shape) != len(expected):
        raise ValueError(
            f"key {L.key(name, 0)!r}: expected a {len(expected)}-D "
            f"{'matrix' if len(expected) == 2 else 'array'}, got shape {fmt(shape)}"
        )
    I = shape[axis] - (H if minus_H else 0)  # noqa: E741
    if H < 1 or I < 1:
        raise ValueError(
            f"key {L.key(name, 0)!r}: expected shape {fmt(expected)}, got shape {fmt(shape)}, "
            f"which gives hidden size {H} and input size {I}; both must be at least 1"
        )
    return I, H


def _settings(w: dict[str, np.ndarray], L: Layout) -> list[str]:
    """Problems with the layout's settings: each must be there, one finite number."""
    problems = []
    for name, why in L.settings.items():
        if name not in w:
            problems.append(f"missing setting {name!r}: {why}")
        elif w[name].size != 1 or not np.isfinite(w[name]).all():
            problems.append(f"setting {name!r} must be one finite number, got {w[name].size} value(s)")
    return problems


def validate(weights, layout: str, variant: str) -> tuple[dict[str, np.ndarray], int, int, int]:
    """Check a weight set completely; return (float64 arrays keyed as the layout writes them, input_size,
    hidden_size, num_layers).

    Raises ValueError listing every problem: each names the key, the expected shape and the shape given.
    """
    check_layout(layout, variant)
    L = get(layout)
    w = as_float_arrays(weights)
    L.check_keys(set(w))
    w, original, problems = _canonical(w, L)
    num_layers = _num_layers(w, L)
    spec = expected_shapes(layout, variant, "I", "H", num_layers)
    found = L.key(L.input_key[0], 0) in w
    sizes = _sizes(L, variant, w) if found else None
    if sizes:  # the messages can give numbers instead of symbols
        spec = expected_shapes(layout, variant, *sizes, num_layers)

    def named(k):
        return repr(original.get(k, k))

    problems += [f"missing key {k!r} (expected shape {fmt(spec[k])})" for k in spec if k not in w]
    problems += _settings(w, L)
    if problems:
        raise ValueError(_problems(layout, variant, problems))
    problems = [
        f"unexpected key {named(k)} with shape {fmt(a.shape)} (the expected keys are {_key_list(spec)})"
        for k, a in w.items()
        if k not in spec and k not in L.settings
    ]
    problems += [
        f"key {named(k)}: expected shape {fmt(shape)}, got shape {fmt(w[k].shape)}"
        for k, shape in spec.items()
        if w[k].shape != shape
    ]
    problems += [
        f"key {named(k)} (shape {fmt(w[k].shape)}, expected {fmt(shape)}) contains NaN or infinite values"
        for k, shape in spec.items()
        if w[k].shape == shape and not np.isfinite(w[k]).all()
    ]
    if problems:
        raise ValueError(_problems(layout, variant, problems))
    return w, *sizes, num_layers


def sizes(weights, layout: str, variant: str) -> tuple[int, int, int] | None:
    """(input_size, hidden_size, num_layers) that a weight set claims, from layer 0's shapes and the
    highest layer number, before anything else is checked; None when layer 0's input key is missing.

    Lets an app refuse a network that is too big by its size, instead of by a list of missing keys or
    of arrays too large to hold.
    """
    check_layout(layout, variant)
    L = get(layout)
    w, _, _ = _canonical(as_float_arrays(weights), L)
    if L.key(L.input_key[0], 0) not in w:
        return None
    return *_sizes(L, variant, w), _num_layers(w, L)


def _key_list(spec) -> str:
    keys = list(spec)
    return ", ".join(keys[:12]) + (f" … ({len(keys)} keys)" if len(keys) > 12 else "")


def _problems(layout, variant, problems) -> str:
    head = f"weights do not fit layout {layout!r} for variant {variant!r}: "
    shown = problems[:8] + ([f"… and {len(problems) - 8} more"] if len(problems) > 8 else [])
    return head + "; ".join(shown)


def detect(weights) -> tuple[str, str]:
    """Guess (layout, variant) from the key names alone, trying the registered layouts in order;
    ValueError when nothing fits."""
    keys = set(weights)
    for name, L in REGISTRY.items():
        if variant := L.detect(keys):
            return name, variant
    sample = ", ".join(sorted(keys)[:6]) or "no keys at all"
    examples = ", ".join(f"{L.key(L.input_key[0], 0)} ({name})" for name, L in REGISTRY.items())
    raise ValueError(f"cannot tell the layout from the key names ({sample}); expected e.g. {examples}")


def to_params(
    w: dict[str, np.ndarray], layout: str, variant: str, num_layers: int
) -> tuple[LayerParams, ...]:
    """Stacked per-layer parameters from a weight set checked by ``validate``."""
    L = get(layout)
    settings = {name: float(w[name].reshape(-1)[0]) for name in L.settings}
    names = L.shapes(variant, "I", "H")
    return tuple(L.read({n: w[L.key(n, k)] for n in names}, variant, settings) for k in range(num_layers))


def from_params(layers: tuple[LayerParams, ...], layout: str) -> dict[str, np.ndarray]:
    """The weight dict of ``layout`` for a stack of layers (fresh arrays, safe to modify). Settings are
    written as 0-d arrays of 0: what they add is already in the written weights."""
    check_layout(layout, layers[0].variant)
    L = get(layout)
    out = {
        L.key(name, k): np.array(a, dtype=np.float64)
        for k, P in enumerate(layers)
        for name, a in L.write(P).items()
    }
    return out | {name: np.array(0.0) for name in L.settings}
