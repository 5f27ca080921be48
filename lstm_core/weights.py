"""Weight files: .npz, .json and .safetensors, never pickle. Each file records its variant and layout.

``save_weights``/``load_weights`` work on paths; ``dumps``/``loads`` on bytes, for uploads and downloads.
A file without a record of its variant and layout (e.g. a PyTorch ``state_dict`` saved with
safetensors) is read by guessing both from the key names (``layouts.detect``).
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .layouts import as_float_arrays, check_layout, detect

FORMATS = ("npz", "json", "safetensors")
# A full-size network (3 layers of 32 units on 32 features) is well under 1 MB in any format; the limit
# also bounds what an .npz may unpack to, so a small compressed file cannot fill the memory.
MAX_FILE_MB = 5  # the same as server.maxUploadSize in .streamlit/config.toml and the proxy's body limit
MAX_FILE_BYTES = MAX_FILE_MB * 2**20
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
    if len(data) > MAX_FILE_BYTES:
        raise ValueError(_too_big("the file is", len(data)))
    weights, meta = reader(data)
    weights = as_float_arrays(weights)
    if meta and meta.get("kind") in _OTHER_CELLS:  # the Train page's RNN and GRU downloads
        raise ValueError(_not_an_lstm(meta["kind"], "the file says so"))
    if meta:
        variant, layout = meta.get("variant"), meta.get("layout")
        check_layout(layout, variant)
        return WeightFile(weights, variant, layout, recorded=True)
    layout, variant = detect(weights)
    if layout == "torch" and (kind := _torch_cell_kind(weights)) in _OTHER_CELLS:
        shape = weights["weight_hh_l0"].shape
        raise ValueError(_not_an_lstm(kind, f"weight_hh_l0 has shape {shape}, {_OTHER_CELLS[kind][1]}"))
    return WeightFile(weights, variant, layout, recorded=False)


# The recurrent cells that share PyTorch's key names with nn.LSTM: (name, how their weight_hh_l0 looks).
_OTHER_CELLS = {
    "gru": ("a GRU (nn.GRU)", "3 gate blocks of hidden-size rows"),
    "rnn": ("a plain RNN (nn.RNN)", "one block of hidden-size rows"),
}


def _torch_cell_kind(weights: dict[str, np.ndarray]) -> str | None:
    """Which PyTorch cell a torch-keyed set is, by the rows of weight_hh_l0 per column: 4 for an LSTM,
    3 for a GRU, 1 for a plain RNN; None when it cannot tell."""
    w = weights.get("weight_hh_l0")
    if w is None or w.ndim != 2 or w.shape[1] == 0 or w.shape[0] % w.shape[1]:
        return None
    return {4: "lstm", 3: "gru", 1: "rnn"}.get(w.shape[0] // w.shape[1])


def _not_an_lstm(kind: str, evidence: str) -> str:
    return (
        f"these are the weights of {_OTHER_CELLS[kind][0]}, not of an LSTM ({evidence}; an LSTM's has 4 "
        "gate blocks). Load weights takes LSTM cells: this app's LSTM downloads, nn.LSTM or Keras LSTM "
        "weights. An RNN or GRU trained on the Train page is inspected there"
    )


def save_weights(path, weights: dict[str, np.ndarray], variant: str, layout: str) -> Path:
    """Write a weight file; the format follows the file's suffix (.npz, .json, .safetensors)."""
    path = Path(path)
    path.write_bytes(dumps(weights, variant, layout, format_of(path.name)))
    return path


def load_weights(path) -> WeightFile:
    """Read a weight file written by ``save_weights`` or exported as described in the README."""
    path = Path(path)
    return loads(path.read_bytes(), format_of(path.name))


def _too_big(what: str, size: int) -> str:
    return f"{what} {size / 2**20:.1f} MB; weight files of at most {MAX_FILE_MB} MB are accepted"


_PICKLE_START = b"\x80"  # the PROTO opcode that begins every pickle of protocol 2 or later


def _check_npz_bytes(data: bytes) -> None:
    """Say what a file that is not an .npz archive is, before numpy guesses (it takes anything that is
    neither a zip nor a .npy file for a pickle)."""
    if data.startswith(b"PK"):
        return
    if data.startswith(b"\x93NUMPY"):
        raise ValueError(
            "this is a single .npy array, not an .npz archive of named arrays; "
            "save the weights with np.savez(path, weight_ih_l0=..., ...)"
        )
    if data.startswith(_PICKLE_START):
        raise ValueError("this .npz holds Python objects, which would need pickle to load; refused")
    raise ValueError("this is not a readable .npz file (an .npz file is a zip archive of arrays)")


class _TooBig(ValueError):
    """An .npz whose arrays unpack to more than MAX_FILE_BYTES; its message is final."""


def _unpack(npz) -> dict[str, np.ndarray]:
    """The arrays of an open .npz; they must fit the same limit as a file, so compression cannot hide a
    huge one. Sizes are read from each member's zip entry and from its .npy header (numpy allocates
    what the header says before it reads a byte)."""
    size = sum(max(info.file_size, _declared_bytes(npz.zip, info)) for info in npz.zip.infolist())
    if size > MAX_FILE_BYTES:
        raise _TooBig(_too_big("the arrays in this .npz unpack to", size))
    return {k: npz[k] for k in npz.files}


_HEADER_READERS = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}


def _declared_bytes(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    """Bytes the .npy header of one member claims (shape × item size); 0 when it has none we read."""
    if not info.filename.endswith(".npy"):
        return 0
    with archive.open(info) as member:
        version = np.lib.format.read_magic(member)
        reader = _HEADER_READERS.get(version)
        if reader is None:  # format 3.0 (unicode field names): numpy's own checks apply
            return 0
        shape, _, dtype = reader(member)
    return math.prod(shape) * dtype.itemsize


def _read_npz(data: bytes):
    _check_npz_bytes(data)
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            arrays = _unpack(npz)
    except (zipfile.BadZipFile, OSError, EOFError) as e:
        raise ValueError(f"this is not a readable .npz file ({e})") from None
    except _TooBig:
        raise
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
    except RecursionError:  # lists nested thousands deep: no weight array is deeper than 2
        raise ValueError(
            "this JSON file is nested too deeply; weights are lists of numbers or lists of such lists"
        ) from None
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
    """A JSON value as a float64 array; only numbers count (numpy would also read "0.5" or true)."""
    try:
        a = np.array(value)
    except (TypeError, ValueError, RecursionError):  # ragged lists
        a = None
    if a is None or a.dtype.kind not in "iuf":
        raise ValueError(
            f"key {key!r}: expected a number or a list of numbers (rows of equal length), got {_json_kind(a)}"
        ) from None
    return a.astype(np.float64)


def _json_kind(a) -> str:
    if a is None or a.dtype == object:
        return "ragged or nested lists, or objects"
    return {"b": "true/false values", "U": "text (strings)"}.get(a.dtype.kind, f"{a.dtype} values")


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
