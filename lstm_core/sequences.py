"""Input sequences: presets a teacher reaches for, and parsing + validation of the learner's own data.

Every sequence is a float64 array ``x`` of shape ``(T, I)``: T time steps (rows), I features (columns),
1 <= T <= MAX_STEPS, 1 <= I <= MAX_FEATURES, every value finite.

User data arrives as typed text (:func:`parse_numbers`) or as a CSV upload (:func:`parse_csv`). Anything
wrong raises :class:`SequenceError`, a ``ValueError`` whose message is meant to be shown to the person who
typed or uploaded the data as is: what is wrong, where (1-based line/row and column numbers) and what is
allowed. Offending text is quoted through :func:`_quote`, so no control characters or HTML/Markdown markup
from the input reach the page.

Only NumPy and pandas are used here (docs/design.md §5).
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from numbers import Integral

import numpy as np
import pandas as pd

from .limits import UPLOAD_BYTES, too_big

__all__ = [
    "DEFAULT_LENGTH",
    "MAX_ABS_VALUE",
    "MAX_CSV_BYTES",
    "MAX_FEATURES",
    "MAX_STEPS",
    "MAX_TEXT_CHARS",
    "PRESETS",
    "PRESET_TEXT",
    "Preset",
    "Sequence",
    "SequenceError",
    "default_feature_names",
    "make_count_ones",
    "make_noise",
    "make_preset",
    "make_pulse",
    "make_remember_first",
    "make_sine",
    "make_step",
    "make_text",
    "parse_csv",
    "parse_numbers",
    "to_csv",
    "validate_sequence",
]

MAX_STEPS = 2000
MAX_FEATURES = 32
MAX_TEXT_CHARS = 1_500_000  # a 2000 × 32 table at full precision is about 1.2 million characters
MAX_CSV_BYTES = UPLOAD_BYTES  # the one upload limit (lstm_core/limits.py)
# Largest |value| the app takes from a learner (parse_* with max_abs=MAX_ABS_VALUE): beyond it every gate
# is saturated anyway, and values near 1e308 overflow W x to inf in the pre-activations.
MAX_ABS_VALUE = 1e6
DEFAULT_LENGTH = 20

# The text preset: short, familiar, with a repeated letter ("l", "o") so memory has something to do.
PRESET_TEXT = "hello world "
SPACE_SYMBOL = "␣"  # a visible stand-in for " " in legends and CSV headers

SINE_PERIODS = (8, 20)

# Longest header name kept from an upload: legends and tables have to stay readable.
MAX_NAME_CHARS = 40


class SequenceError(ValueError):
    """Bad input data; the message is written for the end user and is safe to show as is."""


# ---------------------------------------------------------------------------------------------------------
# The Sequence record
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Sequence:
    """One input sequence and how to label it.

    key: preset key (or any short id such as "upload"); title: human name; x: (T, I) float64, read-only;
    description: one or two sentences for the page; feature_names: I labels, one per column of x.

    ``x`` is validated (:func:`validate_sequence`), copied and made read-only, so a Sequence really is
    frozen and can be shared between cached calls. Equality compares values (the dataclass default would
    compare arrays element-wise and fail).
    """

    key: str
    title: str
    x: np.ndarray
    description: str = ""
    feature_names: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        x = validate_sequence(self.x)
        x.setflags(write=False)
        names = tuple(str(n) for n in self.feature_names) or default_feature_names(x.shape[1])
        if len(names) != x.shape[1]:
            raise SequenceError(f"There are {len(names)} feature names for {x.shape[1]} features.")
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "feature_names", names)

    @property
    def length(self) -> int:
        """T, the number of time steps."""
        return int(self.x.shape[0])

    @property
    def num_features(self) -> int:
        """I, the number of features per step (the LSTM's input_size)."""
        return int(self.x.shape[1])

    def _identity(self) -> tuple:
        return (self.key, self.title, self.description, self.feature_names, self.x.shape, self.x.tobytes())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return self._identity() == other._identity()

    def __hash__(self) -> int:
        return hash(self._identity())


def default_feature_names(num_features: int) -> tuple[str, ...]:
    """("x1", ..., "xI"): 1-based, as a learner counts."""
    return tuple(f"x{j + 1}" for j in range(num_features))


# ---------------------------------------------------------------------------------------------------------
# Presets
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preset:
    """A named input a teacher can pick. ``make(length, seed)`` returns a :class:`Sequence` of shape
    (length, I); ``uses_seed`` tells the UI whether a seed control changes anything."""

    key: str
    title: str
    description: str
    make: Callable[[int, int], Sequence]
    uses_seed: bool


def _check_length(length: object) -> int:
    # bool is an Integral too, but "length=True" is always a mistake.
    if isinstance(length, bool) or not isinstance(length, Integral) or not 1 <= length <= MAX_STEPS:
        raise SequenceError(
            f"The length must be a whole number of time steps from 1 to {MAX_STEPS}; got {_quote(length)}."
        )
    return int(length)


def _rng(seed: object) -> np.random.Generator:
    """The generator for ``seed``. Presets that draw nothing still call it, so a bad seed (say from a query
    parameter) fails the same way whichever preset is chosen."""
    if isinstance(seed, bool) or not isinstance(seed, Integral) or seed < 0:
        raise SequenceError(f"The seed must be a whole number 0 or larger; got {_quote(seed)}.")
    return np.random.default_rng(int(seed))


def make_sine(length: int = DEFAULT_LENGTH, seed: int = 0) -> Sequence:
    """Two sine waves, periods 8 and 20 steps, starting at 0. x: (length, 2). The seed is not used."""
    t = np.arange(_check_length(length), dtype=np.float64)
    _rng(seed)
    x = np.stack([np.sin(2 * np.pi * t / p) for p in SINE_PERIODS], axis=1)
    return Sequence(
        "sine",
        "Two sine waves",
        x,
        f"sin(2πt/{SINE_PERIODS[0]}) and sin(2πt/{SINE_PERIODS[1]}): smooth, predictable input.",
        tuple(f"sine (period {p})" for p in SINE_PERIODS),
    )


def make_pulse(length: int = DEFAULT_LENGTH, seed: int = 0) -> Sequence:
    """A single 1.0 at t = 0, then zeros. x: (length, 1). The seed is not used."""
    x = np.zeros((_check_length(length), 1))
    _rng(seed)
    x[0, 0] = 1.0
    return Sequence("pulse", "Single pulse", x, "One 1 at the first step, then silence.", ("pulse",))


def make_step(length: int = DEFAULT_LENGTH, seed: int = 0) -> Sequence:
    """0 for t < length // 2, then 1. x: (length, 1). The seed is not used."""
    n = _check_length(length)
    _rng(seed)
    x = np.zeros((n, 1))
    x[n // 2 :, 0] = 1.0
    return Sequence(
        "step", "Step", x, f"0 for the first {n // 2} steps, then 1 from t = {n // 2} on.", ("step",)
    )


def make_remember_first(length: int = DEFAULT_LENGTH, seed: int = 0) -> Sequence:
    """The "remember the first value" task. x: (length, 2).

    x[0, 0] is a random ±1 and x[0, 1] = 0; for t >= 1 feature 0 is 0 and feature 1 is uniform noise in
    [-1, 1) that the cell has to ignore.
    """
    n = _check_length(length)
    rng = _rng(seed)
    value = float(rng.choice([-1.0, 1.0]))
    x = np.zeros((n, 2))
    x[0, 0] = value
    x[1:, 1] = rng.uniform(-1.0, 1.0, size=n - 1)
    return Sequence(
        "remember_first",
        "Remember the first value",
        x,
        f"The first step carries {value:+.0f} in 'value'; after that only distracting noise arrives.",
        ("value", "distractor"),
    )


def make_count_ones(length: int = DEFAULT_LENGTH, seed: int = 0) -> Sequence:
    """Random 0/1 bits, for the "count the ones" task. x: (length, 1)."""
    n = _check_length(length)
    bits = _rng(seed).integers(0, 2, size=(n, 1)).astype(np.float64)
    return Sequence(
        "count_ones",
        "Count the ones",
        bits,
        f"Random bits, {int(bits.sum())} ones in {n} steps: a counter adds to its memory at every 1.",
        ("bit",),
    )


def make_noise(length: int = DEFAULT_LENGTH, seed: int = 0) -> Sequence:
    """Standard Gaussian noise (mean 0, standard deviation 1). x: (length, 2)."""
    x = _rng(seed).standard_normal((_check_length(length), 2))
    return Sequence("noise", "Random noise", x, "Gaussian noise: no pattern at all.", ("noise 1", "noise 2"))


def _one_hot(text: str, alphabet: str) -> np.ndarray:
    """(len(text), len(alphabet)) with a single 1 per row, in alphabet order."""
    index = {ch: j for j, ch in enumerate(alphabet)}
    x = np.zeros((len(text), len(alphabet)))
    x[np.arange(len(text)), [index[ch] for ch in text]] = 1.0
    return x


def make_text(length: int = DEFAULT_LENGTH, seed: int = 0) -> Sequence:
    """PRESET_TEXT repeated and cut to ``length`` characters, one-hot encoded. x: (length, 8).

    The alphabet is that of the whole PRESET_TEXT (sorted), not of the cut text, so I does not change with
    the length. feature_names are the characters, with space shown as "␣". The seed is not used.
    """
    n = _check_length(length)
    _rng(seed)
    alphabet = "".join(sorted(set(PRESET_TEXT)))
    text = (PRESET_TEXT * (n // len(PRESET_TEXT) + 1))[:n]
    return Sequence(
        "text",
        "Text, one-hot",
        _one_hot(text, alphabet),
        f"The characters of {PRESET_TEXT.strip()!r}, one feature per letter ({len(alphabet)} features).",
        tuple(SPACE_SYMBOL if ch == " " else ch for ch in alphabet),
    )


_PRESET_LIST = (
    Preset("sine", "Two sine waves", "Two sine waves of different period: smooth, predictable input.",
           make_sine, uses_seed=False),
    Preset("pulse", "Single pulse", "A single 1 at the first step, then silence: how long is it kept?",
           make_pulse, uses_seed=False),
    Preset("step", "Step", "0 for the first half, then 1: watch the gates react to a sudden change.",
           make_step, uses_seed=False),
    Preset("remember_first", "Remember the first value",
           "A random ±1 at the first step, then distracting noise: remember the first value.",
           make_remember_first, uses_seed=True),
    Preset("count_ones", "Count the ones", "Random 0/1 bits: count the ones in long-term memory.",
           make_count_ones, uses_seed=True),
    Preset("noise", "Random noise", "Gaussian noise in two features: no pattern at all.",
           make_noise, uses_seed=True),
    Preset("text", "Text, one-hot", "'hello world' repeated, one feature per character (one-hot).",
           make_text, uses_seed=False),
)  # fmt: skip
PRESETS: dict[str, Preset] = {p.key: p for p in _PRESET_LIST}


def make_preset(key: str, length: int = DEFAULT_LENGTH, seed: int = 0) -> Sequence:
    """The preset ``key`` (a key of PRESETS) with ``length`` steps. Raises SequenceError naming the keys."""
    preset = PRESETS.get(key) if isinstance(key, str) else None
    if preset is None:
        raise SequenceError(f"Unknown preset {_quote(key)}; choose one of: {', '.join(PRESETS)}.")
    return preset.make(length, seed)


# ---------------------------------------------------------------------------------------------------------
# Validation shared by every way data comes in
# ---------------------------------------------------------------------------------------------------------


def _quote(value: object, limit: int = 20) -> str:
    """Show user input inside a message: cut to ``limit`` characters, repr-escaped (control and invisible
    characters become \\x.. escapes) and with HTML/Markdown specials escaped, because the UI may render
    the message as Markdown."""
    if not isinstance(value, str):  # an int or None from code or a query parameter: its repr is enough
        shown = repr(value)
        return (shown if len(shown) <= limit else shown[:limit] + "…").translate(_MARKUP_ESCAPES)
    text = value if len(value) <= limit else value[:limit] + "…"
    return repr(text).translate(_MARKUP_ESCAPES)


_MARKUP_ESCAPES = {ord(c): f"\\x{ord(c):02x}" for c in "<>&`$*[]"}


def _too_long(count: int, what: str) -> SequenceError:
    return SequenceError(f"The data has {count} {what}; at most {MAX_STEPS} time steps are allowed.")


def _too_wide(count: int, where: str) -> SequenceError:
    return SequenceError(
        f"{where} has {count} values; at most {MAX_FEATURES} features (columns) are allowed."
    )


def validate_sequence(x: object) -> np.ndarray:
    """Check any array-like as an LSTM input and return it as a new (T, I) float64 array.

    1-D input of length T becomes (T, 1). Requires 1 <= T <= MAX_STEPS, 1 <= I <= MAX_FEATURES and finite
    values; raises SequenceError otherwise (rows/columns are 1-based time steps/features).
    """
    try:
        arr = np.asarray(x)
    except ValueError as exc:  # ragged nested lists
        raise SequenceError(
            "The rows have different numbers of values; every time step needs the same."
        ) from exc
    if arr.dtype.kind == "c":
        raise SequenceError("The data contains complex numbers; only real numbers are allowed.")
    try:
        arr = np.array(arr, dtype=np.float64)
    except (TypeError, ValueError, OverflowError) as exc:
        raise SequenceError("The data contains values that are not numbers.") from exc
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise SequenceError(
            f"The data must be a table of time steps × features (2-D); got shape {tuple(arr.shape)}."
        )
    steps, features = arr.shape
    if steps == 0:
        raise SequenceError("The sequence is empty; it needs at least 1 time step.")
    if features == 0:
        raise SequenceError("The sequence has no features; every time step needs at least 1 value.")
    if steps > MAX_STEPS:
        raise _too_long(steps, "time steps (rows)")
    if features > MAX_FEATURES:
        raise _too_wide(features, "Each time step")
    bad = np.argwhere(~np.isfinite(arr))
    if bad.size:
        r, c = bad[0]
        raise SequenceError(f"Row {r + 1}, column {c + 1} is not a finite number ({arr[r, c]}).")
    return np.ascontiguousarray(arr)


# Plain decimal notation only: float() would also take "1_000", "١٢" or " 1 ", which no one means.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_NON_FINITE_WORDS = {"nan", "inf", "infinity"}


def _to_float(cell: str, decimal_comma: bool = False) -> float | None:
    """The number written in ``cell``, or None. "nan"/"inf" parse (so the message can say "not finite")."""
    s = cell.strip()
    # Spreadsheets in many European locales write "1,5" in ";"- or tab-separated files.
    if decimal_comma and s.count(",") == 1 and "." not in s:
        s = s.replace(",", ".")
    if _NUMBER.fullmatch(s) or s.lower().lstrip("+-") in _NON_FINITE_WORDS:
        return float(s)
    return None


def _cell_value(cell: str, where: str, decimal_comma: bool = False, max_abs: float | None = None) -> float:
    """The finite number in ``cell`` at ``where`` (e.g. "Row 3, column 2"), or a SequenceError; with
    ``max_abs`` also one whose size is at most ``max_abs``."""
    if not cell.strip():
        raise SequenceError(f"{where} is empty; every cell needs a number.")
    value = _to_float(cell, decimal_comma)
    if value is None:
        raise SequenceError(f"{where}: {_quote(cell.strip())} is not a number.")
    if not math.isfinite(value):
        raise SequenceError(f"{where} is not a finite number ({_quote(cell.strip())}).")
    if max_abs is not None and abs(value) > max_abs:
        raise SequenceError(
            f"{where} is {value:g}, too large: values must lie between {-max_abs:,.0f} and {max_abs:,.0f}."
        )
    return value


_NEWLINE = re.compile(r"\r\n|\r|\n")


def _check_text(text: str, line_word: str) -> str:
    """Length limit, leading BOM and control characters of typed or uploaded text; returns the text
    without its BOM."""
    if len(text) > MAX_TEXT_CHARS:
        raise SequenceError(
            f"The text has {len(text)} characters; at most {MAX_TEXT_CHARS} characters are allowed."
        )
    text = text.removeprefix("\ufeff")
    for i, ch in enumerate(text):
        if ch.isprintable() or ch in "\t\n\r" or (ch.isspace() and unicodedata.category(ch) != "Cc"):
            continue
        breaks = list(_NEWLINE.finditer(text, 0, i))
        line = len(breaks) + 1
        column = i - (breaks[-1].end() if breaks else 0) + 1
        raise SequenceError(
            f"{line_word} {line}, character {column} is an invisible or control character "
            f"(U+{ord(ch):04X}); delete it and try again."
        )
    return text


# ---------------------------------------------------------------------------------------------------------
# Typed numbers
# ---------------------------------------------------------------------------------------------------------

# One separator: a comma or semicolon with optional spaces around it, or a run of spaces/tabs. So
# "1, 2" is two values, while "1,,2" leaves an empty value that gets reported rather than dropped.
_TYPED_SEPARATOR = re.compile(r"\s*[,;]\s*|\s+")


_DIGIT_COMMA = re.compile(r"\d,\d")
_OTHER_SEPARATOR = re.compile(r"[;\s]")


def _split_typed(line: str, n: int) -> list[str]:
    stripped = line.strip()
    # A trailing comma is habit ("1, 2, 3,"), not a missing value.
    if stripped[-1:] in (",", ";"):
        stripped = stripped[:-1].rstrip()
    _check_glued_commas(stripped, n)
    return _TYPED_SEPARATOR.split(stripped)


def _check_glued_commas(line: str, n: int) -> None:
    """ "1,2,3" is three values, but in "1,000, 2,500" or "1,5; 2,5" a comma between digits is a
    thousands separator or a decimal comma: the line separates its values some other way too. Reading
    it as more values would silently change the data, so it is refused with both ways to write it."""
    if not (_DIGIT_COMMA.search(line) and _OTHER_SEPARATOR.search(line)):
        return
    token = next(t for t in re.split(r"[;\s]+", line) if _DIGIT_COMMA.search(t)).strip(",")
    raise SequenceError(
        f"Line {n}: {_quote(token)} has a comma between digits, while other values on the line are "
        "separated by spaces or semicolons, so it cannot tell whether the comma separates two values. "
        "For one number write it without a thousands separator (1000) and with a decimal point (1.5); "
        "for two values put a space after the comma (1, 000)."
    )


def parse_numbers(text: str, max_abs: float | None = None) -> np.ndarray:
    """Numbers typed into a text box, as a (T, I) float64 array.

    One time step per line; the features of a step are separated by commas, semicolons, spaces or tabs.
    A single line is a 1-feature sequence with one value per step ("1, 2, 3" -> shape (3, 1)). Blank
    lines are skipped; "." is the decimal point. Errors name the 1-based line and value number. With
    ``max_abs`` (the app passes MAX_ABS_VALUE) a value larger than that in size is an error too.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_numbers expects str, got {type(text).__name__}")
    text = _check_text(text, "Line")
    lines = [(n, _split_typed(line, n)) for n, line in enumerate(_NEWLINE.split(text), 1) if line.strip()]
    if not lines:
        raise SequenceError("The input is empty; type at least one number.")
    if len(lines) == 1:
        n, cells = lines[0]
        if len(cells) > MAX_STEPS:
            raise _too_long(len(cells), "values (time steps) on one line")
        values = [_cell_value(c, f"Line {n}, value {j}", max_abs=max_abs) for j, c in enumerate(cells, 1)]
        return validate_sequence(np.array(values)[:, None])
    if len(lines) > MAX_STEPS:
        raise _too_long(len(lines), "lines (time steps)")
    first_line, first_cells = lines[0]
    width = len(first_cells)
    if width > MAX_FEATURES:
        raise _too_wide(width, f"Line {first_line}")
    rows = []
    for n, cells in lines:
        if len(cells) != width:
            raise SequenceError(
                f"Line {n} has {_count(len(cells))}, but line {first_line} has {width}. "
                "Every line needs the same number of values (one per feature)."
            )
        rows.append([_cell_value(c, f"Line {n}, value {j}", max_abs=max_abs) for j, c in enumerate(cells, 1)])
    return validate_sequence(np.array(rows))


def _count(n: int, noun: str = "value") -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


# ---------------------------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------------------------

# Stands in for a row with too many fields; control characters are rejected before pandas runs, so real
# data can never contain it.
_WIDE_MARK = "\x00wide:"


def _decode(data: bytes) -> str:
    """Upload bytes as text, or a SequenceError that says why they are not UTF-8 CSV."""
    if len(data) > MAX_CSV_BYTES:
        raise SequenceError(
            f"{too_big('The file is', len(data))}, and at most {MAX_TEXT_CHARS:,} characters of CSV text."
        )
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise SequenceError(
            "The file is not UTF-8 text: it looks like an Excel workbook. "
            "Save it as 'CSV UTF-8' and upload that."
        )
    if (encoding := _wide_encoding(data)) is not None:
        raise SequenceError(
            f"The file is not UTF-8 text: it is {encoding}. Save it as 'CSV UTF-8' and upload that."
        )
    if b"\x00" in data:
        raise SequenceError("The file is not UTF-8 text: it contains binary data. Upload a CSV text file.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SequenceError(
            f"The file is not UTF-8 text (byte {exc.start + 1} is 0x{data[exc.start]:02X}). "
            "Save it as 'CSV UTF-8' and upload that."
        ) from exc


def _wide_encoding(data: bytes) -> str | None:
    """'UTF-16' or 'UTF-32' (with or without a byte-order mark) when ``data`` looks like text in one of
    them, else None. Without a mark: a CSV is mostly ASCII, whose characters in UTF-16 are one zero byte
    and one non-zero byte (in UTF-32 three zero bytes and one non-zero), in the same order every time."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    sample = np.frombuffer(data[:4000], np.uint8)
    for width, name in ((4, "UTF-32"), (2, "UTF-16")):
        units = sample[: len(sample) - len(sample) % width].reshape(-1, width)
        if len(units) < 2:
            continue
        zero = units == 0
        for ascii_at in (0, width - 1):  # little-endian: the ASCII byte first; big-endian: last
            others = np.delete(zero, ascii_at, axis=1).all(axis=1)
            if (others & ~zero[:, ascii_at]).mean() >= 0.9:
                return f"{name} without a byte-order mark"
    return None


def _sniff(first_line: str) -> str:
    """The delimiter of the first line. ';' wins over ',' because ';'-files use ',' as decimal point."""
    for sep in (";", "\t", ","):
        if sep in first_line:
            return sep
    return r"\s+" if len(first_line.split()) > 1 else ","


def _field_count(line: str, sep: str) -> int:
    if sep == r"\s+":
        return len(line.split())
    return len(next(csv.reader([line], delimiter=sep, skipinitialspace=True), []))


def _check_quotes(lines: list[str], sep: str, first_row: int) -> None:
    """Every row must be one line. pandas reads a quote that is not closed on its line on to the end of
    the file and silently drops the rows after it; name the row that opens it instead.

    ``first_row`` is the 1-based row number of ``lines[0]``. Files split on runs of spaces have no quoting.
    """
    if sep == r"\s+" or not any('"' in line for line in lines):
        return
    reader = csv.reader(lines, delimiter=sep, skipinitialspace=True, strict=True)
    done = 0  # lines read as complete rows so far
    try:
        for _ in reader:
            if reader.line_num - done > 1:
                break
            done = reader.line_num
        else:
            return
    except csv.Error:
        pass
    raise SequenceError(
        f'The file could not be read as CSV: row {first_row + done} has a quote (") that opens a value '
        "and does not close at its end, so the rows below would be read into it. Close the quote or remove "
        "it (every row must be one line)."
    )


def _trim(fields: Iterable[object]) -> list[str]:
    """The fields of one row that were present (NaN marks absent ones), less trailing empty ones."""
    out = [f.strip() for f in fields if isinstance(f, str)]
    while out and not out[-1]:
        out.pop()
    return out


def _read_rows(text: str, sep: str, width: int) -> list[list[str]]:
    """Every line of ``text`` as a list of trimmed strings (blank lines as []), read by pandas.

    Rows with more fields than the first (``width``) are turned into one marker field with their count,
    so the caller can report them with a row number (pandas' own error has none we can rely on).
    """

    def too_many(fields: list[str]) -> list[str]:
        trimmed = _trim(fields)
        return trimmed if len(trimmed) <= width else [f"{_WIDE_MARK}{len(trimmed)}"]

    try:
        with warnings.catch_warnings():
            # pandas only warns when it drops a line it cannot fit; a silently shorter sequence is worse.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(
                io.StringIO(text),
                sep=sep,
                header=None,
                dtype=str,
                na_filter=False,
                skip_blank_lines=False,  # keeps pandas row i on file line i + 1 for messages
                skipinitialspace=True,
                engine="python",  # the only engine that hands bad lines to a callable
                on_bad_lines=too_many,
            )
    except (pd.errors.ParserError, pd.errors.ParserWarning, pd.errors.EmptyDataError, csv.Error) as exc:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise SequenceError(
            f'The file could not be read as CSV ({_quote(detail, 80)}); check for an unclosed quote (").'
        ) from exc
    return [_trim(row) for row in frame.to_numpy(dtype=object)]


def parse_csv(data: str | bytes, max_abs: float | None = None) -> tuple[np.ndarray, tuple[str, ...]]:
    """A CSV file (upload bytes or text) as ``(x, feature_names)``: x is (T, I) float64, one row per step.

    The delimiter is sniffed from the first line (';', tab, ',', else runs of spaces); in ';'- and
    tab-separated files "1,5" means 1.5. A first row with no numbers in it is the header and gives the
    feature names (blank names become "xJ"); without one the names are "x1".."xI". A UTF-8 BOM, blank lines
    and one trailing delimiter per row are fine. Errors give 1-based row numbers as in the file (the header
    is row 1 when there is one) and 1-based column numbers. With ``max_abs`` (the app passes
    MAX_ABS_VALUE) a value larger than that in size is an error too.
    """
    if isinstance(data, bytes | bytearray | memoryview):
        data = _decode(bytes(data))
    elif not isinstance(data, str):
        raise TypeError(f"parse_csv expects str or bytes, got {type(data).__name__}")
    text = _check_text(data, "Row")
    if not text.strip():
        raise SequenceError("The file is empty; it needs at least one row of numbers.")

    # Blank lines before the data would give pandas a 1-column first row; drop them, count them.
    lead = re.match(r"(?:[^\S\r\n]*(?:\r\n|\r|\n))*", text)
    offset = len(_NEWLINE.findall(lead.group()))
    text = text[lead.end() :]
    lines = _NEWLINE.split(text)

    sep = _sniff(lines[0])
    _check_quotes(lines, sep, offset + 1)
    first_width = _field_count(lines[0], sep)
    # One trailing delimiter is tolerated; more columns than that cannot be valid, and checking here also
    # keeps pandas from building a huge table out of one very long line.
    if first_width > MAX_FEATURES + 1:
        raise _too_wide(first_width, f"Row {offset + 1}")
    # pandas splits rows on "\n" and "\r\n" only; old-Mac "\r" files would come out as one row.
    numbered = enumerate(_read_rows("\n".join(lines), sep, first_width), offset + 1)
    rows = [(n, cells) for n, cells in numbered if cells]
    if not rows:  # only delimiters or empty quotes
        raise SequenceError("The file has no numbers in it; it needs at least one row of numbers.")
    return _rows_to_array(rows, decimal_comma=sep != ",", max_abs=max_abs)


def _rows_to_array(
    rows: list[tuple[int, list[str]]], decimal_comma: bool, max_abs: float | None = None
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Numbered non-blank rows of cells -> (x, feature_names); header detection, shape and cell checks."""
    first_row, first = rows[0]
    is_header = not _is_wide(first) and all(_to_float(c, decimal_comma) is None for c in first if c)
    width = _width(first)
    if width > MAX_FEATURES:
        raise _too_wide(width, f"Row {first_row}")
    data = rows[1:] if is_header else rows
    if not data:
        raise SequenceError(f"The file has a header (row {first_row}) but no rows of numbers below it.")
    if len(data) > MAX_STEPS:
        raise _too_long(len(data), "rows of numbers (time steps)")
    reference = f"the header (row {first_row})" if is_header else f"row {first_row}"
    values = []
    for n, cells in data:
        if _width(cells) != width:
            raise SequenceError(
                f"Row {n} has {_count(_width(cells))}, but {reference} has {width}. "
                "Every row needs the same number of columns (one per feature)."
            )
        try:
            values.append(
                [
                    _cell_value(c, f"Row {n}, column {j}", decimal_comma, max_abs)
                    for j, c in enumerate(cells, 1)
                ]
            )
        except SequenceError as exc:
            if n != first_row or "is not a number" not in str(exc):
                raise
            # A header with a number among its names reads as a data row; say how to fix that case too.
            raise SequenceError(
                f"{exc} If row {n} is a header, every column in it needs a name that is not a number."
            ) from None
    names = tuple(_name(c, j) for j, c in enumerate(first, 1)) if is_header else default_feature_names(width)
    return validate_sequence(np.array(values)), names


def _is_wide(cells: list[str]) -> bool:
    return len(cells) == 1 and cells[0].startswith(_WIDE_MARK)


def _width(cells: list[str]) -> int:
    return int(cells[0][len(_WIDE_MARK) :]) if _is_wide(cells) else len(cells)


def _name(cell: str, j: int) -> str:
    name = cell.strip() or f"x{j}"
    return name if len(name) <= MAX_NAME_CHARS else name[: MAX_NAME_CHARS - 1] + "…"


def to_csv(x: object, feature_names: Iterable[str] | None = None) -> str:
    """A (T, I) sequence as CSV text with a header row, which :func:`parse_csv` reads back exactly.

    Floats are written at repr precision (shortest text that round-trips). Names default to "x1".."xI";
    a name must be non-empty text that does not read as a number (else the header would read as data).
    """
    arr = validate_sequence(x)
    names = default_feature_names(arr.shape[1]) if feature_names is None else tuple(feature_names)
    if len(names) != arr.shape[1]:
        raise ValueError(f"{len(names)} feature names given for {arr.shape[1]} columns")
    for name in names:
        if not isinstance(name, str) or not name.strip() or _to_float(name, True) is not None:
            raise ValueError(f"feature name {name!r} would not read back as a header name")
        if any(not ch.isprintable() for ch in name):
            raise ValueError(f"feature name {name!r} contains control characters")
    return pd.DataFrame(arr, columns=list(names)).to_csv(index=False, lineterminator="\n")
