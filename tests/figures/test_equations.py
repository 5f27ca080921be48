"""ui.equations: the symbolic equations of each variant and the same lines with one step's numbers."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from lstm_core import LSTM, VARIANTS
from ui import notation
from ui.equations import Equation, equations, fmt, substituted

VOCABS = ("standard", "udacity")


def make_trace(variant, hidden=4, layers=1, inputs=3, steps=6, seed=1):
    net = LSTM.random(inputs, hidden, layers, variant, seed=seed)
    x = np.random.default_rng(seed).normal(size=(steps, inputs))
    return net.run(x)


# --- symbolic ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "variant, keys",
    [
        ("standard", ["i", "f", "g", "o", "c", "h"]),
        ("peephole", ["i", "f", "g", "o", "c", "h"]),
        ("no_forget", ["i", "g", "o", "c", "h"]),
        ("udacity", ["g", "i", "f", "c", "u", "o", "h"]),
    ],
)
@pytest.mark.parametrize("vocabulary", VOCABS)
def test_each_variant_defines_its_quantities(variant, keys, vocabulary):
    eqs = equations(variant, vocabulary)
    assert [e.key for e in eqs] == keys
    assert all(isinstance(e, Equation) for e in eqs)
    for e in eqs:  # each line defines its quantity, written with the vocabulary's symbol
        assert e.latex.startswith(notation.latex(e.key, vocabulary, variant) + " = ")


@pytest.mark.parametrize(
    "variant, differing",
    [
        ("standard", set()),
        ("udacity", {"u", "h"}),
        ("no_forget", {"c"}),
        ("peephole", {"i", "f", "o"}),
    ],
)
@pytest.mark.parametrize("vocabulary", VOCABS)
def test_differs_marks_what_the_variant_changes(variant, differing, vocabulary):
    assert {e.key for e in equations(variant, vocabulary) if e.differs} == differing


def test_standard_equations_read_as_in_the_design():
    eqs = {e.key: e.latex for e in equations("standard", "standard")}
    assert eqs["i"] == r"i_t = \sigma\left(W_{xi}\, x_t + W_{hi}\, h_{t-1} + b_{i}\right)"
    assert eqs["g"] == r"g_t = \tanh\left(W_{xg}\, x_t + W_{hg}\, h_{t-1} + b_{g}\right)"
    assert eqs["c"] == r"c_t = f_t \odot c_{t-1} + i_t \odot g_t"
    assert eqs["h"] == r"h_t = o_t \odot \tanh(c_t)"


def test_udacity_equations_read_as_in_the_design():
    eqs = {e.key: e.latex for e in equations("udacity", "udacity")}
    stm, ltm, e = r"\mathrm{STM}", r"\mathrm{LTM}", "E_t"
    assert eqs["g"] == rf"N_t = \tanh\left(W_{{n}}\,[{stm}_{{t-1}}, {e}] + b_{{n}}\right)"
    assert eqs["f"] == rf"f_t = \sigma\left(W_{{f}}\,[{stm}_{{t-1}}, {e}] + b_{{f}}\right)"
    assert eqs["c"] == rf"{ltm}_t = {ltm}_{{t-1}} \odot f_t + N_t \odot i_t"
    assert eqs["u"] == rf"U_t = \tanh\left(W_{{u}}\,({ltm}_{{t-1}} \odot f_t) + b_{{u}}\right)"
    assert eqs["o"] == rf"V_t = \sigma\left(W_{{v}}\,[{stm}_{{t-1}}, {e}] + b_{{v}}\right)"
    assert eqs["h"] == rf"{stm}_t = U_t \odot V_t"


def test_no_forget_has_no_forget_gate_anywhere():
    for vocabulary in VOCABS:
        eqs = equations("no_forget", vocabulary)
        text = " ".join(e.latex for e in eqs)
        assert notation.latex("f", vocabulary) not in text
        c = next(e for e in eqs if e.key == "c")
        prev, i, g = (notation.latex(k, vocabulary) for k in ("c_prev", "i", "g"))
        assert c.latex.endswith(f" = {prev} + {i} \\odot {g}")


def test_peephole_gates_read_the_memory():
    eqs = {e.key: e.latex for e in equations("peephole", "standard")}
    assert r"p_{i} \odot c_{t-1}" in eqs["i"]
    assert r"p_{f} \odot c_{t-1}" in eqs["f"]
    assert r"p_{o} \odot c_t" in eqs["o"]
    assert "p_{" not in eqs["g"]


@pytest.mark.parametrize("variant", VARIANTS)
def test_vocabulary_switches_every_symbol(variant):
    std = " ".join(e.latex for e in equations(variant, "standard"))
    uda = " ".join(e.latex for e in equations(variant, "udacity"))
    assert "c_{t-1}" in std and r"\mathrm{LTM}" not in std
    assert r"\mathrm{LTM}_{t-1}" in uda and "c_{t-1}" not in uda
    assert r"\mathrm{STM}_t" in uda and "h_t" not in uda
    assert "E_t" in uda and "x_t" not in uda


def test_bad_names_raise():
    with pytest.raises(ValueError, match="variant"):
        equations("lstm", "standard")
    with pytest.raises(ValueError, match="vocabulary"):
        equations("standard", "klingon")


def test_gru_and_rnn_equations_name_their_symbols_in_the_vocabulary():
    gru = {eq.key: eq.latex for eq in equations("gru", "udacity")}
    assert list(gru) == ["r", "z", "n", "h"]
    assert gru["h"] == r"\mathrm{STM}_t = z_t \odot \mathrm{STM}_{t-1} + (1 - z_t) \odot n_t"
    assert r"r_t \odot (W_{hn}\, \mathrm{STM}_{t-1} + b_{hn})" in gru["n"]
    (rnn,) = equations("rnn", "standard")
    assert rnn.latex == r"h_t = \tanh\left(W_{ih}\, x_t + b_{ih} + W_{hh}\, h_{t-1} + b_{hh}\right)"
    assert all(eq.differs for eq in [*equations("gru", "standard"), rnn])


def test_parameter_symbols_come_from_notation():
    assert notation.parameter("W", "i", "standard", "x") == "W_{xi}"
    assert notation.parameter("W", "g", "udacity") == "W_{n}"
    assert notation.parameter("b", "o", "udacity", form="html") == "b<sub>v</sub>"
    with pytest.raises(ValueError):
        notation.parameter("Q", "i", "standard")


# --- numbers -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, text",
    [
        (0.775123, "0.7751"),
        (-0.12, "-0.1200"),
        (1.0, "1.000"),
        (123.456, "123.5"),
        (12345.6, r"1.235\times10^{4}"),
        (0.0, "0"),
        (0.000012345, r"1.234\times10^{-5}"),
        (-0.00987, "-0.009870"),
    ],
)
def test_fmt_keeps_four_significant_digits(value, text):
    assert fmt(value) == text


def test_fmt_non_finite_never_shows_nan():
    for value in (float("nan"), float("inf"), -float("inf")):
        assert "nan" not in fmt(value).lower() and "inf" not in fmt(value).lower()


NUMBER = r"(-?\d+(?:\.\d*)?(?:\\times10\^\{-?\d+\})?)"


def parse(text: str) -> float:
    m = re.fullmatch(r"(-?\d+(?:\.\d*)?)(?:\\times10\^\{(-?\d+)\})?", text)
    assert m, text
    return float(m.group(1)) * (10.0 ** int(m.group(2)) if m.group(2) else 1.0)


def braced(line: str) -> list[tuple[str, str]]:
    """(number, symbol) for every \\underbrace{number}_{symbol} of a line, in order."""
    out = []
    for m in re.finditer(r"\\underbrace\{\(?" + NUMBER + r"\)?\}_\{\\textstyle ", line):
        start, depth = m.end(), 1
        k = start
        while depth:
            depth += {"{": 1, "}": -1}.get(line[k], 0)
            k += 1
        out.append((m.group(1), line[start : k - 1]))
    return out


def close(text: str, value: float) -> bool:
    return math.isclose(parse(text), value, rel_tol=6e-3, abs_tol=1e-12)


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("vocabulary", VOCABS)
def test_substituted_numbers_are_the_traces(variant, vocabulary):
    trace = make_trace(variant, hidden=5, layers=2)
    layer, t, unit = 1, 3, 2
    lt = trace.layers[layer]
    lines = substituted(trace, t, layer, unit, vocabulary)
    eqs = equations(variant, vocabulary)
    assert len(lines) == len(eqs)
    s = lambda k: notation.latex(k, vocabulary, variant)  # noqa: E731
    for eq, line in zip(eqs, lines, strict=True):
        key = eq.key
        assert line.startswith(f"{s(key)}[{unit}] = ")
        assert "nan" not in line.lower() and "−" not in line
        assert line.count("{") == line.count("}")
        final = line.rsplit(" = ", 1)[1]
        assert final == fmt(getattr(lt, key)[t, unit])
        assert close(final, getattr(lt, key)[t, unit])
        if key in ("i", "f", "g", "o", "u"):
            z = lt.pre[key][t, unit]
            m = re.fullmatch(r".* = \\(sigma|tanh)\(" + NUMBER + r"\) = " + NUMBER, line)
            assert m, line
            assert m.group(1) == ("tanh" if key in ("g", "u") else "sigma")
            assert m.group(2) == fmt(z) and close(m.group(2), z)
        else:
            expected = {
                ("c", "standard"): ["f", "c_prev", "i", "g"],
                ("c", "peephole"): ["f", "c_prev", "i", "g"],
                ("c", "no_forget"): ["c_prev", "i", "g"],
                ("c", "udacity"): ["c_prev", "f", "g", "i"],
                ("h", "udacity"): ["u", "o"],
            }.get((key, variant), ["o", "u"])
            pairs = braced(line)
            symbols = [s(k) for k in expected]
            if key == "h" and variant != "udacity":  # o_t · tanh(c_t), tanh(c_t) named as in the equation
                symbols[1] = rf"\tanh({s('c')})"
            assert [sym for _, sym in pairs] == symbols, line
            for (number, _), k in zip(pairs, expected, strict=True):
                assert number == fmt(getattr(lt, k)[t, unit])
                assert close(number, getattr(lt, k)[t, unit])


def test_substituted_follows_t_and_unit():
    trace = make_trace("standard", hidden=4)
    a = substituted(trace, 1, 0, 0, "standard")
    assert a != substituted(trace, 2, 0, 0, "standard")
    assert a != substituted(trace, 1, 0, 1, "standard")
    assert substituted(trace, -1, 0, 0, "standard") == substituted(trace, trace.T - 1, 0, 0, "standard")


def test_vocabulary_changes_symbols_not_numbers():
    trace = make_trace("udacity")
    nums = lambda lines: [re.findall(NUMBER, line.split(" = ", 1)[1]) for line in lines]  # noqa: E731
    std, uda = substituted(trace, 2, 0, 1, "standard"), substituted(trace, 2, 0, 1, "udacity")
    assert std != uda
    assert nums(std) == nums(uda)


def test_extreme_values_stay_katex_friendly():
    net = LSTM.random(2, 3, 1, "no_forget", seed=0, scale=40.0)
    trace = net.run(np.full((30, 2), 50.0))
    for line in substituted(trace, 29, 0, 0, "standard"):
        assert "nan" not in line.lower() and "inf" not in line.lower() and "e+" not in line


def test_bad_unit_raises():
    trace = make_trace("standard", hidden=3)
    with pytest.raises(IndexError):
        substituted(trace, 0, 0, 3, "standard")


def test_every_variant_has_its_equations_in_the_cell_table():
    for variant in VARIANTS:
        keys = [eq.key for eq in equations(variant, "standard")]
        assert keys[-2:] == ["o", "h"] if variant == "udacity" else keys[-2:] == ["c", "h"], variant
