"""LSTM Gate Lab's NumPy core: an LSTM that records every intermediate of every step.

Only NumPy and pandas are used here (h5py and onnx read model files); the app's Streamlit and Plotly code
lives in ``ui/`` and ``views/``. ``load(path)`` reads any supported weight or model file into an
``LSTM``, ``GRU`` or ``RNN`` (docs/design.md).
"""

from . import cells
from .cell import VARIANTS
from .comparison_cells import GRU, RNN
from .layouts import LAYOUTS, LAYOUTS_OF_VARIANT, detect
from .layouts.files import load
from .network import LSTM
from .networks import network_class
from .trace import LayerTrace, StepRecord, Trace

# Every cell the app's pages can show, in the cell table's order: the four LSTM variants, the GRU, the RNN.
CELL_VARIANTS = tuple(cells.REGISTRY)

__all__ = [
    "CELL_VARIANTS",
    "GRU",
    "LAYOUTS",
    "LAYOUTS_OF_VARIANT",
    "LSTM",
    "RNN",
    "VARIANTS",
    "LayerTrace",
    "StepRecord",
    "Trace",
    "detect",
    "load",
    "network_class",
]
