"""Challenges: small goals for a one-unit cell, checked by running the core.

A :class:`Challenge` fixes a tiny experiment — the input x (T, 1), the starting memory c_0 and the gate
settings the learner does not touch — and names the two to four numbers the learner does set
(:class:`Control`: one gate's bias or input weight). :func:`check` builds that cell with the learner's
numbers (``lstm_core.experiments.run_settings``: the standard cell, one unit, seed 0), runs it, and
returns a :class:`Verdict`: passed or not, how close (a score in [0, 1] and a headline with the measured
numbers), and a hint that names the number to move.

Texts name quantities through ``ui.notation`` (:func:`fill`), so they follow the sidebar's
vocabulary. NumPy only; ``ui/figures/challenges.add_target`` draws a challenge's goal onto the Gate lab
figure, and ``claims`` holds each challenge's success sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from lstm_core.experiments import (
    BIAS_RANGE,
    GATES,
    WEIGHT_RANGE,
    Gate,
    GateSettings,
    describe_half_life,
    mean_forget,
    memory_half_life,
    run_settings,
)
from lstm_core.sequences import make_count_ones, make_pulse, make_step
from lstm_core.trace import Trace

from . import notation

VARIANT, HIDDEN, SEED = "standard", 1, 0  # one unit of the standard cell: one curve to watch
NAME_KEYS = ("x", "c", "c_prev", "h", "h_prev", "f", "i", "g", "o", "u")

# ---------------------------------------------------------------------------------------------------------
# Names in the current vocabulary
# ---------------------------------------------------------------------------------------------------------


def fill(template: str, vocabulary: str, variant: str = VARIANT) -> str:
    """``template`` with {f}, {c}, … replaced by the quantity's words in ``vocabulary``, {f_sym} by its
    symbol as inline LaTeX ($f_t$), and {b_f}, {W_xf}, … by the parameter's symbol ($b_{f}$, $W_{xf}$).

    Parameter names are those of the weight files, the same in both vocabularies (notation.parameter).
    """
    words = {}
    for key in NAME_KEYS:
        words[key] = notation.name(key, vocabulary, variant)
        words[f"{key}_sym"] = f"${notation.latex(key, vocabulary, variant)}$"
    for gate in GATES:
        words[f"b_{gate}"] = f"${notation.parameter('b', gate, variant)}$"
        words[f"W_x{gate}"] = f"${notation.parameter('W', gate, variant, 'x')}$"
    return template.format_map(words)


# ---------------------------------------------------------------------------------------------------------
# Controls, verdicts, challenges
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Control:
    """One number the learner sets: the bias or the input weight of one gate (every unit, every feature).

    widget: "slider" for coarse numbers, "number" where the answer needs two decimals.
    """

    gate: str
    part: str  # "bias" or "weight"
    start: float
    step: float = 0.5
    widget: str = "slider"

    @property
    def key(self) -> str:
        """'b_f', 'W_xi': the parameter's name, also the key of ``values`` dicts."""
        return f"b_{self.gate}" if self.part == "bias" else f"W_x{self.gate}"

    @property
    def limits(self) -> tuple[float, float]:
        """The Gate lab's ranges: BIAS_RANGE for biases, WEIGHT_RANGE for input weights."""
        return BIAS_RANGE if self.part == "bias" else WEIGHT_RANGE

    def label(self, vocabulary: str) -> str:
        """'bias $b_{f}$ of the forget gate $f_t$' in ``vocabulary``."""
        what = "bias" if self.part == "bias" else "input weight"
        return fill(f"{what} {{{self.key}}} of the {{{self.gate}}} {{{self.gate}_sym}}", vocabulary)


@dataclass(frozen=True)
class Verdict:
    """What a check found.

    passed: the goal is met. score: how close, 0 (far) … 1 (met). headline: the measured numbers in one
    sentence; hint: what to move next (or why it works). numbers: the measurements behind the text.
    """

    passed: bool
    score: float
    headline: str
    hint: str
    numbers: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Target:
    """A challenge's goal on the figure: a band lo…hi over the steps t, in row 1 (memory) or 2 (gates)."""

    t: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    label: str
    row: int = 1


@dataclass(frozen=True, eq=False)
class Challenge:
    """One goal for a one-unit standard cell.

    x: (T, 1) the input. c0: the starting memory. fixed: the gate settings the learner does not touch
    (the learner's controls are written over them). goal: a :func:`fill` template.
    judge(challenge, trace, vocabulary) -> Verdict; target(challenge, trace, vocabulary) -> Target | None.
    """

    key: str
    title: str
    goal: str
    x: np.ndarray
    c0: float
    fixed: GateSettings
    controls: tuple[Control, ...]
    judge: Callable[[Challenge, Trace, str], Verdict]
    target: Callable[[Challenge, Trace, str], Target | None]

    @property
    def T(self) -> int:
        return self.x.shape[0]

    def start(self) -> dict[str, float]:
        """The controls' starting values, by key."""
        return {c.key: c.start for c in self.controls}

    def settings(self, values: Mapping[str, float]) -> GateSettings:
        """The fixed settings with the learner's values written in (a missing value keeps its start)."""
        settings = self.fixed
        for control in self.controls:
            value = float(values.get(control.key, control.start))
            settings = settings.with_gate(control.gate, **{control.part: value})
        return settings

    def run(self, values: Mapping[str, float]) -> Trace:
        """The challenge's cell with ``values`` on its input, from its starting memory."""
        return run_settings(self.settings(values), self.x, HIDDEN, VARIANT, SEED, c0=self.c0)

    def fixed_text(self, vocabulary: str) -> str:
        """'Fixed: $W_{xi}$ = 20, …': every number of ``fixed`` the learner cannot move."""
        mine = {c.key for c in self.controls}
        parts = []
        for gate in GATES:
            g = self.fixed.gate(gate)
            for key, value in ((f"b_{gate}", g.bias), (f"W_x{gate}", g.weight)):
                if value is not None and key not in mine:
                    parts.append(f"{{{key}}} = {value:g}")
        return fill("Fixed: " + ", ".join(parts) + ".", vocabulary)


def check(challenge: Challenge, values: Mapping[str, float], vocabulary: str = "standard") -> Verdict:
    """Run the challenge's cell with the learner's ``values`` ({control key: number}) and judge it."""
    return challenge.judge(challenge, challenge.run(values), vocabulary)


def _unit(trace: Trace, key: str) -> np.ndarray:
    """(T,) quantity ``key`` of the one unit of layer 0."""
    return getattr(trace.layers[0], key)[:, 0]


# ---------------------------------------------------------------------------------------------------------
# 1. Hold the first value
# ---------------------------------------------------------------------------------------------------------

HOLD_STEPS = 20  # the pulse is written at t = 0 and must be held at t = 1 … 20
HOLD_TOLERANCE = 0.05  # "held": within 5 % of the value stored at the pulse
MIN_STORED = 0.5  # the pulse must have written at least this much


def _held_steps(c: np.ndarray, stored: float) -> int:
    """How many steps after t = 0, in a row, c stays within HOLD_TOLERANCE of what t = 0 stored."""
    ok = np.abs(c[1:] - stored) <= HOLD_TOLERANCE * abs(stored)
    return len(ok) if ok.all() else int(np.argmin(ok))


def _judge_hold(ch: Challenge, trace: Trace, vocabulary: str) -> Verdict:
    c, f, i, g = (_unit(trace, k) for k in ("c", "f", "i", "g"))
    stored, n = float(c[0]), ch.T - 1
    held = _held_steps(c, stored) if abs(stored) >= MIN_STORED else 0
    f_after = float(np.exp(np.log(f[1:]).mean()))  # geometric mean, as the half-life uses
    i_after = float(i[1:].mean())
    # What moved the memory after the pulse: the part forgetting took away, the part writing added.
    lost = float(np.abs((1 - f[1:]) * c[:-1]).sum())
    added = float(np.abs(i[1:] * g[1:]).sum())
    numbers = dict(
        stored=stored, held=held, steps=n, f_after=f_after, i_after=i_after, lost=lost, added=added
    )
    headline = (
        f"The value {stored:.2f} stored at the pulse was held for **{held} of {n} steps** (within 5 %)."
    )
    if abs(stored) < MIN_STORED:
        hint = f"Only {stored:.2f} was stored at the pulse ({{i_sym}} = {i[0]:.2f} there): raise {{b_i}}."
    elif held == n:
        hint = (
            f"After the pulse {{f_sym}} ≈ {f_after:.4f} and {{i_sym}} ≈ {i_after:.4f}: what leaks and what "
            f"is added stay within 5 % for all {n} steps."
        )
    elif lost >= added:
        hint = f"The {{f}} {{f_sym}} ≈ {f_after:.2f} after the pulse, so the value leaks away: raise {{b_f}}."
    else:
        hint = (
            f"The {{i}} {{i_sym}} ≈ {i_after:.2f} after the pulse, so the {{g}} keeps being written "
            "on top: lower {b_i}."
        )
    return Verdict(held == n, held / n, fill(headline, vocabulary), fill(hint, vocabulary), numbers)


def _target_hold(ch: Challenge, trace: Trace, vocabulary: str) -> Target:
    stored = float(_unit(trace, "c")[0])
    t = np.arange(1, ch.T)
    band = HOLD_TOLERANCE * abs(stored)
    return Target(t, np.full(t.shape, stored - band), np.full(t.shape, stored + band), "goal: hold it (±5 %)")


HOLD = Challenge(
    key="hold",
    title="Keep the first value for 20 steps",
    goal=(
        "The input is a single pulse: 1 at t = 0, then 0 for 20 steps. The {i} opens at the pulse (its input "
        "weight is large), so {g} is written into the empty {c}. Set the two biases so that the {c} then "
        "keeps that value, within 5 %, for all 20 steps."
    ),
    x=make_pulse(HOLD_STEPS + 1).x,
    c0=0.0,
    fixed=GateSettings(
        i=Gate(weight=20.0),
        f=Gate(weight=0.0),
        g=Gate(bias=0.0, weight=3.0),
        o=Gate(bias=0.0, weight=0.0),
    ),
    controls=(Control("f", "bias", 0.0), Control("i", "bias", 0.0)),
    judge=_judge_hold,
    target=_target_hold,
)

# ---------------------------------------------------------------------------------------------------------
# 2. Forget everything every step
# ---------------------------------------------------------------------------------------------------------

FORGET_MAX = 0.02  # "forgets everything": at most 2 % of the old memory survives a step


def _judge_forget(ch: Challenge, trace: Trace, vocabulary: str) -> Verdict:
    f, x = _unit(trace, "f"), ch.x[:, 0]
    ok = f <= FORGET_MAX
    worst = int(np.argmax(f))
    n_ok, T = int(ok.sum()), ch.T
    numbers = dict(forgot=n_ok, steps=T, f_max=float(f[worst]), t_worst=worst, x_worst=float(x[worst]))
    headline = f"**{n_ok} of {T} steps** forgot everything ({{f_sym}} ≤ {FORGET_MAX:g})"
    if n_ok == T:
        headline += f"; the largest {{f}} was {f[worst]:.4f}."
        hint = "Whatever the input, the old {c} is wiped at every step: the cell only knows this step."
    else:
        headline += f"; the worst, t = {worst}, kept {f[worst]:.0%} of the old {{c}}."
        quiet_ok = bool(ok[x == 0].all()) if (x == 0).any() else False
        if x[worst] != 0 and quiet_ok:
            hint = (
                f"The {{f}} {{f_sym}} is small while the input is 0 but reaches {f[worst]:.2f} "
                f"where it is {x[worst]:g}: "
                "the input weight pushes it up. Lower {W_xf}."
            )
        else:
            hint = f"The {{f}} {{f_sym}} reaches {f[worst]:.2f} at t = {worst}: lower {{b_f}}."
    return Verdict(n_ok == T, n_ok / T, fill(headline, vocabulary), fill(hint, vocabulary), numbers)


def _target_forget(ch: Challenge, trace: Trace, vocabulary: str) -> Target:
    t = np.arange(ch.T)
    label = f"goal: {notation.html('f', vocabulary, VARIANT)} ≤ {FORGET_MAX:g}"
    return Target(t, np.zeros(ch.T), np.full(ch.T, FORGET_MAX), label, row=2)


FORGET = Challenge(
    key="forget",
    title="Forget everything, every step",
    goal=(
        "The input is 0 for 10 steps, then 1; the {c} starts at 1 and the {i} writes a little at every "
        "step. Make the cell wipe its old {c} at every step: the {f} must stay at or below "
        f"{FORGET_MAX:g} at all 20 steps, whatever the input."
    ),
    x=make_step(20).x,
    c0=1.0,
    fixed=GateSettings(
        i=Gate(bias=0.0, weight=1.0),
        g=Gate(bias=0.0, weight=2.0),
        o=Gate(bias=0.0, weight=0.0),
    ),
    controls=(Control("f", "bias", 2.0), Control("f", "weight", 8.0)),
    judge=_judge_forget,
    target=_target_forget,
)

# ---------------------------------------------------------------------------------------------------------
# 3. A half-life of 10 steps
# ---------------------------------------------------------------------------------------------------------

HALF_LIFE_GOAL, HALF_LIFE_TOLERANCE = 10.0, 0.5


def _judge_half_life(ch: Challenge, trace: Trace, vocabulary: str) -> Verdict:
    half = float(memory_half_life(trace)[0])
    f_mean = float(mean_forget(trace)[0])
    c = _unit(trace, "c")
    k = int(HALF_LIFE_GOAL) - 1  # after 10 steps (t = 9) a half-life of 10 leaves half the memory
    off = half - HALF_LIFE_GOAL
    passed = bool(abs(off) <= HALF_LIFE_TOLERANCE)
    # How close, on a log scale: a factor of 10 off (or never/instant) scores 0.
    score = 0.0 if not np.isfinite(half) or half <= 0 else max(0.0, 1 - abs(np.log10(half / HALF_LIFE_GOAL)))
    numbers = dict(half_life=half, f_mean=f_mean, c_after_10=float(c[k]))
    headline = (
        f"Half-life **{describe_half_life(half)}** (mean {{f_sym}} = {f_mean:.4f}); after 10 steps the {{c}} "
        f"holds {c[k]:.2f} of its starting 1. The goal is {HALF_LIFE_GOAL:g} ± {HALF_LIFE_TOLERANCE:g} steps."
    )
    if passed:
        hint = (
            f"{{f_sym}} ≈ {f_mean:.4f} ≈ 0.5^(1/10) = 0.9330: each step keeps {f_mean:.1%}, so 10 steps "
            f"keep {c[k]:.2f}, about half."
        )
    elif off < 0:
        hint = "Too short: the {f} {f_sym} must be closer to 1. Raise {W_xf}."
    else:
        hint = "Too long: the {f} {f_sym} is too close to 1. Lower {W_xf}."
    return Verdict(
        passed,
        float(score) if not passed else 1.0,
        fill(headline, vocabulary),
        fill(hint, vocabulary),
        numbers,
    )


def _target_half_life(ch: Challenge, trace: Trace, vocabulary: str) -> Target:
    t = np.arange(ch.T)
    ideal = ch.c0 * 0.5 ** ((t + 1) / HALF_LIFE_GOAL)
    return Target(t, ideal, ideal, "goal: half-life 10")


HALF_LIFE = Challenge(
    key="half_life",
    title="A memory half-life of 10 steps",
    goal=(
        "The {c} starts at 1, nothing is written (the {i} is shut) and the input is 1 at every step, so only "
        "the {f} acts: {f_sym} = σ({W_xf} · 1 + {b_f}). Find the input weight {W_xf} at which the memory "
        f"half-life is {HALF_LIFE_GOAL:g} steps (± {HALF_LIFE_TOLERANCE:g}): after 10 steps, half of the "
        "{c} is left."
    ),
    x=np.ones((30, 1)),
    c0=1.0,
    fixed=GateSettings(
        i=Gate(bias=-12.0, weight=0.0),
        f=Gate(bias=0.0),
        g=Gate(bias=0.0, weight=0.0),
        # o shut: the output h ≈ 0, so the recurrent weights add nothing to f and the weight alone decides.
        o=Gate(bias=-12.0, weight=0.0),
    ),
    controls=(Control("f", "weight", 0.0, step=0.05, widget="number"),),
    judge=_judge_half_life,
    target=_target_half_life,
)

# ---------------------------------------------------------------------------------------------------------
# 4. Count the ones
# ---------------------------------------------------------------------------------------------------------

COUNT_TOLERANCE = 0.25


def _judge_count(ch: Challenge, trace: Trace, vocabulary: str) -> Verdict:
    c, f, i, g = (_unit(trace, k) for k in ("c", "f", "i", "g"))
    x = ch.x[:, 0]
    count = np.cumsum(x)
    ok = np.abs(c - count) <= COUNT_TOLERANCE
    right, T = int(ok.sum()), ch.T
    ones, zeros = x == 1, x == 0
    added_at_ones = float((i * g)[ones].mean())
    written_at_zeros = float(np.abs(i * g)[zeros].max())
    f_mean = float(np.exp(np.log(f).mean()))
    numbers = dict(
        right=right, steps=T, added_at_ones=added_at_ones, written_at_zeros=written_at_zeros, f_mean=f_mean
    )
    headline = f"The {{c}} matched the count at **{right} of {T} steps**"
    if ok.all():
        hint = (
            f"Each 1 adds {added_at_ones:.2f}, each 0 at most {written_at_zeros:.2f}, and {{f_sym}} ≈ "
            f"{f_mean:.3f} keeps the sum."
        )
        headline += f"; it ends at {c[-1]:.2f}."
        return Verdict(True, 1.0, fill(headline, vocabulary), fill(hint, vocabulary), numbers)
    t = int(np.argmin(ok))
    headline += f"; at t = {t} it held {c[t]:.2f} where the count is {count[t]:.0f}."
    if float(i[ones].mean()) < 0.9:
        hint = (
            f"At a 1 the {{i}} {{i_sym}} is only {i[ones].mean():.2f}: raise {{W_xi}} so the input opens it."
        )
    elif float(g[ones].mean()) < 0.9:
        hint = f"At a 1 the {{g}} {{g_sym}} is only {g[ones].mean():.2f}, so a 1 adds less: raise {{b_g}}."
    elif written_at_zeros > 0.1:
        hint = (
            f"The {{i}} {{i_sym}} opens at the zeros too (up to {written_at_zeros:.2f} added): lower {{b_i}}."
        )
    else:
        hint = f"The {{f}} {{f_sym}} ≈ {f_mean:.3f}, so the count leaks away: raise {{b_f}}."
    return Verdict(False, right / T, fill(headline, vocabulary), fill(hint, vocabulary), numbers)


def _target_count(ch: Challenge, trace: Trace, vocabulary: str) -> Target:
    count = np.cumsum(ch.x[:, 0])
    return Target(np.arange(ch.T), count - COUNT_TOLERANCE, count + COUNT_TOLERANCE, "goal: the count so far")


COUNT = Challenge(
    key="count",
    title="Count the ones",
    goal=(
        "The input is a string of random bits. Make the {c} count them: after every step it must hold the "
        f"number of ones seen so far (± {COUNT_TOLERANCE:g}). Every 1 has to add exactly one to the memory, "
        "every 0 nothing, and nothing may leak."
    ),
    x=make_count_ones(20, seed=0).x,
    c0=0.0,
    fixed=GateSettings(
        f=Gate(weight=0.0),
        g=Gate(weight=0.0),
        o=Gate(bias=0.0, weight=0.0),
    ),
    controls=(
        Control("f", "bias", 0.0),
        Control("i", "bias", 0.0),
        Control("i", "weight", 0.0),
        Control("g", "bias", 0.0),
    ),
    judge=_judge_count,
    target=_target_count,
)

CHALLENGES: dict[str, Challenge] = {ch.key: ch for ch in (HOLD, FORGET, HALF_LIFE, COUNT)}
