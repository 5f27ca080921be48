"""The Udacity LTM/STM lesson's cell, read literally (not the standard cell; docs/design.md §2).

N_t   = tanh(W_n [STM_{t-1}, E_t] + b_n)        learn matrix (the trace's g)
i_t   = σ(W_i [STM_{t-1}, E_t] + b_i)           ignore factor
f_t   = σ(W_f [STM_{t-1}, E_t] + b_f)           forget factor
LTM_t = LTM_{t-1} ⊙ f_t + N_t ⊙ i_t            remember gate
U_t   = tanh(W_u (LTM_{t-1} ⊙ f_t) + b_u)       use gate, tanh part: its own weights, the *old* memory
V_t   = σ(W_v [STM_{t-1}, E_t] + b_v)           use gate, sigmoid part (the trace's o)
STM_t = U_t ⊙ V_t
"""

from __future__ import annotations

import numpy as np

from .base import LSTM_FIELDS, CellSpec, Equation, clamped, gate_line, sigmoid


def step(x, h_prev, c_prev, P, clamp):
    """One step, in the lesson's names: E = x (I,), STM_prev = h_prev, LTM_prev = c_prev (H,).

    P: ``LayerParams`` with gate blocks i, f, v, n (W_x is the E part of the lesson's W, W_h the STM
    part) and the use gate's W_u (H, H), b_u (H,). clamp names gates as the trace does (g is N, o is V).
    """
    Wx, Wh, b = SPEC.split(P.W_x), SPEC.split(P.W_h), SPEC.split(P.b_x + P.b_h)
    z_n = x @ Wx["n"] + h_prev @ Wh["n"] + b["n"]  # W_n [STM_{t-1}, E_t] + b_n
    z_i = x @ Wx["i"] + h_prev @ Wh["i"] + b["i"]
    z_f = x @ Wx["f"] + h_prev @ Wh["f"] + b["f"]
    z_v = x @ Wx["v"] + h_prev @ Wh["v"] + b["v"]
    N = clamped(clamp, "g", np.tanh(z_n))
    i = clamped(clamp, "i", sigmoid(z_i))
    f = clamped(clamp, "f", sigmoid(z_f))
    V = clamped(clamp, "o", sigmoid(z_v))
    kept = c_prev * f  # the forget gate's output
    written = N * i
    ltm = kept + written
    z_u = P.W_u @ kept + P.b_u
    U = np.tanh(z_u)
    stm = U * V
    return dict(i=i, f=f, g=N, o=V, v=V, kept=kept, written=written, c=ltm, u=U, h=stm) | dict(
        z_i=z_i, z_f=z_f, z_g=z_n, z_o=z_v, z_u=z_u
    )


def _gate(key: str, own: str, activation: str) -> Equation:
    """A gate of the lesson: one matrix W_own on [STM_{t-1}, E_t] (the same affine map as W_x x + W_h h)."""
    affine = rf"W_{{{own}}}\,[$h_prev, $x] + b_{{{own}}}"
    text = f"W_{own} [STM_{{t-1}}, E_t] + b_{own}"
    return gate_line(
        key, activation, affine, text, f"{activation}(x,h)", symbol=own.upper() if own in "nv" else own
    )


SPEC = CellSpec(
    name="udacity",
    label="LSTM (Udacity-style)",
    title="Udacity's LTM/STM lesson: taken literally",
    family="lstm",
    gates=("i", "f", "v", "n"),
    trace_names={"n": "g", "v": "o"},
    fields=LSTM_FIELDS,
    clampable=("i", "f", "g", "o"),
    shown=("f", "i", "g", "o", "u"),
    extra_params={"W_u": ("H", "H"), "b_u": ("H",)},
    concatenated=True,
    names={("u", "standard"): ("use gate, tanh part", "u", "u<sub>t</sub>", "u_t")},
    descriptions={
        "u": "the use gate's own tanh layer: it reads the old memory after forgetting, W_u (f ⊙ c_prev) + b_u"
    },
    default_layout="udacity",
    gate_layout="udacity",
    equations=(
        _gate("g", "n", r"\tanh"),
        _gate("i", "i", r"\sigma"),
        _gate("f", "f", r"\sigma"),
        Equation(
            key="c",
            latex=r"$c = $c_prev \odot $f + $g \odot $i",
            text="LTM_t = LTM_{t-1} ⊙ f_t + N_t ⊙ i_t",
            form="f*c_prev+i*g",
            terms=(("c_prev", "f"), ("g", "i")),  # the factors in the lesson's order
        ),
        gate_line(
            "u",
            r"\tanh",
            r"W_{u}\,($c_prev \odot $f) + b_{u}",
            "W_u (LTM_{t-1} ⊙ f_t) + b_u",
            "tanh(W_u(f*c_prev)+b_u)",
            "U",
        ),
        _gate("o", "v", r"\sigma"),
        Equation(
            key="h",
            latex=r"$h = $u \odot $o",
            text="STM_t = U_t ⊙ V_t",
            form="u*o",
            terms=(("u", "o"),),
        ),
    ),
    reference=step,
)
