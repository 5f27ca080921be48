// Shows one animation frame of a Plotly chart with Plotly.animate, exactly as the figure's own slider
// does, so a step moves only the traces that depend on t: no resend, no redraw. ui/follow_step.py writes
// it into the page with the frame's name and the chart's CSS selector in place of the two defaults below;
// it runs each time the page's step changes.
(() => {
  const frame = /*FRAME*/ "0";
  const chart = /*CHART*/ ".js-plotly-plot";
  const deadline = performance.now() + 20000;
  const show = (gd) => {
    if (gd._fullLayout._currentFrame !== gd.pageFrame) {
      window.Plotly.animate(gd, [gd.pageFrame], {
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
    gd.pageFrame = frame;
    if (!gd.followsPage) {
      // Streamlit draws a new chart twice, and again when its width changes; each draw starts from the
      // step the figure was built at and forgets the frame shown, so show the page's step once more.
      gd.followsPage = true;
      gd.on("plotly_react", () => show(gd));
    }
    show(gd);
  };
  follow();
})();
