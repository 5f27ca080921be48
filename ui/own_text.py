"""The Train page's "Train on your own text" section: a small character model (at most 64 units) trained
live on text the learner pastes, with a progress bar, a bits-per-character curve and Stop; the result opens
on the Read text page and downloads as a .safetensors character model.

Stop works as on the rest of the Train page: a click makes Streamlit stop the running script at its next
``st`` call (the training callback) and start a new run. The run being trained lives in session_state, and
a per-session lock held while training makes the new run wait until the old one has let go.
"""

from __future__ import annotations

import threading
import time

import streamlit as st

from lstm_core.text import CharModel, alphabet_of, encode, new_char_model, train_chars, unigram_bits
from ui.figures.text import bits_curve_figure
from ui.presenter import presented
from ui.read_text import TRAINED

MIN_CHARS, MAX_CHARS = 2_000, 200_000
MAX_UNITS = 64
SEQ_LEN, BATCH = 50, 16  # a chunk of 50 characters from each of 16 lanes per step
RUN, LOCK = "own_text_run", "own_text_lock"
REDRAW_SECONDS = 0.5


def check(text: str) -> str | None:
    """Why ``text`` cannot be trained on, or None."""
    if len(text) < MIN_CHARS:
        return (
            f"The text has {len(text):,} characters; training needs {MIN_CHARS:,} to {MAX_CHARS:,} "
            "(a page or two of prose or code)."
        )
    if len(text) > MAX_CHARS:
        return f"The text has {len(text):,} characters; paste at most {MAX_CHARS:,}."
    if "\x00" in text or sum(not ch.isprintable() and ch not in "\n\t" for ch in text) > len(text) // 100:
        return "The text holds control characters (binary data?); paste plain text."
    return None


def section() -> None:
    with st.expander("Train on your own text (a small character model)", expanded=False):
        text = st.text_area(
            f"Your text ({MIN_CHARS:,} to {MAX_CHARS:,} characters)",
            key="own_text",
            height=160,
            max_chars=None,
        )
        c = st.columns(4, vertical_alignment="bottom")
        units = c[0].slider("Units", 8, MAX_UNITS, 32, step=8, key="own_units")
        steps = c[1].number_input("Steps", 10, 3000, 300, step=50, key="own_steps")
        go = c[2].button("Train on my text", type="primary", key="own_go")
        c[3].button("Stop", key="own_stop", help="Stops within a second; keeps the model as it is.")
        lock = st.session_state.setdefault(LOCK, threading.Lock())
        if go:
            problem = check(text)
            if problem:
                st.error(problem)
            else:
                _train(text, int(units), int(steps), lock)
        with lock:
            _show(st.session_state.get(RUN))


def _train(text: str, units: int, steps: int, lock: threading.Lock) -> None:
    alphabet = alphabet_of(text)
    codes = encode(text, alphabet)
    split = int(len(codes) * 0.9)  # the last tenth is held out
    run = dict(
        text_chars=len(text),
        alphabet=alphabet,
        model=new_char_model(alphabet, units, seed=0),
        bits=[],
        target=steps,
        held_out=codes[split:],
        unigram=unigram_bits(codes[:split], codes[split:], len(alphabet)),
    )
    st.session_state[RUN] = run
    bar, curve = st.progress(0.0, text="Training…"), st.empty()
    last = [0.0]

    def callback(step: int, bits: float) -> None:
        run["bits"].append(bits)  # every step, before anything is drawn (a Stop lands at a draw)
        now = time.perf_counter()
        if now - last[0] >= REDRAW_SECONDS or step == steps:
            last[0] = now
            bar.progress(step / steps, text=f"Step {step} of {steps}: {bits:.2f} bits per character")
            curve.plotly_chart(
                presented(bits_curve_figure(run["bits"], run["unigram"])), key=f"own_live_{step}"
            )

    with lock:
        train_chars(
            run["model"],
            codes[:split],
            steps,
            seq_len=SEQ_LEN,
            batch_size=BATCH,
            lr=5e-3,
            callback=callback,
            report_every=0.0,
        )
    bar.empty()
    curve.empty()


def _show(run: dict | None) -> None:
    if run is None:
        st.caption("Paste some text and press **Train on my text**; 300 steps take about a minute.")
        return
    model = CharModel.from_model(
        run["model"],
        run["alphabet"],
        {"trained_on": f"{run['text_chars']:,} characters pasted on the Train page"},
    )
    steps = len(run["bits"])
    held = model.bits_per_char("".join(run["alphabet"][k] for k in run["held_out"]))
    state = "finished" if steps >= run["target"] else f"stopped at step {steps} of {run['target']}"
    st.markdown(
        f"Training {state}. On the last tenth of your text (held out): **{held:.2f} bits per character**; "
        f"a model that only knows how often each character occurs needs {run['unigram']:.2f}."
    )
    if steps:
        st.plotly_chart(presented(bits_curve_figure(run["bits"], run["unigram"])), key="own_curve")
    st.session_state[TRAINED] = ("your text", model)
    c = st.columns(2)
    c[0].download_button("Download .safetensors", model.to_bytes(), "my_text_chars.safetensors", key="own_dl")
    c[1].markdown("[**Read your text with it on Read text →**](Read_text)")
