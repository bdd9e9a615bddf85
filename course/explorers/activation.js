// Activation explorer view. model.data (from activation.py): grid, x, labels, f, df (rounded
// to `digits`), saturated ("0"/"1" per grid point), threshold, ylim. Synced with the controls:
// model.x (the slider) and model.index (the dropdown).

function render({ model, el }) {
  const data = model.get("data");
  const colors = model.get("palette");
  const grid = data.grid;
  const xs = data.x;
  el.classList.add("snn-explorer");
  el.dataset.explorer = "activation";

  const W = 640;
  const H = 330;
  const { canvas, ctx } = makeCanvas(el, W, H, "Plot of the activation and its derivative");
  const cells = makeReadouts(el, null, [
    ["x", "x"],
    ["f(x)", "f"],
    ["f\u2032(x)", "df"],
    [`saturated (|f\u2032(x)| < ${data.threshold})?`, "saturated"],
  ]);

  const box = [60, 30, W - 16, H - 78];
  function draw() {
    const a = model.get("index");
    const i = gridIndex(model.get("x"), grid);
    const x = xs[i];
    const f = data.f[a];
    const df = data.df[a];
    const panel = makePanel(box, [grid.lo, grid.hi], data.ylim[a]);

    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, W, H);
    shadeRuns(ctx, panel, xs, data.saturated[a], "rgba(204, 121, 167, 0.18)");
    drawAxes(ctx, panel, { title: data.labels[a], xlabel: "x", ylabel: "value" });
    drawCurve(ctx, panel, xs, f, { color: colors.blue });
    drawCurve(ctx, panel, xs, df, { color: colors.vermillion, dash: [7, 4] });
    drawMarkerLine(ctx, panel, x);
    drawPoint(ctx, panel, x, f[i], colors.blue, "disc");
    drawPoint(ctx, panel, x, df[i], colors.vermillion, "ring");
    drawLegend(ctx, 60, H - 16, [
      { label: "f(x)", color: colors.blue },
      { label: "f\u2032(x)", color: colors.vermillion, dash: [7, 4] },
      { label: `|f\u2032(x)| < ${data.threshold}`, fill: "rgba(204, 121, 167, 0.30)" },
    ]);

    const saturated = data.saturated[a][i] === "1";
    cells.x.textContent = fmt(x, 2);
    cells.f.textContent = fmt(f[i], data.digits);
    cells.df.textContent = fmt(df[i], data.digits);
    cells.saturated.textContent = saturated ? "yes" : "no";
    el.dataset.x = String(x);
    el.dataset.activation = data.names[a];
    canvas.setAttribute(
      "aria-label",
      `${data.labels[a]} at x = ${fmt(x, 2)}: f(x) = ${fmt(f[i], data.digits)}, ` +
        `f\u2032(x) = ${fmt(df[i], data.digits)}${saturated ? ", saturated" : ""}`,
    );
  }

  // Only x matters for dragging, so any y-range will do for this panel.
  const panels = [makePanel(box, [grid.lo, grid.hi], [0, 1])];
  const stopDrag = attachDrag(canvas, W, panels, snapToGrid(model, "x", grid));
  const stopListening = onChanges(model, ["x", "index"], draw);
  draw();
  return () => {
    stopDrag();
    stopListening();
  };
}

export default { render };
