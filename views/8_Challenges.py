"""Challenges: set a few numbers of a one-unit cell, press Check, and the app says how close you are."""

import streamlit as st

from lstm_core.experiments import memory_half_life
from ui import claims, controls, notation
from ui.challenges import CHALLENGES, Challenge, fill
from ui.figures.challenges import add_target
from ui.figures.gate_lab import gate_lab_figure
from ui.presenter import presented
from ui.text import load_text

st.set_page_config(page_title="Challenges · LSTM Gate Lab", page_icon="🏆", layout="wide")

SOLVED = "ch_solved"  # {challenge key: True} once a check passed


def widget_key(challenge: Challenge, control_key: str) -> str:
    return f"ch_{challenge.key}_{control_key}"


def result_key(challenge: Challenge) -> str:
    return f"ch_result_{challenge.key}"


def _keep_values() -> None:
    """Re-save every control's value, so a challenge left and come back to keeps the learner's numbers
    (Streamlit forgets the value of a widget that a run did not draw)."""
    for ch in CHALLENGES.values():
        for control in ch.controls:
            key = widget_key(ch, control.key)
            st.session_state[key] = st.session_state.get(key, control.start)


def _reset(challenge: Challenge) -> None:
    for control in challenge.controls:
        st.session_state[widget_key(challenge, control.key)] = control.start
    st.session_state.pop(result_key(challenge), None)


def _check(challenge: Challenge, vocabulary: str) -> None:
    """Check: run the cell with the numbers the controls hold now (the register's claim of the challenge,
    ui/claims/), and keep the result with them."""
    values = {c.key: float(st.session_state[widget_key(challenge, c.key)]) for c in challenge.controls}
    claim = claims.CLAIMS[f"challenge_{challenge.key}"]
    result = claim.run(values=values, vocabulary=vocabulary)
    st.session_state[result_key(challenge)] = (dict(values), result)
    if claim.holds(result):
        st.session_state.setdefault(SOLVED, {})[challenge.key] = True


settings = controls.sidebar(page="challenges")
vocabulary = settings.vocabulary
_keep_values()
solved = st.session_state.setdefault(SOLVED, {})

st.title("Challenges")
st.caption(
    f"Set a few numbers of a one-unit standard cell and press **Check**: the app runs the cell and tells you "
    f"how close you are. Solved: **{len(solved)} of {len(CHALLENGES)}**."
)
with st.expander("How the challenges work"):
    st.markdown(load_text("challenges", vocabulary))

pick = st.radio(
    "Challenge",
    tuple(CHALLENGES),
    format_func=lambda k: ("✓ " if solved.get(k) else "") + CHALLENGES[k].title,
    key="ch_pick",
    horizontal=True,
)
challenge = CHALLENGES[pick]
st.subheader(challenge.title)
st.markdown(fill(challenge.goal, vocabulary))
st.caption(challenge.fixed_text(vocabulary) + " Every other weight is the random one of seed 0.")

values = {}
for col, control in zip(st.columns(max(len(challenge.controls), 2)), challenge.controls, strict=False):
    key, (low, high) = widget_key(challenge, control.key), control.limits
    widget = col.number_input if control.widget == "number" else col.slider
    options = {"format": "%.2f"} if control.widget == "number" else {}
    values[control.key] = float(
        widget(control.label(vocabulary), low, high, step=control.step, key=key, **options)
    )

buttons = st.columns([1, 1, 4])
buttons[0].button(
    "Check", type="primary", key="ch_check", on_click=_check, args=(challenge, vocabulary), width="stretch"
)
buttons[1].button("Start again", key="ch_reset", on_click=_reset, args=(challenge,), width="stretch")

held = st.session_state.get(result_key(challenge))
if held is not None:
    checked, result = held
    claim, verdict = claims.CLAIMS[f"challenge_{challenge.key}"], result["verdict"]
    text = claim.shown(result)
    if checked != values:
        st.info(
            "You moved the numbers since the last check; press **Check** again. The last check said:  \n"
            + text
        )
    elif claim.holds(result):
        st.success("**Solved!** " + text)
    else:
        st.warning("**Not yet.** " + text)
    st.progress(verdict.score, text=f"How close: {verdict.score:.0%}")

before, after = challenge.run(challenge.start()), challenge.run(values)
fig = gate_lab_figure(before, after, vocabulary, half_lives=memory_half_life(after))
add_target(fig, challenge.target(challenge, after, vocabulary))
st.plotly_chart(presented(fig), key="challenge_figure", theme=None)
st.caption(
    f"Dashed grey: the {notation.name('c', vocabulary)} with the starting numbers; solid: with yours. "
    "The green band or dashed line is the goal."
)
