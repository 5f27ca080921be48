"""Compare variants: the same input through all six cells, side by side: the four LSTMs with matched
weights, the GRU and the plain RNN with their own seeded ones."""

import numpy as np
import streamlit as st

from lstm_core import CELL_VARIANTS, cells
from ui import compute, controls, follow_step, notation, presenter, screen
from ui.equations import equations
from ui.figures.compare import compare_gates_figure, compare_states_figure
from ui.presenter import presented
from ui.text import load_text

st.set_page_config(page_title="Compare variants · LSTM Gate Lab", page_icon="⚖️", layout="wide")

HIGHLIGHT = "#FFE3A3"  # behind the lines that differ from the standard cell


def _text(name: str) -> str | None:
    try:
        return load_text(name)
    except FileNotFoundError:
        return None


settings = controls.sidebar(page="compare", cells=cells.names())
vocabulary, layer = settings.vocabulary, settings.layer
# The LSTMs with the matched weights of the seed, the GRU and the RNN with their own weights of it.
traces = compute.run_every_cell(
    settings.hidden_size, settings.num_layers, settings.seed, np.asarray(settings.x)
)


def _introduction() -> None:
    """What the page compares and how (on a projector: under the figures, which come first there)."""
    st.caption(
        "The same input through all six cells: the four LSTMs with matched weights, so that what differs "
        "between them comes from the equations alone; the GRU and the plain RNN with their own."
    )
    with st.expander("How the weights are matched"):
        st.markdown(
            "Every weight that means the same thing in two LSTMs has the same value in both. no_forget "
            f"drops the {notation.name('f', vocabulary)} weights, peephole adds small seeded peepholes, "
            "udacity takes its W_n, W_i, W_f, W_v from the standard g, i, f, o weights and uses W_u = "
            "identity, b_u = 0. The GRU and the plain RNN have no weight that means what an LSTM's does: "
            "they run with their own random weights of the same seed, as torch.nn.GRU and nn.RNN initialise "
            f"them. Neither has a {notation.name('c', vocabulary)}; the GRU's gates r, z, n sit in the rows "
            "of the LSTM gates whose part they play (r beside i, z beside f, n beside g), the RNN's h "
            "beside g."
        )
    if intro := _text("variants"):
        with st.expander("The four LSTM variants in a minute"):
            st.markdown(intro)


st.title("Compare variants")
projector = presenter.is_on()
if not projector:
    _introduction()

layer_note = f", layer {layer + 1} of {settings.num_layers}" if settings.num_layers > 1 else ""
st.subheader(
    f"{notation.name('c', vocabulary).capitalize()} and {notation.name('h', vocabulary)}{layer_note}"
)


@st.fragment
def states() -> None:
    """The step player and both figures of the six cells: moving t reruns only this part."""
    T = len(settings.x)
    t = follow_step.step("compare_player", T)
    follow_step.player(T, t, key="compare_player", live=True)
    columns = 2 if screen.narrow() else None  # six columns on a phone would be ~50 px each
    # six origins side by side do not fit presenter mode's type: the names alone (each cell's section says it)
    names_only = projector
    st.plotly_chart(
        presented(
            compare_states_figure(
                traces, vocabulary, layer=layer, t=t, columns=columns, names_only=names_only
            )
        ),
        key="compare_states",
        theme=None,
    )
    st.subheader("The gates, unit by unit")
    st.caption("Each row of a panel is one unit, each column one step.")
    st.plotly_chart(
        presented(
            compare_gates_figure(traces, vocabulary, layer=layer, t=t, columns=columns, names_only=names_only)
        ),
        key="compare_gates",
        theme=None,
    )


states()
if projector:
    _introduction()

st.subheader("The equations")
st.caption("Highlighted lines are where a variant computes something differently from the standard cell.")


def _line(latex: str, differs: bool) -> str:
    """One equation, a size smaller so a peephole line fits half the page; highlighted where it differs."""
    return rf"\small \colorbox{{{HIGHLIGHT}}}{{$\displaystyle {latex}$}}" if differs else rf"\small {latex}"


for row in (CELL_VARIANTS[:2], CELL_VARIANTS[2:4], CELL_VARIANTS[4:]):
    for col, variant in zip(st.columns(2), row, strict=True):
        with col.container(border=True):
            st.subheader(variant)
            st.caption(notation.variant_title(variant, vocabulary))
            for eq in equations(variant, vocabulary):
                st.latex(_line(eq.latex, eq.differs))

if note := _text("udacity_use_gate"):
    with st.expander("Why the udacity cell's output parts ways with the standard one"):
        st.markdown(note)
