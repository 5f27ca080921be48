"""Gate lab's claims: each preset's one-line promise on the single pulse."""

from __future__ import annotations

import numpy as np

from lstm_core.experiments import PRESETS, run_settings
from lstm_core.sequences import make_pulse

from .base import Claim

# ------------------------------------------------------------------------------------------------ Gate lab

_PULSE_H = 4  # the Gate lab draws min(hidden, 4) units; the sidebar starts at 4


def _preset_compute(preset, hidden, seed, c0, **gates):
    """The Gate lab's run of ``preset`` (its gates overridden by ``gates``: {"f_bias": …}) on the single
    pulse, from the memory c0: the (T, H) long-term memory c."""
    settings = PRESETS[preset]
    for name, value in gates.items():
        key, part = name.split("_")
        settings = settings.with_gate(key, **{part: value})
    x = make_pulse().x
    trace = run_settings(settings, x, hidden, seed=seed, c0=c0)
    return {"c": trace.c, "x": np.asarray(x).reshape(len(x), -1)}


def _memory_numbers(result) -> dict:
    c, c0 = result["c"], float(result["inputs"]["c0"])
    pulse = int(np.argmax(result["x"][:, 0]))
    after = c[pulse:]
    return {
        "c0": c0,
        "drift": float(np.abs(c - c0).max()),
        "last": float(np.abs(c[-1]).max()),
        "held": float(np.abs(after - after[0]).max()),
        "written": float(np.abs(after[0]).min()),
        "before": float(np.abs(c[:pulse]).max()) if pulse else 0.0,
        "T": c.shape[0],
    }


_GL = "views/3_Gate_lab.py"
_GL_DEFAULTS = {"hidden": _PULSE_H, "seed": 0}

GATE_LAB = (
    Claim(
        "preset_perfect_memory",
        _GL,
        text="Perfect memory on the single pulse, starting from c = {c0:g}: over {T} steps the memory moves "
        "by at most {drift:.1e}.",
        plain="Over {T} steps the memory moved by up to {drift:.3g} from {c0:g}.",
        compute=_preset_compute,
        numbers=_memory_numbers,
        check=lambda n: n["drift"] < 0.01,
        defaults={"preset": "perfect_memory", "c0": 0.5, **_GL_DEFAULTS},
        counter={"f_bias": 0.0},
    ),
    Claim(
        "preset_amnesia",
        _GL,
        text="Amnesia on the single pulse, starting from c = {c0:g}: by the last step the memory is "
        "{last:.1e}; the start is gone.",
        plain="At the last step the memory is {last:.3g} (it started at {c0:g}).",
        compute=_preset_compute,
        numbers=_memory_numbers,
        check=lambda n: n["last"] < 0.01,
        defaults={"preset": "amnesia", "c0": 0.5, **_GL_DEFAULTS},
        counter={"f_bias": 10.0},
    ),
    Claim(
        "preset_write_once",
        _GL,
        text="Write once then hold on the single pulse: the pulse writes |c| ≥ {written:.2f} into every "
        "unit, and afterwards the memory moves by at most {held:.1e}.",
        plain="After the pulse the memory is at least {written:.3g} in size and moves by up to {held:.3g}.",
        compute=_preset_compute,
        numbers=_memory_numbers,
        check=lambda n: n["written"] > 0.5 and n["held"] < 0.01,
        defaults={"preset": "write_once", "c0": 0.5, **_GL_DEFAULTS},
        counter={"i_bias": 0.0},
    ),
    Claim(
        "preset_saturated",
        _GL,
        text="Saturated on the single pulse: the pulse stores |c| ≥ {written:.2f} and the silence after it "
        "holds it to within {held:.1e}, a latch.",
        plain="After the pulse the memory is at least {written:.3g} in size and moves by up to {held:.3g}.",
        compute=_preset_compute,
        numbers=_memory_numbers,
        check=lambda n: n["written"] > 0.5 and n["held"] < 0.01,
        defaults={"preset": "saturated", "c0": 0.5, **_GL_DEFAULTS},
        counter={"f_bias": -10.0},
    ),
)
