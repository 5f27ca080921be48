"""Explanations live in ``assets/text/*.md``; pages read them through here."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from ui import notation

TEXT_DIR = Path(__file__).resolve().parent.parent / "assets" / "text"


@cache
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def load_text(name: str, vocabulary: str | None = None, directory: Path = TEXT_DIR) -> str:
    """``name.<vocabulary>.md`` when the text exists in both vocabularies, else ``name.md``; both looked
    up in ``directory`` (``assets/text`` by default; the lessons keep theirs in ``assets/lessons``)."""
    path = directory / f"{name}.{vocabulary}.md"
    return _read(path if vocabulary and path.exists() else directory / f"{name}.md")


VOCABULARY_ROWS = ("x", "h", "c", "f", "i", "g", "o", "u", "kept", "written")


def _label(key: str, vocabulary: str, variant: str | None) -> str:
    """'kept memory f⊙c_prev': the name, then the symbol, with a symbol the name ends in said only once."""
    words, short = notation.name(key, vocabulary, variant).split(), notation.short(key, vocabulary, variant)
    if len(words) > 1 and words[-1] in short:
        words = words[:-1]
    return " ".join(words + [short])


def vocabulary_table(variant: str | None = None) -> pd.DataFrame:
    """The two vocabularies side by side, one row per quantity, straight from the notation table."""
    return pd.DataFrame(
        [
            {
                "standard": _label(k, "standard", variant),
                "Udacity-style": _label(k, "udacity", variant),
                "what it is": notation.description(k, variant),
            }
            for k in VOCABULARY_ROWS
        ]
    )
