"""The worksheet: a lesson's questions, the learner's predictions, the real values and the explanations,
as Markdown and as a self-contained HTML page, for homework or notes.

Questions and explanations are the app's own text (HTML subscripts from the notation table, which
Markdown viewers show too); everything the learner typed — the name, the answers — is HTML-escaped (and,
in Markdown, its Markdown punctuation escaped too), so a worksheet can never carry the learner's markup.
A lesson not yet revealed prints its questions with blank answer lines and no real values: a homework
sheet. No Streamlit here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from datetime import date

from ui.lessons.progress import Answered
from ui.lessons.questions import score
from ui.notation import VOCABULARY_TITLES

TITLE = "LSTM Gate Lab — worksheet"
BLANK = "______________"
# Markdown punctuation that can format text anywhere in a line (the learner's text never starts a line).
_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|~])")


def md_escape(text: str) -> str:
    """Learner text for Markdown: Markdown's inline punctuation backslash-escaped, then &, < and >
    HTML-escaped (in this order, so no escape lands inside an HTML entity)."""
    return html.escape(_MD_SPECIAL.sub(r"\\\1", str(text)), quote=False)


def _groups(items: Sequence[Answered]) -> list[list[Answered]]:
    """The answered questions grouped by lesson, in lesson order."""
    groups: dict[int, list[Answered]] = {}
    for a in items:
        groups.setdefault(a.lesson.number, []).append(a)
    return [groups[n] for n in sorted(groups)]


def _score_line(items: Sequence[Answered]) -> str:
    """The score of the revealed questions ("3/5 right"), or "not revealed yet"."""
    right, total = score(a.right for a in items if a.revealed)
    return f"{right}/{total} right" if total else "not revealed yet"


def to_markdown(items: Sequence[Answered], vocabulary: str, name: str = "", today: date | None = None) -> str:
    """The worksheet as Markdown. items: the questions to print, grouped by lesson in the output."""
    lines = [
        f"# {TITLE}",
        "",
        f"- Name: {md_escape(name) if name.strip() else BLANK}",
        f"- Date: {(today or date.today()).isoformat()}",
        f"- Vocabulary: {VOCABULARY_TITLES[vocabulary]}",
        f"- Score: {_score_line(items)}",
    ]
    for group in _groups(items):
        lesson = group[0].lesson
        lines += ["", f"## Lesson {lesson.number}: {lesson.title(vocabulary)}"]
        for a in group:
            q = a.question
            lines += ["", f"### Question {a.number}", "", q.prompt, ""]
            if q.kind == "choice":
                lines.append("Choices: " + "; ".join(label for _, label in q.options) + ".")
                lines.append("")
            if not a.revealed:
                lines += [f"- My prediction: {BLANK}", "- The cell: (revealed in the app)"]
                continue
            rule = f" ({q.rule})" if q.rule else ""
            lines += [
                f"- My prediction: {md_escape(q.answer_text(a.answer))}",
                f"- The cell: {q.truth_text}{rule}",
                f"- {'Right ✔' if a.right else 'Not quite ✘'}",
                f"- Why: {q.explanation}",
            ]
    return "\n".join(lines) + "\n"


_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 46rem; margin: 2rem auto;
       padding: 0 1rem; line-height: 1.5; color: #222; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }
h3 { font-size: 1.05rem; margin-bottom: 0.2rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; }
dt { font-weight: 600; } dd { margin: 0; }
.right { color: #006e4f; font-weight: 600; } .wrong { color: #b34700; font-weight: 600; }
.blank { border-bottom: 1px solid #444; display: inline-block; min-width: 10rem; }
"""


def to_html(items: Sequence[Answered], vocabulary: str, name: str = "", today: date | None = None) -> str:
    """The worksheet as one self-contained HTML page (inline CSS, no scripts, nothing fetched)."""

    def esc(text) -> str:  # text between tags: &, < and > are what matter
        return html.escape(str(text), quote=False)

    who = esc(name) if name.strip() else '<span class="blank"></span>'
    body = [
        f"<h1>{esc(TITLE)}</h1>",
        "<dl>",
        f"<dt>Name</dt><dd>{who}</dd>",
        f"<dt>Date</dt><dd>{(today or date.today()).isoformat()}</dd>",
        f"<dt>Vocabulary</dt><dd>{esc(VOCABULARY_TITLES[vocabulary])}</dd>",
        f"<dt>Score</dt><dd>{esc(_score_line(items))}</dd>",
        "</dl>",
    ]
    for group in _groups(items):
        lesson = group[0].lesson
        body.append(f"<h2>Lesson {lesson.number}: {esc(lesson.title(vocabulary))}</h2>")
        for a in group:
            q = a.question
            body += [f"<h3>Question {a.number}</h3>", f"<p>{q.prompt}</p>"]
            if q.kind == "choice":
                body.append("<p>Choices: " + "; ".join(esc(label) for _, label in q.options) + ".</p>")
            body.append("<dl>")
            if not a.revealed:
                body += [
                    '<dt>My prediction</dt><dd><span class="blank"></span></dd>',
                    "<dt>The cell</dt><dd>(revealed in the app)</dd>",
                ]
            else:
                rule = f" ({esc(q.rule)})" if q.rule else ""
                verdict = (
                    '<span class="right">Right ✔</span>'
                    if a.right
                    else '<span class="wrong">Not quite ✘</span>'
                )
                body += [
                    f"<dt>My prediction</dt><dd>{esc(q.answer_text(a.answer))}</dd>",
                    f"<dt>The cell</dt><dd>{esc(q.truth_text)}{rule}</dd>",
                    f"<dt>Result</dt><dd>{verdict}</dd>",
                    f"<dt>Why</dt><dd>{q.explanation}</dd>",
                ]
            body.append("</dl>")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{esc(TITLE)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def file_stem(items: Sequence[Answered]) -> str:
    """lstm_lesson_02_forget_half_life, or lstm_lessons_1-3-8 for several lessons."""
    numbers = sorted({a.lesson.number for a in items})
    if len(numbers) == 1:
        return f"lstm_lesson_{items[0].lesson.text_name}"
    return "lstm_lessons_" + "-".join(str(n) for n in numbers)
