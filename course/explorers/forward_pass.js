// Forward-pass explorer view. model.data (from forward_pass.py): grid, dims, weights[l][i][j]
// (Linear l's W, from unit i to unit j: the library's (in, out) layout), outputs[l] (flat: unit u
// at grid input k is entry k * width + u, rounded to `digits`), active[l] ("0"/"1", same layout,
// hidden layers only), scale[l] (largest |output| of layer l on the grid).
// Synced with the sliders: model.x1, model.x2.

function render({ model, el }) {
  const data = model.get("data");
  const colors = model.get("palette");
  const grid = data.grid;
  const dims = data.dims;
  const layers = dims.length; // input, hidden..., output
  el.classList.add("snn-explorer");
  el.dataset.explorer = "forward-pass";

  const W = 640;
  const H = 360;
  const { ctx } = makeCanvas(el, W, H, "Drawing of the network's neurons and weights");
  const names = ["input", ...dims.slice(1, -1).map((_, l) => `layer ${l + 1} (ReLU)`), "output"];
  const keys = ["in", ...dims.slice(1, -1).map((_, l) => `h${l + 1}`), "out"];
  const widest = Math.max(...dims);
  const cells = makeReadouts(
    el,
    ["", ...Array.from({ length: widest }, (_, u) => `unit ${u + 1}`)],
    dims.map((width, l) => [names[l], ...Array.from({ length: width }, (_, u) => `${keys[l]}-${u}`)]),
  );

  const columnX = dims.map((_, l) => 70 + (l * (W - 150)) / (layers - 1));
  const top = 48;
  const bottom = H - 60;
  const nodeY = (width, u) => top + ((u + 0.5) * (bottom - top)) / width;
  const radius = 21;
  const maxWeight = Math.max(...data.weights.flat(2).map(Math.abs));

  // values[l][u] and on[l][u] at grid input k; the input layer's values are the slider values.
  function lookup(k, x1, x2) {
    const values = [[x1, x2]];
    const on = [[true, true]];
    for (let l = 1; l < layers; l++) {
      const width = dims[l];
      const flat = data.outputs[l - 1];
      values.push(Array.from({ length: width }, (_, u) => flat[k * width + u]));
      const active = data.active[l - 1];
      on.push(Array.from({ length: width }, (_, u) => (active ? active[k * width + u] === "1" : true)));
    }
    return { values, on };
  }

  function drawEdges(on) {
    for (let l = 0; l + 1 < layers; l++) {
      for (let i = 0; i < dims[l]; i++) {
        for (let j = 0; j < dims[l + 1]; j++) {
          const w = data.weights[l][i][j];
          ctx.save();
          ctx.globalAlpha = on[l][i] ? 0.9 : 0.18; // an off unit sends nothing along its edges
          ctx.strokeStyle = w >= 0 ? colors.blue : colors.orange;
          ctx.setLineDash(w >= 0 ? [] : [6, 4]);
          ctx.lineWidth = 0.75 + (5 * Math.abs(w)) / maxWeight;
          ctx.beginPath();
          ctx.moveTo(columnX[l] + radius, nodeY(dims[l], i));
          ctx.lineTo(columnX[l + 1] - radius, nodeY(dims[l + 1], j));
          ctx.stroke();
          ctx.restore();
        }
      }
    }
  }

  function drawNode(x, y, value, on, l) {
    const hidden = l > 0 && l < layers - 1;
    let fill = "#eeeeee";
    let text = INK;
    if (!on) fill = "#ffffff";
    else if (l > 0) {
      const t = Math.min(1, Math.abs(value) / (data.scale[l - 1] || 1));
      const rgb = value >= 0 || hidden ? "0, 114, 178" : "230, 159, 0"; // Okabe-Ito blue, orange
      fill = `rgba(${rgb}, ${0.12 + 0.88 * t})`;
      if (t > 0.5) text = "#ffffff";
    }
    ctx.save();
    ctx.beginPath();
    ctx.arc(x, y, radius, 0, 2 * Math.PI);
    ctx.fillStyle = "#ffffff";
    ctx.fill();
    ctx.fillStyle = fill;
    ctx.fill();
    ctx.lineWidth = on ? 2 : 1.5;
    ctx.strokeStyle = on ? INK : "#999999";
    ctx.setLineDash(on ? [] : [4, 3]);
    ctx.stroke();
    ctx.fillStyle = on ? text : "#888888";
    ctx.font = "11px sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText(fmt(value, l === 0 ? 1 : data.digits), x, y);
    ctx.restore();
  }

  function draw() {
    const i = gridIndex(model.get("x1"), grid);
    const j = gridIndex(model.get("x2"), grid);
    const x1 = gridValue(i, grid);
    const x2 = gridValue(j, grid);
    const { values, on } = lookup(i * grid.n + j, x1, x2);

    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, W, H);
    ctx.save();
    ctx.fillStyle = INK;
    ctx.font = "bold 13px sans-serif";
    ctx.textAlign = "center";
    ctx.fillText(`Forward pass, ${dims.join("\u2192")} ReLU network`, W / 2, 16);
    ctx.font = "12px sans-serif";
    ctx.fillStyle = MUTED;
    for (let l = 0; l < layers; l++) ctx.fillText(names[l], columnX[l], 36);
    ctx.restore();
    drawEdges(on);
    for (let l = 0; l < layers; l++) {
      for (let u = 0; u < dims[l]; u++) {
        drawNode(columnX[l], nodeY(dims[l], u), values[l][u], on[l][u], l);
      }
    }
    drawLegend(ctx, 16, H - 18, [
      { label: "positive weight", color: colors.blue },
      { label: "negative weight", color: colors.orange, dash: [6, 4] },
    ]);
    drawNodeLegend(W - 300, H - 18);

    for (let l = 0; l < layers; l++) {
      for (let u = 0; u < dims[l]; u++) {
        const cell = cells[`${keys[l]}-${u}`];
        cell.textContent = fmt(values[l][u], l === 0 ? 1 : data.digits) + (on[l][u] ? "" : " (off)");
        cell.classList.toggle("snn-off", !on[l][u]);
      }
    }
    el.dataset.x1 = String(x1);
    el.dataset.x2 = String(x2);
  }

  function drawNodeLegend(x, y) {
    ctx.save();
    ctx.font = "12px sans-serif";
    ctx.textBaseline = "middle";
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.arc(x + 7, y, 7, 0, 2 * Math.PI);
    ctx.fillStyle = "rgba(0, 114, 178, 0.6)";
    ctx.fill();
    ctx.strokeStyle = INK;
    ctx.stroke();
    ctx.fillStyle = INK;
    ctx.fillText("active (darker = larger)", x + 19, y);
    const x2 = x + 19 + ctx.measureText("active (darker = larger)").width + 16;
    ctx.beginPath();
    ctx.arc(x2 + 7, y, 7, 0, 2 * Math.PI);
    ctx.setLineDash([4, 3]);
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = "#999999";
    ctx.stroke();
    ctx.fillText("off (ReLU = 0)", x2 + 19, y);
    ctx.restore();
  }

  const stopListening = onChanges(model, ["x1", "x2"], draw);
  draw();
  return stopListening;
}

export default { render };
