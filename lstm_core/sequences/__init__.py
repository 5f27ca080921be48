"""Input sequences: presets a teacher reaches for, and parsing + validation of the learner's own data.

Every sequence is a float64 array ``x`` of shape ``(T, I)``: T time steps (rows), I features (columns),
1 <= T <= MAX_STEPS, 1 <= I <= MAX_FEATURES, every value finite.

User data arrives as typed text (:func:`parse_numbers`) or as a CSV upload (:func:`parse_csv`). Anything
wrong raises :class:`SequenceError`, a ``ValueError`` whose message is meant to be shown to the person who
typed or uploaded the data as is: what is wrong, where (1-based line/row and column numbers) and what is
allowed. Offending text is quoted through :func:`quote`, so no control characters or HTML/Markdown markup
from the input reach the page.

Only NumPy and pandas are used here (docs/design.md §5).

One module per job (this package re-exports every public name, so ``lstm_core.sequences`` is the API):
``base`` the limits, ``SequenceError``, ``Sequence``, ``validate_sequence`` and ``quote``; ``presets`` the
presets; ``values`` one number and the text it came in; ``typed`` the typed-numbers box (``parse_numbers``);
``csv_io`` CSV files in and out (``parse_csv``, ``to_csv``).
"""

from .base import (
    MAX_ABS_VALUE,
    MAX_CSV_BYTES,
    MAX_FEATURES,
    MAX_STEPS,
    MAX_TEXT_CHARS,
    Sequence,
    SequenceError,
    default_feature_names,
    validate_sequence,
)
from .csv_io import MAX_NAME_CHARS as MAX_NAME_CHARS
from .csv_io import parse_csv, to_csv
from .presets import (
    DEFAULT_LENGTH,
    PRESET_TEXT,
    PRESETS,
    Preset,
    make_count_ones,
    make_noise,
    make_preset,
    make_pulse,
    make_remember_first,
    make_sine,
    make_step,
    make_text,
)
from .presets import SINE_PERIODS as SINE_PERIODS
from .presets import SPACE_SYMBOL as SPACE_SYMBOL
from .typed import parse_numbers

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
