"""What the learner predicted, lesson by lesson, and the score: a plain dict the page keeps in the session.

``progress`` maps a lesson's slug to ``{"answers": {question key: answer}}`` once the learner has revealed
it; a lesson not in it has not been revealed. Answers are option keys or numbers, never free text. The
true answers are not stored: they are recomputed from the core whenever they are needed, in whatever
vocabulary the learner has switched to. No Streamlit here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ui.lessons.catalogue import Lesson
from ui.lessons.questions import Question, score


@dataclass(frozen=True)
class Answered:
    """One question of one lesson with the learner's answer; ``answer`` None and ``revealed`` False when
    the lesson has not been revealed yet."""

    lesson: Lesson
    number: int  # 1-based position of the question in its lesson
    question: Question
    answer: object | None
    revealed: bool

    @property
    def right(self) -> bool:
        return self.revealed and self.question.is_right(self.answer)


def reveal(progress: dict, slug: str, answers: Mapping[str, object]) -> None:
    """Record the learner's answers to lesson ``slug``: from now on it is revealed and scored."""
    progress[slug] = {"answers": dict(answers)}


def forget(progress: dict, slug: str) -> None:
    """Take lesson ``slug`` back to unanswered (and out of the score)."""
    progress.pop(slug, None)


def is_revealed(progress: Mapping, slug: str) -> bool:
    return slug in progress


def answers(progress: Mapping, slug: str) -> dict:
    return dict(progress.get(slug, {}).get("answers", {}))


def answered(progress: Mapping, lesson: Lesson, vocabulary: str) -> list[Answered]:
    """Every question of ``lesson`` in ``vocabulary``, with the learner's answer once revealed."""
    revealed, given = is_revealed(progress, lesson.slug), answers(progress, lesson.slug)
    return [
        Answered(lesson, k, q, given.get(q.key) if revealed else None, revealed)
        for k, q in enumerate(lesson.questions(vocabulary), start=1)
    ]


def session_score(progress: Mapping, lessons: Iterable[Lesson]) -> tuple[int, int]:
    """(right, answered) over every revealed lesson. Truths do not depend on the vocabulary."""
    return score(
        a.right for lesson in lessons if is_revealed(progress, lesson.slug)
        for a in answered(progress, lesson, "standard")
    )  # fmt: skip
