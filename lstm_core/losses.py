"""The two losses of the training tasks, each returning (loss, ∂loss/∂output) with PyTorch's conventions
(mean over every prediction), so that a loss computed here and with ``torch.nn.functional`` agree."""

from __future__ import annotations

import numpy as np


def cross_entropy(logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean of −log softmax(logits)[y] over all predictions.

    logits: (..., K) unnormalised class scores; y: (...) integer classes. Returns (loss, dlogits (..., K)).
    """
    shifted = logits - logits.max(axis=-1, keepdims=True)  # exp never overflows
    exp = np.exp(shifted)
    total = exp.sum(axis=-1, keepdims=True)
    log_p_y = np.take_along_axis(shifted, y[..., None], axis=-1)[..., 0] - np.log(total[..., 0])
    count = y.size
    dlogits = exp / total
    np.put_along_axis(
        dlogits, y[..., None], np.take_along_axis(dlogits, y[..., None], axis=-1) - 1.0, axis=-1
    )
    dlogits /= count
    return float(-log_p_y.sum() / count), dlogits


def mse(pred: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean squared error over every element; pred and y have the same shape. Returns (loss, dpred)."""
    diff = pred - y
    return float(np.mean(diff * diff)), diff * (2.0 / diff.size)


LOSSES = {"cross_entropy": cross_entropy, "mse": mse}


def accuracy(logits: np.ndarray, y: np.ndarray) -> float:
    """Fraction of predictions whose highest score is the target class."""
    return float(np.mean(logits.argmax(axis=-1) == y))


def within(pred: np.ndarray, y: np.ndarray, tolerance: float) -> float:
    """Fraction of regression outputs within ``tolerance`` of the target (the regression tasks' accuracy)."""
    return float(np.mean(np.abs(pred - y) < tolerance))
