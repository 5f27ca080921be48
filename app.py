"""LSTM Gate Lab: ``streamlit run app.py``. The navigation: Home (home.py), then every page of pages/ in its
numbered order, titled and addressed as Streamlit's pages folder would (``pages/2_Step_through_time.py`` is
"Step through time" at /Step_through_time).

Declared here, not left to the pages folder, only so that the first entry reads "Home": the folder titles
the main script after its file name ("app")."""

from pathlib import Path

import streamlit as st

ROOT = Path(__file__).parent


def _number(script: Path) -> int:
    return int(script.stem.split("_", 1)[0])


PAGES = sorted((ROOT / "pages").glob("[0-9]*_*.py"), key=_number)
home = st.Page(ROOT / "home.py", title="Home", default=True)
st.navigation([home, *(st.Page(script) for script in PAGES)]).run()
