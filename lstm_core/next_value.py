"""Next-value prediction on the learner's own series: the Train page's "your own series" task.

A series x (T, I) (a validated CSV upload, ``sequences.parse_csv``) is cut in two: the cell trains on the
first 80 % and is judged on the tail it never saw. The target at step t is x[t + 1], every step (readout
"every", mean squared error). The naive forecast "next = current" (x̂[t + 1] = x[t]) is the baseline an
honest report has to beat: on a smooth series it is already good.

    series = NextValueSeries.from_values(x)          # SequenceError for a series it cannot train on
    task = series.task(window=50)                    # a ``tasks.Task`` for ``train.train``
    model = Model.for_task(task, hidden_size=16)
    train(model, task, steps=300)
    report = series.report(model)                    # held-out MSE of the cell and of next = current

Inside, the series is standardised with the mean and standard deviation of the training part (a column
that does not change there gets scale 1, so nothing is divided by zero); the cell reads and predicts
standardised values, the report converts back to the data's units. Training draws windows of ``window``
steps at random places in the training part, each from a zero state; prediction runs the whole series
once from a zero state, as Step through time does, so the held-out tail is predicted with everything
before it in memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from .sequences import MAX_STEPS, SequenceError, validate_sequence
from .tasks import Task

MIN_STEPS = 50  # 40 steps to train on, 10 held out: less than that says nothing either way
HELD_OUT_FRACTION = 0.2
DEFAULT_WINDOW = 50
TOLERANCE = 0.1  # the metric: the fraction of predictions within 0.1 standard deviations of the target
SUGGESTED = MappingProxyType(dict(hidden_size=16, steps=300, lr=0.01, batch_size=32, forget_bias=1.0))


@dataclass(frozen=True, eq=False)
class Scaling:
    """z = (x − mean) / scale per column; mean, scale (I,). scale is the standard deviation, or 1 for a
    column whose values do not change (its z is then x − mean = 0, never 0 / 0)."""

    mean: np.ndarray
    scale: np.ndarray

    @classmethod
    def fit(cls, x: np.ndarray) -> Scaling:
        """The scaling of x (T, I)."""
        mean, sd = x.mean(axis=0), x.std(axis=0)
        # "Does not change" relative to the values' size: 1e6 + 1e-9 noise is a constant column too.
        constant = sd <= 1e-12 * np.maximum(1.0, np.abs(mean))
        return cls(mean, np.where(constant, 1.0, sd))

    def apply(self, x: np.ndarray) -> np.ndarray:
        return (x - self.mean) / self.scale

    def undo(self, z: np.ndarray) -> np.ndarray:
        return z * self.scale + self.mean


@dataclass(frozen=True)
class Report:
    """Held-out MSE in the data's units: the trained cell's, the baseline next = current's, and both
    per predicted step. steps: how many held-out values were predicted."""

    trained_mse: float
    baseline_mse: float
    steps: int

    @property
    def ratio(self) -> float:
        """trained / baseline: below 1 the cell beats next = current."""
        return self.trained_mse / self.baseline_mse if self.baseline_mse > 0 else float("inf")

    @property
    def beats_baseline(self) -> bool:
        return self.trained_mse < self.baseline_mse


@dataclass(frozen=True, eq=False)
class NextValueSeries:
    """A series to predict. x (T, I) in the data's units; split: the first held-out index (the cell
    trains on x[:split] and is judged on predicting x[split:]); names: I column names."""

    x: np.ndarray
    split: int
    scaling: Scaling
    names: tuple[str, ...]

    @classmethod
    def from_values(cls, x, names: tuple[str, ...] = ()) -> NextValueSeries:
        """Check x (T, I) or (T,) and cut it; a SequenceError names what is wrong and what is allowed."""
        x = validate_sequence(x)  # finite, at most MAX_STEPS rows and MAX_FEATURES columns
        T = x.shape[0]
        if T < MIN_STEPS:
            raise SequenceError(
                f"The series has {T} values (rows); predicting the next value needs {MIN_STEPS} to "
                f"{MAX_STEPS:,}: the first 80% to train on, the rest to test on."
            )
        split = T - max(1, round(HELD_OUT_FRACTION * T))
        if np.ptp(x, axis=0).max() == 0.0:
            raise SequenceError(
                f"Every value of the series is {x[0, 0]:g} in each column: next = current predicts a "
                "constant series exactly, so there is nothing to learn. Upload a series that changes."
            )
        if np.ptp(x[:split], axis=0).max() == 0.0:
            raise SequenceError(
                f"The series is constant over its first {split} values, the part the cell trains on, "
                "so there is nothing to learn from. Upload a series that changes before its last 20%."
            )
        names = tuple(names) or tuple(f"x{j + 1}" for j in range(x.shape[1]))
        x.setflags(write=False)
        return cls(x, split, Scaling.fit(x[:split]), names)

    @property
    def z(self) -> np.ndarray:
        """(T, I) the standardised series, what the cell reads."""
        return self.scaling.apply(self.x)

    @property
    def num_features(self) -> int:
        return int(self.x.shape[1])

    def max_window(self) -> int:
        """The longest training window: inputs z[s : s + W] and targets z[s + 1 : s + W + 1] inside the
        training part."""
        return self.split - 1

    def task(self, window: int = DEFAULT_WINDOW) -> Task:
        """The training task: windows of min(window, max_window()) steps from the training part."""
        W = int(min(window, self.max_window()))
        z_train = self.scaling.apply(self.x[: self.split])

        def generate(rng, B, T):
            """B windows at random starts s: inputs z[s : s + T], targets z[s + 1 : s + T + 1]."""
            start = rng.integers(0, self.split - T, size=(B, 1))
            idx = start + np.arange(T + 1)
            seq = z_train[idx]  # (B, T + 1, I)
            return seq[:, :T], seq[:, 1:]

        return Task(
            name="own_series",
            title="Predict the next value of your series",
            explanation=(
                f"At every step the cell reads one value of your series and predicts the next one. It "
                f"trains on the first {self.split} values (windows of {W} steps at random places), and is "
                f"judged on the last {len(self.x) - self.split}, which it never trained on. Values are "
                "standardised first (minus the training part's mean, divided by its standard deviation). "
                "The bar to clear is the naive forecast next = current, which is already good on a "
                "smooth series."
            ),
            length=W,
            input_size=self.num_features,
            output_size=self.num_features,
            loss_name="mse",
            readout="every",
            chance=self.baseline_within(),
            generate=generate,
            tolerance=TOLERANCE,
            suggested=SUGGESTED,
        )

    def baseline_within(self) -> float:
        """The metric of next = current on the training part: its fraction within TOLERANCE."""
        z = self.scaling.apply(self.x[: self.split])
        return float(np.mean(np.abs(z[1:] - z[:-1]) < TOLERANCE))

    def baseline_loss(self) -> float:
        """The training loss of next = current: MSE of z[t] for z[t + 1] over the training part, in the
        standardised units the loss curve is in."""
        z = self.scaling.apply(self.x[: self.split])
        return float(np.mean((z[1:] - z[:-1]) ** 2))

    def predict(self, model) -> np.ndarray:
        """(T − 1, I) the model's prediction of x[1:], in the data's units: ``model`` (a ``train.Model``
        with readout "every") runs the whole series once from a zero state."""
        out = model.predict(self.z[None, :-1])[0]
        return self.scaling.undo(out)

    def report(self, model) -> Report:
        """Held-out MSE of ``model`` and of next = current, on the targets x[split:]."""
        target = self.x[self.split :]
        pred = self.predict(model)[self.split - 1 :]
        current = self.x[self.split - 1 : -1]
        return Report(
            trained_mse=float(np.mean((pred - target) ** 2)),
            baseline_mse=float(np.mean((current - target) ** 2)),
            steps=len(target),
        )
