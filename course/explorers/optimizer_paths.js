// Optimizer-paths explorer view. model.data (from optimizer_paths.py): optimizers, lrs, betas,
// steps, tol, digits, coord_levels; surfaces[s] {label, box [x0, x1, y0, y1], start, minimum,
// contours [{level, lines}], paths[optimizer][lr][beta] {xy: packed levels, 2 characters per
// coordinate; loss: per step up to the cut, rounded; reached: first step within tol | null;
// exit: the step that left the square | null}}. SGD and RMSProp have one beta entry.
// Synced with the controls: model.surface, model.lr, model.beta (indices) and model.step.

function render({ model, el }) {
  const data = model.get("data");
  const colors = model.get("palette");
  el.classList.add("snn-explorer");
  el.dataset.explorer = "optimizer-paths";

  const W = 660;
  const H = 370;
  const stepGrid = { lo: 0, hi: data.steps, step: 1, n: data.steps + 1 };
  const stopPlay = makePlayButton(el, model, "step", stepGrid, 120);
  const { canvas, ctx } = makeCanvas(
    el,
    W,
    H,
    "Contours of the loss surface and the paths of five optimizers; loss against step",
  );
  const keys = data.optimizers.map((name) => name.toLowerCase());
  const cells = makeReadouts(
    el,
    ["", "loss at this step", `first within ${data.tol} of the minimum`],
    data.optimizers.map((name, o) => [name, `${keys[o]}-loss`, `${keys[o]}-reached`]),
  );
  const note = document.createElement("p");
  note.className = "snn-note";
  el.appendChild(note);

  const mapBox = [46, 30, 336, 320];
  const lossBox = [410, 30, W - 14, 320];
  const styles = {
    SGD: { color: INK, dash: [], shape: "disc" },
    Momentum: { color: colors.blue, dash: [7, 4], shape: "square" },
    Nesterov: { color: colors.green, dash: [10, 3, 2, 3], shape: "triangle" },
    RMSProp: { color: colors.orange, dash: [2, 3], shape: "diamond" },
    Adam: { color: colors.vermillion, dash: [6, 2, 1, 2, 1, 2], shape: "disc" },
  };
  const lossRanges = [
    [0, 60],
    [0, 60],
    [-0.5, 5],
  ];

  function pathOf(surface, name) {
    const byLr = surface.paths[name][model.get("lr")];
    return byLr.length === 1 ? byLr[0] : byLr[model.get("beta")];
  }

  // Stored coordinate levels -> the centre of their cell in w-space (drawing only).
  function points(surface, path) {
    const [x0, x1, y0, y1] = surface.box;
    const levels = unpack(path.xy, 2);
    const m = data.coord_levels; // level k is the point k/m of the way across
    const out = [];
    for (let k = 0; k < levels.length; k += 2) {
      out.push([x0 + (levels[k] / m) * (x1 - x0), y0 + (levels[k + 1] / m) * (y1 - y0)]);
    }
    return out;
  }

  function reachedText(path) {
    if (path.reached !== null) return `step ${path.reached}`;
    if (path.exit !== null) return `diverged: left the plot at step ${path.exit}`;
    return `not within ${data.steps} steps`;
  }

  function draw() {
    const s = model.get("surface");
    const surface = data.surfaces[s];
    const step = gridValue(gridIndex(model.get("step"), stepGrid), stepGrid);
    const [x0, x1, y0, y1] = surface.box;
    const map = makePanel(mapBox, [x0, x1], [y0, y1]);
    const loss = makePanel(lossBox, [0, data.steps], lossRanges[s]);

    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, W, H);
    drawAxes(ctx, map, { title: surface.label, xlabel: "w\u2081", ylabel: "w\u2082" });
    ctx.save();
    clipTo(ctx, map);
    ctx.strokeStyle = "#aaaaaa";
    ctx.lineWidth = 0.8;
    for (const contour of surface.contours) {
      for (const line of contour.lines) {
        ctx.beginPath();
        line.forEach(([a, b], k) => (k ? ctx.lineTo(map.X(a), map.Y(b)) : ctx.moveTo(map.X(a), map.Y(b))));
        ctx.stroke();
      }
    }
    ctx.restore();
    drawAxes(ctx, loss, { title: "Loss against step", xlabel: "step", ylabel: "L(w)" });
    drawMarkerLine(ctx, loss, step);

    const status = [];
    data.optimizers.forEach((name, o) => {
      const path = pathOf(surface, name);
      const style = styles[name];
      const xy = points(surface, path);
      const last = Math.min(step, xy.length - 1);
      const shown = xy.slice(0, last + 1);
      ctx.save();
      clipTo(ctx, map);
      ctx.strokeStyle = style.color;
      ctx.lineWidth = 1.6;
      ctx.setLineDash(style.dash);
      ctx.beginPath();
      shown.forEach(([a, b], k) => (k ? ctx.lineTo(map.X(a), map.Y(b)) : ctx.moveTo(map.X(a), map.Y(b))));
      ctx.stroke();
      ctx.restore();
      const [a, b] = shown[shown.length - 1];
      const cut = path.exit !== null && step >= path.exit;
      if (cut) {
        drawText(ctx, "\u2715", map.X(a) - 5, map.Y(b), { color: style.color, font: "bold 16px sans-serif" });
      } else {
        drawShape(ctx, map.X(a), map.Y(b), style.shape, 5, style.color, INK);
      }
      drawCurve(ctx, loss, path.loss.map((_, k) => k), path.loss, style);
      if (!cut) drawPoint(ctx, loss, step, path.loss[step], style.color, "disc");
      cells[`${keys[o]}-loss`].textContent = cut ? "\u2014" : fmt(path.loss[step], data.digits);
      cells[`${keys[o]}-reached`].textContent = reachedText(path);
      status.push(path.exit === null ? "in" : `out-${path.exit}`);
    });
    drawText(ctx, "\u2605", map.X(surface.start[0]) - 7, map.Y(surface.start[1]), { font: "18px sans-serif" });
    drawText(ctx, "+", map.X(surface.minimum[0]) - 6, map.Y(surface.minimum[1]), { font: "bold 20px sans-serif" });

    let x = 14;
    for (const name of data.optimizers) {
      const style = styles[name];
      drawShape(ctx, x + 5, H - 14, style.shape, 4.5, style.color, INK);
      drawText(ctx, name, x + 14, H - 14);
      x += 26 + ctx.measureText(name).width + 30;
    }
    const beta = data.betas[model.get("beta")];
    note.textContent =
      `Step ${step} of ${data.steps}, learning rate ${data.lrs[model.get("lr")]}, ` +
      `\u03bc = \u03b2\u2081 = ${beta} (Momentum, Nesterov, Adam).`;
    el.dataset.step = String(step);
    el.dataset.status = status.join(" ");
  }

  const panels = [makePanel(lossBox, [0, data.steps], [0, 1])];
  const stopDrag = attachDrag(canvas, W, panels, snapToGrid(model, "step", stepGrid));
  const stopListening = onChanges(model, ["surface", "lr", "beta", "step"], draw);
  draw();
  return () => {
    stopPlay();
    stopDrag();
    stopListening();
  };
}

export default { render };
