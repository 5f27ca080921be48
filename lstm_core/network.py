"""A stack of LSTM layers: build it, convert its weights, and run it into a Trace."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import backward as backward_pass
from . import cells, layouts
from . import weights as weights_io
from .cell import VARIANTS, LayerParams, check_variant, run_layer
from .trace import LayerTrace, Trace


def check_sizes(**sizes) -> None:
    """A ValueError naming the first size that is not a whole number of at least 1."""
    for label, value in sizes.items():
        if int(value) != value or value < 1:
            raise ValueError(f"{label} must be a whole number of at least 1, got {value!r}")


def uniform_weights(shapes: dict[str, tuple], hidden_size: int, seed: int, scale: float | None) -> dict:
    """One array per key of ``shapes``, drawn uniformly from (-scale, scale); scale = 1/sqrt(H) by
    default, as PyTorch initialises its recurrent layers."""
    rng = np.random.default_rng(seed)
    scale = 1.0 / np.sqrt(hidden_size) if scale is None else scale
    return {key: rng.uniform(-scale, scale, size=shape) for key, shape in shapes.items()}


class LayerStack:
    """What every stack of layers shares (LSTM, RNN, GRU): its sizes and the checks on x, h0 and c0."""

    layers: tuple

    @property
    def input_size(self) -> int:
        return self.layers[0].input_size

    @property
    def hidden_size(self) -> int:
        return self.layers[0].hidden_size

    @property
    def num_layers(self) -> int:
        return len(self.layers)

    def _check_input(self, x) -> np.ndarray:
        x = np.array(x, dtype=np.float64)  # a copy: the trace freezes it, the caller's array stays writable
        if x.ndim == 1 and self.input_size == 1:
            x = x[:, None]
        if x.ndim != 2 or x.shape[1] != self.input_size or x.shape[0] < 1:
            raise ValueError(f"x must have shape (T, {self.input_size}) with T ≥ 1, got shape {x.shape}")
        if not np.isfinite(x).all():
            raise ValueError("x contains NaN or infinite values; every input must be a finite number")
        return x

    def _check_state(self, s, label) -> np.ndarray:
        shape = (self.num_layers, self.hidden_size)
        if s is None:
            return np.zeros(shape)
        s = np.asarray(s, dtype=np.float64)
        if s.shape != shape:
            raise ValueError(
                f"{label} must have shape {shape} (num_layers, hidden_size), got shape {s.shape}"
            )
        if not np.isfinite(s).all():
            raise ValueError(f"{label} contains NaN or infinite values")
        return s


class LSTM(LayerStack):
    """An LSTM of ``num_layers`` layers of ``hidden_size`` units, in one of the ``VARIANTS`` (the LSTM
    cells of the cell table, ``lstm_core/cells``).

    Build one with ``LSTM.random`` or ``LSTM.from_weights``; ``run`` returns a ``Trace`` holding every
    intermediate. The object is immutable: weights go in through a constructor and out through
    ``to_weights``.
    """

    def __init__(self, layers: tuple[LayerParams, ...]):
        self.layers = tuple(layers)
        self.variant = self.layers[0].variant

    @property
    def spec(self) -> cells.CellSpec:
        """The cell's entry in the cell table (lstm_core/cells)."""
        return cells.get(self.variant)

    def __repr__(self) -> str:
        return (
            f"LSTM(variant={self.variant!r}, input_size={self.input_size}, "
            f"hidden_size={self.hidden_size}, num_layers={self.num_layers})"
        )

    @classmethod
    def random(
        cls,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        variant: str = "standard",
        seed: int = 0,
        scale: float | None = None,
    ) -> LSTM:
        """Weights drawn uniformly from (-scale, scale), scale = 1/sqrt(H) by default as in PyTorch."""
        check_variant(variant)
        check_sizes(input_size=input_size, hidden_size=hidden_size, num_layers=num_layers)
        layout = cells.get(variant).default_layout
        spec = layouts.expected_shapes(layout, variant, input_size, hidden_size, num_layers)
        return cls.from_weights(
            uniform_weights(spec, hidden_size, seed, scale), layout=layout, variant=variant
        )

    @classmethod
    def from_weights(cls, weights: dict[str, np.ndarray], layout: str, variant: str = "standard") -> LSTM:
        """Read a weight dict in ``layout`` (torch, keras, seed, udacity, tf1, onnx; docs/design.md §3).

        Raises ValueError naming the key, the expected shape and the shape given for any missing, extra,
        misshapen or non-finite weight, and for a layout that cannot express the variant.
        """
        w, _, _, num_layers = layouts.validate(weights, layout, variant)
        return cls(layouts.to_params(w, layout, variant, num_layers))

    def to_weights(self, layout: str | None = None) -> dict[str, np.ndarray]:
        """The weights as a fresh dict in ``layout`` (default: torch for standard, else the variant's own)."""
        return layouts.from_params(self.layers, layout or self.spec.default_layout)

    def run(
        self,
        x: np.ndarray,
        h0: np.ndarray | None = None,
        c0: np.ndarray | None = None,
        clamp: dict[str, float] | None = None,
    ) -> Trace:
        """Run the sequence x (T, input_size) from h0, c0 (num_layers, H), zeros by default.

        Every layer reads the whole sequence of the layer below; the trace records every step of each.
        clamp: {gate: value} fixes gates i, f, g or o to a constant in every layer (a what-if experiment).
        """
        x = self._check_input(x)
        h0 = self._check_state(h0, "h0")
        c0 = self._check_state(c0, "c0")
        traces, inp = [], x
        for k, params in enumerate(self.layers):
            out = run_layer(params, inp, h0[k], c0[k], clamp)
            traces.append(LayerTrace.from_run(self.variant, inp, out))
            inp = traces[-1].h
        return Trace(variant=self.variant, x=traces[0].x, layers=tuple(traces))

    def backward(self, trace: Trace, dh: np.ndarray, layout: str | None = None) -> backward_pass.Gradients:
        """Backpropagate dh (T, H) = ∂Loss/∂h_t of the top layer through ``trace`` (made by ``run``).

        Returns a ``Gradients`` mapping keyed like ``to_weights(layout)`` (default: seed, or udacity for
        the udacity variant; torch and keras for standard) with the state gradients of every layer in
        ``.layers[k].dh``, ``.dc``, … See ``lstm_core.backward``.
        """
        return backward_pass.backward(self, trace, dh, layout)

    def gate_names(self) -> tuple[str, ...]:
        """The gates that have weights in this variant, in the core's stacking order."""
        return self.spec.gates

    def save(self, path, layout: str | None = None):
        """Write the weights to a .npz, .json or .safetensors file that records variant and layout."""
        layout = layout or self.spec.default_layout
        return weights_io.save_weights(path, self.to_weights(layout), self.variant, layout)

    @classmethod
    def load(cls, path, variant: str | None = None, layout: str | None = None) -> LSTM:
        """Read a weight file; if ``variant``/``layout`` are given, they must match what the file records."""
        wf = weights_io.load_weights(path)
        if wf.variant not in VARIANTS:
            raise ValueError(
                f"{Path(path).name}: the file holds a {wf.variant.upper()}, not an LSTM; read it with "
                f"lstm_core.load or lstm_core.{wf.variant.upper()}"
            )
        for label, wanted, found in (("variant", variant, wf.variant), ("layout", layout, wf.layout)):
            if wanted is not None and wanted != found:
                raise ValueError(f"{Path(path).name}: expected {label} {wanted!r}, the file holds {found!r}")
        return cls.from_weights(wf.weights, layout=wf.layout, variant=wf.variant)
