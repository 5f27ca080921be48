"""Fast figures for the pages: build the step-independent parts once, send a finished dict.

``stepping_parts(trace, parts_key(trace, vocabulary, layer, feature_names))`` keeps the ``SteppingParts`` of
a trace (in a ``ui.byte_cache.ByteLRU`` of ``PARTS_BYTES``, keyed on a fingerprint of the layer's numbers),
so a new step only adds what depends on t. ``plotly_spec(spec, ...)`` draws a plain figure dict with
``st.plotly_chart`` without the two costs Streamlit would otherwise add: a ``go.Figure`` is deep-copied
(``fig.to_dict()``, ~50 ms for the stepping figure) and a dict is validated (``go.Figure(**spec)``, ~80 ms).
Validation is skipped only for specs whose builder is validated by the tests (``stepping_figure`` is
``go.Figure(stepping_spec(...))``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from lstm_core.trace import Trace
from ui.byte_cache import ByteLRU, MiB, deep_nbytes
from ui.figures.stepping import SteppingParts


def layer_fingerprint(trace: Trace, layer: int) -> str:
    """A digest of everything the stepping figure reads from one layer: the variant, the stack's size,
    and the layer's input and every recorded (T, H) field (its ``FRAME_FIELDS``), byte for byte."""
    lt = trace.layers[layer]
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{trace.variant}|{trace.num_layers}|{layer}|{lt.x.shape}|{lt.h.shape}".encode())
    for name in ("x", *lt.FRAME_FIELDS):
        digest.update(np.ascontiguousarray(getattr(lt, name), dtype=np.float64).data)
    return digest.hexdigest()


# About 3 of the heaviest views' parts (32 units × 2,000 steps: ~15 MiB when built, growing by ~6.5 MiB for
# each unit shown, up to SteppingParts.UNITS_KEPT units) or hundreds of the default view's.
PARTS_BYTES = 256 * MiB
PARTS_TTL_S = 120.0


@st.cache_resource(show_spinner=False)
def parts_store() -> ByteLRU[SteppingParts]:
    """This process's cache of stepping-figure parts (``st.cache_resource.clear()`` empties it)."""
    return ByteLRU(PARTS_BYTES, PARTS_TTL_S)


def parts_nbytes(parts: SteppingParts) -> int:
    """The most ``parts`` can grow to: its size with one unit's parts built, plus that unit's share for
    each further unit it keeps (``UNITS_KEPT``). Builds unit 0's parts, which the page's default view
    draws."""
    bare = deep_nbytes(parts)
    parts.spec(0, 0)
    one_unit = deep_nbytes(parts) - bare
    return bare + parts.UNITS_KEPT * one_unit


def parts_key(
    trace: Trace,
    vocabulary: str,
    layer: int = 0,
    feature_names: Sequence[str] | None = None,
    arrangement: str = "wide",
) -> tuple:
    """What the stepping figure's step-independent parts are built from, as a hashable key: the layer's
    fingerprint, the vocabulary, the layer, the feature names and the arrangement (``ui.screen``)."""
    names = None if feature_names is None else tuple(str(n) for n in feature_names)
    return layer_fingerprint(trace, layer), vocabulary, int(layer), names, arrangement


def stepping_parts(trace: Trace, key: tuple) -> SteppingParts:
    """The step-independent parts of the stepping figure of ``trace`` for ``key = parts_key(trace, ...)``,
    built once per key and shared by every rerun and session (they are never changed after they are
    built)."""
    _, vocabulary, layer, names, arrangement = key  # the fingerprint stands for the trace's numbers
    return parts_store().get(
        key,
        lambda: SteppingParts(trace, vocabulary, layer, names, arrangement=arrangement),
        parts_nbytes,
    )


class SpecFigure(go.Figure):
    """A finished figure dict that Streamlit serialises as it is.

    ``st.plotly_chart`` asks a ``go.Figure`` for ``to_dict()`` and sends that as JSON (Streamlit 1.67,
    ``plotly.tools.return_figure_from_figure_or_data``); this figure answers with the dict it was given,
    unchecked and uncopied. The dict must be valid Plotly JSON (lists, not NumPy arrays).
    """

    def __init__(self, spec: dict):
        super().__init__()
        self._spec = spec

    def to_dict(self) -> dict:
        return self._spec

    def to_plotly_json(self) -> dict:
        return self._spec


def plotly_spec(spec: dict, **kwargs):
    """``st.plotly_chart`` of a finished figure dict (see ``SpecFigure``); kwargs as there."""
    return st.plotly_chart(SpecFigure(spec), **kwargs)
