"""The prepared states of the lessons: a cell, the sequence it reads, and the step the learner predicts.

``ui/lessons`` draws and asks about them; ``claims`` checks what the lessons say about their numbers.

A :class:`Scene` runs its cell through the core three ways: the whole sequence (``trace``), the steps
before the predicted one (``before``: what the learner may look at) and up to and including it
(``after``: what the reveal shows). The cell is causal, so ``before`` and ``after`` are exactly the first
t and t + 1 steps of ``trace``: hiding the answer needs no special drawing, only a shorter run.

Every builder here is deterministic and cached: the same scene, the same numbers, in every session.
NumPy and the core only; no Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from lstm_core import LSTM, Trace
from lstm_core.experiments import PRESETS, Gate, GateSettings, build_net, matched_nets
from lstm_core.sequences import make_preset
from lstm_core.tasks import make_task
from lstm_core.text import CharModel, Reading, code_features, rank_units
from lstm_core.train import Model

STAY_BAND = 0.05  # "stays about the same": the value moves by less than this
ASSETS = Path(__file__).resolve().parents[1] / "assets"
WEIGHTS_DIR, MODELS = ASSETS / "weights", ASSETS / "models"
TRAINED_FILE = WEIGHTS_DIR / "remember_first_bit.safetensors"


@dataclass(frozen=True, eq=False)
class Scene:
    """A cell at a prepared step.

    net: the cell (any variant, any number of layers). x: (T, I) the sequence it reads. t: the step the
    learner predicts, 1 ≤ t < T (step 0 would leave nothing to look at before it). unit, layer: the unit
    and layer the questions are about. label: how the cell is named when a full page shows it.
    feature_names: names of the I input features, or None.
    """

    net: LSTM
    x: np.ndarray
    t: int
    unit: int = 0
    layer: int = 0
    label: str = ""
    feature_names: tuple[str, ...] | None = None

    def __post_init__(self):
        x = np.asarray(self.x, dtype=np.float64)
        object.__setattr__(self, "x", x[:, None] if x.ndim == 1 else x)
        T = self.x.shape[0]
        if not 1 <= self.t < T:
            raise ValueError(f"t must be in 1..{T - 1}, got {self.t}")
        if not 0 <= self.layer < self.net.num_layers or not 0 <= self.unit < self.net.hidden_size:
            raise ValueError(f"layer {self.layer} / unit {self.unit} is outside the cell")

    @property
    def T(self) -> int:
        return self.x.shape[0]

    @cached_property
    def trace(self) -> Trace:
        """The whole sequence: what the full pages show."""
        return self.net.run(self.x)

    @cached_property
    def before(self) -> Trace:
        """Steps 0 … t − 1: everything the learner may see before predicting step t."""
        return self.net.run(self.x[: self.t])

    @cached_property
    def after(self) -> Trace:
        """Steps 0 … t: the reveal."""
        return self.net.run(self.x[: self.t + 1])

    def shown(self, revealed: bool) -> Trace:
        return self.after if revealed else self.before

    @property
    def lt(self):
        """The watched layer's trace over the whole sequence."""
        return self.trace.layers[self.layer]

    def value(self, key: str, t: int | None = None, unit: int | None = None) -> float:
        """One number of the watched layer: quantity ``key`` of the watched unit (or ``unit``) at step t
        (default: the predicted step). For ``key`` "x", ``unit`` picks the input feature (default 0)."""
        t = self.t if t is None else t
        if key == "x":
            return float(self.lt.x[t, 0 if unit is None else unit])
        return float(getattr(self.lt, key)[t, self.unit if unit is None else unit])

    def pre_terms(self, gate: str, t: int | None = None) -> tuple[float, float, float]:
        """(input term, recurrent term, bias) of a gate's pre-activation for the watched unit at step t:
        W_x·x_t, W_h·h_{t−1} and b, whose sum is the number inside σ(·) or tanh(·).

        Read from the weights in the seed layout (standard, no_forget and peephole cells; a peephole's
        own term is not included).
        """
        t = self.t if t is None else t
        w = self.net.to_weights("seed")
        k, j = self.layer, self.unit
        x_term = float(self.lt.x[t] @ w[f"W_x{gate}_l{k}"][:, j])
        h_term = float(self.lt.h_prev[t] @ w[f"W_h{gate}_l{k}"][:, j])
        return x_term, h_term, float(w[f"b_{gate}_l{k}"][j])


# ---------------------------------------------------------------------------------------------------------
# The cells of the lessons
# ---------------------------------------------------------------------------------------------------------

# Lessons 1 and 3: the Gate lab's "write once then hold" preset on a one-unit cell: the ignore/input gate
# opens only for an event near 1, the forget gate stays near 1.
WRITE_ONCE = PRESETS["write_once"]
# Lesson 2: the same switch for writing, but a forget gate that keeps only about 92 % per step.
LEAKY = GateSettings(
    i=Gate(bias=-10.0, weight=20.0),
    f=Gate(bias=2.0, weight=0.0),
    g=Gate(bias=0.0, weight=3.0),
    o=Gate(bias=2.0, weight=0.0),
    description="writes when the event is near 1, then keeps about 92 % of the memory per step",
)
# The same cell with a forget gate stuck near 1, drawn beside it for comparison.
HOLDING = LEAKY.with_gate("f", bias=10.0)


def _one_unit(settings: GateSettings) -> LSTM:
    return build_net(settings, input_size=1, hidden_size=1, variant="standard", seed=0)


@cache
def two_memories() -> Scene:
    """A one-unit latch: an event of 1 at t = 2 is written, small events after it are not."""
    x = np.array([0.0, 0.0, 1.0, 0.3, -0.2, -0.4, 0.2, 0.0, 0.1, 0.0])
    return Scene(_one_unit(WRITE_ONCE), x, t=5, label="Lesson 1's cell (write once, then hold)")


@cache
def forget_half_life() -> Scene:
    """A one-unit cell that writes at t = 1 and then forgets a little at every step."""
    x = np.zeros(14)
    x[1] = 1.0
    return Scene(_one_unit(LEAKY), x, t=6, label="Lesson 2's cell (a leaky memory)")


@cache
def holding_twin() -> Scene:
    """Lesson 2's cell with its forget gate near 1, on the same sequence."""
    s = forget_half_life()
    return Scene(_one_unit(HOLDING), s.x, t=s.t, label="Lesson 2's cell with f ≈ 1")


@cache
def learn_and_ignore() -> Scene:
    """The latch again: small events are ignored, the event of 1 at t = 4 is written."""
    x = np.array([0.0, 0.3, 0.0, -0.3, 1.0, 0.0, 0.2, 0.0])
    return Scene(_one_unit(WRITE_ONCE), x, t=4, label="Lesson 3's cell (write once, then hold)")


@cache
def keep_and_write() -> Scene:
    """A random two-unit cell on two sine waves, at a step where it both keeps and writes a lot."""
    seq = make_preset("sine", 16, 0)
    net = LSTM.random(seq.num_features, 2, 1, "standard", seed=3)
    return Scene(net, seq.x, t=6, label="Lesson 4's cell (random, seed 3)", feature_names=seq.feature_names)


@dataclass(frozen=True, eq=False)
class UseGateScene:
    """Lesson 5: the standard cell and the Udacity cell with the same weights (``matched_nets``), same
    input. The Udacity cell's W_u is the identity and b_u = 0, so its U_t is tanh(LTM_{t−1} ⊙ f_t)."""

    standard: Scene
    udacity: Scene


@cache
def use_gate() -> UseGateScene:
    seq = make_preset("step", 16, 0)
    nets = matched_nets(seq.num_features, 2, 1, seed=1)
    scenes = {
        v: Scene(nets[v], seq.x, t=8, label=f"Lesson 5's {v} cell", feature_names=seq.feature_names)
        for v in ("standard", "udacity")
    }
    return UseGateScene(**scenes)


@cache
def units_and_layers() -> Scene:
    """A random stack of two layers of three units; the questions watch the upper layer."""
    seq = make_preset("sine", 12, 0)
    net = LSTM.random(seq.num_features, 3, 2, "standard", seed=0)
    return Scene(
        net,
        seq.x,
        t=5,
        layer=1,
        label="Lesson 6's cell (2 layers × 3 units)",
        feature_names=seq.feature_names,
    )


@dataclass(frozen=True, eq=False)
class GradientScene:
    """Lesson 7: mean gradient norms over ``examples`` sequences of "remember the first bit", at
    initialisation, for a plain RNN and an LSTM whose forget gate bias starts at ``forget_bias``.

    norms: cell ("RNN", "LSTM") → {"dh": (T,), "dc": (T,) or None}; ``distance`` is how many steps
    back from the loss the questions look; ``shown`` steps (nearest the loss) are drawn before the reveal.
    """

    norms: dict = field(repr=False)
    length: int
    distance: int
    shown: int
    hidden: int
    forget_bias: float
    examples: int
    mean_f: float

    def norm(self, cell: str, quantity: str, distance: int) -> float:
        """The mean norm of ``quantity`` ("dh" or "dc") ``distance`` steps before the last one."""
        return float(self.norms[cell][quantity][self.length - 1 - distance])


@cache
def vanishing_gradient() -> GradientScene:
    length, hidden, forget_bias, examples, seed = 30, 8, 2.0, 16, 0
    task = make_task("first_bit", length)
    x, y = task.batch(examples, np.random.default_rng((seed, 7)))
    norms, f_values = {}, []
    for label, kind in (("RNN", "rnn"), ("LSTM", "lstm")):
        bias = forget_bias if kind == "lstm" else 0.0
        model = Model.for_task(task, kind=kind, hidden_size=hidden, seed=seed, forget_bias=bias)
        dh, dc = [], []
        for b in range(examples):
            sg = model.sequence_gradients(task, x[b], y[b])
            dh.append(sg.grads.norms("dh")[-1])
            if kind == "lstm":
                dc.append(sg.grads.norms("dc")[-1])
                f_values.append(sg.trace.layers[-1].f)
        norms[label] = {"dh": np.mean(dh, axis=0), "dc": np.mean(dc, axis=0) if dc else None}
    return GradientScene(
        norms, length, distance=20, shown=5, hidden=hidden, forget_bias=forget_bias,
        examples=examples, mean_f=float(np.mean(f_values)),
    )  # fmt: skip


@dataclass(frozen=True, eq=False)
class TrainedScene:
    """Lesson 8: the shipped trained cell on one sequence of its task; ``scene.unit`` is the unit whose
    final memory depends most on the first bit (found by flipping the bit), ``first_bit`` is ±1.
    flipped: the same sequence with the first bit flipped, run through the same cell."""

    scene: Scene
    first_bit: float
    flipped: Trace = field(repr=False)

    @property
    def difference(self) -> np.ndarray:
        """(H,) |c_T − c_T(first bit flipped)| per unit: how much each unit's final memory owes the bit."""
        return np.abs(self.scene.trace.c[-1] - self.flipped.c[-1])


LESSON_8_LABEL = "Lesson 8's trained cell (remember the first bit)"


@cache
def trained_first_bit() -> TrainedScene:
    net = LSTM.load(TRAINED_FILE)
    task = make_task("first_bit", 20)
    x = task.batch(1, np.random.default_rng(0))[0][0]
    x_flipped = x.copy()
    x_flipped[0, 0] = -x_flipped[0, 0]
    flipped = net.run(x_flipped)
    unit = int(np.argmax(np.abs(net.run(x).c[-1] - flipped.c[-1])))
    scene = Scene(
        net,
        x,
        t=6,
        unit=unit,
        label=LESSON_8_LABEL,
        feature_names=("bit", "first-step marker"),
    )
    return TrainedScene(scene, float(x[0, 0]), flipped)


# ---------------------------------------------------------------------------------------------------------
# Lesson 9: the shipped character model inside a string
# ---------------------------------------------------------------------------------------------------------

DISTRACTOR_RANKS = (40, 160, 400)  # the other options: units found this far down the ranking


@dataclass(frozen=True)
class StringHunt:
    """The shipped model's reading of the Read text page's preset (held-out standard-library code), the
    tokenizer's in-string feature of every character (T,) and ``rank_units``' ranking for it."""

    model: CharModel
    reading: Reading
    in_string: np.ndarray  # (T,) bool, from tokenize
    ranked: pd.DataFrame

    @property
    def best(self):
        return self.ranked.iloc[0]

    def options(self) -> tuple[int, ...]:
        """Four units in increasing order: the best one and three found further down the ranking."""
        units = [int(self.best.unit)]
        for rank in DISTRACTOR_RANKS:
            for unit in self.ranked["unit"].iloc[rank:]:
                if int(unit) not in units:
                    units.append(int(unit))
                    break
        return tuple(sorted(units))


@lru_cache(maxsize=1)
def inside_a_string() -> StringHunt:
    model = CharModel.load(MODELS / "python_chars.safetensors")
    text = (MODELS / "python_chars_snippet.txt").read_text(encoding="utf-8")
    reading = model.read(text)
    in_string = code_features(text)["in_string"].to_numpy()
    return StringHunt(model, reading, in_string, rank_units(reading, in_string))


# ---------------------------------------------------------------------------------------------------------
# The shipped trained cells, and the unit that carries each one's memory
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShippedCell:
    """A cell our trainer taught a task (scripts/make_example_weights.py): its weight file in WEIGHTS_DIR,
    task and sequence length; ``label`` names it on the pages that open it, ``holds`` what it remembers."""

    task: str
    file: str
    length: int
    title: str
    holds: str

    @property
    def label(self) -> str:
        return f"the shipped {self.title} ({self.file})"

    def net(self) -> LSTM:
        return LSTM.load(WEIGHTS_DIR / self.file)

    def sequence(self) -> np.ndarray:
        """(T, I): the sequence of its task a page opens it on (the first of seed 0, as in lesson 8)."""
        return make_task(self.task, self.length).batch(1, np.random.default_rng(0))[0][0]


SHIPPED = {
    "first_bit": ShippedCell(
        "first_bit", "remember_first_bit.safetensors", 20, "first-bit cell", "the first bit"
    ),
    "parity": ShippedCell("parity", "parity_counter.safetensors", 10, "parity cell", "the running parity"),
    "adding": ShippedCell("adding", "adding_problem.safetensors", 20, "adding cell", "the marked numbers"),
}
MEMORY_EXAMPLES = 512  # sequences of the task (seed 0) the memory unit is measured on


@dataclass(frozen=True)
class MemoryUnits:
    """How well each unit's c_t holds what its task asks, step by step, over MEMORY_EXAMPLES sequences.

    score: (T, H). Class tasks (first bit, parity so far): the gap between the two answers' c_t, the
    smallest c_t of one class minus the largest of the other, whichever way round is larger (> 0: the
    classes never overlap). The adding problem: |Pearson r| of c_t with the sum of the marked numbers seen
    so far. ``unit``: the one with the best score at the last step (the answer the readout gives).
    """

    score: np.ndarray
    kind: str  # "gap" or "r"

    @property
    def unit(self) -> int:
        return int(np.argmax(self.score[-1]))


def memory_units(net: LSTM, task_name: str, length: int, examples: int = MEMORY_EXAMPLES) -> MemoryUnits:
    """The per-step score of every unit of ``net`` (its last layer) on ``examples`` sequences of the task."""
    task = make_task(task_name, length)
    x, y = task.batch(examples, np.random.default_rng(0))
    c = np.stack([net.run(xb).layers[-1].c for xb in x])  # (N, T, H)
    if task_name == "adding":
        so_far = np.cumsum(x[..., 0] * x[..., 1], axis=1)  # (N, T)
        score = np.zeros(c.shape[1:])
        for t in range(c.shape[1]):
            d, v = c[:, t] - c[:, t].mean(axis=0), so_far[:, t] - so_far[:, t].mean()
            norm = np.sqrt((d * d).sum(axis=0) * (v @ v))
            score[t] = np.abs(np.divide(v @ d, norm, out=np.zeros(d.shape[1]), where=norm > 0))
        return MemoryUnits(score, "r")
    answer = np.broadcast_to(y[:, None], c.shape[:2]) if y.ndim == 1 else y  # (N, T) classes 0/1
    score = np.full(c.shape[1:], -np.inf)
    for t in range(c.shape[1]):
        one, zero = c[answer[:, t] == 1, t], c[answer[:, t] == 0, t]
        if len(one) and len(zero):
            score[t] = np.maximum(one.min(axis=0) - zero.max(axis=0), zero.min(axis=0) - one.max(axis=0))
    return MemoryUnits(score, "gap")


@cache
def shipped_memory(name: str) -> MemoryUnits:
    cell = SHIPPED[name]
    return memory_units(cell.net(), cell.task, cell.length)


def shipped_named(label: str) -> str | None:
    """The SHIPPED cell a page's loaded cell is (by the label the page opened it with), or None. Lesson 8
    opens the first-bit cell under its own label."""
    if label == LESSON_8_LABEL:
        return "first_bit"
    return next((name for name, cell in SHIPPED.items() if cell.label == label), None)
