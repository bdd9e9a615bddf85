// Training explorer view. model.data (from training.py): labels of the choices (datasets, noises,
// widths, activations, lrs), epochs, frame_every, pixels, box, levels, digits; points[d * 2 + n]
// {x: [[x1, x2]], y: "0101…"}; runs[i] (i from run_index) {train, val: loss per epoch, rounded;
// train_acc, val_acc: % per frame; frames: packed levels, pixels² per frame; stopped: epoch|null}.
// Synced with the controls: model.dataset, noise, width, activation, lr (indices) and epoch.

function render({ model, el }) {
  const data = model.get("data");
  const colors = model.get("palette");
  el.classList.add("snn-explorer");
  el.dataset.explorer = "training";

  const W = 660;
  const H = 340;
  const epochGrid = { lo: 0, hi: data.epochs, step: data.frame_every, n: data.epochs / data.frame_every + 1 };
  const stopPlay = makePlayButton(el, model, "epoch", epochGrid, 400);
  const { canvas, ctx } = makeCanvas(
    el,
    W,
    H,
    "Predicted probability over the plane with the training points, and the loss curves",
  );
  const cells = makeReadouts(el, ["", "training", "validation"], [
    ["loss", "train-loss", "val-loss"],
    ["accuracy", "train-acc", "val-acc"],
  ]);
  const note = document.createElement("p");
  note.className = "snn-note";
  el.appendChild(note);

  const n = data.pixels;
  const mapBox = [50, 34, 300, 284];
  const lossBox = [380, 34, W - 14, 284];
  const lossRange = [0, 1.2];
  const classStyle = [
    { shape: "disc", color: colors.orange },
    { shape: "triangle", color: colors.blue },
  ];
  const lossStyles = {
    train: { color: INK, dash: [] },
    val: { color: colors.vermillion, dash: [7, 4] },
  };
  const frameCache = new Map();

  function runIndex() {
    const sizes = [data.noises.length, data.widths.length, data.activations.length, data.lrs.length];
    const picks = ["noise", "width", "activation", "lr"].map((k) => model.get(k));
    return picks.reduce((index, pick, j) => index * sizes[j] + pick, model.get("dataset"));
  }

  function frame(run, i, f) {
    const key = `${i}:${f}`;
    if (!frameCache.has(key)) {
      frameCache.set(key, unpack(run.frames.slice(f * n * n, (f + 1) * n * n)));
    }
    return frameCache.get(key);
  }

  function draw() {
    const i = runIndex();
    const run = data.runs[i];
    const epoch = gridValue(gridIndex(model.get("epoch"), epochGrid), epochGrid);
    const stopped = run.stopped !== null && epoch >= run.stopped;
    const lastFrame = run.frames.length / (n * n) - 1;
    const f = stopped ? lastFrame : epoch / data.frame_every;
    const levels = frame(run, i, f);
    const points = data.points[model.get("dataset") * data.noises.length + model.get("noise")];

    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, W, H);
    const map = makePanel(mapBox, [-data.box, data.box], [-data.box, data.box]);
    const color = (level) => diverging((level + 0.5) / data.levels, colors.orange, colors.blue);
    drawLevels(ctx, mapBox, levels, n, color);
    drawLevelLine(ctx, mapBox, levels, n, data.levels / 2, { color: INK, width: 2 });
    ctx.save();
    clipTo(ctx, map);
    points.x.forEach(([x1, x2], k) => {
      const style = classStyle[Number(points.y[k])];
      drawShape(ctx, map.X(x1), map.Y(x2), style.shape, 3.2, style.color, INK);
    });
    ctx.restore();
    if (stopped) {
      ctx.save();
      ctx.fillStyle = "rgba(255, 255, 255, 0.55)";
      ctx.fillRect(mapBox[0], mapBox[1], mapBox[2] - mapBox[0], mapBox[3] - mapBox[1]);
      ctx.restore();
      drawText(ctx, `stopped at epoch ${run.stopped}`, mapBox[0] + 8, mapBox[1] + 14, {
        font: "bold 13px sans-serif",
      });
    }
    drawAxes(ctx, map, { title: "σ(z) at this epoch", xlabel: "x\u2081", ylabel: "x\u2082" });

    const loss = makePanel(lossBox, [0, data.epochs], lossRange);
    drawAxes(ctx, loss, { title: "Loss (BCE)", xlabel: "epoch", ylabel: "loss" });
    const epochs = run.train.map((_, e) => e);
    drawCurve(ctx, loss, epochs, run.train, lossStyles.train);
    drawCurve(ctx, loss, epochs, run.val, lossStyles.val);
    drawMarkerLine(ctx, loss, epoch);
    if (!stopped) {
      drawPoint(ctx, loss, epoch, run.train[epoch], INK, "disc");
      drawPoint(ctx, loss, epoch, run.val[epoch], colors.vermillion, "ring");
    } else {
      const top = Math.min(run.train[run.stopped], lossRange[1]);
      drawShape(ctx, loss.X(run.stopped), loss.Y(top), "diamond", 6, colors.vermillion, INK);
    }
    drawLegend(ctx, lossBox[0], H - 12, [
      { label: "training", ...lossStyles.train },
      { label: "validation", ...lossStyles.val },
    ]);
    drawShape(ctx, 60, H - 12, "disc", 4, colors.orange, INK);
    drawText(ctx, "class 0", 68, H - 12);
    drawShape(ctx, 130, H - 12, "triangle", 4, colors.blue, INK);
    drawText(ctx, "class 1", 138, H - 12);

    const dash = "\u2014";
    cells["train-loss"].textContent = stopped ? dash : fmt(run.train[epoch], data.digits);
    cells["val-loss"].textContent = stopped ? dash : fmt(run.val[epoch], data.digits);
    cells["train-acc"].textContent = stopped ? dash : `${fmt(run.train_acc[f], 1)}%`;
    cells["val-acc"].textContent = stopped ? dash : `${fmt(run.val_acc[f], 1)}%`;
    const setting =
      `${data.datasets[model.get("dataset")]}, noise ${data.noises[model.get("noise")]}, ` +
      `width ${data.widths[model.get("width")]}, ${data.activations[model.get("activation")]}, ` +
      `learning rate ${data.lrs[model.get("lr")]}`;
    note.textContent =
      `Epoch ${epoch} of ${data.epochs}: ${setting}.` +
      (run.stopped === null
        ? ""
        : ` Stopped at epoch ${run.stopped}: the training loss rose from ` +
          `${fmt(run.train[0], data.digits)} to ${fmt(run.train[run.stopped], data.digits)}` +
          " (the learning rate is too large).");
    el.dataset.epoch = String(epoch);
    el.dataset.run = String(i);
    el.dataset.status = run.stopped === null ? "ran" : `stopped-${run.stopped}`;
  }

  const panels = [makePanel(lossBox, [0, data.epochs], lossRange)];
  const stopDrag = attachDrag(canvas, W, panels, snapToGrid(model, "epoch", epochGrid));
  const names = ["dataset", "noise", "width", "activation", "lr", "epoch"];
  const stopListening = onChanges(model, names, draw);
  draw();
  return () => {
    stopPlay();
    stopDrag();
    stopListening();
  };
}

export default { render };
