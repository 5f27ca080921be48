"""Read numbers back out of Plotly figures, including Plotly 6's base64 typed arrays."""

from __future__ import annotations

import base64
import json

import numpy as np


def decode(value) -> np.ndarray:
    """A trace attribute as an array: plain lists, or {'dtype', 'bdata', 'shape'} typed arrays."""
    if isinstance(value, dict) and "bdata" in value:
        a = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = value.get("shape")
        return a.reshape([int(s) for s in str(shape).split(",")]) if shape else a
    return np.asarray(value, dtype=float)


def chart_specs(at) -> list[dict]:
    """The figure dicts of every st.plotly_chart an AppTest run drew, in page order."""
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def at_frame(spec: dict, name: str) -> dict:
    """The figure as ``Plotly.animate`` shows its frame ``name``: each trace of the frame merged into the
    trace its ``traces`` index names, nested objects key by key and arrays replaced, as Plotly does."""
    (frame,) = [f for f in spec["frames"] if f["name"] == name]
    data = list(spec["data"])
    for index, update in zip(frame["traces"], frame["data"], strict=True):
        data[index] = _merged(data[index], update)
    return {**spec, "data": data}


def _merged(base: dict, update: dict) -> dict:
    out = dict(base)
    for key, value in update.items():
        nested = isinstance(value, dict) and isinstance(out.get(key), dict)
        out[key] = _merged(out[key], value) if nested else value
    return out
