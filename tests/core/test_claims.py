"""The claims register: every page sentence about numbers holds at the page's defaults, and fails at the
claim's counter inputs (so a check that ignored its inputs, or returned a constant, would be caught)."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_core import gradient_flow as gf
from lstm_core.experiments import PRESETS
from lstm_core.tasks import make_task
from lstm_core.train import Model, train
from ui import claims

KEYS = tuple(claims.CLAIMS)


@pytest.mark.parametrize("key", KEYS)
def test_claim_holds_at_the_defaults(key):
    claim = claims.CLAIMS[key]
    result = claim.run()
    assert claim.holds(result), claim.report(result)
    sentence = claim.say(result)
    assert "{" not in sentence and "nan" not in sentence.lower()


@pytest.mark.parametrize("key", KEYS)
def test_claim_fails_when_its_inputs_change(key):
    claim = claims.CLAIMS[key]
    assert claim.counter, "every claim names inputs under which it must not hold"
    assert set(claim.counter) - set(claim.defaults) <= {"f_bias", "i_bias"}  # gate overrides, else inputs
    result = claim.run(**claim.counter)
    assert not claim.holds(result), claim.say(result)


def test_every_gate_lab_preset_and_gradient_flow_section_has_a_claim():
    assert {f"preset_{name}" for name in PRESETS} <= set(KEYS)
    assert {"gf_init_ratio", "gf_trained", "gf_explode"} <= set(KEYS)
    assert {claim.page for claim in claims.CLAIMS.values()} == {
        "views/6_Gradient_flow.py",
        "views/3_Gate_lab.py",
        "views/7_Lessons.py",
        "views/5_Train.py",
        "views/8_Challenges.py",
        "views/9_Misconceptions.py",
        "views/2_Step_through_time.py",
    }


def test_the_quiz_claims_default_to_the_sidebars_default_cell():
    from ui.state import ViewState

    view = ViewState()
    assert {
        "variant": view.variant,
        "hidden": view.hidden,
        "layers": view.layers,
        "seed": view.seed,
        "preset": view.preset,
        "length": view.length,
    } == claims.QUIZ_CELL


def test_every_challenge_has_a_claim_whose_defaults_solve_it_and_whose_counter_is_its_start():
    from ui.challenges import CHALLENGES, check

    for key, challenge in CHALLENGES.items():
        claim = claims.CLAIMS[f"challenge_{key}"]
        assert claim.counter == {"values": challenge.start()}  # where the page starts
        assert check(challenge, claim.defaults["values"]).passed


def test_init_ratio_is_the_norms_longhand():
    """The far-end norms are those of one sequence's backward pass averaged by hand."""
    D = gf.DEFAULTS
    task = make_task(D["task"], D["length"])
    x, y = task.batch(gf.EXAMPLES, np.random.default_rng((D["seed"], 7)))
    lstm = Model.for_task(task, "lstm", D["hidden"], seed=D["seed"], forget_bias=D["forget_bias"])
    rnn = Model.for_task(task, "rnn", D["hidden"], seed=D["seed"])
    dc = np.mean(
        [
            np.linalg.norm(lstm.sequence_gradients(task, x[b], y[b]).grads.layers[0].dc[0])
            for b in range(gf.EXAMPLES)
        ]
    )
    dh = np.mean(
        [
            np.linalg.norm(rnn.sequence_gradients(task, x[b], y[b]).grads.layers[0].dh[0])
            for b in range(gf.EXAMPLES)
        ]
    )
    numbers = claims.CLAIMS["gf_init_ratio"].numbers(claims.CLAIMS["gf_init_ratio"].run())
    assert numbers["ratio"] == pytest.approx(dc / dh, rel=1e-9)
    assert dc / dh >= 100


def test_sgd_step_is_theta_minus_lr_grad():
    task = make_task("adding", 5)
    model = Model.for_task(task, "rnn", 3, seed=1)
    theta = model.theta.copy()
    x, y = task.batch(32, np.random.default_rng((2, 0)))
    _, _, grad = model.loss_and_grad(task, x, y)
    expected = theta - 0.1 * grad
    train(model, task, steps=1, lr=0.1, clip=None, seed=2, method="sgd")
    np.testing.assert_allclose(model.theta, expected, rtol=1e-12, atol=1e-15)


def test_unknown_optimiser_is_named():
    task = make_task("adding", 5)
    with pytest.raises(ValueError, match="adam, sgd"):
        train(Model.for_task(task, "rnn", 3), task, steps=1, method="rmsprop")


def test_the_memory_unit_gap_is_the_classes_c_longhand():
    """The first-bit cell's scores recomputed here from fresh runs: the smallest c of one answer minus the
    largest of the other, per step and unit."""
    from lstm_core import scenes

    cell = scenes.SHIPPED["first_bit"]
    task = make_task(cell.task, cell.length)
    x, y = task.batch(scenes.MEMORY_EXAMPLES, np.random.default_rng(0))
    net = cell.net()
    c = np.array([net.run(xb).c for xb in x])  # (N, T, H)
    one, zero = c[y == 1], c[y == 0]
    gap = np.maximum(one.min(axis=0) - zero.max(axis=0), zero.min(axis=0) - one.max(axis=0))
    memory = scenes.shipped_memory("first_bit")
    np.testing.assert_allclose(memory.score, gap, rtol=1e-12)
    numbers = claims.CLAIMS["trained_first_bit"].numbers(claims.CLAIMS["trained_first_bit"].run())
    assert numbers["unit"] == int(np.argmax(gap[-1])) == scenes.trained_first_bit().scene.unit  # = lesson 8's
    assert (gap[numbers["from_step"] :, numbers["unit"]] > 0).all()
