// Forward-pass explorer view. model.data (from forward_pass.py): grid, dims, weights[l][i][j]
// (Linear l's W, from unit i to unit j: the library's (in, out) layout), outputs[l] (flat: unit u
// at grid input k is entry k * width + u, rounded to `digits`), active[l] ("0"/"1", same layout,
// hidden layers only), scale[l] (largest |output| of layer l on the grid).
// Synced with the sliders: model.x1, model.x2.

const { fmt, FONT, TITLE_FONT, drawLegend, legendRows } = snn;
const { gridIndex, gridValue, makeFrame, runFrame, makeReadouts } = snn;

const RADIUS = 21;

function layerNames(dims) {
  return ["input", ...dims.slice(1, -1).map((_, l) => `layer ${l + 1} (ReLU)`), "output"];
}

function legend(colors) {
  return [
    { label: "positive weight", color: colors.blue },
    { label: "negative weight", color: colors.orange, dash: [6, 4] },
    { label: "active (stronger = larger)", shape: "disc", color: colors.blue },
    { label: "off (ReLU = 0)", shape: "ring" },
  ];
}

// Columns of neurons across the width; on a phone the layer names take two lines.
function layout(width, ctx, dims) {
  const narrow = width < snn.NARROW;
  const margin = narrow ? 36 : 70;
  const columnX = dims.map((_, l) => margin + (l * (width - 2 * margin)) / (dims.length - 1));
  const top = narrow ? 62 : 48;
  const bottom = top + (narrow ? 240 : 252);
  const rows = legendRows(ctx, legend({}).map((e) => e.label), 16, width - 8);
  return { narrow, columnX, top, bottom, legendY: bottom + 30, H: bottom + 22 + 18 * rows };
}

// values[l][u] and on[l][u] at grid input k; the input layer's values are the slider values.
function lookup(data, k, x1, x2) {
  const values = [[x1, x2]];
  const on = [[true, true]];
  data.dims.slice(1).forEach((width, l) => {
    values.push(Array.from({ length: width }, (_, u) => data.outputs[l][k * width + u]));
    const active = data.active[l];
    on.push(Array.from({ length: width }, (_, u) => (active ? active[k * width + u] === "1" : true)));
  });
  return { values, on };
}

function nodeY(lay, width, u) {
  return lay.top + ((u + 0.5) * (lay.bottom - lay.top)) / width;
}

function drawEdges(ctx, lay, data, on) {
  const { colors } = ctx.theme;
  const dims = data.dims;
  const maxWeight = Math.max(...data.weights.flat(2).map(Math.abs));
  for (let l = 0; l + 1 < dims.length; l++) {
    for (let i = 0; i < dims[l]; i++) {
      for (let j = 0; j < dims[l + 1]; j++) {
        const w = data.weights[l][i][j];
        ctx.save();
        ctx.globalAlpha = on[l][i] ? 0.9 : 0.18; // an off unit sends nothing along its edges
        ctx.strokeStyle = w >= 0 ? colors.blue : colors.orange;
        ctx.setLineDash(w >= 0 ? [] : [6, 4]);
        ctx.lineWidth = 0.75 + (5 * Math.abs(w)) / maxWeight;
        snn.line(ctx, lay.columnX[l] + RADIUS, nodeY(lay, dims[l], i), lay.columnX[l + 1] - RADIUS, nodeY(lay, dims[l + 1], j));
        ctx.restore();
      }
    }
  }
}

// A neuron: filled by its output (stronger colour = larger; the output neuron blue or orange by sign),
// hollow and dashed when its ReLU is off.
function drawNode(ctx, x, y, value, on, l, data) {
  const t = ctx.theme;
  const hidden = l > 0 && l < data.dims.length - 1;
  const share = l > 0 ? Math.min(1, Math.abs(value) / (data.scale[l - 1] || 1)) : 0;
  const hue = value >= 0 || hidden ? t.colors.blue : t.colors.orange;
  ctx.save();
  ctx.beginPath();
  ctx.arc(x, y, RADIUS, 0, 2 * Math.PI);
  ctx.fillStyle = t.plot;
  ctx.fill();
  if (on) {
    ctx.globalAlpha = l > 0 ? 0.12 + 0.88 * share : 0.15;
    ctx.fillStyle = l > 0 ? hue : t.faint;
    ctx.fill();
    ctx.globalAlpha = 1;
  }
  ctx.lineWidth = on ? 2 : 1.5;
  ctx.strokeStyle = on ? t.ink : t.muted;
  ctx.setLineDash(on ? [] : [4, 3]);
  ctx.stroke();
  const inverted = on && l > 0 && share > 0.5;
  ctx.fillStyle = inverted ? (t.dark ? "#000000" : "#ffffff") : on ? t.ink : t.muted;
  ctx.font = "11px sans-serif";
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  ctx.fillText(fmt(value, l === 0 ? 1 : data.digits), x, y);
  ctx.restore();
}

function drawNetwork(ctx, lay, data, values, on) {
  const dims = data.dims;
  const names = layerNames(dims);
  const width = lay.columnX[dims.length - 1] + lay.columnX[0];
  ctx.save();
  ctx.fillStyle = ctx.theme.ink;
  ctx.font = TITLE_FONT;
  ctx.textAlign = "center";
  ctx.fillText(`Forward pass, ${dims.join("\u2192")} ReLU network`, width / 2, 16);
  ctx.font = FONT;
  ctx.fillStyle = ctx.theme.muted;
  names.forEach((name, l) => {
    const [first, second] = lay.narrow ? name.split(" (") : [name];
    ctx.fillText(first, lay.columnX[l], 36);
    if (second) ctx.fillText(`(${second}`, lay.columnX[l], 51);
  });
  ctx.restore();
  drawEdges(ctx, lay, data, on);
  dims.forEach((w, l) => {
    for (let u = 0; u < w; u++) drawNode(ctx, lay.columnX[l], nodeY(lay, w, u), values[l][u], on[l][u], l, data);
  });
  const entries = legend(ctx.theme.colors);
  entries[3].color = ctx.theme.plot; // a hollow disc
  drawLegend(ctx, 16, lay.legendY, entries, width - 8);
}

function render({ model, el }) {
  const data = model.get("data");
  const dims = data.dims;
  const frame = makeFrame(el, "forward-pass", "Drawing of the network's neurons and weights");
  const names = layerNames(dims);
  const keys = ["in", ...dims.slice(1, -1).map((_, l) => `h${l + 1}`), "out"];
  const cells = makeReadouts(
    el,
    ["", ...Array.from({ length: Math.max(...dims) }, (_, u) => `unit ${u + 1}`)],
    dims.map((width, l) => [names[l], ...Array.from({ length: width }, (_, u) => `${keys[l]}-${u}`)]),
  );

  function draw(ctx, lay) {
    const i = gridIndex(model.get("x1"), data.grid);
    const j = gridIndex(model.get("x2"), data.grid);
    const [x1, x2] = [gridValue(i, data.grid), gridValue(j, data.grid)];
    const { values, on } = lookup(data, i * data.grid.n + j, x1, x2);
    drawNetwork(ctx, lay, data, values, on);
    dims.forEach((width, l) => {
      for (let u = 0; u < width; u++) {
        const cell = cells[`${keys[l]}-${u}`];
        cell.textContent = fmt(values[l][u], l === 0 ? 1 : data.digits) + (on[l][u] ? "" : " (off)");
        cell.classList.toggle("snn-off", !on[l][u]);
      }
    });
    el.dataset.x1 = String(x1);
    el.dataset.x2 = String(x2);
  }

  const layoutOf = (width, ctx) => layout(width, ctx, dims);
  return runFrame(frame, { model, el, names: ["x1", "x2"], layout: layoutOf, draw });
}

export default snn.explorer(render);
