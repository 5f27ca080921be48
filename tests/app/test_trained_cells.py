"""Step through time opens each shipped trained cell on a sequence of its task, follows the unit that holds
its memory and states the register's claim about that unit (ui/claims/, trained_*)."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_core import scenes
from tests.app.pages import open_page
from tests.plotly_data import chart_specs, decode
from ui import claims
from ui.loaded import plain

PAGE = "views/2_Step_through_time.py"


def unit_line(at, key: str) -> tuple[int, np.ndarray]:
    """(unit, values) of the line panel's ``key`` curve in the figure the page sent."""
    (spec,) = chart_specs(at)
    (trace,) = [
        tr
        for tr in spec["data"]
        if (tr.get("meta") or {}).get("role") == "unit_line" and tr["meta"].get("key") == key
    ]
    return int(trace["meta"]["unit"]), decode(trace["y"])


@pytest.mark.parametrize("name", scenes.SHIPPED)
def test_opening_a_shipped_cell_follows_its_memory_unit_and_states_the_claim(name):
    at = open_page(PAGE)
    assert not at.info  # a random cell: no claim about a memory unit
    at.button(key=f"step_open_{name}").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    claim = claims.CLAIMS[f"trained_{name}"]
    result = claim.run()
    assert claim.holds(result)
    unit = result["unit"]
    assert at.selectbox(key="step_unit").value == unit
    assert at.query_params["unit"] == str(unit)
    assert [i.value for i in at.info] == [claim.say(result)]
    cell = scenes.SHIPPED[name]
    shown_unit, c = unit_line(at, "c")
    assert shown_unit == unit
    expected = cell.net().run(cell.sequence()).c[:, unit]
    np.testing.assert_allclose(c, expected[: c.size], rtol=1e-12, atol=1e-12)
    assert any(f"Using **{plain(cell.label)}**" in s.value for s in at.success)  # the sidebar names it
