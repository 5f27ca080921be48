"""Numbers typed into a text box (``parse_numbers``): one time step per line, values separated by commas,
semicolons, spaces or tabs, with a refusal where a comma between digits could mean two things."""

from __future__ import annotations

import re

import numpy as np

from .base import (
    MAX_FEATURES,
    MAX_STEPS,
    SequenceError,
    counted,
    quote,
    too_long,
    too_wide,
    validate_sequence,
)
from .values import NEWLINE, cell_value, check_text

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
        f"Line {n}: {quote(token)} has a comma between digits, while other values on the line are "
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
    text = check_text(text, "Line")
    lines = [(n, _split_typed(line, n)) for n, line in enumerate(NEWLINE.split(text), 1) if line.strip()]
    if not lines:
        raise SequenceError("The input is empty; type at least one number.")
    if len(lines) == 1:
        n, cells = lines[0]
        if len(cells) > MAX_STEPS:
            raise too_long(len(cells), "values (time steps) on one line")
        values = [cell_value(c, f"Line {n}, value {j}", max_abs=max_abs) for j, c in enumerate(cells, 1)]
        return validate_sequence(np.array(values)[:, None])
    if len(lines) > MAX_STEPS:
        raise too_long(len(lines), "lines (time steps)")
    first_line, first_cells = lines[0]
    width = len(first_cells)
    if width > MAX_FEATURES:
        raise too_wide(width, f"Line {first_line}")
    rows = []
    for n, cells in lines:
        if len(cells) != width:
            raise SequenceError(
                f"Line {n} has {counted(len(cells))}, but line {first_line} has {width}. "
                "Every line needs the same number of values (one per feature)."
            )
        rows.append([cell_value(c, f"Line {n}, value {j}", max_abs=max_abs) for j, c in enumerate(cells, 1)])
    return validate_sequence(np.array(rows))
