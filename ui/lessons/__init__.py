"""Lessons: one idea at a time, each with a prepared cell, predict-then-reveal questions and a worksheet.

``LESSONS`` (``catalogue``) lists them; ``find`` reads a ``?lesson=`` link value. The logic modules here
use no Streamlit, so tests can run them directly; ``views/7_Lessons.py`` draws them.
"""

from __future__ import annotations

from ui.lessons.catalogue import LESSONS, Lesson, Link

__all__ = ["LESSONS", "Lesson", "Link", "find"]

BAD_LINK = "The link's “lesson” was not a lesson number from 1 to {n} or a lesson's name; showing lesson 1."


def find(value: str | None) -> tuple[Lesson, str | None]:
    """The lesson a link asks for — its number ("3") or its slug ("forget_half_life", "forget-half-life")
    — and None; or lesson 1 and a notice that never repeats the value (it could be script text)."""
    if value is None or str(value).strip() == "":
        return LESSONS[0], None
    text = str(value).strip().lower().replace("-", "_")
    for lesson in LESSONS:
        # ASCII digits only, and short: "²".isdigit() is True but int("²") fails, and int() refuses
        # more than 4,300 digits.
        if text == lesson.slug or (
            text.isascii() and text.isdigit() and len(text) <= 4 and int(text) == lesson.number
        ):
            return lesson, None
    return LESSONS[0], BAD_LINK.format(n=len(LESSONS))
