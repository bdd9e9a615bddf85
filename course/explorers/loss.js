// Loss explorer view. model.data (from loss.py): eps_grid, delta_grid, eps, and for each loss
// {loss, grad} arrays over eps (rounded to `digits`; null where undefined): mse, mae, bce, and
// huber[d] for each delta on delta_grid. Synced with the sliders: model.eps, model.delta.

function render({ model, el }) {
  const data = model.get("data");
  const colors = model.get("palette");
  const eg = data.eps_grid;
  const dg = data.delta_grid;
  const xs = data.eps;
  el.classList.add("snn-explorer");
  el.dataset.explorer = "loss";

  const W = 660;
  const H = 330;
  const { canvas, ctx } = makeCanvas(el, W, H, "Plots of four losses and their gradients");
  const cells = makeReadouts(el, ["", "L(\u03b5)", "dL/d\u03b5"], [
    ["MSE", "mse-loss", "mse-grad"],
    ["MAE", "mae-loss", "mae-grad"],
    ["Huber", "huber-loss", "huber-grad"],
    ["BCE", "bce-loss", "bce-grad"],
  ]);
  const note = document.createElement("p");
  note.className = "snn-note";
  el.appendChild(note);

  const lossBox = [52, 30, 318, H - 78];
  const gradBox = [384, 30, W - 12, H - 78];
  const lossRange = [0, 4.5];
  const gradRange = [0, 4];
  const styles = {
    mse: { color: colors.blue, dash: [] },
    mae: { color: colors.orange, dash: [8, 4] },
    huber: { color: colors.green, dash: [10, 3, 2, 3] },
    bce: { color: colors.purple, dash: [2, 3], width: 2.5 },
  };
  const magnitude = (ys) => ys.map((v) => (v === null ? null : Math.abs(v)));

  function draw() {
    const i = gridIndex(model.get("eps"), eg);
    const d = gridIndex(model.get("delta"), dg);
    const eps = xs[i];
    const delta = gridValue(d, dg);
    const curves = { mse: data.mse, mae: data.mae, huber: data.huber[d], bce: data.bce };
    const lossPanel = makePanel(lossBox, [eg.lo, eg.hi], lossRange);
    const gradPanel = makePanel(gradBox, [eg.lo, eg.hi], gradRange);

    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, W, H);
    drawAxes(ctx, lossPanel, { title: "Loss L(\u03b5)", xlabel: "error \u03b5", ylabel: "L" });
    drawAxes(ctx, gradPanel, {
      title: "Gradient magnitude |dL/d\u03b5|",
      xlabel: "error \u03b5",
      ylabel: "|dL/d\u03b5|",
    });
    for (const panel of [lossPanel, gradPanel]) {
      for (const edge of [-delta, delta]) {
        ctx.save();
        ctx.strokeStyle = colors.green;
        ctx.globalAlpha = 0.5;
        ctx.setLineDash([1, 3]);
        ctx.beginPath();
        ctx.moveTo(panel.X(edge), panel.box[1]);
        ctx.lineTo(panel.X(edge), panel.box[3]);
        ctx.stroke();
        ctx.restore();
      }
    }
    for (const [name, curve] of Object.entries(curves)) {
      drawCurve(ctx, lossPanel, xs, curve.loss, styles[name]);
      drawCurve(ctx, gradPanel, xs, magnitude(curve.grad), styles[name]);
    }
    drawMarkerLine(ctx, lossPanel, eps);
    drawMarkerLine(ctx, gradPanel, eps);
    for (const [name, curve] of Object.entries(curves)) {
      drawPoint(ctx, lossPanel, eps, curve.loss[i], styles[name].color, "disc");
      const g = curve.grad[i];
      drawPoint(ctx, gradPanel, eps, g === null ? null : Math.abs(g), styles[name].color, "disc");
    }
    drawLegend(ctx, 52, H - 16, [
      { label: "MSE", ...styles.mse },
      { label: "MAE", ...styles.mae },
      { label: `Huber (\u03b4 = ${fmt(delta, 1)}, edges dotted)`, ...styles.huber },
      { label: "BCE", ...styles.bce },
    ]);

    for (const name of Object.keys(curves)) {
      cells[`${name}-loss`].textContent = fmt(curves[name].loss[i], data.digits);
      cells[`${name}-grad`].textContent = fmt(curves[name].grad[i], data.digits);
    }
    note.textContent =
      `\u03b5 = ${fmt(eps, 2)}, Huber \u03b4 = ${fmt(delta, 1)}.` +
      (curves.bce.loss[i] === null ? " BCE is undefined here: it needs |\u03b5| < 1." : "");
    el.dataset.eps = String(eps);
    el.dataset.delta = String(delta);
  }

  const panels = [
    makePanel(lossBox, [eg.lo, eg.hi], lossRange),
    makePanel(gradBox, [eg.lo, eg.hi], gradRange),
  ];
  const stopDrag = attachDrag(canvas, W, panels, snapToGrid(model, "eps", eg));
  const stopListening = onChanges(model, ["eps", "delta"], draw);
  draw();
  return () => {
    stopDrag();
    stopListening();
  };
}

export default { render };
