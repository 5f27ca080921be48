"""views/7_Lessons.py under streamlit.testing: every lesson opens, predictions get the right feedback.

The page links into other pages with ``st.page_link``, which resolves paths from the entry script, so
the tests start at app.py and switch to the lessons page, as a visitor following a link would.
"""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.pages import ROOT
from tests.player import player_args
from tests.plotly_data import chart_specs, decode
from tests.ui.test_lessons import expected_answers, right_answer, wrong_answer
from ui.lessons import BAD_LINK, LESSONS
from ui.lessons.catalogue import STEP_PAGE
from ui.lessons.questions import CHOICE

PAGE = "views/7_Lessons.py"


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_lessons(**query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for name, value in query.items():
        at.query_params[name] = str(value)
    run(at)
    at.switch_page(PAGE)
    return run(at)


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click()
    return run(at)


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def answer(at: AppTest, lesson, answers: dict) -> AppTest:
    """Fill in every question of ``lesson`` (answers by question key), then press Reveal."""
    for q in lesson.questions("standard"):
        key = f"lsn_{lesson.slug}_{q.key}"
        widget = at.radio(key=key) if q.kind == CHOICE else at.number_input(key=key)
        widget.set_value(answers[q.key])
    run(at)
    assert at.button(key="lsn_reveal").disabled is False
    at.button(key="lsn_reveal").click()
    return run(at)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lsn: lsn.slug)
def test_every_lesson_opens_with_its_title_text_and_figure_in_both_vocabularies(lesson):
    at = open_lessons(lesson=lesson.number)
    for vocabulary in ("standard", "udacity"):
        if vocabulary == "udacity":
            at.radio(key="w_vocabulary").set_value("udacity")
            run(at)
        assert at.title[0].value == f"Lesson {lesson.number}: {lesson.title(vocabulary)}"
        text = lesson.text(vocabulary)
        assert text.strip() in [m.value.strip() for m in at.markdown]
        prompts = [q.prompt for q in lesson.questions(vocabulary)]
        assert all(f"**{k}.** {p}" in markdown(at) for k, p in enumerate(prompts, start=1))
        assert len(chart_specs(at)) == 1
        # Nothing is revealed: no verdicts and no explanations anywhere on the page.
        assert not at.success and not at.warning
        assert not any(q.explanation in markdown(at) for q in lesson.questions(vocabulary))
        assert at.button(key="lsn_reveal").disabled  # nothing answered yet
    assert at.query_params["lesson"] == str(lesson.number)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lsn: lsn.slug)
def test_a_right_and_a_wrong_prediction_each_get_the_right_feedback(lesson):
    expected = expected_answers(lesson.number)
    questions = lesson.questions("standard")
    at = open_lessons(lesson=lesson.slug)
    answer(at, lesson, {q.key: right_answer(q, expected[q.key]) for q in questions})
    assert len(at.success) == len(questions) and not at.warning
    assert all(s.value.startswith("Right") for s in at.success)
    for q in questions:
        assert q.explanation in markdown(at)
        assert q.truth_text in "\n".join(s.value for s in at.success)
    assert f"score {len(questions)}/{len(questions)}" in markdown(at)

    click(at, "lsn_again")
    assert not at.success and not at.warning and "score 0/0" in markdown(at)
    answer(at, lesson, {q.key: wrong_answer(q, expected[q.key]) for q in questions})
    assert len(at.warning) == len(questions) and not at.success
    for q, notice in zip(questions, at.warning, strict=True):
        assert notice.value.startswith("Not quite")
        wrong = q.answer_text(wrong_answer(q, expected[q.key]))
        assert q.truth_text in notice.value and wrong in notice.value
    assert f"score 0/{len(questions)}" in markdown(at)


def test_the_score_adds_up_over_lessons_and_survives_moving_between_them():
    one, two = LESSONS[0], LESSONS[1]
    at = open_lessons(lesson=1)
    e1, e2 = expected_answers(1), expected_answers(2)
    answer(at, one, {q.key: right_answer(q, e1[q.key]) for q in one.questions("standard")})
    click(at, "lsn_next")
    assert at.title[0].value.startswith("Lesson 2:")
    assert at.query_params["lesson"] == "2"
    q1, q2 = two.questions("standard")
    answer(at, two, {"q1": right_answer(q1, e2["q1"]), "q2": wrong_answer(q2, e2["q2"])})
    assert "score 3/4" in markdown(at)
    click(at, "lsn_prev")
    assert at.title[0].value.startswith("Lesson 1:")
    assert len(at.success) == 2 and "score 3/4" in markdown(at)  # lesson 1 is still revealed
    locked = at.radio(key="lsn_two_memories_q1")
    assert locked.value == e1["q1"] and locked.disabled


def test_the_lesson_selector_jumps_to_any_lesson():
    at = open_lessons(lesson=1)
    at.selectbox(key="lsn_pick").set_value(7)
    run(at)
    assert at.title[0].value == f"Lesson 7: {LESSONS[6].title('standard')}"
    assert at.button(key="lsn_next").disabled is False and at.button(key="lsn_prev").disabled is False


@pytest.mark.parametrize("value", ["<script>alert(1)</script>", "99", "no_such_lesson"])
def test_a_bad_lesson_link_falls_back_to_lesson_1_with_a_notice(value):
    at = open_lessons(lesson=value)
    assert at.title[0].value.startswith("Lesson 1:")
    warnings = [w.value for w in at.warning]
    assert BAD_LINK.format(n=len(LESSONS)) in warnings
    assert not any("script" in w or "99" in w or "no_such" in w for w in warnings)
    assert at.query_params["lesson"] == "1"


def test_opening_the_lessons_cell_in_step_through_time_shows_that_cell_at_that_step():
    lesson = LESSONS[7]  # the trained cell, watched unit and step come from the lesson
    scene = lesson.scene()
    at = open_lessons(lesson=8)
    link = next(b for b in at.button if b.label.startswith("Open this lesson's cell in Step through time"))
    link.click()
    run(at)  # the click's callback hands over the cell, the run then switches page
    assert at.title[0].value == "Step through time"
    assert player_args(at, "step_player")["t"] == scene.t
    assert at.selectbox(key="step_unit").value == scene.unit
    assert any(scene.label in s.value for s in at.success)  # the sidebar says which cell is loaded
    assert player_args(at, "step_player")["T"] == scene.T
    from ui import claims  # the shipped first-bit cell: the page states its memory unit's claim

    memory = claims.CLAIMS["trained_first_bit"]
    assert [i.value for i in at.info] == [memory.say(memory.run())]
    assert memory.run()["unit"] == scene.unit
    assert STEP_PAGE.endswith("2_Step_through_time.py")


def test_lesson_8_flip_shows_both_runs_side_by_side_with_the_memory_unit_following_the_bit():
    from lstm_core import scenes

    at = open_lessons(lesson=8)
    before = len(chart_specs(at))
    at.toggle(key="lsn_flip").set_value(True)
    at.run()
    assert not at.exception
    specs = chart_specs(at)
    assert len(specs) == before + 1
    left, right = specs[-1]["data"]
    tr = scenes.trained_first_bit()
    j = tr.scene.unit
    np.testing.assert_allclose(decode(left["y"]), tr.scene.trace.c[:, j])
    np.testing.assert_allclose(decode(right["y"]), tr.flipped.c[:, j])
    # the unit's final memory takes the first bit's sign: opposite signs in the two runs
    assert decode(left["y"])[-1] * decode(right["y"])[-1] < 0
    from ui import claims

    claim = claims.CLAIMS["lesson8_memory_unit"]
    result = claim.run()
    assert result["unit"] == j
    np.testing.assert_allclose(result["c_flipped"][:, j], decode(right["y"]))
    assert claim.say(result) in " ".join(m.value for m in at.markdown)


@pytest.mark.parametrize("number", range(1, 10))
def test_every_lesson_opens_on_its_own_without_an_error(number):
    """A lesson whose "Go further" links to another page (lesson 2: Gate lab) opened without the app's
    navigation (found by tests/bad_inputs/test_fuzz_pages.py): it names the page instead of linking it."""
    at = AppTest.from_file(str(ROOT / "views" / "7_Lessons.py"), default_timeout=120)
    at.query_params["lesson"] = str(number)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
