// Activation explorer view. model.data (from activation.py): grid, x, labels, f, df (rounded
// to `digits`), saturated ("0"/"1" per grid point), threshold, ylim. Synced with the controls:
// model.x (the slider) and model.activation (the dropdown: an index into names).

const { fmt, makePanel, drawAxes, drawCurve, shadeRuns, drawMarkerLine, drawPoint } = snn;
const { drawLegend, legendRows, gridIndex, makeFrame, runFrame, makeReadouts } = snn;

const SHADE = "rgba(204, 121, 167, 0.25)";

function layout(width, ctx, data) {
  const labels = ["f(x)", "f\u2032(x)", `|f\u2032(x)| < ${data.threshold}`];
  const rows = legendRows(ctx, labels, 16, width - 8);
  const height = width < snn.NARROW ? 220 : 250;
  const box = [56, 30, width - 16, 30 + height];
  return { box, legendY: box[3] + 52, H: box[3] + 44 + 18 * rows };
}

function drawPlot(ctx, lay, data, a, i) {
  const { colors } = ctx.theme;
  const xs = data.x;
  const panel = makePanel(lay.box, [data.grid.lo, data.grid.hi], data.ylim[a]);
  drawAxes(ctx, panel, { title: data.labels[a], xlabel: "x", ylabel: "value" });
  shadeRuns(ctx, panel, xs, data.saturated[a], SHADE);
  drawCurve(ctx, panel, xs, data.f[a], { color: colors.blue });
  drawCurve(ctx, panel, xs, data.df[a], { color: colors.vermillion, dash: [7, 4] });
  drawMarkerLine(ctx, panel, xs[i]);
  drawPoint(ctx, panel, xs[i], data.f[a][i], colors.blue, "disc");
  drawPoint(ctx, panel, xs[i], data.df[a][i], colors.vermillion, "ring");
  drawLegend(ctx, 16, lay.legendY, [
    { label: "f(x)", color: colors.blue },
    { label: "f\u2032(x)", color: colors.vermillion, dash: [7, 4] },
    { label: `|f\u2032(x)| < ${data.threshold}`, fill: SHADE },
  ], lay.box[2]);
}

function render({ model, el }) {
  const data = model.get("data");
  const frame = makeFrame(el, "activation", "Plot of the activation and its derivative");
  const cells = makeReadouts(el, null, [
    ["x", "x"],
    ["f(x)", "f"],
    ["f\u2032(x)", "df"],
    [`saturated (|f\u2032(x)| < ${data.threshold})?`, "saturated"],
  ]);

  function draw(ctx, lay) {
    const a = model.get("activation");
    const i = gridIndex(model.get("x"), data.grid);
    drawPlot(ctx, lay, data, a, i);
    const saturated = data.saturated[a][i] === "1";
    const [x, f, df] = [fmt(data.x[i], 2), fmt(data.f[a][i], data.digits), fmt(data.df[a][i], data.digits)];
    cells.x.textContent = x;
    cells.f.textContent = f;
    cells.df.textContent = df;
    cells.saturated.textContent = saturated ? "yes" : "no";
    el.dataset.x = String(data.x[i]);
    el.dataset.activation = data.names[a];
    const state = `${data.labels[a]} at x = ${x}: f(x) = ${f}, f\u2032(x) = ${df}`;
    frame.canvas.setAttribute("aria-label", state + (saturated ? ", saturated" : ""));
  }

  return runFrame(frame, {
    model,
    el,
    names: ["x", "activation"],
    layout: (width, ctx) => layout(width, ctx, data),
    draw,
    // Only x matters for dragging, so any y-range will do for this panel.
    drag: { key: "x", grid: data.grid, panels: (lay) => [makePanel(lay.box, [data.grid.lo, data.grid.hi], [0, 1])] },
  });
}

export default snn.explorer(render);
