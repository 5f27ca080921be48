"""lstm_core.text: the character model, the tokenizer's ground truth and the unit search."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_core.network import LSTM
from lstm_core.text import (
    FALLBACK,
    CharModel,
    alphabet_of,
    code_features,
    encode,
    new_char_model,
    one_hot,
    rank_units,
    train_chars,
)

ALPHABET = "ab\"' \n" + FALLBACK


def small_model(seed: int = 0, hidden: int = 5, layers: int = 2) -> CharModel:
    net = LSTM.random(len(ALPHABET), hidden, layers, seed=seed, scale=0.8)
    rng = np.random.default_rng(seed + 1)
    return CharModel(net, rng.normal(size=(hidden, len(ALPHABET))), rng.normal(size=len(ALPHABET)), ALPHABET)


def test_read_is_the_lstm_run_on_one_hot_input_and_the_readout_softmax():
    model = small_model()
    text = "a \"b\" 'ab'\nb"
    reading = model.read(text)
    x = np.zeros((len(text), len(ALPHABET)))
    x[np.arange(len(text)), [ALPHABET.index(ch) for ch in text]] = 1.0
    expected = model.net.run(x)
    for ours, theirs in zip(reading.trace.layers, expected.layers, strict=True):
        for q in ("i", "f", "g", "o", "c", "h"):
            np.testing.assert_array_equal(getattr(ours, q), getattr(theirs, q))
    logits = np.asarray(expected.layers[-1].h) @ model.W_y + model.b_y
    longhand = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(reading.next_probs, longhand, rtol=1e-12)
    np.testing.assert_allclose(reading.next_probs.sum(axis=1), 1.0, rtol=1e-12)


def test_characters_outside_the_alphabet_read_as_the_fallback():
    model = small_model()
    reading = model.read("a😀bé")
    assert list(reading.codes) == [0, ALPHABET.index(FALLBACK), 1, ALPHABET.index(FALLBACK)]
    assert list(reading.unknown) == [1, 3]
    np.testing.assert_array_equal(reading.trace.layers[0].x, one_hot(reading.codes, len(ALPHABET)))


def test_empty_text_is_refused_with_a_message():
    with pytest.raises(ValueError, match="empty"):
        small_model().read("")


def test_sample_is_reproducible_for_a_seed_and_depends_on_it():
    model = small_model()
    first = model.sample(60, temperature=1.0, seed=3, prime="ab")
    assert first == model.sample(60, temperature=1.0, seed=3, prime="ab")
    assert first != model.sample(60, temperature=1.0, seed=4, prime="ab")
    assert len(first) == 60 and set(first) <= set(ALPHABET)


def test_sample_draws_from_next_probs_sharpened_by_the_temperature():
    """Each character is drawn with the generator's choice from softmax(log next_probs / temperature) of
    what came before, written out with ``read``."""
    model = small_model()
    text = model.sample(15, temperature=0.7, seed=2, prime="ab")
    rng = np.random.default_rng(2)
    for k, ch in enumerate(text):
        p = model.read("ab" + text[:k]).next_probs[-1] ** (1 / 0.7)
        assert ch == ALPHABET[rng.choice(len(ALPHABET), p=p / p.sum())]


def test_files_round_trip_with_alphabet_and_facts():
    model = CharModel(small_model().net, small_model().W_y, small_model().b_y, ALPHABET, {"steps": 7})
    back = CharModel.from_bytes(model.to_bytes())
    assert back.alphabet == ALPHABET and back.facts == {"steps": 7}
    np.testing.assert_allclose(back.read("ab").next_probs, model.read("ab").next_probs, rtol=1e-5)


def test_encode_and_alphabet_of():
    assert alphabet_of("bbbaac😀", max_size=3) == "ab" + FALLBACK
    assert list(encode("abz", "ab" + FALLBACK)) == [0, 1, 2]


# ---------------------------------------------------------------- code_features, hand-labelled


def labels(text: str, column: str) -> str:
    frame = code_features(text)
    if frame[column].dtype == bool:
        return "".join("1" if v else "." for v in frame[column])
    return "".join(str(v) for v in frame[column])


@pytest.mark.parametrize(
    "text, in_string",
    [
        ('x = "a\\"b"\n', "....111111."),  # an escaped quote does not end the string
        ("s = 'it''s'\n", "....1111111."),  # two adjacent literals
        ('t = """a\n"b"\n"""\n', "....111111111111."),  # triple quotes span lines
        ("f\"{x!r:>{w}}\" + b'\\x00'\n", "1111111111111...1111111."),  # f-string whole; prefix b
        ('y = 1  # it\'s "quoted"\n', "." * 23),  # quotes in a comment
        ('r"\\d+"\n', "111111."),
    ],
)
def test_in_string_against_hand_labels(text, in_string):
    assert labels(text, "in_string") == in_string


def test_in_comment_depth_column_indent_against_hand_labels():
    lines = ['f(a[1], {"(": 2})  # ) [\n', "if x:\n", "    g((y))\n"]
    frame = code_features("".join(lines))
    comment = "." * 19 + "11111." + "." * 6 + "." * 11
    assert "".join("1" if v else "." for v in frame["in_comment"]) == comment
    depth = "01122111222222210" + "0" * 8 + "0" * 6 + "00000122100"  # the bracket in the string is no bracket
    assert "".join(map(str, frame["depth"])) == depth
    assert frame["column"].tolist() == [k for line in lines for k in range(len(line))]
    assert frame["indent"].tolist() == [0] * 25 + [0] * 6 + [4] * 11
    assert frame["line"].tolist() == [0] * 25 + [1] * 6 + [2] * 11


def test_text_tokenize_cannot_parse_still_gives_features_marked_where_it_gave_up():
    unclosed = 's = """never\nclosed'
    frame = code_features(unclosed)
    assert len(frame) == len(unclosed)
    assert frame["tokenized"].tolist() == [True] * 4 + [False] * (len(unclosed) - 4)
    assert frame["in_string"].tolist() == [False] * 4 + [True] * (len(unclosed) - 4)
    quote = code_features('x = "abc\ny = (1\n')
    assert quote["tokenized"].tolist()[:9] == [True] * 4 + [False] * 4 + [True]
    assert quote["in_string"].tolist()[:9] == [False] * 4 + [True] * 4 + [False]
    assert quote["depth"].tolist()[-3:] == [1, 1, 1]  # the bracket still counts
    junk = code_features("\x00\xff\x01 ok")
    assert len(junk) == 6 and not junk["tokenized"].any()
    assert len(code_features("")) == 0


# ---------------------------------------------------------------- rank_units


def planted(alphabet: str, unit: int, hidden: int = 6) -> CharModel:
    """Random small weights, except that unit ``unit``'s input gate is σ(+8) on 'a' and σ(−8) elsewhere."""
    net = LSTM.random(len(alphabet), hidden, 1, seed=5, scale=0.3)
    w = net.to_weights("torch")
    w["weight_ih_l0"][unit] = -8.0
    w["weight_ih_l0"][unit, alphabet.index("a")] = 8.0
    w["weight_hh_l0"][unit] = 0.0
    w["bias_ih_l0"][unit] = w["bias_hh_l0"][unit] = 0.0
    net = LSTM.from_weights(w, "torch")
    return CharModel(net, np.zeros((hidden, len(alphabet))), np.zeros(len(alphabet)), alphabet)


def test_rank_units_finds_a_planted_unit():
    model = planted(ALPHABET, unit=4)
    text = "".join(np.random.default_rng(0).choice(list("ab' \n"), 400))
    reading = model.read(text)
    ranked = rank_units(reading, np.array([ch == "a" for ch in text]))
    best = ranked.iloc[0]
    assert (best.layer, best.unit, best.quantity) == (0, 4, "i")
    assert best.score >= 0.99 and best.direction == 1
    anti = rank_units(reading, np.array([ch != "a" for ch in text])).iloc[0]
    assert (anti.unit, anti.quantity, anti.direction) == (4, "i", -1) and anti.score >= 0.99
    numeric = rank_units(reading, np.asarray(reading.trace.layers[0].c)[:, 2] * 3 + 1).iloc[0]
    assert (numeric.unit, numeric.quantity) == (2, "c") and numeric.score == pytest.approx(1.0)


def test_rank_units_auc_is_the_pairwise_probability_written_out():
    model = small_model(hidden=3, layers=1)
    text = "".join(np.random.default_rng(1).choice(list(ALPHABET[:-1]), 80))
    reading = model.read(text)
    on = np.array([ch in "\"'" for ch in text])
    ranked = rank_units(reading, on, quantities=("h",)).set_index("unit")
    h = np.asarray(reading.trace.layers[0].h)
    for unit in range(3):
        pos, neg = h[on, unit], h[~on, unit]
        wins = (pos[:, None] > neg[None, :]).mean() + 0.5 * (pos[:, None] == neg[None, :]).mean()
        assert ranked.loc[unit, "score"] == pytest.approx(max(wins, 1 - wins), abs=1e-12)


def test_rank_units_refuses_a_constant_or_misshapen_pattern():
    reading = small_model().read("abab")
    with pytest.raises(ValueError, match="both on and off"):
        rank_units(reading, np.ones(4, bool))
    with pytest.raises(ValueError, match="one entry per character"):
        rank_units(reading, np.ones(3))


# ---------------------------------------------------------------- training


def test_train_chars_learns_a_repeating_text():
    text = "abcabcabd" * 200
    alphabet = alphabet_of(text)
    model = new_char_model(alphabet, hidden_size=8, seed=0)
    result = train_chars(model, encode(text, alphabet), steps=150, seq_len=20, batch_size=8, lr=1e-2)
    assert result.steps == 150 and result.bits[-10:].mean() < 0.5 * result.bits[:10].mean()
    trained = CharModel.from_model(model, alphabet)
    assert trained.bits_per_char(text[:300]) < 0.5


def test_train_chars_stops_when_the_callback_says_so():
    text = "abc" * 400
    model = new_char_model(alphabet_of(text), hidden_size=4)
    result = train_chars(
        model,
        encode(text, alphabet_of(text)),
        100,
        seq_len=10,
        batch_size=4,
        callback=lambda s, b: s < 5,
        report_every=0.0,
    )
    assert result.stopped and result.steps == 5


def test_train_chars_refuses_a_text_too_short():
    with pytest.raises(ValueError, match="too short"):
        train_chars(new_char_model("ab" + FALLBACK, 4), encode("ab" * 20, "ab" + FALLBACK), 5)
