"""The one place the app runs the core: cached on plain parameters, so views only read the result."""

from __future__ import annotations

import numpy as np
import streamlit as st

from lstm_core import LSTM, Trace


@st.cache_data(max_entries=64, show_spinner=False)
def run_random(variant: str, hidden: int, layers: int, seed: int, x: np.ndarray) -> Trace:
    """A randomly initialised network of these sizes run on x (T, I); I is taken from x."""
    net = LSTM.random(
        input_size=x.shape[1], hidden_size=hidden, num_layers=layers, variant=variant, seed=seed
    )
    return net.run(x)


def net_for(settings) -> LSTM:
    return LSTM.random(
        settings.x.shape[1], settings.hidden_size, settings.num_layers, settings.variant, seed=settings.seed
    )


def trace_for(settings) -> Trace:
    """The trace every view of a page reads: the settings' network run on the settings' sequence."""
    return run_random(
        settings.variant, settings.hidden_size, settings.num_layers, settings.seed, np.asarray(settings.x)
    )
