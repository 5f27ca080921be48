"""ui/quiz.py: the questions, the score, the explanations and the numbers taken from the learner's cell."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_core import LSTM, VARIANTS
from lstm_core.experiments import PRESETS, run_matched, run_settings
from lstm_core.sequences import make_preset, make_pulse
from ui import notation
from ui.claims import gate_spread, parameter_count, use_gate_gap
from ui.quiz import QUESTION_KEYS, QUESTIONS, evidence, score, sections
from ui.text import load_text

MYTHS = ("on/off switches", "number of time steps", "one neuron", "long input", "use gate is the output gate")


def test_the_five_misconceptions_of_the_issue_are_asked():
    assert len(QUESTIONS) == 5 and len(set(QUESTION_KEYS)) == 5
    for question, myth in zip(QUESTIONS, MYTHS, strict=True):
        assert myth in question.myth
        assert 0 <= question.answer < len(question.options) == 4
        assert len(set(question.choices("standard"))) == 4


def test_score_counts_right_answers_among_the_answered():
    assert score({}) == (0, 0)
    all_right = {q.key: q.answer for q in QUESTIONS}
    assert score(all_right) == (5, 5)
    one_wrong = dict(all_right, switches=0)
    assert score(one_wrong) == (4, 5)
    assert score({"switches": 1, "hidden_is_time": 0, "not_a_question": 1}) == (1, 2)
    assert QUESTIONS[0].is_right(1) and not QUESTIONS[0].is_right(0) and not QUESTIONS[0].is_right(None)


def test_questions_follow_the_vocabulary():
    switches, hidden = QUESTIONS[0], QUESTIONS[1]
    for vocabulary in ("standard", "udacity"):
        assert notation.name("f", vocabulary) in switches.text(vocabulary)
        assert f"${notation.latex('c', vocabulary)}$" in hidden.text(vocabulary)
    assert "forget factor" in switches.text("udacity") and "forget gate" in switches.text("standard")
    # The use-gate question compares two cells, so it names each in its own vocabulary in both.
    use = QUESTIONS[4]
    assert use.text("standard") == use.text("udacity")
    assert r"\mathrm{LTM}_{t-1}" in use.text("standard") and r"\odot \tanh(c_t)" in use.text("standard")


@pytest.mark.parametrize("vocabulary", ["standard", "udacity"])
def test_every_question_has_an_explanation_in_both_vocabularies(vocabulary):
    explained = sections(load_text("misconceptions", vocabulary))
    assert tuple(explained) == QUESTION_KEYS
    assert all(len(text) > 300 for text in explained.values())
    other = "udacity" if vocabulary == "standard" else "standard"
    assert notation.name("c", vocabulary) in explained["ltm_long_input"]
    if vocabulary == "udacity":
        assert "cell state" not in " ".join(explained.values())
    assert explained != sections(load_text("misconceptions", other))


def test_sections_splits_on_markers():
    assert sections("<!-- a -->\nfirst\n\n<!-- b -->\nsecond\n") == {"a": "first", "b": "second"}


def test_gate_spread_of_a_random_and_a_saturated_cell():
    x = make_preset("sine", 20).x
    random_cell = LSTM.random(2, 4, 1, "standard", 0).run(x)
    spread = gate_spread(random_cell)
    assert set(spread) == {"f", "i", "o"}
    f = random_cell.layers[0].f
    assert spread["f"]["min"] == f.min() and spread["f"]["max"] == f.max()
    assert spread["f"]["between"] == pytest.approx(((f > 0.05) & (f < 0.95)).mean())
    assert spread["f"]["between"] > 0.9  # a random cell's gates sit in between, not at 0 or 1
    saturated = run_settings(PRESETS["saturated"], make_pulse(20).x, 4, "standard", 0)
    assert gate_spread(saturated)["o"]["between"] == 0.0  # b_o = 10: always open
    no_forget = LSTM.random(2, 4, 1, "no_forget", 0).run(x)
    assert set(gate_spread(no_forget)) == {"i", "o"}


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize(("inputs", "hidden"), [(2, 4), (3, 7)])
def test_parameter_count_matches_the_weights_of_the_core(variant, inputs, hidden):
    net = LSTM.random(inputs, hidden, 1, variant, 0)
    weights = net.to_weights("udacity" if variant == "udacity" else "seed")
    assert parameter_count(variant, inputs, hidden) == sum(w.size for w in weights.values())


def test_use_gate_gap_and_its_evidence():
    x = make_preset("sine", 20).x
    traces = run_matched(x, 4, 1, 0)
    gap, t = use_gate_gap(traces["standard"], traces["udacity"])
    diff = np.abs(traces["standard"].layers[0].h - traces["udacity"].layers[0].h)
    assert gap == diff.max() > 0.05 and diff[t].max() == gap
    text = evidence("use_is_output", "standard", standard=traces["standard"], udacity=traces["udacity"])
    assert f"{gap:.3f} (at t = {t})" in text
    # Matched weights give b_u = 0, so at t = 0 the Udacity output is tanh(0) · V = 0 exactly.
    assert "at most 0.000" in text


def test_evidence_sentences_hold_the_cells_numbers():
    x = make_preset("sine", 20).x
    trace = LSTM.random(2, 4, 1, "standard", 0).run(x)
    spread = gate_spread(trace)
    switches = evidence("switches", "udacity", trace=trace)
    assert f"from {spread['f']['min']:.2f} to {spread['f']['max']:.2f}" in switches
    assert "hidden size 4, 20 steps" in evidence("hidden_is_time", "standard", trace=trace)
    assert notation.name("c", "udacity") in evidence("hidden_is_time", "udacity", trace=trace)
    assert "has 112 weights and biases" in evidence("one_neuron", "standard", trace=trace)  # 4·4·(2+4+1)
    held = run_settings(PRESETS["write_once"], make_pulse(20).x, 4, "standard", 0)
    stored, last = np.abs(held.layers[0].c[0]).max(), np.abs(held.layers[0].c[-1]).max()
    text = evidence("ltm_long_input", "standard", held=held)
    assert f"holds {last:.2f} at the last step" in text and f"stored {stored:.2f}" in text
    assert last > 0.9 * stored
    with pytest.raises(ValueError, match="unknown question"):
        evidence("nope", "standard")
