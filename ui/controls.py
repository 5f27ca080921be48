"""The shared sidebar: the same controls on every page, kept when the learner switches pages.

The view lives in ``st.session_state["view"]`` (a ``ViewState``) and in the URL; widgets are seeded from
it each time a page draws them, because Streamlit forgets a widget's value when its page is left.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, replace

import numpy as np
import streamlit as st

from lstm_core import cells as cell_table
from lstm_core.limits import UPLOAD_MB
from lstm_core.sequences import (
    MAX_ABS_VALUE,
    MAX_FEATURES,
    MAX_STEPS,
    MAX_TEXT_CHARS,
    PRESETS,
    Sequence,
    SequenceError,
    make_preset,
    parse_csv,
    parse_numbers,
)
from ui import loaded as loaded_weights
from ui import notation, presenter, screen, state
from ui.loaded import LoadedNet
from ui.notation import VOCABULARIES, VOCABULARY_TITLES
from ui.state import MAX_HIDDEN, MAX_LAYERS, MAX_SEED, ViewState

TYPED_MAX_CHARS = 100_000  # a few thousand typed lines; wider or longer data belongs in a CSV upload
SOURCES = {"preset": "Preset", "typed": "Typed numbers", "csv": "CSV upload"}
TYPED_TITLE = "Typed numbers"  # the title of a sequence typed into the sidebar


@dataclass(frozen=True)
class Settings:
    """What every page needs: the view (from the URL/sidebar) and the input sequence it runs on."""

    view: ViewState
    sequence: Sequence
    loaded: LoadedNet | None = (
        None  # weights from a file or the Train page, when they replace the random ones
    )

    def __getattr__(self, name):  # settings.variant, settings.seed, ... read through to the view
        return getattr(self.view, name)

    @property
    def hidden_size(self) -> int:
        return self.view.hidden

    @property
    def num_layers(self) -> int:
        return self.view.layers

    @property
    def x(self) -> np.ndarray:
        """(T, I) the input sequence."""
        return self.sequence.x

    @property
    def T(self) -> int:
        return self.sequence.length


def current_view() -> ViewState:
    """The view of this session, read from the link on the session's first run."""
    if "view" not in st.session_state:
        view, notices = state.from_query(st.query_params.to_dict())
        st.session_state["view"] = view
        st.session_state["link_notices"] = notices
        if state.TOO_LONG in st.query_params:  # said once; the address bar shows the view it got
            del st.query_params[state.TOO_LONG]
    return st.session_state["view"]


# Streamlit hands the app an empty query string for a link over its limits (ui/state.py, LINK_MAX_FIELDS);
# only the browser still has the link. This script, run there, reloads such a link as
# ?link_too_long=<parameters>.<characters>, counted as Streamlit counts them, so the page can say so.
LONG_LINK_JS = f"""<script>
(() => {{
    const q = window.location.search.slice(1);
    const fields = q ? q.split("&").length : 0;
    if (fields > {state.LINK_MAX_FIELDS} || q.length > {state.LINK_MAX_CHARS}) {{
        const url = new URL(window.location.href);
        url.search = "?{state.TOO_LONG}=" + fields + "." + q.length;
        window.location.replace(url.href);
    }}
}})();
</script>"""


def set_view(view: ViewState) -> None:
    """Store the view and mirror it in the URL, so the address bar is always a shareable link."""
    st.session_state["view"] = view
    wanted = state.to_query(view)
    for name in state.FIELD_NAMES:
        if name in wanted and st.query_params.get(name) != wanted[name]:
            st.query_params[name] = wanted[name]
        elif name not in wanted and name in st.query_params:
            del st.query_params[name]


def set_t(t: int) -> None:
    """Move the current step (pages call this from their time controls)."""
    set_view(replace(current_view(), t=int(t)))


def _seeded(key: str, value) -> str:
    """A widget key whose value starts from the view whenever the widget is (re)drawn.

    Assigning the value again on every run is Streamlit's documented way to keep a widget's value
    when the learner switches pages; without it the widget would start over from its default.
    """
    widget_key = f"w_{key}"
    st.session_state[widget_key] = st.session_state.get(widget_key, value)
    return widget_key


# The pages that show every cell of the cell table; the others show LSTMs and say so (``_lstm_only``).
CELL_PAGES = ("Step through time", "Compare variants", "Cell anatomy")

# The sidebar's settings, and which of them each page reads: the one declaration of it (a page not listed
# reads them all). A setting a page ignores is drawn disabled rather than hidden, so its widget keeps its
# value and the link keeps it too: back on Step through time nothing is lost. "sequence" covers the input
# source, preset, length and the typed or uploaded numbers.
SETTINGS = ("vocabulary", "variant", "hidden", "layers", "layer", "seed", "sequence")
PAGE_READS: dict[str, tuple[tuple[str, ...], str]] = {
    "gate_lab": (
        ("vocabulary", "variant", "hidden", "seed", "sequence"),
        "The lab changes a single one-layer cell",
    ),
    "compare": (
        ("vocabulary", "hidden", "layers", "layer", "seed", "sequence"),
        "This page runs every variant side by side",
    ),
    "train": (("vocabulary", "seed"), "Train builds its own cell and sequences for the task"),
    "gradient_flow": (("vocabulary", "seed"), "This page builds and trains its own cells"),
    "lessons": (("vocabulary",), "Each lesson builds its own cell and sequence"),
    "challenges": (("vocabulary",), "Each challenge builds its own cell and sequence"),
    "read_text": ((), "This page reads text with its own trained character model"),
}
IGNORED_NOTE = (
    "{why}: the greyed-out settings do not apply here. They are kept for Step through time, Cell anatomy "
    "and the other pages that use them."
)


def page_reads(page: str) -> frozenset[str]:
    """The sidebar settings ``page`` reads (``PAGE_READS``; every setting for a page not listed)."""
    return frozenset(PAGE_READS[page][0]) if page in PAGE_READS else frozenset(SETTINGS)


def sidebar(page: str = "", cells: tuple[str, ...] | None = None) -> Settings:
    """Draw the shared controls in the sidebar and return the settings they describe.

    cells: the variants this page can show; by default the LSTM cells of the cell table
    (``lstm_core.cells.lstm_variants()``, read now, so a newly registered cell is offered), or every cell
    (``cells.names()``); a GRU or RNN the view or the loaded weights hold is then replaced, with a notice.
    """
    reads = page_reads(page)
    if "variant" not in reads:  # any cell may stay chosen on a page that ignores the variant (kept for later)
        cells = cell_table.names()
    cells = cell_table.lstm_variants() if cells is None else cells
    view = current_view()
    for notice in st.session_state.pop("link_notices", []):
        st.warning(notice)
    sb = st.sidebar
    sb.html(LONG_LINK_JS, unsafe_allow_javascript=True)
    presenter.apply(sb)  # its toggle first; when on: ?present=1 kept, big type, Previous / Next
    screen.probe(sb)  # tells the server when the window is phone-narrow (ui/screen.py)
    if reads != frozenset(SETTINGS):
        sb.caption(IGNORED_NOTE.format(why=PAGE_READS[page][1]))
    view, loaded = _lstm_only(view, loaded_weights.current(), cells)
    if loaded is not None:  # the loaded network fixes the architecture
        st.session_state.update(
            w_variant=loaded.variant, w_hidden=loaded.hidden_size, w_layers=loaded.num_layers
        )
    fixed = loaded is not None
    vocabulary = sb.radio(
        "Vocabulary",
        VOCABULARIES,
        format_func=VOCABULARY_TITLES.get,
        key=_seeded("vocabulary", view.vocabulary),
        disabled="vocabulary" not in reads,
        help="Names only: the numbers never change with the vocabulary.",
    )
    variant = sb.selectbox(
        "Variant",
        cells,
        key=_seeded("variant", view.variant),
        disabled=fixed or "variant" not in reads,
        help="Which cell runs: one of the LSTM variants"
        + (", a GRU or a plain RNN" if set(cells) - set(cell_table.lstm_variants()) else "")
        + ". The equations of each are on the Cell anatomy page.",
    )
    sb.caption(notation.variant_title(variant, vocabulary))
    hidden = sb.slider(
        "Hidden size (units)",
        1,
        MAX_HIDDEN,
        key=_seeded("hidden", view.hidden),
        disabled=fixed or "hidden" not in reads,
    )
    c1, c2 = sb.columns(2)
    layers = c1.number_input(
        "Layers",
        1,
        MAX_LAYERS,
        step=1,
        key=_seeded("layers", view.layers),
        disabled=fixed or "layers" not in reads,
    )
    seed = c2.number_input(
        "Seed",
        0,
        MAX_SEED,
        step=1,
        key=_seeded("seed", view.seed),
        disabled="seed" not in reads,
        help="Seeds the random weights and the random presets.",
    )
    layer = 0
    if layers > 1:
        st.session_state["w_layer"] = min(st.session_state.get("w_layer", view.layer), layers - 1)
        layer = sb.selectbox(
            "Inspect layer",
            range(layers),
            format_func=lambda k: f"layer {k + 1} of {layers}",
            key=_seeded("layer", view.layer),
            disabled="layer" not in reads,
        )
    sb.divider()
    preset, length, sequence = _sequence_controls(sb, view, int(seed), disabled="sequence" not in reads)
    loaded_weights.panel(sb)
    if loaded is not None and loaded.input_size != sequence.num_features:
        sb.error(
            f"The loaded weights read {loaded.input_size} feature(s) per step, but the sequence has "
            f"{sequence.num_features}. Type or upload a sequence with {loaded.input_size} column(s); "
            "until then the pages show random weights."
        )
        loaded = None
    new = replace(
        view,
        variant=variant,
        vocabulary=vocabulary,
        hidden=int(hidden),
        layers=int(layers),
        layer=int(layer),
        seed=int(seed),
        preset=preset,
        length=length,
    )
    if new.t > sequence.length - 1 and "sequence" in reads:
        st.info(
            f"Step {new.t} is past the end of this {sequence.length}-step sequence; "
            f"showing its last step, {sequence.length - 1}."
        )
    new = replace(new, t=min(new.t, sequence.length - 1))
    set_view(new)
    return Settings(view=new, sequence=sequence, loaded=loaded)


def _lstm_only(view: ViewState, loaded: LoadedNet | None, cells) -> tuple[ViewState, LoadedNet | None]:
    """The view and loaded network this page can show: a variant outside ``cells`` (a GRU or RNN on a
    page of LSTMs) becomes the standard LSTM, loaded weights of one are set aside, each with a notice."""
    where = ", ".join(CELL_PAGES[:-1]) + " and " + CELL_PAGES[-1]
    if loaded is not None and loaded.variant not in cells:
        st.info(
            f"This page shows LSTM cells, so it uses random weights; the loaded {loaded.variant.upper()} "
            "is shown on Step through time."
        )
        loaded = None
    if st.session_state.get("w_variant", view.variant) not in cells:
        st.info(
            f"This page's Variant is one of the four LSTMs, so it uses the standard LSTM; the "
            f"{view.variant.upper()} is shown on {where}."
        )
        view = replace(view, variant="standard")
        st.session_state["w_variant"] = "standard"
    return view, loaded


def _sequence_controls(sb, view: ViewState, seed: int, disabled: bool = False) -> tuple[str, int, Sequence]:
    """Preset, typed numbers or CSV; bad custom input shows the core's message, the last good one stays.
    disabled: the page ignores the input, so every widget of it is drawn disabled (its value kept)."""
    source = sb.radio(
        "Input sequence",
        tuple(SOURCES),
        format_func=SOURCES.get,
        key=_seeded("source", "preset"),
        horizontal=True,
        disabled=disabled,
    )
    preset = sb.selectbox(
        "Preset",
        tuple(PRESETS),
        format_func=lambda k: PRESETS[k].title,
        key=_seeded("preset", view.preset),
        disabled=disabled or source != "preset",
    )
    length = sb.number_input(
        "Length (steps)",
        1,
        MAX_STEPS,
        step=1,
        key=_seeded("length", view.length),
        disabled=disabled or source != "preset",
    )
    if source == "typed":
        _typed_input(sb, disabled)
    elif source == "csv":
        _csv_input(sb, disabled)
    custom = st.session_state.get("custom_sequence")
    if source != "preset" and custom is None:
        sb.info("No custom sequence yet: showing the preset until one is accepted.")
    sequence = custom if source != "preset" and custom is not None else make_preset(preset, int(length), seed)
    # An error belongs to the input it came from; after switching to a preset it would be wrong.
    if (error := st.session_state.get("sequence_error")) and st.session_state.get(
        "sequence_error_source"
    ) == source:
        sb.error(error)
    sb.caption(
        f"{sequence.title}: {sequence.length} steps × {sequence.num_features} feature(s). "
        f"{sequence.description}"
    )
    return preset, int(length), sequence


def _accept(parse, data, title: str, source: str) -> None:
    """Parse ``data`` into the custom sequence, or keep the previous one and store the message."""
    st.session_state["sequence_error_source"] = source
    try:
        x = parse(data)
        names = None
        if isinstance(x, tuple):
            x, names = x
        # Header names reach Plotly legends, which read a few HTML tags: keep them as plain text. Only
        # & < > are escaped: Plotly turns &amp; &lt; &gt; back into the characters but would show the
        # &quot; of html.escape's default literally ('size 5"' as 'size 5&quot;').
        safe_names = tuple(html.escape(n, quote=False) for n in names or ())
        st.session_state["custom_sequence"] = Sequence("custom", title, x, "", safe_names)
        st.session_state["sequence_error"] = None
    except SequenceError as e:
        st.session_state["sequence_error"] = f"{e} The previous sequence is still in use."


def _typed_input(sb, disabled: bool = False) -> None:
    def parse(text: str):
        # Checked here, not by the widget's max_chars: the browser silently drops a paste that is too
        # long, and the learner would never learn why nothing happened.
        if len(text) > TYPED_MAX_CHARS:
            raise SequenceError(
                f"The text has {len(text):,} characters; at most {TYPED_MAX_CHARS:,} can be typed. "
                f"Upload a CSV file for longer data (up to {MAX_STEPS:,} steps × {MAX_FEATURES} features)."
            )
        return parse_numbers(text, max_abs=MAX_ABS_VALUE)

    note = sb.empty()  # above the box, written after the form: a press of "Use these numbers" counts
    with sb.form("typed_sequence", border=False):
        text = st.text_area(
            "Numbers: one step per line, features separated by commas",
            # Marked as an example: a bare grey "0.5, 1 …" read as the numbers in use.
            placeholder="For example:\n0.5, 1\n0, -1\n1, 0",
            key="typed_text",
            disabled=disabled,
            help=f"At most {MAX_STEPS:,} steps × {MAX_FEATURES} features and {TYPED_MAX_CHARS:,} characters; "
            f"values between {-MAX_ABS_VALUE:,.0f} and {MAX_ABS_VALUE:,.0f}.",
        )
        if st.form_submit_button("Use these numbers", disabled=disabled):
            _accept(parse, text, TYPED_TITLE, "typed")
    custom = st.session_state.get("custom_sequence")
    if custom is not None and custom.title != TYPED_TITLE:  # the Train page's, or an upload: not this box's
        note.caption(
            f"In use: **{custom.title}**, {custom.length} steps × {custom.num_features} feature(s), "
            "not typed here. Numbers you type below and use replace it."
        )


def _csv_input(sb, disabled: bool = False) -> None:
    upload = sb.file_uploader(
        "CSV file (one row per step)",
        type=["csv", "txt"],
        key="csv_upload",
        disabled=disabled,
        max_upload_size=UPLOAD_MB,  # the one upload limit (lstm_core/limits.py); the parser says it exactly
        help=f"At most {UPLOAD_MB} MB, {MAX_TEXT_CHARS:,} characters, {MAX_STEPS:,} rows × {MAX_FEATURES} "
        f"columns; values between {-MAX_ABS_VALUE:,.0f} and {MAX_ABS_VALUE:,.0f}.",
    )
    if upload is not None and st.session_state.get("csv_file_id") != upload.file_id:
        st.session_state["csv_file_id"] = upload.file_id
        # The file name is shown as Markdown in captions: escaped, so it reads exactly as named.
        title = f"Uploaded {loaded_weights.plain(upload.name[:40])}"
        _accept(lambda data: parse_csv(data, max_abs=MAX_ABS_VALUE), upload.getvalue(), title, "csv")


use_trained = loaded_weights.use_trained  # the Train page hands its cell to every page through this
