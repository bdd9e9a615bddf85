// Drawing helpers shared by the explorers. _common.bundle() puts this file in front of each
// explorer's own file, so these functions are in scope there. Nothing here computes a number the
// reader sees: values come from Python (scratchnn); this file only formats, places and draws.

const INK = "#222222";
const MUTED = "#666666";
const RULE = "#d9d9d9";
const MINUS = "\u2212";

// A value from the data, already rounded in Python to `digits` decimals, as text.
function fmt(value, digits) {
  if (value === null || value === undefined || Number.isNaN(value)) return "\u2014";
  const text = value.toFixed(digits);
  return text.startsWith("-") ? MINUS + text.slice(1) : text;
}

// The index of the grid point nearest to `value`: the lookup that replaces any computation.
function gridIndex(value, grid) {
  const i = Math.round((value - grid.lo) / grid.step);
  return Math.min(grid.n - 1, Math.max(0, i));
}

function gridValue(i, grid) {
  return Number((grid.lo + i * grid.step).toFixed(10));
}

// A drag callback for attachDrag: the grid point nearest to x becomes model[key], saved (and so
// sent to the linked slider) only when it changes.
function snapToGrid(model, key, grid) {
  return (x) => {
    const value = gridValue(gridIndex(x, grid), grid);
    if (value !== model.get(key)) {
      model.set(key, value);
      model.save_changes();
    }
  };
}

// A canvas of `width` x `height` CSS pixels, sharp on high-density screens, scaling down with
// its container. Returns the 2-D context in CSS-pixel units.
function makeCanvas(parent, width, height, label) {
  const canvas = document.createElement("canvas");
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(height * dpr);
  canvas.className = "snn-canvas";
  canvas.style.maxWidth = `${width}px`;
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", label);
  parent.appendChild(canvas);
  const ctx = canvas.getContext("2d");
  ctx.scale(dpr, dpr);
  return { canvas, ctx, width, height };
}

// A rectangular plot area mapping data ranges xr = [x0, x1], yr = [y0, y1] to pixels.
function makePanel(box, xr, yr) {
  const [left, top, right, bottom] = box;
  return {
    box,
    xr,
    yr,
    X: (x) => left + ((x - xr[0]) / (xr[1] - xr[0])) * (right - left),
    Y: (y) => bottom - ((y - yr[0]) / (yr[1] - yr[0])) * (bottom - top),
    invX: (px) => xr[0] + ((px - left) / (right - left)) * (xr[1] - xr[0]),
  };
}

// About `count` round tick values covering [lo, hi] (steps of 1, 2 or 5 times a power of ten).
function niceTicks(lo, hi, count) {
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
  const ticks = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9; t += step) {
    ticks.push(Math.abs(t) < 1e-12 ? 0 : Number(t.toPrecision(12)));
  }
  return ticks;
}

function tickText(t) {
  const text = String(t);
  return text.startsWith("-") ? MINUS + text.slice(1) : text;
}

function drawAxes(ctx, p, { title, xlabel, ylabel }) {
  const [left, top, right, bottom] = p.box;
  ctx.save();
  ctx.font = "12px sans-serif";
  ctx.lineWidth = 1;
  ctx.strokeStyle = RULE;
  ctx.fillStyle = MUTED;
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (const t of niceTicks(p.xr[0], p.xr[1], 8)) {
    const x = p.X(t);
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, bottom);
    ctx.stroke();
    ctx.fillText(tickText(t), x, bottom + 4);
  }
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (const t of niceTicks(p.yr[0], p.yr[1], 5)) {
    const y = p.Y(t);
    ctx.beginPath();
    ctx.moveTo(left, y);
    ctx.lineTo(right, y);
    ctx.stroke();
    ctx.fillText(tickText(t), left - 5, y);
  }
  ctx.strokeStyle = INK;
  ctx.strokeRect(left, top, right - left, bottom - top);
  if (p.yr[0] < 0 && p.yr[1] > 0) {
    ctx.beginPath();
    ctx.moveTo(left, p.Y(0));
    ctx.lineTo(right, p.Y(0));
    ctx.stroke();
  }
  drawAxisTitles(ctx, p, { title, xlabel, ylabel }, { xGap: 20, yGap: 38 });
  ctx.restore();
}

// The panel's title above it, xlabel xGap px below it and ylabel, turned, yGap px left of it
// (past the tick labels). Leaves ctx as it found it.
function drawAxisTitles(ctx, p, { title, xlabel, ylabel }, { xGap, yGap }) {
  const [left, top, right, bottom] = p.box;
  ctx.save();
  ctx.fillStyle = INK;
  ctx.font = "12px sans-serif";
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  ctx.fillText(xlabel, (left + right) / 2, bottom + xGap);
  ctx.font = "bold 13px sans-serif";
  ctx.textBaseline = "bottom";
  ctx.fillText(title, (left + right) / 2, top - 6);
  ctx.font = "12px sans-serif";
  ctx.translate(left - yGap, (top + bottom) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = "middle";
  ctx.fillText(ylabel, 0, 0);
  ctx.restore();
}

function clipTo(ctx, p) {
  const [left, top, right, bottom] = p.box;
  ctx.beginPath();
  ctx.rect(left, top, right - left, bottom - top);
  ctx.clip();
}

// A polyline through (xs[i], ys[i]); a null y breaks the line. Clipped to the panel.
function drawCurve(ctx, p, xs, ys, { color, dash = [], width = 2 }) {
  ctx.save();
  clipTo(ctx, p);
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.setLineDash(dash);
  ctx.beginPath();
  let drawing = false;
  for (let i = 0; i < xs.length; i++) {
    if (ys[i] === null) {
      drawing = false;
      continue;
    }
    const x = p.X(xs[i]);
    const y = p.Y(ys[i]);
    if (drawing) ctx.lineTo(x, y);
    else ctx.moveTo(x, y);
    drawing = true;
  }
  ctx.stroke();
  ctx.restore();
}

// Shade each run of grid points whose flag (a "0"/"1" string) is "1", half a step either side.
function shadeRuns(ctx, p, xs, flags, fill) {
  const half = (xs[1] - xs[0]) / 2;
  const [, top, , bottom] = p.box;
  ctx.save();
  clipTo(ctx, p);
  ctx.fillStyle = fill;
  let start = -1;
  for (let i = 0; i <= xs.length; i++) {
    const on = i < xs.length && flags[i] === "1";
    if (on && start < 0) start = i;
    if (!on && start >= 0) {
      const x0 = p.X(xs[start] - half);
      const x1 = p.X(xs[i - 1] + half);
      ctx.fillRect(x0, top, x1 - x0, bottom - top);
      start = -1;
    }
  }
  ctx.restore();
}

function drawMarkerLine(ctx, p, x) {
  const [, top, , bottom] = p.box;
  ctx.save();
  ctx.strokeStyle = INK;
  ctx.lineWidth = 1.5;
  ctx.setLineDash([5, 4]);
  ctx.beginPath();
  ctx.moveTo(p.X(x), top);
  ctx.lineTo(p.X(x), bottom);
  ctx.stroke();
  ctx.restore();
}

// A marker at data point (x, y): "disc" (filled) or "ring" (hollow), or nothing for a null y.
function drawPoint(ctx, p, x, y, color, kind) {
  if (y === null || y < p.yr[0] || y > p.yr[1]) return;
  ctx.save();
  ctx.beginPath();
  ctx.arc(p.X(x), p.Y(y), 5, 0, 2 * Math.PI);
  ctx.lineWidth = 2;
  ctx.strokeStyle = color;
  ctx.fillStyle = kind === "disc" ? color : "#ffffff";
  ctx.fill();
  ctx.stroke();
  ctx.restore();
}

// A row of legend entries starting at (x, y): { label, color, dash } lines or { label, fill }
// boxes. Returns nothing; entries are laid out left to right.
function drawLegend(ctx, x, y, entries) {
  ctx.save();
  ctx.font = "12px sans-serif";
  ctx.textBaseline = "middle";
  ctx.textAlign = "left";
  for (const entry of entries) {
    if (entry.fill) {
      ctx.fillStyle = entry.fill;
      ctx.fillRect(x, y - 6, 22, 12);
    } else {
      ctx.strokeStyle = entry.color;
      ctx.lineWidth = 2;
      ctx.setLineDash(entry.dash || []);
      ctx.beginPath();
      ctx.moveTo(x, y);
      ctx.lineTo(x + 22, y);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    ctx.fillStyle = INK;
    ctx.fillText(entry.label, x + 27, y);
    x += 27 + ctx.measureText(entry.label).width + 16;
  }
  ctx.restore();
}

// Dragging (or clicking) on the canvas inside one of `panels` reports the data x under the
// pointer to onX; the caller snaps it to the grid and moves the linked slider.
function attachDrag(canvas, width, panels, onX) {
  const toPanelX = (event) => {
    const rect = canvas.getBoundingClientRect();
    const px = ((event.clientX - rect.left) * width) / rect.width;
    const panel = panels.find((p) => px >= p.box[0] - 8 && px <= p.box[2] + 8);
    return panel ? panel.invX(px) : null;
  };
  let dragging = false;
  const move = (event) => {
    const x = toPanelX(event);
    if (x !== null) onX(x);
  };
  const down = (event) => {
    if (toPanelX(event) === null) return;
    dragging = true;
    canvas.setPointerCapture(event.pointerId);
    move(event);
  };
  const drag = (event) => {
    if (dragging) move(event);
  };
  const up = () => {
    dragging = false;
  };
  canvas.addEventListener("pointerdown", down);
  canvas.addEventListener("pointermove", drag);
  canvas.addEventListener("pointerup", up);
  canvas.addEventListener("pointercancel", up);
  canvas.style.cursor = "ew-resize";
  canvas.style.touchAction = "none";
  return () => {
    canvas.removeEventListener("pointerdown", down);
    canvas.removeEventListener("pointermove", drag);
    canvas.removeEventListener("pointerup", up);
    canvas.removeEventListener("pointercancel", up);
  };
}

// A two-column (or wider) table of readouts. rows: [[key, label, ...extra keys]]; each value
// cell gets data-readout="<key>" so that readers' tools and the browser test can find it.
function makeReadouts(parent, header, rows) {
  const table = document.createElement("table");
  table.className = "snn-readouts";
  table.setAttribute("aria-live", "polite");
  if (header) {
    const tr = table.createTHead().insertRow();
    for (const text of header) {
      const th = document.createElement("th");
      th.textContent = text;
      tr.appendChild(th);
    }
  }
  const body = table.createTBody();
  const cells = {};
  for (const [label, ...keys] of rows) {
    const tr = body.insertRow();
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = label;
    tr.appendChild(th);
    for (const key of keys) {
      const td = tr.insertCell();
      td.dataset.readout = key;
      cells[key] = td;
    }
  }
  parent.appendChild(table);
  return cells;
}

// Listen to model changes; returns the function that stops listening.
function onChanges(model, names, callback) {
  for (const name of names) model.on(`change:${name}`, callback);
  return () => {
    for (const name of names) model.off(`change:${name}`, callback);
  };
}
