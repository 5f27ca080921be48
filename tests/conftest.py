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


@pytest.fixture(scope="session")
def playwright_driver():
    """The one Playwright driver of the test session.

    Playwright's sync API refuses a second driver while one is running in the same thread, and the
    session-scoped browser of ``tests/browser`` lives until the session ends, so every folder that needs
    a browser launches it from this driver.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw
