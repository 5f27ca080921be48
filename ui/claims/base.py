"""The :class:`Claim` record and the number formats every claim's sentence uses."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from .. import notation


@dataclass(frozen=True)
class Claim:
    """One page sentence about numbers.

    key: its name; page: where it is shown; text: the sentence, a ``str.format`` template over
    ``numbers(result)``; plain: the same numbers stated without the promise (shown when it does not hold);
    compute(**inputs): the page's core call; numbers(result) → dict; check(numbers) → bool;
    defaults: the page's default inputs; counter: inputs that change what the claim is about, under which
    it must fail. Templates may name quantities: {sym_f} is f<sub>t</sub> (or its Udacity symbol), {name_f}
    "forget gate", in the vocabulary ``say`` is given.
    """

    key: str
    page: str
    text: str
    plain: str
    compute: Callable[..., object]
    numbers: Callable[[object], dict]
    check: Callable[[dict], bool]
    defaults: Mapping = field(default_factory=dict)
    counter: Mapping = field(default_factory=dict)
    variant: str | None = None  # whose symbols {sym_u}, {name_o}, … name (the Udacity cell's in lesson 5)

    def run(self, **changes) -> dict:
        """{"inputs", result fields…} at the defaults with ``changes`` applied."""
        inputs = {**self.defaults, **changes}
        return {"inputs": inputs, **self.compute(**inputs)}

    def holds(self, result) -> bool:
        return bool(self.check(self.numbers(result)))

    def say(self, result, vocabulary: str = "standard") -> str:
        return self.text.format(**_words(vocabulary, self.variant), **self.numbers(result))

    def report(self, result, vocabulary: str = "standard") -> str:
        return self.plain.format(**_words(vocabulary, self.variant), **self.numbers(result))

    def result(self, **computed) -> dict:
        """A result for numbers a page has already computed (the fields ``compute`` returns), so the page
        states the claim about exactly what it draws, whatever its inputs were (loaded weights too)."""
        return {"inputs": {}, **computed}

    def shown(self, result, vocabulary: str = "standard") -> str:
        """What a page prints: the sentence where it holds, else the plain numbers."""
        return self.say(result, vocabulary) if self.holds(result) else self.report(result, vocabulary)


def _words(vocabulary: str, variant: str | None) -> dict[str, str]:
    """{sym_f}, {tex_f}, {name_f}, …: each quantity's HTML symbol (f<sub>t</sub>), inline LaTeX ($f_t$) and
    words in ``vocabulary``, for the templates of sentences that name quantities."""
    words = {}
    for key in notation.QUANTITIES:
        words[f"sym_{key}"] = notation.html(key, vocabulary, variant)
        words[f"tex_{key}"] = f"${notation.latex(key, vocabulary, variant)}$"
        words[f"name_{key}"] = notation.name(key, vocabulary, variant)
    return words


MINUS = "\u2212"  # a typographic minus: "−0.55" reads better than "-0.55" beside "·"


def num(value: float, digits: int = 2) -> str:
    """0.93, −0.55, 1.00: a number as the explanations print it (fixed decimals, a real minus sign)."""
    text = f"{float(value):.{digits}f}"
    if float(text) == 0.0:
        text = text.lstrip("-")  # −0.00 would look like a sign that is not there
    return text.replace("-", MINUS)


def _sci(value: float) -> str:
    """1.96e-03 → '1.96 × 10⁻³'-style text kept ASCII-safe: '0.0020' or '4.0e-08'."""
    return "inf" if not np.isfinite(value) else (f"{value:.2g}" if value >= 1e-3 else f"{value:.1e}")


def sci(value: float) -> str:
    """A number of any size to 3 significant digits: 0.485, 1.66×10⁻⁸."""
    value = float(value)
    if value == 0.0 or 1e-3 <= abs(value) < 1e4:
        return f"{value:.3g}".replace("-", MINUS)
    exponent = math.floor(math.log10(abs(value)))
    mantissa = value / 10**exponent
    return f"{mantissa:.3g}×10<sup>{str(exponent).replace('-', MINUS)}</sup>".replace("-", MINUS)
