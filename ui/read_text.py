"""What the Read text page needs besides figures: the shipped model, the preset, checking the learner's
text, and the features a learner can search for. Streamlit only for caching."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import streamlit as st

from lstm_core.text import FALLBACK, CharModel, Reading, code_features, rank_units

MODELS_DIR = Path(__file__).resolve().parents[1] / "assets" / "models"
SHIPPED = "python_chars"  # ?model=python_chars
MAX_CHARS = 5000  # what the page reads at once (a trace of 5,000 steps × 128 units stays small)
LINK_MAX_CHARS = 500  # a text this short travels in the link (?text=…)
FEATURE_TITLES = {
    "in_string": "inside a string",
    "in_comment": "inside a comment",
    "depth": "bracket depth",
    "column": "column",
    "indent": "indentation",
    "span": "my own span of characters",
}
QUANTITY_TITLES = {
    "c": "c: cell state",
    "h": "h: hidden state",
    "i": "i: input gate",
    "f": "f: forget gate",
    "g": "g: candidate",
    "o": "o: output gate",
}


@st.cache_resource(show_spinner=False)
def shipped_model() -> CharModel:
    return CharModel.load(MODELS_DIR / f"{SHIPPED}.safetensors")


def preset_text() -> str:
    return (MODELS_DIR / f"{SHIPPED}_snippet.txt").read_text(encoding="utf-8")


def model_key(model: CharModel) -> str:
    """A short fingerprint of a model's weights and alphabet (cache key for its readings)."""
    digest = hashlib.sha1(model.alphabet.encode())
    for a in (*model.net.to_weights("torch").values(), model.W_y, model.b_y):
        digest.update(np.ascontiguousarray(a).tobytes())
    return digest.hexdigest()[:16]


@st.cache_data(max_entries=32, show_spinner=False)
def read(key: str, text: str, _model: CharModel) -> Reading:
    """The model's reading of ``text`` (cached per model fingerprint ``key`` and text)."""
    return _model.read(text)


@st.cache_data(max_entries=32, show_spinner=False)
def features(text: str):
    return code_features(text)


@dataclass(frozen=True)
class TextCheck:
    """The verdict on a text the learner gave: ``error`` (nothing is read) or ``notes`` (read anyway)."""

    error: str | None
    notes: tuple[str, ...] = ()


def check_text(text: str, alphabet: str) -> TextCheck:
    """What is wrong with ``text`` for the Read text page: too long or empty is refused; characters
    outside the alphabet are read as the fallback symbol, and the note names them."""
    if not text:
        return TextCheck("The text is empty. Type or paste some code (1 to 5,000 characters).")
    if len(text) > MAX_CHARS:
        return TextCheck(
            f"The text has {len(text):,} characters; this page reads at most {MAX_CHARS:,}. "
            "Cut it down (the page still shows the last text it read)."
        )
    outside = sorted({ch for ch in text if ch not in alphabet or ch == FALLBACK})
    if not outside:
        return TextCheck(None)
    count = sum(ch in outside for ch in text)
    shown = ", ".join(repr(ch) for ch in outside[:8]) + (" …" if len(outside) > 8 else "")
    return TextCheck(
        None,
        (
            f"{count} character(s) are outside the model's alphabet ({shown}); the model reads each of them "
            f"as the one fallback symbol {FALLBACK}. It knows newline and the printable ASCII characters.",
        ),
    )


def tokenizer_note(frame) -> str | None:
    """A sentence saying where Python's tokenizer gave up, if it did."""
    lost = frame.index[~frame["tokenized"]]
    if len(lost) == 0:
        return None
    first = int(lost[0])
    return (
        f"Python's tokenizer could not read this text from line {int(frame['line'][first]) + 1}, "
        f"column {int(frame['column'][first])} on ({len(lost):,} characters, e.g. an unclosed string or "
        "bracket). Their features are a best guess: an unclosed string counts as a string to its end."
    )


def pattern(frame, feature: str, span: tuple[int, int] | None = None) -> np.ndarray:
    """The values (T,) to search for: a feature column, or True on characters span[0]..span[1]."""
    if feature == "span":
        on = np.zeros(len(frame), bool)
        on[span[0] : span[1] + 1] = True
        return on
    return frame[feature].to_numpy()


@st.cache_data(max_entries=32, show_spinner=False)
def ranked(key: str, text: str, feature: str, span: tuple[int, int] | None, _reading: Reading):
    """``rank_units`` for ``feature`` (or ``span``) over ``_reading``, the reading of ``text`` by the model
    whose fingerprint is ``key``. Cached: ranking takes 0.3 s on the preset and 1.8 s on 5,000 characters,
    and the page asks for it on every step and, for its opening unit, once more. Raises ValueError where
    the pattern never changes."""
    return rank_units(_reading, pattern(features(text), feature, span))


TRAINED = "char_model"  # session_state: (label, CharModel) trained on the Train page or uploaded here

FIND_HELP = (
    "Pick what to look for; the app scores every unit's c, h and gates by how well they track it over "
    "this text. For an on/off feature the score is the **AUC**: the chance that a random “on” character "
    "gets a higher value than a random “off” one (or lower, for a unit that goes down; 1 = separates "
    "perfectly, 0.5 = no better than chance). No threshold is needed for it: the AUC counts every threshold "
    "at once, and a unit with AUC 0.95 has some threshold that puts most on-characters above and most "
    "off-characters below. For a number (depth, column, indentation) the score is |Pearson r|."
)


def current_model() -> CharModel:
    """The model the page reads with: the shipped one, or one trained or uploaded in this session.
    ``?model=python_chars`` picks the shipped one."""
    with st.sidebar.expander("Character model", expanded=False):
        upload = st.file_uploader(
            "Open a character model (.safetensors)", type=["safetensors"], key="rt_upload"
        )
        if upload is not None:
            try:
                st.session_state[TRAINED] = (upload.name, CharModel.from_bytes(upload.getvalue()))
            except ValueError as e:
                st.error(f"Could not open {upload.name}: {e}. Character models come from the Train page.")
        trained = st.session_state.get(TRAINED)
        if st.query_params.get("model") == SHIPPED or trained is None:
            st.caption(f"Reading with the shipped model {SHIPPED}.")
            return shipped_model()
        choice = st.radio("Read with", (SHIPPED, trained[0]), key="rt_which", index=1)
    return shipped_model() if choice == SHIPPED else trained[1]


def describe_model(model: CharModel) -> str:
    f = model.facts
    size = (
        f"{model.net.num_layers} layer(s) × {model.net.hidden_size} units, {len(model.alphabet)} characters"
    )
    if "held_out_bits_per_char" in f:
        return (
            f"Model: {size}; on {f['held_out_chars']:,} held-out standard-library characters it needs "
            f"{f['held_out_bits_per_char']:.2f} bits per character (a unigram model: "
            f"{f['unigram_bits_per_char']:.2f})."
        )
    return f"Model: {size}."


def opening_unit(key: str, text: str, reading: Reading, facts: dict) -> dict:
    """{"layer", "unit", "quantity"} the page opens on: the best in-string unit of the text it opens with,
    so the first colouring shows what "Find the unit" finds on that text (a unit that is best on the
    held-out report's 20,000 characters can be near chance on one snippet). A text without strings opens
    on the report's unit (``facts["in_string_unit"]``), a model without a report on unit 0's c."""
    try:
        top = ranked(key, text, "in_string", None, reading).iloc[0]
    except ValueError:  # nothing inside a string, or nothing outside: no ranking
        return {"layer": 0, "unit": 0, "quantity": "c", **facts.get("in_string_unit", {})}
    return {"layer": int(top.layer), "unit": int(top.unit), "quantity": str(top.quantity)}


def colour_title(unit: int, quantity: str) -> str:
    return f"Each character coloured by unit {unit}'s {QUANTITY_TITLES[quantity]} right after reading it"


def ranking_sentence(ranked, feature: str) -> str:
    top = ranked.iloc[0]
    kind = "AUC" if feature not in ("depth", "column", "indent") else "|r|"
    way = "goes up" if top.direction > 0 else "goes down"
    return (
        f"Best unit for **{FEATURE_TITLES[feature]}**: layer {int(top.layer) + 1}, unit **{int(top.unit)}**, "
        f"its {QUANTITY_TITLES[str(top.quantity)]} ({kind} {top.score:.3f}; it {way} on the feature)."
    )


def ranking_table(ranked, feature: str):
    kind = "AUC" if feature not in ("depth", "column", "indent") else "|r|"
    out = ranked.assign(layer=ranked["layer"] + 1, quantity=ranked["quantity"].map(QUANTITY_TITLES))
    out["direction"] = np.where(ranked["direction"] > 0, "up on the feature", "down on the feature")
    return out.rename(columns={"score": kind})


UNIT_CHOSEN = "rt_unit_chosen"  # set by choose_unit: this run the unit input takes its value from the state


def choose_unit(layer: int, unit: int, quantity: str) -> None:
    st.session_state.update(rt_layer=layer, rt_unit=unit, rt_quantity=quantity, **{UNIT_CHOSEN: True})


@st.cache_data(max_entries=32, show_spinner=False)
def sample(key: str, n: int, temperature: float, seed: int, prime: str, _model: CharModel) -> str:
    return _model.sample(n, temperature=temperature, seed=seed, prime=prime)
