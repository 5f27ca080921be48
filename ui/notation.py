"""The one vocabulary table: every label, colour and LaTeX string in the app comes from here.

Two vocabularies name the same numbers (docs/design.md §1): ``standard`` (colah, PyTorch, Keras, Géron:
x, h, c, f, i, g, o) and ``udacity`` (the LTM/STM lesson: event, short/long-term memory, forget and
ignore factors, learn matrix, use gate). Switching vocabulary changes names only, never values.
"""

from __future__ import annotations

from dataclasses import dataclass

from lstm_core import cells

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


def _spec(variant: str | None) -> cells.CellSpec | None:
    """The cell table's entry for ``variant`` (None for None or a name it does not know: generic names)."""
    return cells.REGISTRY.get(variant)


def description(key: str, variant: str | None = None) -> str:
    """What ``key`` is, in one line; a cell may give its own (``CellSpec.descriptions``: Udacity's U is
    not tanh(c))."""
    own = _spec(variant).descriptions.get(key) if _spec(variant) else None
    return own or quantity(key).description


GATE_KEYS = ("f", "i", "g", "o", "u")
STATE_KEYS = ("c", "h")


def quantity(key: str) -> Quantity:
    """The table row for ``key``; a clear error names the known keys."""
    try:
        return QUANTITIES[key]
    except KeyError:
        raise ValueError(f"unknown quantity {key!r}; known: {', '.join(QUANTITIES)}") from None


def names(key: str, vocabulary: str, variant: str | None = None) -> Names:
    """All names of ``key`` in ``vocabulary``; ``variant`` picks the cell's own name where its spec has
    one (``CellSpec.names``)."""
    own = _spec(variant).names.get((key, vocabulary)) if _spec(variant) else None
    return Names(*own) if own else quantity(key).names(vocabulary)


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
# b_* for the Udacity cell, whose learn matrix and use gate have their own letters (``CellSpec.own_name``).
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
    sub = source + cells.get(variant).own_name(gate)
    return f"{kind}_{{{sub}}}" if form == "latex" else f"{kind}<sub>{sub}</sub>"


def variant_title(variant: str, vocabulary: str = "standard") -> str:
    """A one-line origin of ``variant`` (its ``CellSpec.title``), its quantities named in ``vocabulary``."""
    return cells.get(variant).title.format(f=name("f", vocabulary), c=name("c", vocabulary))
