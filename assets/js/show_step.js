// Shows one animation frame of a Plotly chart with Plotly.animate, exactly as the figure's own slider
// does, so a step moves only the traces that depend on t: no resend, no redraw. ui/follow_step.py writes
// it into the page with the frame's name and the chart's CSS selector in place of the two defaults below;
// it runs each time the page's step changes.
(() => {
  const frame = /*FRAME*/ "0";
  const chart = /*CHART*/ ".js-plotly-plot";
  const deadline = performance.now() + 20000;
  const show = (gd) => {
    // Plotly keeps the frame shown across its redraws (Streamlit's second draw, a new width).
    if (gd._fullLayout._currentFrame !== frame) {
      window.Plotly.animate(gd, [frame], {
        mode: "immediate",
        frame: {duration: 0, redraw: false},
        transition: {duration: 0},
      }).catch(() => {});  // rejected when a newer step or Play takes over: nothing to do
    }
  };
  const follow = () => {
    const gd = document.querySelector(chart);
    const frames = gd && gd._transitionData && gd._transitionData._frameHash;
    if (!(window.Plotly && frames && frames[frame])) {
      // The chart is still being drawn (first load, a new view): wait for its frames, up to 20 s.
      if (performance.now() < deadline) requestAnimationFrame(follow);
      return;
    }
    show(gd);
  };
  follow();
})();
