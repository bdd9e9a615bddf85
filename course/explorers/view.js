// The frame every explorer view shares (exported into `snn`): the book's theme, a canvas drawn at
// its container's width, grid and run lookups, dragging, readouts and the Play button. Needs
// plot.js before it; controls.js, after it, draws the box around the view.

const NARROW = 600; // below this width (CSS px) an explorer stacks its panels

// ---- Lookups: the only "computation" a view does is finding an index.

// The index of the grid point nearest to `value`: the lookup that replaces any computation.
function gridIndex(value, grid) {
  const i = Math.round((value - grid.lo) / grid.step);
  return Math.min(grid.n - 1, Math.max(0, i));
}

function gridValue(i, grid) {
  return Number((grid.lo + i * grid.step).toFixed(10));
}

// Where a setting's run sits in data.runs: `axes` is the payload's axes block (_axes.Axes),
// pick(name) the chosen index on each axis (the model's trait of that name, unless told).
function runIndex(axes, pick) {
  return axes.reduce((index, axis) => index * axis.size + Number(pick(axis.name)), 0);
}

// A run that equals another is stored once, as that run's index.
function runAt(data, pick) {
  const run = data.runs[runIndex(data.axes, pick)];
  return typeof run === "number" ? data.runs[run] : run;
}

// ---- Theme: explorers.css defines the palette as CSS variables on .snn-explorer, for the
// book's light and dark themes; the canvas reads them at each draw.

function readTheme(el, palette) {
  const style = getComputedStyle(el);
  const css = (name, fallback) => style.getPropertyValue(`--snn-${name}`).trim() || fallback;
  const colors = {};
  for (const [key, value] of Object.entries(palette)) colors[key] = css(key, value);
  return {
    dark: css("mode", "light") === "dark",
    bg: css("bg", "#ffffff"),
    plot: css("plot", "#ffffff"),
    ink: css("ink", "#222222"),
    muted: css("muted", "#595959"),
    rule: css("rule", "#d9d9d9"),
    faint: css("faint", "#b0b0b0"),
    colors,
  };
}

// Calls `redraw` when the reader switches the book's theme (pydata-sphinx-theme sets
// data-theme on <html>; JupyterLab sets data-jp-theme-light on <body>).
function onThemeChange(redraw) {
  const observer = new MutationObserver(redraw);
  const watch = { attributes: true, attributeFilter: ["data-theme", "data-jp-theme-light"] };
  observer.observe(document.documentElement, watch);
  observer.observe(document.body, watch);
  return () => observer.disconnect();
}

// ---- The canvas frame

// Starts the view: el gets its class and name, and a canvas as wide as el's content, never
// scaled (each redraw lays out for the current width: layout(width, ctx) -> {H, ...}).
function makeFrame(el, name, label) {
  el.classList.add("snn-explorer");
  el.dataset.explorer = name;
  const canvas = document.createElement("canvas");
  canvas.className = "snn-canvas";
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", label);
  el.appendChild(canvas);
  return { canvas, ctx: canvas.getContext("2d") };
}

// Draws now, and again on any change of the model's `names`, of the width, or of the theme.
// draw(ctx, layout) sees ctx.theme; drag (optional) is {key, grid, panels(layout)}: the panels
// whose x the pointer can drag. Returns the function that stops everything.
function runFrame(frame, { model, el, names, layout, draw, drag }) {
  const { canvas, ctx } = frame;
  let current = null;
  let width = 0;
  const paint = () => {
    ctx.theme = readTheme(el, model.get("palette"));
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = ctx.theme.bg;
    ctx.fillRect(0, 0, width, current.H);
    draw(ctx, current);
  };
  const resize = () => {
    const measured = Math.floor(canvas.getBoundingClientRect().width);
    const next = measured > 0 ? measured : width || 640;
    if (next === width && current) return false;
    width = next;
    current = layout(width, ctx);
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(current.H * dpr);
    canvas.style.height = `${current.H}px`;
    el.dataset.layout = current.narrow ? "stacked" : "side";
    return true;
  };
  const redraw = () => paint();
  resize();
  paint();
  const sizes = new ResizeObserver(() => resize() && paint());
  sizes.observe(canvas);
  const stops = [() => sizes.disconnect(), onThemeChange(redraw), onChanges(model, names, redraw)];
  if (drag) stops.push(attachDrag(canvas, () => drag.panels(current), snapToGrid(model, drag)));
  return () => stops.forEach((stop) => stop());
}

// Two panels side by side at `width` (left one `leftShare` of it), or stacked when narrow, each
// as wide as the drawing. pad = [left, top, right, bottom] around each plot area; `square`
// makes the first panel's plot area square (when
// stacked, as wide as the drawing). Returns {H, boxes, narrow, bottom}: `bottom` is
// where the legend rows start.
function twoPanels(width, { pad, height, leftShare = 0.5, square = false, legend = 0 }) {
  const [pl, pt, pr, pb] = pad;
  if (width >= NARROW) {
    const split = square ? pl + height + pr + 24 : Math.round(width * leftShare);
    const boxes = [
      [pl, pt, split - pr, pt + height],
      [split + pl, pt, width - pr, pt + height],
    ];
    return { narrow: false, boxes, bottom: pt + height + pb, H: pt + height + pb + legend };
  }
  const side = width - pl - pr;
  const first = square ? side : height;
  const second = pt + first + pb + pt;
  const boxes = [
    [pl, pt, width - pr, pt + first],
    [pl, second, width - pr, second + height],
  ];
  const bottom = second + height + pb;
  return { narrow: true, boxes, bottom, H: bottom + legend };
}

// ---- Pointer and model

// Sets model[name] and sends it (to the kernel, in Jupyter), only when it changes: what every
// control, drag and Play button does to the model.
function setTrait(model, name, value) {
  if (model.get(name) === value) return;
  model.set(name, value);
  model.save_changes();
}

// A drag callback: the grid point nearest to x becomes model[key] (and so shows on its slider).
function snapToGrid(model, { key, grid }) {
  return (x) => setTrait(model, key, gridValue(gridIndex(x, grid), grid));
}

// Dragging (or clicking) inside one of panels() reports the data x under the pointer to onX.
// The drag cursor shows only over those panels (the caption says which they are).
function attachDrag(canvas, panels, onX) {
  const under = (event) => {
    const rect = canvas.getBoundingClientRect();
    const px = event.clientX - rect.left;
    const py = event.clientY - rect.top;
    const inside = (p) =>
      px >= p.box[0] - 8 && px <= p.box[2] + 8 && py >= p.box[1] - 8 && py <= p.box[3] + 8;
    const panel = panels().find(inside);
    return panel ? panel.invX(px) : null;
  };
  let dragging = false;
  const down = (event) => {
    const x = under(event);
    if (x === null) return;
    dragging = true;
    canvas.setPointerCapture(event.pointerId);
    onX(x);
  };
  const move = (event) => {
    const x = under(event);
    canvas.style.cursor = x === null && !dragging ? "default" : "ew-resize";
    if (dragging && x !== null) onX(x);
  };
  const up = () => {
    dragging = false;
  };
  const events = { pointerdown: down, pointermove: move, pointerup: up, pointercancel: up };
  for (const [name, handler] of Object.entries(events)) canvas.addEventListener(name, handler);
  canvas.style.touchAction = "pan-y"; // a phone still scrolls the page over the drawing
  return () => {
    for (const [name, handler] of Object.entries(events)) canvas.removeEventListener(name, handler);
  };
}

// Listen to model changes; returns the function that stops listening.
function onChanges(model, names, callback) {
  for (const name of names) model.on(`change:${name}`, callback);
  return () => {
    for (const name of names) model.off(`change:${name}`, callback);
  };
}

// ---- Text beside the drawing

// A two-column (or wider) table of readouts. rows: [[label, ...keys]]; each value cell gets
// data-readout="<key>" so that readers' tools and the browser test can find it.
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
  const scroller = document.createElement("div"); // a wide table scrolls, the page does not
  scroller.className = "snn-readouts-box";
  scroller.appendChild(table);
  parent.appendChild(scroller);
  return cells;
}

function makeNote(parent) {
  const note = document.createElement("p");
  note.className = "snn-note";
  parent.appendChild(note);
  return note;
}

// A Play button beside the slider it drives (the control .snn-control-<key> of the explorer's
// box): it moves model[key] one grid step every `interval` ms up to the grid's end (from its
// start again if pressed at the end). Returns its stop.
function makePlayButton(el, model, key, grid, interval) {
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
  const move = (value) => setTrait(model, key, value);
  const tick = () => {
    const i = gridIndex(model.get(key), grid);
    if (i >= grid.n - 1) stop();
    else move(gridValue(i + 1, grid));
  };
  button.addEventListener("click", () => {
    if (timer !== null) return void stop();
    if (gridIndex(model.get(key), grid) >= grid.n - 1) move(grid.lo);
    timer = setInterval(tick, interval);
    label();
  });
  label();
  // Beside its slider (controls.js draws the controls before the view), or atop the view.
  const control = el.closest(".snn-explorer-box")?.querySelector(`.snn-control-${key}`);
  if (control) control.appendChild(button);
  else el.prepend(button);
  return () => {
    stop();
    button.remove();
  };
}

Object.assign(snn, {
  NARROW,
  gridIndex,
  gridValue,
  runIndex,
  runAt,
  readTheme,
  makeFrame,
  runFrame,
  twoPanels,
  attachDrag,
  onChanges,
  setTrait,
  makeReadouts,
  makeNote,
  makePlayButton,
});
