"""views/9_Misconceptions.py under streamlit.testing: answers score, explain with a plot, start over."""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lstm_core import LSTM
from lstm_core.sequences import make_preset
from tests.app.pages import open_page as open_app_page
from tests.plotly_data import chart_specs, decode
from ui import claims, notation
from ui.quiz import QUESTIONS, sections
from ui.text import load_text

PAGE = "views/9_Misconceptions.py"


def open_page(**params) -> AppTest:
    return open_app_page(PAGE, **params)


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def answer(at: AppTest, k: int, choice: int) -> AppTest:
    """Pick option ``choice`` of question k (shown now) and press Answer."""
    at.radio(key=f"quiz_choice_{QUESTIONS[k].key}").set_value(choice)
    rerun(at)
    at.button(key="quiz_answer").click()
    return rerun(at)


def next_question(at: AppTest) -> AppTest:
    at.button(key="quiz_next").click()
    return rerun(at)


def shown_score(at: AppTest) -> str:
    return at.metric[0].value


def test_the_quiz_opens_on_question_one_with_nothing_answered():
    at = open_page()
    assert shown_score(at) == "0 / 5"
    assert (
        at.markdown[0].value.startswith("#### 1. ") and notation.name("f", "standard") in at.markdown[0].value
    )
    assert at.button(key="quiz_answer").disabled  # nothing chosen yet
    assert not chart_specs(at)  # the explanation comes after the answer


def test_a_right_answer_scores_and_explains_with_the_learners_own_cell():
    at = answer(open_page(), 0, QUESTIONS[0].answer)
    assert shown_score(at) == "1 / 5"
    assert at.success[0].value.startswith("**Right.**") and QUESTIONS[0].myth in at.success[0].value
    explanation = sections(load_text("misconceptions", "standard"))["switches"]
    assert any(m.value == explanation for m in at.markdown)
    # The heatmaps are the sidebar cell's gates: the default view (sine, 4 units, seed 0).
    x = make_preset("sine", 20, 0).x
    f = LSTM.random(2, 4, 1, "standard", 0).run(x).layers[0].f
    (spec,) = chart_specs(at)
    z = [decode(t["z"]) for t in spec["data"] if t["type"] == "heatmap"]
    assert any(zz.shape == f.T.shape and np.allclose(zz, f.T, atol=1e-12) for zz in z)
    # each gate's heatmap is drawn in that gate's colour from the notation table, not a shared viridis
    for heat in (t for t in spec["data"] if t["type"] == "heatmap"):
        scale = spec["layout"][heat["coloraxis"]]["colorscale"]
        assert scale[-1][1].lower() == notation.colour(heat["meta"]["key"]).lower()
    assert f"from {f.min():.2f} to {f.max():.2f}" in at.info[0].value
    claim = claims.CLAIMS["quiz_switches"]  # the register's sentence, at the sidebar's default cell
    assert at.info[0].value == claim.say(claim.run())
    assert at.radio(key="quiz_choice_switches_done").disabled


def test_a_wrong_answer_does_not_score_and_shows_the_right_one():
    at = answer(open_page(), 0, 0)
    assert shown_score(at) == "0 / 5"
    error = at.warning[0].value
    assert error.startswith("**Not quite.**") and QUESTIONS[0].choices("standard")[1] in error


def test_the_whole_quiz_scores_and_start_over_resets_it():
    at = open_page()
    picks = [q.answer if k != 1 else (q.answer + 1) % 4 for k, q in enumerate(QUESTIONS)]
    for k, choice in enumerate(picks):
        answer(at, k, choice)
        assert at.markdown[0].value.startswith(f"#### {k + 1}. ")
        assert len(chart_specs(at)) == 1, QUESTIONS[k].key  # every explanation has its plot
        if k < len(QUESTIONS) - 1:
            next_question(at)
    assert shown_score(at) == "4 / 5"
    assert any("Quiz done: **4 of 5** right" in s.value for s in at.success)
    assert at.button(key="quiz_next").disabled
    at.button(key="quiz_prev").click()
    rerun(at)
    assert at.radio(key=f"quiz_choice_{QUESTIONS[3].key}_done").value == QUESTIONS[3].answer
    at.button(key="quiz_start_over").click()
    rerun(at)
    assert shown_score(at) == "0 / 5" and at.markdown[0].value.startswith("#### 1. ")
    assert at.radio(key="quiz_choice_switches").value is None and not at.success


@pytest.mark.parametrize("k", range(len(QUESTIONS)))
def test_every_explanation_in_the_udacity_vocabulary(k):
    at = open_page(vocabulary="udacity")
    for _ in range(k):
        next_question(at)
    answer(at, k, QUESTIONS[k].answer)
    key = QUESTIONS[k].key
    assert any(m.value == sections(load_text("misconceptions", "udacity"))[key] for m in at.markdown)
    (spec,) = chart_specs(at)
    text = str(spec)
    assert "cell state" not in text  # the plot speaks the sidebar's vocabulary too
    claim = claims.CLAIMS[f"quiz_{key}"]
    assert at.info[0].value == claim.say(claim.run(), "udacity")  # holds at the default cell
