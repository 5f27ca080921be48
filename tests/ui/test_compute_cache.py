"""``ui/compute.py``'s caches are keyed by every parameter that changes the numbers.

Several learners share one server process and so one ``st.cache_data`` store: a key that missed a parameter
would hand one learner's trace to another. Each test asks the cache for two inputs that differ in exactly
one way that changes the result (same shapes, same length), and checks each answer against the core run
directly, not just that the two differ.
"""

from __future__ import annotations

import inspect
from pathlib import Path

import numpy as np
import pytest
from streamlit.runtime.caching import hashing

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


def test_no_parameter_is_left_out_of_the_key():
    """``st.cache_data`` skips parameters whose name starts with "_" and those given ``hash_funcs``."""
    for fn in (compute.run_random, compute.run_weights):
        names = list(inspect.signature(fn).parameters)
        assert names and not [n for n in names if n.startswith("_")], (fn.__name__, names)
        assert not fn._info.hash_funcs, fn.__name__


def test_the_largest_inputs_are_hashed_whole_not_sampled():
    """Numpy arrays of 500,000 values or more are hashed from a sample: two sequences differing only in
    an unsampled value would share a cache entry. The app's limits keep every array below that."""
    largest_x = MAX_STEPS * MAX_FEATURES
    largest_weight = 4 * MAX_HIDDEN * max(MAX_FEATURES, MAX_HIDDEN)  # one (4H, I) or (4H, H) matrix
    assert max(largest_x, largest_weight) < hashing._NP_SIZE_LARGE, (largest_x, hashing._NP_SIZE_LARGE)


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
