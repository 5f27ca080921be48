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


@st.cache_data(max_entries=16, show_spinner=False)
def run_weights(variant: str, layout: str, weights: dict[str, np.ndarray], x: np.ndarray) -> Trace:
    """Loaded or trained weights run on x (T, I)."""
    return LSTM.from_weights(weights, layout=layout, variant=variant).run(x)


def trace_for(settings) -> Trace:
    """The trace every view of a page reads: the settings' network run on the settings' sequence."""
    if (loaded := settings.loaded) is not None:
        return run_weights(loaded.variant, loaded.layout, loaded.weights, np.asarray(settings.x))
    return run_random(
        settings.variant, settings.hidden_size, settings.num_layers, settings.seed, np.asarray(settings.x)
    )
