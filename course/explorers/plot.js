// Drawing helpers shared by the explorers (exported into the namespace `snn`, see _common.bundle).
// Nothing here computes a number the reader sees: values come from Python (scratchnn); this file
// only formats, places and draws. Colours come from ctx.theme (view.js: the book's light or dark
// palette), never from constants, so that every drawing follows the reader's theme.

const MINUS = "\u2212";
const FONT = "12px sans-serif"; // no text in an explorer is smaller than 11 CSS px
const TITLE_FONT = "bold 13px sans-serif";

// A value from the data, already rounded in Python to `digits` decimals, as text.
function fmt(value, digits) {
  if (value === null || value === undefined || Number.isNaN(value)) return "\u2014";
  const text = value.toFixed(digits);
  return text.startsWith("-") ? MINUS + text.slice(1) : text;
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

function line(ctx, x0, y0, x1, y1) {
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1, y1);
  ctx.stroke();
}

// The plot area's background, grid lines every ~70 px, tick labels, frame and titles.
function drawAxes(ctx, p, titles) {
  const [left, top, right, bottom] = p.box;
  const t = ctx.theme;
  ctx.save();
  ctx.fillStyle = t.plot;
  ctx.fillRect(left, top, right - left, bottom - top);
  ctx.font = FONT;
  ctx.lineWidth = 1;
  ctx.strokeStyle = t.rule;
  ctx.fillStyle = t.muted;
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  const xCount = Math.max(3, Math.min(8, Math.round((right - left) / 45)));
  for (const tick of niceTicks(p.xr[0], p.xr[1], xCount)) {
    line(ctx, p.X(tick), top, p.X(tick), bottom);
    ctx.fillText(tickText(tick), p.X(tick), bottom + 4);
  }
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (const tick of niceTicks(p.yr[0], p.yr[1], 5)) {
    line(ctx, left, p.Y(tick), right, p.Y(tick));
    ctx.fillText(tickText(tick), left - 5, p.Y(tick));
  }
  ctx.strokeStyle = t.ink;
  ctx.strokeRect(left, top, right - left, bottom - top);
  if (p.yr[0] < 0 && p.yr[1] > 0) line(ctx, left, p.Y(0), right, p.Y(0));
  drawAxisTitles(ctx, p, titles, { xGap: 20, yGap: 38 });
  ctx.restore();
}

// The panel's title above it, xlabel xGap px below it and ylabel, turned, yGap px left of it
// (past the tick labels). Leaves ctx as it found it.
function drawAxisTitles(ctx, p, { title, xlabel, ylabel }, { xGap, yGap }) {
  const [left, top, right, bottom] = p.box;
  ctx.save();
  ctx.fillStyle = ctx.theme.ink;
  ctx.font = FONT;
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  ctx.fillText(xlabel, (left + right) / 2, bottom + xGap);
  ctx.font = TITLE_FONT;
  ctx.textBaseline = "bottom";
  ctx.fillText(title, (left + right) / 2, top - 6);
  ctx.font = FONT;
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
    if (drawing) ctx.lineTo(p.X(xs[i]), p.Y(ys[i]));
    else ctx.moveTo(p.X(xs[i]), p.Y(ys[i]));
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
      ctx.fillRect(x0, top, p.X(xs[i - 1] + half) - x0, bottom - top);
      start = -1;
    }
  }
  ctx.restore();
}

function drawMarkerLine(ctx, p, x) {
  ctx.save();
  ctx.strokeStyle = ctx.theme.ink;
  ctx.lineWidth = 1.5;
  ctx.setLineDash([5, 4]);
  line(ctx, p.X(x), p.box[1], p.X(x), p.box[3]);
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
  ctx.fillStyle = kind === "disc" ? color : ctx.theme.plot;
  ctx.fill();
  ctx.stroke();
  ctx.restore();
}

// A marker of the given shape ("disc", "triangle", "square", "diamond") at pixel (x, y).
function drawShape(ctx, x, y, shape, size, fill, stroke) {
  ctx.beginPath();
  if (shape === "triangle") {
    ctx.moveTo(x, y - size);
    ctx.lineTo(x + size * 0.9, y + size * 0.7);
    ctx.lineTo(x - size * 0.9, y + size * 0.7);
    ctx.closePath();
  } else if (shape === "square") {
    ctx.rect(x - size * 0.8, y - size * 0.8, size * 1.6, size * 1.6);
  } else if (shape === "diamond") {
    ctx.moveTo(x, y - size);
    ctx.lineTo(x + size, y);
    ctx.lineTo(x, y + size);
    ctx.lineTo(x - size, y);
    ctx.closePath();
  } else {
    ctx.arc(x, y, size, 0, 2 * Math.PI);
  }
  ctx.fillStyle = fill;
  ctx.fill();
  if (stroke) {
    ctx.strokeStyle = stroke;
    ctx.lineWidth = 1;
    ctx.stroke();
  }
}

// A line of text in the canvas, left-aligned at (x, y), in the theme's ink unless told.
function drawText(ctx, text, x, y, { color, font = FONT } = {}) {
  ctx.save();
  ctx.font = font;
  ctx.fillStyle = color || ctx.theme.ink;
  ctx.textAlign = "left";
  ctx.textBaseline = "middle";
  ctx.fillText(text, x, y);
  ctx.restore();
}

// Legend entries laid out left to right from x, wrapping at maxX onto rows `rowHeight` apart:
// { label, color, dash } lines, { label, fill } boxes or { label, shape, color } markers.
// Returns the number of rows used (the layouts reserve room with legendRows).
function drawLegend(ctx, x, y, entries, maxX = Infinity, rowHeight = 18) {
  ctx.save();
  ctx.font = FONT;
  const x0 = x;
  let rows = 1;
  for (const entry of entries) {
    const width = 27 + ctx.measureText(entry.label).width;
    if (x > x0 && x + width > maxX) {
      x = x0;
      y += rowHeight;
      rows += 1;
    }
    if (entry.fill) {
      ctx.fillStyle = entry.fill;
      ctx.fillRect(x, y - 6, 22, 12);
    } else if (entry.shape) {
      drawShape(ctx, x + 11, y, entry.shape, 4.5, entry.color, ctx.theme.ink);
    } else {
      ctx.strokeStyle = entry.color;
      ctx.lineWidth = entry.width || 2;
      ctx.setLineDash(entry.dash || []);
      line(ctx, x, y, x + 22, y);
      ctx.setLineDash([]);
    }
    drawText(ctx, entry.label, x + 27, y);
    x += width + 16;
  }
  ctx.restore();
  return rows;
}

// How many rows drawLegend needs for `labels` between x and maxX (12 px text, measured).
function legendRows(ctx, labels, x, maxX) {
  ctx.save();
  ctx.font = FONT;
  let rows = 1;
  let at = x;
  for (const label of labels) {
    const width = 27 + ctx.measureText(label).width;
    if (at > x && at + width > maxX) {
      rows += 1;
      at = x;
    }
    at += width + 16;
  }
  ctx.restore();
  return rows;
}

Object.assign(snn, {
  FONT,
  TITLE_FONT,
  fmt,
  makePanel,
  niceTicks,
  line,
  drawAxes,
  drawAxisTitles,
  clipTo,
  drawCurve,
  shadeRuns,
  drawMarkerLine,
  drawPoint,
  drawShape,
  drawText,
  drawLegend,
  legendRows,
});
