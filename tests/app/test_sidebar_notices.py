"""Notices the shared sidebar gives about a link's view."""

from tests.app.pages import open_page


def test_a_link_step_past_the_end_of_the_sequence_says_which_step_is_shown():
    at = open_page("views/2_Step_through_time.py", t=15, length=8)
    (notice,) = [i.value for i in at.info if "past the end" in i.value]
    assert notice == "Step 15 is past the end of this 8-step sequence; showing its last step, 7."
    assert at.query_params["t"] == "7"


def test_a_step_inside_the_sequence_gives_no_notice():
    at = open_page("views/2_Step_through_time.py", t=7, length=8)
    assert not [i.value for i in at.info if "past the end" in i.value]
