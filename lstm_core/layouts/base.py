"""What a weight layout is (docs/design.md, "Weight layouts"): one ``Layout`` object per module.

A layout names and shapes one layer's weights the way a framework writes them, and converts them to the
core's stacked ``LayerParams`` and back by slicing, transposing and (tf1 only) adding a setting, so that
``write(read(w))`` gives the same numbers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .. import cells
from ..cell import LayerParams

Shapes = dict[str, tuple]
_LAYER_SUFFIX = re.compile(r"^(.+)_l(\d+)$")


def suffix_key(name: str, k: int) -> str:
    """The key of weight ``name`` of layer ``k`` in the layouts that number layers as PyTorch does."""
    return f"{name}_l{k}"


def parse_suffix_key(key: str) -> tuple[str, int] | None:
    """("weight_ih", 2) from "weight_ih_l2"; None for a key without a layer suffix."""
    m = _LAYER_SUFFIX.match(key)
    return (m.group(1), int(m.group(2))) if m else None


@dataclass(frozen=True)
class Layout:
    """One weight layout.

    shapes(variant, I, H): {name: shape} of one layer (I, H may be the strings "I", "H" for messages).
    votes(variant): [(name, axis, blocks)] whose ``shape[axis] // blocks`` is a guess of H; the guess most
        keys agree on wins, so one misshapen key is reported instead of making all others look wrong.
    input_key: (name, axis, minus_H): layer 0's ``shape[axis]`` (less H when minus_H) is I.
    read(w, variant, settings) -> LayerParams; write(P) -> {name: array}: one layer, ``w`` keyed by name.
    detect(keys) -> variant or None: whether a set of file keys is in this layout.
    gate_map(variant or "gru"/"rnn", H) -> text saying which block of the file is which gate.
    settings: {name: why} numbers the layout needs beside the arrays (tf1's forget_bias), stored as 0-d
        arrays under their name; each is required, and ``why`` ends the message when one is missing.
    check_keys(keys): raise ValueError for keys of this layout's framework that the core cannot compute.
    cells: {"gru" | "rnn": converter} from one layer of this layout to PyTorch's keys for that cell.
    """

    name: str
    title: str
    variants: tuple[str, ...]
    shapes: Callable[[str, object, object], Shapes]
    votes: Callable[[str], list[tuple[str, int, int]]]
    input_key: tuple[str, int, bool]
    read: Callable[..., LayerParams]
    write: Callable[[LayerParams], dict[str, np.ndarray]]
    detect: Callable[[set[str]], str | None]
    gate_map: Callable[[str, int], str]
    key: Callable[[str, int], str] = suffix_key
    parse: Callable[[str], tuple[str, int] | None] = parse_suffix_key
    settings: dict[str, str] = field(default_factory=dict)
    check_keys: Callable[[set[str]], None] = lambda keys: None
    cells: dict[str, Callable] = field(default_factory=dict)


def reorder(stacked: np.ndarray, order_in, order_out) -> np.ndarray:
    """Permute the gate blocks of the last axis from ``order_in`` to ``order_out``."""
    H = stacked.shape[-1] // len(order_in)
    return np.concatenate(
        [stacked[..., order_in.index(g) * H : (order_in.index(g) + 1) * H] for g in order_out], axis=-1
    )


def gates(variant: str) -> int:
    """G, the number of stacked gate blocks of ``variant``."""
    return len(cells.get(variant).gates)


def span(order, H: int, what: str, names: dict[str, str] | None = None) -> str:
    """ "rows 0–7 → i, 8–15 → f …" for gate blocks of H in ``order`` (``names``: file name → core name)."""
    names = names or {}
    parts = [
        f"{k * H}–{(k + 1) * H - 1} → {names.get(g, g)}" if H > 1 else f"{k} → {names.get(g, g)}"
        for k, g in enumerate(order)
    ]
    return f"{what} " + ", ".join(parts)


def fmt(shape) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"
