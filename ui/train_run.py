"""The Train page's kept run: a model being trained live, kept across Stop, Train more and reruns.

How Stop keeps what was learnt. A click on any widget while the page runs makes Streamlit 1.67 (with
``runner.fastReruns``, the default) ask the running script to stop and start a new run of the page at
once, on a new thread; the old run raises ``StopException`` at its next yield point (any ``st.*`` call
or ``st.session_state`` access). So the run being trained (model, Adam state, per-step history) lives in
``st.session_state`` from before its first step, each step's update and its record are complete before the
training callback draws anything (the only yield point inside training), and a per-session lock makes the
new run wait until the old one has let go before it reads or changes the kept run.

A run trains one of the built-in tasks (``lstm_core.tasks``) or the next value of the learner's own series
(``lstm_core.next_value``); the run keeps its task, so what it shows never depends on the widgets above.
"""

from __future__ import annotations

import io
import threading
import time
from contextlib import contextmanager

import numpy as np
import streamlit as st

from lstm_core import LSTM, cells, scenes, weights
from lstm_core import train as training  # looked up at call time: the tests stand in for ``train``
from lstm_core.next_value import NextValueSeries
from lstm_core.train import Adam, Model, evaluate
from ui import controls, notation
from ui.figures.training import loss_curve_figure, next_value_figure
from ui.presenter import presented

CELLS = {name: cells.get(name).label for name in cells.names()}  # every cell of the table trains
REDRAW_SECONDS = 0.5  # progress bar and live curve redraw this often; a Stop lands at the next redraw
LOCK_WAIT_SECONDS = 60  # a stopped run lets go within one redraw plus one step (about 1 s at most)
RUN = "train_run"  # session_state: the kept run (model, Adam state, history), updated while it trains
LOCK = "tr_lock"  # session_state: held by the script run that trains, settles or shows the kept run
STOP = "tr_stop_pressed"  # session_state: set by the Stop training button's callback
GO_INSPECT = "tr_go_inspect"  # session_state: the page switches to Step through time on its next run


def _press_stop() -> None:
    """The Stop training button's callback: it runs first in the new script run, while the old one stops."""
    st.session_state[STOP] = True


def take_inspect_request() -> bool:
    """True once after an Inspect button was pressed (the page then switches to Step through time)."""
    return st.session_state.pop(GO_INSPECT, False)


def _inspect(net, x: np.ndarray, label: str, task, title: str = "", names: tuple[str, ...] = ()) -> None:
    """Runs before the sidebar is drawn, so the shared sequence widgets can still be set."""
    controls.use_trained(net, x, label, title, names)
    # Follow the unit that holds the task's memory, as for the shipped cells (found in an LSTM's c).
    if task.name in scenes.SHIPPED and isinstance(net, LSTM):
        st.session_state["step_unit"] = scenes.memory_units(net, task.name, task.length).unit
    st.session_state[GO_INSPECT] = True


@contextmanager
def kept_run_lock():
    """Hold this session's lock on the kept run, waiting while an interrupted run finishes its step."""
    lock = st.session_state.setdefault(LOCK, threading.Lock())
    if not lock.acquire(timeout=LOCK_WAIT_SECONDS):
        st.warning("The previous training run is still stopping. Reload the page in a moment.")
        st.stop()
    try:
        yield
    finally:
        lock.release()


def new_run(task, config: dict, seed: int, series: NextValueSeries | None = None) -> dict:
    """A fresh kept run for ``task``: a new model and its Adam state, nothing trained yet.

    Keys: config, task, series (the own series it predicts, or None), model, optimizer (Adam, kept across
    Stop and Train more), losses and accuracies (one float per step trained), marks ((step, label) where
    training was stopped), chunks (training runs started), seconds, status ("new", "training",
    "finished", "stopped", "interrupted"), target (the step the latest training run was asked to reach),
    held_out (the kept model measured on held-out data: (loss, metric) of a task, a
    ``next_value.Report`` of a series; None until measured).
    """
    cell = config["cell"]
    kind = cells.get(cell).family  # "lstm", "gru" or "rnn": the Model kinds
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
        task=task,
        series=series,
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


def _held_out(run: dict):
    series = run["series"]
    return evaluate(run["model"], run["task"]) if series is None else series.report(run["model"])


def settle(run: dict, stop_pressed: bool) -> None:
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
        run["held_out"] = _held_out(run)


def _curve(run: dict, title: str, total_steps: int | None = None):
    """The loss curve of ``run``; an own series' curve also shows next = current's loss."""
    series = run["series"]
    return loss_curve_figure(
        run,
        chance=run["task"].chance,
        title=title,
        total_steps=total_steps,
        marks=run["marks"],
        metric_name="accuracy" if series is None else "within 0.1 sd",
        baseline=None if series is None else series.baseline_loss(),
        chance_label="chance" if series is None else "next = current",
    )


def train_chunk(run: dict, steps: int, lr: float, clip: float | None, seed: int) -> None:
    """Train the kept run ``steps`` more steps with a progress bar, a Stop button and a live curve.

    Everything learnt is in ``run`` as it goes, so a Stop (or any other click) that ends this script
    run between two steps keeps the model, its Adam state and its history in step with each other.
    """
    task = run["task"]
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
        fig = _curve(run, "Training (live)", total_steps=run["target"])
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
    training.train(
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
    run["status"], run["held_out"] = "finished", _held_out(run)


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


def _downloads(model: Model, net) -> tuple[bytes, bytes]:
    """The kept recurrent weights as (.safetensors bytes, .npz bytes)."""
    if model.kind == "lstm":
        layout = cells.get(model.variant).default_layout
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


def _task_numbers(run: dict) -> None:
    task = run["task"]
    loss, acc = run["held_out"]
    m = st.columns(4)
    m[0].metric("Steps trained", len(run["losses"]), help=f"{run['seconds']:.1f} s of training in all.")
    m[1].metric("Held-out accuracy", f"{acc:.1%}", help="On 512 fresh sequences the model never trained on.")
    m[2].metric("Held-out loss", f"{loss:.4g}")
    m[3].metric("Chance level", f"{task.chance:.0%}")


def verdict(series: NextValueSeries, report) -> str:
    """The held-out comparison with next = current, in one honest sentence."""
    tail = f"the last {report.steps} values of your series, which the cell never trained on"
    if report.beats_baseline:
        return (
            f"On {tail}, the trained cell **beats next = current**: its mean squared error is "
            f"{report.trained_mse:.4g} against {report.baseline_mse:.4g}, {report.ratio:.0%} of the "
            "baseline's."
        )
    return (
        f"On {tail}, the trained cell **does not beat next = current**: its mean squared error is "
        f"{report.trained_mse:.4g} against {report.baseline_mse:.4g} ({report.ratio:.2f}× the baseline's). "
        "Train more steps, change the cell, or accept it: for a random walk, next = current is the best "
        "forecast there is."
    )


def _series_numbers(run: dict) -> None:
    series, report = run["series"], run["held_out"]
    m = st.columns(4)
    m[0].metric("Steps trained", len(run["losses"]), help=f"{run['seconds']:.1f} s of training in all.")
    m[1].metric(
        "Held-out MSE, trained cell",
        f"{report.trained_mse:.4g}",
        help=f"Mean squared error of its predictions of the last {report.steps} values, in your units.",
    )
    m[2].metric(
        "Held-out MSE, next = current",
        f"{report.baseline_mse:.4g}",
        help="The naive forecast: the next value is the current one.",
    )
    m[3].metric("Trained ÷ baseline", f"{report.ratio:.3g}", help="Below 1: the cell beats next = current.")
    st.markdown(verdict(series, report))


def show(run: dict, config: dict, more_steps: int, seed: int, vocabulary: str, titles: dict) -> None:
    """The kept run: where it stopped, held-out numbers, its whole curve, downloads and Inspect.

    titles: the page's task names by key, for the "showing the last trained model" line."""
    rc, task, series = run["config"], run["task"], run["series"]
    if rc != config:
        st.caption(
            f"Showing the last trained model: {CELLS[rc['cell']]} on “{titles[rc['task']]}”, "
            f"{task.length} steps, hidden size {rc['hidden']}. Press Train to start one with the "
            "settings above."
        )
    _status_note(run, more_steps)
    (_task_numbers if series is None else _series_numbers)(run)
    title = f"{CELLS[rc['cell']]} on {task.title}" if series is None else f"{CELLS[rc['cell']]}: your series"
    st.plotly_chart(presented(_curve(run, title)), theme=None, key="tr_curve")
    model = run["model"]
    if series is not None:
        fig = next_value_figure(series.x, series.predict(model), series.split, series.names)
        st.plotly_chart(presented(fig), theme=None, key="tr_predictions")

    net = model.network()
    st.subheader("Keep the trained cell")
    st.caption(
        "The files hold the recurrent weights only (not the readout that turns "
        f"the {notation.name('h', vocabulary)} into an answer)."
        + (
            ""
            if series is None
            else " The cell reads your series standardised, as Step through time shows it."
        )
    )
    d = st.columns(3, vertical_alignment="bottom")
    stem = f"{rc['task']}_{rc['cell']}_h{rc['hidden']}"
    st_bytes, npz_bytes = _downloads(model, net)
    d[0].download_button("Download .safetensors", st_bytes, f"{stem}.safetensors", key="tr_dl_st")
    d[1].download_button("Download .npz", npz_bytes, f"{stem}.npz", key="tr_dl_npz")
    steps = len(run["losses"])
    if series is None:
        x = task.batch(1, np.random.default_rng(seed))[0][0]
        args = (net, x, f"trained on {task.title} ({steps} steps)", task)
        button, where = "Inspect the trained cell", "one sequence of its task"
    else:
        title = f"Your series, standardised ({len(series.x)} steps)"
        args = (net, series.z, f"trained on your series ({steps} steps)", task, title, series.names)
        button, where = "Step through the trained cell on your data", "your whole series, standardised"
    d[2].button(
        button,
        key="tr_inspect",
        on_click=_inspect,
        args=args,
        help=f"Open it on Step through time, running on {where}.",
    )
