"""ui/figures/training.py: the figures carry exactly the numbers they are given, labelled from notation."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_core.tasks import make_task
from lstm_core.train import Model, train
from tests.plotly_data import decode
from ui import notation
from ui.figures.training import grad_norm_steps_figure, gradient_flow_figure, loss_curve_figure


def test_loss_curve_holds_the_losses_and_accuracies():
    losses, accs = [0.9, 0.7, 0.5, 0.2], [0.5, 0.5, 0.75, 1.0]
    fig = loss_curve_figure({"losses": losses, "accuracies": accs}, chance=0.5)
    loss_trace, acc_trace = fig.data
    np.testing.assert_array_equal(decode(loss_trace.y), losses)
    np.testing.assert_array_equal(decode(acc_trace.y), accs)
    np.testing.assert_array_equal(decode(loss_trace.x), [1, 2, 3, 4])
    assert fig.layout.yaxis.type == "log"
    assert any(shape.y0 == 0.5 for shape in fig.layout.shapes)  # the chance line


def test_loss_curve_accepts_a_train_result():
    task = make_task("first_bit", 5)
    result = train(Model.for_task(task, hidden_size=4), task, steps=7, batch_size=8)
    fig = loss_curve_figure(result, chance=task.chance, total_steps=20)
    np.testing.assert_allclose(decode(fig.data[0].y), result.losses)
    np.testing.assert_allclose(decode(fig.data[1].y), result.accuracies)
    assert tuple(fig.layout.xaxis2.range) == (0, 20)


def test_loss_curve_marks_where_training_stopped():
    history = {"losses": np.linspace(1.0, 0.1, 50), "accuracies": np.linspace(0.5, 1.0, 50)}
    fig = loss_curve_figure(history, chance=0.5, marks=[(20, "stopped"), (35, "interrupted")])
    lines = [(s.x0, s.x1, s.xref, s.line.dash) for s in fig.layout.shapes if s.x0 == s.x1]
    assert sorted(lines) == [
        (20, 20, "x", "dash"),
        (20, 20, "x2", "dash"),
        (35, 35, "x", "dash"),
        (35, 35, "x2", "dash"),
    ]  # through the loss and the accuracy panel
    labels = {a.text: a.x for a in fig.layout.annotations if a.text in ("stopped", "interrupted")}
    assert labels == {"stopped": 20, "interrupted": 35}  # labelled once, in the top panel
    assert len(fig.layout.annotations) == 3  # the two marks and the chance line
    np.testing.assert_allclose(decode(fig.data[0].y), history["losses"])  # the curve itself unchanged


def test_loss_curve_of_an_empty_history():
    fig = loss_curve_figure({"losses": [], "accuracies": []})
    assert decode(fig.data[0].y).size == 0


@pytest.mark.parametrize("vocabulary", ["standard", "udacity"])
def test_gradient_flow_lines_per_cell_and_quantity(vocabulary):
    T = 6
    rng = np.random.default_rng(0)
    norms = {
        "LSTM": {"dh": rng.random(T), "dc": rng.random(T)},
        "RNN": {"dh": rng.random(T), "dc": None},
        "GRU": {"dh": rng.random(T), "dc": None},
    }
    fig = gradient_flow_figure(norms, ("dh", "dc"), vocabulary, title="flow")
    assert fig.layout.yaxis.type == "log"
    assert [(t.meta["cell"], t.meta["quantity"]) for t in fig.data] == [
        ("LSTM", "dh"),
        ("LSTM", "dc"),
        ("RNN", "dh"),
        ("GRU", "dh"),
    ]
    for trace in fig.data:
        given = norms[trace.meta["cell"]][trace.meta["quantity"]]
        x, y = decode(trace.x), decode(trace.y)
        np.testing.assert_array_equal(x, np.arange(T))  # distance from the loss, nearest first
        np.testing.assert_array_equal(y, given[::-1])  # distance d is step T - 1 - d
        state = trace.meta["quantity"][1:]
        assert notation.short(state, vocabulary) in trace.name
        assert notation.name(state, vocabulary) in trace.name
        assert trace.meta["cell"] in trace.name


def test_gradient_flow_accepts_plain_arrays():
    fig = gradient_flow_figure({"RNN": np.array([1e-6, 1e-3, 1.0])}, "dh", "udacity")
    (trace,) = fig.data
    np.testing.assert_array_equal(decode(trace.y), [1.0, 1e-3, 1e-6])
    assert "STM" in trace.name


def test_grad_norm_steps_figure():
    fig = grad_norm_steps_figure({"off": [1.0, 100.0], "on": [1.0, 2.0]})
    assert fig.layout.yaxis.type == "log"
    assert [t.name for t in fig.data] == ["off", "on"]
    np.testing.assert_array_equal(decode(fig.data[0].y), [1.0, 100.0])


def test_legends_lie_below_the_plot_in_rows_so_a_phone_keeps_the_plots_width():
    """Beside the plot the gradient flow's six names took half of a 390 px phone (views/6_Gradient_flow.py,
    checked by a screenshot); below it, horizontal, they wrap into rows under the x axis."""
    norms = {"LSTM": {"dh": np.ones(5), "dc": np.ones(5)}, "RNN": {"dh": np.ones(5), "dc": None}}
    figures = (
        gradient_flow_figure(norms, ("dh", "dc"), "standard"),
        grad_norm_steps_figure({"clipping off": np.ones(4), "clipping on": np.ones(4)}),
        loss_curve_figure({"losses": np.ones(4), "accuracies": np.ones(4)}),
    )
    for fig in figures:
        legend = fig.layout.legend
        assert legend.orientation == "h" and legend.yanchor == "top" and legend.y < 0 and legend.x == 0


def test_a_loss_that_became_infinite_ends_the_line_and_keeps_the_log_axis_finite():
    losses = np.array([0.3, 1e5, 1e300, np.inf, np.nan])
    fig = loss_curve_figure({"losses": losses, "accuracies": np.zeros(5)})
    line = fig.data[0]
    np.testing.assert_array_equal(np.asarray(line.y, dtype=float)[:3], losses[:3])
    assert np.isnan(np.asarray(line.y, dtype=float)[3:]).all()  # a gap, not an infinite point
    low, high = fig.layout.yaxis.range
    assert fig.layout.yaxis.type == "log" and low < np.log10(0.3) and np.log10(1e300) < high <= 307


def test_a_loss_over_a_few_decades_is_ticked_at_1_2_5_and_the_chance_label_sits_above_its_line():
    """Plotly's own ticks there are 2, 3, … 9 (crowded on a phone) or "D2" minor labels (too small on a
    projector): the figure sets 1, 2 and 5 times each power of ten, full size."""
    losses = np.geomspace(5.0, 0.12, 50)
    fig = loss_curve_figure({"losses": losses, "accuracies": np.full(50, 0.5)}, chance=0.08)
    ticks = list(fig.layout.yaxis.tickvals)
    assert {round(v, 6) for v in ticks} >= {0.2, 0.5, 1, 2, 5}
    assert {round(v / 10 ** np.floor(np.log10(v) + 1e-9), 6) for v in ticks} == {1, 2, 5}
    assert all(10 ** fig.layout.yaxis.range[0] <= v <= 10 ** fig.layout.yaxis.range[1] for v in ticks)
    (note,) = [a for a in fig.layout.annotations if (a.text or "").startswith("chance")]
    assert note.text == "chance 8%" and note.yanchor == "bottom"
    wide = loss_curve_figure({"losses": np.geomspace(1e6, 1e-3, 50), "accuracies": np.zeros(50)})
    assert wide.layout.yaxis.tickvals is None  # many decades: Plotly's powers of ten


@pytest.mark.parametrize(
    "draw",
    [
        lambda norms: gradient_flow_figure({"RNN": norms}, "dh"),
        lambda norms: grad_norm_steps_figure({"run": norms}),
    ],
    ids=["gradient_flow", "grad_norm_steps"],
)
def test_gradient_norms_within_a_decade_or_two_are_ticked_at_1_2_5_and_all_lie_in_range(draw):
    """The trained RNN's norms on Gradient flow span about one decade: Plotly labelled 2, 3, … 9 in
    small type between the powers of ten; the figure ticks 1, 2 and 5 times each, full size."""
    norms = np.geomspace(0.55, 0.03, 10)
    axis = draw(norms).layout.yaxis
    assert axis.type == "log"
    ticks = [round(v, 6) for v in axis.tickvals]
    assert ticks == [0.05, 0.1, 0.2, 0.5]
    assert 10 ** axis.range[0] < norms.min() and norms.max() < 10 ** axis.range[1]
    assert draw(np.geomspace(1.0, 1e-7, 10)).layout.yaxis.tickvals is None  # seven decades: powers of ten
