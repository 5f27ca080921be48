"""Characters in, characters out: a character-level LSTM that reads text, the ground truth of Python's own
tokenizer for every character, and a search for the unit that tracks a feature (docs/read_text.md).

    model = CharModel.load("assets/models/python_chars.safetensors")
    reading = model.read(text)       # .trace (every intermediate), .next_probs (T, K)
    model.sample(200, temperature=0.8, seed=0, prime="def ")
    features = code_features(text)   # one row per character: in_string, in_comment, depth, column, indent …
    rank_units(reading, features["in_string"])   # layer, unit, quantity, score; best first

The network is the project's ``LSTM`` (standard variant) run on one-hot characters; a linear readout
turns the top layer's h_t into scores for the next character. Training is the project's batched trainer
(``train.Model``: truncated backpropagation through time over consecutive chunks, Adam, clipping).
"""

from __future__ import annotations

import io
import json
import math
import time
import tokenize
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import batched
from .losses import cross_entropy
from .network import LSTM
from .trace import Trace
from .train import Adam, Model, clip_grad_norm

# Every character outside a model's alphabet is read as this one symbol (U+FFFD, the replacement character).
FALLBACK = "\ufffd"
# The shipped model's alphabet: newline, printable ASCII, and the fallback (tabs, emoji, other scripts).
PYTHON_ALPHABET = "\n" + "".join(chr(k) for k in range(32, 127)) + FALLBACK
QUANTITIES = ("c", "h", "i", "f", "g", "o")
_FORMAT = "lstm-gate-lab char model"


def encode(text: str, alphabet: str) -> np.ndarray:
    """The index (T,) of every character of ``text`` in ``alphabet``; unknown characters get FALLBACK's."""
    index = {ch: k for k, ch in enumerate(alphabet)}
    fallback = index[FALLBACK]
    return np.fromiter((index.get(ch, fallback) for ch in text), dtype=np.int64, count=len(text))


def alphabet_of(text: str, max_size: int = 96) -> str:
    """An alphabet for ``text``: its ``max_size`` − 1 most frequent characters (sorted) plus FALLBACK."""
    counts: dict[str, int] = {}
    for ch in text:
        counts[ch] = counts.get(ch, 0) + 1
    counts.pop(FALLBACK, None)
    common = sorted(counts, key=lambda ch: (-counts[ch], ch))[: max_size - 1]
    return "".join(sorted(common)) + FALLBACK


def one_hot(codes: np.ndarray, size: int, dtype=np.float64) -> np.ndarray:
    """(…, size) one-hot rows of the integer codes (…)."""
    return np.eye(size, dtype=dtype)[codes]


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax of (…, K) scores."""
    e = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@dataclass(frozen=True)
class Reading:
    """What the model did on one text: ``trace`` over the one-hot input (T steps), ``next_probs`` (T, K)
    = P(next character | text[: t + 1]), the ``codes`` (T,) it read, and where characters fell back."""

    text: str
    codes: np.ndarray
    trace: Trace
    next_probs: np.ndarray
    alphabet: str

    @property
    def unknown(self) -> np.ndarray:
        """Positions (n,) of characters outside the alphabet, read as FALLBACK."""
        return np.flatnonzero(np.array([ch not in self.alphabet or ch == FALLBACK for ch in self.text]))

    def values(self, layer: int, quantity: str) -> np.ndarray:
        """(T, H) values of one quantity (c, h or a gate) of one layer."""
        return np.asarray(getattr(self.trace.layers[layer], quantity))

    def top_guesses(self, t: int, k: int = 5) -> list[tuple[str, float]]:
        """The k likeliest next characters after step t, with their probabilities, likeliest first."""
        p = self.next_probs[t]
        best = np.argsort(-p, kind="stable")[:k]
        return [(self.alphabet[j], float(p[j])) for j in best]


@dataclass(frozen=True)
class CharModel:
    """An ``LSTM`` over one-hot characters plus a readout: scores (T, K) = h_top (T, H) @ W_y (H, K) + b_y."""

    net: LSTM
    W_y: np.ndarray
    b_y: np.ndarray
    alphabet: str
    facts: dict = field(default_factory=dict)  # training facts, as stored in the file's metadata

    @classmethod
    def from_model(cls, model: Model, alphabet: str, facts: dict | None = None) -> CharModel:
        """Freeze a trained ``train.Model`` (input and output size = len(alphabet))."""
        return cls(model.network(), model.W_y.copy(), model.b_y.copy(), alphabet, dict(facts or {}))

    def read(self, text: str) -> Reading:
        """Run the network over ``text`` (at least one character) with a full trace."""
        if not text:
            raise ValueError("the text is empty; type or paste at least one character")
        codes = encode(text, self.alphabet)
        trace = self.net.run(one_hot(codes, len(self.alphabet)))
        probs = softmax(np.asarray(trace.layers[-1].h) @ self.W_y + self.b_y)
        return Reading(text=text, codes=codes, trace=trace, next_probs=probs, alphabet=self.alphabet)

    def bits_per_char(self, text: str) -> float:
        """Mean −log2 P(text[t + 1] | text[: t + 1]) over the text's characters after the first."""
        return float(np.mean(_surprisal_bits(self, encode(text, self.alphabet))))

    def sample(self, n: int, temperature: float = 1.0, seed: int = 0, prime: str = "") -> str:
        """n characters drawn one at a time from softmax(scores / temperature), after reading ``prime``.

        The same seed (and prime, temperature) gives the same text. Without a prime the first character
        is drawn from the prediction after a newline.
        """
        if not 0.05 <= temperature <= 5.0:
            raise ValueError(f"temperature must be between 0.05 and 5, got {temperature!r}")
        rng = np.random.default_rng(seed)
        K, L, H = len(self.alphabet), self.net.num_layers, self.net.hidden_size
        h, c = np.zeros((L, 1, H)), np.zeros((L, 1, H))
        codes = list(encode(prime or "\n", self.alphabet))
        out = []
        for k in range(len(codes) + n - 1):
            x = one_hot(np.array([[codes[k] if k < len(codes) else out[-1]]]), K)
            top, h, c = _step(self.net, x, h, c)
            if k < len(codes) - 1:
                continue
            p = softmax((top[0] @ self.W_y + self.b_y) / temperature)
            out.append(int(rng.choice(K, p=p)))
        return "".join(self.alphabet[j] for j in out)

    # ------------------------------------------------------------ files

    def to_bytes(self) -> bytes:
        """A .safetensors file: the LSTM in the torch layout, ``readout.weight`` (K, H), ``readout.bias``,
        and metadata recording variant, layout, alphabet and the training facts."""
        from safetensors.numpy import save

        arrays = {
            k: np.ascontiguousarray(v, dtype=np.float32) for k, v in self.net.to_weights("torch").items()
        }
        arrays["readout.weight"] = np.ascontiguousarray(self.W_y.T, dtype=np.float32)
        arrays["readout.bias"] = np.ascontiguousarray(self.b_y, dtype=np.float32)
        meta = {
            "format": _FORMAT,
            "variant": self.net.variant,
            "layout": "torch",
            "alphabet": json.dumps(self.alphabet),
            "facts": json.dumps(self.facts),
        }
        return save(arrays, metadata=meta)

    def save(self, path) -> Path:
        path = Path(path)
        path.write_bytes(self.to_bytes())
        return path

    @classmethod
    def from_bytes(cls, data: bytes) -> CharModel:
        """Read ``to_bytes``'s format; a ValueError says what is wrong."""
        arrays, meta = read_char_file(data)
        readout_w = arrays.pop("readout.weight")
        readout_b = arrays.pop("readout.bias")
        net = LSTM.from_weights(arrays, layout="torch", variant=meta["variant"])
        alphabet = json.loads(meta["alphabet"])
        if net.input_size != len(alphabet) or readout_w.shape != (len(alphabet), net.hidden_size):
            raise ValueError("the file's alphabet does not fit its weights")
        return cls(net, readout_w.T.copy(), readout_b.copy(), alphabet, json.loads(meta.get("facts", "{}")))

    @classmethod
    def load(cls, path) -> CharModel:
        return cls.from_bytes(Path(path).read_bytes())


def is_char_file(data: bytes) -> bool:
    """Whether ``data`` is a .safetensors file written by ``CharModel.to_bytes``."""
    try:
        return read_char_file(data)[1].get("format") == _FORMAT
    except ValueError:
        return False


def read_char_file(data: bytes) -> tuple[dict[str, np.ndarray], dict]:
    """(float64 arrays, metadata) of a char-model file; a ValueError if it is not one."""
    from safetensors import SafetensorError
    from safetensors.numpy import load

    try:
        arrays = load(data)
        header_len = int.from_bytes(data[:8], "little")
        meta = json.loads(data[8 : 8 + header_len]).get("__metadata__") or {}
    except (SafetensorError, ValueError, UnicodeDecodeError) as e:
        raise ValueError(f"this is not a readable .safetensors file ({e})") from None
    if meta.get("format") != _FORMAT or "readout.weight" not in arrays or "alphabet" not in meta:
        raise ValueError("this .safetensors file is not a character model (no alphabet and readout)")
    return {k: np.asarray(v, dtype=np.float64) for k, v in arrays.items()}, meta


def _step(net: LSTM, x: np.ndarray, h: np.ndarray, c: np.ndarray):
    """One step of every layer for x (1, B, I): (top h (B, H), new h, new c (L, B, H))."""
    hs, cs, inp = [], [], x
    for k, P in enumerate(net.layers):
        rec = batched.forward_layer(P, inp, h[k], c[k])
        hs.append(rec["h"][-1])
        cs.append(rec["c"][-1])
        inp = rec["h"]
    return inp[-1], np.stack(hs), np.stack(cs)


def _surprisal_bits(model: CharModel, codes: np.ndarray, chunk: int = 2000) -> np.ndarray:
    """−log2 P(codes[t + 1] | codes[: t + 1]) for t < T − 1, reading in chunks that carry the state."""
    K, L, H = len(model.alphabet), model.net.num_layers, model.net.hidden_size
    h, c = np.zeros((L, 1, H)), np.zeros((L, 1, H))
    bits = []
    for start in range(0, len(codes) - 1, chunk):
        piece = codes[start : start + chunk + 1]
        inp = one_hot(piece[:-1], K)[:, None, :]
        hs, cs = [], []
        for k, P in enumerate(model.net.layers):
            rec = batched.forward_layer(P, inp, h[k], c[k])
            hs.append(rec["h"][-1])
            cs.append(rec["c"][-1])
            inp = rec["h"]
        h, c = np.stack(hs), np.stack(cs)
        logits = inp[:, 0] @ model.W_y + model.b_y
        logits = logits - logits.max(axis=-1, keepdims=True)
        log_p = logits[np.arange(len(piece) - 1), piece[1:]] - np.log(np.exp(logits).sum(axis=-1))
        bits.append(-log_p / math.log(2))
    return np.concatenate(bits)


def unigram_bits(train_codes: np.ndarray, eval_codes: np.ndarray, size: int) -> float:
    """Bits per character on ``eval_codes`` of the character frequencies of ``train_codes`` (add-one)."""
    counts = np.bincount(train_codes, minlength=size) + 1.0
    p = counts / counts.sum()
    return float(-np.mean(np.log2(p[eval_codes[1:]])))


# ---------------------------------------------------------------- training


@dataclass(frozen=True)
class CharTrainResult:
    """Steps taken, per-step training loss in bits per character, whether the callback stopped it, seconds."""

    steps: int
    bits: np.ndarray
    stopped: bool
    seconds: float


def new_char_model(alphabet: str, hidden_size: int, num_layers: int = 1, seed: int = 0) -> Model:
    """A fresh trainable model for ``alphabet``: one-hot in, scores for every character out, at every step."""
    K = len(alphabet)
    return Model.create(
        "lstm", K, hidden_size, K, num_layers=num_layers, readout="every", seed=seed, forget_bias=1.0
    )


def train_chars(
    model: Model,
    codes: np.ndarray,
    steps: int,
    seq_len: int = 100,
    batch_size: int = 32,
    lr: float = 2e-3,
    clip: float = 1.0,
    callback: Callable[[int, float], bool | None] | None = None,
    report_every: float = 0.25,
    optimizer: Adam | None = None,
) -> CharTrainResult:
    """Truncated backpropagation through time on one long stream of character codes (N,).

    The stream is cut into ``batch_size`` equal lanes read side by side; each step reads the next
    ``seq_len`` characters of every lane, starting from the state the previous step ended in (so the
    network sees context longer than one chunk, while gradients stop at the chunk's start). At the end
    of the lanes it starts over from zero state. callback(step, bits) as in ``train.train``.
    """
    K = model.output_size
    lane = (len(codes) - 1) // batch_size
    if lane < seq_len + 1:
        raise ValueError(
            f"the text is too short to train on: {len(codes)} characters, need at least "
            f"{batch_size * (seq_len + 1) + 1} for {batch_size} lanes of {seq_len}"
        )
    lanes = np.arange(batch_size)[:, None] * lane
    dtype = model.dtype  # float32 trains about twice as fast (``Model.astype``)
    adam = optimizer or Adam(model.theta.size, lr=lr, dtype=dtype)
    adam.lr = lr
    L, H = model.num_layers, model.hidden_size
    h, c, pos = np.zeros((L, batch_size, H), dtype), np.zeros((L, batch_size, H), dtype), 0
    eye = np.eye(K, dtype=dtype)
    bits = np.empty(steps)
    start = last = time.perf_counter()
    done, stopped = 0, False
    for step in range(1, steps + 1):
        if pos + seq_len + 1 > lane:
            h, c, pos = np.zeros_like(h), np.zeros_like(c), 0
        chunk = codes[lanes + pos + np.arange(seq_len + 1)]  # (B, T + 1)
        out, cache = model.forward(eye[chunk[:, :-1]], h0=h, c0=c)
        loss, dout = cross_entropy(out, chunk[:, 1:])
        grad = model.backward(cache, dout)
        clip_grad_norm(grad, clip)
        adam.step(model.theta, grad)
        h = np.stack([r["h"][-1] for r in cache["layers"]])
        c = np.stack([r["c"][-1] for r in cache["layers"]])
        pos += seq_len
        bits[step - 1], done = loss / math.log(2), step
        now = time.perf_counter()
        if callback is not None and (now - last >= report_every or step == steps):
            last = now
            go_on = callback(step, bits[step - 1])
            if go_on is not None and not go_on:
                stopped = True
                break
    return CharTrainResult(done, bits[:done].copy(), stopped, time.perf_counter() - start)


# ---------------------------------------------------------------- ground truth from the tokenizer

FEATURES = ("in_string", "in_comment", "depth", "column", "indent")
_OPEN, _CLOSE = "([{", ")]}"


def code_features(text: str) -> pd.DataFrame:
    """One row per character of ``text``, what Python's own ``tokenize`` says about it.

    Columns: char; in_string (inside a string literal, its prefix and quotes included; an f-string counts
    whole, its {fields} too, the same on every Python version); in_comment (from # to the line end);
    depth (brackets open after this character, so an opening bracket has its inner depth and a closing
    one the outer; brackets in strings and comments do not count); line, column (0-based, in characters);
    indent (leading spaces and tabs of the character's line); tokenized (False where the tokenizer gave
    up: from an unterminated quote to its line end, or from where it stopped to the end of the text; an
    unterminated string there is marked as in_string to the end, as Python would read it).
    """
    T = len(text)
    lines = text.split("\n")
    starts = np.zeros(len(lines) + 2, dtype=np.int64)
    np.cumsum([len(line) + 1 for line in lines], out=starts[1 : len(lines) + 1])
    starts[-1] = T
    in_string, in_comment = np.zeros(T, bool), np.zeros(T, bool)
    tokenized, delta = np.ones(T, bool), np.zeros(T + 1, np.int64)
    _tokenize_into(text, starts, in_string, in_comment, tokenized, delta)
    line = np.repeat(np.arange(len(lines)), [len(s) + 1 for s in lines])[:T]
    column = np.arange(T) - starts[line]
    indents = np.array([len(s) - len(s.lstrip(" \t")) for s in lines])
    return pd.DataFrame(
        {
            "char": list(text),
            "in_string": in_string,
            "in_comment": in_comment,
            "depth": np.maximum(np.cumsum(delta[:T]), 0),
            "line": line,
            "column": column,
            "indent": indents[line],
            "tokenized": tokenized,
        }
    )


def _tokenize_into(text, starts, in_string, in_comment, tokenized, delta) -> None:
    """Fill the feature arrays from ``tokenize``'s tokens; mark where it gave up (see ``code_features``)."""
    T = len(text)

    def at(row: int, col: int) -> int:
        return min(int(starts[min(row - 1, len(starts) - 1)]) + col, T)

    def line_end(a: int) -> int:
        end = text.find("\n", a)
        return T if end < 0 else end

    fstrings: list[int] = []  # start offsets of open f-strings (Python 3.12+ splits them into tokens)
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            a, b = at(*tok.start), at(*tok.end)
            kind = tokenize.tok_name[tok.type]
            if kind == "FSTRING_START":
                fstrings.append(a)
            elif kind == "FSTRING_END":
                in_string[fstrings.pop() : b] = True
            elif fstrings:
                continue  # inside an f-string's fields: part of the string
            elif kind == "STRING":
                in_string[a:b] = True
            elif kind == "COMMENT":
                in_comment[a:b] = True
            elif kind == "OP" and tok.string in _OPEN:
                delta[a] += 1
            elif kind == "OP" and tok.string in _CLOSE:
                delta[a] -= 1
            elif kind == "ERRORTOKEN" and tok.string.strip():
                tokenized[a : line_end(a)] = False
                if tok.string[0] in "\"'":
                    in_string[a : line_end(a)] = True
    except (tokenize.TokenError, SyntaxError, ValueError) as e:
        row, col = _error_position(e)
        a = at(row, col) if row else 0
        tokenized[a:] = False
        if "string" in str(e):
            in_string[a:] = True


def _error_position(e: Exception) -> tuple[int, int]:
    """(row, col) where the tokenizer stopped; (0, 0) when it does not say."""
    if isinstance(e, tokenize.TokenError) and len(e.args) > 1:
        return int(e.args[1][0]), int(e.args[1][1])
    if isinstance(e, SyntaxError) and e.lineno:
        return int(e.lineno), max(int(e.offset or 1) - 1, 0)
    return 0, 0


# ---------------------------------------------------------------- which unit tracks a feature


def rank_units(reading: Reading, values, quantities: tuple[str, ...] = QUANTITIES) -> pd.DataFrame:
    """Every (layer, unit, quantity) ranked by how well its values over time track ``values`` (T,).

    Boolean values: score = the ROC AUC of the unit's value as a detector of True, or 1 − AUC when the
    unit goes down on True (column direction −1): 1 separates perfectly, 0.5 is chance. Numbers:
    score = |Pearson r| (direction = its sign). A unit that never changes scores 0.5 or 0.
    Returns columns layer, unit, quantity, score, direction; best first (ties: lower layer, unit first).
    """
    v = np.asarray(values)
    T = reading.trace.layers[0].T
    if v.shape != (T,):
        raise ValueError(f"values must have one entry per character, shape ({T},), got shape {v.shape}")
    boolean = v.dtype == bool
    v = v.astype(np.float64)
    if not np.isfinite(v).all():
        raise ValueError("values contain NaN or infinite entries")
    if np.ptp(v) == 0:
        raise ValueError("the pattern is the same at every character; it needs both on and off (or varying)")
    rows = []
    for k, lt in enumerate(reading.trace.layers):
        for q in quantities:
            V = np.asarray(getattr(lt, q))
            raw = _auc(V, v.astype(bool)) if boolean else _pearson(V, v)
            centre = 0.5 if boolean else 0.0
            score = centre + np.abs(raw - centre)
            for unit in range(V.shape[1]):
                rows.append((k, unit, q, float(score[unit]), 1 if raw[unit] >= centre else -1))
    frame = pd.DataFrame(rows, columns=["layer", "unit", "quantity", "score", "direction"])
    return frame.sort_values("score", ascending=False, kind="stable").reset_index(drop=True)


def _auc(V: np.ndarray, positive: np.ndarray) -> np.ndarray:
    """ROC AUC (H,) of every column of V (T, H) as a score for ``positive`` (T,), ties counted half."""
    T, H = V.shape
    lo, span = V.min(axis=0), np.ptp(V, axis=0)
    # one sorted array for all columns: column j's values scaled into [2j, 2j + 1]
    scaled = (V - lo) / np.where(span > 0, span, 1.0) + 2.0 * np.arange(H)
    flat = np.sort(scaled.ravel(order="F"))
    below = np.searchsorted(flat, scaled, "left") - T * np.arange(H)
    not_above = np.searchsorted(flat, scaled, "right") - T * np.arange(H)
    ranks = (below + not_above + 1) / 2.0  # average ranks, 1-based
    n_pos = positive.sum()
    n_neg = T - n_pos
    return (ranks[positive].sum(axis=0) - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def _pearson(V: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Pearson r (H,) of every column of V (T, H) with v (T,); 0 for a constant column."""
    dV, dv = V - V.mean(axis=0), v - v.mean()
    norm = np.sqrt((dV * dV).sum(axis=0) * (dv @ dv))
    return np.divide(dv @ dV, norm, out=np.zeros(V.shape[1]), where=norm > 0)
