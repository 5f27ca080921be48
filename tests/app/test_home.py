"""The home page and the shared sidebar, run by Streamlit's AppTest."""

import re
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from lstm_core import CELL_VARIANTS, LSTM
from lstm_core.sequences import make_preset
from tests.plotly_data import chart_specs, decode
from ui import notation

ROOT = Path(__file__).resolve().parents[2]


def home(**query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update(query)
    return at.run()


def chart_z(at: AppTest, index: int = 0) -> np.ndarray:
    return decode(chart_specs(at)[0]["data"][index]["z"])


def test_home_runs_and_shows_the_live_memories_of_the_default_cell():
    at = home()
    assert not at.exception
    x = make_preset("sine", 20, 0).x
    expected = LSTM.random(x.shape[1], 4, 1, "standard", seed=0).run(x)
    np.testing.assert_allclose(chart_z(at, 0), expected.layers[0].c.T, atol=1e-12)
    np.testing.assert_allclose(chart_z(at, 1), expected.layers[0].h.T, atol=1e-12)


def test_vocabulary_switch_renames_the_page():
    at = home()
    at.sidebar.radio[0].set_value("udacity").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert (
        notation.name("c", "udacity") + " " + notation.short("c", "udacity")
        in table["Udacity-style"].tolist()
    )
    assert at.query_params["vocabulary"] == "udacity"


def test_changing_the_hidden_size_redraws_with_more_units():
    at = home()
    at.sidebar.slider[0].set_value(7).run()
    assert chart_z(at, 0).shape[0] == 7
    assert at.query_params["hidden"] == "7"


def test_a_deep_link_opens_that_view():
    at = home(variant="udacity", vocabulary="udacity", hidden="6", seed="3", preset="pulse", length="12")
    assert not at.exception and not at.warning
    assert at.sidebar.selectbox[0].value == "udacity"
    x = make_preset("pulse", 12, 3).x
    expected = LSTM.random(x.shape[1], 6, 1, "udacity", seed=3).run(x)
    np.testing.assert_allclose(chart_z(at, 0), expected.layers[0].c.T, atol=1e-12)


def test_a_tampered_link_falls_back_with_a_notice():
    at = home(hidden="999", variant="<script>alert(1)</script>")
    assert not at.exception
    notices = " ".join(w.value for w in at.warning)
    assert "hidden" in notices and "variant" in notices and "<script>" not in notices
    assert chart_z(at, 0).shape[0] == 4


def test_bad_typed_numbers_show_the_message_and_keep_the_last_sequence():
    at = home()
    at.sidebar.radio[1].set_value("typed").run()
    at.sidebar.text_area[0].input("1, 2\n3, abc")
    at.sidebar.button[0].click().run()
    assert not at.exception
    errors = " ".join(e.value for e in at.sidebar.error)
    assert "Line 2, value 2" in errors and "'abc' is not a number" in errors
    assert chart_z(at, 0).shape[1] == 20  # still the preset's 20 steps
    at.sidebar.text_area[0].input("1, 2\n3, 4\n5, 6")
    at.sidebar.button[0].click().run()
    assert not at.sidebar.error
    assert chart_z(at, 0).shape[1] == 3


def test_sidebar_settings_survive_switching_pages():
    at = home()
    at.sidebar.slider[0].set_value(7).run()
    at.sidebar.radio[0].set_value("udacity").run()
    for page in ("views/1_Cell_anatomy.py", "views/3_Gate_lab.py", "views/2_Step_through_time.py", "home.py"):
        at.switch_page(page).run()
        assert not at.exception, page
        assert at.sidebar.slider[0].value == 7, page
        assert at.sidebar.radio[0].value == "udacity", page


def test_vocabulary_table_says_each_label_once():
    table = home().dataframe[0].value.set_index("what it is")
    kept, written = notation.description("kept"), notation.description("written")
    assert table.loc[kept, "standard"] == "kept memory f⊙c_prev"  # was "kept memory f⊙c f⊙c_prev"
    assert table.loc[written, "standard"] == "written memory i⊙g"  # was "written memory i⊙g i⊙g"
    assert table.loc[kept, "Udacity-style"] == "forget gate output f⊙LTM_prev"


def test_where_to_start_names_real_pages_and_every_cell_compare_variants_shows():
    """The home page's guide names pages that exist (by their sidebar titles), Read text and Train among
    them, and lists the GRU and the RNN that Compare variants draws beside the four LSTMs."""
    titles = {p.stem.split("_", 1)[1].replace("_", " ") for p in (ROOT / "views").glob("*.py")}
    for vocabulary in ("standard", "udacity"):
        text = home(vocabulary=vocabulary).markdown
        (guide,) = [m.value for m in text if "**Where to start**" in m.value]
        named = re.findall(r"^\d+\. \*\*(.+?)\*\*", guide, flags=re.M)
        assert set(named) <= titles and {"Read text", "Train", "Compare variants"} <= set(named)
        compare = guide[guide.index("**Compare variants**") : guide.index("5. ")]
        assert "GRU" in compare and "RNN" in compare and len(CELL_VARIANTS) == 6
