"""What every sequence shares: the limits, ``SequenceError``, the ``Sequence`` record, ``validate_sequence``
(the one check of an LSTM input, however it came in) and ``quote`` (user text made safe to show)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..limits import UPLOAD_BYTES

MAX_STEPS = 2000
MAX_FEATURES = 32
MAX_TEXT_CHARS = 1_500_000  # a 2000 × 32 table at full precision is about 1.2 million characters
MAX_CSV_BYTES = UPLOAD_BYTES  # the one upload limit (lstm_core/limits.py)
# Largest |value| the app takes from a learner (parse_* with max_abs=MAX_ABS_VALUE): beyond it every gate
# is saturated anyway, and values near 1e308 overflow W x to inf in the pre-activations.
MAX_ABS_VALUE = 1e6


class SequenceError(ValueError):
    """Bad input data; the message is written for the end user and is safe to show as is."""


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


def quote(value: object, limit: int = 20) -> str:
    """Show user input inside a message: cut to ``limit`` characters, repr-escaped (control and invisible
    characters become \\x.. escapes) and with HTML/Markdown specials escaped, because the UI may render
    the message as Markdown."""
    if not isinstance(value, str):  # an int or None from code or a query parameter: its repr is enough
        shown = repr(value)
        return (shown if len(shown) <= limit else shown[:limit] + "…").translate(_MARKUP_ESCAPES)
    text = value if len(value) <= limit else value[:limit] + "…"
    return repr(text).translate(_MARKUP_ESCAPES)


_MARKUP_ESCAPES = {ord(c): f"\\x{ord(c):02x}" for c in "<>&`$*[]"}


def too_long(count: int, what: str) -> SequenceError:
    return SequenceError(f"The data has {count} {what}; at most {MAX_STEPS} time steps are allowed.")


def too_wide(count: int, where: str) -> SequenceError:
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
        raise too_long(steps, "time steps (rows)")
    if features > MAX_FEATURES:
        raise too_wide(features, "Each time step")
    bad = np.argwhere(~np.isfinite(arr))
    if bad.size:
        r, c = bad[0]
        raise SequenceError(f"Row {r + 1}, column {c + 1} is not a finite number ({arr[r, c]}).")
    return np.ascontiguousarray(arr)


def counted(n: int, noun: str = "value") -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
