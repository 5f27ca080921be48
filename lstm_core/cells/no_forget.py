"""The LSTM without a forget gate (Hochreiter & Schmidhuber 1997): f ≡ 1, nothing is ever forgotten.

i_t = σ(W_xi x_t + W_hi h_{t-1} + b_i)
g_t = tanh(W_xg x_t + W_hg h_{t-1} + b_g)
o_t = σ(W_xo x_t + W_ho h_{t-1} + b_o)
c_t = c_{t-1} + i_t ⊙ g_t
h_t = o_t ⊙ tanh(c_t)
"""

from __future__ import annotations

import numpy as np

from .base import LSTM_FIELDS, CellSpec, Equation, clamped, sigmoid
from .standard import H_LINE, geron_gate


def step(x, h_prev, c_prev, P, clamp):
    """One step. x: (I,); h_prev, c_prev: (H,); P: ``LayerParams`` with gate blocks i, o, g (3H columns).

    The trace still has f (all ones) and kept (= c_{t-1}), so every LSTM trace has the same fields.
    """
    Wx, Wh, b = SPEC.split(P.W_x), SPEC.split(P.W_h), SPEC.split(P.b_x + P.b_h)
    z_i = x @ Wx["i"] + h_prev @ Wh["i"] + b["i"]
    z_g = x @ Wx["g"] + h_prev @ Wh["g"] + b["g"]
    z_o = x @ Wx["o"] + h_prev @ Wh["o"] + b["o"]
    i = clamped(clamp, "i", sigmoid(z_i))
    g = clamped(clamp, "g", np.tanh(z_g))
    o = clamped(clamp, "o", sigmoid(z_o))
    f = np.ones_like(c_prev)
    written = i * g
    c = c_prev + written
    u = np.tanh(c)
    h = o * u
    return dict(i=i, f=f, g=g, o=o, v=o, kept=c_prev, written=written, c=c, u=u, h=h) | dict(
        z_i=z_i, z_g=z_g, z_o=z_o
    )


SPEC = CellSpec(
    name="no_forget",
    label="LSTM without a forget gate",
    title="Hochreiter & Schmidhuber (1997): no {f}, f ≡ 1",
    family="lstm",
    gates=("i", "o", "g"),
    fields=LSTM_FIELDS,
    clampable=("i", "g", "o"),
    fixed={"f": 1.0},
    shown=("f", "i", "g", "o"),
    default_layout="seed",
    gate_layout="seed",
    equations=(
        geron_gate("i", r"\sigma"),
        geron_gate("g", r"\tanh"),
        geron_gate("o", r"\sigma"),
        Equation(
            key="c",
            latex=r"$c = $c_prev + $i \odot $g",
            text="c_t = c_{t-1} + i_t ⊙ g_t",
            form="c_prev+i*g",
            terms=(("c_prev",), ("i", "g")),
        ),
        H_LINE,
    ),
    reference=step,
)
