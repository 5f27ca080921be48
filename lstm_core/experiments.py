"""What-if experiments on the cell: hand-set gates (Gate lab) and one weight set for every variant (Compare).

Gate lab. A :class:`GateSettings` says, for each gate i, f, g, o, what its bias and its input weight should
be and whether the gate is clamped to a constant. :func:`build_net` starts from the random weights of
``LSTM.random(seed)`` and overrides only what the settings name; :data:`PRESETS` are four classic
settings ("perfect memory", "amnesia", "write once then hold", "saturated"). :func:`half_life` and
:func:`memory_half_life` turn forget-gate values into "how many steps until a stored value is halved".

Compare variants. :func:`matched_nets` gives the four variants the same random weights wherever the
weights mean the same thing, so the differences the learner sees come from the equations alone.

NumPy only (docs/design.md §5): no Streamlit, no Plotly.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from . import cells as cell_table
from .cell import VARIANTS, LayerParams, check_variant
from .network import LSTM
from .networks import network_class
from .trace import Trace

GATES = ("i", "f", "g", "o")  # the gates a GateSettings sets (trace names); a cell uses those it has

# The ranges the Gate lab's sliders offer; every preset lies inside them.
BIAS_RANGE = (-12.0, 12.0)
WEIGHT_RANGE = (-24.0, 24.0)

# ---------------------------------------------------------------------------------------------------------
# Gate settings and presets
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gate:
    """What to do with one gate. ``None`` leaves that part as the random weights have it.

    bias: replaces the gate's bias b in every unit (the udacity cell's b_i, b_f, b_n, b_v).
    weight: replaces every input weight of the gate, the same number for every input feature and every
        unit, so the gate's pre-activation becomes ``weight · (x_1 + … + x_I) + W_h h_{t-1} + bias``.
        The recurrent weights W_h (and the peepholes, and the Udacity W_u, b_u) keep their random values.
    clamp: if set, the gate is replaced by this constant at every step (``LSTM.run(clamp=…)``), whatever
        its weights compute; in [0, 1] for i, f, o and in [-1, 1] for the candidate g.
    """

    bias: float | None = None
    weight: float | None = None
    clamp: float | None = None


@dataclass(frozen=True)
class GateSettings:
    """One Gate per gate i, f, g, o, and a one-line description. ``GateSettings()`` changes nothing.

    One bias and one input weight per gate, shared by every unit and every input feature, keeps the
    experiment to eight numbers a learner can move; the units still differ through their random recurrent
    weights. Hashable, so a page can cache on it.
    """

    i: Gate = Gate()
    f: Gate = Gate()
    g: Gate = Gate()
    o: Gate = Gate()
    description: str = ""

    def gate(self, key: str) -> Gate:
        if key not in GATES:
            raise ValueError(f"unknown gate {key!r}; choose one of {', '.join(GATES)}")
        return getattr(self, key)

    def with_gate(self, key: str, **changes) -> GateSettings:
        """A copy with gate ``key``'s bias, weight or clamp changed."""
        return replace(self, **{key: replace(self.gate(key), **changes)})

    def clamp(self, variant: str = "standard") -> dict[str, float]:
        """The ``clamp`` argument of ``LSTM.run`` for ``variant``: the clamps of the gates it can clamp
        (no_forget has no f to clamp: dropped)."""
        clampable = cell_table.get(variant).clampable
        return {
            k: float(self.gate(k).clamp) for k in GATES if self.gate(k).clamp is not None and k in clampable
        }


# Bias and input weight sizes of the presets. The recurrent part W_h h_{t-1} of a pre-activation is at most
# sqrt(H) ≤ 2 in size for H ≤ 4 (random weights in ±1/sqrt(H), |h| < 1), so a bias of ±10 keeps a gate at
# least 8 away from 0: σ(8) = 0.99966, tanh(8) = 1 - 2e-7.
_BIG, _SWITCH = 10.0, 20.0

PRESETS: dict[str, GateSettings] = {
    "perfect_memory": GateSettings(
        i=Gate(bias=-_BIG, weight=0.0),
        f=Gate(bias=_BIG, weight=0.0),
        g=Gate(bias=0.0, weight=0.0),
        o=Gate(bias=2.0, weight=0.0),
        description="f ≈ 1 and i ≈ 0: nothing is erased and nothing is written, so the memory never changes.",
    ),
    "amnesia": GateSettings(
        i=Gate(bias=0.0, weight=1.0),
        f=Gate(bias=-_BIG, weight=0.0),
        g=Gate(bias=0.0, weight=2.0),
        o=Gate(bias=2.0, weight=0.0),
        description="f ≈ 0: the old memory is wiped at every step; it holds only what this step writes.",
    ),
    "write_once": GateSettings(
        i=Gate(bias=-_BIG, weight=_SWITCH),
        f=Gate(bias=_BIG, weight=0.0),
        g=Gate(bias=0.0, weight=3.0),
        o=Gate(bias=2.0, weight=0.0),
        description="i opens only when the input is near 1 (the pulse) and f stays near 1: "
        "write once, then hold.",
    ),
    "saturated": GateSettings(
        i=Gate(bias=-_BIG, weight=_SWITCH),
        f=Gate(bias=_BIG, weight=-_SWITCH),
        g=Gate(bias=_BIG, weight=0.0),
        o=Gate(bias=_BIG, weight=0.0),
        description="Huge weights push every gate to 0 or 1: a digital latch. An input of 1 erases the "
        "memory and stores 1; an input of 0 holds it.",
    ),
}

PRESET_TITLES = {
    "perfect_memory": "perfect memory",
    "amnesia": "amnesia",
    "write_once": "write once then hold",
    "saturated": "saturated",
}


def build_net(
    settings: GateSettings,
    input_size: int,
    hidden_size: int,
    variant: str = "standard",
    seed: int = 0,
    num_layers: int = 1,
) -> LSTM:
    """``LSTM.random(input_size, hidden_size, num_layers, variant, seed)`` with the settings' biases and
    input weights written in (every layer; a layer above the first reads the layer below's h as input).

    The weights are edited in the core's stacked ``LayerParams``, on each gate's block (the cell's own
    letter: udacity's g is N, o is V): the bias becomes b_x of the block (b_h 0), the input weight every
    entry of W_x's block. A gate the variant has no weights for (no_forget's f) is left alone.
    Clamps are not weights: pass ``settings.clamp(variant)`` to ``run`` (or use :func:`run_settings`).
    """
    check_variant(variant)
    spec = cell_table.get(variant)
    layers = []
    for P in LSTM.random(input_size, hidden_size, num_layers, variant, seed).layers:
        W_x, b_x, b_h = P.W_x.copy(), P.b_x + P.b_h, np.zeros_like(P.b_h)
        for key in GATES:
            gate = settings.gate(key)
            if key not in spec.weighted:
                continue
            own = spec.own_name(key)
            if gate.bias is not None:
                spec.block(b_x, own)[:] = gate.bias
            if gate.weight is not None:
                spec.block(W_x, own)[:] = gate.weight
        layers.append(replace(P, W_x=W_x, b_x=b_x, b_h=b_h))
    return LSTM(tuple(layers))


def run_settings(
    settings: GateSettings,
    x: np.ndarray,
    hidden_size: int,
    variant: str = "standard",
    seed: int = 0,
    num_layers: int = 1,
    c0: np.ndarray | None = None,
) -> Trace:
    """Build the net of ``settings`` for the input x (T, I) and run it with the settings' clamps.

    c0: the starting long-term memory, (num_layers, H) or one number for every unit of every layer.
    """
    x = np.asarray(x, dtype=np.float64)
    x = x[:, None] if x.ndim == 1 else x
    net = build_net(settings, x.shape[1], hidden_size, variant, seed, num_layers)
    return net.run(x, c0=initial_state(c0, num_layers, hidden_size), clamp=settings.clamp(variant))


def initial_state(value, num_layers: int, hidden_size: int) -> np.ndarray | None:
    """None stays None (zeros); a number fills every unit of every layer; an array is passed through."""
    if value is None:
        return None
    a = np.asarray(value, dtype=np.float64)
    return np.full((num_layers, hidden_size), float(a)) if a.ndim == 0 else a


# ---------------------------------------------------------------------------------------------------------
# Memory half-life
# ---------------------------------------------------------------------------------------------------------


def half_life(f) -> np.ndarray:
    """Steps until a stored value falls to half if the forget factor stayed at f: ln(0.5) / ln(f).

    After k steps with nothing written, a value v has become f^k · v; it is halved when f^k = 0.5.
    f ≥ 1: ``inf`` (the value is never halved); f = 0 (or below): 0 (gone after one step); otherwise a
    positive number, e.g. f = 0.5 → 1, f = 0.9 → 6.58, f = 0.99 → 69. NaN stays NaN. No warnings.
    """
    f = np.asarray(f, dtype=np.float64)
    out = np.full(f.shape, np.inf)
    out[np.isnan(f)] = np.nan
    out[f <= 0.0] = 0.0
    decays = (f > 0.0) & (f < 1.0)
    out[decays] = np.log(0.5) / np.log(f[decays])
    return out


def mean_forget(trace: Trace, layer: int = 0) -> np.ndarray:
    """(H,) geometric mean of each unit's forget gate over the sequence: the one constant factor that
    would shrink a stored value by as much as the real sequence of f_t did. 0 if any f_t is 0."""
    f = trace.layers[layer].f
    with np.errstate(divide="ignore"):
        return np.exp(np.log(f).mean(axis=0))


def memory_half_life(trace: Trace, layer: int = 0) -> np.ndarray:
    """(H,) per-unit half-life, in steps, of the memory of ``layer``: ``half_life(mean_forget(…))``.

    ``inf`` where f stayed at 1 (no_forget, or f clamped to 1): the memory is never halved.
    """
    return half_life(mean_forget(trace, layer))


def describe_half_life(steps: float) -> str:
    """'never', 'less than a step', '1 step', '6.6 steps', '15,000 steps': a half-life for people."""
    steps = float(steps)
    if np.isnan(steps):
        return "unknown"
    if np.isinf(steps):
        return "never"
    if steps < 0.05:
        return "less than a step"
    if steps >= 1000:
        return f"{steps:,.0f} steps"
    text = f"{steps:.2g}" if steps < 10 else f"{steps:.0f}"
    return f"{text} step" + ("" if text == "1" else "s")


# ---------------------------------------------------------------------------------------------------------
# Matched weights for Compare variants
# ---------------------------------------------------------------------------------------------------------


def matched_nets(input_size: int, hidden_size: int, num_layers: int = 1, seed: int = 0) -> dict[str, LSTM]:
    """One net per variant (keys ``VARIANTS``) sharing the random standard weights of ``seed``.

    - standard: ``LSTM.random(input_size, hidden_size, num_layers, "standard", seed)``.
    - no_forget: the same i, g, o weights; the forget weights are dropped (f ≡ 1).
    - peephole: the same i, f, g, o weights plus peepholes p_i, p_f, p_o drawn from their own seeded
      stream, uniform in ±1/sqrt(H) like every other weight.
    - udacity: W_n from g's weights, W_i from i's, W_f from f's, W_v from o's, each rearranged to act on
      [STM_{t-1}, E_t]; W_u = identity and b_u = 0. With that choice U_t = tanh(LTM_{t-1} ⊙ f_t) versus
      the standard tanh(c_t) = tanh(f_t ⊙ c_{t-1} + i_t ⊙ g_t): the only difference left is the structural
      one (U misses what this step learnt), not an extra random weight matrix mixing the units.

    All four start from the same h0 = c0 = 0, so at the first step every gate agrees; they part as soon
    as their different outputs feed back.
    """
    standard = LSTM.random(input_size, hidden_size, num_layers, "standard", seed)
    std = cell_table.get("standard")
    rng = np.random.default_rng([seed, 1])  # its own stream: the shared weights stay those of `seed`
    scale, H = 1.0 / np.sqrt(hidden_size), hidden_size
    nets = {}
    for variant in cell_table.lstm_variants():
        spec, layers = cell_table.get(variant), []

        def pick(A, spec=spec):  # the standard blocks of the gates this cell has, in its own order
            return np.concatenate([std.block(A, std.own_name(key)) for key in spec.weighted], axis=-1)

        for P in standard.layers:
            extra = {}
            if spec.peepholes:
                extra["p"] = rng.uniform(-scale, scale, size=(3, H))
            if "W_u" in spec.extra_params:
                extra |= {"W_u": np.eye(H), "b_u": np.zeros(H)}
            layers.append(LayerParams(variant, pick(P.W_x), pick(P.W_h), pick(P.b_x), pick(P.b_h), **extra))
        nets[variant] = LSTM(tuple(layers))
    return nets


def run_matched(
    x: np.ndarray, hidden_size: int, num_layers: int = 1, seed: int = 0, cells: tuple[str, ...] = VARIANTS
) -> dict[str, Trace]:
    """The traces of :func:`matched_nets` on the same input x (T, I), for ``cells`` in their order.

    cells: any of ``VARIANTS`` and "gru", "rnn". The GRU and the RNN run on the same x with their own
    random weights of ``seed`` (``GRU.random``, ``RNN.random``): none of their weights means what an LSTM
    weight means, so there is nothing to match; their traces are ``CellTrace``s.
    """
    x = np.asarray(x, dtype=np.float64)
    x = x[:, None] if x.ndim == 1 else x
    unknown = [c for c in cells if c not in cell_table.REGISTRY]
    if unknown:
        raise ValueError(f"unknown cell(s) {unknown}; choose from {', '.join(cell_table.names())}")
    I = x.shape[1]  # noqa: E741
    nets = matched_nets(I, hidden_size, num_layers, seed)
    nets |= {  # the cells that are no LSTM (the GRU, the RNN): their own random weights
        c: network_class(c).random(I, hidden_size, num_layers, seed=seed, variant=c)
        for c in cells
        if c not in nets
    }
    return {cell: nets[cell].run(x) for cell in cells}
