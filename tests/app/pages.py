"""Open a page of the app under streamlit.testing, as a visitor following a link would."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


def open_page(page: str, timeout: float = 30, **query) -> AppTest:
    """Run ``page`` (from the project root) with ``query`` as the link's parameters; fail on an exception."""
    at = AppTest.from_file(str(ROOT / page), default_timeout=timeout)
    for name, value in query.items():
        at.query_params[name] = str(value)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at
