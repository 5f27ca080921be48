"""The Train page's own-text section under AppTest: refusals, and a trained model the page reports
truthfully and hands to Read text."""

from __future__ import annotations

import re

from lstm_core.text import CharModel
from tests.app.pages import open_page

PAGE = "views/5_Train.py"
TEXT = ("def add(a, b):\n    return a + b  # 'sum'\n\n" * 60)[:2400]


def _train(text: str, steps: int = 12):
    at = open_page(PAGE, timeout=120)
    at.text_area(key="own_text").set_value(text)
    at.slider(key="own_units").set_value(8)
    at.number_input(key="own_steps").set_value(steps)
    at.button(key="own_go").click().run(timeout=300)
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_too_short_too_long_and_binary_text_are_refused_with_the_limits():
    for text, words in (("x" * 1999, "1,999 characters"), ("a\x00b" * 1000, "control characters")):
        at = _train(text)
        assert any(words in e.value for e in at.error), [e.value for e in at.error]
        assert "own_text_run" not in at.session_state


def test_training_on_my_text_reports_held_out_bits_that_the_model_really_gets():
    at = _train(TEXT)
    run = at.session_state["own_text_run"]
    assert len(run["bits"]) == 12
    label, model = at.session_state["char_model"]
    held = "".join(run["alphabet"][k] for k in run["held_out"])
    sentence = next(m.value for m in at.markdown if m.value.startswith("Training finished"))
    reported = float(re.search(r"\*\*([0-9.]+) bits per character", sentence).group(1))
    assert reported == round(model.bits_per_char(held), 2)
    back = CharModel.from_bytes(model.to_bytes())  # what the download holds opens again
    assert back.alphabet == model.alphabet and label == "your text"
