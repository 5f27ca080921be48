"""Fuzzing every link parameter of every page (issue 16): arbitrary unicode in each parameter a page
reads (the view's, ``unit``, ``lesson``, ``present``) and some it does not, and the page must draw without
an exception, with each bad value back at its default. AppTest runs the real page; the budget is small,
fixed and derandomized (a page run costs about a second), so CI runs the same links every time.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from tests.app.pages import ROOT
from ui import state

PAGES = ("app.py", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "views").glob("*.py")))
PARAMETERS = (*state.RULES, *state.FOREIGN_OK)
values = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["²", "①", "٣", "３", "1_0", "9" * 5000, "-1", " 2 ", "\u202e1", "<b>x</b>", ""]),
)
PAGE_FUZZ = settings(
    max_examples=8,
    derandomize=True,
    database=None,
    deadline=timedelta(seconds=120),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.mark.parametrize("page", PAGES)
@PAGE_FUZZ
@given(query=st.fixed_dictionaries({name: values for name in PARAMETERS}), extra=st.text(max_size=8))
def test_any_link_draws_the_page(page: str, query: dict[str, str], extra: str):
    at = AppTest.from_file(str(ROOT / page), default_timeout=120)
    for name, value in (query | ({extra: "1"} if extra else {})).items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    view = at.session_state.get("view")
    if view is not None:  # every page that draws the sidebar keeps its view inside the limits
        assert view == view.clamped() and 0 <= view.layer < view.layers <= state.MAX_LAYERS
        expected, _ = state.from_query(query)
        assert (view.hidden, view.seed, view.preset, view.variant) == (
            expected.hidden, expected.seed, expected.preset, expected.variant,
        )  # fmt: skip
