"""Weight files: .npz, .json and .safetensors, never pickle. Each file records its variant and layout.

``save_weights``/``load_weights`` work on paths; ``dumps``/``loads`` on bytes, for uploads and downloads.
A file without a record of its variant and layout (e.g. a PyTorch ``state_dict`` saved with
safetensors) is read by guessing both from the key names (``layouts.detect``).
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .layouts import as_float_arrays, check_layout, detect

FORMATS = ("npz", "json", "safetensors")
_META_KEY = "__lstm_gate_lab__"  # the npz entry holding the JSON record of variant and layout


@dataclass(frozen=True)
class WeightFile:
    """What a weight file holds: the arrays, and the variant and layout they are in."""

    weights: dict[str, np.ndarray]
    variant: str
    layout: str
    recorded: bool  # False when variant and layout were guessed from the key names


def format_of(filename: str) -> str:
    """'npz', 'json' or 'safetensors' from a file name; a ValueError says what is accepted."""
    suffix = Path(filename).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ValueError(
            f"cannot read {Path(filename).name!r}: weight files must end in .npz, .json or .safetensors"
            + (
                " (pickle-based files are refused because loading them can run arbitrary code)"
                if suffix in ("pt", "pth", "pkl", "pickle", "h5", "ckpt", "bin")
                else ""
            )
        )
    return suffix


def dumps(weights: dict[str, np.ndarray], variant: str, layout: str, fmt: str) -> bytes:
    """The bytes of a weight file in format ``fmt`` recording ``variant`` and ``layout``."""
    check_layout(layout, variant)
    meta = {"variant": variant, "layout": layout}
    arrays = {k: np.ascontiguousarray(v, dtype=np.float64) for k, v in as_float_arrays(weights).items()}
    if fmt == "npz":
        buf = io.BytesIO()
        np.savez(buf, **arrays, **{_META_KEY: np.array(json.dumps(meta))})
        return buf.getvalue()
    if fmt == "json":
        doc = {
            "format": "lstm-gate-lab weights",
            **meta,
            "weights": {k: v.tolist() for k, v in arrays.items()},
        }
        return json.dumps(doc).encode()
    if fmt == "safetensors":
        from safetensors.numpy import save

        return save(arrays, metadata=meta)
    raise ValueError(f"unknown weight file format {fmt!r}; choose one of {', '.join(FORMATS)}")


def loads(data: bytes, fmt: str) -> WeightFile:
    """Read the bytes of a weight file; a ValueError says what is wrong with it. Never unpickles."""
    reader = {"npz": _read_npz, "json": _read_json, "safetensors": _read_safetensors}.get(fmt)
    if reader is None:
        raise ValueError(f"unknown weight file format {fmt!r}; choose one of {', '.join(FORMATS)}")
    weights, meta = reader(data)
    weights = as_float_arrays(weights)
    if meta:
        variant, layout = meta.get("variant"), meta.get("layout")
        check_layout(layout, variant)
        return WeightFile(weights, variant, layout, recorded=True)
    layout, variant = detect(weights)
    return WeightFile(weights, variant, layout, recorded=False)


def save_weights(path, weights: dict[str, np.ndarray], variant: str, layout: str) -> Path:
    """Write a weight file; the format follows the file's suffix (.npz, .json, .safetensors)."""
    path = Path(path)
    path.write_bytes(dumps(weights, variant, layout, format_of(path.name)))
    return path


def load_weights(path) -> WeightFile:
    """Read a weight file written by ``save_weights`` or exported as described in the README."""
    path = Path(path)
    return loads(path.read_bytes(), format_of(path.name))


def _read_npz(data: bytes):
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
    except (zipfile.BadZipFile, OSError, EOFError) as e:
        raise ValueError(f"this is not a readable .npz file ({e})") from None
    except ValueError as e:
        if "allow_pickle" in str(e):
            raise ValueError(
                "this .npz holds Python objects, which would need pickle to load; refused"
            ) from None
        raise ValueError(f"this is not a readable .npz file ({e})") from None
    meta = arrays.pop(_META_KEY, None)
    return arrays, _parse_meta(str(meta)) if meta is not None else None


def _read_json(data: bytes):
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"this is not a readable JSON file ({e})") from None
    if not isinstance(doc, dict):
        raise ValueError("a JSON weight file must be an object with a 'weights' object inside")
    weights = doc.get("weights", doc)
    if not isinstance(weights, dict):
        raise ValueError("the 'weights' entry of a JSON weight file must map names to arrays of numbers")
    meta = {k: doc[k] for k in ("variant", "layout") if k in doc and "weights" in doc}
    return {
        k: _json_array(k, v) for k, v in weights.items() if k not in ("variant", "layout", "format")
    }, meta


def _json_array(key, value):
    try:
        a = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"key {key!r}: expected a (nested) list of numbers, got something else") from None
    return a


def _read_safetensors(data: bytes):
    from safetensors import SafetensorError
    from safetensors.numpy import load

    try:
        arrays = load(data)
        header_len = int.from_bytes(data[:8], "little")
        meta = json.loads(data[8 : 8 + header_len]).get("__metadata__")
    except (SafetensorError, ValueError, UnicodeDecodeError) as e:
        raise ValueError(f"this is not a readable .safetensors file ({e})") from None
    return arrays, meta


def _parse_meta(text: str) -> dict:
    try:
        meta = json.loads(text)
    except json.JSONDecodeError:
        raise ValueError("the file's record of variant and layout is damaged") from None
    if not isinstance(meta, dict):
        raise ValueError("the file's record of variant and layout is damaged")
    return meta
