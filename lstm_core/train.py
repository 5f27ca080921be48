"""Training a recurrent network (an LSTM of any variant, a plain RNN or a GRU) with a linear readout.

The batched path runs B sequences at once, time-major inside: the same per-layer kernels as the single
trace (``batched``/``backward`` for the LSTM, ``comparison_cells`` for RNN and GRU), so its numbers agree with
``run``/``backward`` sequence by sequence. Every parameter lives in one flat vector ``Model.theta`` (the
layers' arrays are views into it), so Adam and clipping are a handful of whole-vector operations.

    model = Model.for_task(task, kind="lstm", hidden_size=8, seed=0)
    result = train(model, task, steps=500, lr=1e-2, clip=1.0, batch_size=32, seed=0, callback=cb)
    net = model.network()            # an immutable LSTM / RNN / GRU with the learnt weights

Conventions follow PyTorch (``nn.Linear`` initialisation, mean-reduced losses, ``optim.Adam``,
``clip_grad_norm_``) so that ``benchmarks/train_vs_torch.py`` can run the identical computation in both.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import backward as lstm_backward
from . import batched
from . import comparison_cells as cells
from .cell import LayerParams, check_variant
from .comparison_cells import GRU, RNN, CellParams
from .network import LSTM
from .networks import BY_FAMILY
from .tasks import Task

KINDS = ("lstm", "rnn", "gru")
READOUTS = ("last", "every")


def _layer_arrays(P) -> dict[str, np.ndarray]:
    """The trainable arrays of one layer, by name. The LSTM keeps PyTorch's two biases (both get db)."""
    names = ["W_x", "W_h", "b_x", "b_h"]
    if isinstance(P, LayerParams):
        names += list(P.spec.extra_params)  # p (peephole), W_u and b_u (udacity)
    return {name: getattr(P, name) for name in names}


class Model:
    """A recurrent core plus a linear readout y = h @ W_y + b_y, trained in place.

    readout "last": one output (B, K) from h at the last step; "every": outputs (B, T, K) at every step.
    dropout: the probability of zeroing an input unit of layers 1.. (between stacked layers, as in
    ``torch.nn.LSTM``), active only when ``forward`` gets an ``rng``; the masks are returned in the cache.
    """

    def __init__(
        self,
        network: LSTM | RNN | GRU,
        output_size: int,
        readout: str = "last",
        dropout: float = 0.0,
        seed: int = 0,
        W_y: np.ndarray | None = None,
        b_y: np.ndarray | None = None,
        dtype=np.float64,
    ):
        if readout not in READOUTS:
            raise ValueError(f"readout must be one of {', '.join(READOUTS)}, got {readout!r}")
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {dropout!r}")
        self.kind = "lstm" if isinstance(network, LSTM) else network.kind
        self.variant = network.variant
        self.readout, self.dropout = readout, float(dropout)
        H, K = network.hidden_size, int(output_size)
        if W_y is None or b_y is None:
            # torch.nn.Linear's default: U(−1/√fan_in, 1/√fan_in) for weight and bias
            rng = np.random.default_rng((seed, 1))
            bound = 1.0 / math.sqrt(H)
            W_y = rng.uniform(-bound, bound, size=(K, H)).T
            b_y = rng.uniform(-bound, bound, size=K)
        arrays = [(f"l{k}.{n}", a) for k, P in enumerate(network.layers) for n, a in _layer_arrays(P).items()]
        arrays += [("readout.W_y", np.asarray(W_y, dtype=np.float64)), ("readout.b_y", np.asarray(b_y))]
        sizes = [a.size for _, a in arrays]
        # float32 halves the memory traffic and doubles BLAS throughput; ``network()`` is float64 either way
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64, got {self.dtype}")
        self.theta = np.empty(sum(sizes), dtype=self.dtype)  # every parameter, in one vector
        self.grad = np.zeros_like(self.theta)
        self.params, self.grads, start = {}, {}, 0
        for (name, a), size in zip(arrays, sizes, strict=True):
            self.params[name] = self.theta[start : start + size].reshape(a.shape)
            self.params[name][...] = a
            self.grads[name] = self.grad[start : start + size].reshape(a.shape)
            start += size
        self.layers = tuple(self._layer_view(k, P) for k, P in enumerate(network.layers))
        self.W_y, self.b_y = self.params["readout.W_y"], self.params["readout.b_y"]
        self.input_size, self.hidden_size = network.input_size, H
        self.num_layers, self.output_size = network.num_layers, K
        self.state_grads: list[dict] | None = None  # filled by backward

    def _layer_view(self, k: int, P):
        views = {n: self.params[f"l{k}.{n}"] for n in _layer_arrays(P)}
        if isinstance(P, LayerParams):
            return LayerParams(P.variant, **views)
        return CellParams(P.kind, **views)

    @classmethod
    def create(
        cls,
        kind: str = "lstm",
        input_size: int = 1,
        hidden_size: int = 8,
        output_size: int = 2,
        num_layers: int = 1,
        variant: str = "standard",
        readout: str = "last",
        dropout: float = 0.0,
        seed: int = 0,
        forget_bias: float = 0.0,
        dtype=np.float64,
    ) -> Model:
        """A fresh model: recurrent weights U(−1/√H, 1/√H) drawn from ``seed`` as in ``LSTM.random``.

        forget_bias: added to the forget gate's bias of every LSTM layer (the no_forget variant has none).
        A positive value (Gers et al. 2000; Jozefowicz et al. 2015 use 1) starts f near 1, so memory and
        gradient survive many steps from the first update on.
        dtype: float64 (the reference) or float32 (the fast path; the same draws, rounded once).
        """
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
        if kind == "lstm":
            check_variant(variant)
            net = LSTM.random(input_size, hidden_size, num_layers, variant=variant, seed=seed)
            if forget_bias and "f" in net.gate_names():
                for P in net.layers:
                    P.block(P.b_x, "f")[...] += forget_bias  # a fresh network nobody else holds
        else:
            net = BY_FAMILY[kind].random(input_size, hidden_size, num_layers, seed=seed)
        return cls(net, output_size, readout=readout, dropout=dropout, seed=seed, dtype=dtype)

    @classmethod
    def for_task(cls, task: Task, kind: str = "lstm", hidden_size: int = 8, **options) -> Model:
        """A fresh model whose input, output and readout fit ``task``; options as in ``create``."""
        return cls.create(
            kind, task.input_size, hidden_size, task.output_size, readout=task.readout, **options
        )

    def __repr__(self) -> str:
        core = self.variant if self.kind == "lstm" else self.kind
        return (
            f"Model({core}, input_size={self.input_size}, hidden_size={self.hidden_size}, "
            f"num_layers={self.num_layers}, output_size={self.output_size}, readout={self.readout!r})"
        )

    @property
    def num_parameters(self) -> int:
        return self.theta.size

    def astype(self, dtype) -> Model:
        """A copy of this model (weights, readout, options) whose training runs in ``dtype``."""
        return Model(
            self.network(),
            self.output_size,
            self.readout,
            self.dropout,
            W_y=self.W_y,
            b_y=self.b_y,
            dtype=dtype,
        )

    def network(self) -> LSTM | RNN | GRU:
        """The recurrent core as an immutable network with a float64 copy of the current weights."""
        copies = tuple(
            type(P)(
                P.variant if isinstance(P, LayerParams) else P.kind,
                **{n: a.astype(np.float64) for n, a in _layer_arrays(P).items()},
            )
            for P in self.layers
        )
        return BY_FAMILY[self.kind](copies)

    # ------------------------------------------------------------ the batched path

    def forward(
        self,
        x: np.ndarray,
        rng: np.random.Generator | None = None,
        h0: np.ndarray | None = None,
        c0: np.ndarray | None = None,
    ) -> tuple[np.ndarray, dict]:
        """Run a batch x (B, T, I); return (out, cache).

        out: (B, K) for readout "last", (B, T, K) for "every". h0, c0: (num_layers, H) or
        (num_layers, B, H), zeros by default. rng: draws the dropout masks (no dropout without it).
        cache: "layers" (each layer's forward record, time-major (T, B, ·), see ``batched``), "masks"
        (per layer the (T, B, H) dropout mask applied to its input, already divided by 1 − p, or None).
        """
        x = np.asarray(x, dtype=self.dtype)
        if x.ndim != 3 or x.shape[2] != self.input_size:
            raise ValueError(f"x must have shape (B, T, {self.input_size}), got shape {x.shape}")
        B, T = x.shape[0], x.shape[1]
        H = self.hidden_size
        h0 = batched.initial_state(h0, self.num_layers, B, H, "h0", self.dtype)
        c0 = batched.initial_state(c0, self.num_layers, B, H, "c0", self.dtype)
        layer_forward = batched.forward_layer if self.kind == "lstm" else cells.forward_layer
        inp = np.ascontiguousarray(x.transpose(1, 0, 2))  # time-major: step t is one contiguous block
        records, masks = [], []
        for k, P in enumerate(self.layers):
            mask = None
            if k > 0 and self.dropout > 0.0 and rng is not None:
                mask = ((rng.random((T, B, H)) >= self.dropout) / (1.0 - self.dropout)).astype(self.dtype)
                inp = inp * mask
            masks.append(mask)
            records.append(layer_forward(P, inp, h0[k], c0[k]))
            inp = records[-1]["h"]
        if self.readout == "last":
            out = inp[-1] @ self.W_y + self.b_y
        else:
            out = (inp @ self.W_y + self.b_y).transpose(1, 0, 2)
        return out, {"layers": records, "masks": masks}

    def backward(self, cache: dict, dout: np.ndarray) -> np.ndarray:
        """Fill and return ``self.grad`` (flat, like ``theta``) from dout = ∂loss/∂out of ``forward``.

        Also stores ``self.state_grads``: per layer the (T, B, H) total ∂loss/∂h_t ("dh") and, for the LSTM,
        ∂loss/∂c_t ("dc"), for gradient-flow plots of a whole batch.
        """
        records, masks = cache["layers"], cache["masks"]
        h_top = records[-1]["h"]
        T, B, H = h_top.shape
        if self.readout == "last":
            self.grads["readout.W_y"][...] = h_top[-1].T @ dout
            self.grads["readout.b_y"][...] = dout.sum(axis=0)
            dH = np.zeros((T, B, H), dtype=self.dtype)
            dH[-1] = dout @ self.W_y.T  # the loss looks at the last step only
        else:
            K = dout.shape[-1]
            dout_t = np.ascontiguousarray(dout.transpose(1, 0, 2)).reshape(T * B, K)  # one copy, two products
            self.grads["readout.W_y"][...] = h_top.reshape(T * B, H).T @ dout_t
            self.grads["readout.b_y"][...] = dout.sum(axis=(0, 1))
            dH = (dout_t @ np.ascontiguousarray(self.W_y.T)).reshape(T, B, H)
        self.state_grads = [None] * self.num_layers
        for k in range(self.num_layers - 1, -1, -1):
            P = self.layers[k]
            if self.kind == "lstm":
                g, states = lstm_backward.backward_layer(P, records[k], dH, need_dx=k > 0)
                g = g | {"b_x": g["b"], "b_h": g["b"]}  # the cell adds both biases
            else:
                g, states = cells.backward_layer(P, records[k], dH)
            for name in _layer_arrays(P):
                self.grads[f"l{k}.{name}"][...] = g[name]
            self.state_grads[k] = {"dh": states["dh"], "dc": states.get("dc")}
            dH = states.get("dx")  # None below the bottom layer, which needs no input gradient
            if masks[k] is not None:
                dH = dH * masks[k]  # dropped units passed nothing up, so they get nothing back
        return self.grad

    def loss_and_grad(self, task: Task, x, y, rng=None) -> tuple[float, float, np.ndarray]:
        """(loss, metric, flat gradient) of ``task`` on one batch."""
        out, cache = self.forward(x, rng)
        loss, dout = task.loss(out, y)
        return loss, task.metric(out, y), self.backward(cache, dout)

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Outputs for a batch x (B, T, I) without dropout."""
        return self.forward(x)[0]

    # ------------------------------------------------------------ one sequence, with a full trace

    def sequence_gradients(self, task: Task, x: np.ndarray, y: np.ndarray) -> SequenceGradients:
        """Run one sequence x (T, I) through ``network().run``, apply the readout and the task's loss to
        the target y (one sequence's target, e.g. ``task.batch(1, rng)[1][0]``), and backpropagate with
        ``network().backward``: the trace and the gradients of every intermediate, for one example."""
        net = self.network()
        trace = net.run(x)
        h = trace.h
        if self.readout == "last":
            out = h[-1] @ self.W_y + self.b_y
            loss, dout = task.loss(out[None], np.asarray(y)[None])
            dh = np.zeros_like(h)
            dh[-1] = dout[0] @ self.W_y.T
        else:
            out = h @ self.W_y + self.b_y
            loss, dout = task.loss(out[None], np.asarray(y)[None])
            dh = dout[0] @ self.W_y.T
        return SequenceGradients(trace=trace, grads=net.backward(trace, dh), out=out, loss=loss, dh=dh)


@dataclass(frozen=True)
class SequenceGradients:
    """One sequence's forward trace, its gradients (``Gradients``: ``.layers[k].dh`` …), the readout's
    output, the loss, and dh (T, H) = ∂loss/∂h_t of the top layer read directly by the readout."""

    trace: object
    grads: lstm_backward.Gradients
    out: np.ndarray
    loss: float
    dh: np.ndarray


# ---------------------------------------------------------------- optimiser and clipping


class SGD:
    """Plain gradient descent, theta ← theta − lr · grad (``torch.optim.SGD`` without momentum).

    Unlike Adam, whose step is about lr whatever the gradient's size, SGD's step grows with the gradient:
    the optimiser under which an exploding gradient throws the weights away and clipping visibly helps.
    """

    def __init__(self, size: int, lr: float = 1e-2):
        self.lr, self.t = lr, 0

    def step(self, theta: np.ndarray, grad: np.ndarray) -> None:
        """Update theta in place from grad."""
        self.t += 1
        theta -= self.lr * grad


OPTIMIZERS = ("adam", "sgd")


class Adam:
    """Adam (Kingma & Ba 2015) on one flat parameter vector, step for step ``torch.optim.Adam``'s formula
    (bias-corrected, eps added after the square root)."""

    def __init__(
        self,
        size: int,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        dtype=np.float64,
    ):
        self.lr, self.betas, self.eps = lr, betas, eps
        # the running means of the gradient and its square, in theta's dtype (as torch keeps them)
        self.m, self.v = np.zeros(size, dtype=dtype), np.zeros(size, dtype=dtype)
        self.t = 0
        self._scratch = np.empty(size, dtype=dtype)

    def step(self, theta: np.ndarray, grad: np.ndarray) -> None:
        """Update theta in place from grad."""
        self.t += 1
        beta1, beta2 = self.betas
        m, v, s = self.m, self.v, self._scratch
        np.subtract(grad, m, out=s)
        s *= 1.0 - beta1
        m += s  # m ← m + (1 − β1)(g − m), torch's lerp
        np.multiply(grad, grad, out=s)
        s *= 1.0 - beta2
        v *= beta2
        v += s
        step_size = self.lr / (1.0 - beta1**self.t)
        np.sqrt(v, out=s)
        s /= math.sqrt(1.0 - beta2**self.t)
        s += self.eps
        np.divide(m, s, out=s)
        s *= step_size
        theta -= s


def clip_grad_norm(grad: np.ndarray, max_norm: float) -> float:
    """Scale grad in place so its Euclidean norm is at most max_norm (as ``torch.nn.utils.clip_grad_norm_``,
    including its 1e-6 guard); return the norm before clipping."""
    norm = math.sqrt(float(np.dot(grad, grad)))
    coef = max_norm / (norm + 1e-6)
    if coef < 1.0:
        grad *= coef
    return norm


# ---------------------------------------------------------------- the loop


@dataclass(frozen=True)
class TrainResult:
    """What a ``train`` call did: steps taken, per-step batch loss and metric, whether the callback
    stopped it early, the wall time in seconds, and the Adam state (pass it back to continue)."""

    steps: int
    losses: np.ndarray
    accuracies: np.ndarray
    grad_norms: np.ndarray
    stopped: bool
    seconds: float
    optimizer: Adam | SGD


def train(
    model: Model,
    task: Task,
    steps: int = 500,
    lr: float = 1e-2,
    clip: float | None = 1.0,
    batch_size: int = 32,
    seed: int = 0,
    callback: Callable[[int, float, float], bool | None] | None = None,
    report_every: float = 0.25,
    optimizer: Adam | SGD | None = None,
    method: str = "adam",
) -> TrainResult:
    """Train ``model`` in place on fresh batches of ``task`` (Adam or plain SGD); deterministic per seed.

    clip: maximum global gradient norm; None (or 0) switches clipping off.
    callback(step, loss, accuracy) gets the latest batch's loss and metric (measured before that batch's
    update) whenever ``report_every`` seconds have passed, and after the last step; returning False stops
    training, keeping every update made so far. Pass ``optimizer`` (an earlier result's ``optimizer``) to
    continue with its moments; otherwise a fresh optimiser of ``method`` ("adam" or "sgd") starts. The
    data stream depends on ``seed`` only, so a continued run should get a new seed to see new batches.
    """
    if (model.input_size, model.output_size, model.readout) != (
        task.input_size,
        task.output_size,
        task.readout,
    ):
        raise ValueError(
            f"the model (input {model.input_size}, output {model.output_size}, readout {model.readout!r}) "
            f"does not fit task {task.name!r} (input {task.input_size}, output {task.output_size}, "
            f"readout {task.readout!r})"
        )
    if method not in OPTIMIZERS:
        raise ValueError(f"method must be one of {', '.join(OPTIMIZERS)}, got {method!r}")
    data_rng = np.random.default_rng((seed, 0))
    dropout_rng = np.random.default_rng((seed, 1)) if model.dropout > 0.0 else None
    fresh = Adam if method == "adam" else SGD
    adam = optimizer if optimizer is not None else fresh(model.theta.size, lr=lr)
    adam.lr = lr
    losses, accuracies, norms = np.empty(steps), np.empty(steps), np.empty(steps)
    start = last_report = time.perf_counter()
    done, stopped = 0, False
    for step in range(1, steps + 1):
        x, y = task.batch(batch_size, data_rng)
        loss, acc, grad = model.loss_and_grad(task, x, y, dropout_rng)
        norms[step - 1] = clip_grad_norm(grad, clip) if clip else math.sqrt(float(grad @ grad))
        adam.step(model.theta, grad)
        losses[step - 1], accuracies[step - 1], done = loss, acc, step
        now = time.perf_counter()
        if callback is not None and (now - last_report >= report_every or step == steps):
            last_report = now
            go_on = callback(step, loss, acc)
            if go_on is not None and not go_on:  # None (no return) continues; False or np.False_ stop
                stopped = True
                break
    return TrainResult(
        steps=done,
        losses=losses[:done].copy(),
        accuracies=accuracies[:done].copy(),
        grad_norms=norms[:done].copy(),
        stopped=stopped,
        seconds=time.perf_counter() - start,
        optimizer=adam,
    )


def evaluate(model: Model, task: Task, batch_size: int = 512, seed: int = 12345) -> tuple[float, float]:
    """(loss, metric) on one fresh batch of ``task`` drawn from ``seed``, without dropout."""
    x, y = task.batch(batch_size, np.random.default_rng(seed))
    out = model.predict(x)
    return task.loss(out, y)[0], task.metric(out, y)
