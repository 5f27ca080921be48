"""The bad-input corpus's files: the small ones are committed, the big ones are made at test time.

``python -m tests.bad_inputs.build`` writes every committed file again (``COMMITTED``); the test
``test_the_committed_files_are_what_build_makes`` checks they still match. ``GENERATED`` makes the inputs
that are too big (100,000 rows, absurd dimensions, a zip bomb) or too odd (a pickle) to keep in git;
``cases.toml`` names them with ``generate = "<key>"``.
"""

from __future__ import annotations

import io
import json
import pickle
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
from safetensors.numpy import save as save_safetensors

HERE = Path(__file__).resolve().parent

# The valid inputs a learner gives first, whose view must survive every bad one.
GOOD_CSV = "step,signal\n0.5,-1\n0.25,0\n-0.75,1\n"  # 3 steps × 2 features
GOOD_TYPED = "0.5, 1\n0, -1\n1, 0\n-0.5, 0.25"  # 4 steps × 2 features
GOOD_WEIGHTS = HERE.parents[1] / "assets" / "weights" / "pytorch_export.safetensors"  # nn.LSTM(2, 4)


# ------------------------------------------------------------------------------------------ weight sets


def torch_set(input_size: int = 2, hidden: int = 3, layers: int = 1) -> dict[str, np.ndarray]:
    """A complete torch-layout weight set of ``nn.LSTM(input_size, hidden, layers)``: weight_ih_lk
    (4H, I or H), weight_hh_lk (4H, H), bias_ih_lk and bias_hh_lk (4H,), uniform in [-0.5, 0.5)."""
    rng = np.random.default_rng(7)
    w = {}
    for k in range(layers):
        inputs = input_size if k == 0 else hidden
        w |= {
            f"weight_ih_l{k}": rng.uniform(-0.5, 0.5, (4 * hidden, inputs)),
            f"weight_hh_l{k}": rng.uniform(-0.5, 0.5, (4 * hidden, hidden)),
            f"bias_ih_l{k}": rng.uniform(-0.5, 0.5, 4 * hidden),
            f"bias_hh_l{k}": rng.uniform(-0.5, 0.5, 4 * hidden),
        }
    return w


def npz(arrays: dict[str, np.ndarray]) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def json_doc(weights: dict, **meta) -> bytes:
    as_lists = {k: v.tolist() if isinstance(v, np.ndarray) else v for k, v in weights.items()}
    return json.dumps({**meta, "weights": as_lists}).encode()


def _with(**changes) -> dict[str, np.ndarray]:
    """torch_set() with some keys replaced (a value of None removes the key)."""
    w = torch_set() | changes
    return {k: v for k, v in w.items() if v is not None}


def _npy(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, array)
    return buf.getvalue()


def _header_claims(shape=(100_000, 100_000)) -> bytes:
    """An .npz of a few hundred bytes whose .npy header claims ``shape`` (80 GB of float64)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive, archive.open("weight_ih_l0.npy", "w") as member:
        np.lib.format.write_array_header_1_0(member, {"descr": "<f8", "fortran_order": False, "shape": shape})
        member.write(bytes(64))
    return buf.getvalue()


def _zip_bomb(shape=(40_000, 1_000)) -> bytes:  # shape[0] a multiple of 1000
    """An .npz of about 0.3 MB whose one array (zeros of ``shape``, 320 MB) is written in chunks, so
    making it never holds the array in memory."""
    buf = io.BytesIO()
    with (
        zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        archive.open("weight_ih_l0.npy", "w", force_zip64=True) as member,
    ):
        header = {"descr": "<f8", "fortran_order": False, "shape": shape}
        np.lib.format.write_array_header_1_0(member, header)
        rows_per_chunk = 1000
        chunk = np.zeros((rows_per_chunk, shape[1])).tobytes()
        for _ in range(shape[0] // rows_per_chunk):
            member.write(chunk)
    return buf.getvalue()


def npy_bytes(header: dict, body: bytes = bytes(64), version: tuple[int, int] = (1, 0)) -> bytes:
    """A .npy file of format ``version`` with ``header`` (descr, fortran_order, shape) and ``body``,
    written out by hand: numpy writes 2.0 and 3.0 only when it must, and never a wrong header."""
    text = repr(header).encode("utf-8" if version == (3, 0) else "latin-1", errors="backslashreplace")
    width = 2 if version[0] == 1 else 4
    pad = -(6 + 2 + width + len(text) + 1) % 64
    text += b" " * pad + b"\n"
    return b"\x93NUMPY" + bytes(version) + len(text).to_bytes(width, "little") + text + body


def zip_of(members: dict[str, bytes], compression: int = zipfile.ZIP_STORED) -> bytes:
    """A zip archive of ``members`` (name -> bytes), names as given (np.savez would add ".npy")."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buf.getvalue()


def _claims_80_gb(name: str = "weight_ih_l0.npy", version: tuple[int, int] = (1, 0)) -> bytes:
    header = {"descr": "<f8", "fortran_order": False, "shape": (100_000, 100_000)}
    return zip_of({name: npy_bytes(header, version=version)})


def _with_member(name: str, data: bytes) -> bytes:
    """npz(torch_set()) with one more member, written as given."""
    members = {f"{k}.npy": _npy(v) for k, v in torch_set().items()}
    return zip_of(members | {name: data})


def _safetensors_header(header: dict, body: bytes = b"") -> bytes:
    """A .safetensors file with ``header`` written as given (safetensors would refuse to write it)."""
    text = json.dumps(header).encode()
    return len(text).to_bytes(8, "little") + text + body


def _safetensors_as(dtype: str, itemsize: int) -> bytes:
    """torch_set() as .safetensors, with the tensor bias_ih_l0 re-declared as ``dtype``."""
    w = torch_set()
    header, body = {}, b""
    for k, v in w.items():
        raw = v.tobytes() if k != "bias_ih_l0" else bytes(itemsize * v.size)
        header[k] = {"dtype": "F64" if k != "bias_ih_l0" else dtype, "shape": list(v.shape),
                     "data_offsets": [len(body), len(body) + len(raw)]}  # fmt: skip
        body += raw
    return _safetensors_header(header, body)


def _encrypted_flag(data: bytes) -> bytes:
    """A zip whose members say they are encrypted (general-purpose flag bit 0), in both headers."""
    data = bytearray(data)
    for sig, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(sig)
        while at != -1:
            data[at + offset] |= 1
            at = data.find(sig, at + 4)
    return bytes(data)


# ------------------------------------------------------------------------------------------ CSV files


def _ascii(text: str) -> bytes:
    return text.encode()


def _csv_rows(rows: int, cols: int = 2) -> bytes:
    line = ",".join(["0.5"] * cols) + "\n"
    return ("a,b\n" + line * rows).encode()


COMMITTED: dict[str, Callable[[], bytes]] = {
    "good/good.csv": lambda: _ascii(GOOD_CSV),
    # CSV
    "csv/empty.csv": lambda: b"",
    "csv/blank_lines_only.csv": lambda: b"\n  \n\n",
    "csv/header_only.csv": lambda: b"step,signal\n",
    "csv/non_numeric.csv": lambda: b"step,signal\n0.5,1\n0.25,abc\n",
    "csv/nan.csv": lambda: b"step,signal\n0.5,1\nNaN,2\n",
    "csv/inf.csv": lambda: b"0.5,inf\n1,2\n",
    "csv/minus_infinity.csv": lambda: b"a,b\n-Infinity,1\n",
    "csv/overflow_1e400.csv": lambda: b"a,b\n1e400,1\n",
    "csv/huge_values.csv": lambda: b"a,b\n1e308,-1e308\n1,2\n",
    "csv/ragged_short_row.csv": lambda: b"a,b,c\n1,2,3\n4,5\n",
    "csv/ragged_long_row.csv": lambda: b"a,b\n1,2\n3,4\n5,6,7\n",
    "csv/semicolons_mixed_with_commas.csv": lambda: b"a;b\n1;2\n3,4\n",
    "csv/semicolons_text_cell.csv": lambda: b"a;b\n1,5;2\n3;zwei\n",
    "csv/bom_header_only.csv": lambda: b"\xef\xbb\xbfa,b\n",
    "csv/bom_bad_cell.csv": lambda: b"\xef\xbb\xbfa,b\n1,2\nx,3\n",
    "csv/empty_cell.csv": lambda: b"1,,3\n4,5,6\n",
    "csv/only_delimiters.csv": lambda: b",,,\n,,,\n",
    "csv/unclosed_quote.csv": lambda: b'a,b\n1,"2\n3,4\n',
    "csv/unclosed_quote_mid_file.csv": lambda: b'a,b\n1,2\n3,"4\n5,6\n7,8\n',
    "csv/wide_33_columns.csv": lambda: (",".join(["1"] * 33) + "\n").encode(),
    "csv/rows_2001.csv": lambda: b"1\n" * 2001,
    "csv/html_cell.csv": lambda: b"a,b\n<script>alert(1)</script>,1\n",
    "csv/zero_width_space.csv": lambda: "a,b\n1\u200b,2\n".encode(),
    "csv/utf16.csv": lambda: "a,b\n1,2\n".encode("utf-16"),
    "csv/latin1.csv": lambda: "größe,b\n1,2\n".encode("latin-1"),
    "csv/xlsx_renamed.csv": lambda: b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40,
    "csv/png_renamed.csv": lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(16, 64)),
    # weight files (torch layout, nn.LSTM(2, 3) unless said otherwise)
    "weights/missing_key.npz": lambda: npz(_with(bias_hh_l0=None)),
    "weights/extra_key.npz": lambda: npz(_with(notes_l0=np.zeros(3))),
    "weights/wrong_shape.npz": lambda: npz(_with(weight_hh_l0=np.zeros((12, 5)))),
    "weights/nan.npz": lambda: npz(_with(bias_ih_l0=np.full(12, np.nan))),
    "weights/inf.safetensors": lambda: save_safetensors(_with(bias_hh_l0=np.full(12, np.inf))),
    "weights/huge_values.npz": lambda: npz(_with(weight_hh_l0=np.full((12, 3), 1e300))),
    "weights/truncated.npz": lambda: npz(torch_set())[:400],
    "weights/truncated.safetensors": lambda: save_safetensors(torch_set())[:300],
    "weights/garbage.npz": lambda: b"these are not the weights you are looking for\n" * 3,
    "weights/npy_renamed.npz": lambda: _npy(np.zeros((12, 2))),
    "weights/three_d.npz": lambda: npz(_with(weight_ih_l0=np.zeros((12, 2, 1)))),
    "weights/text_array.npz": lambda: npz(_with(bias_ih_l0=np.array(["0.1"] * 12))),
    "weights/header_claims_80_gb.npz": _header_claims,
    "weights/unknown_keys.npz": lambda: npz({"encoder.weight": np.zeros((3, 3))}),
    "weights/hidden_0.npz": lambda: npz(
        {"weight_ih_l0": np.zeros((0, 2)), "weight_hh_l0": np.zeros((0, 0)), "bias_ih_l0": np.zeros(0)}
        | {"bias_hh_l0": np.zeros(0)}
    ),
    "weights/strings.json": lambda: json_doc(_with(bias_ih_l0=["0.1"] * 12)),
    "weights/booleans.json": lambda: json_doc(_with(bias_ih_l0=[True] * 12)),
    "weights/nested_junk.json": lambda: json_doc(_with(weight_ih_l0=[[1, [2, 3]], {"a": 1}, None])),
    "weights/not_json.json": lambda: b"weight_ih_l0,1,2\n0.5,0.25\n",
    "weights/json_array.json": lambda: b"[[1, 2], [3, 4]]",
    "weights/unknown_variant.json": lambda: json_doc(torch_set(), variant="lstm2000", layout="torch"),
    # found by the issue-16 corpus and the fuzz suite (tests/bad_inputs/test_fuzz_readers.py)
    "weights/bool.safetensors": lambda: save_safetensors(_with(bias_ih_l0=np.ones(12, bool))),
    "weights/f8.safetensors": lambda: _safetensors_as("F8_E4M3", 1),
    "weights/bool.npz": lambda: npz(_with(bias_ih_l0=np.ones(12, bool))),
    "weights/complex.npz": lambda: npz(_with(bias_ih_l0=np.ones(12, complex))),
    "weights/npy_v2_claims_80_gb.npz": lambda: _claims_80_gb(version=(2, 0)),
    "weights/npy_v3_claims_80_gb.npz": lambda: _claims_80_gb(version=(3, 0)),
    "weights/no_suffix_claims_80_gb.npz": lambda: _claims_80_gb("weight_ih_l0"),
    "weights/npy_version_9.npz": lambda: _with_member(
        "bias_x_l0.npy", npy_bytes({"descr": "<f8", "fortran_order": False, "shape": (1,)}, bytes(8), (9, 0))
    ),
    "weights/npy_short_data.npz": lambda: _with_member(
        "notes.npy", npy_bytes({"descr": "<f8", "fortran_order": False, "shape": (1000,)}, bytes(80))
    ),
    "weights/npz_text_member.npz": lambda: _with_member("README.txt", b"exported by hand\n"),
    "weights/npz_encrypted.npz": lambda: _encrypted_flag(npz(torch_set())),
    "weights/record_variant_list.json": lambda: json_doc(torch_set(), variant=["standard"], layout="torch"),
    "weights/record_kind_list.npz": lambda: npz(
        torch_set() | {"__lstm_gate_lab__": np.array(json.dumps({"kind": ["rnn"], "layout": "torch"}))}
    ),
    "weights/json_5000_digits.json": lambda: json_doc(_with(bias_ih_l0=[0] * 12)).replace(
        b'"bias_ih_l0": [0', b'"bias_ih_l0": [1' + b"0" * 4999, 1
    ),
    "weights/json_1e30.json": lambda: json_doc(_with(bias_ih_l0=[10**30] + [0] * 11)),
    "weights/json_utf16.json": lambda: json_doc(torch_set()).decode().encode("utf-16"),
    "weights/layer_99999999.npz": lambda: npz(
        {"weight_hh_l0": np.zeros((12, 3)), "weight_ih_l99999999": np.zeros((12, 3))}
    ),
    "weights/safetensors_header_beyond.safetensors": lambda: (10**9).to_bytes(8, "little") + b"{}",
    "weights/safetensors_shape_80_gb.safetensors": lambda: _safetensors_header(
        {"weight_ih_l0": {"dtype": "F64", "shape": [100_000, 100_000], "data_offsets": [0, 8]}}, bytes(8)
    ),
    "weights/safetensors_offsets_beyond.safetensors": lambda: _safetensors_header(
        {"weight_ih_l0": {"dtype": "F64", "shape": [12, 2], "data_offsets": [0, 192]}}, bytes(8)
    ),
    "csv/utf16_no_bom.csv": lambda: "a,b\n1,2\n".encode("utf-16-le"),
    "csv/utf16_be_no_bom.csv": lambda: "a,b\n1,2\n".encode("utf-16-be"),
    "csv/utf32.csv": lambda: "a,b\n1,2\n".encode("utf-32"),
}


def _hidden_implied_10000() -> bytes:
    """weight_ih_l0 (40000, 1) says hidden size 10,000; weight_hh_l0 would need 400 million numbers."""
    w = {"weight_ih_l0": np.zeros((40_000, 1)), "bias_ih_l0": np.zeros(40_000)}
    return npz(w | {"bias_hh_l0": np.zeros(40_000), "weight_hh_l0": np.zeros((40_000, 1))})


GENERATED: dict[str, Callable[[], bytes | str]] = {
    "csv_100000_rows": lambda: _csv_rows(100_000),
    "csv_7_mb": lambda: b"1\n" * 3_500_000,
    "csv_binary_junk": lambda: bytes(range(256)) * 16,
    "weights_pickle_renamed_npz": lambda: pickle.dumps({"weight_ih_l0": np.zeros((12, 2))}),
    "weights_pickle_pt": lambda: pickle.dumps({"weight_ih_l0": np.zeros((12, 2))}),
    "weights_hidden_64": lambda: save_safetensors(torch_set(2, 64)),
    "weights_input_1000": lambda: save_safetensors(torch_set(1000, 2)),
    "weights_layers_10": lambda: npz(torch_set() | {"weight_ih_l9": np.zeros((12, 3))}),
    "weights_hidden_implied_10000": _hidden_implied_10000,
    "weights_zip_bomb": _zip_bomb,
    "weights_json_11_mb": lambda: json_doc(torch_set()) + b" " * (11 * 2**20),
    "weights_json_nested_100000_deep": lambda: (
        b'{"weights": {"weight_ih_l0": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}"
    ),
    "typed_2001_lines": lambda: "\n".join(["0.5, 1"] * 2001),
    "typed_2001_values_on_one_line": lambda: ", ".join(["1"] * 2001),
    # 2,000 steps × 8 features: a valid sequence in every way but its length in characters (174,000)
    "typed_174000_characters": lambda: "\n".join([", ".join(["0.1234567"] * 8)] * 2000),
}


def main() -> None:
    for name, make in COMMITTED.items():
        path = HERE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(make())
    print(f"wrote {len(COMMITTED)} files under {HERE}")


if __name__ == "__main__":
    main()
