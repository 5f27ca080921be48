"""CSV files in and out: ``parse_csv`` decodes the upload (UTF-8 only, naming Excel, UTF-16 and UTF-32),
sniffs the delimiter, refuses unclosed quotes and ragged rows with their row numbers, finds the header;
``to_csv`` writes a sequence that ``parse_csv`` reads back exactly."""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..limits import too_big
from .base import (
    MAX_CSV_BYTES,
    MAX_FEATURES,
    MAX_STEPS,
    MAX_TEXT_CHARS,
    SequenceError,
    counted,
    default_feature_names,
    quote,
    too_long,
    too_wide,
    validate_sequence,
)
from .values import NEWLINE, cell_value, check_text, to_float

# Longest header name kept from an upload: legends and tables have to stay readable.
MAX_NAME_CHARS = 40

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
            f'The file could not be read as CSV ({quote(detail, 80)}); check for an unclosed quote (").'
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
    text = check_text(data, "Row")
    if not text.strip():
        raise SequenceError("The file is empty; it needs at least one row of numbers.")

    # Blank lines before the data would give pandas a 1-column first row; drop them, count them.
    lead = re.match(r"(?:[^\S\r\n]*(?:\r\n|\r|\n))*", text)
    offset = len(NEWLINE.findall(lead.group()))
    text = text[lead.end() :]
    lines = NEWLINE.split(text)

    sep = _sniff(lines[0])
    _check_quotes(lines, sep, offset + 1)
    first_width = _field_count(lines[0], sep)
    # One trailing delimiter is tolerated; more columns than that cannot be valid, and checking here also
    # keeps pandas from building a huge table out of one very long line.
    if first_width > MAX_FEATURES + 1:
        raise too_wide(first_width, f"Row {offset + 1}")
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
    is_header = not _is_wide(first) and all(to_float(c, decimal_comma) is None for c in first if c)
    width = _width(first)
    if width > MAX_FEATURES:
        raise too_wide(width, f"Row {first_row}")
    data = rows[1:] if is_header else rows
    if not data:
        raise SequenceError(f"The file has a header (row {first_row}) but no rows of numbers below it.")
    if len(data) > MAX_STEPS:
        raise too_long(len(data), "rows of numbers (time steps)")
    reference = f"the header (row {first_row})" if is_header else f"row {first_row}"
    values = []
    for n, cells in data:
        if _width(cells) != width:
            raise SequenceError(
                f"Row {n} has {counted(_width(cells))}, but {reference} has {width}. "
                "Every row needs the same number of columns (one per feature)."
            )
        try:
            values.append(
                [
                    cell_value(c, f"Row {n}, column {j}", decimal_comma, max_abs)
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
        if not isinstance(name, str) or not name.strip() or to_float(name, True) is not None:
            raise ValueError(f"feature name {name!r} would not read back as a header name")
        if any(not ch.isprintable() for ch in name):
            raise ValueError(f"feature name {name!r} contains control characters")
    return pd.DataFrame(arr, columns=list(names)).to_csv(index=False, lineterminator="\n")
