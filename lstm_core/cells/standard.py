"""The standard LSTM (Gers, Schmidhuber & Cummins 2000; what PyTorch, Keras and TF1 compute).

i_t = σ(W_xi x_t + W_hi h_{t-1} + b_i)        input gate
f_t = σ(W_xf x_t + W_hf h_{t-1} + b_f)        forget gate
g_t = tanh(W_xg x_t + W_hg h_{t-1} + b_g)     candidate
o_t = σ(W_xo x_t + W_ho h_{t-1} + b_o)        output gate
c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
h_t = o_t ⊙ tanh(c_t)
"""

from __future__ import annotations

import numpy as np

from .base import LSTM_FIELDS, CellSpec, Equation, clamped, gate_line, sigmoid


def step(x, h_prev, c_prev, P, clamp):
    """One step, straight from the equations above.

    x: (I,) input; h_prev, c_prev: (H,) the state the step starts from.
    P: the layer's ``LayerParams``: W_x (I, 4H), W_h (H, 4H), b_x, b_h (4H,), gate blocks i, f, o, g.
    clamp: {gate: value} replaces that gate's activation (a what-if experiment).
    Returns every (H,) intermediate under the trace's names, and the pre-activations as z_<gate>.
    """
    Wx, Wh, b = SPEC.split(P.W_x), SPEC.split(P.W_h), SPEC.split(P.b_x + P.b_h)
    z_i = x @ Wx["i"] + h_prev @ Wh["i"] + b["i"]
    z_f = x @ Wx["f"] + h_prev @ Wh["f"] + b["f"]
    z_g = x @ Wx["g"] + h_prev @ Wh["g"] + b["g"]
    z_o = x @ Wx["o"] + h_prev @ Wh["o"] + b["o"]
    i = clamped(clamp, "i", sigmoid(z_i))
    f = clamped(clamp, "f", sigmoid(z_f))
    g = clamped(clamp, "g", np.tanh(z_g))
    o = clamped(clamp, "o", sigmoid(z_o))
    kept = f * c_prev
    written = i * g
    c = kept + written
    u = np.tanh(c)
    h = o * u
    return dict(i=i, f=f, g=g, o=o, v=o, kept=kept, written=written, c=c, u=u, h=h) | dict(
        z_i=z_i, z_f=z_f, z_g=z_g, z_o=z_o
    )


_TEXT_SYMBOL = {"c_prev": "c_{t-1}", "c": "c_t"}


def geron_gate(key: str, activation: str, peek: str | None = None) -> Equation:
    """key_t = act(W_xkey x_t + W_hkey h_{t-1} + b_key): a gate line of the cells in Géron's notation.

    peek: "c_prev" or "c", the cell state a peephole p_key adds in (the peephole cell).
    """
    term = rf" + p_{{{key}}} \odot ${peek}" if peek else ""
    text_term = f" + p_{key} ⊙ {_TEXT_SYMBOL[peek]}" if peek else ""
    return gate_line(
        key,
        activation,
        rf"W_{{x{key}}}\, $x + W_{{h{key}}}\, $h_prev{term} + b_{{{key}}}",
        f"W_x{key} x_t + W_h{key} h_{{t-1}}{text_term} + b_{key}",
        form=f"{activation}(x,h{',' + peek if peek else ''})",
    )


C_LINE = Equation(
    key="c",
    latex=r"$c = $f \odot $c_prev + $i \odot $g",
    text="c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t",
    form="f*c_prev+i*g",
    terms=(("f", "c_prev"), ("i", "g")),
)
H_LINE = Equation(
    key="h",
    latex=r"$h = $o \odot \tanh($c)",
    text="h_t = o_t ⊙ tanh(c_t)",
    form="o*tanh(c)",
    terms=(("o", "u"),),
    labels={"u": r"\tanh($c)"},  # tanh(c_t) is worked out already: the u strip of the diagram
)

SPEC = CellSpec(
    name="standard",
    label="LSTM (standard)",
    title="Gers, Schmidhuber & Cummins (2000): what PyTorch and Keras compute",
    family="lstm",
    gates=("i", "f", "o", "g"),
    fields=LSTM_FIELDS,
    clampable=("i", "f", "g", "o"),
    shown=("f", "i", "g", "o"),
    default_layout="torch",
    gate_layout="seed",
    equations=(
        geron_gate("i", r"\sigma"),
        geron_gate("f", r"\sigma"),
        geron_gate("g", r"\tanh"),
        geron_gate("o", r"\sigma"),
        C_LINE,
        H_LINE,
    ),
    reference=step,
)
