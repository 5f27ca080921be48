"""Weight files: .npz, .json and .safetensors, never pickle. Each file records its variant and layout.

``save_weights``/``load_weights`` work on paths; ``dumps``/``loads`` on bytes, for uploads and downloads.
A file without a record of its variant and layout (e.g. a PyTorch ``state_dict`` saved with
safetensors) is read by guessing both from the key names (``layouts.detect``).

Reading is total: ``loads`` returns a ``WeightFile`` or raises ``WeightFileError`` with a message that
names what is wrong and what is allowed, for any bytes at all. Every size a file declares (.npy headers
of every format version, safetensors offsets and shapes) is checked against ``limits.UPLOAD_BYTES``
before anything is allocated, and every dtype a format can declare is either read or refused by name.
The .npz and .safetensors containers are parsed here rather than by ``np.load``/``safetensors.numpy``:
numpy allocates what a header claims before it reads a byte, and safetensors' numpy loader has no
numpy type for bfloat16 or the float8 types.
"""

from __future__ import annotations

import ast
import io
import json
import lzma
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .layouts import as_float_arrays, check_layout, detect
from .limits import UPLOAD_BYTES, UPLOAD_MB, too_big

FORMATS = ("npz", "json", "safetensors")
# A full-size network (3 layers of 32 units on 32 features) is well under 1 MB in any format; the limit
# also bounds what an .npz may unpack to, so a small compressed file cannot fill the memory.
MAX_FILE_MB = UPLOAD_MB
MAX_FILE_BYTES = UPLOAD_BYTES
MAX_ARRAYS = 200  # 3 layers of the widest layout (udacity, 10 arrays a layer) with room to spare
MAX_NAME_CHARS = 100  # "recurrent_kernel_l2" is 19; a longer name is not a weight's
_LAYER_SUFFIX = re.compile(r"_l([0-9]+)$")
_META_KEY = "__lstm_gate_lab__"  # the npz entry holding the JSON record of variant and layout


class WeightFileError(ValueError):
    """A weight file that cannot be used; the message says what is wrong and what is allowed."""


@dataclass(frozen=True)
class WeightFile:
    """What a weight file holds: the arrays, and the variant and layout they are in (variant "gru" or
    "rnn", layout "torch", for the weights of a torch ``nn.GRU`` or ``nn.RNN``)."""

    weights: dict[str, np.ndarray]
    variant: str
    layout: str
    recorded: bool  # False when variant and layout were guessed from the key names


def format_of(filename: str) -> str:
    """'npz', 'json' or 'safetensors' from a file name; a WeightFileError says what is accepted."""
    suffix = Path(filename).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise WeightFileError(
            f"cannot read {Path(filename).name[:60]!r}: weight files must end in .npz, .json or .safetensors"
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
    """Read the bytes of a weight file; a WeightFileError says what is wrong with it. Never unpickles."""
    reader = {"npz": _read_npz, "json": _read_json, "safetensors": _read_safetensors}.get(fmt)
    if reader is None:
        raise WeightFileError(f"unknown weight file format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if len(data) > MAX_FILE_BYTES:
        raise WeightFileError(too_big("the file is", len(data)))
    raw, meta = reader(bytes(data))
    weights = _as_weights(raw)
    meta = _record(meta)
    if (kind := meta.get("kind")) in _OTHER_CELLS:  # the Train page's RNN and GRU downloads say so
        if meta.get("layout", "torch") != "torch":
            raise WeightFileError(
                f"the file's record says: a {kind.upper()} in layout {meta['layout']!r}; "
                "a GRU or RNN has the torch layout only"
            )
        return WeightFile(weights, kind, "torch", recorded=True)
    if "variant" in meta or "layout" in meta:
        variant, layout = meta.get("variant"), meta.get("layout")
        try:
            check_layout(layout, variant)
        except ValueError as e:
            raise WeightFileError(f"the file's record says: {e}") from None
        return WeightFile(weights, variant, layout, recorded=True)
    try:
        layout, variant = detect(weights)
    except ValueError as e:
        raise WeightFileError(str(e)) from None
    if layout == "torch" and (kind := _torch_cell_kind(weights)) in _OTHER_CELLS:
        return WeightFile(weights, kind, "torch", recorded=False)  # nn.GRU and nn.RNN share nn.LSTM's keys
    return WeightFile(weights, variant, layout, recorded=False)


# The recurrent cells that share PyTorch's key names with nn.LSTM, told apart by their gate blocks.
_OTHER_CELLS = ("gru", "rnn")


def _torch_cell_kind(weights: dict[str, np.ndarray]) -> str | None:
    """Which PyTorch cell a torch-keyed set is, by the rows of weight_hh_l0 per column: 4 for an LSTM,
    3 for a GRU, 1 for a plain RNN; None when it cannot tell."""
    w = weights.get("weight_hh_l0")
    if w is None or w.ndim != 2 or w.shape[1] == 0 or w.shape[0] % w.shape[1]:
        return None
    return {4: "lstm", 3: "gru", 1: "rnn"}.get(w.shape[0] // w.shape[1])


def save_weights(path, weights: dict[str, np.ndarray], variant: str, layout: str) -> Path:
    """Write a weight file; the format follows the file's suffix (.npz, .json, .safetensors)."""
    path = Path(path)
    path.write_bytes(dumps(weights, variant, layout, format_of(path.name)))
    return path


def load_weights(path) -> WeightFile:
    """Read a weight file written by ``save_weights`` or exported as described in the README."""
    path = Path(path)
    return loads(path.read_bytes(), format_of(path.name))


# ---------------------------------------------------------------- checks shared by every format


def _short(text: str, limit: int = 40) -> str:
    """User text inside a message: repr-escaped and cut, so control characters and markup stay inert."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _as_weights(raw: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The arrays of a file as float64, after the checks no format does for us: how many, their names,
    and numbers only (a bool array converts to 0/1 silently, but true/false are not weights)."""
    if len(raw) > MAX_ARRAYS:
        raise WeightFileError(f"the file holds {len(raw)} arrays; a weight file has at most {MAX_ARRAYS}")
    for key, a in raw.items():
        if len(key) > MAX_NAME_CHARS:
            raise WeightFileError(
                f"an array name is {len(key)} characters long ({_short(key)}); weight names such as "
                f"'weight_ih_l0' have at most {MAX_NAME_CHARS}"
            )
        if (m := _LAYER_SUFFIX.search(key)) and int(m.group(1)) >= MAX_ARRAYS:
            # the checks after reading would build a template of that many layers
            raise WeightFileError(
                f"key {_short(key)} names layer {m.group(1)}; a weight file holds at most {MAX_ARRAYS} "
                "arrays, so its layers are numbered from 0 up to a few (weight_ih_l0, weight_ih_l1, ...)"
            )
        if a.dtype.kind not in "iuf":
            raise WeightFileError(
                f"key {_short(key)}: expected an array of numbers {_NUMBER_TYPES}, got "
                f"{_KIND_NAMES.get(a.dtype.kind, f'{a.dtype} values')}"
            )
    return as_float_arrays(raw)


_NUMBER_TYPES = "(float16, float32, float64 or integers)"
_KIND_NAMES = {
    "b": "true/false values",
    "U": "text (strings)",
    "S": "bytes",
    "c": "complex numbers",
    "O": "Python objects (pickle)",
}


def _record(meta) -> dict[str, str]:
    """The record of variant, layout (and the Train page's kind) a file carries, every field text."""
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        raise WeightFileError(
            f"the file's record of variant and layout is damaged: it is {_json_type(meta)}, not an object"
        )
    for field, example in (("variant", "standard"), ("layout", "torch"), ("kind", "lstm")):
        if field in meta and not isinstance(meta[field], str):
            raise WeightFileError(
                f"the file's record of variant and layout is damaged: {field!r} is "
                f"{_json_type(meta[field])}; it must be text such as {example!r}"
            )
    return meta


def _json_type(value) -> str:
    if isinstance(value, bool):
        return "true/false"
    return {dict: "an object", list: "a list", str: "text", type(None): "null"}.get(type(value), "a number")


# ---------------------------------------------------------------- .npz


_PICKLE_START = b"\x80"  # the PROTO opcode that begins every pickle of protocol 2 or later
_NPY_MAGIC = b"\x93NUMPY"
# The errors zipfile and its decompressors raise on damaged or unsupported archives.
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    EOFError,
    OSError,
    ValueError,
    OverflowError,
    struct.error,
    NotImplementedError,  # a compression method zipfile does not know
    RuntimeError,  # an encrypted member
    zlib.error,
    lzma.LZMAError,
)


def _check_npz_bytes(data: bytes) -> None:
    """Say what a file that is not an .npz archive is (numpy would take anything that is neither a zip
    nor a .npy file for a pickle)."""
    if data.startswith(b"PK"):
        return
    if data.startswith(_NPY_MAGIC):
        raise WeightFileError(
            "this is a single .npy array, not an .npz archive of named arrays; "
            "save the weights with np.savez(path, weight_ih_l0=..., ...)"
        )
    if data.startswith(_PICKLE_START):
        raise WeightFileError("this .npz holds Python objects, which would need pickle to load; refused")
    raise WeightFileError("this is not a readable .npz file (an .npz file is a zip archive of arrays)")


def _read_npz(data: bytes):
    _check_npz_bytes(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            arrays = _unpack(archive)
    except WeightFileError:
        raise
    except _ZIP_ERRORS as e:
        raise WeightFileError(
            f"this is not a readable .npz file ({_short(str(e) or type(e).__name__, 80)})"
        ) from None
    meta = arrays.pop(_META_KEY, None)
    return arrays, _parse_meta(meta) if meta is not None else None


def _unpack(archive: zipfile.ZipFile) -> dict[str, np.ndarray]:
    """Every member of an .npz as an array. Each member's size in the zip directory, and each .npy
    header's shape × item size, must fit MAX_FILE_BYTES in total before a byte is decompressed."""
    infos = archive.infolist()
    if len(infos) > MAX_ARRAYS:
        raise WeightFileError(f"this .npz holds {len(infos)} files; a weight file has at most {MAX_ARRAYS}")
    size = sum(info.file_size for info in infos)
    if size > MAX_FILE_BYTES:
        raise WeightFileError(too_big("the arrays in this .npz unpack to", size))
    arrays = {}
    for info in infos:
        key = info.filename.removesuffix(".npy")  # np.savez adds the suffix; np.load takes it off
        if key in arrays:
            raise WeightFileError(f"this .npz holds two arrays named {_short(key)}; names must be unique")
        if info.flag_bits & 1:  # zipfile would ask for a password
            raise WeightFileError(
                f"the member {_short(key)} of this .npz is encrypted; save it without a password"
            )
        with archive.open(info) as member:
            arrays[key] = _npy(key, member.read(info.file_size + 1))
    return arrays


_NPY_KEYS = {"descr", "fortran_order", "shape"}
_NPY_HEADER_MAX = 10_000  # np.load's own max_header_size: longer headers are refused by numpy too
# Numeric dtypes only, in numpy's string form ("<f8", "|u1"); the record of the app's .npz is text ("<U...").
_NUMERIC_DESCR = re.compile(r"[<>|=]?(?:f[248]|[iu][1248])", re.ASCII)
_TEXT_DESCR = re.compile(r"[<>|=]?U\d{1,6}", re.ASCII)


def _npy(key: str, raw: bytes) -> np.ndarray:
    """One .npy file (format version 1.0, 2.0 or 3.0) as an array, read from its bytes without letting
    numpy allocate from the header: the data must be exactly what the header declares."""
    if not raw.startswith(_NPY_MAGIC) or len(raw) < 10:
        raise WeightFileError(f"the member {_short(key)} of this .npz is not a .npy array")
    version = (raw[6], raw[7])
    if version not in ((1, 0), (2, 0), (3, 0)):
        raise WeightFileError(
            f"the array {_short(key)} is a .npy file of format version {version[0]}.{version[1]}; "
            "versions 1.0, 2.0 and 3.0 are read"
        )
    width = 2 if version == (1, 0) else 4  # bytes of the header length field
    length = int.from_bytes(raw[8 : 8 + width], "little")
    start = 8 + width
    if length > _NPY_HEADER_MAX or start + length > len(raw):
        raise WeightFileError(f"the .npy header of {_short(key)} is damaged (it claims {length} bytes)")
    descr, fortran, shape = _npy_header(key, raw[start : start + length], version)
    dtype = _npy_dtype(key, descr)
    count = 1
    for n in shape:
        count *= n
        if count * dtype.itemsize > MAX_FILE_BYTES:  # checked as it grows: a shape can have 1000 axes
            raise WeightFileError(
                too_big(f"the array {_short(key)} declares shape {shape}, which is", count * dtype.itemsize)
            )
    body = raw[start + length :]
    if len(body) != count * dtype.itemsize:
        raise WeightFileError(
            f"the array {_short(key)} declares shape {shape} of {dtype} ({count * dtype.itemsize} bytes) "
            f"but holds {len(body)} bytes; the file is truncated or damaged"
        )
    return np.frombuffer(body, dtype).reshape(shape, order="F" if fortran else "C")


def _npy_header(key: str, header: bytes, version: tuple[int, int]):
    """(descr, fortran_order, shape) of a .npy header: a Python dict literal, latin-1 (utf-8 in 3.0)."""
    damaged = f"the .npy header of {_short(key)} is damaged"
    try:
        text = header.decode("utf-8" if version == (3, 0) else "latin-1")
        fields = ast.literal_eval(text)
    except (UnicodeDecodeError, SyntaxError, ValueError, TypeError, MemoryError, RecursionError):
        raise WeightFileError(
            f"{damaged} (it is not a dictionary of descr, fortran_order and shape)"
        ) from None
    if not isinstance(fields, dict) or set(fields) != _NPY_KEYS:
        raise WeightFileError(f"{damaged} (it must hold exactly descr, fortran_order and shape)")
    shape, fortran = fields["shape"], fields["fortran_order"]
    if not isinstance(shape, tuple) or not all(type(n) is int and n >= 0 for n in shape):
        raise WeightFileError(f"{damaged} (its shape must be a tuple of whole numbers ≥ 0)")
    if not isinstance(fortran, bool):
        raise WeightFileError(f"{damaged} (fortran_order must be True or False)")
    return fields["descr"], fortran, shape


def _npy_dtype(key: str, descr) -> np.dtype:
    if isinstance(descr, str) and (
        _NUMERIC_DESCR.fullmatch(descr) or (key == _META_KEY and _TEXT_DESCR.fullmatch(descr))
    ):
        return np.dtype(descr)
    shown = _short(descr if isinstance(descr, str) else repr(descr), 30)
    kind = descr.lstrip("<>|=")[:1] if isinstance(descr, str) else ""
    what = _KIND_NAMES.get(kind, f"data of type {shown}")
    raise WeightFileError(f"key {_short(key)}: expected an array of numbers {_NUMBER_TYPES}, got {what}")


def _parse_meta(meta: np.ndarray):
    try:
        return json.loads(str(meta[()]) if meta.shape == () else "")
    except ValueError:  # JSONDecodeError, or a number beyond int()'s digit limit
        raise WeightFileError("the file's record of variant and layout is damaged (it is not JSON)") from None


# ---------------------------------------------------------------- .json


def _read_json(data: bytes):
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise WeightFileError("this JSON file is UTF-16 text; JSON weight files are UTF-8: save it as UTF-8")
    try:
        text = data.decode("utf-8-sig")  # a UTF-8 byte-order mark (Windows editors) is fine
    except UnicodeDecodeError as e:
        raise WeightFileError(
            f"this is not a readable JSON file: byte {e.start + 1} (0x{data[e.start]:02X}) is not UTF-8; "
            "JSON weight files are UTF-8 text"
        ) from None
    try:
        doc = json.loads(text, parse_int=_json_number, parse_float=_json_number)
    except json.JSONDecodeError as e:
        raise WeightFileError(
            f"this is not a readable JSON file ({e.msg} at line {e.lineno}, column {e.colno})"
        ) from None
    except RecursionError:  # lists nested thousands deep: no weight array is deeper than 2
        raise WeightFileError(
            "this JSON file is nested too deeply; weights are lists of numbers or lists of such lists"
        ) from None
    if not isinstance(doc, dict):
        raise WeightFileError("a JSON weight file must be an object with a 'weights' object inside")
    weights = doc.get("weights", doc)
    if not isinstance(weights, dict):
        raise WeightFileError("the 'weights' entry of a JSON weight file must map names to arrays of numbers")
    meta = {k: doc[k] for k in ("variant", "layout") if k in doc and "weights" in doc} or None
    return {
        k: _json_array(k, v) for k, v in weights.items() if k not in ("variant", "layout", "format")
    }, meta


_MAX_NUMBER_CHARS = 400  # "1e308" and 17 significant digits are plenty; 10**5000 is not a weight


def _json_number(text: str) -> float:
    """A JSON number as a float64. Integers too: Python's int() refuses more than 4,300 digits, and
    numpy keeps an int beyond 64 bits as a Python object."""
    value = float(text) if len(text) <= _MAX_NUMBER_CHARS else float("inf")
    if value in (float("inf"), float("-inf")):
        raise WeightFileError(
            f"this JSON file holds a number of {len(text):,} characters ({text[:12]}…), beyond what a 64-bit "
            "float holds (about ±1.8e308); weights are numbers such as 0.25 or -1.5e-3"
        )
    return value


def _json_array(key, value):
    """A JSON value as a float64 array; only numbers count (numpy would also read "0.5" or true)."""
    try:
        a = np.array(value)
    except (TypeError, ValueError, RecursionError):  # ragged lists
        a = None
    if a is None or a.dtype.kind not in "f":
        raise WeightFileError(
            f"key {_short(key)}: expected a number or a list of numbers (rows of equal length), got "
            f"{_json_kind(a)}"
        ) from None
    return a


def _json_kind(a) -> str:
    if a is None or a.dtype == object:
        return "ragged or nested lists, or objects"
    return {"b": "true/false values", "U": "text (strings)"}.get(a.dtype.kind, f"{a.dtype} values")


# ---------------------------------------------------------------- .safetensors

# safetensors dtype names -> how to read them. BF16 has no numpy type: its 16 bits are the top half of
# a float32. Every other name the format defines (BOOL, F8_*, F6_*, F4, C64, ...) is refused by name.
_ST_DTYPES = {
    "F64": "<f8", "F32": "<f4", "F16": "<f2", "BF16": "<u2",
    "I64": "<i8", "I32": "<i4", "I16": "<i2", "I8": "i1",
    "U64": "<u8", "U32": "<u4", "U16": "<u2", "U8": "u1",
}  # fmt: skip
_ST_ACCEPTED = "F64, F32, F16, BF16 or an integer type"


def _read_safetensors(data: bytes):
    """A .safetensors file: 8 bytes of header length (little-endian), a JSON header naming each tensor's
    dtype, shape and [begin, end) byte offsets into the data that follows, then the data."""
    if len(data) < 8:
        raise WeightFileError(
            f"this is not a readable .safetensors file: it has {len(data)} bytes, and the format begins "
            "with an 8-byte header length"
        )
    length = int.from_bytes(data[:8], "little")
    if length > len(data) - 8:
        raise WeightFileError(
            f"this is not a readable .safetensors file: its header claims {length:,} bytes, but only "
            f"{len(data) - 8:,} follow (truncated, or not a .safetensors file)"
        )
    try:
        header = json.loads(data[8 : 8 + length].decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise WeightFileError("this is not a readable .safetensors file: its header is not JSON") from None
    if not isinstance(header, dict):
        raise WeightFileError("this is not a readable .safetensors file: its header is not a JSON object")
    meta = header.pop("__metadata__", None)
    if len(header) > MAX_ARRAYS:
        raise WeightFileError(f"the file holds {len(header)} arrays; a weight file has at most {MAX_ARRAYS}")
    body = memoryview(data)[8 + length :]
    return {key: _st_tensor(key, entry, body) for key, entry in header.items()}, meta


def _st_tensor(key: str, entry, body: memoryview) -> np.ndarray:
    damaged = f"this is not a readable .safetensors file: the header entry of {_short(key)} is damaged"
    if not isinstance(entry, dict) or not {"dtype", "shape", "data_offsets"} <= set(entry):
        raise WeightFileError(f"{damaged} (it needs dtype, shape and data_offsets)")
    dtype, shape, offsets = entry["dtype"], entry["shape"], entry["data_offsets"]
    if not isinstance(dtype, str) or dtype not in _ST_DTYPES:
        what = "true/false values" if dtype == "BOOL" else f"dtype {_short(str(dtype), 20)}"
        raise WeightFileError(f"key {_short(key)}: the tensor holds {what}; weights must be {_ST_ACCEPTED}")
    if not isinstance(shape, list) or not all(type(n) is int and n >= 0 for n in shape):
        raise WeightFileError(f"{damaged} (its shape must be a list of whole numbers ≥ 0)")
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(type(n) is int for n in offsets)):
        raise WeightFileError(f"{damaged} (data_offsets must be two whole numbers, [begin, end])")
    if not 0 <= offsets[0] <= offsets[1] <= len(body):
        raise WeightFileError(
            f"this is not a readable .safetensors file: the data of {_short(key)} is said to lie at bytes "
            f"{offsets[0]:,} to {offsets[1]:,}, but the file has {len(body):,} data bytes (truncated?)"
        )
    item = np.dtype(_ST_DTYPES[dtype])
    count = 1
    for n in shape:
        count *= n
        if count * item.itemsize > MAX_FILE_BYTES:
            raise WeightFileError(
                too_big(f"key {_short(key)} declares shape {tuple(shape)}, which is", count * item.itemsize)
            )
    if offsets[1] - offsets[0] != count * item.itemsize:
        raise WeightFileError(
            f"{damaged}: shape {tuple(shape)} of {dtype} needs {count * item.itemsize} bytes, its offsets "
            f"give {offsets[1] - offsets[0]}"
        )
    a = np.frombuffer(body[offsets[0] : offsets[1]], item).reshape(shape)
    if dtype == "BF16":
        a = (a.astype("<u4") << 16).view("<f4")
    return a
