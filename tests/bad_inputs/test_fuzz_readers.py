"""Fuzzing every reader of outside data (issue 16): a value or the project's own error, nothing else.

Readers: weight files (``weights.loads`` for each format and ``ui.loaded.read_upload`` behind the Load
weights panel), CSV (``parse_csv``, text and bytes), typed numbers (``parse_numbers``) and every link
parameter (``ui.state.from_query``, ``link_int``, the Lessons page's ``find``, presenter mode). Inputs:
arbitrary bytes and text, and valid files mutated (bytes flipped, cut, extended; .npy and safetensors
headers re-declared with other shapes and dtypes; JSON values swapped for others).

The property (``total``): the call returns, or raises the project's error class, raised by a ``raise`` in
the project's own code (so numpy's, json's or zipfile's errors cannot pass for ours), with a message;
in every case it allocates at most MEMORY_BOUND (tracemalloc) and finishes within the hypothesis
deadline. The budget is fixed and derandomized, so CI runs the same examples every time.
Failures found are kept as ordinary cases in ``cases.toml`` / ``build.py``.
"""

from __future__ import annotations

import io
import json
import tracemalloc
import zipfile
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lstm_core import weights
from lstm_core.sequences import MAX_ABS_VALUE, SequenceError, parse_csv, parse_numbers
from tests.bad_inputs import build
from ui import presenter, state
from ui.lessons import LESSONS, find
from ui.loaded import read_upload

ROOT = Path(__file__).resolve().parents[2]
MEMORY_BOUND = 64 * 2**20  # an upload is at most 5 MB; even as float64 it stays well below this
# Fixed budget: derandomized, no example database, one deadline per example.
FUZZ = settings(
    max_examples=150,
    derandomize=True,
    database=None,
    deadline=timedelta(seconds=30),  # a hang guard, loose enough for a machine shared by six
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
RUNS = {"examples": 0}  # counted for the closing note (pytest -s prints it)


def total(call, error: type[Exception] | tuple = ()):
    """Run ``call``; its value, or None when it raised ``error`` from project code with a message (the
    default, no class at all, is for readers that must always return)."""
    RUNS["examples"] += 1
    tracemalloc.start()
    try:
        return call()
    except error as e:
        assert str(e).strip(), "an error without a message"
        assert "Traceback" not in str(e)
        frame = _raising_frame(e)
        assert frame.startswith(str(ROOT)) and "site-packages" not in frame, (frame, str(e)[:200])
        return None
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert peak <= MEMORY_BOUND, f"{peak / 2**20:.0f} MiB allocated"


def _raising_frame(e: BaseException) -> str:
    tb = e.__traceback__
    while tb.tb_next is not None:
        tb = tb.tb_next
    return tb.tb_frame.f_code.co_filename


# ------------------------------------------------------------------------------------ valid files


def _valid_files() -> dict[str, bytes]:
    """One valid file per format and header form, the base of every mutation."""
    w = build.torch_set(2, 3, 2)
    files = {f"net.{fmt}": weights.dumps(w, "standard", "torch", fmt) for fmt in weights.FORMATS}
    files["export.safetensors"] = build.GOOD_WEIGHTS.read_bytes()
    files["plain.npz"] = build.npz(w)  # no record: layout and variant detected
    files["v2.npz"] = build.zip_of(
        {f"{k}.npy": build.npy_bytes(_header(v), v.tobytes(), (2, 0)) for k, v in w.items()}
    )
    return files


def _header(a: np.ndarray, **changes) -> dict:
    return {"descr": a.dtype.str, "fortran_order": False, "shape": a.shape} | changes


VALID = _valid_files()


def test_every_valid_file_reads_back_its_numbers():
    """The base files themselves load, with the numbers that were written (so mutations start valid)."""
    w = build.torch_set(2, 3, 2)
    for name, data in VALID.items():
        if name == "export.safetensors":
            continue
        got = weights.loads(data, weights.format_of(name)).weights
        assert set(got) == set(w), name
        for k in w:
            np.testing.assert_array_equal(got[k], w[k], err_msg=f"{name} {k}")


# ------------------------------------------------------------------------------------ weight files

formats = st.sampled_from(weights.FORMATS)
names = st.sampled_from(["w.npz", "w.json", "w.safetensors", "w.pt", "w.NPZ", "w", ".json", "w.npz.exe"])


@FUZZ
@given(data=st.binary(max_size=4096), fmt=formats)
def test_arbitrary_bytes(data: bytes, fmt: str):
    total(lambda: weights.loads(data, fmt), weights.WeightFileError)


@FUZZ
@given(data=st.binary(max_size=2048), name=names)
def test_arbitrary_bytes_through_the_load_weights_panel(data: bytes, name: str):
    total(lambda: read_upload(name, data), ValueError)


@st.composite
def mutated(draw) -> tuple[str, bytes]:
    """A valid file with bytes flipped, cut off, added at the end or inserted."""
    name = draw(st.sampled_from(sorted(VALID)))
    data = bytearray(VALID[name])
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "truncate", "extend", "insert", "zero_run"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif kind == "truncate":
            del data[at:]
        elif kind == "extend":
            data += draw(st.binary(min_size=1, max_size=64))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "zero_run":
            data[at : at + 8] = bytes(8)
    return name, bytes(data)


@FUZZ
@given(case=mutated())
def test_mutated_valid_files(case):
    name, data = case
    total(lambda: read_upload(name, data), ValueError)
    total(lambda: weights.loads(data, weights.format_of(name)), weights.WeightFileError)


shapes = st.one_of(
    st.tuples(st.integers(0, 40), st.integers(0, 40)),
    st.lists(st.integers(0, 2**63), max_size=6).map(tuple),
    st.just((100_000, 100_000)),
    st.lists(st.integers(-3, 3), max_size=3).map(tuple),
)
npy_descrs = st.one_of(
    st.sampled_from(["<f8", ">f4", "<f2", "|b1", "<c16", "|O", "<U8", "|S4", "<i8", "|u1", "<M8[s]", "<V8"]),
    st.text(max_size=8),
    st.just([("a", "<f8")]),
)


@FUZZ
@given(
    descr=npy_descrs,
    shape=st.one_of(shapes, st.text(max_size=4), st.none()),
    fortran=st.one_of(st.booleans(), st.integers(0, 2)),
    version=st.sampled_from([(1, 0), (2, 0), (3, 0), (4, 0), (0, 9)]),
    body=st.binary(max_size=512),
    suffix=st.sampled_from([".npy", "", ".txt"]),
)
def test_npy_headers_redeclared(descr, shape, fortran, version, body, suffix):
    """One member of a valid .npz with its .npy header re-declared: any dtype, shape, order, version."""
    header = {"descr": descr, "fortran_order": fortran, "shape": shape}
    member = build.npy_bytes(header, body, version)
    members = {f"{k}.npy": build.npy_bytes(_header(v), v.tobytes()) for k, v in build.torch_set().items()}
    data = build.zip_of(members | {f"weight_hh_l0{suffix}": member})
    total(lambda: read_upload("w.npz", data), ValueError)


safetensors_dtypes = st.one_of(
    st.sampled_from(
        ["F64", "F32", "F16", "BF16", "I64", "I32", "I16", "I8", "U64", "U32", "U16", "U8", "BOOL"]
        + ["F8_E4M3", "F8_E5M2", "F8_E8M0", "F6_E2M3", "F6_E3M2", "F4", "C64", "f64", ""]
    ),
    st.integers(),
    st.none(),
)


@FUZZ
@given(
    dtype=safetensors_dtypes,
    shape=st.one_of(shapes.map(list), st.text(max_size=3), st.just([True, 2])),
    offsets=st.one_of(
        st.lists(st.integers(-10, 2**64), min_size=0, max_size=3), st.just([0, 96]), st.text(max_size=3)
    ),
    metadata=st.one_of(st.none(), st.dictionaries(st.text(max_size=8), st.text(max_size=8)), st.integers()),
)
def test_safetensors_headers_redeclared(dtype, shape, offsets, metadata):
    w = build.torch_set()
    header, body = {}, b""
    for k, v in w.items():
        header[k] = {
            "dtype": "F64",
            "shape": list(v.shape),
            "data_offsets": [len(body), len(body) + v.nbytes],
        }
        body += v.tobytes()
    header["weight_hh_l0"] = {"dtype": dtype, "shape": shape, "data_offsets": offsets}
    if metadata is not None:
        header["__metadata__"] = metadata
    text = json.dumps(header).encode()
    data = len(text).to_bytes(8, "little") + text + body
    total(lambda: read_upload("w.safetensors", data), ValueError)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.floats(allow_nan=True)
    | st.integers(-(10**40), 10**40)
    | st.text(max_size=6),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=30,
)


@FUZZ
@given(
    key=st.sampled_from(["weight_ih_l0", "bias_hh_l0", "variant", "layout", "kind", "format", "x_l7"]),
    value=json_values,
    where=st.sampled_from(["weights", "top"]),
    bom=st.booleans(),
)
def test_json_values_replaced(key, value, where, bom):
    doc = json.loads(VALID["net.json"])
    (doc["weights"] if where == "weights" else doc)[key] = value
    data = (b"\xef\xbb\xbf" if bom else b"") + json.dumps(doc).encode()
    total(lambda: read_upload("w.json", data), ValueError)


@FUZZ
@given(doc=json_values)
def test_arbitrary_json(doc):
    total(lambda: read_upload("w.json", json.dumps(doc).encode()), ValueError)


@FUZZ
@given(
    members=st.dictionaries(
        st.text(
            st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00/"), min_size=1, max_size=12
        ),
        st.binary(max_size=64),
        max_size=4,
    )
)
def test_npz_of_arbitrary_members(members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    total(lambda: read_upload("w.npz", buf.getvalue()), ValueError)


# ------------------------------------------------------------------------------------ CSV and typed

CSV_ALPHABET = st.sampled_from(list("0123456789.,;-+eE \t\n\r\"'xé") + ["\ufeff", "nan", "inf", "1e400"])
csv_like = st.lists(CSV_ALPHABET, max_size=200).map("".join)


@FUZZ
@given(text=st.one_of(st.text(max_size=300), csv_like))
def test_csv_text(text: str):
    total(lambda: parse_csv(text, max_abs=MAX_ABS_VALUE), SequenceError)


@FUZZ
@given(
    data=st.one_of(
        st.binary(max_size=1024),
        csv_like.map(str.encode),
        st.tuples(csv_like, st.sampled_from(["utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252"])).map(
            lambda p: p[0].encode(p[1], errors="replace")
        ),
    )
)
def test_csv_bytes(data: bytes):
    total(lambda: parse_csv(data, max_abs=MAX_ABS_VALUE), SequenceError)


@FUZZ
@given(text=st.one_of(st.text(max_size=300), csv_like))
def test_typed_numbers(text: str):
    total(lambda: parse_numbers(text, max_abs=MAX_ABS_VALUE), SequenceError)


# ------------------------------------------------------------------------------------ link parameters

PARAMETERS = (*state.RULES, *state.FOREIGN_OK)
any_value = st.one_of(
    st.text(max_size=80),
    st.sampled_from(["²", "①", "٣", "1_0", " 3 ", "-0", "+1", "0x10", "1e3", "9" * 5000, "", "\x00", "３"]),
)


@FUZZ
@given(params=st.dictionaries(st.one_of(st.sampled_from(PARAMETERS), st.text(max_size=8)), any_value))
def test_every_view_parameter(params: dict[str, str]):
    """Any link gives a valid view, and every notice is one of the app's own sentences, so none repeats
    a value from the link (it could be markup)."""
    view, notices = total(lambda: state.from_query(params))
    assert view == view.clamped() and 0 <= view.layer < view.layers
    assert set(notices) <= OWN_NOTICES | {
        f"Ignored {n} link parameter(s) this app does not know." for n in range(1, len(params) + 1)
    }, notices


_DEFAULTS = state.ViewState()
OWN_NOTICES = {
    f"The link's “{name}” was not {allowed()}; using {getattr(_DEFAULTS, name)}."
    for name, (_, allowed) in state.RULES.items()
} | {
    f"The link's “layer” must be below “layers” ({n}); showing layer 0."
    for n in range(1, state.MAX_LAYERS + 1)
}


@FUZZ
@given(text=any_value)
def test_single_page_parameters(text: str):
    """unit (Cell anatomy, Step through time), lesson (Lessons), present (every page)."""
    unit = total(lambda: state.link_int(text, 0, 31))
    assert unit is None or (0 <= unit <= 31 and unit == int(text.strip()))
    lesson, notice = total(lambda: find(text))
    assert lesson in LESSONS and (notice is None or text.strip() not in notice or len(text.strip()) < 4)
    assert total(lambda: presenter.from_link({"present": text})) in (True, False)


@pytest.fixture(scope="module", autouse=True)
def _report_runs():
    yield
    print(f"\nfuzz examples run by {__name__}: {RUNS['examples']}")


# ------------------------------------------------------------------------------------ model files


def _valid_models() -> dict[str, bytes]:
    """A Keras 3 .keras, a Keras 3 .weights.h5, a legacy Keras .h5 and an ONNX LSTM, all LSTM(3 -> 2)."""
    from tests.core import test_model_files as m

    rng = np.random.default_rng(3)
    arrays = m._lstm_arrays(rng, 3, 2)
    W, R, B = rng.uniform(-1, 1, (1, 8, 3)), rng.uniform(-1, 1, (1, 8, 2)), rng.uniform(-1, 1, (1, 16))
    return {
        "m.keras": m._dot_keras(m._sequential(m._lstm_config("lstm", 2)), {"lstm": arrays}),
        "m.weights.h5": m._keras3_h5({"lstm": arrays}),
        "legacy.h5": m._legacy_h5(m._sequential(m._lstm_config("lstm", 2)), {"lstm": arrays}),
        "m.onnx": m._onnx_rnn("LSTM", W, R, B),
    }


MODELS = _valid_models()


def test_every_valid_model_file_loads():
    for name, data in MODELS.items():
        net = read_upload(name, data)
        assert (net.input_size, net.hidden_size) == (3, 2), name


@FUZZ
@given(data=st.binary(max_size=2048), name=st.sampled_from(sorted(MODELS)))
def test_arbitrary_bytes_as_model_files(data: bytes, name: str):
    total(lambda: read_upload(name, data), ValueError)


@FUZZ
@given(name=st.sampled_from(sorted(MODELS)), data=st.data())
def test_mutated_model_files(name: str, data):
    """Valid Keras/ONNX files flipped, cut or extended: a value or a ValueError with a message (a flipped
    byte once made h5py raise OverflowError straight through to the page)."""
    raw = bytearray(MODELS[name])
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(raw) - 1))
        kind = data.draw(st.sampled_from(["flip", "truncate", "extend"]))
        if kind == "flip":
            raw[at] ^= data.draw(st.integers(1, 255))
        elif kind == "truncate":
            del raw[max(at, 1) :]
        else:
            raw += data.draw(st.binary(min_size=1, max_size=64))
    total(lambda: read_upload(name, bytes(raw)), ValueError)


def test_flipped_legacy_h5_byte_is_refused():
    """Regression: byte 49 of a legacy .h5 flipped made h5py raise OverflowError."""
    raw = bytearray(MODELS["legacy.h5"])
    raw[49] ^= 1
    with pytest.raises(ValueError, match=r"\S"):
        read_upload("legacy.h5", bytes(raw))
