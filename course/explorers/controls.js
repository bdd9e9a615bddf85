// The explorer's box (exported into `snn`): its controls, drawn from the payload's `controls`
// list (_common.Grid.control, _axes.Axis.spec), the view, and the caption. Needs view.js before
// it. Each control reads and writes one trait of the model: a slider's value, or the index of a
// choice. Plain HTML controls, each named by its visible label, so that a screen reader, the
// keyboard and a phone's touch all work as they do everywhere else.

const { gridIndex, gridValue, onChanges, setTrait } = snn;

// An id no element of the page has yet (two explorers on one page each count from 0).
function freeId(stem) {
  let n = 0;
  while (document.getElementById(`${stem}-${n}`)) n += 1;
  return `${stem}-${n}`;
}

// A range input on the grid's points, and its readout. Returns [input parts, show()].
function makeSlider(spec, model, id) {
  const input = document.createElement("input");
  Object.assign(input, { type: "range", id, min: spec.lo, max: spec.hi, step: spec.step });
  const readout = document.createElement("output");
  readout.className = "snn-readout";
  readout.htmlFor = id;
  input.addEventListener("input", () => {
    setTrait(model, spec.name, gridValue(gridIndex(Number(input.value), spec), spec));
  });
  const show = () => {
    const value = model.get(spec.name);
    input.value = String(value);
    readout.textContent = Number(value).toFixed(spec.decimals);
  };
  return [[input, readout], show];
}

// One button per value, the chosen one pressed (aria-pressed), as a group named by the label.
function makeToggles(spec, model, labelId) {
  const group = document.createElement("div");
  group.className = "snn-toggles";
  group.setAttribute("role", "group");
  group.setAttribute("aria-labelledby", labelId);
  const buttons = spec.texts.map((text, i) => {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = text;
    button.addEventListener("click", () => setTrait(model, spec.name, i));
    group.appendChild(button);
    return button;
  });
  const show = () => {
    const chosen = model.get(spec.name);
    buttons.forEach((button, i) => button.setAttribute("aria-pressed", String(i === chosen)));
  };
  return [[group], show];
}

function makeDropdown(spec, model, id) {
  const select = document.createElement("select");
  select.id = id;
  spec.texts.forEach((text, i) => select.add(new Option(text, String(i))));
  select.addEventListener("change", () => setTrait(model, spec.name, select.selectedIndex));
  const show = () => {
    select.selectedIndex = model.get(spec.name);
  };
  return [[select], show];
}

const MAKERS = { slider: makeSlider, toggle: makeToggles, dropdown: makeDropdown };

// The grid of controls: one row (.snn-control-<name>) of label and control per spec. Returns
// {row, stop}; every control follows its trait, whoever changes it (Play, a drag, the kernel).
function makeControls(model) {
  const row = document.createElement("div");
  row.className = "snn-controls";
  const stops = [];
  for (const spec of model.get("controls")) {
    const control = document.createElement("div");
    control.className = `snn-control snn-control-${spec.name}`;
    if (spec.wide) control.classList.add("snn-control-wide");
    const label = document.createElement(spec.kind === "toggle" ? "span" : "label");
    label.className = "snn-label";
    label.textContent = spec.label;
    label.id = freeId(`snn-${spec.name}-label`);
    const id = freeId(`snn-${spec.name}`);
    if (spec.kind !== "toggle") label.htmlFor = id;
    const [parts, show] = MAKERS[spec.kind](spec, model, spec.kind === "toggle" ? label.id : id);
    control.append(label, ...parts);
    row.appendChild(control);
    show();
    stops.push(onChanges(model, [spec.name], show));
  }
  return { row, stop: () => stops.forEach((stop) => stop()) };
}

// The anywidget module of an explorer whose view is drawn by render({model, el}): el becomes
// the explorer's box, with the controls above the view and the caption below it.
function explorer(render) {
  return {
    render({ model, el }) {
      el.classList.add("snn-explorer-box");
      const controls = makeControls(model);
      const view = document.createElement("div");
      const caption = document.createElement("p");
      caption.className = "snn-caption";
      caption.innerHTML = model.get("caption");
      el.append(controls.row, view, caption);
      const stop = render({ model, el: view });
      el.classList.add(`snn-explorer-box-${view.dataset.explorer}`);
      // A key pressed on a control is the control's: without this JupyterLab takes the arrow
      // keys (and more) for its own shortcuts, and a focused slider does not move.
      for (const control of el.querySelectorAll("input, select, button")) {
        control.setAttribute("data-lm-suppress-shortcuts", "true");
      }
      return () => {
        if (typeof stop === "function") stop();
        controls.stop();
        el.replaceChildren();
      };
    },
  };
}

Object.assign(snn, { makeControls, explorer });
