"""The peephole LSTM (Gers & Schmidhuber 2000): the gates also read the cell state.

i_t = σ(W_xi x_t + W_hi h_{t-1} + p_i ⊙ c_{t-1} + b_i)
f_t = σ(W_xf x_t + W_hf h_{t-1} + p_f ⊙ c_{t-1} + b_f)
g_t = tanh(W_xg x_t + W_hg h_{t-1} + b_g)
c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
o_t = σ(W_xo x_t + W_ho h_{t-1} + p_o ⊙ c_t + b_o)   (the new c_t)
h_t = o_t ⊙ tanh(c_t)
"""

from __future__ import annotations

import numpy as np

from .base import LSTM_FIELDS, CellSpec, clamped, sigmoid
from .standard import C_LINE, H_LINE, geron_gate


def step(x, h_prev, c_prev, P, clamp):
    """One step. x: (I,); h_prev, c_prev: (H,); P: ``LayerParams`` with gate blocks i, f, o, g and the
    peephole diagonals P.p (3, H) = p_i, p_f, p_o."""
    Wx, Wh, b = SPEC.split(P.W_x), SPEC.split(P.W_h), SPEC.split(P.b_x + P.b_h)
    p_i, p_f, p_o = P.p
    z_i = x @ Wx["i"] + h_prev @ Wh["i"] + p_i * c_prev + b["i"]
    z_f = x @ Wx["f"] + h_prev @ Wh["f"] + p_f * c_prev + b["f"]
    z_g = x @ Wx["g"] + h_prev @ Wh["g"] + b["g"]
    i = clamped(clamp, "i", sigmoid(z_i))
    f = clamped(clamp, "f", sigmoid(z_f))
    g = clamped(clamp, "g", np.tanh(z_g))
    kept = f * c_prev
    written = i * g
    c = kept + written
    z_o = x @ Wx["o"] + h_prev @ Wh["o"] + p_o * c + b["o"]
    o = clamped(clamp, "o", sigmoid(z_o))
    u = np.tanh(c)
    h = o * u
    return dict(i=i, f=f, g=g, o=o, v=o, kept=kept, written=written, c=c, u=u, h=h) | dict(
        z_i=z_i, z_f=z_f, z_g=z_g, z_o=z_o
    )


SPEC = CellSpec(
    name="peephole",
    label="LSTM with peepholes",
    title="Gers & Schmidhuber (2000): the gates also read the {c}",
    family="lstm",
    gates=("i", "f", "o", "g"),
    fields=LSTM_FIELDS,
    clampable=("i", "f", "g", "o"),
    shown=("f", "i", "g", "o"),
    extra_params={"p": (3, "H")},
    default_layout="seed",
    gate_layout="seed",
    equations=(
        geron_gate("i", r"\sigma", peek="c_prev"),
        geron_gate("f", r"\sigma", peek="c_prev"),
        geron_gate("g", r"\tanh"),
        geron_gate("o", r"\sigma", peek="c"),
        C_LINE,
        H_LINE,
    ),
    reference=step,
)
