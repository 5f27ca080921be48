"""Train: fit an LSTM (any variant), a plain RNN or a GRU to a small sequence task, live, in the browser.

How Stop keeps what was learnt. A click on any widget while the page runs makes Streamlit 1.67 (with
``runner.fastReruns``, the default) ask the running script to stop and start a new run of the page at
once, on a new thread; the old run raises ``StopException`` at its next yield point (any ``st.*`` call
or ``st.session_state`` access). So the run being trained (model, Adam state, per-step history) lives in
``st.session_state`` from before its first step, each step's update and its record are complete before the
training callback draws anything (the only yield point inside training), and a per-session lock makes the
new run wait until the old one has let go before it reads or changes the kept run.
"""

import io
import threading
import time
from contextlib import contextmanager

import numpy as np
import streamlit as st

from lstm_core import claims, notation, scenes, weights
from lstm_core.layouts import DEFAULT_LAYOUT
from lstm_core.tasks import DEFAULT_LENGTH, TASKS, make_task
from lstm_core.train import Adam, Model, evaluate, train
from ui import controls, own_text
from ui.figures.training import loss_curve_figure
from ui.presenter import presented

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
REDRAW_SECONDS = 0.5  # progress bar and live curve redraw this often; a Stop lands at the next redraw
LOCK_WAIT_SECONDS = 60  # a stopped run lets go within one redraw plus one step (about 1 s at most)
RUN = "train_run"  # session_state: the kept run (model, Adam state, history), updated while it trains
LOCK = "tr_lock"  # session_state: held by the script run that trains, settles or shows the kept run
STOP = "tr_stop_pressed"  # session_state: set by the Stop training button's callback


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
    if task.name in scenes.SHIPPED:  # follow the unit that holds the task's memory, as for the shipped cells
        st.session_state["step_unit"] = scenes.memory_units(net, task.name, task.length).unit
    st.session_state["tr_go_inspect"] = True


def _press_stop() -> None:
    """The Stop training button's callback: it runs first in the new script run, while the old one stops."""
    st.session_state[STOP] = True


@contextmanager
def _kept_run_lock():
    """Hold this session's lock on the kept run, waiting while an interrupted run finishes its step."""
    lock = st.session_state.setdefault(LOCK, threading.Lock())
    if not lock.acquire(timeout=LOCK_WAIT_SECONDS):
        st.warning("The previous training run is still stopping. Reload the page in a moment.")
        st.stop()
    try:
        yield
    finally:
        lock.release()


def _new_run(task, config: dict, seed: int) -> dict:
    """A fresh kept run for ``task``: a new model and its Adam state, nothing trained yet.

    Keys: config, model, optimizer (Adam, kept across Stop and Train more), losses and accuracies (one
    float per step trained), marks ((step, label) where training was stopped), chunks (training runs
    started), seconds, status ("new", "training", "finished", "stopped", "interrupted"), target (the step
    the latest training run was asked to reach), held_out ((loss, metric) of the kept model, or None).
    """
    cell = config["cell"]
    kind = cell if cell in ("rnn", "gru") else "lstm"
    model = Model.for_task(
        task,
        kind=kind,
        hidden_size=config["hidden"],
        variant=cell if kind == "lstm" else "standard",
        seed=seed,
        forget_bias=float(task.suggested.get("forget_bias", 0.0)) if kind == "lstm" else 0.0,
    )
    return dict(
        config=config,
        model=model,
        optimizer=Adam(model.theta.size),
        losses=[],
        accuracies=[],
        marks=[],
        chunks=0,
        seconds=0.0,
        status="new",
        target=0,
        held_out=None,
    )


def _settle(run: dict, stop_pressed: bool) -> None:
    """Finish the bookkeeping of a training run that was cut short (it stops inside its callback, so
    nothing after ``train`` ran): say where it stopped and measure the kept model on held-out data."""
    if run["status"] == "training":
        step = len(run["losses"])
        if step >= run["target"]:
            run["status"] = "finished"  # stopped after its last step, before its bookkeeping
        else:
            run["status"] = "stopped" if stop_pressed else "interrupted"
            run["marks"].append((step, "stopped" if stop_pressed else "interrupted"))
    if run["held_out"] is None:
        rc = run["config"]
        run["held_out"] = evaluate(run["model"], make_task(rc["task"], rc["length"]))


def _train_chunk(run: dict, task, steps: int, lr: float, clip: float | None, seed: int) -> None:
    """Train the kept run ``steps`` more steps with a progress bar, a Stop button and a live curve.

    Everything learnt is in ``run`` as it goes, so a Stop (or any other click) that ends this script
    run between two steps keeps the model, its Adam state and its history in step with each other.
    """
    losses, accuracies = run["losses"], run["accuracies"]
    first = len(losses)
    run["target"], run["status"], run["held_out"] = first + steps, "training", None
    chunk_seed = seed * 1000 + run["chunks"]  # a continued run sees new batches
    run["chunks"] += 1
    seconds_before = run["seconds"]

    bar, button = st.columns([5, 1], vertical_alignment="center")
    progress = bar.progress(0.0, text=f"step {first} of {run['target']}")
    button.button(
        "Stop training",
        key="tr_stop",
        on_click=_press_stop,
        width="stretch",
        help="Ends training within a second and keeps the model as it is at that step.",
    )
    chart = st.empty()

    def draw(step: int, loss: float | None) -> None:
        done = first + step
        text = f"step {done} of {run['target']}" + ("" if loss is None else f" · loss {loss:.4g}")
        progress.progress(step / steps, text=text)
        fig = loss_curve_figure(
            run, chance=task.chance, title="Training (live)", total_steps=run["target"], marks=run["marks"]
        )
        chart.plotly_chart(presented(fig), theme=None, key=f"tr_live_{run['chunks']}_{step}")

    start = last_draw = time.perf_counter()

    def report(step: int, loss: float, acc: float) -> None:
        # Record first, draw second: a click stops this script run inside the st.* calls of draw (its
        # only yield points), and by then this step's update (made before the callback) and its record
        # are both complete.
        nonlocal last_draw
        losses.append(float(loss))
        accuracies.append(float(acc))
        now = time.perf_counter()
        run["seconds"] = seconds_before + (now - start)
        if now - last_draw >= REDRAW_SECONDS or step == steps:
            last_draw = now
            draw(step, loss)

    draw(0, None)
    train(
        run["model"],
        task,
        steps=steps,
        lr=lr,
        clip=clip,
        batch_size=int(task.suggested.get("batch_size", 32)),
        seed=chunk_seed,
        callback=report,
        report_every=0.0,  # every step: the history must hold each step the model has taken
        optimizer=run["optimizer"],
    )
    run["status"], run["held_out"] = "finished", evaluate(run["model"], task)


def _status_note(run: dict, more_steps: int) -> None:
    """Say where a stopped or interrupted run stopped, and that the page shows the model from there."""
    if run["status"] not in ("stopped", "interrupted"):
        return
    step, target = len(run["losses"]), run["target"]
    why = (
        "you pressed Stop training"
        if run["status"] == "stopped"
        else "the page was stopped or reran while it trained (a setting changed, another page opened)"
    )
    st.info(
        f"Training stopped at step {step} of {target}: {why}. Everything below shows the model as it "
        f"was after step {step}; **Train {more_steps} more steps** continues from it and its Adam state."
    )


def _downloads(run: dict, net) -> tuple[bytes, bytes]:
    """The kept recurrent weights as (.safetensors bytes, .npz bytes)."""
    model = run["model"]
    if model.kind == "lstm":
        layout = DEFAULT_LAYOUT[model.variant]
        w = net.to_weights(layout)
        return (
            weights.dumps(w, model.variant, layout, "safetensors"),
            weights.dumps(w, model.variant, layout, "npz"),
        )
    from safetensors.numpy import save

    w = {k: np.ascontiguousarray(v) for k, v in net.to_weights().items()}
    buf = io.BytesIO()
    np.savez(buf, **w)
    return save(w, metadata={"kind": model.kind, "layout": "torch"}), buf.getvalue()


def _show(run: dict, config: dict, more_steps: int) -> None:
    """The kept run: where it stopped, held-out numbers, its whole curve, downloads and Inspect."""
    rc = run["config"]
    if rc != config:
        st.caption(
            f"Showing the last trained model: {CELLS[rc['cell']]} on “{TASKS[rc['task']]}”, "
            f"{rc['length']} steps, hidden size {rc['hidden']}. Press Train to start one with the "
            "settings above."
        )
    _status_note(run, more_steps)
    shown_task = make_task(rc["task"], rc["length"])
    loss, acc = run["held_out"]
    m = st.columns(4)
    m[0].metric("Steps trained", len(run["losses"]), help=f"{run['seconds']:.1f} s of training in all.")
    m[1].metric("Held-out accuracy", f"{acc:.1%}", help="On 512 fresh sequences the model never trained on.")
    m[2].metric("Held-out loss", f"{loss:.4g}")
    m[3].metric("Chance level", f"{shown_task.chance:.0%}")
    st.plotly_chart(
        presented(
            loss_curve_figure(
                run,
                chance=shown_task.chance,
                title=f"{CELLS[rc['cell']]} on {shown_task.title}",
                marks=run["marks"],
            )
        ),
        theme=None,
        key="tr_curve",
    )

    net = run["model"].network()
    st.subheader("Keep the trained cell")
    st.caption(
        "The files hold the recurrent weights only (not the readout that turns "
        f"the {notation.name('h', vocabulary)} into an answer)."
    )
    d = st.columns(3, vertical_alignment="bottom")
    stem = f"{rc['task']}_{rc['cell']}_h{rc['hidden']}"
    st_bytes, npz_bytes = _downloads(run, net)
    d[0].download_button("Download .safetensors", st_bytes, f"{stem}.safetensors", key="tr_dl_st")
    d[1].download_button("Download .npz", npz_bytes, f"{stem}.npz", key="tr_dl_npz")
    if run["model"].kind == "lstm":
        d[2].button(
            "Inspect the trained cell",
            key="tr_inspect",
            on_click=_inspect,
            args=(net, shown_task, settings.seed, len(run["losses"])),
            help="Open it on Step through time, running on one sequence of its task.",
        )
    else:
        d[2].caption("The Step-through-time page shows LSTM cells; RNN and GRU weights can be downloaded.")


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
own_text.section()  # the learner's own text: a character model for the Read text page

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
    convergence = claims.CLAIMS["train_convergence"]
    at_its_defaults = task_name == convergence.defaults["task"] and task.length == make_task(task_name).length
    if at_its_defaults and st.button(
        "Which cell converges fastest? (5 seeds × 3 cells, some seconds)", key="tr_convergence"
    ):
        with st.spinner("Training 15 cells to 95 %…"):
            shown = convergence.run()
        st.markdown(convergence.say(shown) if convergence.holds(shown) else convergence.report(shown))

config = dict(task=task_name, length=int(length), cell=cell, hidden=int(hidden))
with _kept_run_lock():  # an interrupted run may still be finishing its step on the old script thread
    run = st.session_state.get(RUN)
    stop_pressed = st.session_state.pop(STOP, False)
    if run is not None:
        _settle(run, stop_pressed)
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
    if train_clicked or more_clicked:
        if train_clicked or not can_continue:
            run = _new_run(task, config, settings.seed)
            st.session_state[RUN] = run
        with live.container():
            _train_chunk(run, task, int(steps), float(lr), 1.0 if clip_on else None, settings.seed)
        st.rerun()  # redraw the whole page from the kept run: metrics, chart, enabled buttons

    with results.container():
        if run is None:
            st.info("Press **Train**: the suggested settings train in a few seconds.")
            st.stop()
        _show(run, config, int(steps))
