"""ui/challenges.py (and ui/figures/challenges.add_target): every challenge passes a known-good
setting and fails a known-bad one, with the numbers of the failure measured independently from the core
and the hint naming the number to move."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from lstm_core.experiments import Gate, GateSettings, memory_half_life, run_settings
from ui import notation
from ui.challenges import CHALLENGES, COUNT, FORGET, HALF_LIFE, HOLD, check, fill
from ui.figures.challenges import add_target

# A setting that meets each goal (found by reasoning about the gates, checked here by running the core).
GOOD = {
    "hold": dict(b_f=10.0, b_i=-10.0),
    "forget": dict(b_f=-10.0, W_xf=0.0),
    "half_life": dict(W_xf=2.6),
    "count": dict(b_f=12.0, b_i=-10.0, W_xi=20.0, b_g=10.0),
}


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def independent_trace(challenge, **values):
    """The challenge's cell built by hand from GateSettings, not through Challenge.settings."""
    gates = {k: challenge.fixed.gate(k) for k in "ifgo"}
    for key, value in values.items():
        gate, part = (key[2], "bias") if key.startswith("b_") else (key[3], "weight")
        old = gates[gate]
        gates[gate] = Gate(
            bias=value if part == "bias" else old.bias, weight=value if part == "weight" else old.weight
        )
    return run_settings(GateSettings(**gates), challenge.x, 1, "standard", 0, c0=challenge.c0)


@pytest.mark.parametrize("key", CHALLENGES)
def test_every_challenge_passes_its_known_good_setting(key):
    verdict = check(CHALLENGES[key], GOOD[key])
    assert verdict.passed and verdict.score == 1.0, verdict.headline
    assert verdict.headline and verdict.hint


@pytest.mark.parametrize("key", CHALLENGES)
def test_every_challenge_fails_at_its_starting_numbers(key):
    challenge = CHALLENGES[key]
    verdict = check(challenge, challenge.start())
    assert not verdict.passed
    assert 0.0 <= verdict.score < 1.0


def test_hold_counts_the_steps_held_and_blames_the_forget_gate():
    verdict = check(HOLD, dict(b_f=3.0, b_i=-10.0))
    lt = independent_trace(HOLD, b_f=3.0, b_i=-10.0).layers[0]
    c, f = lt.c[:, 0], lt.f[:, 0]
    within = np.abs(c[1:] - c[0]) <= 0.05 * abs(c[0])
    held = int(np.argmin(within))
    assert held == verdict.numbers["held"] == 1  # σ(3) ≈ 0.95 a step: 5 % is gone after one step
    assert verdict.numbers["f_after"] == pytest.approx(np.exp(np.log(f[1:]).mean()), abs=1e-12)
    assert 0.94 < verdict.numbers["f_after"] < 0.97
    assert verdict.score == pytest.approx(1 / 20)
    assert "**1 of 20 steps**" in verdict.headline
    assert f"{verdict.numbers['f_after']:.2f}" in verdict.hint and "raise $b_{f}$" in verdict.hint


def test_hold_with_the_input_gate_open_blames_the_input_gate():
    verdict = check(HOLD, dict(b_f=10.0, b_i=0.0))
    assert not verdict.passed
    assert verdict.numbers["added"] > verdict.numbers["lost"]
    assert verdict.numbers["i_after"] > 0.4  # σ(0 + W_hi h) stays near one half
    assert "lower $b_{i}$" in verdict.hint


def test_forget_reports_the_steps_where_the_input_opens_the_forget_gate():
    verdict = check(FORGET, dict(b_f=-10.0, W_xf=8.0))
    f = independent_trace(FORGET, b_f=-10.0, W_xf=8.0).layers[0].f[:, 0]
    assert verdict.numbers["forgot"] == int((f <= 0.02).sum()) == 10  # the ten steps where the input is 0
    assert verdict.numbers["f_max"] == pytest.approx(f.max(), abs=1e-12)
    assert 0.1 < verdict.numbers["f_max"] < 0.2  # σ(-10 + 8·1 + W_hf h), σ(-2) = 0.12
    assert verdict.numbers["x_worst"] == 1.0
    assert "**10 of 20 steps**" in verdict.headline and f"kept {f.max():.0%}" in verdict.headline
    assert "Lower $W_{xf}$" in verdict.hint


def test_forget_with_a_high_bias_blames_the_bias():
    verdict = check(FORGET, dict(b_f=2.0, W_xf=0.0))
    assert verdict.numbers["forgot"] == 0 and verdict.score == 0.0
    assert "lower $b_{f}$" in verdict.hint


@pytest.mark.parametrize(("weight", "word"), [(2.3, "Too short"), (3.0, "Too long")])
def test_half_life_says_how_far_and_which_way(weight, word):
    verdict = check(HALF_LIFE, dict(W_xf=weight))
    trace = independent_trace(HALF_LIFE, W_xf=weight)
    expected = float(memory_half_life(trace)[0])
    assert verdict.numbers["half_life"] == pytest.approx(expected, rel=1e-12)
    # The output gate is shut, so h ≈ 0 and f = σ(weight): the half-life is ln 0.5 / ln σ(weight).
    assert expected == pytest.approx(np.log(0.5) / np.log(sigmoid(weight)), rel=1e-3)
    assert not verdict.passed and word in verdict.hint
    assert abs(expected - 10) > 0.5


def test_half_life_score_grows_as_the_weight_nears_the_answer():
    scores = [check(HALF_LIFE, dict(W_xf=w)).score for w in (0.0, 1.5, 2.3, 2.6)]
    assert scores == sorted(scores) and scores[-1] == 1.0 and scores[0] < 0.5


@pytest.mark.parametrize(
    ("values", "hint"),
    [
        (dict(b_f=12.0, b_i=-10.0, W_xi=5.0, b_g=10.0), "raise $W_{xi}$"),
        (dict(b_f=12.0, b_i=-10.0, W_xi=20.0, b_g=0.5), "raise $b_{g}$"),
        (dict(b_f=12.0, b_i=0.0, W_xi=20.0, b_g=10.0), "lower $b_{i}$"),
        (dict(b_f=3.0, b_i=-10.0, W_xi=20.0, b_g=10.0), "raise $b_{f}$"),
    ],
)
def test_count_names_the_number_to_move(values, hint):
    verdict = check(COUNT, values)
    lt = independent_trace(COUNT, **values).layers[0]
    count = np.cumsum(COUNT.x[:, 0])
    right = int((np.abs(lt.c[:, 0] - count) <= 0.25).sum())
    assert not verdict.passed and verdict.numbers["right"] == right < 20
    assert f"**{right} of 20 steps**" in verdict.headline
    assert hint in verdict.hint


def test_the_count_input_has_ones_and_zeros_and_the_good_cell_ends_at_the_count():
    ones = int(COUNT.x.sum())
    assert 0 < ones < COUNT.T
    c = COUNT.run(GOOD["count"]).layers[0].c[:, 0]
    assert c[-1] == pytest.approx(ones, abs=0.25)


def test_settings_write_the_learners_numbers_over_the_fixed_ones():
    settings = HOLD.settings(dict(b_f=4.0))
    assert settings.f.bias == 4.0 and settings.f.weight == 0.0
    assert settings.i.bias == 0.0 and settings.i.weight == 20.0  # b_i at its start, W_xi fixed
    assert settings.g == HOLD.fixed.g


def test_texts_follow_the_vocabulary():
    for vocabulary in ("standard", "udacity"):
        label = HOLD.controls[0].label(vocabulary)
        assert notation.name("f", vocabulary) in label and "$b_{f}$" in label
        assert notation.name("c", vocabulary) in fill(HOLD.goal, vocabulary)
        verdict = check(HOLD, dict(b_f=3.0, b_i=-10.0), vocabulary)
        assert notation.name("f", vocabulary) in verdict.hint
    assert "Fixed: $W_{xi}$ = 20" in HOLD.fixed_text("standard")
    assert "b_{f}" not in HOLD.fixed_text("standard")  # the learner's own numbers are not listed as fixed


def test_add_target_draws_the_goal_band():
    values = GOOD["hold"]
    trace = HOLD.run(values)
    target = HOLD.target(HOLD, trace, "standard")
    stored = trace.layers[0].c[0, 0]
    np.testing.assert_allclose(target.hi - target.lo, 0.1 * abs(stored))
    fig = add_target(go.Figure().set_subplots(2, 1), target)
    (band,) = [t for t in fig.data if t.meta and t.meta.get("key") == "target"]
    assert band.fill == "toself" and len(band.x) == 2 * (HOLD.T - 1)
    assert max(band.y) == pytest.approx(1.05 * stored) and min(band.y) == pytest.approx(0.95 * stored)
    line = add_target(go.Figure().set_subplots(2, 1), HALF_LIFE.target(HALF_LIFE, trace, "standard"))
    assert line.data[0].line.dash == "dash" and line.data[0].y[9] == pytest.approx(0.5)
    assert add_target(go.Figure(), None).data == ()
