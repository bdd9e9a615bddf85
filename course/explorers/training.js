// Training explorer view. model.data (from training.py): axes (the controls' axes: dataset,
// noise, width, activation, lr), epochs, frame_every, pixels, box, levels, digits;
// points[runIndex of dataset, noise] {x: [[x1, x2]], y: "0101…"}; runs[runIndex] {train, val:
// loss per epoch, rounded; train_acc, val_acc: % per frame; frames: packed levels, pixels² per
// frame; stopped: epoch | null}. Synced with the controls: one trait per axis (the chosen
// index) and epoch.

const { fmt, makePanel, drawAxes, drawCurve, drawMarkerLine, drawPoint, drawShape, drawText } = snn;
const { drawLegend, clipTo, gridIndex, gridValue, runIndex, runAt, makeFrame, runFrame } = snn;
const { twoPanels, makeReadouts, makeNote, makePlayButton, unpack, diverging } = snn;
const { drawLevels, drawLevelLine } = snn;

const LOSS_RANGE = [0, 1.2];
const DASH = "\u2014";

function epochGrid(data) {
  return { lo: 0, hi: data.epochs, step: data.frame_every, n: data.epochs / data.frame_every + 1 };
}

function legend(t) {
  return [
    { label: "class 0", shape: "disc", color: t.colors.orange },
    { label: "class 1", shape: "triangle", color: t.colors.blue },
    { label: "training loss", color: t.ink },
    { label: "validation loss", color: t.colors.vermillion, dash: [7, 4] },
  ];
}

function layout(width) {
  const lay = twoPanels(width, { pad: [50, 34, 14, 44], height: 250, square: true, legend: 44 });
  return { ...lay, legendY: lay.bottom + 10 };
}

// The left panel: σ(z) as a heatmap, its 0.5 line, the points; veiled once the run stopped.
function drawMap(ctx, box, data, levels, points, stoppedAt) {
  const t = ctx.theme;
  const map = makePanel(box, [-data.box, data.box], [-data.box, data.box]);
  drawAxes(ctx, map, { title: "\u03c3(z) at this epoch", xlabel: "x\u2081", ylabel: "x\u2082" });
  const color = (level) => diverging((level + 0.5) / data.levels, t.colors.orange, t.colors.blue, t.plot);
  drawLevels(ctx, box, levels, data.pixels, color);
  drawLevelLine(ctx, box, levels, data.pixels, data.levels / 2, { color: t.ink, width: 2 });
  ctx.save();
  clipTo(ctx, map);
  const classes = legend(t);
  points.x.forEach(([x1, x2], k) => {
    const style = classes[Number(points.y[k])];
    drawShape(ctx, map.X(x1), map.Y(x2), style.shape, 3.2, style.color, t.ink);
  });
  if (stoppedAt !== null) {
    ctx.globalAlpha = 0.55;
    ctx.fillStyle = t.plot;
    ctx.fillRect(box[0], box[1], box[2] - box[0], box[3] - box[1]);
  }
  ctx.restore();
  ctx.strokeStyle = t.ink;
  ctx.strokeRect(box[0], box[1], box[2] - box[0], box[3] - box[1]);
  if (stoppedAt !== null) {
    drawText(ctx, `stopped at epoch ${stoppedAt}`, box[0] + 8, box[1] + 14, { font: snn.TITLE_FONT });
  }
}

// The right panel: training and validation loss per epoch, the marker at `epoch`.
function drawLoss(ctx, box, data, run, epoch, stopped) {
  const t = ctx.theme;
  const [train, val] = legend(t).slice(2);
  const loss = makePanel(box, [0, data.epochs], LOSS_RANGE);
  drawAxes(ctx, loss, { title: "Loss (BCE)", xlabel: "epoch", ylabel: "loss" });
  const epochs = run.train.map((_, e) => e);
  drawCurve(ctx, loss, epochs, run.train, train);
  drawCurve(ctx, loss, epochs, run.val, val);
  drawMarkerLine(ctx, loss, epoch);
  if (!stopped) {
    drawPoint(ctx, loss, epoch, run.train[epoch], t.ink, "disc");
    drawPoint(ctx, loss, epoch, run.val[epoch], t.colors.vermillion, "ring");
  } else {
    const top = Math.min(run.train[run.stopped], LOSS_RANGE[1]);
    drawShape(ctx, loss.X(run.stopped), loss.Y(top), "diamond", 6, t.colors.vermillion, t.ink);
  }
}

function noteText(data, pick, run, epoch) {
  const setting = data.axes.map((axis) => `${axis.label} ${axis.texts[pick(axis.name)]}`).join(", ");
  const fate = run.stopped === null ? "" :
    ` Stopped at epoch ${run.stopped}: the training loss rose from ` +
    `${fmt(run.train[0], data.digits)} to ${fmt(run.train[run.stopped], data.digits)}` +
    " (the learning rate is too large).";
  return `Epoch ${epoch} of ${data.epochs}: ${setting}.${fate}`;
}

function render({ model, el }) {
  const data = model.get("data");
  const grid = epochGrid(data);
  const n = data.pixels;
  const frame = makeFrame(el, "training", "Predicted probability over the plane with the training points, and the loss curves");
  const cells = makeReadouts(el, ["", "training", "validation"], [
    ["loss", "train-loss", "val-loss"],
    ["accuracy", "train-acc", "val-acc"],
  ]);
  const note = makeNote(el);
  const pick = (name) => model.get(name);
  const frames = new Map(); // decoded heatmaps, by run and frame

  function draw(ctx, lay) {
    const i = runIndex(data.axes, pick);
    const run = runAt(data, pick);
    const epoch = gridValue(gridIndex(model.get("epoch"), grid), grid);
    const stopped = run.stopped !== null && epoch >= run.stopped;
    const f = stopped ? run.frames.length / (n * n) - 1 : epoch / data.frame_every;
    if (!frames.has(`${i}:${f}`)) frames.set(`${i}:${f}`, unpack(run.frames.slice(f * n * n, (f + 1) * n * n)));
    const points = data.points[runIndex(data.axes.slice(0, 2), pick)];
    drawMap(ctx, lay.boxes[0], data, frames.get(`${i}:${f}`), points, stopped ? run.stopped : null);
    drawLoss(ctx, lay.boxes[1], data, run, epoch, stopped);
    drawLegend(ctx, 16, lay.legendY, legend(ctx.theme), lay.boxes[1][2]);
    cells["train-loss"].textContent = stopped ? DASH : fmt(run.train[epoch], data.digits);
    cells["val-loss"].textContent = stopped ? DASH : fmt(run.val[epoch], data.digits);
    cells["train-acc"].textContent = stopped ? DASH : `${fmt(run.train_acc[f], 1)}%`;
    cells["val-acc"].textContent = stopped ? DASH : `${fmt(run.val_acc[f], 1)}%`;
    note.textContent = noteText(data, pick, run, epoch);
    el.dataset.epoch = String(epoch);
    el.dataset.run = String(i);
    el.dataset.status = run.stopped === null ? "ran" : `stopped-${run.stopped}`;
  }

  const stopPlay = makePlayButton(el, model, "epoch", grid, 400);
  const stopFrame = runFrame(frame, {
    model,
    el,
    names: [...data.axes.map((axis) => axis.name), "epoch"],
    layout,
    draw,
    drag: { key: "epoch", grid, panels: (lay) => [makePanel(lay.boxes[1], [0, data.epochs], LOSS_RANGE)] },
  });
  return () => {
    stopPlay();
    stopFrame();
  };
}

export default snn.explorer(render);
