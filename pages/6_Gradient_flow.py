"""Gradient flow: how far back in time the loss's gradient reaches in a plain RNN, an LSTM and a GRU."""

import numpy as np
import streamlit as st

from lstm_core import notation
from lstm_core.comparison_cells import RNN
from lstm_core.tasks import TASKS, make_task
from lstm_core.train import Model, train
from ui import controls
from ui.figures.training import grad_norm_steps_figure, gradient_flow_figure, loss_curve_figure
from ui.presenter import presented
from ui.text import load_text

st.set_page_config(page_title="Gradient flow · LSTM Gate Lab", page_icon="📉", layout="wide")

CELLS = {"LSTM": "lstm", "RNN": "rnn", "GRU": "gru"}
EXAMPLES = 16  # sequences the norms are averaged over
TRAINED = "gf_trained"  # session_state: the parameters of the "after training" view the learner asked for


def _mean_norms(model: Model, task, seed: int) -> dict[str, np.ndarray | None]:
    """Mean over EXAMPLES sequences of ‖∂Loss/∂h_t‖ and ‖∂Loss/∂c_t‖ (top layer), each (T,)."""
    x, y = task.batch(EXAMPLES, np.random.default_rng((seed, 7)))
    dh, dc = [], []
    for b in range(EXAMPLES):
        grads = model.sequence_gradients(task, x[b], y[b]).grads
        dh.append(grads.norms("dh")[-1])
        if model.kind == "lstm":
            dc.append(grads.norms("dc")[-1])
    return {"dh": np.mean(dh, axis=0), "dc": np.mean(dc, axis=0) if dc else None}


def _models(task, hidden: int, seed: int, forget_bias: float) -> dict[str, Model]:
    return {
        label: Model.for_task(
            task, kind=kind, hidden_size=hidden, seed=seed, forget_bias=forget_bias if kind == "lstm" else 0.0
        )
        for label, kind in CELLS.items()
    }


@st.cache_data(max_entries=32, show_spinner=False)
def flow_at_init(task_name: str, length: int, hidden: int, seed: int, forget_bias: float) -> dict:
    task = make_task(task_name, length)
    return {
        label: _mean_norms(m, task, seed) for label, m in _models(task, hidden, seed, forget_bias).items()
    }


@st.cache_data(max_entries=8, show_spinner=False)
def flow_after_training(
    task_name: str, length: int, hidden: int, seed: int, forget_bias: float, steps: int
) -> tuple[dict, dict]:
    """(norms by cell after ``steps`` training steps, final mean batch accuracy by cell)."""
    task = make_task(task_name, length)
    norms, accuracy = {}, {}
    for label, m in _models(task, hidden, seed, forget_bias).items():
        result = train(m, task, steps=steps, lr=0.01, clip=1.0, seed=seed)
        norms[label] = _mean_norms(m, task, seed)
        accuracy[label] = float(np.mean(result.accuracies[-20:]))
    return norms, accuracy


@st.cache_data(max_entries=16, show_spinner=False)
def exploding_runs(length: int, hidden: int, seed: int, scale: float, steps: int) -> dict:
    """A plain RNN whose recurrent weights are multiplied by ``scale``, trained with clipping off and on."""
    task = make_task("first_bit", length)
    w = RNN.random(task.input_size, hidden, seed=seed).to_weights()
    w["weight_hh_l0"] = w["weight_hh_l0"] * scale
    runs = {}
    for label, clip in (("clipping off", None), ("clipping on (norm 1)", 1.0)):
        model = Model(RNN.from_weights(w), task.output_size, readout=task.readout, seed=seed)
        r = train(model, task, steps=steps, lr=0.01, clip=clip, seed=seed)
        runs[label] = {"grad_norms": r.grad_norms, "losses": r.losses, "accuracies": r.accuracies}
    runs["init"] = _mean_norms(
        Model(RNN.from_weights(w), task.output_size, readout=task.readout, seed=seed), task, seed
    )
    return runs


settings = controls.sidebar(page="gradient_flow")
vocabulary, seed = settings.vocabulary, settings.seed
h_name, c_name = notation.name("h", vocabulary), notation.name("c", vocabulary)
h_sym, c_sym = notation.short("h", vocabulary), notation.short("c", vocabulary)

st.title("Gradient flow through time")
st.caption(
    f"How much does the loss at the end still feel the {h_name} {h_sym} (and, in the LSTM, the {c_name} "
    f"{c_sym}) of a step k steps earlier? The same task, the same length, three cells. Of the sidebar "
    "only the vocabulary and the seed apply here."
)

c = st.columns(4)
task_name = c[0].selectbox(
    "Task", tuple(TASKS), format_func=TASKS.get, key="gf_task", help="The loss the gradients come from."
)
length = c[1].slider("Sequence length", 2, 200, 50, key="gf_length")
hidden = c[2].slider("Hidden size", 1, 32, 16, key="gf_hidden")
forget_bias = c[3].select_slider(
    f"LSTM {notation.name('f', vocabulary)} bias at start",
    options=(0.0, 1.0, 2.0),
    value=0.0,
    key="gf_forget_bias",
    help="Added to the forget gate's bias of the fresh LSTM: +1 or +2 starts f near 1.",
)
task = make_task(task_name, int(length))

st.subheader("At initialisation")
with st.spinner("Backpropagating through every cell…"):
    init = flow_at_init(task_name, int(length), int(hidden), seed, float(forget_bias))
st.plotly_chart(
    presented(
        gradient_flow_figure(
            init,
            ("dh", "dc"),
            vocabulary,
            title=f"Fresh cells on “{task.title}”, mean of {EXAMPLES} sequences",
        )
    ),
    theme=None,
    key="gf_init",
)
if float(forget_bias) == 0.0:
    st.caption(
        f"With its {notation.name('f', vocabulary)} bias at 0, a fresh LSTM keeps only about half of its "
        f"{c_name} per step, so its gradient fades too: set the bias to +2, or train the cells below."
    )
if task.readout == "every":
    st.caption(
        "This task has a loss at every step, so a step's gradient also gets a direct share from its own "
        "output: the curves fall less. “Remember the first bit” or “the adding problem” "
        "(one loss at the end) show the fading most clearly."
    )

st.subheader("After training")
s = st.columns([1, 1, 3], vertical_alignment="bottom")
steps = s[0].number_input("Training steps per cell", 10, 2000, 200, step=50, key="gf_steps")
params = (task_name, int(length), int(hidden), seed, float(forget_bias), int(steps))
if s[1].button("Train all three", key="gf_train", help="Adam, learning rate 0.01, clipping at norm 1."):
    st.session_state[TRAINED] = params
if st.session_state.get(TRAINED) == params:
    with st.spinner("Training the LSTM, the RNN and the GRU…"):
        after, accuracy = flow_after_training(*params)
    s[2].caption(
        "Mean batch accuracy over the last 20 steps: "
        + ", ".join(f"{label} {acc:.0%}" for label, acc in accuracy.items())
        + f" (chance {task.chance:.0%})."
    )
    st.plotly_chart(
        presented(
            gradient_flow_figure(after, ("dh", "dc"), vocabulary, title=f"After {int(steps)} training steps")
        ),
        theme=None,
        key="gf_after",
    )
else:
    s[2].caption("Train each cell for a while and see how the flow changes once the gates have learnt.")

st.subheader("Exploding gradients: a plain RNN with large recurrent weights")
e = st.columns([2, 1, 1])
scale = e[0].slider(
    "Recurrent weights × scale",
    1.0,
    10.0,
    6.0,
    0.5,
    key="gf_scale",
    help="The RNN's recurrent matrix is drawn as usual, then multiplied by this factor.",
)
explode_steps = e[1].number_input("Training steps", 10, 1000, 200, step=50, key="gf_explode_steps")
e[2].caption("Task: “Remember the first bit”, at the length chosen above.")
runs = exploding_runs(int(length), int(hidden), seed, float(scale), int(explode_steps))
left, right = st.columns(2)
left.plotly_chart(
    presented(
        gradient_flow_figure(
            {"RNN": runs["init"]}, "dh", vocabulary, title=f"The RNN at initialisation (weights × {scale:g})"
        )
    ),
    theme=None,
    key="gf_explode_init",
)
right.plotly_chart(
    presented(
        grad_norm_steps_figure(
            {label: runs[label]["grad_norms"] for label in ("clipping off", "clipping on (norm 1)")}
        )
    ),
    theme=None,
    key="gf_explode_norms",
)
cols = st.columns(2)
for col, label in zip(cols, ("clipping off", "clipping on (norm 1)"), strict=True):
    col.plotly_chart(
        presented(loss_curve_figure(runs[label], chance=0.5, title=f"RNN, {label}")),
        theme=None,
        key=f"gf_explode_loss_{label}",
    )

with st.expander("Why the curves look like this", expanded=False):
    st.markdown(load_text("gradient_flow", vocabulary))
