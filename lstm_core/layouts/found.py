"""What a model-file reader found (docs/design.md, "Model files"): the recurrent layers, in one layout."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..weights import MAX_FILE_BYTES

# No array read from a model file may be larger than the largest file accepted, so a header that
# claims a huge shape is refused before numpy allocates it.
MAX_ARRAY_BYTES = MAX_FILE_BYTES


@dataclass
class Found:
    """kind: "lstm", "gru" or "rnn"; layers: bottom first, each keyed by the names of ``layout``'s module
    (keras: kernel, recurrent_kernel, bias; onnx: W, R, B, P); notices: what the reader could not check."""

    kind: str
    layout: str
    variant: str
    layers: list[dict[str, np.ndarray]]
    source: str
    notices: list[str] = field(default_factory=list)
