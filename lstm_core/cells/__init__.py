"""The cell table (docs/design.md §2): one module per cell, each defining its ``SPEC`` and its readable
reference step, listed in ``registry``. Everything that depends on which cell runs reads the spec."""

from __future__ import annotations

from .base import LSTM_FIELDS, CellSpec, Equation, run_reference, sigmoid
from .registry import REGISTRY

__all__ = [
    "LSTM_FIELDS",
    "REGISTRY",
    "CellSpec",
    "Equation",
    "get",
    "lstm_variants",
    "names",
    "run_reference",
    "sigmoid",
]


def get(name: str) -> CellSpec:
    """The registered cell called ``name``; a ValueError lists the LSTM variants otherwise."""
    spec = REGISTRY.get(name)
    if spec is None:
        raise ValueError(f"unknown variant {name!r}; choose one of {', '.join(lstm_variants())}")
    return spec


def lstm_variants() -> tuple[str, ...]:
    """The registered cells that run in ``lstm_core.LSTM``, in registry order, read at call time (so a
    cell registered later — or by a test — is offered everywhere at once)."""
    return tuple(name for name, spec in REGISTRY.items() if spec.family == "lstm")


def names() -> tuple[str, ...]:
    """Every registered cell, in registry order, read at call time."""
    return tuple(REGISTRY)
