"""The presets a teacher reaches for: sine waves, a pulse, a step, remember-the-first, count-the-ones,
noise and one-hot text, each ``make_*(length, seed)`` returning a ``Sequence``; ``PRESETS`` names them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from numbers import Integral

import numpy as np

from .base import MAX_STEPS, Sequence, SequenceError, quote

DEFAULT_LENGTH = 20

# The text preset: short, familiar, with a repeated letter ("l", "o") so memory has something to do.
PRESET_TEXT = "hello world "
SPACE_SYMBOL = "␣"  # a visible stand-in for " " in legends and CSV headers

SINE_PERIODS = (8, 20)


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
            f"The length must be a whole number of time steps from 1 to {MAX_STEPS}; got {quote(length)}."
        )
    return int(length)


def _rng(seed: object) -> np.random.Generator:
    """The generator for ``seed``. Presets that draw nothing still call it, so a bad seed (say from a query
    parameter) fails the same way whichever preset is chosen."""
    if isinstance(seed, bool) or not isinstance(seed, Integral) or seed < 0:
        raise SequenceError(f"The seed must be a whole number 0 or larger; got {quote(seed)}.")
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
        raise SequenceError(f"Unknown preset {quote(key)}; choose one of: {', '.join(PRESETS)}.")
    return preset.make(length, seed)
