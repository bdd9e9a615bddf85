// Loss explorer view. model.data (from loss.py): eps_grid, delta_grid, eps, and for each loss
// {loss, grad} arrays over eps (rounded to `digits`; null where undefined): mse, mae, bce, and
// huber[d] for each delta on delta_grid. Synced with the sliders: model.eps, model.delta.

const { fmt, makePanel, drawAxes, drawCurve, drawMarkerLine, drawPoint, drawLegend } = snn;
const { legendRows, line, gridIndex, gridValue, makeFrame, runFrame, twoPanels } = snn;
const { makeReadouts, makeNote } = snn;

const LOSS_RANGE = [0, 4.5];
const GRAD_RANGE = [0, 4];
const NAMES = ["mse", "mae", "huber", "bce"];

function styles(colors) {
  return {
    mse: { color: colors.blue, dash: [] },
    mae: { color: colors.orange, dash: [8, 4] },
    huber: { color: colors.green, dash: [10, 3, 2, 3] },
    bce: { color: colors.purple, dash: [2, 3], width: 2.5 },
  };
}

function legend(styled, delta) {
  return [
    { label: "MSE", ...styled.mse },
    { label: "MAE", ...styled.mae },
    { label: `Huber (\u03b4 = ${fmt(delta, 1)}, edges dotted)`, ...styled.huber },
    { label: "BCE", ...styled.bce },
  ];
}

function layout(width, ctx) {
  const labels = legend(styles({}), 1).map((entry) => entry.label);
  const rows = legendRows(ctx, labels, 16, width - 8);
  const lay = twoPanels(width, { pad: [52, 30, 14, 44], height: 220, legend: 18 * rows });
  return { ...lay, legendY: lay.bottom + 8 };
}

function panels(lay, eg) {
  return [
    makePanel(lay.boxes[0], [eg.lo, eg.hi], LOSS_RANGE),
    makePanel(lay.boxes[1], [eg.lo, eg.hi], GRAD_RANGE),
  ];
}

// Both panels: the four curves (|dL/dε| on the right), Huber's ±δ edges, the marker at ε.
function drawPlots(ctx, lay, data, curves, i, delta) {
  const styled = styles(ctx.theme.colors);
  const [lossPanel, gradPanel] = panels(lay, data.eps_grid);
  drawAxes(ctx, lossPanel, { title: "Loss L(\u03b5)", xlabel: "error \u03b5", ylabel: "L" });
  drawAxes(ctx, gradPanel, { title: "Gradient magnitude |dL/d\u03b5|", xlabel: "error \u03b5", ylabel: "|dL/d\u03b5|" });
  const magnitude = (v) => (v === null ? null : Math.abs(v));
  for (const panel of [lossPanel, gradPanel]) {
    ctx.save();
    ctx.strokeStyle = styled.huber.color;
    ctx.setLineDash([1, 3]);
    for (const edge of [-delta, delta]) line(ctx, panel.X(edge), panel.box[1], panel.X(edge), panel.box[3]);
    ctx.restore();
    drawMarkerLine(ctx, panel, data.eps[i]);
  }
  for (const name of NAMES) {
    drawCurve(ctx, lossPanel, data.eps, curves[name].loss, styled[name]);
    drawCurve(ctx, gradPanel, data.eps, curves[name].grad.map(magnitude), styled[name]);
    drawPoint(ctx, lossPanel, data.eps[i], curves[name].loss[i], styled[name].color, "disc");
    drawPoint(ctx, gradPanel, data.eps[i], magnitude(curves[name].grad[i]), styled[name].color, "disc");
  }
  drawLegend(ctx, 16, lay.legendY, legend(styled, delta), lay.boxes[1][2]);
}

function render({ model, el }) {
  const data = model.get("data");
  const frame = makeFrame(el, "loss", "Plots of four losses and their gradients");
  const cells = makeReadouts(el, ["", "L(\u03b5)", "dL/d\u03b5"], [
    ["MSE", "mse-loss", "mse-grad"],
    ["MAE", "mae-loss", "mae-grad"],
    ["Huber", "huber-loss", "huber-grad"],
    ["BCE", "bce-loss", "bce-grad"],
  ]);
  const note = makeNote(el);

  function draw(ctx, lay) {
    const i = gridIndex(model.get("eps"), data.eps_grid);
    const d = gridIndex(model.get("delta"), data.delta_grid);
    const delta = gridValue(d, data.delta_grid);
    const curves = { mse: data.mse, mae: data.mae, huber: data.huber[d], bce: data.bce };
    drawPlots(ctx, lay, data, curves, i, delta);
    for (const name of NAMES) {
      cells[`${name}-loss`].textContent = fmt(curves[name].loss[i], data.digits);
      cells[`${name}-grad`].textContent = fmt(curves[name].grad[i], data.digits);
    }
    note.textContent =
      `\u03b5 = ${fmt(data.eps[i], 2)}, Huber \u03b4 = ${fmt(delta, 1)}.` +
      (curves.bce.loss[i] === null ? " BCE is undefined here: it needs |\u03b5| < 1." : "");
    el.dataset.eps = String(data.eps[i]);
    el.dataset.delta = String(delta);
  }

  return runFrame(frame, {
    model,
    el,
    names: ["eps", "delta"],
    layout,
    draw,
    drag: { key: "eps", grid: data.eps_grid, panels: (lay) => panels(lay, data.eps_grid) },
  });
}

export default snn.explorer(render);
