"""Read the recurrent layers of an ``.onnx`` model (docs/design.md, "Model files") with the onnx package.

Every ``LSTM``, ``GRU`` or ``RNN`` node of the main graph, in graph order, is one layer; its W, R, B (and
the LSTM's P) are initializers or ``Constant`` nodes, as ``torch.onnx.export`` writes them. Settings the
core cannot compute (another direction or activation, clip, input_forget, linear_before_reset=0) are
refused by name. Every bad file gives a ValueError; sizes are checked before any array is made.
"""

from __future__ import annotations

import math

import numpy as np

from .. import cells
from .found import MAX_ARRAY_BYTES, Found

OPS = {"LSTM": "lstm", "GRU": "gru", "RNN": "rnn"}
# The activations each operator uses when the node names none; the core computes only these.
_DEFAULT_ACTIVATIONS = {"LSTM": ["Sigmoid", "Tanh", "Tanh"], "GRU": ["Sigmoid", "Tanh"], "RNN": ["Tanh"]}
_INPUTS = {"W": 1, "R": 2, "B": 3, "P": 7}  # positions in the node's input list (P: LSTM only)


def read(data: bytes) -> Found:
    """The recurrent layers of an ONNX model given as bytes; ValueError for anything else."""
    try:
        return _read(data)
    except ValueError:
        raise
    except Exception as e:  # noqa: BLE001 (a damaged protobuf can fail anywhere; every failure is a refusal)
        raise ValueError(f"this .onnx file is damaged ({type(e).__name__}: {e})") from None


def _read(data: bytes) -> Found:
    import onnx
    from google.protobuf.message import DecodeError

    try:
        model = onnx.load_model_from_string(data)
    except (DecodeError, ValueError, RuntimeError) as e:
        raise ValueError(f"this is not a readable .onnx file ({e})") from None
    graph = model.graph
    tensors = {t.name: t for t in graph.initializer}
    tensors |= {
        n.output[0]: a.t
        for n in graph.node
        if n.op_type == "Constant"
        for a in n.attribute
        if a.name == "value"
    }
    nodes = [n for n in graph.node if n.op_type in OPS]
    if not nodes:
        ops = sorted({n.op_type for n in graph.node})[:8]
        raise ValueError(
            f"this ONNX graph has no LSTM, GRU or RNN node (its operators: {', '.join(ops) or 'none'})"
        )
    if len(ops := sorted({n.op_type for n in nodes})) > 1:
        raise ValueError(f"this ONNX graph mixes {' and '.join(ops)} nodes; one kind of layer is read")
    layers = [_layer(n, tensors, onnx) for n in nodes]
    kind = OPS[nodes[0].op_type]
    variant = "peephole" if kind == "lstm" and any("P" in w for w in layers) else "standard"
    if cells.get(variant).peepholes:  # a stack where only some nodes have peepholes: the others' are zero
        for w in layers:
            w.setdefault("P", np.zeros((1, 3 * w["R"].shape[-1])))
    for w in layers:
        w.setdefault("B", np.zeros((1, 2 * w["W"].shape[1])))
    return Found(kind=kind, layout="onnx", variant=variant, layers=layers, source="ONNX model")


def _layer(node, tensors, onnx) -> dict[str, np.ndarray]:
    """W, R and B (and P) of one node, after checking its attributes."""
    attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
    where = f"ONNX {node.op_type} node {node.name or node.output[0]!r}"
    direction = _text(attrs.get("direction", b"forward"))
    if direction != "forward":
        raise ValueError(f"{where} has direction={direction!r}; the core runs forward layers only")
    activations = [_text(a) for a in attrs.get("activations", [])]
    if activations and [a.lower() for a in activations] != [
        a.lower() for a in _DEFAULT_ACTIVATIONS[node.op_type]
    ]:
        raise ValueError(
            f"{where} has activations={activations!r}; the core computes "
            f"{_DEFAULT_ACTIVATIONS[node.op_type]!r} only"
        )
    if "clip" in attrs:
        raise ValueError(
            f"{where} has clip={attrs['clip']!r}; the core does not clip the cell's pre-activations"
        )
    if attrs.get("input_forget", 0):
        raise ValueError(f"{where} has input_forget={attrs['input_forget']!r}; the core's f is its own gate")
    if node.op_type == "GRU" and attrs.get("linear_before_reset", 0) != 1:
        raise ValueError(
            f"{where} has linear_before_reset={attrs.get('linear_before_reset', 0)!r}; the core's GRU (as "
            "PyTorch's) applies the reset gate after the recurrent product, linear_before_reset=1"
        )
    out = {}
    for name, pos in _INPUTS.items():
        if name == "P" and node.op_type != "LSTM":
            continue
        if pos >= len(node.input) or not node.input[pos]:
            if name in ("W", "R"):
                raise ValueError(f"{where} has no input {name}")
            continue
        if node.input[pos] not in tensors:
            raise ValueError(
                f"{where}: input {name} ({node.input[pos]!r}) is computed by the graph, not stored in it; "
                "export with constant folding (torch.onnx.export does so by default)"
            )
        out[name] = _array(tensors[node.input[pos]], f"{where} input {name}", onnx)
    return out


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _array(tensor, where: str, onnx) -> np.ndarray:
    """A stored tensor as float64, its declared size checked before numpy allocates it."""
    from onnx import numpy_helper

    if tensor.data_location == onnx.TensorProto.EXTERNAL:
        raise ValueError(f"{where} is stored in a separate file; save the model with its weights inside")
    if tensor.data_type not in (onnx.TensorProto.FLOAT, onnx.TensorProto.DOUBLE, onnx.TensorProto.FLOAT16):
        raise ValueError(f"{where} holds {onnx.TensorProto.DataType.Name(tensor.data_type)} data, not floats")
    dims = list(tensor.dims)
    if any(d < 0 for d in dims) or math.prod(dims) * 8 > MAX_ARRAY_BYTES:
        raise ValueError(f"{where} declares shape {tuple(dims)}, more than this app reads")
    try:
        return numpy_helper.to_array(tensor).astype(np.float64)
    except (ValueError, TypeError) as e:
        raise ValueError(f"{where} is damaged ({e})") from None
