// The step player: owns the page's time step t in the browser. It steps (buttons, slider, keys), plays
// (speed, loop), moves the page's Plotly chart to the step's animation frame at once, and reports t back
// to Streamlit, which then brings the rest of the page (label of the link, equations) to the same step.
// Streamlit's component protocol (streamlit/frontend ComponentInstance, API version 1) by postMessage:
// we send componentReady, setComponentValue and setFrameHeight; Streamlit sends render with the args.
// Args (ui/components/step_player/__init__.py): T, t, rev, steps, played, chart, live, rate, font_px.
(() => {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const ui = {
    first: $("first"), prev: $("prev"), play: $("play"), next: $("next"), last: $("last"),
    label: $("label"), scrub: $("scrub"), speed: $("speed"), loop: $("loop"),
  };
  const host = window.parent;
  const QUIET_MS = 250; // a run of key presses is reported once, this long after the last one (clicks at once)
  const state = {
    T: 1, t: 0, rev: null, steps: null, played: null, chart: null, live: false, rate: 2,
    playing: false, timer: null, due: 0, sent: null, quiet: null, seq: 0,
  };

  const post = (type, data) => host.postMessage({isStreamlitMessage: true, type, ...data}, "*");
  const height = () => post("streamlit:setFrameHeight", {height: document.documentElement.scrollHeight});

  // --- the chart: show frame t with Plotly.animate, as the figure's own slider would -------------------
  let wanted = null;
  let deadline = 0;
  let waiting = false; // a poll for the chart's frames is already running
  const frameOf = (t) => String(t);
  const hasFrame = (t) => state.steps === null || state.steps.includes(t);
  const graph = () => (state.chart ? host.document.querySelector(state.chart) : null);
  function showOnChart() {
    const gd = graph();
    const frames = gd && gd._transitionData && gd._transitionData._frameHash;
    waiting = !(host.Plotly && frames && frames[frameOf(wanted)]);
    if (waiting) {
      // Still being drawn (first load, a new view): wait for its frames, up to 20 s.
      if (performance.now() < deadline) requestAnimationFrame(showOnChart);
      else waiting = false;
      return;
    }
    if (gd._fullLayout._currentFrame === frameOf(wanted)) return;
    host.Plotly.animate(gd, [frameOf(wanted)], {
      mode: "immediate", frame: {duration: 0, redraw: false}, transition: {duration: 0},
    }).catch(() => {}); // superseded by the next step: nothing to do
  }
  function show(t) {
    if (!state.chart || !hasFrame(t)) return;
    wanted = t;
    deadline = performance.now() + 20000;
    if (!waiting) showOnChart();
  }

  // --- reporting t to the server ----------------------------------------------------------------------
  function report() {
    clearTimeout(state.quiet);
    state.quiet = null;
    if (state.sent === state.t) return;
    state.sent = state.t;
    state.seq += 1;
    post("streamlit:setComponentValue", {value: {t: state.t, seq: state.seq}, dataType: "json"});
  }
  function reportSoon() {
    // No frame for t (a long sequence), or a chart the server draws per step: the server must draw it now.
    if (state.live || !hasFrame(state.t)) return report();
    clearTimeout(state.quiet);
    state.quiet = setTimeout(report, QUIET_MS);
  }

  // --- moving the step --------------------------------------------------------------------------------
  function draw() {
    const {t, T} = state;
    ui.label.textContent = `Step ${t} of ${T}`;
    ui.label.title = `t counts from 0 to ${T - 1}`;
    ui.scrub.max = String(Math.max(0, T - 1));
    ui.scrub.value = String(t);
    ui.scrub.disabled = T <= 1;
    ui.first.disabled = ui.prev.disabled = t <= 0;
    ui.next.disabled = ui.last.disabled = t >= T - 1;
    ui.play.disabled = T <= 1;
    ui.play.textContent = state.playing ? "⏸ Pause" : "▶ Play";
    ui.play.setAttribute("aria-label", state.playing ? "Pause" : "Play");
    document.body.dataset.t = String(t);
    document.body.dataset.playing = String(state.playing);
  }
  function go(t, {quiet = false} = {}) {
    t = Math.max(0, Math.min(state.T - 1, Math.round(t)));
    if (t === state.t) return;
    state.t = t;
    draw();
    show(t);
    if (!quiet) reportSoon();
  }
  const stepBy = (delta) => {
    pause();
    go(state.t + delta);
  };
  const jump = (t) => {
    pause();
    go(t);
  };

  // --- Play ---------------------------------------------------------------------------------------------
  const interval = () => 1000 / (state.rate * Number(ui.speed.value));
  // The steps Play shows: on a long sequence an even stride, not the extra frames near the anchor.
  const playList = () => state.played ?? state.steps;
  function nextPlayed(t) {
    // The next step that Play shows (every step unless the sequence is long), or null at the end.
    const list = playList();
    if (list === null) return t + 1 < state.T ? t + 1 : null;
    const later = list.find((s) => s > t);
    return later === undefined ? null : later;
  }
  function tick() {
    let t = nextPlayed(state.t);
    if (t === null) {
      if (!ui.loop.checked) return pause();
      t = playList() === null ? 0 : playList()[0];
    }
    go(t, {quiet: !state.live});
    if (state.live) report();
    // Deadlines on a fixed grid, so the rate holds even when a frame takes a little longer.
    state.due = Math.max(state.due + interval(), performance.now());
    state.timer = setTimeout(tick, state.due - performance.now());
  }
  function play() {
    if (state.playing || state.T <= 1) return;
    if (nextPlayed(state.t) === null) go(playList() === null ? 0 : playList()[0], {quiet: true});
    state.playing = true;
    draw();
    state.due = performance.now() + interval();
    state.timer = setTimeout(tick, interval());
  }
  function pause() {
    if (!state.playing) return;
    clearTimeout(state.timer);
    state.playing = false;
    draw();
    report(); // the page catches up with where the figure stopped
  }
  const toggle = () => (state.playing ? pause() : play());

  // A click is one deliberate step: the page catches up at once. Only runs of key presses wait for quiet.
  const clicked = (move) => () => {
    move();
    report();
  };
  ui.first.onclick = clicked(() => jump(0));
  ui.last.onclick = clicked(() => jump(state.T - 1));
  ui.prev.onclick = clicked(() => stepBy(-1));
  ui.next.onclick = clicked(() => stepBy(1));
  ui.play.onclick = toggle;
  ui.scrub.oninput = () => jump(Number(ui.scrub.value));
  ui.speed.onchange = () => {
    if (state.playing) state.due = performance.now();
  };

  // --- keys, whatever has focus except a text box ------------------------------------------------------
  const TEXT_ROLES = new Set(["textbox", "combobox", "spinbutton", "slider", "searchbox", "listbox"]);
  const NOT_TEXT = new Set(["button", "checkbox", "radio", "range", "submit", "reset", "file", "color"]);
  function typing(el) {
    if (!el || el.nodeType !== 1) return false;
    if (el.isContentEditable) return true;
    const tag = el.tagName.toLowerCase();
    if (tag === "textarea" || tag === "select") return true;
    if (tag === "input") return !NOT_TEXT.has((el.type || "text").toLowerCase());
    if (el === ui.scrub) return false;
    return TEXT_ROLES.has((el.getAttribute("role") || "").toLowerCase());
  }
  const KEYS = {
    ArrowRight: () => stepBy(1), PageDown: () => stepBy(1),
    ArrowLeft: () => stepBy(-1), PageUp: () => stepBy(-1),
    " ": toggle, Home: () => jump(0), End: () => jump(state.T - 1),
  };
  function onKey(e) {
    const act = KEYS[e.key];
    if (!act || e.altKey || e.ctrlKey || e.metaKey || e.defaultPrevented || typing(e.target)) return;
    e.preventDefault();
    if (!e.repeat || e.key !== " ") act();
  }
  // Streamlit may keep an old copy of the player on the page for a moment while it mounts the new one
  // (a rerun, a page switch), in either order. Every player listens, but only the newest one still on
  // the page acts, so a key never steps twice and never goes to a player about to be removed.
  const me = {frame: window.frameElement};
  const newest = () => {
    const live = (host.__lstmStepPlayers || []).filter((p) => p.frame && p.frame.isConnected);
    return live[live.length - 1] === me;
  };
  const onPageKey = (e) => {
    if (newest()) onKey(e);
  };
  try {
    host.__lstmStepPlayers = [...(host.__lstmStepPlayers || []).filter((p) => p.frame && p.frame.isConnected), me];
    host.document.addEventListener("keydown", onPageKey);
    window.addEventListener("pagehide", () => {
      host.document.removeEventListener("keydown", onPageKey);
      host.__lstmStepPlayers = (host.__lstmStepPlayers || []).filter((p) => p !== me);
    });
  } catch (err) {
    // Another origin (never so for this app's own server): keys work while the player has focus.
  }
  document.addEventListener("keydown", onKey);

  // --- Streamlit's render message: new args ------------------------------------------------------------
  window.addEventListener("message", (event) => {
    if (event.source !== host || !event.data || event.data.type !== "streamlit:render") return;
    const a = event.data.args;
    const chartChanged = a.chart !== state.chart;
    Object.assign(state, {
      T: a.T, steps: a.steps, played: a.played ?? null, chart: a.chart, live: !!a.live, rate: a.rate,
    });
    document.documentElement.style.setProperty("--px", `${a.font_px}px`);
    document.body.classList.toggle("big", a.font_px >= 18);
    if (a.rev !== state.rev) {
      // The server moved t on its own (first draw, a link, a shorter sequence): it wins.
      state.rev = a.rev;
      state.t = Math.max(0, Math.min(a.T - 1, a.t));
      state.sent = a.t;
      if (state.playing && a.T <= 1) pause();
    } else if (state.t > a.T - 1) {
      state.t = a.T - 1;
    }
    draw();
    if (chartChanged || state.chart) show(state.t);
    height();
  });
  new ResizeObserver(height).observe(document.body);
  post("streamlit:componentReady", {apiVersion: 1});
})();
