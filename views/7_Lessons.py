"""Lessons: one idea at a time — a short text, a live figure at a prepared step, predict, then reveal.

``?lesson=<number or name>`` opens a lesson (a teacher can project any of them from a link); the
lessons, their cells, questions and worksheets live in ``ui/lessons`` (no Streamlit there). Before the
reveal the figure stops one step short of the step asked about, so the answer is nowhere on the page.
"""

from dataclasses import replace
from pathlib import Path

import streamlit as st

from lstm_core import scenes
from ui import claims, controls, presenter, screen
from ui.lessons import LESSONS, catalogue, find
from ui.lessons import progress as lesson_progress
from ui.lessons.questions import CHOICE, feedback, score_text
from ui.lessons.worksheet import file_stem, to_html, to_markdown
from ui.presenter import presented

st.set_page_config(page_title="Lessons · LSTM Gate Lab", page_icon="🎓", layout="wide")

CURRENT = "lsn_current"  # session_state: the number of the lesson on screen
PROGRESS = "lsn_progress"  # session_state: ui.lessons.progress dict (revealed lessons and their answers)
GO = "lsn_go"  # session_state: (page, unit) a link button asked to open, switched to on the next run
PICK = "lsn_pick"  # the lesson selector's widget key


def _answer_key(slug: str, question_key: str) -> str:
    return f"lsn_{slug}_{question_key}"


def _go_to(number: int) -> None:
    """Previous / Next / the selector: show lesson ``number`` and put it in the address bar."""
    st.session_state[CURRENT] = int(number)
    st.query_params["lesson"] = str(int(number))


def _picked() -> None:
    _go_to(st.session_state[PICK])


def _reveal(slug: str, keys: tuple[str, ...]) -> None:
    """Read the answers from their widgets (the click and the last edit arrive together) and reveal."""
    given = {key: st.session_state.get(_answer_key(slug, key)) for key in keys}
    lesson_progress.reveal(st.session_state[PROGRESS], slug, given)


def _answer_again(slug: str, keys: tuple[str, ...]) -> None:
    lesson_progress.forget(st.session_state[PROGRESS], slug)
    for key in keys:
        st.session_state.pop(_answer_key(slug, key), None)


def _open(number: int, page: str) -> None:
    """Hand the lesson's cell, sequence and step to every page (as the Train page does), then go."""
    scene = LESSONS[number - 1].scene()
    controls.use_trained(scene.net, scene.x, scene.label)
    st.session_state["w_layer"] = scene.layer
    controls.set_view(replace(controls.current_view(), t=scene.t, layer=scene.layer))
    for key in ("step_t", "anatomy_t", "step_unit", "anatomy_unit"):  # let the page start at the view's t
        st.session_state.pop(key, None)
    st.session_state[GO] = (page, scene.unit)


if go := st.session_state.pop(GO, None):
    page, unit = go
    st.switch_page(page, query_params={"unit": str(unit)} if unit else None)

st.session_state.setdefault(PROGRESS, {})
link = st.query_params.get("lesson")
if link is not None:
    lesson, notice = find(link)
else:  # arrived from the menu: the lesson this session showed last
    lesson, notice = LESSONS[st.session_state.get(CURRENT, 1) - 1], None
st.session_state[CURRENT] = lesson.number
if st.query_params.get("lesson") != str(lesson.number):
    st.query_params["lesson"] = str(lesson.number)  # the address bar always opens this lesson

settings = controls.sidebar(page="lessons")
vocabulary = settings.vocabulary
progress = st.session_state[PROGRESS]
if notice:
    st.warning(notice)

# --- navigation ---------------------------------------------------------------------------------------
with st.container(key="lesson_nav"):
    prev_col, pick_col, next_col, score_col = st.columns([1.6, 3.6, 1.6, 1], vertical_alignment="bottom")
    prev_col.button(
        "◀ Previous lesson",
        key="lsn_prev",
        type="primary",
        width="stretch",
        disabled=lesson.number == 1,
        on_click=_go_to,
        args=(lesson.number - 1,),
    )
    st.session_state[PICK] = lesson.number
    pick_col.selectbox(
        "Lesson",
        [lsn.number for lsn in LESSONS],
        format_func=lambda n: f"{n}. {LESSONS[n - 1].title(vocabulary)}",
        key=PICK,
        on_change=_picked,
    )
    next_col.button(
        "Next lesson ▶",
        key="lsn_next",
        type="primary",
        width="stretch",
        disabled=lesson.number == len(LESSONS),
        on_click=_go_to,
        args=(lesson.number + 1,),
    )
    right, answered = lesson_progress.session_score(progress, LESSONS)
    score_col.markdown(f"**{score_text(right, answered)}**", help="Right predictions / revealed predictions")

st.title(f"Lesson {lesson.number}: {lesson.title(vocabulary)}")
st.caption(
    "Read, look, predict the next step, then reveal it. Of the sidebar only the vocabulary applies here: "
    "each lesson brings its own cell."
)

# --- text and question side by side, the figure below them ----------------------------------------------
revealed = lesson_progress.is_revealed(progress, lesson.slug)
questions = lesson.questions(vocabulary)
keys = tuple(q.key for q in questions)
text_col, question_col = st.columns([1, 1.15], gap="large")
with text_col, st.container(key="lesson_text"):
    st.markdown(lesson.text(vocabulary))

with question_col, st.container(key="lesson_question"):
    st.subheader("Predict, then reveal")
    given = lesson_progress.answers(progress, lesson.slug)
    for number, q in enumerate(questions, start=1):
        key = _answer_key(lesson.slug, q.key)
        if revealed:
            st.session_state[key] = given.get(q.key)  # show what was answered, locked
        st.markdown(f"**{number}.** {q.prompt}", unsafe_allow_html=True)
        if q.kind == CHOICE:
            labels = dict(q.options)
            st.radio(q.label, list(labels), format_func=labels.get, index=None, key=key, disabled=revealed)
        else:
            whole = q.digits == 0  # a count: whole numbers only, so what is shown is what is graded
            st.number_input(
                q.label,
                min_value=0 if whole else None,
                value=None,
                step=1 if whole else 10.0**-q.digits,
                format="%d" if whole else f"%.{q.digits}f",
                placeholder="type a whole number" if whole else "type a number",
                key=key,
                disabled=revealed,
                help=f"A number: {q.rule}." if q.rule else "A whole number.",
            )
        if revealed:
            fb = feedback(q, given.get(q.key))
            (st.success if fb.right else st.warning)(fb.headline)  # a wrong guess is no error
            st.markdown(fb.explanation, unsafe_allow_html=True)
    if revealed:
        st.button("Answer again", key="lsn_again", on_click=_answer_again, args=(lesson.slug, keys))
    else:
        missing = [q for q in questions if st.session_state.get(_answer_key(lesson.slug, q.key)) is None]
        st.button(
            "Reveal the answer",
            key="lsn_reveal",
            type="primary",
            disabled=bool(missing),
            on_click=_reveal,
            args=(lesson.slug, keys),
        )
        if missing:
            st.caption("Answer every question, then reveal.")

with st.container(key="lesson_figure"):
    st.plotly_chart(
        presented(lesson.figure(vocabulary, revealed, screen.arrangement())),
        key=f"lsn_figure_{lesson.slug}_{revealed}",
        theme=None,
        config={"displaylogo": False},
    )
    st.caption(lesson.figure_note(revealed))
    if lesson.slug == "trained_first_bit" and st.toggle(
        "Flip the first bit and run again", key="lsn_flip", help="The same sequence, first bit flipped."
    ):
        st.plotly_chart(
            presented(catalogue.flip_figure(scenes.trained_first_bit(), vocabulary)),
            key="lsn_flip_figure",
            theme=None,
            config={"displaylogo": False},
        )
        claim = claims.CLAIMS["lesson8_memory_unit"]
        shown = claim.run()  # the lesson's own sequence and cell: the numbers of the figure above
        st.markdown(f"**{claim.say(shown)}**" if claim.holds(shown) else claim.report(shown))

# --- into the full pages, and the worksheet -------------------------------------------------------------
links_col, sheet_col = st.columns([1, 1.15], gap="large")
with links_col, st.container(key="lesson_links"):
    st.subheader("Go further")
    for n, link_ in enumerate(lesson.links):
        if link_.opens_cell:
            st.button(
                f"Open this lesson's cell in {link_.label} →",
                key=f"lsn_open_{n}",
                on_click=_open,
                args=(lesson.number, link_.page),
                help="The page shows every step of the lesson's cell (so the answer too), starting at "
                "step t. The sidebar's “Back to random weights” returns to your own cell.",
            )
        elif any(Path(path).as_posix().endswith(link_.page) for path, _ in presenter.pages()[0]):
            st.page_link(link_.page, label=f"**{link_.label} →** (with its own controls)")
        else:  # the page runs on its own (a test, a bare `streamlit run`): no navigation to link into
            st.markdown(f"**{link_.label}**, in the app's sidebar (with its own controls)")

with sheet_col, st.container(key="lesson_worksheet"):
    st.subheader("Worksheet")
    name = st.text_input("Your name, for the worksheet (optional)", max_chars=80, key="lsn_name")
    everything = st.toggle(
        "Every lesson I have revealed, not only this one",
        key="lsn_all",
        help="Unrevealed lessons print their questions with blank answer lines: a homework sheet.",
    )
    chosen = [lsn for lsn in LESSONS if lesson_progress.is_revealed(progress, lsn.slug)] if everything else []
    chosen = chosen or [lesson]
    items = [a for lsn in chosen for a in lesson_progress.answered(progress, lsn, vocabulary)]
    stem = file_stem(items)
    md_col, html_col = st.columns(2)
    md_col.download_button(
        "Markdown (.md)",
        data=to_markdown(items, vocabulary, name),
        file_name=f"{stem}.md",
        mime="text/markdown",
        key="lsn_download_md",
        icon=":material/download:",
        help="The questions, your predictions, the real values and why, as a Markdown file.",
        on_click="ignore",
    )
    html_col.download_button(
        "HTML (.html)",
        data=to_html(items, vocabulary, name),
        file_name=f"{stem}.html",
        mime="text/html",
        key="lsn_download_html",
        icon=":material/download:",
        help="The same worksheet as a web page you can open, print or hand in.",
        on_click="ignore",
    )
