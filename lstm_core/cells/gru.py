"""The GRU as PyTorch's ``nn.GRU`` computes it (Cho et al. 2014, reset gate inside the candidate).

r_t = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)              reset gate
z_t = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)              update gate
n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn))   candidate
h_t = z_t ⊙ h_{t-1} + (1 − z_t) ⊙ n_t
"""

from __future__ import annotations

import numpy as np

from .base import CellSpec, Equation, gate_line, sigmoid


def step(x, h_prev, P):
    """One step. x: (I,); h_prev: (H,); P: the layer's ``CellParams``: W_x (I, 3H), W_h (H, 3H) and the
    two biases b_x, b_h (3H,) kept apart, gate blocks r, z, n.

    Returns r, z, n, hn = W_hn h_{t-1} + b_hn (what r scales), h and its two parts kept = z ⊙ h_{t-1},
    written = (1 − z) ⊙ n, and the pre-activations a_r, a_z, a_n.
    """
    Wx, Wh = SPEC.split(P.W_x), SPEC.split(P.W_h)
    bx, bh = SPEC.split(P.b_x), SPEC.split(P.b_h)
    a_r = x @ Wx["r"] + bx["r"] + h_prev @ Wh["r"] + bh["r"]
    a_z = x @ Wx["z"] + bx["z"] + h_prev @ Wh["z"] + bh["z"]
    r = sigmoid(a_r)
    z = sigmoid(a_z)
    hn = h_prev @ Wh["n"] + bh["n"]
    a_n = x @ Wx["n"] + bx["n"] + r * hn
    n = np.tanh(a_n)
    kept = z * h_prev
    written = (1.0 - z) * n
    h = kept + written
    return dict(r=r, z=z, n=n, hn=hn, kept=kept, written=written, h=h, a_r=a_r, a_z=a_z, a_n=a_n)


def _gate(key: str) -> Equation:
    """r or z: a σ gate with torch's two biases."""
    affine = rf"W_{{i{key}}}\, $x + b_{{i{key}}} + W_{{h{key}}}\, $h_prev + b_{{h{key}}}"
    return gate_line(
        key, r"\sigma", affine, f"W_i{key} x_t + b_i{key} + W_h{key} h_{{t-1}} + b_h{key}", f"gru:{key}"
    )


SPEC = CellSpec(
    name="gru",
    label="GRU",
    title="Cho et al. (2014), as torch.nn.GRU: reset and update gates, no {c}",
    family="gru",
    gates=("r", "z", "n"),
    fields=("h_prev", "r", "z", "hn", "n", "kept", "written", "h"),
    shown=("r", "z", "n"),
    default_layout="torch",
    gate_layout="torch",
    # h_t = z_t ⊙ h_{t-1} + (1 − z_t) ⊙ n_t has the same two parts as an LSTM's c_t
    names={
        ("kept", "standard"): (
            "kept state z⊙h",
            "z⊙h_prev",
            "z<sub>t</sub>⊙h<sub>t−1</sub>",
            r"z_t \odot h_{t-1}",
        ),
        ("kept", "udacity"): (
            "kept memory z⊙STM",
            "z⊙STM_prev",
            "z<sub>t</sub>⊙STM<sub>t−1</sub>",
            r"z_t \odot \mathrm{STM}_{t-1}",
        ),
        ("written", "standard"): (
            "written state (1−z)⊙n",
            "(1−z)⊙n",
            "(1−z<sub>t</sub>)⊙n<sub>t</sub>",
            r"(1 - z_t) \odot n_t",
        ),
        ("written", "udacity"): (
            "written memory (1−z)⊙n",
            "(1−z)⊙n",
            "(1−z<sub>t</sub>)⊙n<sub>t</sub>",
            r"(1 - z_t) \odot n_t",
        ),
    },
    descriptions={
        "kept": "the part of the old state that survives this step, z ⊙ h_prev",
        "written": "the candidate's share of the new state, (1 − z) ⊙ n",
        "h": "the GRU's one memory after this step (it has no cell state): kept + written",
    },
    equations=(
        _gate("r"),
        _gate("z"),
        gate_line(
            "n",
            r"\tanh",
            r"W_{in}\, $x + b_{in} + $r \odot (W_{hn}\, $h_prev + b_{hn})",
            "W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn)",
            "gru:n",
        ),
        Equation(
            key="h",
            latex=r"$h = $z \odot $h_prev + (1 - $z) \odot $n",
            text="h_t = z_t ⊙ h_{t-1} + (1 − z_t) ⊙ n_t",
            form="gru:h",
            terms=(("kept",), ("written",)),  # the two parts, each under its symbol, in substituted()
        ),
    ),
    reference=step,
)
