"""Step through time: every gate and memory of one layer, following the current step t.

Any cell of the cell table (``lstm_core.cells``): an LSTM's gates and both memories, a GRU's r, z, n and its
one state h, an RNN's h; what is drawn comes from the cell's spec, through ``ui.cell_panels``.

The step player (the page's one set of time controls, keys included) lives in a fragment, so a step reruns
only it. The figure carries a Plotly animation frame per step: the player shows frame t in the browser at
once and reports t, and the figure is not sent again while only t moves (``ui.follow_step``); a step it has
no frame for reruns the page, which draws it anew. Everything of the figure that does not depend on t is
built once per trace and view (``ui.figure_cache.stepping_parts``). A heavy view's run waits for its
turn while other heavy runs fill the replica (``ui.admission``).
"""

import streamlit as st

from lstm_core import cells, scenes
from ui import admission, claims, compute, controls, figure_cache, follow_step, notation, screen, state
from ui.cell_panels import panels
from ui.figures.stepping import frame_steps, has_frame, table_help, trace_table
from ui.figures.stepping import heading as figure_heading
from ui.presenter import is_on as presenting
from ui.presenter import presented
from ui.text import load_text

st.set_page_config(page_title="Step through time · LSTM Gate Lab", page_icon="⏯️", layout="wide")

PLAYER_KEY, UNIT_KEY, TABLE_KEY, CHART_KEY = "step_player", "step_unit", "step_table_open", "stepping_figure"
BUSY = "Many learners are opening large views on this server right now: yours is next in line."


def _unit_from_link() -> int:
    """The unit a shared link asks for (query parameter "unit"), or 0."""
    unit = state.link_int(st.query_params.get("unit", "0"), 0, H - 1)
    if unit is None:
        st.warning(f"The link's “unit” was not a whole number from 0 to {H - 1}; showing unit 0.")
    return unit or 0


def _open_shipped(name: str) -> None:
    """Load a shipped trained cell on one sequence of its task, its line panel on the memory unit."""
    ship = scenes.SHIPPED[name]
    controls.use_trained(ship.net(), ship.sequence(), ship.label)
    st.session_state[UNIT_KEY] = scenes.shipped_memory(name).unit


def _drawn() -> follow_step.Anchor:
    """The figure the browser shows for the page's step: kept while only t moves and it has a frame for t."""
    t = follow_step.step(PLAYER_KEY, T)
    view = (parts_key, st.session_state[UNIT_KEY], presenting())
    return follow_step.anchor(st.session_state, view, t, lambda at, step: has_frame(T, at, step))


@st.fragment
def stepping(shown: int) -> None:
    """The step player: a step the figure has a frame for reruns only this (the player shows the frame in
    the browser); a step it has none for (``shown``: the revision of the figure on the page) reruns the
    page, which draws the figure anew."""
    with admission.turn(cost):  # its own turn when it reruns alone; inside the page's run, the same one
        drawn = _drawn()
        if drawn.revision != shown:
            st.rerun()
        follow_step.player(
            T,
            follow_step.step(PLAYER_KEY, T),
            key=PLAYER_KEY,
            chart_key=drawn.chart_key(CHART_KEY),
            steps=frame_steps(T, drawn.t)[0],
            played=frame_steps(T, drawn.t, near=0)[0],  # Play keeps an even stride
        )


def _figure(drawn: follow_step.Anchor) -> None:
    """The stepping figure at the anchor's step, with the unit choice beside the player or under it."""
    unit = st.session_state[UNIT_KEY]
    if unit:
        st.query_params["unit"] = str(unit)
    elif "unit" in st.query_params:
        del st.query_params["unit"]
    # From the shared cache, not this script's globals: see the end of the page.
    parts = figure_cache.stepping_parts(compute.trace_for(settings), parts_key)
    figure_cache.plotly_spec(
        presented(parts.spec(drawn.t, unit)),
        key=drawn.chart_key(CHART_KEY),
        theme=None,
        width="stretch",
        config={"displaylogo": False},
    )


def _unit_choice(where) -> None:
    where.selectbox(
        "Unit for the line panel",
        range(H),
        key=UNIT_KEY,
        help="Whose gates and memories the bottom panel follows over time.",
    )


def _introduction() -> None:
    """What the page shows and the trained cells it can open (on a projector: under the figure)."""
    if projector:  # the figure has no title there
        st.caption(figure_heading(compute.trace_for(settings), settings.layer, bold="**{}**"))
    memories = " and the ".join(notation.name(k, vocabulary, variant) for k in cell.states)
    st.caption(f"Follow the {memories} of every unit, and every gate, one step at a time.")
    if not cell.has_cell_state:
        c, h = (f"{notation.name(k, vocabulary)} {notation.short(k, vocabulary)}" for k in ("c", "h"))
        st.info(
            f"The {variant.upper()} has no {c}: its one memory is the {h}, shown where an LSTM shows both."
        )
    intro = None
    for name in (f"stepping_{variant}", "stepping"):  # the cell's own text where it has one
        try:
            intro = load_text(name, vocabulary)
            break
        except FileNotFoundError:
            continue
    if intro:
        with st.expander("What is on the page, and what to look for", expanded=False):
            st.markdown(intro)

    with st.expander("Open a trained cell that ships with the app", expanded=False):
        for col, (name, ship) in zip(st.columns(len(scenes.SHIPPED)), scenes.SHIPPED.items(), strict=True):
            col.button(
                f"The {ship.title}",
                key=f"step_open_{name}",
                on_click=_open_shipped,
                args=(name,),
                width="stretch",
                help=f"{ship.file}, trained on sequences of {ship.length} steps. The line panel follows the "
                "unit that holds its memory.",
            )
    shipped = scenes.shipped_named(settings.loaded.label) if settings.loaded is not None else None
    if shipped is not None:  # the register's claim about this cell's memory unit (ui/claims/)
        memory = claims.CLAIMS[claims.MEMORY_CLAIMS[shipped]]
        st.info(memory.shown(memory.run(), vocabulary), icon=":material/memory:")


settings = controls.sidebar(page="step", cells=cells.names())
cost = admission.run_cost(len(settings.x), settings.hidden_size, settings.num_layers)
waiting = st.empty()
with admission.turn(cost, on_wait=lambda: waiting.info(BUSY)):
    waiting.empty()
    trace = compute.trace_for(settings)
    vocabulary, variant = settings.vocabulary, settings.variant
    # The figure's step-independent parts: built on the first run for this trace and view, then shared.
    # Its arrangement follows the screen: one column on a phone, two columns on a projector (ui/screen.py).
    arrangement = screen.arrangement()
    projector = arrangement == "present"
    parts_key = figure_cache.parts_key(
        trace, vocabulary, settings.layer, settings.sequence.feature_names, arrangement
    )
    parts = figure_cache.stepping_parts(trace, parts_key)
    T, H = trace.T, settings.hidden_size

    cell = panels(variant)
    st.title("Step through time")
    if not projector:
        _introduction()

    if UNIT_KEY not in st.session_state or st.session_state[UNIT_KEY] >= H:
        st.session_state[UNIT_KEY] = _unit_from_link()

    # The player reruns alone (a fragment); the figure and the unit choice are drawn only by the page's
    # run, so a step sends no figure: the server does not encode its spec (8.8 MB on a heavy view) again.
    drawn = _drawn()
    if projector:  # the player takes the whole width (one row of controls), the unit choice goes under
        with st.container():
            stepping(drawn.revision)
        _figure(drawn)
        _unit_choice(st.container(width=420))
    else:
        player_col, unit_col = st.columns([5, 1.3], vertical_alignment="top")
        with player_col:
            stepping(drawn.revision)
        _unit_choice(unit_col)
        _figure(drawn)
    if projector:  # under the figure: the player and the whole figure share the first screen
        _introduction()

    # Built only while the learner has the expander open (a full rerun when it opens or closes): the table
    # of a heavy view is 6.5 MiB, and Streamlit keeps a shown table with its session to serve its rows.
    table_box = st.expander(
        f"Every number of layer {settings.layer + 1} as a table", key=TABLE_KEY, on_change="rerun"
    )
    with table_box:
        if table_box.open:
            helps = table_help(trace, vocabulary)
            st.dataframe(
                trace_table(trace, settings.layer, vocabulary),
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
            file_name=f"trace_{variant}_seed{settings.seed}.csv",
            mime="text/csv",
            on_click="ignore",
            help="The whole trace, every layer, as a tidy table (layer, t, unit, quantity, value); "
            "quantities are named by their keys in the notation table, the same in both vocabularies.",
        )

    # The session keeps the fragment, and with it this script's globals, for as long as it is open: drop
    # the trace and its figure parts, which the byte-bounded caches hold for every session
    # (docs/serving.md, "Memory"), so an open heavy link does not pin 100 MB of its own.
    del trace, parts
