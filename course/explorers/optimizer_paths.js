// Optimizer-paths explorer view. model.data (from optimizer_paths.py): axes (surface, optimizer,
// lr, beta; the optimizers are drawn together, the others are controls), steps, tol, digits,
// coord_levels; surfaces[s] {label, box [x0, x1, y0, y1], start, minimum, contours [{level,
// lines}]}; runs[runIndex] {xy: packed levels, 2 characters per coordinate; loss: per step up
// to the cut, rounded; reached: first step within tol | null; exit: the step that left the
// square | null} (or the index of an equal run). Synced with the controls: model.surface,
// model.lr, model.beta (indices) and model.step.

const { fmt, makePanel, drawAxes, drawCurve, drawMarkerLine, drawPoint, drawShape, drawText } = snn;
const { drawLegend, clipTo, gridIndex, gridValue, runAt, makeFrame, runFrame, twoPanels } = snn;
const { makeReadouts, makeNote, makePlayButton, unpack } = snn;

const LOSS_RANGES = [[0, 60], [0, 60], [-0.5, 5]];
const DASHES = [[], [7, 4], [10, 3, 2, 3], [2, 3], [6, 2, 1, 2, 1, 2]];
const SHAPES = ["disc", "square", "triangle", "diamond", "disc"];

function styles(t) {
  const colors = [t.ink, t.colors.blue, t.colors.green, t.colors.orange, t.colors.vermillion];
  return colors.map((color, o) => ({ color, dash: DASHES[o], shape: SHAPES[o] }));
}

function layout(width) {
  const lay = twoPanels(width, { pad: [46, 30, 14, 44], height: 290, square: true, legend: 40 });
  return { ...lay, legendY: lay.bottom + 8 };
}

// Stored coordinate levels -> the centre of their cell in w-space (drawing only).
function points(data, surface, path) {
  const [x0, x1, y0, y1] = surface.box;
  const levels = unpack(path.xy, 2);
  const m = data.coord_levels; // level k is the point k/m of the way across
  const out = [];
  for (let k = 0; k < levels.length; k += 2) {
    out.push([x0 + (levels[k] / m) * (x1 - x0), y0 + (levels[k + 1] / m) * (y1 - y0)]);
  }
  return out;
}

function polyline(ctx, map, xy) {
  ctx.beginPath();
  xy.forEach(([a, b], k) => (k ? ctx.lineTo(map.X(a), map.Y(b)) : ctx.moveTo(map.X(a), map.Y(b))));
  ctx.stroke();
}

function drawSurface(ctx, map, surface) {
  drawAxes(ctx, map, { title: surface.label, xlabel: "w\u2081", ylabel: "w\u2082" });
  ctx.save();
  clipTo(ctx, map);
  ctx.strokeStyle = ctx.theme.faint;
  ctx.lineWidth = 0.8;
  for (const contour of surface.contours) for (const line of contour.lines) polyline(ctx, map, line);
  ctx.restore();
}

// One optimizer's path on the map up to `step` (✕ where it left the square), its loss curve.
function drawPath(ctx, map, loss, xy, path, step, style) {
  const shown = xy.slice(0, Math.min(step, xy.length - 1) + 1);
  ctx.save();
  clipTo(ctx, map);
  ctx.strokeStyle = style.color;
  ctx.lineWidth = 1.6;
  ctx.setLineDash(style.dash);
  polyline(ctx, map, shown);
  ctx.restore();
  const [a, b] = shown[shown.length - 1];
  const cut = path.exit !== null && step >= path.exit;
  if (cut) drawText(ctx, "\u2715", map.X(a) - 5, map.Y(b), { color: style.color, font: "bold 16px sans-serif" });
  else drawShape(ctx, map.X(a), map.Y(b), style.shape, 5, style.color, ctx.theme.ink);
  drawCurve(ctx, loss, path.loss.map((_, k) => k), path.loss, style);
  if (!cut) drawPoint(ctx, loss, step, path.loss[step], style.color, "disc");
  return cut;
}

function reachedText(data, path) {
  if (path.reached !== null) return `step ${path.reached}`;
  if (path.exit !== null) return `diverged: left the plot at step ${path.exit}`;
  return `not within ${data.steps} steps`;
}

function render({ model, el }) {
  const data = model.get("data");
  const optimizers = data.axes.find((axis) => axis.name === "optimizer").texts;
  const betas = data.axes.find((axis) => axis.name === "beta").texts;
  const lrs = data.axes.find((axis) => axis.name === "lr").texts;
  const grid = { lo: 0, hi: data.steps, step: 1, n: data.steps + 1 };
  const frame = makeFrame(el, "optimizer-paths", "Contours of the loss surface and the paths of five optimizers; loss against step");
  const keys = optimizers.map((name) => name.toLowerCase());
  const cells = makeReadouts(el, ["", "loss at this step", `first within ${data.tol} of the minimum`],
    optimizers.map((name, o) => [name, `${keys[o]}-loss`, `${keys[o]}-reached`]));
  const note = makeNote(el);

  function draw(ctx, lay) {
    const s = model.get("surface");
    const surface = data.surfaces[s];
    const step = gridValue(gridIndex(model.get("step"), grid), grid);
    const map = makePanel(lay.boxes[0], surface.box.slice(0, 2), surface.box.slice(2));
    const loss = makePanel(lay.boxes[1], [0, data.steps], LOSS_RANGES[s]);
    drawSurface(ctx, map, surface);
    drawAxes(ctx, loss, { title: "Loss against step", xlabel: "step", ylabel: "L(w)" });
    drawMarkerLine(ctx, loss, step);
    const styled = styles(ctx.theme);
    const status = optimizers.map((_, o) => {
      const path = runAt(data, (name) => (name === "optimizer" ? o : model.get(name)));
      const cut = drawPath(ctx, map, loss, points(data, surface, path), path, step, styled[o]);
      cells[`${keys[o]}-loss`].textContent = cut ? "\u2014" : fmt(path.loss[step], data.digits);
      cells[`${keys[o]}-reached`].textContent = reachedText(data, path);
      return path.exit === null ? "in" : `out-${path.exit}`;
    });
    drawText(ctx, "\u2605", map.X(surface.start[0]) - 7, map.Y(surface.start[1]), { font: "18px sans-serif" });
    drawText(ctx, "+", map.X(surface.minimum[0]) - 6, map.Y(surface.minimum[1]), { font: "bold 20px sans-serif" });
    drawLegend(ctx, 14, lay.legendY, optimizers.map((label, o) => ({ label, ...styled[o] })), lay.boxes[1][2]);
    note.textContent =
      `Step ${step} of ${data.steps}, learning rate ${lrs[model.get("lr")]}, ` +
      `\u03bc = \u03b2\u2081 = ${betas[model.get("beta")]} (Momentum, Nesterov, Adam).`;
    el.dataset.step = String(step);
    el.dataset.status = status.join(" ");
  }

  const stopPlay = makePlayButton(el, model, "step", grid, 120);
  const stopFrame = runFrame(frame, {
    model,
    el,
    names: ["surface", "lr", "beta", "step"],
    layout,
    draw,
    drag: { key: "step", grid, panels: (lay) => [makePanel(lay.boxes[1], [0, data.steps], [0, 1])] },
  });
  return () => {
    stopPlay();
    stopFrame();
  };
}

export default snn.explorer(render);
