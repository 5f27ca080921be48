"""Presenter mode under streamlit.testing: the toggle and ?present=1 keep each other in step, and the
mode brings its style and its Previous / Next links to every page."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.pages import open_page
from ui import presenter

HOME = "app.py"


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def toggle(at: AppTest, on: bool) -> AppTest:
    at.toggle(key=presenter.KEY).set_value(on)
    return rerun(at)


def styled(at: AppTest) -> bool:
    return any("font-size: 21.6px" in h.proto.body for h in at.get("html"))


def nav_links(at: AppTest) -> list[tuple[str, str, str]]:
    """(label, page, query) of the presenter's page links: the ones that carry present=1."""
    links = [link.proto for link in at.get("page_link")]
    return [(p.label, p.page, p.query_string) for p in links if "present=1" in p.query_string]


def test_off_by_default_with_no_parameter_and_no_style():
    at = open_page(HOME)
    assert at.toggle(key=presenter.KEY).value is False
    assert "present" not in at.query_params and not styled(at) and not nav_links(at)


def test_toggling_on_sets_present_1_and_off_removes_it():
    at = open_page(HOME)
    toggle(at, True)
    assert at.query_params.get("present") == "1"
    assert styled(at)
    toggle(at, False)
    assert "present" not in at.query_params
    assert not styled(at) and not nav_links(at)


@pytest.mark.parametrize(("value", "on"), [("1", True), ("true", True), ("0", False), ("x", False)])
def test_the_link_turns_it_on(value, on):
    at = open_page(HOME, present=value)
    assert at.toggle(key=presenter.KEY).value is on
    assert at.query_params.get("present") == ("1" if on else None)
    assert not at.warning  # "present" is a known link parameter: no "ignored parameter" notice


def test_a_link_with_other_view_parameters_keeps_them():
    at = open_page(HOME, present="1", vocabulary="udacity", hidden="6")
    assert at.query_params == {"present": "1", "vocabulary": "udacity", "hidden": "6"}


def test_previous_and_next_follow_the_page_order_and_keep_presenter_mode():
    at = open_page(HOME, present="1")
    assert nav_links(at) == [("Cell anatomy ▶", "Cell_anatomy", "present=1")]  # home has no previous page
    at.switch_page("views/3_Gate_lab.py")
    rerun(at)
    assert at.toggle(key=presenter.KEY).value is True and at.query_params.get("present") == "1"
    assert nav_links(at) == [
        ("◀ Step through time", "Step_through_time", "present=1"),
        ("Compare variants ▶", "Compare_variants", "present=1"),
    ]
    at.switch_page("views/10_Read_text.py")
    rerun(at)
    (last,) = nav_links(at)
    assert last[0].startswith("◀ ") and last[1] != "Read_text"  # the last page has no next page


def test_presenter_mode_survives_a_page_switch_made_without_the_parameter():
    at = toggle(open_page(HOME), True)
    at.query_params.clear()  # Streamlit's own page links drop the query string
    at.switch_page("views/8_Challenges.py")
    rerun(at)
    assert at.query_params.get("present") == "1" and styled(at)


def test_the_exit_button_turns_it_off():
    at = open_page(HOME, present="1")
    at.button(key="present_exit").click()
    rerun(at)
    assert at.toggle(key=presenter.KEY).value is False
    assert "present" not in at.query_params and not styled(at)


@pytest.mark.parametrize(
    ("count", "current", "expected"),
    [(10, 0, (None, 1)), (10, 4, (3, 5)), (10, 9, (8, None)), (1, 0, (None, None))],
)
def test_neighbours(count, current, expected):
    assert presenter.neighbours(count, current) == expected
    assert presenter.neighbours(count, -1) == (None, None)
