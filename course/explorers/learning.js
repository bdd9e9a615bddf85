// Drawing helpers of the three learning explorers (training, optimizer paths, gradient flow),
// exported into `snn`; needs plot.js, view.js and packing.js before it. Nothing here computes a
// number the reader sees: it draws stored levels.

// "#rrggbb" -> [r, g, b]
function rgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

// A colour between `low` (t = 0), `mid` (t = 0.5: the plot's background, white or dark) and
// `high` (t = 1), as [r, g, b].
function diverging(t, low, high, mid) {
  const [end, s] = t < 0.5 ? [rgb(low), 1 - 2 * t] : [rgb(high), 2 * t - 1];
  const centre = rgb(mid);
  return end.map((c, k) => Math.round(centre[k] + (c - centre[k]) * s * 0.85));
}

// Paint an n x n grid of levels (row-major from the top-left) into box = [left, top, right,
// bottom], each level's colour from colorOf(level). Smoothed when scaled up, like imshow.
function drawLevels(ctx, box, grid, n, colorOf) {
  const image = document.createElement("canvas");
  image.width = n;
  image.height = n;
  const small = image.getContext("2d");
  const pixels = small.createImageData(n, n);
  for (let k = 0; k < n * n; k++) pixels.data.set([...colorOf(grid[k]), 255], 4 * k);
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
      // Corners: top-left, top-right, bottom-right, bottom-left; crossings at edge midpoints.
      const bits = [above(r, c), above(r, c + 1), above(r + 1, c + 1), above(r + 1, c)];
      const mid = [
        [(cx(c) + cx(c + 1)) / 2, cy(r)],
        [cx(c + 1), (cy(r) + cy(r + 1)) / 2],
        [(cx(c) + cx(c + 1)) / 2, cy(r + 1)],
        [cx(c), (cy(r) + cy(r + 1)) / 2],
      ];
      const edges = mid.filter((_, e) => bits[e] !== bits[(e + 1) % 4]);
      for (let e = 0; e + 1 < edges.length; e += 2) {
        ctx.moveTo(...edges[e]);
        ctx.lineTo(...edges[e + 1]);
      }
    }
  }
  ctx.stroke();
  ctx.restore();
}

Object.assign(snn, { rgb, diverging, drawLevels, drawLevelLine });
