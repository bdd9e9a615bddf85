// Gradient-flow explorer view. model.data (from gradient_flow.py): activations, inits, scales
// (labels), epochs, depth, decades [lo, hi] of the log axes; runs[i] (i from run_index)
// {probes[k]: after k epochs {rms: per hidden layer, grad: per Linear layer (3 significant
// digits), loss, act_ratio (last ÷ first), grad_ratio (first ÷ last), as text}, chaotic: not
// trained (only probes[0]), diverged: {epoch, step, loss} | null}.
// Synced with the controls: model.activation, init, scale (indices), batchnorm, epoch.

const SUPERSCRIPT = { "-": "\u207b", 0: "\u2070", 1: "\u00b9", 2: "\u00b2", 3: "\u00b3", 4: "\u2074", 5: "\u2075", 6: "\u2076", 7: "\u2077", 8: "\u2078", 9: "\u2079" };

function decadeLabel(k) {
  return `10${[...String(k)].map((ch) => SUPERSCRIPT[ch]).join("")}`;
}

// Axes for bars on a log scale: panel.yr is [lo, hi] in decades (log10 of the value).
function drawLogBarAxes(ctx, p, { title, xlabel, ylabel, count }) {
  const [left, top, right, bottom] = p.box;
  ctx.save();
  ctx.font = "11px sans-serif";
  ctx.lineWidth = 1;
  const every = Math.max(1, Math.ceil((p.yr[1] - p.yr[0]) / 8));
  for (let k = p.yr[0]; k <= p.yr[1]; k += every) {
    const y = p.Y(k);
    ctx.strokeStyle = k === 0 ? MUTED : RULE;
    ctx.beginPath();
    ctx.moveTo(left, y);
    ctx.lineTo(right, y);
    ctx.stroke();
    ctx.fillStyle = MUTED;
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    ctx.fillText(decadeLabel(k), left - 4, y);
  }
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (let i = 1; i <= count; i++) ctx.fillText(String(i), p.X(i), bottom + 3);
  ctx.strokeStyle = INK;
  ctx.strokeRect(left, top, right - left, bottom - top);
  drawAxisTitles(ctx, p, { title, xlabel, ylabel }, { xGap: 18, yGap: 40 });
  ctx.restore();
}

// One bar per value from the bottom of the axis up to log10(value); a 0 is written as "0".
function drawLogBars(ctx, p, values, color) {
  const [, , , bottom] = p.box;
  ctx.save();
  clipTo(ctx, p);
  values.forEach((v, i) => {
    const x = p.X(i + 1);
    if (v === 0) {
      drawText(ctx, "0", x - 3, bottom - 8, { color: INK, font: "bold 11px sans-serif" });
      return;
    }
    const y = p.Y(Math.log10(v));
    ctx.fillStyle = color;
    ctx.fillRect(x - 7, y, 14, bottom - y);
    ctx.strokeStyle = INK;
    ctx.lineWidth = 0.8;
    ctx.strokeRect(x - 7, y, 14, bottom - y);
  });
  ctx.restore();
}

function render({ model, el }) {
  const data = model.get("data");
  const colors = model.get("palette");
  el.classList.add("snn-explorer");
  el.dataset.explorer = "gradient-flow";

  const W = 660;
  const H = 320;
  const { ctx } = makeCanvas(
    el,
    W,
    H,
    "Bars of each hidden layer's activation RMS and each Linear layer's weight-gradient norm, on log scales",
  );
  const depth = data.depth;
  const cells = makeReadouts(el, null, [
    ["loss on the probe batch", "loss"],
    [`forward: activation RMS, layer ${depth} \u00f7 layer 1`, "act-ratio"],
    [`backward: \u2016\u2202L/\u2202W\u2016, layer 1 \u00f7 layer ${depth + 1}`, "grad-ratio"],
  ]);
  const note = document.createElement("p");
  note.className = "snn-note";
  el.appendChild(note);

  const actBox = [58, 30, 316, 268];
  const gradBox = [392, 30, W - 12, 268];
  const epochGrid = { lo: 0, hi: data.epochs, step: 1, n: data.epochs + 1 };

  function runIndex() {
    const picks = [model.get("activation"), model.get("init"), model.get("scale")];
    const index = (picks[0] * data.inits.length + picks[1]) * data.scales.length + picks[2];
    return 2 * index + (model.get("batchnorm") ? 1 : 0);
  }

  function draw() {
    const i = runIndex();
    const run = data.runs[i];
    const epoch = gridValue(gridIndex(model.get("epoch"), epochGrid), epochGrid);
    const probe = epoch < run.probes.length ? run.probes[epoch] : null;
    const act = makePanel(actBox, [0.5, depth + 0.5], data.decades);
    const grad = makePanel(gradBox, [0.5, depth + 1.5], data.decades);

    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, W, H);
    drawLogBarAxes(ctx, act, {
      title: "Activation RMS",
      xlabel: "hidden layer",
      ylabel: "RMS",
      count: depth,
    });
    drawLogBarAxes(ctx, grad, {
      title: "Weight gradient \u2016\u2202L/\u2202W\u2016",
      xlabel: `Linear layer (${depth + 1} = output)`,
      ylabel: "\u2016\u2202L/\u2202W\u2016",
      count: depth + 1,
    });
    if (probe) {
      drawLogBars(ctx, act, probe.rms, colors.green);
      drawLogBars(ctx, grad, probe.grad, colors.sky);
    } else {
      const why = run.chaotic ? "not trained: chaotic" : `diverged in epoch ${run.diverged.epoch}`;
      for (const panel of [act, grad]) {
        drawText(ctx, why, panel.box[0] + 10, panel.box[1] + 16, { font: "bold 13px sans-serif" });
      }
    }
    const setting =
      `${data.activations[model.get("activation")]}, ${data.inits[model.get("init")]} ` +
      `initialisation \u00d7 ${data.scales[model.get("scale")]}, ` +
      (model.get("batchnorm") ? "with BatchNorm" : "no BatchNorm");
    drawText(ctx, setting, 14, H - 10, { color: MUTED });

    cells.loss.textContent = probe ? fmt(probe.loss, 4) : "\u2014";
    cells["act-ratio"].textContent = probe ? probe.act_ratio : "\u2014";
    cells["grad-ratio"].textContent = probe ? probe.grad_ratio : "\u2014";
    const when = epoch === 0 ? "At initialisation" : `After ${epoch} epoch${epoch > 1 ? "s" : ""} of SGD`;
    const d = run.diverged;
    let fate = "";
    if (run.chaotic) {
      fate =
        " Not trained: a tanh network this large at initialisation is chaotic, so after one " +
        "epoch two computers that round one sum differently hold visibly different weights.";
    } else if (d !== null) {
      fate = ` Training diverged in epoch ${d.epoch}, step ${d.step} (batch loss ${d.loss}); nothing after that is shown.`;
    }
    note.textContent = `${when}: ${setting}.${fate}`;
    el.dataset.epoch = String(epoch);
    el.dataset.run = String(i);
    el.dataset.status = run.chaotic ? "chaotic" : d === null ? "trained" : `diverged-${d.epoch}`;
  }

  const names = ["activation", "init", "scale", "batchnorm", "epoch"];
  const stopListening = onChanges(model, names, draw);
  draw();
  return stopListening;
}

export default { render };
