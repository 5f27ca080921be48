"""The plain tanh RNN as PyTorch's ``nn.RNN`` computes it.

h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)
"""

from __future__ import annotations

import numpy as np

from .base import CellSpec, Equation


def step(x, h_prev, P):
    """One step. x: (I,); h_prev: (H,); P: ``CellParams`` W_x (I, H), W_h (H, H), b_x, b_h (H,).
    Returns h and its pre-activation a."""
    a = x @ P.W_x + P.b_x + h_prev @ P.W_h + P.b_h
    return dict(h=np.tanh(a), a=a)


SPEC = CellSpec(
    name="rnn",
    label="plain RNN",
    title="Elman (1990), as torch.nn.RNN: one tanh layer, no gates and no {c}",
    family="rnn",
    gates=("h",),
    fields=("h_prev", "h"),
    shown=("h",),  # no gates: its h is drawn where the others' gates are
    default_layout="torch",
    gate_layout="torch",
    descriptions={
        "h": "the RNN's one memory after this step (it has no cell state): tanh(W_ih x + W_hh h_prev + b)"
    },
    equations=(
        Equation(
            key="h",
            latex=r"$h = \tanh\left(W_{ih}\, $x + b_{ih} + W_{hh}\, $h_prev + b_{hh}\right)",
            text="h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)",
            form="rnn:h",
            activation=r"\tanh",
        ),
    ),
    reference=step,
)
