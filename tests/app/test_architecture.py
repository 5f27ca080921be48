"""The architecture, checked: a cell registered in the cell table is offered everywhere with no other
change (docs/design.md §2, "Adding a cell"), and pages import only ``ui`` and ``lstm_core``'s public API."""

from __future__ import annotations

import ast
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from lstm_core import cells
from tests.app.pages import ROOT, open_page
from ui import state

PAGES = sorted((ROOT / "views").glob("*.py")) + [ROOT / "app.py", ROOT / "home.py"]

# The core's kernels and internals: a page reaches them through the public names instead (``lstm_core``'s
# ``__all__``, its public modules such as ``experiments``, ``scenes``, ``cells``).
INTERNAL = {"cell", "batched", "backward", "comparison_cells", "trace", "weights", "limits", "losses"}
THIRD_PARTY = {"streamlit", "numpy"}


@pytest.fixture
def dummy_cell(monkeypatch):
    """A sixth LSTM cell, registered the way a new cell module would be: one entry in the registry."""
    spec = replace(cells.get("standard"), name="dummy", title="A dummy cell a test registered")
    monkeypatch.setitem(cells.REGISTRY, "dummy", spec)
    return spec


def _variant_options(at) -> list[str]:
    (box,) = [b for b in at.sidebar.selectbox if b.key == "w_variant"]  # not the upload panel's
    return list(box.options)


LSTMS = ["standard", "udacity", "no_forget", "peephole"]


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("app.py", [*LSTMS, "dummy"]),  # a page of LSTMs: the LSTM cells
        ("views/2_Step_through_time.py", [*LSTMS, "gru", "rnn", "dummy"]),  # every cell
        ("views/1_Cell_anatomy.py", [*LSTMS, "gru", "rnn", "dummy"]),  # every cell, drawn from its family
    ],
)
def test_a_registered_cell_is_offered_in_the_sidebar(dummy_cell, page, expected):
    assert _variant_options(open_page(page)) == expected


def test_without_it_the_sidebar_offers_the_table_as_it_is():
    assert _variant_options(open_page("app.py")) == LSTMS


def test_a_link_to_a_registered_cell_is_valid(dummy_cell):
    view, notices = state.from_query({"variant": "dummy"})
    assert view.variant == "dummy" and notices == []
    view, notices = state.from_query({"variant": "dummy2"})
    assert view.variant == "standard"
    assert notices == [f"The link's “variant” was not one of {', '.join(cells.names())}; using standard."]
    assert "dummy" in notices[0]


def _imports(path: Path) -> list[tuple[str, tuple[str, ...]]]:
    """(module, names) of every import statement in a file."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(alias.name, ()) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            out.append((node.module or "", tuple(alias.name for alias in node.names)))
    return out


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_pages_import_only_ui_and_the_public_core(path):
    import lstm_core

    for module, names in _imports(path):
        top, *rest = module.split(".")
        assert top in {"ui", "lstm_core", *THIRD_PARTY} or top in sys.stdlib_module_names, (path.name, module)
        if top != "lstm_core":
            continue
        assert not rest or (rest[0] not in INTERNAL and not rest[0].startswith("_")), (path.name, module)
        assert len(rest) <= 1, f"{path.name} reaches inside lstm_core.{rest[0]}: {module}"
        if not rest:  # from lstm_core import X: X is public API or a public module
            for name in names:
                assert name in lstm_core.__all__ or (name not in INTERNAL and not name.startswith("_")), name
        assert all(not n.startswith("_") for n in names), (path.name, module, names)


def test_no_pages_folder_beside_the_entry_script():
    """app.py declares the navigation; a pages/ folder beside it would make Streamlit 1.67 run a fresh
    server's first sessions through its automatic navigation, whose first entry reads "app" (see app.py)."""
    assert not (ROOT / "pages").exists()
    assert (ROOT / "views" / "2_Step_through_time.py").is_file()
