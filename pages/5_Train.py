"""Train: fit an LSTM (any variant), a plain RNN or a GRU to a small sequence task, live, in the browser."""

import io
import time

import numpy as np
import streamlit as st

from lstm_core import notation, weights
from lstm_core.layouts import DEFAULT_LAYOUT
from lstm_core.tasks import DEFAULT_LENGTH, TASKS, make_task
from lstm_core.train import Model, evaluate, train
from ui import controls
from ui.figures.training import loss_curve_figure

st.set_page_config(page_title="Train · LSTM Gate Lab", page_icon="🏋️", layout="wide")

CELLS = {
    "standard": "LSTM (standard)",
    "udacity": "LSTM (Udacity-style)",
    "no_forget": "LSTM without a forget gate",
    "peephole": "LSTM with peepholes",
    "rnn": "plain RNN",
    "gru": "GRU",
}
LSTM_VARIANTS = ("standard", "udacity", "no_forget", "peephole")
MAX_STEPS = 5000
REDRAW_SECONDS = 0.5
RUN = "train_run"  # session_state: the kept model, optimizer and history


def _suggest() -> None:
    """A task was chosen: move the hyper-parameter widgets to the task's suggested settings."""
    name = st.session_state["tr_task"]
    s = make_task(name).suggested
    st.session_state["tr_length"] = DEFAULT_LENGTH[name]
    st.session_state["tr_hidden"] = int(s.get("hidden_size", 8))
    st.session_state["tr_steps"] = int(min(s.get("steps", 300), MAX_STEPS))
    st.session_state["tr_lr"] = float(s.get("lr", 0.01))


def _inspect(net, task, seed: int, steps: int) -> None:
    """Runs before the sidebar is drawn, so the shared sequence widgets can still be set."""
    x = task.batch(1, np.random.default_rng(seed))[0][0]
    controls.use_trained(net, x, f"trained on {task.title} ({steps} steps)")
    st.session_state["tr_go_inspect"] = True


if st.session_state.pop("tr_go_inspect", False):
    st.switch_page("pages/2_Step_through_time.py")

if "tr_task" not in st.session_state:
    st.session_state["tr_task"] = "first_bit"
    _suggest()
st.session_state.setdefault("tr_cell", "standard")
st.session_state.setdefault("tr_clip", True)

settings = controls.sidebar(page="train")
vocabulary = settings.vocabulary

st.title("Train a cell")
st.caption(
    "Pick a task and a cell, press Train, and watch the loss fall. Training runs here in NumPy: "
    "a fresh batch every step, Adam, and (optionally) gradient clipping. Of the sidebar only the "
    "vocabulary and the seed apply here: the cell, its size and its input are chosen below."
)

c = st.columns(4)
task_name = c[0].selectbox("Task", tuple(TASKS), format_func=TASKS.get, key="tr_task", on_change=_suggest)
cell = c[1].selectbox("Cell", tuple(CELLS), format_func=CELLS.get, key="tr_cell")
hidden = c[2].slider("Hidden size", 1, 32, key="tr_hidden")
length = c[3].number_input("Sequence length", 2 if task_name == "adding" else 1, 200, step=1, key="tr_length")
c = st.columns(4, vertical_alignment="bottom")
steps = c[0].number_input("Training steps", 1, MAX_STEPS, step=50, key="tr_steps")
lr = c[1].select_slider("Learning rate", options=(0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1), key="tr_lr")
clip_on = c[2].toggle("Clip gradients (norm 1)", key="tr_clip")
train_clicked = c[3].button("Train", type="primary", width="stretch", key="tr_train")

task = make_task(task_name, int(length))
with st.expander("What the task asks", expanded=False):
    st.markdown(task.explanation)
    s = task.suggested
    st.caption(
        f"Suggested for an LSTM: hidden size {s['hidden_size']}, {s['steps']} steps, "
        f"learning rate {s['lr']}, batch {s['batch_size']}, forget-gate bias "
        f"+{s['forget_bias']} at the start. "
        f"Chance level: {task.chance:.0%}."
    )

config = dict(task=task_name, length=int(length), cell=cell, hidden=int(hidden))
run = st.session_state.get(RUN)
can_continue = run is not None and run["config"] == config
more_clicked = st.button(
    f"Train {int(steps)} more steps",
    key="tr_more",
    disabled=not can_continue,
    help="Continue from the kept model and its Adam state (same task, cell and sizes).",
)
st.caption(
    "Training runs to the end of the steps you asked for. To stop early, use Streamlit's Stop button "
    "(top right, while the page runs): the steps already taken are lost, so prefer short runs and "
    "“Train more steps”, which continues from the kept model."
)

chart_slot = st.empty()
if train_clicked or more_clicked:
    if train_clicked or not can_continue:
        kind = cell if cell in ("rnn", "gru") else "lstm"
        variant = cell if kind == "lstm" else "standard"
        forget_bias = float(task.suggested.get("forget_bias", 0.0)) if kind == "lstm" else 0.0
        model = Model.for_task(
            task,
            kind=kind,
            hidden_size=int(hidden),
            variant=variant,
            seed=settings.seed,
            forget_bias=forget_bias,
        )
        run = dict(
            config=config, model=model, optimizer=None, losses=[], accuracies=[], grad_norms=[], chunks=0
        )
    history = {"losses": list(run["losses"]), "accuracies": list(run["accuracies"])}
    total = len(history["losses"]) + int(steps)
    progress = st.progress(0.0, text="Training…")
    last_draw = [0.0]

    def _report(step: int, loss: float, acc: float) -> None:
        history["losses"].append(loss)
        history["accuracies"].append(acc)
        now = time.perf_counter()
        if now - last_draw[0] >= REDRAW_SECONDS or step == int(steps):
            last_draw[0] = now
            progress.progress(step / int(steps), text=f"step {step} of {int(steps)} · loss {loss:.4g}")
            fig = loss_curve_figure(history, chance=task.chance, title="Training (live)", total_steps=total)
            chart_slot.plotly_chart(fig, theme=None, key=f"tr_live_{run['chunks']}_{step}")

    result = train(
        run["model"],
        task,
        steps=int(steps),
        lr=float(lr),
        clip=1.0 if clip_on else None,
        batch_size=int(task.suggested.get("batch_size", 32)),
        seed=settings.seed * 1000 + run["chunks"],  # a continued run sees new batches
        callback=_report,
        report_every=0.0,
        optimizer=run["optimizer"],
    )
    run["losses"] += result.losses.tolist()
    run["accuracies"] += result.accuracies.tolist()
    run["grad_norms"] += result.grad_norms.tolist()
    run["optimizer"] = result.optimizer
    run["chunks"] += 1
    run["seconds"] = run.get("seconds", 0.0) + result.seconds
    run["result"] = result
    run["held_out"] = evaluate(run["model"], task)
    st.session_state[RUN] = run
    st.rerun()  # redraw the whole page from the kept run: metrics, chart, enabled buttons

run = st.session_state.get(RUN)
if run is None:
    st.info("Press **Train**: the suggested settings train in a few seconds.")
    st.stop()

rc = run["config"]
if rc != config:
    st.caption(
        f"Showing the last trained model: {CELLS[rc['cell']]} on “{TASKS[rc['task']]}”, "
        f"{rc['length']} steps, hidden size {rc['hidden']}. Press Train to start one with the settings above."
    )
shown_task = make_task(rc["task"], rc["length"])
model = run["model"]
loss, acc = run["held_out"]
m = st.columns(4)
m[0].metric("Steps trained", len(run["losses"]))
m[1].metric("Held-out accuracy", f"{acc:.1%}", help="On 512 fresh sequences the model never trained on.")
m[2].metric("Held-out loss", f"{loss:.4g}")
m[3].metric("Chance level", f"{shown_task.chance:.0%}")
st.plotly_chart(
    loss_curve_figure(run, chance=shown_task.chance, title=f"{CELLS[rc['cell']]} on {shown_task.title}"),
    theme=None,
    key="tr_curve",
)

net = model.network()
st.subheader("Keep the trained cell")
st.caption(
    "The files hold the recurrent weights only (not the readout that turns "
    f"the {notation.name('h', vocabulary)} into an answer)."
)
d = st.columns(3, vertical_alignment="bottom")
stem = f"{rc['task']}_{rc['cell']}_h{rc['hidden']}"
if model.kind == "lstm":
    layout = DEFAULT_LAYOUT[model.variant]
    w = net.to_weights(layout)
    st_bytes = weights.dumps(w, model.variant, layout, "safetensors")
    npz_bytes = weights.dumps(w, model.variant, layout, "npz")
else:
    from safetensors.numpy import save

    w = {k: np.ascontiguousarray(v) for k, v in net.to_weights().items()}
    st_bytes = save(w, metadata={"kind": model.kind, "layout": "torch"})
    buf = io.BytesIO()
    np.savez(buf, **w)
    npz_bytes = buf.getvalue()
d[0].download_button("Download .safetensors", st_bytes, f"{stem}.safetensors", key="tr_dl_st")
d[1].download_button("Download .npz", npz_bytes, f"{stem}.npz", key="tr_dl_npz")
if model.kind == "lstm":
    d[2].button(
        "Inspect the trained cell",
        key="tr_inspect",
        on_click=_inspect,
        args=(net, shown_task, settings.seed, len(run["losses"])),
        help="Open it on Step through time, running on one sequence of its task.",
    )
else:
    d[2].caption("The Step-through-time page shows LSTM cells; RNN and GRU weights can be downloaded.")
