"""Input presets, parsing of typed numbers and CSV uploads, validation and the CSV round trip."""

from __future__ import annotations

import contextlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lstm_core.limits import UPLOAD_BYTES
from lstm_core.sequences import (
    DEFAULT_LENGTH,
    MAX_FEATURES,
    MAX_STEPS,
    MAX_TEXT_CHARS,
    PRESET_TEXT,
    PRESETS,
    Preset,
    Sequence,
    SequenceError,
    make_preset,
    parse_csv,
    parse_numbers,
    to_csv,
    validate_sequence,
)

PRESET_KEYS = ("sine", "pulse", "step", "remember_first", "count_ones", "noise", "text")
RANDOM_PRESETS = ("remember_first", "count_ones", "noise")
FEATURES = {"sine": 2, "pulse": 1, "step": 1, "remember_first": 2, "count_ones": 1, "noise": 2, "text": 8}


def error_of(func, *args) -> str:
    with pytest.raises(SequenceError) as info:
        func(*args)
    return str(info.value)


# --------------------------------------------------------------------------------------------------------
# Presets
# --------------------------------------------------------------------------------------------------------


def test_preset_keys_are_exactly_these_in_order():
    assert tuple(PRESETS) == PRESET_KEYS
    for key, preset in PRESETS.items():
        assert isinstance(preset, Preset)
        assert preset.key == key
        assert preset.title and preset.description and "\n" not in preset.description


@pytest.mark.parametrize("key", PRESET_KEYS)
@pytest.mark.parametrize("length", [1, 2, 3, DEFAULT_LENGTH, 101, MAX_STEPS])
def test_preset_shape_dtype_finite(key, length):
    seq = make_preset(key, length=length, seed=3)
    assert isinstance(seq, Sequence)
    assert seq.key == key
    assert seq.x.shape == (length, FEATURES[key])
    assert seq.x.dtype == np.float64
    assert np.isfinite(seq.x).all()
    assert len(seq.feature_names) == seq.x.shape[1]
    assert seq.title and seq.description


def test_default_length_is_20():
    assert DEFAULT_LENGTH == 20
    for key in PRESET_KEYS:
        assert make_preset(key).x.shape[0] == 20
        assert PRESETS[key].make(20, 0) == make_preset(key)


@pytest.mark.parametrize("key", PRESET_KEYS)
def test_preset_deterministic_for_a_seed(key):
    a, b = make_preset(key, 50, seed=7), make_preset(key, 50, seed=7)
    np.testing.assert_array_equal(a.x, b.x)
    assert a == b and hash(a) == hash(b)


@pytest.mark.parametrize("key", RANDOM_PRESETS)
def test_random_presets_differ_between_seeds(key):
    assert PRESETS[key].uses_seed
    assert not np.array_equal(make_preset(key, 50, seed=0).x, make_preset(key, 50, seed=1).x)


@pytest.mark.parametrize("key", sorted(set(PRESET_KEYS) - set(RANDOM_PRESETS)))
def test_fixed_presets_ignore_the_seed(key):
    assert not PRESETS[key].uses_seed
    np.testing.assert_array_equal(make_preset(key, 30, seed=0).x, make_preset(key, 30, seed=99).x)


def test_sequence_x_is_read_only_copy():
    source = np.zeros((3, 1))
    seq = Sequence("mine", "Mine", source, "", ("a",))
    source[0, 0] = 5.0
    assert seq.x[0, 0] == 0.0
    with pytest.raises(ValueError):
        seq.x[0, 0] = 1.0
    assert make_preset("noise").x.flags.writeable is False


def test_sequence_defaults_and_checks_feature_names():
    assert Sequence("u", "U", np.ones(4)).feature_names == ("x1",)
    with pytest.raises(SequenceError):
        Sequence("u", "U", np.ones((4, 2)), "", ("only one",))


def test_sine_values():
    x = make_preset("sine", 40).x
    t = np.arange(40)
    np.testing.assert_allclose(x[:, 0], np.sin(2 * np.pi * t / 8), atol=0, rtol=0)
    np.testing.assert_allclose(x[:, 1], np.sin(2 * np.pi * t / 20), atol=0, rtol=0)


@pytest.mark.parametrize("length", [1, 2, 20, 333])
def test_pulse_is_one_then_zeros(length):
    expected = np.zeros((length, 1))
    expected[0, 0] = 1.0
    np.testing.assert_array_equal(make_preset("pulse", length).x, expected)


@pytest.mark.parametrize("length", [1, 2, 3, 20, 21])
def test_step_switches_at_the_middle(length):
    x = make_preset("step", length).x[:, 0]
    middle = length // 2
    np.testing.assert_array_equal(x[:middle], 0.0)
    np.testing.assert_array_equal(x[middle:], 1.0)


@pytest.mark.parametrize("seed", range(6))
def test_remember_first_value_only_at_t0(seed):
    x = make_preset("remember_first", 30, seed=seed).x
    assert x[0, 0] in (-1.0, 1.0)
    np.testing.assert_array_equal(x[1:, 0], 0.0)
    assert x[0, 1] == 0.0
    assert np.all(np.abs(x[1:, 1]) <= 1.0)
    assert np.unique(x[1:, 1]).size == 29  # real noise, not a constant


def test_remember_first_draws_both_signs():
    firsts = {make_preset("remember_first", 5, seed=s).x[0, 0] for s in range(40)}
    assert firsts == {-1.0, 1.0}


def test_count_ones_bits():
    x = make_preset("count_ones", 500, seed=1).x
    assert set(np.unique(x)) == {0.0, 1.0}
    assert 150 < x.sum() < 350


def test_noise_is_standard_gaussian_ish():
    x = make_preset("noise", MAX_STEPS, seed=2).x
    assert abs(x.mean()) < 0.1
    assert 0.9 < x.std() < 1.1


@pytest.mark.parametrize("length", [1, 5, 12, 20, 100])
def test_text_one_hot_decodes_back(length):
    seq = make_preset("text", length)
    assert seq.feature_names == ("␣", "d", "e", "h", "l", "o", "r", "w")
    np.testing.assert_array_equal(seq.x.sum(axis=1), 1.0)
    assert set(np.unique(seq.x)) <= {0.0, 1.0}
    alphabet = [" " if n == "␣" else n for n in seq.feature_names]
    decoded = "".join(alphabet[j] for j in seq.x.argmax(axis=1))
    assert decoded == (PRESET_TEXT * 20)[:length]
    assert decoded.startswith("hello world"[:length])


@pytest.mark.parametrize("length", [0, -1, MAX_STEPS + 1, 10**9, 2.5, "20", None, True])
def test_length_validation(length):
    message = error_of(make_preset, "sine", length)
    assert "1" in message and str(MAX_STEPS) in message


@pytest.mark.parametrize("key", PRESET_KEYS)
def test_each_make_validates_length(key):
    with pytest.raises(ValueError, match=str(MAX_STEPS)):
        PRESETS[key].make(MAX_STEPS + 1, 0)


def test_bad_seed():
    assert "seed" in error_of(make_preset, "noise", 10, -1)


def test_unknown_preset_names_the_keys():
    message = error_of(make_preset, "sawtooth")
    assert "sawtooth" in message
    for key in PRESET_KEYS:
        assert key in message
    assert isinstance(SequenceError("x"), ValueError)


def test_unknown_preset_key_is_escaped():
    message = error_of(make_preset, "<script>alert(1)</script>\x07")
    assert "<" not in message and "\x07" not in message


# --------------------------------------------------------------------------------------------------------
# validate_sequence
# --------------------------------------------------------------------------------------------------------


def test_validate_converts_1d_and_ints():
    out = validate_sequence([1, 2, 3])
    assert out.shape == (3, 1) and out.dtype == np.float64
    np.testing.assert_array_equal(out, [[1.0], [2.0], [3.0]])


def test_validate_returns_a_copy():
    a = np.ones((2, 2))
    out = validate_sequence(a)
    out[0, 0] = 7
    assert a[0, 0] == 1


@pytest.mark.parametrize(
    ("x", "fact"),
    [
        (np.zeros((0, 2)), "empty"),
        (np.zeros((3, 0)), "no features"),
        (np.zeros((2, 2, 2)), "(2, 2, 2)"),
        (np.float64(1.0), "()"),
        (np.zeros((MAX_STEPS + 1, 1)), f"{MAX_STEPS + 1}"),
        (np.zeros((MAX_STEPS + 1, 1)), f"{MAX_STEPS}"),
        (np.zeros((2, MAX_FEATURES + 1)), f"{MAX_FEATURES + 1}"),
        (np.zeros((2, MAX_FEATURES + 1)), f"{MAX_FEATURES}"),
        (np.array([[1, 2], [3, np.nan], [5, 6]]), "Row 2, column 2 is not a finite number"),
        (np.array([[1, 2], [3, 4], [np.inf, 6]]), "Row 3, column 1 is not a finite number"),
        ([[1, 2], [3]], "different numbers"),
        (np.array([1 + 2j]), "complex"),
        (["a", "b"], "not numbers"),
    ],
)
def test_validate_errors(x, fact):
    assert fact in error_of(validate_sequence, x)


# --------------------------------------------------------------------------------------------------------
# parse_numbers
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1, 2, 3", [[1], [2], [3]]),
        ("1 2 3", [[1], [2], [3]]),
        ("1;2;3;", [[1], [2], [3]]),
        ("  -1.5e2\t+.5  ", [[-150], [0.5]]),
        ("7", [[7]]),
        ("1 2\n3 4", [[1, 2], [3, 4]]),
        ("1, 2\r\n3,4\r\n", [[1, 2], [3, 4]]),
        ("1;2\n\n  \n3\t4\n", [[1, 2], [3, 4]]),
        ("1\n2\n3", [[1], [2], [3]]),
        ("\ufeff0.1,0.2\n0.3,0.4", [[0.1, 0.2], [0.3, 0.4]]),
        ("1,2,\n3,4,", [[1, 2], [3, 4]]),
        ("1\u00a02", [[1], [2]]),  # a non-breaking space pasted from a web page separates values too
    ],
)
def test_parse_numbers_good(text, expected):
    out = parse_numbers(text)
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, np.array(expected, dtype=np.float64))


@pytest.mark.parametrize(
    ("text", "facts"),
    [
        ("", ["empty"]),
        ("  \n\t\n", ["empty"]),
        ("1, 2, abc", ["Line 1, value 3", "'abc'", "not a number"]),
        ("1 2\n3 4\n5 x7", ["Line 3, value 2", "'x7'"]),
        ("1 2\n\n3 4\n5 1_0", ["Line 4, value 2", "'1_0'"]),
        ("1,,2", ["Line 1, value 2", "empty"]),
        ("1 2\n3 nan", ["Line 2, value 2", "not a finite number"]),
        ("1 2\n3 4\ninf 5", ["Line 3, value 1", "not a finite number"]),
        ("1 2\n1e999 5", ["Line 2, value 1", "not a finite number"]),
        ("1 2\n3 4 5", ["Line 2 has 3 values", "line 1 has 2"]),
        ("1 2 3\n4", ["Line 2 has 1 value,", "line 1 has 3"]),
        ("1\x072", ["Line 1, character 2", "U+0007"]),
        ("1\n2\u200b", ["Line 2, character 2", "U+200B"]),
        ("1\n\u202e2", ["Line 2, character 1", "U+202E"]),
    ],
)
def test_parse_numbers_errors(text, facts):
    message = error_of(parse_numbers, text)
    for fact in facts:
        assert fact in message


def test_parse_numbers_long_value_is_truncated_and_escaped():
    message = error_of(parse_numbers, "1\n<b>" + "y" * 100 + "</b>")
    assert "<" not in message and ">" not in message
    assert "y" * 30 not in message
    assert "…" in message


def test_parse_numbers_too_long_single_line():
    message = error_of(parse_numbers, " ".join(["1"] * (MAX_STEPS + 5)))
    assert str(MAX_STEPS + 5) in message and str(MAX_STEPS) in message


def test_parse_numbers_too_many_lines():
    message = error_of(parse_numbers, "1\n" * (MAX_STEPS + 1))
    assert str(MAX_STEPS + 1) in message and str(MAX_STEPS) in message


def test_parse_numbers_max_sizes_ok():
    assert parse_numbers(" ".join(["1"] * MAX_STEPS)).shape == (MAX_STEPS, 1)
    assert parse_numbers(",".join(["1"] * MAX_FEATURES) + "\n" + ",".join(["2"] * MAX_FEATURES)).shape == (
        2,
        MAX_FEATURES,
    )


def test_parse_numbers_too_wide():
    row = " ".join(["1"] * (MAX_FEATURES + 1))
    message = error_of(parse_numbers, f"{row}\n{row}")
    assert str(MAX_FEATURES + 1) in message and str(MAX_FEATURES) in message


def test_parse_numbers_too_many_characters():
    message = error_of(parse_numbers, " " * (MAX_TEXT_CHARS + 1))
    assert str(MAX_TEXT_CHARS + 1) in message and str(MAX_TEXT_CHARS) in message


def test_parse_numbers_rejects_non_str():
    with pytest.raises(TypeError):
        parse_numbers(b"1 2")


# --------------------------------------------------------------------------------------------------------
# parse_csv
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected", "names"),
    [
        ("1,2\n3,4\n", [[1, 2], [3, 4]], ("x1", "x2")),
        ("a,b\n1,2\n3,4\n", [[1, 2], [3, 4]], ("a", "b")),
        (b"a,b\n1,2\n", [[1, 2]], ("a", "b")),
        (b"\xef\xbb\xbftime;value\n0;1,5\n1;-2,25\n", [[0, 1.5], [1, -2.25]], ("time", "value")),
        ("x\ty\n1.5\t2\n", [[1.5, 2]], ("x", "y")),
        ("1 2\n3 4", [[1, 2], [3, 4]], ("x1", "x2")),
        ("5\n6\n7", [[5], [6], [7]], ("x1",)),
        ("\n\n a , b \n\n1, 2\n\n3 ,4\n\n", [[1, 2], [3, 4]], ("a", "b")),
        ('"a","b"\n"1","2"\n', [[1, 2]], ("a", "b")),
        ("a,b,\n1,2,\n3,4,\n", [[1, 2], [3, 4]], ("a", "b")),
        (",b\n1,2\n", [[1, 2]], ("x1", "b")),
        ("Wert Größe\r\n1e-3 2E+2\r\n", [[0.001, 200]], ("Wert", "Größe")),
        ("1\r2\r3", [[1], [2], [3]], ("x1",)),
        (bytearray(b"1,2"), [[1, 2]], ("x1", "x2")),
    ],
)
def test_parse_csv_good(data, expected, names):
    x, got_names = parse_csv(data)
    assert x.dtype == np.float64
    np.testing.assert_array_equal(x, np.array(expected, dtype=np.float64))
    assert got_names == names


def test_parse_csv_long_header_name_is_shortened():
    _, names = parse_csv("a" * 100 + ",b\n1,2\n")
    assert len(names[0]) <= 40 and names[0].endswith("…")


@pytest.mark.parametrize(
    ("data", "facts"),
    [
        ("", ["empty"]),
        (b"", ["empty"]),
        ("\n \n", ["empty"]),
        ("a,b\n", ["header", "no rows of numbers"]),
        ("a,b\n\n\n", ["header", "no rows of numbers"]),
        ("a,b\n1,2\n3,abc\n", ["Row 3, column 2", "'abc'", "not a number"]),
        ("1;2\n3;4\n5;xyz\n", ["Row 3, column 2", "'xyz'"]),
        ("1,2\n3,4\n5,nan\n", ["Row 3, column 2 is not a finite number"]),
        ("a,b\n1,2\ninf,4\n", ["Row 3, column 1 is not a finite number"]),
        ("a,b\n1,2\n-Infinity,4\n", ["Row 3, column 1 is not a finite number"]),
        ("a,b\n1,2\n1e400,4\n", ["Row 3, column 1 is not a finite number"]),
        ("a,b\n1,,2\n", ["Row 2 has 3 values", "header (row 1) has 2"]),
        ("1,,3\n4,5,6\n", ["Row 1, column 2", "empty"]),
        ("a,b\n1,2\n3\n", ["Row 3 has 1 value,", "header (row 1) has 2"]),
        ("1,2\n3,4,5\n", ["Row 2 has 3 values", "row 1 has 2"]),
        ("\n\n1,2\n\n3,4,5,6\n", ["Row 5 has 4 values", "row 3 has 2"]),
        ("t,1\n2,3\n", ["Row 1, column 1", "'t'", "header"]),
        ("1,2\n3,\x074\n", ["Row 2, character 3", "U+0007"]),
        ('a,"b\n1,2\n', ["could not be read as CSV"]),
    ],
)
def test_parse_csv_errors(data, facts):
    message = error_of(parse_csv, data)
    for fact in facts:
        assert fact in message


def test_parse_csv_too_many_rows():
    message = error_of(parse_csv, "v\n" + "1\n" * (MAX_STEPS + 1))
    assert str(MAX_STEPS + 1) in message and str(MAX_STEPS) in message
    message = error_of(parse_csv, "1\n" * (MAX_STEPS + 1))
    assert str(MAX_STEPS + 1) in message and str(MAX_STEPS) in message
    message = error_of(parse_csv, "1\n" * (MAX_STEPS + 500))
    assert str(MAX_STEPS + 500) in message and str(MAX_STEPS) in message


def test_parse_csv_max_rows_with_header_ok():
    x, names = parse_csv("v\n" + "1\n" * MAX_STEPS)
    assert x.shape == (MAX_STEPS, 1) and names == ("v",)


@pytest.mark.parametrize("width", [MAX_FEATURES + 1, MAX_FEATURES + 2, 1000])
def test_parse_csv_too_wide(width):
    row = ",".join(["1"] * width)
    message = error_of(parse_csv, f"{row}\n{row}\n")
    assert str(width) in message and str(MAX_FEATURES) in message
    assert "Row 1" in message


def test_parse_csv_wide_later_row_is_reported_with_its_row():
    message = error_of(parse_csv, "1,2\n3,4\n" + ",".join(["5"] * 100) + "\n")
    assert "Row 3 has 100 values" in message


def test_parse_csv_max_width_ok():
    row = ",".join(["1"] * MAX_FEATURES)
    assert parse_csv(f"{row}\n{row}\n")[0].shape == (2, MAX_FEATURES)


def test_parse_csv_too_many_characters():
    message = error_of(parse_csv, "1\n" + " " * MAX_TEXT_CHARS)
    assert str(MAX_TEXT_CHARS) in message
    message = error_of(parse_csv, b"1" * (UPLOAD_BYTES + 1))
    assert "The file is 5,000,001 bytes; files of at most 5 MB (5,000,000 bytes) are accepted" in message
    assert f"at most {MAX_TEXT_CHARS:,} characters of CSV text" in message


@pytest.mark.parametrize(
    "data",
    [
        b"a,b\n1,\xe9\n",  # Latin-1 "é"
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"PK\x03\x04\x14\x00\x06\x00",  # an .xlsx
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",  # an old .xls
        "a,b\n1,2\n".encode("utf-16"),
        bytes(range(256)),
    ],
)
def test_parse_csv_not_utf8(data):
    assert "the file is not utf-8 text" in error_of(parse_csv, data).lower()


def test_parse_csv_invalid_byte_position():
    assert "byte 6" in error_of(parse_csv, b"a,b\n1\xff,2\n")


def test_parse_csv_message_escapes_markup():
    message = error_of(parse_csv, "a,b\n1,<img src=x onerror=alert(1)>\n")
    assert "<" not in message and ">" not in message
    assert "Row 2, column 2" in message


def test_parse_csv_never_drops_a_line_silently():
    # Odd quoting once made pandas skip a row with only a warning, shortening the sequence unnoticed.
    with pytest.raises(SequenceError, match="could not be read as CSV"):
        parse_csv('""0\r\r0')


def test_parse_csv_rejects_other_types():
    with pytest.raises(TypeError):
        parse_csv(12)


# --------------------------------------------------------------------------------------------------------
# to_csv and the round trip
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", PRESET_KEYS)
def test_presets_round_trip_through_csv(key):
    seq = make_preset(key, 37, seed=5)
    x, names = parse_csv(to_csv(seq.x, seq.feature_names))
    np.testing.assert_array_equal(x, seq.x)
    assert names == seq.feature_names
    x2, _ = parse_csv(to_csv(seq.x, seq.feature_names).encode("utf-8"))
    np.testing.assert_array_equal(x2, seq.x)


def test_to_csv_default_names_and_header():
    text = to_csv(np.array([[1.0, 2.0]]))
    assert text.splitlines()[0] == "x1,x2"
    assert parse_csv(text)[1] == ("x1", "x2")


@pytest.mark.parametrize("names", [("a",), ("1", "b"), ("", "b"), ("a\x07", "b")])
def test_to_csv_rejects_names_that_would_not_read_back(names):
    with pytest.raises(ValueError):
        to_csv(np.zeros((2, 2)), names)


def test_to_csv_validates_x():
    with pytest.raises(SequenceError):
        to_csv(np.array([[np.nan]]))


finite = st.floats(allow_nan=False, allow_infinity=False, width=64)


@settings(max_examples=150, deadline=None)
@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 40), st.integers(1, 8)),
        elements=finite,
    )
)
def test_csv_round_trip_is_exact(x):
    back, names = parse_csv(to_csv(x))
    assert back.shape == x.shape
    np.testing.assert_array_equal(back, x)
    assert names == tuple(f"x{j + 1}" for j in range(x.shape[1]))


@settings(max_examples=100, deadline=None)
@given(
    arrays(np.float64, st.tuples(st.integers(2, 30), st.integers(1, 6)), elements=finite),
    st.sampled_from([",", ";", "\t", " "]),
)
def test_parse_numbers_reads_repr_exactly(x, sep):
    text = "\n".join(sep.join(repr(float(v)) for v in row) for row in x)
    np.testing.assert_array_equal(parse_numbers(text), x)


CSV_LIKE = st.text(alphabet='0123456789.,;\t \n\r-+eE"abnif\ufeff', max_size=200)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), CSV_LIKE))
def test_parse_csv_never_crashes_unexpectedly(text):
    try:
        x, names = parse_csv(text)
    except SequenceError:
        return
    assert x.ndim == 2 and np.isfinite(x).all() and len(names) == x.shape[1]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_parse_csv_bytes_never_crash_unexpectedly(data):
    with contextlib.suppress(SequenceError):
        parse_csv(data)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), CSV_LIKE))
def test_parse_numbers_never_crashes_unexpectedly(text):
    try:
        x = parse_numbers(text)
    except SequenceError:
        return
    assert x.ndim == 2 and np.isfinite(x).all()
