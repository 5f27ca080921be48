"""Read the bad-input corpus (``cases.toml``) and hand each case's input over as the browser would."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from tests.bad_inputs import build

HERE = Path(__file__).resolve().parent
KINDS = ("csv", "weights", "url", "typed")


@dataclass(frozen=True)
class Case:
    """One bad input: what it is (kind), how to get it, and the words its message must hold."""

    id: str
    kind: str
    expect: tuple[str, ...]
    file: str | None = None
    generate: str | None = None
    query: dict[str, str] = field(default_factory=dict)
    text: str | None = None
    name: str | None = None
    layout: str = "detect"
    variant: str = "detect"

    @property
    def filename(self) -> str:
        """The name the browser sends with the upload."""
        return self.name or Path(self.file or f"{self.generate}.bin").name

    def data(self) -> bytes | str:
        """The bytes of an upload, or the text typed (url cases have none)."""
        if self.file is not None:
            return (HERE / self.file).read_bytes()
        if self.generate is not None:
            return build.GENERATED[self.generate]()
        if self.text is not None:
            return self.text
        raise ValueError(f"case {self.id} has no file, generator or text")

    def __str__(self) -> str:
        return self.id


def load_cases() -> list[Case]:
    doc = tomllib.loads((HERE / "cases.toml").read_text(encoding="utf-8"))
    cases = [Case(**{**c, "expect": tuple(c["expect"])}) for c in doc["case"]]
    for c in cases:
        assert c.kind in KINDS, c
        assert c.expect, f"case {c.id} names no words its message must contain"
    return cases


CASES = load_cases()


def of_kind(kind: str) -> list[Case]:
    return [c for c in CASES if c.kind == kind]


def shown(markdown: str) -> str:
    """Markdown source as it reads on the page: backslash escapes (``\\_``) resolved."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)
