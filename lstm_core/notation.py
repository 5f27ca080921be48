"""The one vocabulary table: every label, colour and LaTeX string in the app comes from here.

Two vocabularies name the same numbers (docs/design.md §1): ``standard`` (colah, PyTorch, Keras, Géron:
x, h, c, f, i, g, o) and ``udacity`` (the LTM/STM lesson: event, short/long-term memory, forget and
ignore factors, learn matrix, use gate). Switching vocabulary changes names only, never values.
"""

from __future__ import annotations

from dataclasses import dataclass

VOCABULARIES = ("standard", "udacity")
VOCABULARY_TITLES = {
    "standard": "Standard (x, h, c, f, i, g, o)",
    "udacity": "Udacity-style (event, STM, LTM, learn/forget/use)",
}


@dataclass(frozen=True)
class Names:
    """How one vocabulary names a quantity.

    name: words for titles and legends; short: the symbol as plain text (CSV headers, tables);
    html: the symbol for Plotly text (``<sub>`` allowed); latex: the symbol for ``st.latex`` at step t.
    """

    name: str
    short: str
    html: str
    latex: str


@dataclass(frozen=True)
class Quantity:
    """One row of the table: a symbol, its two names, what it means and its colour."""

    key: str
    standard: Names
    udacity: Names
    description: str
    colour: str
    kind: str  # "state", "gate" (in [0, 1]), "squash" (in [-1, 1]) or "product"

    def names(self, vocabulary: str) -> Names:
        if vocabulary not in VOCABULARIES:
            raise ValueError(f"unknown vocabulary {vocabulary!r}; choose one of {', '.join(VOCABULARIES)}")
        return self.standard if vocabulary == "standard" else self.udacity


# Okabe & Ito (2008) colour-blind-safe palette; grey for the input, black for tanh(c)/U.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
    "grey": "#6E6E6E",
}


def _q(key, std, uda, description, colour, kind):
    return Quantity(key, Names(*std), Names(*uda), description, OKABE_ITO[colour], kind)


QUANTITIES: dict[str, Quantity] = {
    q.key: q
    for q in (
        _q(
            "x",
            ("input", "x", "x<sub>t</sub>", "x_t"),
            ("event", "E", "E<sub>t</sub>", "E_t"),
            "what the cell reads at this step",
            "grey",
            "state",
        ),
        _q(
            "c_prev",
            ("previous cell state", "c_prev", "c<sub>t−1</sub>", "c_{t-1}"),
            ("previous long-term memory", "LTM_prev", "LTM<sub>t−1</sub>", r"\mathrm{LTM}_{t-1}"),
            "the long-term memory the step starts from",
            "blue",
            "state",
        ),
        _q(
            "h_prev",
            ("previous hidden state", "h_prev", "h<sub>t−1</sub>", "h_{t-1}"),
            ("previous short-term memory", "STM_prev", "STM<sub>t−1</sub>", r"\mathrm{STM}_{t-1}"),
            "the short-term memory the step starts from",
            "vermillion",
            "state",
        ),
        _q(
            "f",
            ("forget gate", "f", "f<sub>t</sub>", "f_t"),
            ("forget factor", "f", "f<sub>t</sub>", "f_t"),
            "how much of each unit's old long-term memory is kept (0 = erase, 1 = keep)",
            "orange",
            "gate",
        ),
        _q(
            "i",
            ("input gate", "i", "i<sub>t</sub>", "i_t"),
            ("ignore factor", "i", "i<sub>t</sub>", "i_t"),
            "how much of the new candidate is written (0 = ignore it, 1 = write it all)",
            "green",
            "gate",
        ),
        _q(
            "g",
            ("candidate", "g", "g<sub>t</sub>", "g_t"),
            ("learn matrix", "N", "N<sub>t</sub>", "N_t"),
            "the new information proposed at this step, between -1 and 1",
            "purple",
            "squash",
        ),
        _q(
            "o",
            ("output gate", "o", "o<sub>t</sub>", "o_t"),
            ("use gate, sigmoid part", "V", "V<sub>t</sub>", "V_t"),
            "how much of each unit's squashed memory is shown as output (0 = hide, 1 = show)",
            "sky_blue",
            "gate",
        ),
        _q(
            "u",
            ("squashed cell state", "tanh(c)", "tanh(c<sub>t</sub>)", r"\tanh(c_t)"),
            ("use gate, tanh part", "U", "U<sub>t</sub>", "U_t"),
            "the memory squashed to (-1, 1) before the output gate scales it",
            "black",
            "squash",
        ),
        _q(
            "kept",
            ("kept memory f⊙c", "f⊙c_prev", "f<sub>t</sub>⊙c<sub>t−1</sub>", r"f_t \odot c_{t-1}"),
            (
                "forget gate output",
                "f⊙LTM_prev",
                "f<sub>t</sub>⊙LTM<sub>t−1</sub>",
                r"f_t \odot \mathrm{LTM}_{t-1}",
            ),
            "the part of the old memory that survives this step",
            "orange",
            "product",
        ),
        _q(
            "written",
            ("written memory i⊙g", "i⊙g", "i<sub>t</sub>⊙g<sub>t</sub>", r"i_t \odot g_t"),
            ("learn gate output", "N⊙i", "N<sub>t</sub>⊙i<sub>t</sub>", r"N_t \odot i_t"),
            "the new information added to the memory this step",
            "green",
            "product",
        ),
        _q(
            "c",
            ("cell state", "c", "c<sub>t</sub>", "c_t"),
            ("long-term memory", "LTM", "LTM<sub>t</sub>", r"\mathrm{LTM}_t"),
            "the long-term memory after this step (kept + written; the remember gate)",
            "blue",
            "state",
        ),
        _q(
            "h",
            ("hidden state", "h", "h<sub>t</sub>", "h_t"),
            ("short-term memory", "STM", "STM<sub>t</sub>", r"\mathrm{STM}_t"),
            "the short-term memory after this step: the cell's output",
            "vermillion",
            "state",
        ),
        # The GRU's (torch.nn.GRU; lstm_core/comparison_cells.py). The Udacity lesson has no names for
        # them, so both vocabularies use the paper's letters; colours by the LSTM gate whose part each
        # plays: z keeps the old state as f does, n is the candidate as g is.
        _q(
            "r",
            ("reset gate", "r", "r<sub>t</sub>", "r_t"),
            ("reset gate", "r", "r<sub>t</sub>", "r_t"),
            "how much of the old state the candidate reads (0 = start afresh, 1 = read it all)",
            "sky_blue",
            "gate",
        ),
        _q(
            "z",
            ("update gate", "z", "z<sub>t</sub>", "z_t"),
            ("update gate", "z", "z<sub>t</sub>", "z_t"),
            "how much of each unit's old state is kept (1 = keep it, 0 = replace it by the candidate)",
            "orange",
            "gate",
        ),
        _q(
            "n",
            ("GRU candidate", "n", "n<sub>t</sub>", "n_t"),
            ("GRU candidate", "n", "n<sub>t</sub>", "n_t"),
            "the new state the GRU proposes at this step, between -1 and 1",
            "purple",
            "squash",
        ),
        _q(
            "hn",
            (
                "recurrent part of the candidate",
                "W_hn·h_prev+b_hn",
                "W<sub>hn</sub>h<sub>t−1</sub>+b<sub>hn</sub>",
                r"W_{hn} h_{t-1} + b_{hn}",
            ),
            (
                "recurrent part of the candidate",
                "W_hn·STM_prev+b_hn",
                "W<sub>hn</sub>STM<sub>t−1</sub>+b<sub>hn</sub>",
                r"W_{hn} \mathrm{STM}_{t-1} + b_{hn}",
            ),
            "what the reset gate scales before the candidate's tanh",
            "purple",
            "product",
        ),
    )
}

# In the Udacity cell U_t has its own weights, so "tanh(c)" would be a wrong name for it in any vocabulary.
_VARIANT_NAMES = {
    ("udacity", "u", "standard"): Names("use gate, tanh part", "u", "u<sub>t</sub>", "u_t"),
    # A GRU's new state h_t = z_t ⊙ h_{t-1} + (1 − z_t) ⊙ n_t has the same two parts as an LSTM's c_t.
    ("gru", "kept", "standard"): Names(
        "kept state z⊙h", "z⊙h_prev", "z<sub>t</sub>⊙h<sub>t−1</sub>", r"z_t \odot h_{t-1}"
    ),
    ("gru", "kept", "udacity"): Names(
        "kept memory z⊙STM", "z⊙STM_prev", "z<sub>t</sub>⊙STM<sub>t−1</sub>", r"z_t \odot \mathrm{STM}_{t-1}"
    ),
    ("gru", "written", "standard"): Names(
        "written state (1−z)⊙n", "(1−z)⊙n", "(1−z<sub>t</sub>)⊙n<sub>t</sub>", r"(1 - z_t) \odot n_t"
    ),
    ("gru", "written", "udacity"): Names(
        "written memory (1−z)⊙n", "(1−z)⊙n", "(1−z<sub>t</sub>)⊙n<sub>t</sub>", r"(1 - z_t) \odot n_t"
    ),
}

_VARIANT_DESCRIPTIONS = {
    ("udacity", "u"): (
        "the use gate's own tanh layer: it reads the old memory after forgetting, W_u (f ⊙ c_prev) + b_u"
    ),
    ("gru", "kept"): "the part of the old state that survives this step, z ⊙ h_prev",
    ("gru", "written"): "the candidate's share of the new state, (1 − z) ⊙ n",
    ("gru", "h"): "the GRU's one memory after this step (it has no cell state): kept + written",
    (
        "rnn",
        "h",
    ): "the RNN's one memory after this step (it has no cell state): tanh(W_ih x + W_hh h_prev + b)",
}


def description(key: str, variant: str | None = None) -> str:
    """What ``key`` is, in one line; the Udacity cell's U gets its own, since it is not tanh(c)."""
    return _VARIANT_DESCRIPTIONS.get((variant, key)) or quantity(key).description


GATE_KEYS = ("f", "i", "g", "o", "u")
STATE_KEYS = ("c", "h")


def quantity(key: str) -> Quantity:
    """The table row for ``key``; a clear error names the known keys."""
    try:
        return QUANTITIES[key]
    except KeyError:
        raise ValueError(f"unknown quantity {key!r}; known: {', '.join(QUANTITIES)}") from None


def names(key: str, vocabulary: str, variant: str | None = None) -> Names:
    """All names of ``key`` in ``vocabulary``; ``variant`` picks a variant-specific name where one exists."""
    return _VARIANT_NAMES.get((variant, key, vocabulary)) or quantity(key).names(vocabulary)


def name(key: str, vocabulary: str, variant: str | None = None) -> str:
    return names(key, vocabulary, variant).name


def short(key: str, vocabulary: str, variant: str | None = None) -> str:
    return names(key, vocabulary, variant).short


def html(key: str, vocabulary: str, variant: str | None = None) -> str:
    return names(key, vocabulary, variant).html


def latex(key: str, vocabulary: str, variant: str | None = None) -> str:
    return names(key, vocabulary, variant).latex


def colour(key: str) -> str:
    return quantity(key).colour


def title(key: str, vocabulary: str, variant: str | None = None) -> str:
    """'long-term memory LTM<sub>t</sub>': words and symbol, for figure titles and legends."""
    n = names(key, vocabulary, variant)
    return f"{n.name} {n.html}"


# Parameters (weights, biases, peepholes) carry the weight files' names (docs/design.md §3), so they read
# the same in both vocabularies: W_xi, W_hi, b_i, p_i for the Géron-style cells; W_n, W_i, W_f, W_v, W_u and
# b_* for the Udacity cell, whose learn matrix and use gate have their own letters.
_PARAMETER_GATE = {"udacity": {"g": "n", "o": "v"}}
PARAMETER_KINDS = ("W", "b", "p")


def parameter(kind: str, gate: str, variant: str, source: str = "", form: str = "latex") -> str:
    """The symbol of one parameter: ``parameter("W", "i", "standard", "x")`` is W_{xi} (or W<sub>xi</sub>).

    kind: "W" (weights; ``source`` "x" or "h" for the Géron-style cells, none for Udacity's concatenated
    [STM_{t-1}, E_t]), "b" (bias) or "p" (peephole). form: "latex" or "html".
    """
    if kind not in PARAMETER_KINDS:
        raise ValueError(f"unknown parameter kind {kind!r}; choose one of {', '.join(PARAMETER_KINDS)}")
    if form not in ("latex", "html"):
        raise ValueError(f"unknown form {form!r}; choose latex or html")
    sub = source + _PARAMETER_GATE.get(variant, {}).get(gate, gate)
    return f"{kind}_{{{sub}}}" if form == "latex" else f"{kind}<sub>{sub}</sub>"


# The four cells of docs/design.md §2: where each comes from, for headings and section titles. A title may
# name a quantity as {f} or {c}: it is filled in with that quantity's words in the chosen vocabulary.
VARIANT_TITLES = {
    "standard": "Gers, Schmidhuber & Cummins (2000): what PyTorch and Keras compute",
    "udacity": "Udacity's LTM/STM lesson: taken literally",
    "no_forget": "Hochreiter & Schmidhuber (1997): no {f}, f ≡ 1",
    "peephole": "Gers & Schmidhuber (2000): the gates also read the {c}",
    "gru": "Cho et al. (2014), as torch.nn.GRU: reset and update gates, no {c}",
    "rnn": "Elman (1990), as torch.nn.RNN: h = tanh(W x + U h_prev + b), no gates and no {c}",
}


def variant_title(variant: str, vocabulary: str = "standard") -> str:
    """A one-line origin of ``variant``, its quantities named in ``vocabulary``."""
    if variant not in VARIANT_TITLES:
        raise ValueError(f"unknown variant {variant!r}; choose one of {', '.join(VARIANT_TITLES)}")
    return VARIANT_TITLES[variant].format(f=name("f", vocabulary), c=name("c", vocabulary))
