"""LSTM Gate Lab — home page (app.py runs it as "Home"): what an LSTM is, the two vocabularies, and where
to go next."""

import streamlit as st

from ui import compute, controls, presenter
from ui.figures.overview import memories_figure
from ui.presenter import presented
from ui.text import load_text, vocabulary_table

st.set_page_config(page_title="LSTM Gate Lab", page_icon="🧠", layout="wide")

settings = controls.sidebar(page="home")
st.title("LSTM Gate Lab")
st.caption("See an LSTM think: every gate, every memory, every number, step by step.")

intro, live = st.columns([1.1, 1])
with intro:
    st.markdown(load_text("home_intro", settings.vocabulary))
with live:
    st.subheader("Your cell, right now")
    trace = compute.trace_for(settings)
    st.plotly_chart(
        presented(memories_figure(trace, settings.vocabulary, settings.layer)), key="home_memories"
    )
    st.caption(
        f"{settings.variant} cell, {settings.hidden_size} units, on “{settings.sequence.title}”. "
        "Each row is one unit, each column one step. Change anything in the sidebar and watch it redraw."
    )
    st.page_link("views/2_Step_through_time.py", label="**Step through it, one step at a time →**")

st.subheader("Two vocabularies, one cell")
st.markdown(load_text("vocabularies"))
presenter.table(vocabulary_table(settings.variant), hide_index=True, width="stretch")

st.subheader("Where next")
cols = st.columns(3)
for k, (page, label, blurb) in enumerate(
    (
        ("views/1_Cell_anatomy.py", "Cell anatomy", "one step as a diagram, with the equations and numbers"),
        ("views/2_Step_through_time.py", "Step through time", "play the sequence and watch every gate move"),
        ("views/3_Gate_lab.py", "Gate lab", "set gates by hand: perfect memory, amnesia, latch"),
        (
            "views/4_Compare_variants.py",
            "Compare variants",
            "the 1997 cell, peepholes and the Udacity use gate",
        ),
        ("views/5_Train.py", "Train", "teach a cell to remember, then step through how it does it"),
        (
            "views/6_Gradient_flow.py",
            "Gradient flow",
            "why a plain RNN forgets: vanishing and exploding gradients",
        ),
        ("views/7_Lessons.py", "Lessons", "nine short lessons: predict the next step, then reveal it"),
        ("views/8_Challenges.py", "Challenges", "set gates to hit a goal; the app says how close you got"),
        ("views/9_Misconceptions.py", "Misconceptions", "a five-question quiz on what people get wrong"),
        ("views/10_Read_text.py", "Read text", "a character LSTM that read real code: find its string unit"),
    ),
):
    with cols[k % 3]:
        st.page_link(page, label=f"**{label} →**")
        st.caption(blurb)

with st.expander("Background: where LSTMs come from"):
    st.markdown(load_text("background"))
