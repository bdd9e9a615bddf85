// Draws the book's explorers in its static pages, offline, with no widget manager.
//
// Every explorer is one anywidget module (course/explorers: render({model, el})) whose model
// holds all it can show, so a page needs no kernel and none of ipywidgets' front end (0.6 MB
// gzipped): only this file. myst-nb writes, on each page with widgets, the widget state (one
// <script type="application/vnd.jupyter.widget-state+json">) and, where each widget was shown,
// a <script type="application/vnd.jupyter.widget-view+json"> naming its model. For each view
// this file builds a small model with anywidget's interface (get, set, on, off, save_changes,
// send) over that model's state, loads the model's module (its _esm) from a Blob URL, adds its
// stylesheet (_css) once, and calls render.
(function () {
  "use strict";
  var STATE = 'script[type="application/vnd.jupyter.widget-state+json"]';
  var VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]';
  var states = null; // model id -> {model_name, state}
  var modules = new Map(); // _esm text -> the promise of its widget ({render})
  var styles = new Set(); // _css texts already on the page

  function allStates() {
    if (states === null) {
      var script = document.querySelector(STATE);
      states = script ? JSON.parse(script.textContent).state : {};
    }
    return states;
  }

  // anywidget's model interface, enough for a view that never talks to a kernel: a change
  // notifies the listeners of "change:<name>" at once, as Backbone does; saving sends nothing.
  function Model(values) {
    var listeners = new Map();
    this.get = function (name) { return values[name]; };
    this.set = function (name, value) {
      if (values[name] === value) return;
      values[name] = value;
      (listeners.get("change:" + name) || []).slice().forEach(function (f) { f(this, value); }, this);
    };
    this.on = function (event, callback) {
      if (!listeners.has(event)) listeners.set(event, []);
      listeners.get(event).push(callback);
    };
    this.off = function (event, callback) {
      var list = listeners.get(event) || [];
      listeners.set(event, callback ? list.filter(function (f) { return f !== callback; }) : []);
    };
    this.save_changes = function () {};
    this.send = function () {};
  }

  // The module's widget: its default export, an object with render or a function returning one.
  function widgetOf(esm) {
    if (!modules.has(esm)) {
      var url = URL.createObjectURL(new Blob([esm], { type: "text/javascript" }));
      modules.set(esm, import(url).then(function (module) {
        var widget = module.default || module;
        return typeof widget === "function" ? widget() : widget;
      }));
    }
    return modules.get(esm);
  }

  function addStyle(css) {
    if (!css || styles.has(css)) return;
    styles.add(css);
    var style = document.createElement("style");
    style.textContent = css;
    document.head.appendChild(style);
  }

  function draw(script) {
    if (script.dataset.drawn) return;
    script.dataset.drawn = "yes";
    var id = JSON.parse(script.textContent).model_id;
    var entry = allStates()[id];
    var el = document.createElement("div");
    el.className = "snn-widget";
    script.parentNode.insertBefore(el, script);
    if (!entry || entry.model_name !== "AnyModel") {
      el.textContent = "(This output is an interactive widget that the static page cannot show.)";
      return;
    }
    addStyle(entry.state._css);
    widgetOf(entry.state._esm).then(function (widget) {
      return widget.render({ model: new Model(Object.assign({}, entry.state)), el: el });
    }).catch(function (error) {
      el.textContent = "This explorer could not be drawn: " + error;
      console.error(error);
    });
  }

  // Start loading every explorer's module now: the page's widget state comes before this
  // script (in <head>), and a module takes a while to load while the parser is busy.
  function preload() {
    var all = allStates();
    Object.keys(all).forEach(function (id) {
      if (all[id].model_name === "AnyModel") widgetOf(all[id].state._esm);
    });
  }

  function drawAll() {
    document.querySelectorAll(VIEW).forEach(draw);
  }
  // For the browser tests (tests/browser/conftest.py): draw every view now.
  window.bookWidgets = { load: drawAll };

  // Each view is drawn as soon as the parser has read it, while the rest of the page is still
  // arriving: the explorer a reader was sent to appears with the text around it, not after the
  // whole page. (A view whose JSON is not yet complete waits for the next batch of nodes, or
  // for DOMContentLoaded, which draws whatever is left.)
  var waiting = [];
  function drawParsed() {
    waiting = waiting.filter(function (script) {
      try {
        JSON.parse(script.textContent);
      } catch (incomplete) {
        return true;
      }
      draw(script);
      return false;
    });
  }
  var parsing = new MutationObserver(function (records) {
    records.forEach(function (record) {
      record.addedNodes.forEach(function (node) {
        if (node.nodeName === "SCRIPT" && node.matches(VIEW)) waiting.push(node);
      });
    });
    drawParsed();
  });
  preload();
  if (document.readyState === "loading") {
    parsing.observe(document.documentElement, { childList: true, subtree: true });
    document.addEventListener("DOMContentLoaded", function () {
      parsing.disconnect();
      drawAll();
    });
  } else {
    drawAll();
  }
})();
