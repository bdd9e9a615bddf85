// Helpers shared by the three learning explorers (training, optimizer paths, gradient flow).
// _common.bundle() puts plot.js, then this file, in front of each view. As in plot.js, nothing
// here computes a number the reader sees: it decodes stored levels (_packing.py) and draws.

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
const SYMBOL = Object.fromEntries([...ALPHABET].map((ch, i) => [ch, i]));

// The integers _packing.pack(ints, chars) stored: `chars` characters each, most significant first.
function unpack(text, chars = 1) {
  const out = new Array(text.length / chars);
  for (let i = 0, k = 0; i < text.length; i += chars, k++) {
    let v = 0;
    for (let j = 0; j < chars; j++) v = 64 * v + SYMBOL[text[i + j]];
    out[k] = v;
  }
  return out;
}

// "#rrggbb" -> [r, g, b]
function rgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

// A colour between `low` (t = 0), white (t = 0.5) and `high` (t = 1), as [r, g, b].
function diverging(t, low, high) {
  const [end, s] = t < 0.5 ? [rgb(low), 1 - 2 * t] : [rgb(high), 2 * t - 1];
  return end.map((c) => Math.round(255 + (c - 255) * s * 0.85));
}

// Paint an n x n grid of levels (row-major from the top-left) into box = [left, top, right,
// bottom], each level's colour from colorOf(level). Smoothed when scaled up, like imshow.
function drawLevels(ctx, box, grid, n, colorOf) {
  const image = document.createElement("canvas");
  image.width = n;
  image.height = n;
  const small = image.getContext("2d");
  const pixels = small.createImageData(n, n);
  for (let k = 0; k < n * n; k++) {
    const [r, g, b] = colorOf(grid[k]);
    pixels.data.set([r, g, b, 255], 4 * k);
  }
  small.putImageData(pixels, 0, 0);
  const [left, top, right, bottom] = box;
  ctx.save();
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(image, left, top, right - left, bottom - top);
  ctx.restore();
}

// The line between cells at or above `level` and cells below it (marching squares through the
// cell centres, each crossing at the midpoint of its edge: no interpolation of stored values).
function drawLevelLine(ctx, box, grid, n, level, style) {
  const [left, top, right, bottom] = box;
  const cx = (c) => left + ((c + 0.5) * (right - left)) / n;
  const cy = (r) => top + ((r + 0.5) * (bottom - top)) / n;
  const above = (r, c) => grid[r * n + c] >= level;
  ctx.save();
  ctx.strokeStyle = style.color;
  ctx.lineWidth = style.width || 2;
  ctx.beginPath();
  for (let r = 0; r + 1 < n; r++) {
    for (let c = 0; c + 1 < n; c++) {
      // Corners: a top-left, b top-right, c bottom-right, d bottom-left; edge midpoints.
      const bits = [above(r, c), above(r, c + 1), above(r + 1, c + 1), above(r + 1, c)];
      const mid = {
        top: [(cx(c) + cx(c + 1)) / 2, cy(r)],
        right: [cx(c + 1), (cy(r) + cy(r + 1)) / 2],
        bottom: [(cx(c) + cx(c + 1)) / 2, cy(r + 1)],
        left: [cx(c), (cy(r) + cy(r + 1)) / 2],
      };
      const edges = [];
      if (bits[0] !== bits[1]) edges.push(mid.top);
      if (bits[1] !== bits[2]) edges.push(mid.right);
      if (bits[2] !== bits[3]) edges.push(mid.bottom);
      if (bits[3] !== bits[0]) edges.push(mid.left);
      for (let e = 0; e + 1 < edges.length; e += 2) {
        ctx.moveTo(...edges[e]);
        ctx.lineTo(...edges[e + 1]);
      }
    }
  }
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

// A line of text in the canvas, left-aligned at (x, y).
function drawText(ctx, text, x, y, { color = "#222222", font = "12px sans-serif" } = {}) {
  ctx.save();
  ctx.font = font;
  ctx.fillStyle = color;
  ctx.textAlign = "left";
  ctx.textBaseline = "middle";
  ctx.fillText(text, x, y);
  ctx.restore();
}

// A Play button at the top of the view: it moves model[key] one grid step every `interval` ms up
// to the grid's end (from its start again if pressed at the end); the control jslinked to
// model[key] follows. The views carry their own button rather than ipywidgets' Play: in the
// book, the theme's Font Awesome script swaps Play's <i> icons for <svg>, after which every
// change of the linked slider throws inside PlayView.updatePlaying and stops the slider's link
// to the view. Returns the function that stops the timer.
function makePlayButton(parent, model, key, grid, interval) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "snn-play";
  let timer = null;
  const label = () => {
    button.textContent = timer ? "\u275a\u275a Pause" : "\u25b6 Play";
    button.setAttribute("aria-pressed", String(timer !== null));
  };
  const stop = () => {
    clearInterval(timer);
    timer = null;
    label();
  };
  const move = (value) => {
    model.set(key, value);
    model.save_changes();
  };
  const tick = () => {
    const i = gridIndex(model.get(key), grid);
    if (i >= grid.n - 1) stop();
    else move(gridValue(i + 1, grid));
  };
  button.addEventListener("click", () => {
    if (timer !== null) {
      stop();
      return;
    }
    if (gridIndex(model.get(key), grid) >= grid.n - 1) move(grid.lo);
    timer = setInterval(tick, interval);
    label();
  });
  label();
  parent.appendChild(button);
  return stop;
}
