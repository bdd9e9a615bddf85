// Gradient-flow explorer view. model.data (from gradient_flow.py): axes (activation, init,
// scale, batchnorm), epochs, depth, decades [lo, hi] of the log axes; runs[runIndex]
// {probes[k]: after k epochs {rms: per hidden layer, grad: per Linear layer (3 significant
// digits), loss, act_ratio (last ÷ first), grad_ratio (first ÷ last), as text}, chaotic: not
// trained (only probes[0]), diverged: {epoch, step, loss} | null}.
// Synced with the controls: one trait per axis (the chosen index) and epoch.

const { fmt, FONT, TITLE_FONT, makePanel, drawAxisTitles, clipTo, drawText, line } = snn;
const { gridIndex, gridValue, runIndex, runAt, makeFrame, runFrame, twoPanels } = snn;
const { makeReadouts, makeNote } = snn;

const SUPERSCRIPT = { "-": "\u207b", 0: "\u2070", 1: "\u00b9", 2: "\u00b2", 3: "\u00b3", 4: "\u2074", 5: "\u2075", 6: "\u2076", 7: "\u2077", 8: "\u2078", 9: "\u2079" };
const DASH = "\u2014";

function decadeLabel(k) {
  return `10${[...String(k)].map((ch) => SUPERSCRIPT[ch]).join("")}`;
}

// Axes for bars on a log scale: panel.yr is [lo, hi] in decades (log10 of the value).
function drawLogBarAxes(ctx, p, { title, xlabel, ylabel, count }) {
  const [left, top, right, bottom] = p.box;
  const t = ctx.theme;
  ctx.save();
  ctx.fillStyle = t.plot;
  ctx.fillRect(left, top, right - left, bottom - top);
  ctx.font = "11px sans-serif";
  ctx.lineWidth = 1;
  ctx.fillStyle = t.muted;
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  const every = Math.max(1, Math.ceil((p.yr[1] - p.yr[0]) / 8));
  for (let k = p.yr[0]; k <= p.yr[1]; k += every) {
    ctx.strokeStyle = k === 0 ? t.muted : t.rule;
    line(ctx, left, p.Y(k), right, p.Y(k));
    ctx.fillText(decadeLabel(k), left - 4, p.Y(k));
  }
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (let i = 1; i <= count; i++) ctx.fillText(String(i), p.X(i), bottom + 3);
  ctx.strokeStyle = t.ink;
  ctx.strokeRect(left, top, right - left, bottom - top);
  drawAxisTitles(ctx, p, { title, xlabel, ylabel }, { xGap: 18, yGap: 40 });
  ctx.restore();
}

// One bar per value from the bottom of the axis up to log10(value); a 0 is written as "0".
function drawLogBars(ctx, p, values, color) {
  const bottom = p.box[3];
  ctx.save();
  clipTo(ctx, p);
  values.forEach((v, i) => {
    const x = p.X(i + 1);
    if (v === 0) return void drawText(ctx, "0", x - 3, bottom - 8, { font: "bold 11px sans-serif" });
    const y = p.Y(Math.log10(v));
    ctx.fillStyle = color;
    ctx.fillRect(x - 6, y, 12, bottom - y);
    ctx.strokeStyle = ctx.theme.ink;
    ctx.lineWidth = 0.8;
    ctx.strokeRect(x - 6, y, 12, bottom - y);
  });
  ctx.restore();
}

function layout(width) {
  const lay = twoPanels(width, { pad: [58, 30, 12, 48], height: 230, legend: 0 });
  return { ...lay, H: lay.H - 8 };
}

// Why the chosen epoch has no measurement, and which stored one the greyed bars show.
function missingText(run, shown) {
  const why = run.chaotic ? "not trained (chaotic)" : `diverged in epoch ${run.diverged.epoch}`;
  const what = shown === 0 ? "initialisation" : `epoch ${shown}`;
  return [`${why}:`, `greyed bars are the ${what}`];
}

function drawBars(ctx, lay, data, probe, missing) {
  const depth = data.depth;
  const act = makePanel(lay.boxes[0], [0.5, depth + 0.5], data.decades);
  const grad = makePanel(lay.boxes[1], [0.5, depth + 1.5], data.decades);
  drawLogBarAxes(ctx, act, { title: "Activation RMS", xlabel: "hidden layer", ylabel: "RMS", count: depth });
  drawLogBarAxes(ctx, grad, {
    title: "Weight gradient \u2016\u2202L/\u2202W\u2016",
    xlabel: `Linear layer (${depth + 1} = output)`,
    ylabel: "\u2016\u2202L/\u2202W\u2016",
    count: depth + 1,
  });
  const { colors, faint } = ctx.theme;
  drawLogBars(ctx, act, probe.rms, missing ? faint : colors.green);
  drawLogBars(ctx, grad, probe.grad, missing ? faint : colors.sky);
  if (!missing) return;
  for (const panel of [act, grad]) {
    const [left, top, right] = panel.box;
    ctx.save();
    ctx.globalAlpha = 0.85; // the words stay legible over a tall bar
    ctx.fillStyle = ctx.theme.plot;
    ctx.fillRect(left + 1, top + 1, right - left - 2, 38);
    ctx.restore();
    missing.forEach((text, k) => drawText(ctx, text, left + 8, top + 13 + 16 * k, { font: k ? FONT : TITLE_FONT }));
  }
}

function noteText(data, run, pick, epoch, shown) {
  const setting = data.axes.map((axis) => `${axis.label} ${axis.texts[pick(axis.name)]}`).join(", ");
  const when = epoch === 0 ? "At initialisation" : `After ${epoch} epoch${epoch > 1 ? "s" : ""} of SGD`;
  const d = run.diverged;
  let fate = "";
  if (run.chaotic) {
    fate = " Not trained: a tanh network this large at initialisation is chaotic, so after one " +
      "epoch two computers that round one sum differently hold visibly different weights.";
  } else if (d !== null) {
    fate = ` Training diverged in epoch ${d.epoch}, step ${d.step} (batch loss ${d.loss}); nothing after that is stored.`;
  }
  const greyed = shown === epoch ? "" :
    ` The greyed bars are the last measurement, ${shown === 0 ? "at initialisation" : `after epoch ${shown}`}.`;
  return `${when}: ${setting}.${fate}${greyed}`;
}

function render({ model, el }) {
  const data = model.get("data");
  const depth = data.depth;
  const grid = { lo: 0, hi: data.epochs, step: 1, n: data.epochs + 1 };
  const frame = makeFrame(el, "gradient-flow", "Bars of each hidden layer's activation RMS and each Linear layer's weight-gradient norm, on log scales");
  const cells = makeReadouts(el, null, [
    ["loss on the probe batch", "loss"],
    [`forward: activation RMS, layer ${depth} \u00f7 layer 1`, "act-ratio"],
    [`backward: \u2016\u2202L/\u2202W\u2016, layer 1 \u00f7 layer ${depth + 1}`, "grad-ratio"],
  ]);
  const note = makeNote(el);
  const pick = (name) => model.get(name);

  function draw(ctx, lay) {
    const run = runAt(data, pick);
    const epoch = gridValue(gridIndex(model.get("epoch"), grid), grid);
    const shown = Math.min(epoch, run.probes.length - 1); // what exists: never a blank panel
    const probe = run.probes[shown];
    drawBars(ctx, lay, data, probe, shown === epoch ? null : missingText(run, shown));
    const here = shown === epoch ? probe : null;
    cells.loss.textContent = here ? fmt(here.loss, 4) : DASH;
    // A typographic minus, also where no line may break ("4.29e\u221208", never "4.29e-" / "08").
    const ratio = (text) => (here ? text.replace("-", "\u2212") : DASH);
    cells["act-ratio"].textContent = ratio(here?.act_ratio);
    cells["grad-ratio"].textContent = ratio(here?.grad_ratio);
    note.textContent = noteText(data, run, pick, epoch, shown);
    el.dataset.epoch = String(epoch);
    el.dataset.run = String(runIndex(data.axes, pick));
    el.dataset.shown = String(shown);
    el.dataset.status = run.chaotic ? "chaotic" : run.diverged === null ? "trained" : `diverged-${run.diverged.epoch}`;
  }

  const names = [...data.axes.map((axis) => axis.name), "epoch"];
  return runFrame(frame, { model, el, names, layout, draw });
}

export default snn.explorer(render);
