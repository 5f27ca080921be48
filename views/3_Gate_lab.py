"""Gate lab: set the gates by hand — biases, input weights, clamps — and see what the memory does."""

from dataclasses import replace

import numpy as np
import streamlit as st

from lstm_core import LSTM, cells
from lstm_core.experiments import (
    BIAS_RANGE,
    GATES,
    PRESET_TITLES,
    PRESETS,
    WEIGHT_RANGE,
    Gate,
    GateSettings,
    describe_half_life,
    mean_forget,
    memory_half_life,
    run_settings,
)
from ui import claims, compute, controls, notation, screen
from ui.figures.gate_lab import gate_lab_figure
from ui.presenter import presented
from ui.text import load_text

st.set_page_config(page_title="Gate lab · LSTM Gate Lab", page_icon="🎛️", layout="wide")

MAX_UNITS = 4  # a small cell: every unit gets its own panel
CUSTOM = "custom"
CHOICES = (*PRESETS, CUSTOM)
SLIDER_STEP = 0.5


@compute.byte_cached("gate_lab.before_and_after")
def before_and_after(variant: str, hidden: int, seed: int, x: np.ndarray, c0: float, gates: tuple):
    """The untouched random cell and the changed one on x, both from the starting memory c0.

    gates: ((bias, weight, clamp) for i, f, g, o): plain values, so the cache key is plain too.
    """
    settings = GateSettings(**{k: Gate(*v) for k, v in zip(GATES, gates, strict=True)})
    before = LSTM.random(x.shape[1], hidden, 1, variant, seed).run(x, c0=np.full((1, hidden), c0))
    return before, run_settings(settings, x, hidden, variant, seed, c0=c0)


def _load_preset() -> None:
    """Preset chosen: move every gate control to the preset's values (custom leaves them as they are)."""
    choice = st.session_state["gl_preset"]
    if choice == CUSTOM:
        return
    for key in GATES:
        gate = PRESETS[choice].gate(key)
        st.session_state[f"gl_bias_{key}"] = gate.bias
        st.session_state[f"gl_weight_{key}"] = gate.weight
        st.session_state[f"gl_clamp_on_{key}"] = False


def _to_custom() -> None:
    st.session_state["gl_preset"] = CUSTOM


def _use_pulse() -> None:
    """Switch the shared input to the single pulse, the input every preset's promise is about."""
    st.session_state.update(w_source="preset", w_preset="pulse")
    controls.set_view(replace(controls.current_view(), preset="pulse"))


if "gl_preset" not in st.session_state:
    st.session_state["gl_preset"] = CHOICES[0]
    _load_preset()
for key in GATES:
    st.session_state.setdefault(f"gl_clamp_{key}", 1.0 if key == "f" else 0.5)

settings = controls.sidebar(page="gate_lab")
variant, vocabulary = settings.variant, settings.vocabulary
H = min(settings.hidden_size, MAX_UNITS)

st.title("Gate lab")
st.caption(
    "Set each gate's bias and input weight by hand, or clamp it to a constant, and compare the "
    f"{notation.name('c', vocabulary)} before the change (dashed) with after it (solid)."
)
notes = []
if settings.hidden_size > MAX_UNITS:
    notes.append(f"The lab uses a small cell: {H} units here (the sidebar asks for {settings.hidden_size}).")
if settings.num_layers > 1:
    notes.append("The lab changes a single cell: one layer here, whatever the sidebar's layer count.")
if notes:
    st.caption(" ".join(notes))

top = st.columns([2, 1, 3], vertical_alignment="bottom")
top[0].selectbox(
    "Preset",
    CHOICES,
    format_func=lambda k: PRESET_TITLES.get(k, k),
    key="gl_preset",
    on_change=_load_preset,
    help="A preset sets every slider below; moving a slider makes the settings 'custom'.",
)
c0 = top[1].slider(
    f"Starting {notation.name('c', vocabulary)} ${notation.latex('c_prev', vocabulary, variant)}$",
    -1.0,
    1.0,
    0.5,
    0.1,
    key="gl_c0",
    help="The memory every unit holds before the first step, so you can watch it being kept or wiped.",
)
choice = st.session_state["gl_preset"]
top[2].markdown(f"*{PRESETS[choice].description}*" if choice in PRESETS else "*Your own settings.*")
on_pulse = settings.sequence.key == "pulse"
if choice in PRESETS and not on_pulse:
    top[2].button(
        "Use the single pulse",
        key="gl_use_pulse",
        on_click=_use_pulse,
        help="Each preset's promise is about the single pulse: one 1 at the first step, then silence. "
        "This switches the sidebar's input to it.",
    )
    if choice in ("write_once", "saturated"):
        st.info("This preset reacts to inputs near 0 or 1: on this input it may write more than once.")


def _weight_label(key: str) -> str:
    if cells.get(variant).concatenated:  # Udacity's one W on [STM_{t-1}, E_t]
        W = notation.parameter("W", key, variant)
        return f"input weight: every ${W}$ entry on ${notation.latex('x', vocabulary)}$"
    return f"input weight ${notation.parameter('W', key, variant, 'x')}$ (every entry)"


gates = []
for col, key in zip(st.columns(4), GATES, strict=True):
    with col.container(border=True):
        st.markdown(
            f"**{notation.name(key, vocabulary, variant)}** ${notation.latex(key, vocabulary, variant)}$"
        )
        absent = key in cells.get(variant).fixed
        if absent:
            value = cells.get(variant).fixed[key]
            st.caption(f"The {variant} cell has no {notation.name(key, vocabulary)}: it is always {value:g}.")
        bias = st.slider(
            f"bias ${notation.parameter('b', key, variant)}$",
            *BIAS_RANGE,
            step=SLIDER_STEP,
            key=f"gl_bias_{key}",
            on_change=_to_custom,
            disabled=absent,
        )
        weight = st.slider(
            _weight_label(key),
            *WEIGHT_RANGE,
            step=SLIDER_STEP,
            key=f"gl_weight_{key}",
            on_change=_to_custom,
            disabled=absent,
        )
        clamped = st.toggle(
            f"clamp ${notation.latex(key, vocabulary, variant)}$ to a constant",
            key=f"gl_clamp_on_{key}",
            on_change=_to_custom,
            disabled=absent,
        )
        value = st.slider(
            "constant",
            -1.0 if key == "g" else 0.0,
            1.0,
            step=0.05,
            key=f"gl_clamp_{key}",
            on_change=_to_custom,
            disabled=absent or not clamped,
        )
        gates.append((float(bias), float(weight), float(value) if clamped and not absent else None))

before, after = before_and_after(variant, H, settings.seed, np.asarray(settings.x), float(c0), tuple(gates))
clamp = {k: g[2] for k, g in zip(GATES, gates, strict=True) if g[2] is not None}
half = memory_half_life(after)

st.subheader(f"Memory half-life of the {notation.name('c', vocabulary)}")
f_sym = notation.short("f", vocabulary, variant)
st.caption(
    f"Steps until a stored value would be halved if the {notation.name('f', vocabulary)} stayed at its "
    f"average over this sequence (geometric mean {f_sym}̄): ln 0.5 / ln {f_sym}̄. "
    f"“never” when {f_sym}̄ = 1."
)
for j, (col, mean) in enumerate(zip(st.columns(H), mean_forget(after), strict=True)):
    col.metric(f"unit {j}", describe_half_life(half[j]), help=f"mean {f_sym} = {mean:.6g}")

if choice in PRESETS and on_pulse and variant == "standard":
    claim = claims.CLAIMS[f"preset_{choice}"]
    shown = {"inputs": {"c0": float(c0)}, "c": after.c, "x": np.asarray(settings.x)}
    st.markdown(f"**{claim.say(shown)}**" if claim.holds(shown) else claim.report(shown))

# Two units a row on a phone: four side by side leave each panel too narrow for its half-life and ticks.
fig = gate_lab_figure(
    before, after, vocabulary, half_lives=half, clamp=clamp, columns=2 if screen.narrow() else None
)
st.plotly_chart(presented(fig), key="gate_lab_figure", theme=None)

try:
    explanation = load_text("gate_lab", vocabulary)
except FileNotFoundError:
    explanation = None
if explanation:
    with st.expander("What the presets show, and the half-life formula"):
        st.markdown(explanation)
