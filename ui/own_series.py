"""The Train page's own series: a CSV upload, read by the shared CSV reader (``sequences.parse_csv``, the
one upload limit of ``lstm_core/limits.py``) and checked for next-value training by
``next_value.NextValueSeries``. A refused file shows its message and keeps the series accepted before it.
"""

from __future__ import annotations

import html

import numpy as np
import streamlit as st

from lstm_core.limits import UPLOAD_MB
from lstm_core.next_value import HELD_OUT_FRACTION, MIN_STEPS, NextValueSeries
from lstm_core.sequences import MAX_ABS_VALUE, MAX_FEATURES, MAX_STEPS, SequenceError, parse_csv, to_csv
from ui.loaded import plain

SERIES = "tr_series"  # session_state: (NextValueSeries, title, id) of the accepted series
ERROR = "tr_series_error"  # session_state: why the last upload was refused, or None
FILE_ID = "tr_series_file"  # session_state: the upload already read (a rerun must not read it again)
SAMPLE_STEPS = 300


def sample_values() -> np.ndarray:
    """(300,) a sine of period 25 steps plus Gaussian noise of standard deviation 0.1, seed 0."""
    t = np.arange(SAMPLE_STEPS)
    return np.sin(2 * np.pi * t / 25) + 0.1 * np.random.default_rng(0).standard_normal(SAMPLE_STEPS)


def sample_csv() -> str:
    return to_csv(sample_values()[:, None], ["noisy_sine"])


def _accept(data: bytes | str, title: str) -> None:
    """Make ``data`` (CSV) the series, or keep the previous one and store the message."""
    try:
        x, names = parse_csv(data, max_abs=MAX_ABS_VALUE)
        # Header names reach Plotly legends, which read a few HTML tags: plain text (see controls._accept).
        series = NextValueSeries.from_values(x, tuple(html.escape(n, quote=False) for n in names))
    except SequenceError as e:
        kept = " The previous series is still in use." if SERIES in st.session_state else ""
        st.session_state[ERROR] = f"{e}{kept}"
        return
    previous = st.session_state.get(SERIES)
    st.session_state[SERIES] = (series, title, 1 + (previous[2] if previous else 0))
    st.session_state[ERROR] = None


def _use_sample() -> None:
    _accept(sample_csv(), "Sample: a noisy sine")


def choose() -> tuple[NextValueSeries, int] | None:
    """The upload widgets; (the accepted series, its id) or None while there is none."""
    upload = st.file_uploader(
        "Your series: a CSV file, one row per time step (a header row is optional)",
        type=["csv", "txt"],
        key="tr_csv",
        max_upload_size=UPLOAD_MB,  # the one upload limit (lstm_core/limits.py); the parser says it exactly
        help=f"{MIN_STEPS} to {MAX_STEPS:,} rows, 1 to {MAX_FEATURES} columns of numbers between "
        f"{-MAX_ABS_VALUE:,.0f} and {MAX_ABS_VALUE:,.0f}, at most {UPLOAD_MB} MB. Every column is "
        "predicted one step ahead.",
    )
    c = st.columns(2)
    c[0].button("Use a sample series (a noisy sine)", key="tr_sample", on_click=_use_sample)
    c[1].download_button("Download the sample CSV", sample_csv(), "noisy_sine.csv", key="tr_sample_dl")
    if upload is not None and st.session_state.get(FILE_ID) != upload.file_id:
        st.session_state[FILE_ID] = upload.file_id
        _accept(upload.getvalue(), f"Uploaded {plain(upload.name[:40])}")
    if error := st.session_state.get(ERROR):
        st.error(error)
    kept = st.session_state.get(SERIES)
    if kept is None:
        st.info(
            f"Upload a CSV of {MIN_STEPS} to {MAX_STEPS:,} rows, or use the sample. The cell trains on the "
            f"first {1 - HELD_OUT_FRACTION:.0%} and is tested on the rest against next = current."
        )
        return None
    series, title, series_id = kept
    T = len(series.x)
    st.caption(
        f"{title}: {T} steps × {series.num_features} column(s). The cell trains on the first {series.split} "
        f"values and is tested on the last {T - series.split}."
    )
    return series, series_id
