"""Small sequence tasks to train on, each with a generator, a loss, a metric and an explanation.

``make_task(name, length)`` builds one; ``task.batch(batch_size, rng)`` draws (x, y) with x (B, T, I);
y is (B,) or (B, T) integer classes for cross-entropy tasks and (B, K) or (B, T, K) numbers for MSE tasks,
depending on ``task.readout`` ("last": one prediction after the last step; "every": one per step).
``task.loss(out, y)`` gives (loss, ∂loss/∂out) and ``task.metric(out, y)`` an accuracy in [0, 1] (for
regression: the fraction of outputs within ``task.tolerance`` of the target).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from . import losses

TEXT = (
    "twinkle, twinkle, little star, how i wonder what you are! "
    "up above the world so high, like a diamond in the sky. "
)


@dataclass(frozen=True)
class Task:
    """One task. ``generate(rng, batch_size, length)`` -> (x (B, T, I), y)."""

    name: str
    title: str
    explanation: str
    length: int
    input_size: int
    output_size: int
    loss_name: str  # "cross_entropy" or "mse"
    readout: str  # "last" or "every"
    chance: float  # the metric of the best guess that ignores the input
    generate: Callable = field(repr=False)
    tolerance: float | None = None  # regression only
    alphabet: str | None = None  # next_char only: class k is alphabet[k]
    # Settings that train an LSTM to a good score at the default length (checked by hand, seed 0):
    # hidden_size, steps, lr, batch_size, forget_bias (see ``train.Model.create``).
    suggested: Mapping[str, float] = field(default_factory=dict)

    def batch(self, batch_size: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        return self.generate(rng, batch_size, self.length)

    def loss(self, out: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        return losses.LOSSES[self.loss_name](out, y)

    def metric(self, out: np.ndarray, y: np.ndarray) -> float:
        if self.loss_name == "cross_entropy":
            return losses.accuracy(out, y)
        return losses.within(out, y, self.tolerance)


# ---------------------------------------------------------------- generators


def _first_bit(rng, B, T):
    """Channel 0: a random ±1 at every step; channel 1 marks step 0, whose bit is the answer."""
    x = np.zeros((B, T, 2))
    bits = rng.integers(0, 2, size=(B, T))
    x[..., 0] = 2.0 * bits - 1.0
    x[:, 0, 1] = 1.0
    return x, bits[:, 0]


def _adding(rng, B, T):
    """Channel 0: uniform numbers in [0, 1); channel 1 marks one step in each half; target: their sum."""
    x = np.zeros((B, T, 2))
    x[..., 0] = rng.random((B, T))
    half = T // 2
    first = rng.integers(0, half, size=B)
    second = rng.integers(half, T, size=B)  # T ≥ 2, so the halves never overlap
    rows = np.arange(B)
    x[rows, first, 1] = 1.0
    x[rows, second, 1] = 1.0
    y = x[rows, first, 0] + x[rows, second, 0]
    return x, y[:, None]


def _parity(rng, B, T):
    """A random 0/1 bit per step; target at every step: the parity of the ones seen so far."""
    bits = rng.integers(0, 2, size=(B, T))
    return bits[..., None].astype(np.float64), np.cumsum(bits, axis=1) % 2


def _sine(rng, B, T):
    """sin(ω t + φ) with random ω in [0.15, 0.45] and φ; target at every step: the next value."""
    omega = rng.uniform(0.15, 0.45, size=(B, 1))
    phi = rng.uniform(0.0, 2 * np.pi, size=(B, 1))
    wave = np.sin(omega * np.arange(T + 1) + phi)
    return wave[:, :T, None], wave[:, 1:, None]


def _next_char(text: str, alphabet: str):
    codes = np.array([alphabet.index(ch) for ch in text])
    eye = np.eye(len(alphabet))

    def generate(rng, B, T):
        """A window of T characters (one-hot) at a random place in the text, wrapping round; target at every
        step: the character that follows."""
        start = rng.integers(0, len(codes), size=(B, 1))
        idx = (start + np.arange(T + 1)) % len(codes)
        seq = codes[idx]
        return eye[seq[:, :T]], seq[:, 1:]

    return generate


# ---------------------------------------------------------------- the catalogue


TASKS = {
    "first_bit": "Remember the first bit",
    "adding": "The adding problem",
    "parity": "Parity of the ones (counting mod 2)",
    "sine": "Continue a sine wave",
    "next_char": "Next character of a short text",
}
DEFAULT_LENGTH = {"first_bit": 20, "adding": 20, "parity": 10, "sine": 30, "next_char": 20}
_SUGGESTED = {
    "first_bit": dict(hidden_size=8, steps=300, lr=0.01, batch_size=32, forget_bias=2.0),
    "adding": dict(hidden_size=16, steps=1500, lr=0.01, batch_size=32, forget_bias=2.0),
    "parity": dict(hidden_size=16, steps=600, lr=0.01, batch_size=32, forget_bias=1.0),
    "sine": dict(hidden_size=16, steps=600, lr=0.01, batch_size=32, forget_bias=1.0),
    "next_char": dict(hidden_size=16, steps=600, lr=0.01, batch_size=32, forget_bias=1.0),
}


def make_task(name: str, length: int | None = None) -> Task:
    """The task ``name`` (one of ``TASKS``) with sequences of ``length`` steps."""
    if name not in TASKS:
        raise ValueError(f"unknown task {name!r}; choose one of {', '.join(TASKS)}")
    T = DEFAULT_LENGTH[name] if length is None else length
    if int(T) != T or T < 1 or (name == "adding" and T < 2):
        raise ValueError(
            f"length must be a whole number of at least {2 if name == 'adding' else 1}, got {T!r}"
        )
    T = int(T)
    common = dict(name=name, title=TASKS[name], length=T, suggested=MappingProxyType(_SUGGESTED[name]))
    if name == "first_bit":
        return Task(
            **common,
            explanation=(
                f"The first of {T} steps carries a bit (+1 or −1) and a marker that says 'this one'; the "
                f"other {T - 1} steps carry random bits that do not matter. After the last step the network "
                "must say what the first bit was. Nothing in the later input helps, so the answer has to be "
                "kept in memory the whole time while fresh bits keep arriving. An LSTM can close its input "
                "gate and keep its forget gate open; a plain RNN rewrites its state at every step, and its "
                "gradient fades over the distance, so it stays at chance (50%) once the sequence is long."
            ),
            input_size=2,
            output_size=2,
            loss_name="cross_entropy",
            readout="last",
            chance=0.5,
            generate=_first_bit,
        )
    if name == "adding":
        return Task(
            **common,
            explanation=(
                "The adding problem of Hochreiter & Schmidhuber (1997): every step brings a random number "
                "between 0 and 1 and a marker; exactly two steps are marked, one in each half of the "
                f"{T}-step sequence. After the last step the network must output the sum of the two marked "
                "numbers. It has to notice the markers, store the first number until the second arrives and "
                "ignore everything else. Trained with mean squared error; a prediction counts as right when "
                "it is within 0.04 of the sum, the paper's criterion. Always answering 1 is right about 8% "
                "of the time."
            ),
            input_size=2,
            output_size=1,
            loss_name="mse",
            readout="last",
            chance=0.08,
            tolerance=0.04,
            generate=_adding,
        )
    if name == "parity":
        return Task(
            **common,
            explanation=(
                "Each step brings a bit, 0 or 1. At every step the network must say whether it has seen an "
                "even or an odd number of ones so far: a counter that only needs one bit of memory, but that "
                "memory must flip exactly when a 1 arrives and never drift. A single wrong flip makes every "
                "later answer wrong, so the task shows how precisely the cell can keep and update a state."
            ),
            input_size=1,
            output_size=2,
            loss_name="cross_entropy",
            readout="every",
            chance=0.5,
            generate=_parity,
        )
    if name == "sine":
        return Task(
            **common,
            explanation=(
                "The input is a sine wave with a random speed and starting point; at every step the network "
                "must predict the next value. From one number it cannot tell whether the wave is rising or "
                "falling, nor how fast, so it has to remember the last few values in its state and "
                "extrapolate. Trained with mean squared error; a prediction counts as right when it is "
                "within 0.1 of the next value."
            ),
            input_size=1,
            output_size=1,
            loss_name="mse",
            readout="every",
            chance=0.1,
            tolerance=0.1,
            generate=_sine,
        )
    alphabet = "".join(sorted(set(TEXT)))
    counts = np.array([TEXT.count(ch) for ch in alphabet])
    return Task(
        **common,
        explanation=(
            f"A window of {T} characters from a short nursery rhyme, one character per step (one-hot over "
            f"the {len(alphabet)} characters it uses); at every step the network must predict the next "
            "character. Early in a word several letters are possible; later the rhyme pins them down, so "
            "the network learns to use what it has read. The commonest character alone would be right "
            f"{counts.max() / counts.sum():.0%} of the time."
        ),
        input_size=len(alphabet),
        output_size=len(alphabet),
        loss_name="cross_entropy",
        readout="every",
        chance=float(counts.max() / counts.sum()),
        generate=_next_char(TEXT, alphabet),
        alphabet=alphabet,
    )
