// Lets the book's widgets run from the book itself, offline, at any page depth.
//
// _config.yml (nb_ipywidgets_js) loads three scripts, in this order, on every page that has
// widget state: lib/require.js, this file, lib/@jupyter-widgets/html-manager/dist/embed-amd.js.
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

  // The widgets typeset their labels with MathJax 2's MathJax.Hub.Queue; the book loads MathJax 3,
  // which has no Hub, so every label would throw. MathJax (a deferred script) has run by
  // DOMContentLoaded, and the manager draws the widgets only later, on "load".
  document.addEventListener("DOMContentLoaded", function () {
    var mathjax = window.MathJax;
    if (!mathjax || mathjax.Hub || !mathjax.startup) return;
    mathjax.Hub = {
      // Called as Queue(["Typeset", MathJax.Hub, element]).
      Queue: function (job) {
        mathjax.startup.promise.then(function () {
          return mathjax.typesetPromise([job[2]]);
        });
      },
    };
  });
})();
