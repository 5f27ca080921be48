"""The view state's round trip through the URL, and its validation of every parameter."""

import pytest

from ui import state
from ui.state import ViewState, from_query, to_query


def test_default_view_makes_an_empty_query():
    assert to_query(ViewState()) == {}


def test_round_trip_through_the_query():
    view = ViewState(
        variant="udacity",
        vocabulary="udacity",
        hidden=8,
        layers=3,
        layer=2,
        seed=7,
        preset="pulse",
        length=50,
        t=12,
    )
    query = to_query(view)
    assert query["hidden"] == "8" and query["variant"] == "udacity"
    assert from_query(query) == (view, [])


@pytest.mark.parametrize(
    ("name", "bad"),
    [
        ("hidden", "0"),
        ("hidden", "33"),
        ("hidden", "-1"),
        ("hidden", "9" * 40),
        ("hidden", "4.5"),
        ("layers", "4"),
        ("seed", "-3"),
        ("seed", "abc"),
        ("t", "2000"),
        ("length", "-5"),
        ("variant", "<script>alert(1)</script>"),
        ("vocabulary", "klingon"),
        ("preset", "../../etc/passwd"),
    ],
)
def test_a_bad_parameter_falls_back_with_a_notice_that_does_not_echo_it(name, bad):
    view, notices = from_query({name: bad})
    assert getattr(view, name) == getattr(ViewState(), name)
    assert len(notices) == 1
    assert f"“{name}”" in notices[0] and "using" in notices[0]
    assert bad not in notices[0]


def test_unknown_parameters_are_counted_not_echoed():
    view, notices = from_query({"<b>x</b>": "1", "zz": "2", "hidden": "6"})
    assert view.hidden == 6
    assert notices == ["Ignored 2 link parameter(s) this app does not know."]


def test_layer_must_be_below_layers():
    view, notices = from_query({"layers": "2", "layer": "2"})
    assert (view.layers, view.layer) == (2, 0)
    assert "layer" in notices[0]


@pytest.mark.parametrize("variant", ["gru", "rnn"])
def test_gru_and_rnn_are_link_values(variant):
    state, notices = from_query({"variant": variant, "t": "3"})
    assert (state.variant, state.t, notices) == (variant, 3, [])
    assert to_query(state) == {"variant": variant, "t": "3"}
    state, notices = from_query({"variant": variant.upper()})  # link values are the exact keys
    assert state.variant == "standard" and len(notices) == 1


def test_the_limits_are_streamlits_own():
    from streamlit.runtime.state import query_params

    assert state.LINK_MAX_FIELDS == query_params.CLIENT_STATE_QUERY_STRING_MAX_FIELDS == 1000
    assert state.LINK_MAX_CHARS == query_params.CLIENT_STATE_QUERY_STRING_MAX_LENGTH == 524_288
    # What Streamlit does with a link over them: the app gets no parameter at all.
    over = "hidden=8&" + "&".join(f"x{i}=1" for i in range(1000))
    assert query_params.sanitize_query_string(over) == ""
    assert query_params.sanitize_query_string(over.rsplit("&", 1)[0]) != ""  # 1,000 parameters: kept


def test_a_link_too_long_for_streamlit_gives_the_default_view_and_says_so():
    view, notices = from_query({state.TOO_LONG: "1001.6898", "hidden": "8"})
    assert view == ViewState()  # the rest of such a query string is never read
    assert notices == [
        "The link has 1,001 parameters and 6,898 characters: more than the 1,000 parameters or 524,288 "
        "characters a link may have here, so none of it was read and the page shows the default view. "
        f"A link this app writes has at most {len(state.RULES) + len(state.FOREIGN_OK)} parameters."
    ]
    for garbled in ("", "1001", "x.y", "²³.1", "<b>.1"):
        view, (notice,) = from_query({state.TOO_LONG: garbled})
        assert view == ViewState() and notice.startswith("The link was too long: more than the 1,000")
