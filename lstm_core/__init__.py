"""LSTM Gate Lab's NumPy core: an LSTM that records every intermediate of every step.

Only NumPy and pandas are used here; the app's Streamlit and Plotly code lives in ``ui/`` and ``pages/``.
"""

from .cell import VARIANTS
from .layouts import LAYOUTS, LAYOUTS_OF_VARIANT, detect
from .network import LSTM
from .trace import LayerTrace, StepRecord, Trace

__all__ = ["LAYOUTS", "LAYOUTS_OF_VARIANT", "LSTM", "VARIANTS", "LayerTrace", "StepRecord", "Trace", "detect"]
