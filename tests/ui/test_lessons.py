"""The lessons' logic without Streamlit: links, texts, true answers, feedback, score, hidden steps, worksheet.

The true answers are recomputed here from the core (a fresh ``LSTM.run``, the gates rebuilt from the
weights, the gradients from ``Model.sequence_gradients``) with this file's own formulas, not with the
lesson code's helpers; ``expected_answers`` is shared with the AppTest and browser tests.
"""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pytest

from lstm_core import LSTM, scenes
from lstm_core.tasks import make_task
from lstm_core.text import CharModel, code_features, rank_units
from lstm_core.train import Model
from tests.plotly_data import decode
from ui import claims, notation
from ui.lessons import BAD_LINK, LESSONS, find
from ui.lessons import progress as lesson_progress
from ui.lessons.catalogue import TEXT_DIR
from ui.lessons.questions import CHOICE, MINUS, NUMBER, STAY_BAND, feedback, num
from ui.lessons.worksheet import md_escape, to_html, to_markdown

VOCABULARIES = notation.VOCABULARIES


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def gate_from_weights(net: LSTM, trace, gate: str, t: int, unit: int, layer: int = 0) -> float:
    """A standard-cell gate rebuilt from the torch layout (rows i, f, g, o; both biases)."""
    w = net.to_weights("torch")
    H = net.hidden_size
    row = {"i": 0, "f": 1, "g": 2, "o": 3}[gate] * H + unit
    lt = trace.layers[layer]
    z = (
        w[f"weight_ih_l{layer}"][row] @ lt.x[t]
        + w[f"weight_hh_l{layer}"][row] @ lt.h_prev[t]
        + w[f"bias_ih_l{layer}"][row]
        + w[f"bias_hh_l{layer}"][row]
    )
    return float(np.tanh(z) if gate == "g" else sigmoid(z))


def moved(before: float, after: float) -> str:
    d = after - before
    return "stay" if abs(d) < STAY_BAND else ("up" if d > 0 else "down")


def expected_answers(number: int) -> dict[str, object]:
    """The right answer to every question of lesson ``number``, computed from the core."""
    lesson = LESSONS[number - 1]
    state = lesson.build()
    if number in (1, 2, 3, 4):
        s = state
        lt = s.net.run(s.x).layers[0]
        t, j = s.t, s.unit
        f, i, g = (gate_from_weights(s.net, s.net.run(s.x), k, t, j) for k in "fig")
        c = f * lt.c_prev[t, j] + i * g
        assert c == pytest.approx(lt.c[t, j], abs=1e-12)
        if number == 1:
            h = lt.h[t, j]
            return {"q1": moved(lt.c[t - 1, j], c), "q2": "c" if abs(c) >= abs(h) else "h"}
        if number == 2:
            return {"q1": f, "q2": c}
        if number == 3:
            return {"q1": i, "q2": moved(lt.c[t - 1, j], c)}
        return {"q1": c, "q2": "kept" if abs(f * lt.c_prev[t, j]) >= abs(i * g) else "written"}
    if number == 5:
        s, d = state.standard, state.udacity
        ls, ld = s.net.run(s.x).layers[0], d.net.run(d.x).layers[0]
        t, j = s.t, s.unit
        h = gate_from_weights(s.net, s.net.run(s.x), "o", t, j) * np.tanh(ls.c[t, j])
        w = d.net.to_weights("udacity")
        U = np.tanh(w["W_u_l0"][j] @ (ld.c_prev[t] * ld.f[t]) + w["b_u_l0"][j])
        gap = abs(U) - abs(np.tanh(ld.c[t, j]))
        return {
            "q1": float(h),
            "q2": "same" if abs(gap) < STAY_BAND else ("closer" if gap < 0 else "further"),
        }
    if number == 6:
        s = state
        trace = s.net.run(s.x)
        f_top = [gate_from_weights(s.net, trace, "f", s.t, j, layer=1) for j in range(s.net.hidden_size)]
        return {"q1": float(s.net.num_layers * s.net.hidden_size), "q2": f"unit{int(np.argmin(f_top))}"}
    if number == 7:
        task = make_task("first_bit", state.length)
        x, y = task.batch(state.examples, np.random.default_rng((0, 7)))
        rnn = Model.for_task(task, kind="rnn", hidden_size=state.hidden, seed=0)
        lstm = Model.for_task(
            task, kind="lstm", hidden_size=state.hidden, seed=0, forget_bias=state.forget_bias
        )

        def mean_norm(model, field):  # (T,) mean over the sequences of ‖∂Loss/∂state_t‖
            grads = [model.sequence_gradients(task, x[b], y[b]).grads.layers[0] for b in range(len(x))]
            return np.mean([np.linalg.norm(getattr(g, field), axis=1) for g in grads], axis=0)

        rnn_dh, lstm_dc = mean_norm(rnn, "dh"), mean_norm(lstm, "dc")
        back = state.length - 1 - state.distance
        ratio = rnn_dh[-1] / rnn_dh[back]
        bucket = "lt10" if ratio < 10 else "lt1e3" if ratio < 1e3 else "lt1e6" if ratio < 1e6 else "ge1e6"
        return {"q1": "RNN" if rnn_dh[back] > lstm_dc[back] else "LSTM", "q2": bucket}
    if number == 8:
        net = LSTM.load(scenes.TRAINED_FILE)
        x = make_task("first_bit", 20).batch(1, np.random.default_rng(0))[0][0]
        flipped = x.copy()
        flipped[0, 0] *= -1
        unit = int(np.argmax(np.abs(net.run(x).c[-1] - net.run(flipped).c[-1])))
        assert unit == state.scene.unit
        trace = net.run(x)
        t = state.scene.t
        lt = trace.layers[0]
        return {
            "q1": moved(lt.c[t - 1, unit], lt.c[t, unit]),
            "q2": gate_from_weights(net, trace, "f", t, unit),
        }
    if number == 9:
        models = scenes.TRAINED_FILE.parents[1] / "models"
        text = (models / "python_chars_snippet.txt").read_text()
        reading = CharModel.load(models / "python_chars.safetensors").read(text)
        top = rank_units(reading, code_features(text)["in_string"].to_numpy()).iloc[0]
        return {"q1": f"unit{int(top.unit)}", "q2": "up" if top.direction > 0 else "down"}
    raise AssertionError(number)


def right_answer(q, truth):
    """What a learner who got it right enters: the option, or the number as the input shows it."""
    if q.kind == CHOICE:
        return truth
    return int(round(truth)) if q.digits == 0 else round(float(truth), q.digits)


def wrong_answer(q, truth):
    if q.kind == CHOICE:
        return next(k for k, _ in q.options if k != truth)
    return int(round(truth)) + 1 if q.digits == 0 else float(truth) + q.tolerance + 0.2


# --------------------------------------------------------------------------------------------- links


@pytest.mark.parametrize("value, number", [("1", 1), ("03", 3), ("8", 8), (" 5 ", 5)])
def test_a_lesson_number_in_the_link_opens_that_lesson(value, number):
    lesson, notice = find(value)
    assert (lesson.number, notice) == (number, None)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lsn: lsn.slug)
def test_a_lesson_name_in_the_link_opens_that_lesson_with_dashes_or_underscores(lesson):
    assert find(lesson.slug)[0] is lesson
    assert find(lesson.slug.replace("_", "-").upper())[0] is lesson


@pytest.mark.parametrize(
    "value",
    ["0", str(len(LESSONS) + 1), "-1", "1.5", "<script>alert(1)</script>", "x" * 5000, "two memories"],
)
def test_a_bad_lesson_link_falls_back_to_lesson_1_with_a_notice_that_never_echoes_it(value):
    lesson, notice = find(value)
    assert lesson.number == 1
    assert notice == BAD_LINK.format(n=len(LESSONS))
    assert "script" not in notice and "xxx" not in notice


def test_no_link_opens_lesson_1_without_a_notice():
    assert find(None) == (LESSONS[0], None)


def test_there_are_at_least_eight_lessons_numbered_in_order_with_unique_names():
    assert len(LESSONS) >= 8
    assert [lsn.number for lsn in LESSONS] == list(range(1, len(LESSONS) + 1))
    assert len({lsn.slug for lsn in LESSONS}) == len(LESSONS)


# --------------------------------------------------------------------------------------------- texts


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lsn: lsn.slug)
def test_every_lesson_has_its_own_text_in_both_vocabularies(lesson):
    texts = {v: lesson.text(v) for v in VOCABULARIES}
    for v in VOCABULARIES:
        assert (TEXT_DIR / f"{lesson.text_name}.{v}.md").is_file()
        assert len(texts[v].split()) > 80
    assert texts["standard"] != texts["udacity"]
    assert "long-term memory" in texts["udacity"].lower() or "LTM" in texts["udacity"]


def test_titles_name_the_quantities_in_the_chosen_vocabulary():
    one = LESSONS[0]
    assert one.title("standard") == "Two memories: the cell state, the hidden state and the input"
    assert one.title("udacity") == "Two memories: the long-term memory, the short-term memory and the event"
    assert notation.name("f", "udacity") in LESSONS[1].title("udacity")


def test_what_the_texts_say_about_the_prepared_cells_is_true():
    one, two = scenes.two_memories(), scenes.forget_half_life()
    assert one.x[2, 0] == 1.0 and np.all(np.abs(one.x[3:, 0]) < 0.5)  # "an input of 1 arrived at step 2"
    assert two.x[1, 0] == 1.0 and one.net.hidden_size == two.net.hidden_size == 1
    assert scenes.keep_and_write().net.hidden_size == 2  # "a random cell of two units"
    layers = scenes.units_and_layers().net
    assert (layers.num_layers, layers.hidden_size) == (2, 3)  # "two layers of three units"
    trained = scenes.trained_first_bit().scene
    assert (trained.net.hidden_size, trained.T) == (8, 20)  # "8 units", "after 20 steps"
    assert scenes.vanishing_gradient().forget_bias > 0  # "the forget gate bias starts above 0"


# --------------------------------------------------------------------------------------------- answers


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lsn: lsn.slug)
def test_every_true_answer_is_the_one_the_core_computes(lesson):
    expected = expected_answers(lesson.number)
    for vocabulary in VOCABULARIES:
        questions = lesson.questions(vocabulary)
        assert [q.key for q in questions] == list(expected)
        for q in questions:
            if q.kind == NUMBER:
                assert q.truth == pytest.approx(expected[q.key], abs=1e-9), (lesson.slug, q.key)
            else:
                assert q.truth == expected[q.key], (lesson.slug, q.key)


def test_the_prepared_states_ask_real_questions():
    """Guards against a change that makes a lesson trivial: the moves and choices it was written for."""
    assert expected_answers(1)["q1"] == "stay"
    assert expected_answers(3) == {"q1": pytest.approx(1.0, abs=1e-3), "q2": "up"}
    assert expected_answers(5)["q2"] == "closer"
    assert expected_answers(7) == {"q1": "LSTM", "q2": "ge1e6"}
    assert expected_answers(8)["q1"] == "down"
    q1 = LESSONS[4].questions("standard")[0]  # forgetting the tanh must be a wrong answer
    o, c = (scenes.use_gate().standard.value(k) for k in "oc")
    assert not q1.is_right(o * c)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lsn: lsn.slug)
@pytest.mark.parametrize("vocabulary", VOCABULARIES)
def test_a_right_and_a_wrong_prediction_get_the_right_feedback(lesson, vocabulary):
    expected = expected_answers(lesson.number)
    for q in lesson.questions(vocabulary):
        truth = expected[q.key]
        good, bad = feedback(q, right_answer(q, truth)), feedback(q, wrong_answer(q, truth))
        assert good.right and good.headline.startswith("Right")
        assert not bad.right and bad.headline.startswith("Not quite")
        assert q.answer_text(wrong_answer(q, truth)) in bad.headline
        assert q.truth_text in bad.headline
        assert good.explanation == bad.explanation == q.explanation
        if q.kind == NUMBER:
            assert num(truth, q.digits) in q.explanation  # the explanation ends in the real value
        assert feedback(q, None).right is False


def test_a_number_answer_is_right_within_its_stated_tolerance_only():
    q = LESSONS[1].questions("standard")[0]  # "roughly what value will f_t have?"
    assert q.tolerance == 0.05 and q.rule == "right within ±0.05"
    assert q.is_right(q.truth + 0.049) and q.is_right(q.truth - 0.049)
    assert not q.is_right(q.truth + 0.051)


def test_explanations_fill_the_equation_with_this_steps_numbers():
    s = scenes.keep_and_write()
    lt = s.net.run(s.x).layers[0]
    t, j = s.t, s.unit
    explanation = LESSONS[3].questions("standard")[0].explanation
    numbers = [
        f"{v:.2f}".replace("-", MINUS)
        for v in (lt.f[t, j], lt.c_prev[t, j], lt.i[t, j], lt.g[t, j], lt.c[t, j])
    ]
    assert explanation.startswith(
        "c<sub>t</sub> = f<sub>t</sub>·c<sub>t−1</sub> + i<sub>t</sub>·g<sub>t</sub> = "
    )
    assert f"= {numbers[0]}·({numbers[1]}) + {numbers[2]}·({numbers[3]}) = {numbers[4]}" in explanation
    udacity = LESSONS[3].questions("udacity")[0].explanation
    assert udacity.startswith(
        "LTM<sub>t</sub> = f<sub>t</sub>·LTM<sub>t−1</sub> + i<sub>t</sub>·N<sub>t</sub> = "
    )


# --------------------------------------------------------------------------------- claims in the lessons


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lsn: lsn.slug)
@pytest.mark.parametrize("vocabulary", VOCABULARIES)
def test_each_lessons_claims_are_printed_in_its_explanations_where_they_hold(lesson, vocabulary):
    """The explanations print the register's sentence (ui/claims/), which holds at the lesson's
    own numbers; lesson 8's flip claim is printed by the page under its toggle instead."""
    assert lesson.claims and set(lesson.claims) <= set(claims.CLAIMS)
    explanations = " ".join(q.explanation for q in lesson.questions(vocabulary))
    for key in set(lesson.claims) - {"lesson8_memory_unit"}:
        claim = claims.CLAIMS[key]
        result = claim.run()
        assert claim.holds(result)
        assert claim.say(result, vocabulary) in explanations


def test_every_lesson_claim_of_the_register_belongs_to_a_lesson():
    named = {key for lesson in LESSONS for key in lesson.claims}
    on_page = {k for k, c in claims.CLAIMS.items() if c.page == "views/7_Lessons.py"}
    assert named == on_page


def _unit_line(fig, key, unit=0):
    return next(
        decode(tr.y)
        for tr in fig.data
        if tr.meta and tr.meta.get("role") == "unit_line" and tr.meta["key"] == key
    )


def test_the_lesson_claims_state_the_numbers_their_revealed_figures_draw():
    """Read back from the figure data (the plotted arrays), not from the scene."""
    fig = LESSONS[0].figure("standard", True)  # lesson 1: c moves by at most the stated amount at step t
    c = _unit_line(fig, "c")
    n = claims.CLAIMS["lesson1_latch"].numbers(claims.CLAIMS["lesson1_latch"].run())
    assert n["moved"] == num(0) or float(
        n["moved"].replace("×10<sup>", "e").rstrip("</sup>").replace(MINUS, "-")
    ) == pytest.approx(abs(c[-1] - c[-2]), rel=0.01)
    assert n["i"] == num(_unit_line(fig, "i")[-1]) and n["f"] == num(_unit_line(fig, "f")[-1])

    fig = LESSONS[5].figure("standard", True)  # lesson 6: the f heatmap's column t
    heat = next(tr for tr in fig.data if tr.meta and tr.meta.get("key") == "f" and tr.type == "heatmap")
    s = scenes.units_and_layers()
    n = claims.CLAIMS["lesson6_own_rates"].numbers(claims.CLAIMS["lesson6_own_rates"].run())
    assert n["values"] == ", ".join(num(v) for v in decode(heat.z)[:, s.t])

    fig = LESSONS[7].figure("standard", True)  # lesson 8: unit j's candidate and forget gate at step t
    n = claims.CLAIMS["lesson8_write_sign"].numbers(claims.CLAIMS["lesson8_write_sign"].run())
    assert n["g"] == num(_unit_line(fig, "g")[-1]) and n["f"] == num(_unit_line(fig, "f")[-1], 3)


@pytest.mark.parametrize("number", [2, 3, 4, 5, 7, 8])
def test_the_lesson_claims_read_the_very_state_the_lesson_draws(number):
    lesson = LESSONS[number - 1]
    state = lesson.build()
    drawn = {5: lambda u: u.udacity, 8: lambda tr: tr.scene}.get(number, lambda s: s)(state)
    for key in set(lesson.claims) - {"lesson8_memory_unit"}:
        result = claims.CLAIMS[key].run()
        assert (result.get("s") or result.get("g")) is drawn


def test_a_gate_explanation_adds_up_to_the_gate():
    s = scenes.forget_half_life()
    explanation = LESSONS[1].questions("standard")[0].explanation
    terms = re.search(r"= σ\(([^)]*)\) = σ\(([^)]*)\) = ([0-9.]+)$", explanation.split(". ")[0])
    parts = [float(p.replace(MINUS, "-").strip("() ")) for p in terms.group(1).split(" + ")]
    assert sum(parts) == pytest.approx(float(terms.group(2)), abs=0.011)
    assert sigmoid(float(terms.group(2))) == pytest.approx(s.value("f"), abs=0.01)


# ------------------------------------------------------------------------------------- hidden until reveal


def _floats(obj, out):
    """Every number in a figure dict (arrays, lists, scalars; strings are skipped)."""
    if isinstance(obj, dict) and "bdata" in obj:  # Plotly 6's typed arrays
        out.extend(decode(obj).ravel().tolist())
    elif isinstance(obj, dict):
        for v in obj.values():
            _floats(v, out)
    elif isinstance(obj, list | tuple):
        for v in obj:
            _floats(v, out)
    elif isinstance(obj, np.ndarray):
        if obj.dtype.kind in "fiu":
            out.extend(obj.ravel().tolist())
        else:
            _floats(obj.tolist(), out)
    elif isinstance(obj, float | int) and not isinstance(obj, bool):
        out.append(float(obj))
    return out


@pytest.mark.parametrize("number", [2, 3, 4, 5, 8])
def test_before_the_reveal_the_figure_holds_no_number_of_the_step_asked_about(number):
    lesson = LESSONS[number - 1]
    numbers = {q.key: q.truth for q in lesson.questions("standard") if q.kind == NUMBER}
    assert numbers
    before = np.array(_floats(lesson.figure("standard", revealed=False).to_dict(), []))
    after = np.array(_floats(lesson.figure("standard", revealed=True).to_dict(), []))
    for key, truth in numbers.items():
        assert not np.any(np.isclose(before, truth, rtol=0, atol=1e-12)), (lesson.slug, key)
        assert np.any(np.isclose(after, truth, rtol=0, atol=1e-12)), (lesson.slug, key)


@pytest.mark.parametrize(
    "lesson", [lsn for lsn in LESSONS if lsn.scene() is not None], ids=lambda lsn: lsn.slug
)
def test_before_the_reveal_the_cell_has_run_only_up_to_the_step_before(lesson):
    s = lesson.scene()
    assert (s.t, s.t + 1) == (s.before.T, s.after.T)
    for key in ("c", "h", "f"):  # the short runs are exactly the first steps of the whole one
        np.testing.assert_array_equal(getattr(s.after.layers[s.layer], key), getattr(s.lt, key)[: s.t + 1])
    assert f"stops at step {s.t - 1}" in lesson.figure_note(False)


def test_the_gradient_lesson_hides_the_far_steps_until_the_reveal():
    g = scenes.vanishing_gradient()
    before = LESSONS[6].figure("standard", revealed=False)
    after = LESSONS[6].figure("standard", revealed=True)
    assert max(max(tr.x) for tr in before.data) == g.shown - 1
    assert max(max(tr.x) for tr in after.data) == g.length - 1
    far = g.norm("RNN", "dh", g.distance)
    assert not np.any(np.isclose(_floats(before.to_dict(), []), far, rtol=0, atol=0))


# ------------------------------------------------------------------------------------- score and worksheet


def test_the_score_counts_right_predictions_over_revealed_ones():
    progress = {}
    assert lesson_progress.session_score(progress, LESSONS) == (0, 0)
    one, two = LESSONS[0], LESSONS[1]
    right_one = {q.key: right_answer(q, expected_answers(1)[q.key]) for q in one.questions("standard")}
    lesson_progress.reveal(progress, one.slug, right_one)
    assert lesson_progress.session_score(progress, LESSONS) == (2, 2)
    q1, q2 = two.questions("standard")
    lesson_progress.reveal(progress, two.slug, {"q1": q1.truth, "q2": wrong_answer(q2, q2.truth)})
    assert lesson_progress.session_score(progress, LESSONS) == (3, 4)
    lesson_progress.forget(progress, one.slug)
    assert lesson_progress.session_score(progress, LESSONS) == (1, 2)


def _worksheet_items(progress, numbers, vocabulary="standard"):
    return [a for n in numbers for a in lesson_progress.answered(progress, LESSONS[n - 1], vocabulary)]


def test_the_worksheet_holds_the_predictions_the_real_values_and_the_explanations():
    lesson = LESSONS[1]
    q1, q2 = lesson.questions("udacity")
    progress = {}
    lesson_progress.reveal(progress, lesson.slug, {"q1": 0.5, "q2": q2.truth})
    items = _worksheet_items(progress, [2], "udacity")
    day = date(2025, 1, 2)
    md, page = to_markdown(items, "udacity", "Ada", today=day), to_html(items, "udacity", "Ada", today=day)
    for text in (md, page):
        assert "Lesson 2: The forget factor and a memory's half-life" in text
        assert "0.50" in text and q1.truth_text in text and q2.truth_text in text
        assert q1.explanation in text and q2.explanation in text
        assert "Ada" in text and "2025-01-02" in text and "1/2 right" in text
    assert "- My prediction: 0.50" in md and "- The cell: 0.92 (right within ±0.05)" in md
    assert md.count("Not quite ✘") == 1 and md.count("Right ✔") == 1
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page
    assert "<dt>My prediction</dt><dd>0.50</dd>" in page


def test_an_unrevealed_lesson_prints_as_a_blank_homework_sheet():
    items = _worksheet_items({}, [4])
    md, page = to_markdown(items, "standard"), to_html(items, "standard")
    q1, q2 = LESSONS[3].questions("standard")
    for text in (md, page):
        assert q1.prompt in text and "(revealed in the app)" in text
        assert q1.explanation not in text and "Right ✔" not in text
    assert "- Score: not revealed yet" in md


def test_the_learners_text_is_escaped_in_both_worksheets():
    name = '<script>alert("x")</script> *me* [link](http://e.vil) O\'Brien & co'
    items = _worksheet_items({}, [1])
    md, page = to_markdown(items, "standard", name), to_html(items, "standard", name)
    assert "<script>" not in md and "<script>" not in page
    assert "&lt;script&gt;" in md and "&lt;script&gt;" in page
    assert md_escape(name) in md and r"\*me\*" in md and r"\[link\]" in md
    assert "O'Brien &amp; co" in page


def test_the_worksheet_of_several_lessons_keeps_lesson_order():
    progress = {}
    for n in (6, 2):
        lesson = LESSONS[n - 1]
        lesson_progress.reveal(progress, lesson.slug, {q.key: q.truth for q in lesson.questions("standard")})
    md = to_markdown(_worksheet_items(progress, [6, 2]), "standard")
    assert md.index("## Lesson 2") < md.index("## Lesson 6")
    assert "- Score: 4/4 right" in md
