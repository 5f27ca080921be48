"""Train: fit an LSTM (any variant), a plain RNN or a GRU to a small sequence task or to the next value of
the learner's own series, live, in the browser. The kept run (Stop, Train more) lives in ``ui/train_run.py``.
"""

import streamlit as st

from lstm_core import next_value
from lstm_core.tasks import DEFAULT_LENGTH, TASKS, make_task
from ui import claims, controls, own_series, own_text, train_run
from ui.train_run import CELLS

st.set_page_config(page_title="Train · LSTM Gate Lab", page_icon="🏋️", layout="wide")

OWN = "own_series"
CHOICES = {**TASKS, OWN: "Your own series (CSV): the next value"}
MAX_STEPS = 5000


def _suggest() -> None:
    """A task was chosen: move the hyper-parameter widgets to the task's suggested settings."""
    name = st.session_state["tr_task"]
    s = next_value.SUGGESTED if name == OWN else make_task(name).suggested
    st.session_state["tr_length"] = next_value.DEFAULT_WINDOW if name == OWN else DEFAULT_LENGTH[name]
    st.session_state["tr_hidden"] = int(s.get("hidden_size", 8))
    st.session_state["tr_steps"] = int(min(s.get("steps", 300), MAX_STEPS))
    st.session_state["tr_lr"] = float(s.get("lr", 0.01))


if train_run.take_inspect_request():
    st.switch_page("views/2_Step_through_time.py")

if "tr_task" not in st.session_state:
    st.session_state["tr_task"] = "first_bit"
    _suggest()
st.session_state.setdefault("tr_cell", "standard")
st.session_state.setdefault("tr_clip", True)

settings = controls.sidebar(page="train")
vocabulary = settings.vocabulary

st.title("Train a cell")
st.caption(
    "Pick a task (or upload your own series) and a cell, press Train, and watch the loss fall. Training "
    "runs here in NumPy: a fresh batch every step, Adam, and (optionally) gradient clipping. Of the "
    "sidebar only the vocabulary and the seed apply here: the cell, its size and its input are chosen below."
)
own_text.section()  # the learner's own text: a character model for the Read text page

row = st.columns(4)
task_name = row[0].selectbox(
    "Task", tuple(CHOICES), format_func=CHOICES.get, key="tr_task", on_change=_suggest
)
own = own_series.choose() if task_name == OWN else None  # the upload, below the settings' first row
cell = row[1].selectbox("Cell", tuple(CELLS), format_func=CELLS.get, key="tr_cell")
hidden = row[2].slider("Hidden size", 1, 32, key="tr_hidden")
length = row[3].number_input(
    "Window (steps)" if task_name == OWN else "Sequence length",
    2 if task_name in ("adding", OWN) else 1,
    200,
    step=1,
    key="tr_length",
    help="Training reads windows of this many steps of your series." if task_name == OWN else None,
)
c = st.columns(4, vertical_alignment="bottom")
steps = c[0].number_input("Training steps", 1, MAX_STEPS, step=50, key="tr_steps")
lr = c[1].select_slider("Learning rate", options=(0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1), key="tr_lr")
clip_on = c[2].toggle("Clip gradients (norm 1)", key="tr_clip")
no_series = task_name == OWN and own is None
train_clicked = c[3].button("Train", type="primary", width="stretch", key="tr_train", disabled=no_series)

if task_name == OWN:
    series = None if own is None else own[0]
    task = None if own is None else series.task(int(length))
    config = dict(task=task_name, length=int(length), cell=cell, hidden=int(hidden), series=own and own[1])
else:
    series, task = None, make_task(task_name, int(length))
    config = dict(task=task_name, length=int(length), cell=cell, hidden=int(hidden))
if task is not None:
    with st.expander("What the task asks", expanded=False):
        st.markdown(task.explanation)
        s = task.suggested
        chance = (
            f"Chance level: {task.chance:.0%}."
            if series is None
            else f"Next = current is within 0.1 standard deviations of the next value {task.chance:.0%} "
            f"of the time on the training part; its loss there is {series.baseline_loss():.4g}."
        )
        st.caption(
            f"Suggested for an LSTM: hidden size {s['hidden_size']}, {s['steps']} steps, "
            f"learning rate {s['lr']}, batch {s['batch_size']}, forget-gate bias "
            f"+{s['forget_bias']} at the start. {chance}"
        )
        convergence = claims.CLAIMS["train_convergence"]
        at_its_defaults = (
            task_name == convergence.defaults["task"] and task.length == make_task(task_name).length
        )
        if at_its_defaults and st.button(
            "Which cell converges fastest? (5 seeds × 3 cells, some seconds)", key="tr_convergence"
        ):
            with st.spinner("Training 15 cells to 95 %…"):
                shown = convergence.run()
            st.markdown(convergence.say(shown) if convergence.holds(shown) else convergence.report(shown))

with train_run.kept_run_lock():  # an interrupted run may still be finishing its step on the old script thread
    run = st.session_state.get(train_run.RUN)
    stop_pressed = st.session_state.pop(train_run.STOP, False)
    if run is not None:
        train_run.settle(run, stop_pressed)
    can_continue = run is not None and run["config"] == config
    more_clicked = st.button(
        f"Train {int(steps)} more steps",
        key="tr_more",
        disabled=not can_continue,
        help="Continue from the kept model and its Adam state (same task, cell and sizes).",
    )
    st.caption(
        "While it trains, **Stop training** ends the run within a second and keeps the model as it is "
        "at that step (so does changing a setting). **Train more steps** continues from the kept model."
    )

    # Two slots, each an element unless it is in use: a block replaced by a block keeps its old children
    # on screen (faded) until the run ends, an element in its place drops them at once. So a training
    # run clears the previous results as it starts, and the results clear the finished live area.
    live, results = st.empty(), st.empty()
    if (train_clicked or more_clicked) and task is not None:
        if train_clicked or not can_continue:
            run = train_run.new_run(task, config, settings.seed, series)
            st.session_state[train_run.RUN] = run
        with live.container():
            train_run.train_chunk(run, int(steps), float(lr), 1.0 if clip_on else None, settings.seed)
        st.rerun()  # redraw the whole page from the kept run: metrics, chart, enabled buttons

    with results.container():
        if run is None:
            st.info("Press **Train**: the suggested settings train in a few seconds.")
            st.stop()
        train_run.show(run, config, int(steps), settings.seed, vocabulary, CHOICES)
