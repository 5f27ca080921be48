"""views/8_Challenges.py under streamlit.testing: each challenge detects success and failure through Check."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.pages import open_page as open_app_page
from tests.plotly_data import chart_specs, decode
from ui import claims, notation
from ui.challenges import CHALLENGES, check

PAGE = "views/8_Challenges.py"
GOOD = {
    "hold": dict(b_f=10.0, b_i=-10.0),
    "forget": dict(b_f=-10.0, W_xf=0.0),
    "half_life": dict(W_xf=2.6),
    "count": dict(b_f=12.0, b_i=-10.0, W_xi=20.0, b_g=10.0),
}
BAD = {
    "hold": dict(b_f=3.0, b_i=-10.0),
    "forget": dict(b_f=-10.0, W_xf=8.0),
    "half_life": dict(W_xf=2.3),
    "count": dict(b_f=3.0, b_i=-10.0, W_xi=20.0, b_g=10.0),
}


def open_page(**params) -> AppTest:
    return open_app_page(PAGE, **params)


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def pick(at: AppTest, key: str) -> AppTest:
    at.radio(key="ch_pick").set_value(key)
    return rerun(at)


def set_values(at: AppTest, key: str, values: dict[str, float]) -> AppTest:
    for name, value in values.items():
        widget_key = f"ch_{key}_{name}"
        widget = at.number_input(key=widget_key) if key == "half_life" else at.slider(key=widget_key)
        widget.set_value(value)
    return rerun(at)


def press_check(at: AppTest) -> AppTest:
    at.button(key="ch_check").click()
    return rerun(at)


def after_curve(at: AppTest):
    (spec,) = chart_specs(at)
    (curve,) = [t for t in spec["data"] if t.get("meta") == {"key": "c", "run": "after", "unit": 0}]
    return decode(curve["y"])


@pytest.mark.parametrize("key", CHALLENGES)
def test_each_challenge_detects_success(key):
    at = pick(open_page(), key)
    press_check(set_values(at, key, GOOD[key]))
    assert not at.warning
    (success,) = at.success
    assert success.value.startswith("**Solved!**")
    assert check(CHALLENGES[key], GOOD[key]).headline in success.value
    claim = claims.CLAIMS[f"challenge_{key}"]  # the register's success sentence, at these numbers
    assert success.value == "**Solved!** " + claim.say(claim.run(values=GOOD[key]))
    assert at.get("progress")[0].proto.value == 100
    assert "Solved: **1 of 4**" in at.caption[0].value
    c = CHALLENGES[key].run(GOOD[key]).layers[0].c[:, 0]
    assert after_curve(at)[1:] == pytest.approx(c, abs=1e-12)  # the figure draws the cell that was checked


@pytest.mark.parametrize("key", CHALLENGES)
def test_each_challenge_detects_failure_and_says_how_close(key):
    at = pick(open_page(), key)
    press_check(set_values(at, key, BAD[key]))
    assert not at.success
    (error,) = at.warning
    verdict = check(CHALLENGES[key], BAD[key])
    assert not verdict.passed
    assert error.value == f"**Not yet.** {verdict.headline}  \n{verdict.hint}"
    assert at.get("progress")[0].proto.value == int(verdict.score * 100)
    assert "Solved: **0 of 4**" in at.caption[0].value


def test_failure_numbers_on_the_page():
    at = open_page()
    press_check(set_values(at, "hold", BAD["hold"]))
    assert "held for **1 of 20 steps**" in at.warning[0].value
    assert "raise $b_{f}$" in at.warning[0].value
    pick(at, "forget")
    press_check(set_values(at, "forget", BAD["forget"]))
    assert "**10 of 20 steps** forgot everything" in at.warning[0].value
    assert "Lower $W_{xf}$" in at.warning[0].value


def test_moving_a_number_after_a_check_asks_for_a_new_check():
    at = press_check(set_values(open_page(), "hold", GOOD["hold"]))
    assert at.success
    set_values(at, "hold", dict(b_f=2.0))
    assert not at.success and "press **Check** again" in at.info[0].value
    press_check(at)
    assert at.warning and "raise $b_{f}$" in at.warning[0].value


def test_numbers_and_results_survive_switching_challenges():
    at = press_check(set_values(open_page(), "hold", GOOD["hold"]))
    pick(at, "count")
    assert [s.value for s in at.slider if s.key.startswith("ch_count")] == [0.0, 0.0, 0.0, 0.0]
    assert not at.success and not at.warning
    pick(at, "hold")
    assert at.slider(key="ch_hold_b_f").value == 10.0 and at.success
    assert at.radio(key="ch_pick").options[0].startswith("✓ ")


def test_start_again_puts_back_the_starting_numbers():
    at = press_check(set_values(open_page(), "hold", GOOD["hold"]))
    at.button(key="ch_reset").click()
    rerun(at)
    assert at.slider(key="ch_hold_b_f").value == 0.0 and not at.success
    assert after_curve(at)[1:] == pytest.approx(CHALLENGES["hold"].run({}).layers[0].c[:, 0], abs=1e-12)


@pytest.mark.parametrize("vocabulary", ["standard", "udacity"])
def test_labels_follow_the_vocabulary(vocabulary):
    at = open_page(vocabulary=vocabulary)
    assert (
        at.slider(key="ch_hold_b_f").label == f"bias $b_{{f}}$ of the {notation.name('f', vocabulary)} $f_t$"
    )
    assert notation.name("c", vocabulary) in at.markdown[0].value + "".join(m.value for m in at.markdown)
    (spec,) = chart_specs(at)
    names = [t["name"] for t in spec["data"] if t.get("showlegend", True)]
    assert any(notation.title("c", vocabulary) in n for n in names)
    assert any(n.startswith("goal:") for n in names)
