"""Cell anatomy: one step of the cell drawn with every number on its wires, beside its equations."""

import streamlit as st

from ui import compute, controls
from ui.equations import equations, substituted
from ui.figures.anatomy import anatomy_figure
from ui.text import load_text

st.set_page_config(page_title="Cell anatomy · LSTM Gate Lab", page_icon="🔬", layout="wide")

settings = controls.sidebar(page="anatomy")
trace = compute.trace_for(settings)

st.title("Cell anatomy")
st.caption("One step of the cell: every wire shows the vector it carries, one small square per unit.")
try:
    intro = load_text("anatomy", settings.vocabulary)
except FileNotFoundError:
    intro = None
if intro:
    with st.expander("How to read the diagram", expanded=False):
        st.markdown(intro.removeprefix("**How to read the diagram**").lstrip())
if settings.variant == "udacity":
    with st.expander("Why the Udacity use gate is not tanh of the new memory", expanded=False):
        st.markdown(load_text("udacity_use_gate"))


def _unit_from_link(hidden: int) -> int:
    """The unit a shared link asks for (query parameter "unit"), or 0."""
    text = st.query_params.get("unit", "0")
    return int(text) if text.isdigit() and int(text) < hidden else 0


@st.fragment
def one_step() -> None:
    """The time slider, the diagram and the equations: moving t reruns only this part."""
    T, H = trace.T, settings.hidden_size
    if T > 1:
        if st.session_state.get("anatomy_t", settings.t) > T - 1 or "anatomy_t" not in st.session_state:
            st.session_state["anatomy_t"] = min(settings.t, T - 1)
        t = st.slider("Time step t", 0, T - 1, key="anatomy_t", help="Which step of the sequence is drawn.")
    else:
        t = 0
        st.caption("The sequence has a single step, t = 0.")
    if t != controls.current_view().t:
        controls.set_t(t)

    diagram, maths = st.columns([1.55, 1], gap="medium")
    with diagram:
        fig = anatomy_figure(trace, t, settings.vocabulary, layer=settings.layer)
        st.plotly_chart(fig, key="anatomy_diagram", config={"displayModeBar": False})
    with maths:
        st.subheader("Equations")
        eqs = equations(settings.variant, settings.vocabulary)
        st.latex(
            r"\begin{aligned}"
            + r" \\ ".join(e.latex.replace(" = ", " &= ", 1) for e in eqs)
            + r"\end{aligned}"
        )
        if "anatomy_unit" not in st.session_state or st.session_state["anatomy_unit"] >= H:
            st.session_state["anatomy_unit"] = _unit_from_link(H)
        unit = st.selectbox(
            "Unit j",
            range(H),
            key="anatomy_unit",
            help="Whose numbers go into the equations: hover a square in the diagram to find a unit.",
        )
        if unit:
            st.query_params["unit"] = str(unit)
        elif "unit" in st.query_params:
            del st.query_params["unit"]
        st.markdown(f"**With the numbers of step t = {t}, unit j = {unit}**")
        lines = substituted(trace, t, settings.layer, unit, settings.vocabulary)
        st.latex(
            r"\begin{aligned}"
            + r" \\[4pt] ".join(line.replace(" = ", " &= ", 1) for line in lines)
            + r"\end{aligned}"
        )


one_step()
