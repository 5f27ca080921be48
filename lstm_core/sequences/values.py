"""One typed or uploaded value at a time: plain decimal numbers only (``to_float``), finite and within
``max_abs`` (``cell_value``), and the checks of the text they came in (``check_text``: length, BOM,
control characters). Shared by the typed-numbers box and the CSV reader."""

from __future__ import annotations

import math
import re
import unicodedata

from .base import MAX_TEXT_CHARS, SequenceError, quote

# Plain decimal notation only: float() would also take "1_000", "١٢" or " 1 ", which no one means.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_NON_FINITE_WORDS = {"nan", "inf", "infinity"}


def to_float(cell: str, decimal_comma: bool = False) -> float | None:
    """The number written in ``cell``, or None. "nan"/"inf" parse (so the message can say "not finite")."""
    s = cell.strip()
    # Spreadsheets in many European locales write "1,5" in ";"- or tab-separated files.
    if decimal_comma and s.count(",") == 1 and "." not in s:
        s = s.replace(",", ".")
    if _NUMBER.fullmatch(s) or s.lower().lstrip("+-") in _NON_FINITE_WORDS:
        return float(s)
    return None


def cell_value(cell: str, where: str, decimal_comma: bool = False, max_abs: float | None = None) -> float:
    """The finite number in ``cell`` at ``where`` (e.g. "Row 3, column 2"), or a SequenceError; with
    ``max_abs`` also one whose size is at most ``max_abs``."""
    if not cell.strip():
        raise SequenceError(f"{where} is empty; every cell needs a number.")
    value = to_float(cell, decimal_comma)
    if value is None:
        raise SequenceError(f"{where}: {quote(cell.strip())} is not a number.")
    if not math.isfinite(value):
        raise SequenceError(f"{where} is not a finite number ({quote(cell.strip())}).")
    if max_abs is not None and abs(value) > max_abs:
        raise SequenceError(
            f"{where} is {value:g}, too large: values must lie between {-max_abs:,.0f} and {max_abs:,.0f}."
        )
    return value


NEWLINE = re.compile(r"\r\n|\r|\n")


def check_text(text: str, line_word: str) -> str:
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
        breaks = list(NEWLINE.finditer(text, 0, i))
        line = len(breaks) + 1
        column = i - (breaks[-1].end() if breaks else 0) + 1
        raise SequenceError(
            f"{line_word} {line}, character {column} is an invisible or control character "
            f"(U+{ord(ch):04X}); delete it and try again."
        )
    return text
