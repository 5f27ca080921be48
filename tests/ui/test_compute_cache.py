"""``ui/compute.py``'s caches are keyed by every parameter that changes the numbers.

Several learners share one server process and so one trace cache (``compute.trace_store``): a key that
missed a parameter would hand one learner's trace to another. Each test asks the cache for two inputs that
differ in exactly one way that changes the result (same shapes, same length), and checks each answer against
the core run directly, not just that the two differ.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from lstm_core import LSTM
from lstm_core import weights as weight_files
from lstm_core.sequences import MAX_FEATURES, MAX_STEPS, make_preset
from ui import compute
from ui.controls import Settings
from ui.loaded import LoadedNet
from ui.state import MAX_HIDDEN, ViewState

ROOT = Path(__file__).resolve().parents[2]
WEIGHTS = ROOT / "assets" / "weights" / "pytorch_export.safetensors"  # nn.LSTM(2, 4), torch layout


def _h(trace) -> np.ndarray:
    """(L, T, H) every layer's hidden state: enough to tell two traces apart."""
    return np.stack([layer.h for layer in trace.layers])


def _same(a, b) -> bool:
    """Same layers, same gates and memories at every step."""
    return len(a.layers) == len(b.layers) and all(
        np.array_equal(getattr(x, q), getattr(y, q))
        for x, y in zip(a.layers, b.layers, strict=True)
        for q in "fighoc"
    )


def _torch_weights() -> dict[str, np.ndarray]:
    wf = weight_files.loads(WEIGHTS.read_bytes(), weight_files.format_of(WEIGHTS.name))
    assert wf.layout == "torch" and wf.variant == "standard"
    return {k: np.array(v, dtype=np.float64) for k, v in wf.weights.items()}


@pytest.fixture
def runs(monkeypatch):
    """How many times the core actually ran (a cache hit does not run it)."""
    count = {"n": 0}
    original = LSTM.run

    def counting(self, *args, **kwargs):
        count["n"] += 1
        return original(self, *args, **kwargs)

    monkeypatch.setattr(LSTM, "run", counting)
    return count


def test_the_keys_read_every_byte_of_the_largest_inputs():
    """The keys digest whole arrays (``st.cache_data`` hashed arrays of 500,000 values or more from a
    sample): the largest sequence and weight matrix the app accepts, changed in any one value, get a new
    key."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(MAX_STEPS, MAX_FEATURES))
    w = {"weight_hh_l0": rng.normal(size=(4 * MAX_HIDDEN, MAX_HIDDEN)), "bias_hh_l0": rng.normal(size=4)}
    base_r = compute.random_key("standard", 32, 3, 0, x)
    base_w = compute.weights_key("standard", "torch", w, x)
    for index in ((0, 0), (MAX_STEPS // 2, 7), (MAX_STEPS - 1, MAX_FEATURES - 1)):
        y = x.copy()
        y[index] = np.nextafter(y[index], np.inf)  # the smallest possible change
        assert compute.random_key("standard", 32, 3, 0, y) != base_r, index
        assert compute.weights_key("standard", "torch", w, y) != base_w, index
    v = {**w, "weight_hh_l0": w["weight_hh_l0"].copy()}
    v["weight_hh_l0"][-1, -1] += 1e-12
    assert compute.weights_key("standard", "torch", v, x) != base_w
    renamed = {"weight_ih_l0": w["weight_hh_l0"], "bias_hh_l0": w["bias_hh_l0"]}
    assert compute.weights_key("standard", "torch", renamed, x) != base_w, "names are in the key"
    assert compute.random_key("standard", 32, 3, 0, x.reshape(-1, 2)) != base_r, "so is the shape"
    assert compute.random_key("standard", 32, 3, 0, x.copy()) == base_r


def test_equal_values_hit_the_cache_and_a_changed_value_misses(runs):
    x = make_preset("sine", 20, seed=0).x
    first = compute.run_random("standard", 4, 1, 0, x)
    again = compute.run_random("standard", 4, 1, 0, x.copy())  # another array, equal numbers
    assert runs["n"] == 1, "equal inputs must be served from the cache"
    assert _same(first, again)
    y = x.copy()
    y[-1, 0] += 1e-9  # the last value of the last step, nothing else
    changed = compute.run_random("standard", 4, 1, 0, y)
    assert runs["n"] == 2, "a changed value must not be served from the cache"
    assert not np.array_equal(_h(changed)[:, -1], _h(first)[:, -1])
    assert np.array_equal(_h(changed)[:, :-1], _h(first)[:, :-1]), "only the last step depends on it"


def test_two_sequences_of_equal_length_give_their_own_traces():
    sine, noise = make_preset("sine", 30, seed=0).x, make_preset("noise", 30, seed=0).x
    assert sine.shape == noise.shape and not np.array_equal(sine, noise)
    a, b = (compute.run_random("standard", 5, 1, 3, x) for x in (sine, noise))
    for x, got in ((sine, a), (noise, b)):
        want = LSTM.random(input_size=2, hidden_size=5, num_layers=1, variant="standard", seed=3).run(x)
        assert _same(got, want)
    assert not np.allclose(_h(a), _h(b))


def test_a_long_sequence_differing_in_one_late_value_is_not_a_hit():
    """The largest sequence the app accepts, changed in one value near its end."""
    x = np.random.default_rng(0).normal(size=(MAX_STEPS, 2))
    y = x.copy()
    y[-3, 1] = -y[-3, 1]
    a, b = compute.run_random("standard", 3, 1, 0, x), compute.run_random("standard", 3, 1, 0, y)
    assert np.array_equal(_h(a)[:, : MAX_STEPS - 3], _h(b)[:, : MAX_STEPS - 3])
    assert not np.array_equal(_h(a)[:, -1], _h(b)[:, -1])


@pytest.mark.parametrize(
    ("name", "other"),
    [("variant", "udacity"), ("hidden", 6), ("layers", 2), ("seed", 1)],
)
def test_every_random_network_parameter_is_in_the_key(name, other):
    x = make_preset("sine", 12, seed=0).x
    base = {"variant": "standard", "hidden": 4, "layers": 1, "seed": 0}
    changed = {**base, name: other}
    a = compute.run_random(base["variant"], base["hidden"], base["layers"], base["seed"], x)
    b = compute.run_random(changed["variant"], changed["hidden"], changed["layers"], changed["seed"], x)
    want = LSTM.random(
        input_size=x.shape[1],
        hidden_size=changed["hidden"],
        num_layers=changed["layers"],
        variant=changed["variant"],
        seed=changed["seed"],
    ).run(x)
    assert _same(b, want), f"changing {name} returned another network's trace"
    assert not _same(a, b)


def test_two_weight_dicts_with_the_same_shapes_give_their_own_traces(runs):
    w = _torch_weights()
    v = {k: a.copy() for k, a in w.items()}
    v["bias_hh_l0"][0] += 0.5  # one number of one bias: same keys, same shapes
    x = make_preset("sine", 20, seed=0).x  # (20, 2): the file's cell reads 2 features
    a = compute.run_weights("standard", "torch", w, x)
    b = compute.run_weights("standard", "torch", v, x)
    assert runs["n"] == 2
    assert _same(a, LSTM.from_weights(w, layout="torch").run(x))
    assert _same(b, LSTM.from_weights(v, layout="torch").run(x))
    assert not np.allclose(_h(a), _h(b))


def test_trace_for_keeps_loaded_and_random_networks_of_the_same_size_apart():
    """A learner with a loaded file and one with random weights of the same size, same sequence."""
    w = _torch_weights()
    sequence = make_preset("sine", 20, seed=0)  # (20, 2), what the file's cell reads
    view = ViewState(hidden=4)
    loaded = LoadedNet("file", "standard", "torch", w, 2, 4, 1)
    random_trace = compute.trace_for(Settings(view=view, sequence=sequence))
    loaded_trace = compute.trace_for(Settings(view=view, sequence=sequence, loaded=loaded))
    assert random_trace.hidden_size == loaded_trace.hidden_size == 4
    assert _same(loaded_trace, LSTM.from_weights(w, layout="torch").run(sequence.x))
    assert _same(random_trace, LSTM.random(input_size=2, hidden_size=4, seed=0).run(sequence.x))
    assert not np.allclose(_h(random_trace), _h(loaded_trace))
