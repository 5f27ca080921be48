"""Read text: a character-level LSTM that read the Python standard library, coloured character by
character by one unit's value (Karpathy style); find the unit that tracks a feature; let it write.

The model reads the text once (``lstm_core.text.CharModel.read``: the full trace and the next-character
probabilities, cached per text); every figure only reads that reading. ``?model=python_chars`` opens the
shipped model, ``?text=…`` (at most 500 characters) a text of the link's own. See docs/read_text.md.
"""

import streamlit as st

from ui import compute, controls, figure_cache, follow_step, presenter, screen
from ui import read_text as rt
from ui.figures.text import (
    PHONE_WRAP,
    WRAP,
    coloured_text_figure,
    guesses_figure,
    step_frames,
    unit_step_figure,
)
from ui.presenter import presented

st.set_page_config(page_title="Read text · LSTM Gate Lab", page_icon="📖", layout="wide")

TEXT, GOOD = "rt_text", "rt_good"  # the text area's widget key; the last text the page could read
UNIT, QTY, LAYER, STEP, OPENING = "rt_unit", "rt_quantity", "rt_layer", "rt_step", "rt_opening"
PLAYER = "rt_player"  # the step player's key; its step (a character) is kept in STEP

controls.sidebar(page="read_text")
st.title("Read text")
st.caption(
    "A character-level LSTM that learnt from the Python standard library. It reads your text one "
    "character at a time; every character is coloured by what one of its units holds right after it."
)

model = rt.current_model()
facts = model.facts
link_text = st.query_params.get("text")
if TEXT not in st.session_state:
    from_link = link_text if link_text and len(link_text) <= rt.LINK_MAX_CHARS else None
    if link_text and from_link is None:
        st.warning(f"The link's text is longer than {rt.LINK_MAX_CHARS} characters; showing the preset.")
    st.session_state[TEXT] = from_link or rt.preset_text()
    st.session_state[GOOD] = st.session_state[TEXT]

with st.expander("Your text (code by default: a held-out standard-library snippet)", expanded=False):
    st.text_area(
        "Text to read",
        key=TEXT,
        height=220,
        max_chars=None,
        help=f"1 to {rt.MAX_CHARS:,} characters. Characters outside the model's alphabet are read as one "
        "fallback symbol.",
    )
    st.button("Back to the preset", on_click=lambda: st.session_state.update({TEXT: rt.preset_text()}))

check = rt.check_text(st.session_state[TEXT], model.alphabet)
if check.error:
    st.error(check.error)
else:
    st.session_state[GOOD] = st.session_state[TEXT]
for note in check.notes:
    st.info(note)
text = st.session_state[GOOD]
fingerprint = rt.model_key(model)
reading = rt.read(fingerprint, text, model)
frame = rt.features(text)
if note := rt.tokenizer_note(frame):
    st.info(note)

H, L = model.net.hidden_size, model.net.num_layers
if OPENING not in st.session_state:  # chosen once, on the text the page opens with; the learner's after that
    st.session_state[OPENING] = rt.opening_unit(fingerprint, text, reading, facts)
best = st.session_state[OPENING]
st.session_state.setdefault(QTY, best["quantity"])
st.session_state.setdefault(LAYER, min(int(best["layer"]), L - 1))

left, mid, right = st.columns([1, 1, 1])
layer = left.selectbox("Layer", range(L), key=LAYER, format_func=lambda k: f"layer {k + 1} of {L}")
quantity = mid.selectbox("Colour by", tuple(rt.QUANTITY_TITLES), key=QTY, format_func=rt.QUANTITY_TITLES.get)
# The unit input always gets the unit it shows as its value (the opening unit on the first run): in a narrow
# window the width probe's rerun (ui/screen.py) can supersede a run before the browser has drawn the input,
# and an input whose value came only from the session state then showed its default, 0, beside "Unit 69".
# After "Colour the page by unit ..." (rt.choose_unit) the state alone sets it: Streamlit wants one source.
shown = min(int(st.session_state.get(UNIT, best["unit"])), H - 1)
own = {} if st.session_state.pop(rt.UNIT_CHOSEN, False) else {"value": shown}
unit = right.number_input(f"Unit (0 to {H - 1})", 0, H - 1, step=1, key=UNIT, **own)
values = reading.values(layer, quantity)[:, unit]

st.subheader(f"Unit {unit}, {rt.QUANTITY_TITLES[quantity]}")
st.caption(
    f"{rt.describe_model(model)} Bits per character on this text: {model.bits_per_char(text):.2f}"
    if len(text) > 1
    else rt.describe_model(model)
)

wrap = PHONE_WRAP if screen.narrow() else WRAP  # characters a row of the coloured text
step_tab, find_tab, write_tab = st.tabs(["Step through the text", "Find the unit", "Write"])


@compute.byte_cached("read_text.text_spec")
def _text_spec(text: str, values, quantity: str, title: str, step: int, wrap: int) -> dict:
    """The coloured text at its anchor step with a frame per character, as a finished dict: built once
    per view and anchor, not at every step the player reports."""
    spec = coloured_text_figure(text, values, quantity, title, step=step, wrap=wrap).to_dict()
    return {**spec, "frames": step_frames(text, wrap)}


@st.fragment
def _step_through() -> None:
    """The step player and the figures of its step: a step reruns only this part of the page."""
    # The page's one step player: keys and a clicker step character by character, Play reads along.
    # The coloured text is drawn at an anchor step and kept while only the step moves: the player shows
    # the step's frame (the marker around its character) in the browser, with no redraw of the text.
    t = follow_step.step(PLAYER, len(text), own=STEP)
    view = ("read_text", fingerprint, text, layer, quantity, unit, wrap, presenter.is_on())
    drawn = follow_step.anchor(st.session_state, view, t, lambda _at, _t: True)
    chart_key = drawn.chart_key("rt_colours")
    follow_step.player(len(text), t, key=PLAYER, live=True, own=STEP, chart_key=chart_key)
    spec = _text_spec(text, values, quantity, rt.colour_title(unit, quantity), drawn.t, wrap)
    figure_cache.plotly_spec(presented(spec), key=chart_key)
    a, b = st.columns(2)
    a.plotly_chart(presented(unit_step_figure(reading, layer, unit, t)), key="rt_unit_step")
    b.plotly_chart(presented(guesses_figure(reading, t)), key="rt_guesses")


with step_tab:
    _step_through()

with find_tab:
    st.markdown(rt.FIND_HELP)
    feature = st.radio(
        "Feature",
        tuple(rt.FEATURE_TITLES),
        format_func=rt.FEATURE_TITLES.get,
        horizontal=True,
        key="rt_feature",
    )
    span = None
    if feature == "span":
        span = st.slider(
            "Characters that are “on”", 0, len(text) - 1, (0, min(40, len(text) - 1)), key="rt_span"
        )
        st.caption(f"On: “{text[span[0] : span[1] + 1][:60]}”. Every other character is off.")
    try:
        ranked = rt.ranked(fingerprint, text, feature, span, reading)
    except ValueError as e:
        st.warning(f"Nothing to search for: {e}. Pick a text or span where the feature changes.")
    else:
        top = ranked.iloc[0]
        st.markdown(rt.ranking_sentence(ranked, feature))
        presenter.table(rt.ranking_table(ranked.head(10), feature), hide_index=True, key="rt_ranking")
        best_values = reading.values(int(top.layer), str(top.quantity))[:, int(top.unit)]
        st.plotly_chart(
            presented(
                coloured_text_figure(
                    text,
                    best_values,
                    str(top.quantity),
                    rt.colour_title(int(top.unit), str(top.quantity)),
                    wrap=wrap,
                )
            ),
            key="rt_best",
        )
        st.button(
            f"Colour the page by unit {int(top.unit)} ({top.quantity})",
            on_click=rt.choose_unit,
            args=(int(top.layer), int(top.unit), str(top.quantity)),
        )

with write_tab:
    c1, c2, c3, c4 = st.columns([1, 1, 1, 2])
    temperature = c1.slider("Temperature", 0.1, 2.0, 0.8, 0.05, key="rt_temp")
    length = c2.number_input("Characters", 10, 1000, 300, step=10, key="rt_len")
    seed = c3.number_input("Seed", 0, 10_000, 0, key="rt_seed")
    prime = c4.text_input("Start with", "def ", max_chars=200, key="rt_prime")
    written = rt.sample(fingerprint, int(length), float(temperature), int(seed), prime, model)
    sample_reading = rt.read(fingerprint, prime + written, model)
    st.plotly_chart(
        presented(
            coloured_text_figure(
                prime + written,
                sample_reading.values(layer, quantity)[:, unit],
                quantity,
                rt.colour_title(unit, quantity) + " (the prime, then what the model wrote)",
                wrap=wrap,
            )
        ),
        key="rt_written",
    )
