"""Compare variants: the same input and the same weights through all four cells, side by side."""

import numpy as np
import streamlit as st

from lstm_core import CELL_VARIANTS, VARIANTS, notation
from lstm_core.experiments import run_matched
from ui import controls, follow_step
from ui.equations import equations
from ui.figures.compare import compare_gates_figure, compare_states_figure
from ui.presenter import presented
from ui.text import load_text

st.set_page_config(page_title="Compare variants · LSTM Gate Lab", page_icon="⚖️", layout="wide")

HIGHLIGHT = "#FFE3A3"  # behind the lines that differ from the standard cell


@st.cache_data(max_entries=32, show_spinner=False)
def matched_traces(hidden: int, layers: int, seed: int, x: np.ndarray):
    """Every variant with the matched weights of ``seed``, run on x (T, I)."""
    return run_matched(x, hidden, layers, seed)


def _text(name: str) -> str | None:
    try:
        return load_text(name)
    except FileNotFoundError:
        return None


settings = controls.sidebar(page="compare", cells=CELL_VARIANTS)
vocabulary, layer = settings.vocabulary, settings.layer
traces = matched_traces(settings.hidden_size, settings.num_layers, settings.seed, np.asarray(settings.x))

st.title("Compare variants")
st.caption(
    "The same input through all four cells, with matched weights: every weight that means the same thing "
    "in two cells has the same value in both, so what differs below comes from the equations alone. "
    f"(no_forget drops the {notation.name('f', vocabulary)} weights, peephole adds small seeded peepholes, "
    "udacity takes its W_n, W_i, W_f, W_v from the standard g, i, f, o weights and uses W_u = identity, "
    "b_u = 0.)"
)
if intro := _text("variants"):
    with st.expander("The four variants in a minute"):
        st.markdown(intro)

layer_note = f", layer {layer + 1} of {settings.num_layers}" if settings.num_layers > 1 else ""
st.subheader(
    f"{notation.name('c', vocabulary).capitalize()} and {notation.name('h', vocabulary)}{layer_note}"
)


@st.fragment
def states() -> None:
    """The step player and both figures of the four cells: moving t reruns only this part."""
    T = len(settings.x)
    t = follow_step.step("compare_player", T)
    follow_step.player(T, t, key="compare_player", live=True)
    st.plotly_chart(
        presented(compare_states_figure(traces, vocabulary, layer=layer, t=t)),
        key="compare_states",
        theme=None,
    )
    st.subheader("The gates, unit by unit")
    st.caption("Each row of a panel is one unit, each column one step.")
    st.plotly_chart(
        presented(compare_gates_figure(traces, vocabulary, layer=layer, t=t)),
        key="compare_gates",
        theme=None,
    )


states()

st.subheader("The equations")
st.caption("Highlighted lines are where a variant computes something differently from the standard cell.")


def _line(latex: str, differs: bool) -> str:
    """One equation, a size smaller so a peephole line fits half the page; highlighted where it differs."""
    return rf"\small \colorbox{{{HIGHLIGHT}}}{{$\displaystyle {latex}$}}" if differs else rf"\small {latex}"


for row in (VARIANTS[:2], VARIANTS[2:]):
    for col, variant in zip(st.columns(2), row, strict=True):
        with col.container(border=True):
            st.subheader(variant)
            st.caption(notation.variant_title(variant, vocabulary))
            for eq in equations(variant, vocabulary):
                st.latex(_line(eq.latex, eq.differs))

if note := _text("udacity_use_gate"):
    with st.expander("Why the udacity cell's output parts ways with the standard one"):
        st.markdown(note)
