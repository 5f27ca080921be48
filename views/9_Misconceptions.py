"""Misconceptions: a five-question quiz on what people often get wrong, each answer explained with the
learner's own cell and one of the app's own plots."""

import numpy as np
import streamlit as st

from lstm_core import LSTM
from lstm_core.experiments import PRESETS, memory_half_life, run_matched, run_settings
from lstm_core.sequences import make_pulse
from ui import compute, controls
from ui.figures.anatomy import anatomy_figure
from ui.figures.compare import compare_gates_figure, compare_states_figure
from ui.figures.gate_lab import gate_lab_figure
from ui.figures.overview import memories_figure
from ui.presenter import presented
from ui.quiz import QUESTIONS, evidence, score, sections
from ui.text import load_text

st.set_page_config(page_title="Misconceptions · LSTM Gate Lab", page_icon="❓", layout="wide")

AT, ANSWERS = "quiz_at", "quiz_answers"  # the question shown (index) and {question key: chosen option}
MAX_UNITS = 4  # the pulse figure draws one panel per unit


def choice_key(key: str) -> str:
    return f"quiz_choice_{key}"


def _answer(key: str) -> None:
    choice = st.session_state.get(choice_key(key))
    if choice is not None:
        st.session_state[ANSWERS][key] = int(choice)


def _go(delta: int) -> None:
    st.session_state[AT] = min(max(st.session_state[AT] + delta, 0), len(QUESTIONS) - 1)


def _start_over() -> None:
    st.session_state[AT] = 0
    st.session_state[ANSWERS] = {}
    for q in QUESTIONS:
        st.session_state.pop(choice_key(q.key), None)


@compute.byte_cached("misconceptions.pulse_traces")
def pulse_traces(variant: str, hidden: int, seed: int, length: int):
    """The random cell and the same cell with the Gate lab's write-once settings, on a single pulse."""
    x = make_pulse(length).x
    random_cell = LSTM.random(1, hidden, 1, variant, seed).run(x)
    return random_cell, run_settings(PRESETS["write_once"], x, hidden, variant, seed)


@compute.byte_cached("misconceptions.matched")
def matched(hidden: int, seed: int, x: np.ndarray):
    traces = run_matched(x, hidden, 1, seed)
    return {k: traces[k] for k in ("standard", "udacity")}


def figure_and_numbers(key: str, settings, trace):
    """The plot and the sentence of numbers that explain question ``key``, from the learner's cell."""
    vocabulary, layer = settings.vocabulary, settings.layer
    if key == "switches":
        single = {trace.variant: trace}
        return compare_gates_figure(single, vocabulary, layer), evidence(key, vocabulary, trace=trace)
    if key == "hidden_is_time":
        return memories_figure(trace, vocabulary, layer), evidence(key, vocabulary, trace=trace)
    if key == "one_neuron":
        fig = anatomy_figure(trace, min(settings.t, trace.T - 1), vocabulary, layer)
        return fig, evidence(key, vocabulary, trace=trace)
    if key == "ltm_long_input":
        hidden = min(settings.hidden_size, MAX_UNITS)
        before, held = pulse_traces(settings.variant, hidden, settings.seed, max(settings.T, 10))
        fig = gate_lab_figure(before, held, vocabulary, half_lives=memory_half_life(held))
        return fig, evidence(key, vocabulary, held=held)
    traces = matched(settings.hidden_size, settings.seed, np.asarray(settings.x))
    return compare_states_figure(traces, vocabulary), evidence(key, vocabulary, **traces)


settings = controls.sidebar(page="misconceptions")
vocabulary = settings.vocabulary
st.session_state.setdefault(AT, 0)
st.session_state.setdefault(ANSWERS, {})
answers = st.session_state[ANSWERS]
right, answered = score(answers)

st.title("Misconceptions")
st.caption(
    "Five things people often get wrong about LSTMs. Answer each question, then see why — with your own "
    "cell's numbers and the app's own plots (change the cell in the sidebar)."
)
top = st.columns([3, 1, 1], vertical_alignment="center")
k = st.session_state[AT]
q = QUESTIONS[k]
top[0].progress((k + 1) / len(QUESTIONS), text=f"Question {k + 1} of {len(QUESTIONS)}")
top[1].metric("Score", f"{right} / {len(QUESTIONS)}", help=f"{answered} answered so far")
top[2].button("Start over", key="quiz_start_over", on_click=_start_over, width="stretch")

chosen = answers.get(q.key)
st.markdown(f"#### {k + 1}. {q.text(vocabulary)}")
st.radio(
    "Your answer",
    range(len(q.options)),
    format_func=lambda j: q.choices(vocabulary)[j],
    index=chosen,
    key=choice_key(q.key) + ("_done" if chosen is not None else ""),
    disabled=chosen is not None,
    label_visibility="collapsed",
)
if chosen is None:
    st.button(
        "Answer",
        type="primary",
        key="quiz_answer",
        on_click=_answer,
        args=(q.key,),
        disabled=st.session_state.get(choice_key(q.key)) is None,
    )
else:
    right_text = q.choices(vocabulary)[q.answer]
    if q.is_right(chosen):
        st.success(f"**Right.** The myth: “{q.myth}” — it is not so.")
    else:
        st.warning(f"**Not quite.** The answer is: {right_text}  \nThe myth: “{q.myth}” — it is not so.")
    text, plot = st.columns([1, 1.3])
    fig, numbers = figure_and_numbers(q.key, settings, compute.trace_for(settings))
    with text:
        st.markdown(sections(load_text("misconceptions", vocabulary))[q.key])
        st.info(numbers)
    plot.plotly_chart(presented(fig), key=f"quiz_figure_{q.key}", theme=None)

nav = st.columns([1, 1, 3])
nav[0].button(
    "◀ Previous question", key="quiz_prev", on_click=_go, args=(-1,), disabled=k == 0, width="stretch"
)
nav[1].button(
    "Next question ▶",
    key="quiz_next",
    on_click=_go,
    args=(1,),
    disabled=k == len(QUESTIONS) - 1,
    width="stretch",
)
if answered == len(QUESTIONS):
    nav[2].success(f"Quiz done: **{right} of {len(QUESTIONS)}** right. **Start over** to try again.")
