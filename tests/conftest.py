"""Fixtures shared by every test folder."""

from __future__ import annotations

import sys

import pytest


@pytest.fixture(autouse=True)
def _clear_streamlit_caches():
    """Start every test with empty ``st.cache_data`` / ``st.cache_resource``.

    Streamlit is looked up, never imported: core tests must run without it, and if nothing has imported it
    yet in this process, nothing can be cached in it either.
    """
    st = sys.modules.get("streamlit")
    if st is not None:
        st.cache_data.clear()
        st.cache_resource.clear()
    yield
