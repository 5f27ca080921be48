"""Step through time: every gate and both memories of one layer, following the current step t.

The time controls, the step label and the figure live in a fragment, so a step reruns only them. The
figure carries a Plotly animation frame per step: its own Play button and slider run in the browser, and
so does a step of the page's own buttons and slider: the figure stays the same while only t moves, and a
small script shows frame t (``ui.follow_step``). Everything of the figure that does not depend on t is
built once per trace and view (``ui.figure_cache.stepping_parts``).
"""

import streamlit as st

from lstm_core import notation
from ui import compute, controls, figure_cache, follow_step, state
from ui.figures.stepping import has_frame, table_help, trace_table
from ui.presenter import is_on as presenting
from ui.presenter import presented
from ui.text import load_text

st.set_page_config(page_title="Step through time · LSTM Gate Lab", page_icon="⏯️", layout="wide")

settings = controls.sidebar(page="step")
trace = compute.trace_for(settings)
vocabulary, variant = settings.vocabulary, settings.variant
# The figure's step-independent parts: built on the first run for this trace and view, then shared.
parts_key = figure_cache.parts_key(trace, vocabulary, settings.layer, settings.sequence.feature_names)
parts = figure_cache.stepping_parts(trace, parts_key)
T, H = trace.T, settings.hidden_size
STEP_KEY, UNIT_KEY = "step_t", "step_unit"

st.title("Step through time")
st.caption(
    f"Follow the {notation.name('c', vocabulary)} and the {notation.name('h', vocabulary)} of every unit, "
    "and every gate, one step at a time."
)
try:
    intro = load_text("stepping", vocabulary)
except FileNotFoundError:
    intro = None
if intro:
    with st.expander("What is on the page, and what to look for", expanded=False):
        st.markdown(intro)


def _clamped(t: int) -> int:
    return max(0, min(int(t), T - 1))


def _move(delta: int) -> None:
    """Previous / Next step: runs before the fragment redraws, so the slider shows the new step."""
    st.session_state[STEP_KEY] = _clamped(st.session_state[STEP_KEY] + delta)


def _unit_from_link() -> int:
    """The unit a shared link asks for (query parameter "unit"), or 0."""
    unit = state.link_int(st.query_params.get("unit", "0"), 0, H - 1)
    if unit is None:
        st.warning(f"The link's “unit” was not a whole number from 0 to {H - 1}; showing unit 0.")
    return unit or 0


if STEP_KEY not in st.session_state or st.session_state[STEP_KEY] > T - 1:
    st.session_state[STEP_KEY] = _clamped(settings.t)
if UNIT_KEY not in st.session_state or st.session_state[UNIT_KEY] >= H:
    st.session_state[UNIT_KEY] = _unit_from_link()


@st.fragment
def stepping() -> None:
    """Buttons, slider, step label and the figure: moving t reruns only this part."""
    # From the shared caches, not the script's globals: see the end of the page.
    parts = figure_cache.stepping_parts(compute.trace_for(settings), parts_key)
    t, unit = st.session_state[STEP_KEY], st.session_state[UNIT_KEY]
    drawn = follow_step.anchor(
        st.session_state, (parts_key, unit, presenting()), t, lambda at, step: has_frame(T, at, step)
    )
    chart_key = drawn.chart_key("stepping_figure")
    # First in the fragment, so the browser gets it before the rest: the figure moves at once.
    with st.container(key=follow_step.HOLDER_KEY):
        st.html(follow_step.script(chart_key, t), unsafe_allow_javascript=True)
    prev_col, next_col, slider_col, unit_col = st.columns([1.4, 1.2, 4.4, 2], vertical_alignment="bottom")
    prev_col.button(
        "Previous step", key="step_prev", on_click=_move, args=(-1,), disabled=t <= 0, width="stretch"
    )
    next_col.button(
        "Next step", key="step_next", on_click=_move, args=(1,), disabled=t >= T - 1, width="stretch"
    )
    with slider_col:
        if T > 1:
            t = st.slider("Time step t", 0, T - 1, key=STEP_KEY, help="Scrub to any step of the sequence.")
        else:
            st.caption("The sequence has a single step, t = 0.")
    unit_col.selectbox(
        "Unit for the line panel",
        range(H),
        key=UNIT_KEY,
        help="Whose gates and memories the bottom panel follows over time.",
    )
    if t != controls.current_view().t:
        controls.set_t(t)  # the address bar now opens this step
    if unit:
        st.query_params["unit"] = str(unit)
    elif "unit" in st.query_params:
        del st.query_params["unit"]

    st.markdown(f"**Step {t} of {T}** · steps count from 0 to {T - 1}")
    figure_cache.plotly_spec(
        presented(parts.spec(drawn.t, unit)),
        key=chart_key,
        theme=None,
        width="stretch",
        config={"displaylogo": False},
    )


stepping()
st.caption(
    "▶ Play and the slider inside the figure animate it in your browser; the buttons and slider above "
    "move this page's step (and the link)."
)

with st.expander(f"Every number of layer {settings.layer + 1} as a table", expanded=False):
    table = trace_table(trace, settings.layer, vocabulary)
    helps = table_help(trace, vocabulary)
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            heading: st.column_config.NumberColumn(heading, help=text, format="%.6g")
            for heading, text in helps.items()
        },
    )
    st.download_button(
        "Download CSV",
        data=lambda: compute.trace_for(settings).to_frame().to_csv(index=False),
        file_name=f"lstm_trace_{variant}_seed{settings.seed}.csv",
        mime="text/csv",
        on_click="ignore",
        help="The whole trace, every layer, as a tidy table (layer, t, unit, quantity, value); quantities "
        "are named by their keys in the notation table, the same in both vocabularies.",
    )

# The session keeps the fragment, and with it this script's globals, for as long as it is open: drop the
# trace, its figure parts and its table, which the byte-bounded caches hold for every session
# (docs/serving.md, "Memory"), so an open heavy link does not pin 100 MB of its own.
del trace, parts, table
