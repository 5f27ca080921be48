"""The nine lessons: each a prepared state, its questions (answers computed from the core) and a figure.

A lesson's figure is one of the app's own figure functions (``ui/figures``) drawn on the steps the learner
may see: before the reveal the trace stops one step short of the predicted step t, so the answer is on
the page nowhere, not even in a hover; after the reveal it includes step t. Texts name every quantity
through ``ui.notation`` in the chosen vocabulary. No Streamlit here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lstm_core import scenes
from lstm_core.experiments import describe_half_life, half_life, memory_half_life
from lstm_core.scenes import GradientScene, Scene, TrainedScene, UseGateScene
from ui import claims, notation
from ui.claims import num, sci
from ui.figures.anatomy import anatomy_figure
from ui.figures.compare import compare_states_figure
from ui.figures.gate_lab import gate_lab_figure
from ui.figures.stepping import stepping_figure
from ui.figures.training import gradient_flow_figure
from ui.lessons import inside_a_string
from ui.lessons.questions import (
    CHOICE,
    MOVES,
    NUMBER,
    STAY_BAND,
    Question,
    Symbols,
    closest_to_zero,
    move,
    paren,
)
from ui.text import load_text

TEXT_DIR = Path(__file__).resolve().parents[2] / "assets" / "lessons"

STEP_PAGE, ANATOMY_PAGE = "views/2_Step_through_time.py", "views/1_Cell_anatomy.py"
GATE_LAB_PAGE, COMPARE_PAGE = "views/3_Gate_lab.py", "views/4_Compare_variants.py"
TRAIN_PAGE, GRADIENT_PAGE = "views/5_Train.py", "views/6_Gradient_flow.py"


@dataclass(frozen=True)
class Link:
    """A way into a full page. opens_cell: the page is opened on the lesson's own cell, sequence and
    step (Step through time and Cell anatomy read any cell); otherwise it opens with its own controls."""

    page: str
    label: str
    opens_cell: bool = False


@dataclass(frozen=True)
class Lesson:
    """One lesson.

    number: 1-based position; slug: its name in links (``?lesson=forget_half_life``) and in the text
    files ``assets/lessons/<nn>_<slug>.<vocabulary>.md`` (``text``). title: a template whose ``{c}``,
    ``{f}``, … are filled with the quantities' names in the vocabulary. build: the prepared state (cached).
    ask(state, vocabulary): the questions. draw(state, vocabulary, revealed): the figure.
    cell(state): the Scene a full page can open, or None. note(state, revealed): what the figure shows.
    claims: the keys of the register's claims (ui/claims/) the lesson's explanations print.
    """

    number: int
    slug: str
    title_template: str
    build: Callable[[], object]
    ask: Callable[[object, str], tuple[Question, ...]]
    draw: Callable[[object, str, bool, str], go.Figure]  # (scene, vocabulary, revealed, arrangement)
    links: tuple[Link, ...]
    cell: Callable[[object], Scene | None] = lambda state: state
    note: Callable[[object, bool], str] | None = None
    claims: tuple[str, ...] = ()

    @property
    def text_name(self) -> str:
        return f"{self.number:02d}_{self.slug}"

    def title(self, vocabulary: str) -> str:
        return self.title_template.format(
            **{key: notation.name(key, vocabulary) for key in notation.QUANTITIES}
        )

    def text(self, vocabulary: str) -> str:
        """The lesson's text (Markdown) in ``vocabulary``: ``assets/lessons/<nn>_<slug>.<vocabulary>.md``."""
        return load_text(self.text_name, vocabulary, directory=TEXT_DIR)

    def questions(self, vocabulary: str) -> tuple[Question, ...]:
        return self.ask(self.build(), vocabulary)

    def figure(self, vocabulary: str, revealed: bool, arrangement: str = "wide") -> go.Figure:
        """The lesson's figure; ``arrangement`` (``ui.screen.arrangement``) lays out a stepping figure's
        panels for the screen, and the single-panel figures fit any screen as they are."""
        return self.draw(self.build(), vocabulary, revealed, arrangement)

    def scene(self) -> Scene | None:
        return self.cell(self.build())

    def figure_note(self, revealed: bool) -> str:
        state = self.build()
        return self.note(state, revealed) if self.note else _step_note(self.cell(state), revealed)


def _step_note(scene: Scene, revealed: bool) -> str:
    if revealed:
        return f"Step t = {scene.t} revealed: the figure now runs from step 0 to step {scene.t}."
    return f"The figure stops at step {scene.t - 1}: step t = {scene.t} stays hidden until you reveal it."


# ---------------------------------------------------------------------------------------------------------
# Equations with this step's numbers (plain text with HTML subscripts, see ``questions``)
# ---------------------------------------------------------------------------------------------------------


def gate_line(s: Scene, sym: Symbols, gate: str) -> str:
    """f_t = σ(W_xf x_t + W_hf h_{t−1} + b_f) = σ(0.00 + 0.12 + 2.00) = σ(2.12) = 0.89 (the watched unit)."""
    x_term, h_term, bias = s.pre_terms(gate)
    act = "tanh" if gate == "g" else "σ"
    symbolic = (
        f"{sym.param('W', gate, 'x')}{sym('x')} + {sym.param('W', gate, 'h')}{sym('h_prev')} + "
        + sym.param("b", gate)
    )
    numbers = f"{num(x_term)} + {paren(num(h_term))} + {paren(num(bias))}"
    z = x_term + h_term + bias
    return f"{sym(gate)} = {act}({symbolic}) = {act}({numbers}) = {act}({num(z)}) = {num(s.value(gate))}"


def c_line(s: Scene, sym: Symbols) -> str:
    """c_t = f_t·c_{t−1} + i_t·g_t = 0.93·0.41 + 0.12·(−0.55) = 0.31 (the watched unit)."""
    f, c_prev, i, g, c = (s.value(k) for k in ("f", "c_prev", "i", "g", "c"))
    return (
        f"{sym('c')} = {sym('f')}·{sym('c_prev')} + {sym('i')}·{sym('g')} = "
        f"{num(f)}·{paren(num(c_prev))} + {num(i)}·{paren(num(g))} = {num(c)}"
    )


def h_line(s: Scene, sym: Symbols) -> str:
    """h_t = o_t·tanh(c_t) = 0.56·tanh(−1.13) = 0.56·(−0.81) = −0.45 (standard, no_forget, peephole)."""
    o, c, u, h = (s.value(k) for k in ("o", "c", "u", "h"))
    return (
        f"{sym('h')} = {sym('o')}·tanh({sym('c')}) = {num(o)}·tanh({num(c)}) = "
        f"{num(o)}·{paren(num(u))} = {num(h)}"
    )


def _claim(key: str, vocabulary: str) -> str:
    """A register claim about the lesson's own numbers (ui/claims/): its sentence where it holds,
    else the plain numbers."""
    claim = claims.CLAIMS[key]
    return claim.shown(claim.run(), vocabulary)


def _at(s: Scene) -> str:
    return f"at step t = {s.t}"


def _moves_question(key: str, s: Scene, quantity: str, prompt: str, why: str) -> Question:
    """An up / down / stay question about ``quantity`` of the watched unit at the predicted step."""
    before, after = s.value(quantity, s.t - 1), s.value(quantity)
    return Question(
        key,
        prompt,
        CHOICE,
        truth=move(before, after),
        explanation=why + f" It moved by {num(after - before)}.",
        options=MOVES,
    )


# ---------------------------------------------------------------------------------------------------------
# 1. Two memories
# ---------------------------------------------------------------------------------------------------------


def _ask_two_memories(s: Scene, vocabulary: str) -> tuple[Question, ...]:
    sym = Symbols(vocabulary, s.net.variant)
    x_t, c_prev = s.value("x"), s.value("c_prev")
    c, h = s.value("c"), s.value("h")
    q1 = _moves_question(
        "q1",
        s,
        "c",
        f"The {sym.name('x')} {_at(s)} is {sym('x')} = {num(x_t)}, and the {sym.name('c')} holds "
        f"{sym('c_prev')} = {num(c_prev)}. Will the {sym.name('c')} {sym('c')} go up, go down or stay "
        "about the same?",
        f"{c_line(s, sym)}. {_claim('lesson1_latch', vocabulary)}",
    )
    further = "c" if abs(c) >= abs(h) else "h"
    q2 = Question(
        "q2",
        f"Which will be further from 0 {_at(s)}: the {sym.name('c')} {sym('c')} or the "
        f"{sym.name('h')} {sym('h')}?",
        CHOICE,
        truth=further,
        explanation=f"{h_line(s, sym)}. The {sym.name('h')} is the {sym.name('c')} squashed by tanh and "
        f"scaled by the {sym.name('o')}, so it is never further from 0 than {sym('c')} = {num(c)}.",
        options=(
            ("c", f"the {sym.name('c')} {sym.short('c')}"),
            ("h", f"the {sym.name('h')} {sym.short('h')}"),
        ),
    )
    return q1, q2


def _draw_stepping(s: Scene, vocabulary: str, revealed: bool, arrangement: str = "wide") -> go.Figure:
    trace = s.shown(revealed)
    return stepping_figure(
        trace,
        trace.T - 1,
        vocabulary,
        layer=s.layer,
        unit=s.unit,
        feature_names=s.feature_names,
        arrangement=arrangement,
    )


# ---------------------------------------------------------------------------------------------------------
# 2. The forget gate and a memory's half-life
# ---------------------------------------------------------------------------------------------------------


def _ask_half_life(s: Scene, vocabulary: str) -> tuple[Question, ...]:
    sym = Symbols(vocabulary, s.net.variant)
    f, i = s.value("f"), s.value("i")
    x_term, h_term, bias = s.pre_terms("f")
    q1 = Question(
        "q1",
        f"The {sym.name('x')} {_at(s)} is {sym('x')} = {num(s.value('x'))}. Roughly what value will the "
        f"{sym.name('f')} {sym('f')} have? (Between 0 and 1; hover the figure for its earlier values.)",
        NUMBER,
        truth=f,
        explanation=f"{gate_line(s, sym, 'f')}. The {sym.name('h')} adds {num(h_term)}. "
        + _claim("lesson2_half_life", vocabulary),
        tolerance=0.05,
    )
    steps = describe_half_life(float(half_life(f)))
    q2 = Question(
        "q2",
        f"The {sym.name('c')} was {sym('c_prev')} = {num(s.value('c_prev'))}, and this step writes almost "
        f"nothing (the {sym.name('i')} is {sym('i')} = {num(i)}). Roughly what will {sym('c')} be?",
        NUMBER,
        truth=s.value("c"),
        explanation=f"{c_line(s, sym)}. Each step keeps the fraction {sym('f')} of the memory: at "
        f"{sym('f')} = {num(f)} a stored value halves every ln 0.5 / ln {num(f)} = {steps}.",
        tolerance=0.05,
    )
    return q1, q2


def _draw_half_life(s: Scene, vocabulary: str, revealed: bool, arrangement: str = "wide") -> go.Figure:
    twin = scenes.holding_twin()
    after, before = s.shown(revealed), twin.shown(revealed)
    fig = gate_lab_figure(before, after, vocabulary, half_lives=memory_half_life(after))
    f_name = notation.html("f", vocabulary)
    labels = {
        "before": f"{notation.title('c', vocabulary)} if {f_name} stayed near 1",
        "after": f"{notation.title('c', vocabulary)} of this cell",
    }
    for trace in fig.data:  # the Gate lab calls them "before/after the change"; here they are two cells
        if trace.meta and trace.meta.get("key") == "c":
            trace.name = labels[trace.meta["run"]]
    return fig


# ---------------------------------------------------------------------------------------------------------
# 3. Writing new information
# ---------------------------------------------------------------------------------------------------------


def _ask_learn_ignore(s: Scene, vocabulary: str) -> tuple[Question, ...]:
    sym = Symbols(vocabulary, s.net.variant)
    x_t, x_prev = s.value("x"), s.value("x", s.t - 1)
    x_term, _, bias = s.pre_terms("i")
    q1 = Question(
        "q1",
        f"The {sym.name('x')} jumps to {sym('x')} = {num(x_t)} {_at(s)} (it was {num(x_prev)} the step "
        f"before). Roughly what value will the {sym.name('i')} {sym('i')} have?",
        NUMBER,
        truth=s.value("i"),
        explanation=f"{gate_line(s, sym, 'i')}. " + _claim("lesson3_ignore_small", vocabulary),
        tolerance=0.1,
    )
    q2 = _moves_question(
        "q2",
        s,
        "c",
        f"The {sym.name('c')} holds {sym('c_prev')} = {num(s.value('c_prev'))}. Will {sym('c')} go up, go "
        "down or stay about the same?",
        f"{c_line(s, sym)}: the {sym.name('i')} lets the {sym.name('g')} {sym('g')} = "
        f"{num(s.value('g'))} in.",
    )
    return q1, q2


def _draw_anatomy(s: Scene, vocabulary: str, revealed: bool, arrangement: str = "wide") -> go.Figure:
    trace = s.shown(revealed)
    return anatomy_figure(trace, trace.T - 1, vocabulary, layer=s.layer)


# ---------------------------------------------------------------------------------------------------------
# 4. The remember gate: keep and write
# ---------------------------------------------------------------------------------------------------------


def _ask_keep_write(s: Scene, vocabulary: str) -> tuple[Question, ...]:
    sym = Symbols(vocabulary, s.net.variant)
    f, c_prev, i, g = (s.value(k) for k in ("f", "c_prev", "i", "g"))
    kept, written = s.value("kept"), s.value("written")
    givens = (
        f"Unit {s.unit} {_at(s)}: {sym('c_prev')} = {num(c_prev)}, {sym('f')} = {num(f)}, "
        f"{sym('i')} = {num(i)}, {sym('g')} = {num(g)}."
    )
    q1 = Question(
        "q1",
        f"{givens} Roughly what will the new {sym.name('c')} {sym('c')} be?",
        NUMBER,
        truth=s.value("c"),
        explanation=f"{c_line(s, sym)}: keep a part of the old memory, add a part of the new candidate.",
        tolerance=0.05,
    )
    q2 = Question(
        "q2",
        f"Which part of {sym('c')} is larger in size: what is kept, {sym('kept')}, or what is written, "
        f"{sym('written')}?",
        CHOICE,
        truth="kept" if abs(kept) >= abs(written) else "written",
        explanation=f"Kept: {sym('kept')} = {num(f)}·{paren(num(c_prev))} = {num(kept)}. Written: "
        f"{sym('written')} = {num(i)}·{paren(num(g))} = {num(written)}. "
        + _claim("lesson4_keep_and_write", vocabulary),
        options=(
            ("kept", f"what is kept, {sym.short('kept')}"),
            ("written", f"what is written, {sym.short('written')}"),
        ),
    )
    return q1, q2


# ---------------------------------------------------------------------------------------------------------
# 5. The use gate: what to say now
# ---------------------------------------------------------------------------------------------------------

CLOSER = (
    ("closer", "closer to 0"),
    ("further", "further from 0"),
    ("same", f"about the same (within {STAY_BAND:g})"),
)


def _ask_use_gate(u: UseGateScene, vocabulary: str) -> tuple[Question, ...]:
    s, d = u.standard, u.udacity
    sym, usym = Symbols(vocabulary, "standard"), Symbols(vocabulary, "udacity")
    o, c, h = s.value("o"), s.value("c"), s.value("h")
    q1 = Question(
        "q1",
        f"In the standard cell {_at(s)}, the {sym.name('o')} is {sym('o')} = {num(o)} and the new "
        f"{sym.name('c')} is {sym('c')} = {num(c)}. Roughly what will the {sym.name('h')} {sym('h')} be?",
        NUMBER,
        truth=h,
        explanation=f"{h_line(s, sym)}. Without the tanh it would be {num(o * c)}: the memory is squashed "
        "into (−1, 1) before the gate picks how much of it to say.",
        tolerance=0.05,
    )
    U, kept, written, c_u = d.value("u"), d.value("kept"), d.value("written"), d.value("c")
    tanh_c = float(np.tanh(c_u))
    gap = abs(U) - abs(tanh_c)
    truth = "same" if abs(gap) < STAY_BAND else ("closer" if gap < 0 else "further")
    W_u, b_u = usym.param("W", "u"), usym.param("b", "u")
    q2 = Question(
        "q2",
        f"The Udacity cell computes {usym('u')} = tanh({W_u}({usym('c_prev')}⊙{usym('f')}) + {b_u}) from the "
        f"old memory after forgetting; here {W_u} is the identity and {b_u} = 0. {_at(d).capitalize()} it "
        f"writes {usym('written')} = {num(written)}. Will {usym('u')} be closer to 0 than "
        f"tanh({usym('c')}), further from 0, or about the same?",
        CHOICE,
        truth=truth,
        explanation=f"{usym('u')} = tanh({usym('kept')}), while tanh({usym('c')}) = "
        f"tanh({num(kept)} + {paren(num(written))}). {_claim('lesson5_use_lags', vocabulary)} "
        f"({usym('h')} = {usym('u')}·{usym('o')} = {num(d.value('h'))}.)",
        options=CLOSER,
    )
    return q1, q2


def _draw_use_gate(u: UseGateScene, vocabulary: str, revealed: bool, arrangement: str = "wide") -> go.Figure:
    traces = {"standard": u.standard.shown(revealed), "udacity": u.udacity.shown(revealed)}
    t = traces["standard"].T - 1
    return compare_states_figure(traces, vocabulary, t=t)


# ---------------------------------------------------------------------------------------------------------
# 6. Hidden units and stacked layers
# ---------------------------------------------------------------------------------------------------------


def _ask_layers(s: Scene, vocabulary: str) -> tuple[Question, ...]:
    sym = Symbols(vocabulary, s.net.variant)
    L, H = s.trace.num_layers, s.trace.hidden_size
    count = sum(lt.f.shape[1] for lt in s.trace.layers)
    q1 = Question(
        "q1",
        f"This network stacks {L} layers; each layer is one LSTM cell of {H} units (the rows of the "
        f"figure's heatmaps). How many {sym.name('f')} values does the whole network compute at one step?",
        NUMBER,
        truth=float(count),
        explanation=f"Every unit of every layer has its own {sym('f')}, {sym('i')}, {sym('g')} and "
        f"{sym('o')}: {L} layers × {H} units = {count}. A “cell” is a whole layer of {H} units, not one "
        f"neuron; its {sym.name('c')} {sym('c')} is a vector of {H} numbers.",
        tolerance=0.0,
        digits=0,
        label="Your count",
    )
    f = s.lt.f[s.t]
    q2 = Question(
        "q2",
        f"Every unit has its own {sym.name('f')}. Which unit of layer {s.layer + 1} will have the "
        f"{sym.name('f')} {sym('f')} closest to 0 {_at(s)}?",
        CHOICE,
        truth=f"unit{closest_to_zero(dict(enumerate(f)))}",
        explanation=f"{_claim('lesson6_own_rates', vocabulary)} All {H} units read the same "
        f"{sym.name('x')} and the same {sym('h_prev')}, but each has its own row of weights in "
        f"{sym('f')} = σ({sym.param('W', 'f', 'x')}{sym('x')} + {sym.param('W', 'f', 'h')}{sym('h_prev')} + "
        f"{sym.param('b', 'f')}).",
        options=tuple((f"unit{j}", f"unit {j}") for j in range(H)),
    )
    return q1, q2


# ---------------------------------------------------------------------------------------------------------
# 7. Why a plain RNN forgets
# ---------------------------------------------------------------------------------------------------------

SHRINK = (
    ("lt10", "less than 10 times smaller"),
    ("lt1e3", "10 to 1,000 times smaller"),
    ("lt1e6", "1,000 to a million times smaller"),
    ("ge1e6", "more than a million times smaller"),
)


def shrink_bucket(ratio: float) -> str:
    """Which of SHRINK a ratio (value at the loss / value k steps back) falls in."""
    for limit, key in ((10.0, "lt10"), (1e3, "lt1e3"), (1e6, "lt1e6")):
        if ratio < limit:
            return key
    return "ge1e6"


def _ask_gradient(g: GradientScene, vocabulary: str) -> tuple[Question, ...]:
    sym = Symbols(vocabulary)
    d = g.distance
    rnn_0, rnn_d = g.norm("RNN", "dh", 0), g.norm("RNN", "dh", d)
    lstm_0, lstm_d = g.norm("LSTM", "dc", 0), g.norm("LSTM", "dc", d)
    dh, dc = f"‖∂Loss/∂{sym('h')}‖", f"‖∂Loss/∂{sym('c')}‖"
    q1 = Question(
        "q1",
        f"The loss is at the last step. {d} steps back from it, whose gradient is larger: the plain RNN's "
        f"{dh} or the LSTM's {dc}?",
        CHOICE,
        truth="RNN" if rnn_d > lstm_d else "LSTM",
        explanation=f"One step back along the {sym.name('c')}, ∂{sym('c')}/∂{sym('c_prev')} = {sym('f')}, "
        f"about {num(g.mean_f)} here; at the loss the LSTM's {dc} is {sci(lstm_0)}. "
        + _claim("lesson7_far_gradient", vocabulary),
        options=(
            ("RNN", f"the plain RNN's ‖∂Loss/∂{sym.short('h')}‖"),
            ("LSTM", f"the LSTM's ‖∂Loss/∂{sym.short('c')}‖"),
        ),
    )
    ratio = rnn_0 / rnn_d
    q2 = Question(
        "q2",
        f"At the loss the RNN's {dh} is {sci(rnn_0)}. How much smaller will it be {d} steps back?",
        CHOICE,
        truth=shrink_bucket(ratio),
        explanation=f"It falls from {sci(rnn_0)} to {sci(rnn_d)}, {sci(ratio)} times smaller. Each step back "
        f"multiplies it by the recurrent weights times tanh′ = 1 − {sym('h')}², a factor below 1 here, "
        f"and {d} such factors compound: the RNN hardly feels a bit from {d} steps ago.",
        options=SHRINK,
    )
    return q1, q2


def _draw_gradient(g: GradientScene, vocabulary: str, revealed: bool, arrangement: str = "wide") -> go.Figure:
    keep = g.length if revealed else g.shown
    norms = {
        cell: {q: (None if v is None else v[-keep:]) for q, v in entry.items()}
        for cell, entry in g.norms.items()
    }
    title = (
        f"Fresh cells on “remember the first bit”, {g.length} steps,<br>mean of {g.examples} sequences"
        if revealed
        else f"The {g.shown} steps nearest the loss<br>(the rest is hidden until you reveal)"
    )
    return gradient_flow_figure(norms, ("dh", "dc"), vocabulary, title=title)


def _gradient_note(g: GradientScene, revealed: bool) -> str:
    if revealed:
        return f"All {g.length} steps revealed."
    return f"The figure shows only the {g.shown} steps nearest the loss; step {g.distance} back stays hidden."


# ---------------------------------------------------------------------------------------------------------
# 8. Inside a trained cell
# ---------------------------------------------------------------------------------------------------------


def bit_text(bit: float) -> str:
    """+1 or −1."""
    return "+1" if bit > 0 else "\u22121"


def _ask_trained(tr: TrainedScene, vocabulary: str) -> tuple[Question, ...]:
    s = tr.scene
    sym = Symbols(vocabulary, s.net.variant)
    bit, j = s.value("x"), s.unit
    q1 = _moves_question(
        "q1",
        s,
        "c",
        "This cell was trained to remember the first bit of a sequence; here it was "
        f"{bit_text(tr.first_bit)}. "
        f"Unit {j} is the unit whose {sym.name('c')} depends most on it. {_at(s).capitalize()} a "
        f"distracting bit {bit_text(bit)} arrives, and unit {j} holds {sym('c_prev')} = "
        f"{num(s.value('c_prev'))}. Will its {sym('c')} go up, go down or stay about the same?",
        f"{c_line(s, sym)}. {_claim('lesson8_write_sign', vocabulary)}",
    )
    q2 = Question(
        "q2",
        f"Roughly what value will unit {j}'s {sym.name('f')} {sym('f')} have {_at(s)}?",
        NUMBER,
        truth=s.value("f"),
        explanation=f"{gate_line(s, sym, 'f')}. {_claim('lesson8_keeps', vocabulary)}",
        tolerance=0.05,
    )
    return q1, q2


# ---------------------------------------------------------------------------------------------------------
# The catalogue
# ---------------------------------------------------------------------------------------------------------

LESSONS: tuple[Lesson, ...] = (
    Lesson(
        1,
        "two_memories",
        "Two memories: the {c}, the {h} and the {x}",
        scenes.two_memories,
        _ask_two_memories,
        _draw_stepping,
        (Link(STEP_PAGE, "Step through time", True), Link(ANATOMY_PAGE, "Cell anatomy", True)),
        claims=("lesson1_latch",),
    ),
    Lesson(
        2,
        "forget_half_life",
        "The {f} and a memory's half-life",
        scenes.forget_half_life,
        _ask_half_life,
        _draw_half_life,
        (Link(GATE_LAB_PAGE, "Gate lab"), Link(STEP_PAGE, "Step through time", True)),
        note=lambda s, revealed: (
            _step_note(s, revealed)
            + " The half-life in the figure uses the average forget value of the steps drawn "
            "(the Gate lab's rule)."
        ),
        claims=("lesson2_half_life",),
    ),
    Lesson(
        3,
        "learn_and_ignore",
        "Writing new information: the {g} and the {i}",
        scenes.learn_and_ignore,
        _ask_learn_ignore,
        _draw_anatomy,
        (Link(ANATOMY_PAGE, "Cell anatomy", True), Link(GATE_LAB_PAGE, "Gate lab")),
        claims=("lesson3_ignore_small",),
    ),
    Lesson(
        4,
        "keep_and_write",
        "The remember gate: keep and write",
        scenes.keep_and_write,
        _ask_keep_write,
        _draw_stepping,
        (Link(STEP_PAGE, "Step through time", True), Link(ANATOMY_PAGE, "Cell anatomy", True)),
        claims=("lesson4_keep_and_write",),
    ),
    Lesson(
        5,
        "use_gate",
        "What to say now: from the {c} to the {h}",
        scenes.use_gate,
        _ask_use_gate,
        _draw_use_gate,
        (Link(COMPARE_PAGE, "Compare variants"), Link(ANATOMY_PAGE, "Cell anatomy (the Udacity cell)", True)),
        cell=lambda u: u.udacity,
        claims=("lesson5_use_lags",),
    ),
    Lesson(
        6,
        "units_and_layers",
        "Hidden units and stacked layers",
        scenes.units_and_layers,
        _ask_layers,
        _draw_stepping,
        (Link(STEP_PAGE, "Step through time", True), Link(ANATOMY_PAGE, "Cell anatomy", True)),
        claims=("lesson6_own_rates",),
    ),
    Lesson(
        7,
        "vanishing_gradient",
        "Why a plain RNN forgets, and the LSTM does not",
        scenes.vanishing_gradient,
        _ask_gradient,
        _draw_gradient,
        (Link(GRADIENT_PAGE, "Gradient flow"), Link(TRAIN_PAGE, "Train")),
        cell=lambda g: None,
        note=_gradient_note,
        claims=("lesson7_far_gradient",),
    ),
    Lesson(
        8,
        "trained_first_bit",
        "Inside a trained cell: remembering the first bit",
        scenes.trained_first_bit,
        _ask_trained,
        lambda tr, vocabulary, revealed, arrangement: _draw_stepping(
            tr.scene, vocabulary, revealed, arrangement
        ),
        (Link(STEP_PAGE, "Step through time", True), Link(TRAIN_PAGE, "Train")),
        cell=lambda tr: tr.scene,
        claims=("lesson8_write_sign", "lesson8_keeps", "lesson8_memory_unit"),
    ),
    Lesson(
        9,
        "inside_a_string",
        "Find the unit that knows you are inside a string",
        scenes.inside_a_string,
        inside_a_string.ask,
        inside_a_string.draw,
        (Link(inside_a_string.READ_TEXT_PAGE, "Read text: try your own code"),),
        cell=lambda s: None,
        note=inside_a_string.note,
        claims=("lesson9_string_unit",),
    ),
)


def flip_figure(tr: TrainedScene, vocabulary: str) -> go.Figure:
    """Lesson 8's flip: the memory unit's c_t (T,) on the lesson's sequence and on the same sequence with
    the first bit flipped, side by side (left: as given, right: flipped), over the same y range."""
    sym = Symbols(vocabulary, tr.scene.net.variant)
    j, layer = tr.scene.unit, tr.scene.layer
    runs = ((bit_text(tr.first_bit), tr.scene.trace), (bit_text(-tr.first_bit), tr.flipped))
    fig = make_subplots(
        rows=1, cols=2, shared_yaxes=True, subplot_titles=[f"first bit {bit}" for bit, _ in runs]
    )
    for col, (bit, trace) in enumerate(runs, start=1):
        c = trace.layers[layer].c[:, j]
        fig.add_trace(
            go.Scatter(
                x=np.arange(c.size),
                y=c,
                mode="lines+markers",
                name=f"unit {j}, first bit {bit}",
                meta={"first_bit": bit, "unit": j},
            ),
            row=1,
            col=col,
        )
        fig.update_xaxes(title_text="step t", row=1, col=col)
    fig.update_yaxes(title_text=f"unit {j}'s {sym.name('c')} {sym('c')}", row=1, col=1)
    fig.update_layout(
        title=f"The same sequence twice: only the first bit differs (unit {j}, the one that remembers)",
        height=380,
        template="plotly_white",
        showlegend=False,
        margin=dict(l=60, r=20, t=80, b=50),
    )
    return fig
