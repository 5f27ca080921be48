""".streamlit/config.toml: every option is one Streamlit knows, and the settings the app relies on hold."""

from __future__ import annotations

import tomllib
from pathlib import Path

from streamlit import config

from lstm_core.limits import SERVER_UPLOAD_MB
from ui.notation import OKABE_ITO

CONFIG = tomllib.loads((Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml").read_text())


def options() -> dict[str, object]:
    return {f"{section}.{name}": value for section, body in CONFIG.items() for name, value in body.items()}


def test_every_option_is_a_streamlit_option():
    unknown = sorted(set(options()) - set(config._config_options_template))
    assert not unknown, f"Streamlit ignores these (misspelt?): {unknown}"


def test_safe_and_quiet_for_visitors():
    o = options()
    assert o["server.headless"] is True and o["browser.gatherUsageStats"] is False
    assert o["server.enableXsrfProtection"] is True
    assert o["server.maxUploadSize"] == SERVER_UPLOAD_MB  # MiB of one request: a 5 MB file and its framing
    assert o["client.showErrorDetails"] == "none" and o["client.showErrorLinks"] is False


def test_no_forced_full_garbage_collection_after_each_run():
    # gc.collect(2) after every rerun cost the server ~85 ms of CPU per Next step (see the file's note).
    assert options()["runner.postScriptGC"] is False


def test_the_theme_uses_the_colour_blind_safe_palette():
    assert CONFIG["theme"]["primaryColor"].lower() == OKABE_ITO["blue"].lower()
