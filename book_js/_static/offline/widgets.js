// Lets the book's widgets run from the book itself, offline, at any page depth.
//
// _config.yml (nb_ipywidgets_js) loads, on every page that has widget state: lib/require.js, then
// this file. The widget manager, lib/@jupyter-widgets/html-manager/dist/embed-amd.js (0.6 MB
// gzipped), is not a script of the page (book_ext/book_pages.py removes it): this file loads it
// when the first explorer comes within a screen of the viewport, so a reader who never scrolls
// to one never loads it, and the page's text and figures load first.
// The widget manager asks RequireJS for each widget's front-end module (here: "anywidget").
// Without this file RequireJS would look next to the page, and on failure the manager would
// fetch the module from a CDN. All paths derive from this script's own URL, so they work from
// every page of the book.
(function () {
  var here = document.currentScript.src;
  var lib = here.slice(0, here.lastIndexOf("/") + 1) + "lib/";
  window.require.config({
    baseUrl: lib,
    paths: {
      // anywidget's npm build (dist/index.js) is already an AMD module.
      anywidget: lib + "anywidget/index",
      // The manager's own modules are defined inside embed-amd.js; this path gives them URLs
      // inside lib/@jupyter-widgets/, where the manager then finds its CSS's fonts.
      "@jupyter-widgets": lib + "@jupyter-widgets",
    },
  });
  // Where the manager falls back to when RequireJS cannot find a module: this book, never a
  // CDN. (The manager reads this attribute from any script tag when it starts.)
  document.currentScript.setAttribute("data-jupyter-widgets-cdn", lib + "missing/");

  // Where the manager's stylesheets find their fonts (webpack's public path); without it, loaded
  // from a script it inserts itself, it would look one folder too high.
  window.__jupyter_widgets_assets_path__ = lib + "@jupyter-widgets/html-manager/dist/";

  var loaded = false;
  function loadManager() {
    if (loaded) return;
    loaded = true;
    var script = document.createElement("script");
    script.src = lib + "@jupyter-widgets/html-manager/dist/embed-amd.js";
    // Draws every widget of the page as soon as it has run (the page has loaded by then).
    document.head.appendChild(script);
  }
  // For the browser tests (tests/browser/conftest.py), which open a page and go straight to an
  // explorer: load the manager now, wherever the page is scrolled.
  window.bookWidgets = { load: loadManager };
  document.addEventListener("DOMContentLoaded", function () {
    var views = document.querySelectorAll(
      'script[type="application/vnd.jupyter.widget-view+json"]'
    );
    if (!views.length) return;
    if (!("IntersectionObserver" in window)) return loadManager();
    var observer = new IntersectionObserver(
      function (entries) {
        if (!entries.some(function (entry) { return entry.isIntersecting; })) return;
        observer.disconnect();
        loadManager();
      },
      { rootMargin: "100% 0px" }
    );
    views.forEach(function (view) {
      observer.observe(view.parentElement);
    });
  });

  // No MathJax here: the book typesets its math when it is built, and no widget label holds TeX.
})();
