"""The Lessons page in headless Chromium: every lesson's link opens its prepared state, a prediction is
revealed with the real numbers, and the worksheet downloads with the answers in it."""

from __future__ import annotations

from pathlib import Path

from lstm_core import scenes
from tests.browser.helpers import settle
from tests.browser.test_pages import (
    SETTLE_TIMEOUT,
    assert_healthy,
    main_text,
    open_page,
    query,
    url,
    wait_for_drawn_plots,
)
from tests.ui.test_lessons import expected_answers
from ui.lessons import LESSONS
from ui.lessons.questions import num

FIGURE = ".st-key-lesson_figure .js-plotly-plot"
QUESTION = ".st-key-lesson_question"

# What the lesson's figure holds: its traces, the marks it drew, the largest numeric x of its data, its text.
FIGURE_JS = """([sel]) => { const gd = document.querySelector(sel);
    if (!gd || !gd.data) return null;
    const xs = (gd._fullData || []).flatMap(t => Array.from(t.x || []).filter(v => typeof v === 'number'));
    const marks = gd.querySelectorAll('.main-svg g.trace path, .main-svg g.trace rect, .main-svg g.hm image, '
                                      + '.main-svg g.trace image, .main-svg .layer-below image').length;
    return { traces: gd.data.length, marks: marks, max_x: xs.length ? Math.max(...xs) : null,
             text: [...gd.querySelectorAll('.main-svg text')].map(t => t.textContent).join(' | ') }; }"""


def figure(page) -> dict:
    return page.evaluate(FIGURE_JS, [FIGURE])


def shows_the_prepared_state(lesson, drawn: dict) -> bool:
    """The figure stops one step before the step asked about (lesson 7: the steps nearest the loss)."""
    if lesson.number == 7:
        return drawn["max_x"] == lesson.build().shown - 1 and "steps nearest the loss" in drawn["text"]
    if lesson.number == 9:  # the held-out snippet, one text mark per character, coloured by the target
        snippet = (scenes.MODELS / "python_chars_snippet.txt").read_text(encoding="utf-8")
        shown = "".join(drawn["text"].split(" | ")[:12])
        return shown == snippet[:12] and "inside strings" in drawn["text"]
    s = lesson.scene()
    if lesson.number == 3:  # the cell diagram of one step
        return f"step t = {s.t - 1} of {s.t}" in drawn["text"]
    if lesson.number in (2, 5):  # lines over time
        return drawn["max_x"] == s.t - 1
    return f"{s.t} steps × {s.net.hidden_size} units" in drawn["text"]  # Step through time's figure


def test_each_lessons_link_opens_its_state(app_url, page):
    for lesson in LESSONS:
        link = lesson.slug if lesson.number % 2 else str(lesson.number)  # both forms of the link
        open_page(page, url(app_url, "Lessons", f"lesson={link}"))
        assert_healthy(page)
        title = f"Lesson {lesson.number}: {lesson.title('standard')}"
        assert page.locator("h1").first.inner_text().strip() == title
        assert query(page)["lesson"] == str(lesson.number)
        drawn = figure(page)
        assert drawn and drawn["traces"] > 0 and drawn["marks"] > 0, (lesson.slug, drawn)
        assert shows_the_prepared_state(lesson, drawn), (lesson.slug, drawn["max_x"], drawn["text"][:300])
        text = main_text(page)
        assert lesson.figure_note(revealed=False) in text
        assert "Reveal the answer" in text and "Right" not in text and "Not quite" not in text


def _answer(page, lesson, answers: dict) -> None:
    """Pick or type every answer (in the order of the lesson's questions)."""
    box = page.locator(QUESTION)
    numbers = box.locator('[data-testid="stNumberInput"] input')
    radios = box.locator('[data-testid="stRadio"]')
    n_radio = n_number = 0
    for q in lesson.questions("standard"):
        if q.kind == "choice":
            label = dict(q.options)[answers[q.key]]
            radios.nth(n_radio).get_by_text(label, exact=True).click()
            n_radio += 1
        else:
            field = numbers.nth(n_number)
            field.fill(f"{answers[q.key]:.2f}")
            field.press("Enter")
            n_number += 1
        page.wait_for_timeout(300)
    settle(page, timeout=SETTLE_TIMEOUT)


def test_predict_then_reveal_then_download_the_worksheet(app_url, page, tmp_path):
    lesson = LESSONS[2]  # writing new information: a number and an up/down/stay question
    truth = expected_answers(lesson.number)
    q1, q2 = lesson.questions("standard")
    open_page(page, url(app_url, "Lessons", f"lesson={lesson.slug}"))
    before = figure(page)
    page.get_by_label("Your name, for the worksheet (optional)").fill("<b>Ada</b>")
    page.get_by_label("Your name, for the worksheet (optional)").press("Enter")
    _answer(page, lesson, {"q1": 0.30, "q2": truth["q2"]})  # q1 wrong (i is about 1), q2 right
    page.get_by_role("button", name="Reveal the answer").click()
    settle(page, timeout=SETTLE_TIMEOUT)
    wait_for_drawn_plots(page)
    assert_healthy(page)
    text = main_text(page)
    assert f"Not quite: you said 0.30; the cell gave {q1.truth_text}." in text
    assert f"Right: “{q2.truth_text}”." in text
    assert f"= {num(truth['q1'])}" in text and "score 1/2" in text
    after = figure(page)
    assert f"step t = {lesson.scene().t} of" in after["text"] and after != before  # the revealed step

    with page.expect_download(timeout=30_000) as download:
        page.get_by_role("button", name="Markdown (.md)").click()
    assert download.value.suggested_filename == f"lstm_lesson_{lesson.text_name}.md"
    md = Path(download.value.path()).read_text(encoding="utf-8")
    assert "- My prediction: 0.30" in md and f"- The cell: {q1.truth_text}" in md
    assert f"- My prediction: {q2.truth_text}" in md and md.count("Right ✔") == 1
    assert "&lt;b&gt;Ada&lt;/b&gt;" in md and "<b>Ada</b>" not in md

    with page.expect_download(timeout=30_000) as download:
        page.get_by_role("button", name="HTML (.html)").click()
    html = Path(download.value.path()).read_text(encoding="utf-8")
    assert "<dt>My prediction</dt><dd>0.30</dd>" in html and "&lt;b&gt;Ada&lt;/b&gt;" in html
