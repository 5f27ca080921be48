"""The registry of weight layouts: adding a layout is one module in this package and one line here."""

from __future__ import annotations

from . import keras, onnx, seed, tf1, torch, udacity
from .base import Layout

# Order matters twice: detection tries layouts in this order, and a variant's default layout is the
# first one that can hold it.
REGISTRY: dict[str, Layout] = {m.LAYOUT.name: m.LAYOUT for m in (torch, keras, seed, udacity, tf1, onnx)}
