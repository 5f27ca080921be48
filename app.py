"""LSTM Gate Lab: ``streamlit run app.py``. The navigation: Home (home.py), then every page of views/ in its
numbered order, titled and addressed as Streamlit's pages folder would (``views/2_Step_through_time.py`` is
"Step through time" at /Step_through_time).

Declared here so that the first entry reads "Home": Streamlit's automatic pages/ folder titles the main
script after its file name ("app"). The folder is not called pages/ because Streamlit 1.67 still runs a
server's first sessions through that automatic navigation while a pages/ folder exists, so a deep link
opened first after a restart would show "app" again.
"""

from pathlib import Path

import streamlit as st

ROOT = Path(__file__).parent


def _number(script: Path) -> int:
    return int(script.stem.split("_", 1)[0])


PAGES = sorted((ROOT / "views").glob("[0-9]*_*.py"), key=_number)
home = st.Page(ROOT / "home.py", title="Home", default=True)
st.navigation([home, *(st.Page(script) for script in PAGES)]).run()
