"""Cell anatomy: one step of the cell drawn with every number on its wires, beside its equations."""

import inspect

import streamlit as st

from lstm_core import cells as cell_table
from ui import compute, controls, follow_step, notation, presenter, state
from ui.arithmetic import ROUNDING_NOTE, gate_arithmetic, gates_of
from ui.arithmetic import latex as gate_latex
from ui.equations import equations, substituted
from ui.figures.anatomy import NUMBERS_UP_TO, anatomy_figure, anatomy_phone_figure
from ui.presenter import presented
from ui.text import load_text

st.set_page_config(page_title="Cell anatomy · LSTM Gate Lab", page_icon="🔬", layout="wide")

settings = controls.sidebar(page="anatomy", cells=cell_table.names())
spec = cell_table.get(settings.variant)
# Below this width of the main column the diagram's labels crowd (~4 px a data unit): show the phone's
# column instead. A container query, so an open sidebar on a small laptop counts too.
PHONE_BELOW_PX = 800
st.html(
    f"""<style>
[data-testid="stMainBlockContainer"] {{ container-type: inline-size; }}
@container (max-width: {PHONE_BELOW_PX - 1}px) {{ .st-key-anatomy_diagram {{ display: none !important; }} }}
@container (min-width: {PHONE_BELOW_PX}px) {{ .st-key-anatomy_phone {{ display: none !important; }} }}
</style>"""
)
trace = compute.trace_for(settings)
params = compute.network_for(settings).layers[settings.layer]  # the weights the gate arithmetic shows


def about_the_diagram() -> None:
    own_use_gate = "W_u" in spec.extra_params  # the literal Udacity cell: a U_t with weights of its own
    st.caption(
        f"One step of the cell. Every wire carries a vector, one cell per unit: up to {NUMBERS_UP_TO} units "
        "each cell prints its number (2 decimals; hover for 4); with more, each label prints the value of "
        "the unit chosen below, whose cell is outlined."
    )
    if settings.vocabulary == "udacity" and spec.family != "lstm":
        st.caption(
            f"The Udacity words were made for the LSTM and do not fit the {spec.label}: it has no long-term "
            "memory and no learn, remember or use gates. Here STM is just its hidden state h and E its input "
            "x; its gates keep their own names."
        )
    elif settings.vocabulary == "udacity" and not own_use_gate:
        st.caption(
            "In this cell U_t (the use gate's tanh part) is tanh(LTM_t) with no weights of its own: the "
            "literal Udacity cell's U_t is a different quantity, tanh(W_u (LTM_{t-1} ⊙ f_t) + b_u) — choose "
            "the udacity variant to see it."
        )
    try:
        intro = load_text("anatomy", settings.vocabulary)
    except FileNotFoundError:
        intro = None
    if intro:
        with st.expander("How to read the diagram", expanded=False):
            st.markdown(intro.removeprefix("**How to read the diagram**").lstrip())
    if own_use_gate:
        with st.expander("Why the Udacity use gate is not tanh of the new memory", expanded=False):
            st.markdown(load_text("udacity_use_gate"))


def _unit_from_link(hidden: int) -> int:
    """The unit a shared link asks for (query parameter "unit"), or 0."""
    unit = state.link_int(st.query_params.get("unit", "0"), 0, hidden - 1)
    if unit is None:
        st.warning(f"The link's “unit” was not a whole number from 0 to {hidden - 1}; showing unit 0.")
    return unit or 0


def aligned(lines, gap: str = "2pt") -> str:
    """Equations stacked in one LaTeX block, aligned on their first "=" sign."""
    rows = (line.replace(" = ", " &= ", 1) for line in lines)
    return r"\begin{aligned}" + rf" \\[{gap}] ".join(rows) + r"\end{aligned}"


@st.fragment
def one_step() -> None:
    """The step player, the diagram and the equations: moving t reruns only this part."""
    T, H = trace.T, settings.hidden_size
    t = follow_step.step("anatomy_player", T)
    # In presenter mode the title shares a row with the player, so that the player and the whole diagram
    # fit a 1280×720 projector together.
    title, controls_at = (
        st.columns([1, 3], vertical_alignment="center") if presenter.is_on() else (st.container(),) * 2
    )
    title.title("Cell anatomy")
    with controls_at:
        # Live: the diagram is drawn by the server at each step, so Play reports every step.
        follow_step.player(T, t, key="anatomy_player", live=True)

    if "anatomy_unit" not in st.session_state or st.session_state["anatomy_unit"] >= H:
        st.session_state["anatomy_unit"] = _unit_from_link(H)
    unit = st.session_state["anatomy_unit"]
    # Two drawings of the same numbers, and CSS shows the one that fits the window (PHONE_CSS): the
    # server cannot know the width, and the diagram's labels cannot fit a phone's 390 px.
    for key, draw in (("anatomy_diagram", anatomy_figure), ("anatomy_phone", anatomy_phone_figure)):
        fig = draw(trace, t, settings.vocabulary, layer=settings.layer, unit=unit)
        st.plotly_chart(presented(fig), key=key, theme=None, config={"displayModeBar": False})
    # Under the diagram, so that in presenter mode the player and the whole diagram share the screen.
    about_the_diagram()

    variant, vocabulary = settings.variant, settings.vocabulary
    gates = gates_of(variant)
    if st.session_state.get("anatomy_gate") not in gates:
        st.session_state["anatomy_gate"] = gates[0]
    heading, pick_unit, pick_gate = st.columns([2, 1, 1], vertical_alignment="bottom")
    heading.subheader("Inside one gate")
    unit = pick_unit.selectbox(
        "Unit j",
        range(H),
        key="anatomy_unit",
        help="Whose numbers the gate and the equations below work out. Hover a square in the diagram to "
        "see its unit.",
    )
    gate = pick_gate.selectbox(
        "Gate",
        gates,
        key="anatomy_gate",
        format_func=lambda k: (
            f"{notation.short(k, vocabulary, variant)}: {notation.name(k, vocabulary, variant)}"
        ),
        help="Which gate's sum to work out, with the real weights of the cell on show.",
    )
    if unit:
        st.query_params["unit"] = str(unit)
    elif "unit" in st.query_params:
        del st.query_params["unit"]
    worked = gate_arithmetic(params, trace.layers[settings.layer].step(t), gate, unit, vocabulary)
    st.caption(
        f"Step t = {t}, unit j = {unit}: every weight times the number it multiplies, then the sum z "
        f"through {'σ' if worked.activation == 'sigmoid' else 'tanh'}. {ROUNDING_NOTE}"
    )
    st.latex(gate_latex(worked, vocabulary, variant))

    st.subheader("The whole step with its numbers")
    st.caption(f"Step t = {t}, unit j = {unit}. {ROUNDING_NOTE}")
    st.latex(aligned(substituted(trace, t, settings.layer, unit, vocabulary), gap="6pt"))
    st.subheader("Equations")
    st.latex(aligned(e.latex for e in equations(variant, vocabulary)))
    with st.expander("The code of this cell", expanded=False):
        st.caption(
            f"The readable step of the {spec.label} ({spec.reference.__module__}), straight from the "
            "equations; the fast path every page runs is tested against it."
        )
        st.code(inspect.getsource(spec.reference), language="python")


one_step()
