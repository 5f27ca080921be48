"""Gradient flow: how far back in time the loss's gradient reaches in a plain RNN, an LSTM and a GRU."""

import streamlit as st

from lstm_core import gradient_flow as gf
from lstm_core.tasks import TASKS, make_task
from ui import claims, compute, controls, notation
from ui.figures.training import grad_norm_steps_figure, gradient_flow_figure, loss_curve_figure
from ui.presenter import presented
from ui.text import load_text

st.set_page_config(page_title="Gradient flow · LSTM Gate Lab", page_icon="📉", layout="wide")

TRAINED = "gf_trained"  # session_state: (settings, gradient_flow.Trained) of the last "Train all three"
D, E = gf.DEFAULTS, gf.EXPLODE


@compute.byte_cached("gradient_flow.flow_at_init")
def flow_at_init(task_name: str, length: int, hidden: int, seed: int, forget_bias: float) -> dict:
    return gf.flow_at_init(task_name, length, hidden, seed, forget_bias)


@compute.byte_cached("gradient_flow.exploding_runs")
def exploding_runs(task_name: str, length: int, hidden: int, seed: int, scale: float, lr: float, steps: int):
    return gf.exploding_runs(task_name, length, hidden, seed, scale, lr, steps, E["clip"])


def say(claim, result) -> None:
    """The claim's sentence when the numbers on screen show it, else its plain report of the numbers."""
    st.markdown(f"**{claim.say(result)}**" if claim.holds(result) else claim.report(result))


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
    "Task",
    tuple(TASKS),
    index=tuple(TASKS).index(D["task"]),
    format_func=TASKS.get,
    key="gf_task",
    help="The loss the gradients come from.",
)
length = c[1].slider("Sequence length", 2, 200, D["length"], key="gf_length")
hidden = c[2].slider("Hidden size", 1, 32, D["hidden"], key="gf_hidden")
forget_bias = c[3].select_slider(
    f"LSTM {notation.name('f', vocabulary)} bias at start",
    options=(0.0, 1.0, 2.0),
    value=D["forget_bias"],
    key="gf_forget_bias",
    help="Added to the forget gate's bias of the fresh LSTM: +1 (Gers et al. 2000; Jozefowicz et al. 2015) "
    "starts f near 0.73, +2 near 0.88.",
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
            title=f"Fresh cells on “{task.title}”,<br>mean of {gf.EXAMPLES} sequences",
        )
    ),
    theme=None,
    key="gf_init",
)
init_inputs = dict(
    task=task_name, length=int(length), hidden=int(hidden), seed=seed, forget_bias=float(forget_bias)
)
say(claims.CLAIMS["gf_init_ratio"], {"inputs": init_inputs, "norms": init})
if float(forget_bias) == 0.0:
    st.caption(
        f"With its {notation.name('f', vocabulary)} bias at 0, a fresh LSTM keeps only about half of its "
        f"{c_name} per step, so its gradient fades nearly as fast: set the bias to +1 or +2."
    )
if task.readout == "every":
    st.caption(
        "This task has a loss at every step, so a step's gradient also gets a direct share from its own "
        "output: the curves fall less. “Remember the first bit” or “the adding problem” "
        "(one loss at the end) show the fading most clearly."
    )

st.subheader("After training")
s = st.columns([1, 1, 1, 2], vertical_alignment="bottom")
steps = s[0].number_input("Training steps per cell", 10, 2000, D["steps"], step=50, key="gf_steps")
lr = s[1].select_slider(
    "Learning rate", options=(0.001, 0.002, 0.005, 0.01, 0.02, 0.05), value=D["lr"], key="gf_lr"
)
params = dict(init_inputs, steps=int(steps), lr=float(lr))
if s[2].button("Train all three", key="gf_train", help="Adam, clipping at norm 1, batches of 32."):
    bar = st.progress(0.0, text="Training the LSTM, the RNN and the GRU…")
    trained = gf.train_three(
        task_name,
        int(length),
        int(hidden),
        seed,
        float(forget_bias),
        int(steps),
        float(lr),
        progress=lambda done: bar.progress(min(done, 1.0), text="Training the LSTM, the RNN and the GRU…"),
    )
    bar.empty()
    st.session_state[TRAINED] = (params, trained)
last = st.session_state.get(TRAINED)
if last is not None and last[0] == params:
    trained = last[1]
    s[3].caption(
        "Accuracy on 512 fresh sequences: "
        + ", ".join(f"{label} {acc:.0%}" for label, acc in trained.accuracy.items())
        + f" (chance {trained.chance:.0%})."
    )
    say(claims.CLAIMS["gf_trained"], {"inputs": params, "trained": trained})
    st.plotly_chart(
        presented(
            gradient_flow_figure(
                trained.norms, ("dh", "dc"), vocabulary, title=f"After {int(steps)} training steps"
            )
        ),
        theme=None,
        key="gf_after",
    )
else:
    s[3].caption(
        "Train each cell on the task above and see which of them learns it "
        f"({int(steps)} steps per cell take a few seconds)."
    )

st.subheader("Exploding gradients: a plain RNN with large recurrent weights")
e = st.columns(4)
scale = e[0].slider(
    "Recurrent weights × scale",
    1.0,
    10.0,
    E["scale"],
    0.5,
    key="gf_scale",
    help="The RNN's recurrent matrix is drawn as usual, then multiplied by this factor.",
)
explode_length = e[1].slider("Sequence length", 2, 100, E["length"], key="gf_explode_length")
explode_lr = e[2].select_slider(
    "SGD learning rate", options=(0.01, 0.03, 0.1, 0.3, 1.0), value=E["lr"], key="gf_explode_lr"
)
explode_steps = e[3].number_input("Training steps", 10, 1000, E["steps"], step=50, key="gf_explode_steps")
st.caption(
    f"Task: “{TASKS[E['task']]}”. Plain gradient descent (no Adam: Adam divides every step by the "
    "gradient's running size, which hides an explosion), once without clipping and once clipped at norm 1."
)
explode_inputs = dict(
    task=E["task"],
    length=int(explode_length),
    hidden=int(hidden),
    seed=seed,
    scale=float(scale),
    lr=float(explode_lr),
    steps=int(explode_steps),
)
runs = exploding_runs(*explode_inputs.values())
say(claims.CLAIMS["gf_explode"], {"inputs": explode_inputs, "runs": runs})
left, right = st.columns(2)
left.plotly_chart(
    presented(
        gradient_flow_figure(
            {"RNN": runs["init"]},
            "dh",
            vocabulary,
            title=f"The RNN at initialisation<br>(weights × {scale:g})",
        )
    ),
    theme=None,
    key="gf_explode_init",
)
right.plotly_chart(
    presented(grad_norm_steps_figure({label: runs[label]["grad_norms"] for label in gf.CLIP_LABELS})),
    theme=None,
    key="gf_explode_norms",
)
cols = st.columns(2)
for col, label in zip(cols, gf.CLIP_LABELS, strict=True):
    col.plotly_chart(
        presented(loss_curve_figure(runs[label], chance=make_task(E["task"]).chance, title=f"RNN, {label}")),
        theme=None,
        key=f"gf_explode_loss_{label}",
    )

with st.expander("Why the curves look like this", expanded=False):
    st.markdown(load_text("gradient_flow", vocabulary))
