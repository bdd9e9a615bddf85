// Typesets TeX at build time for book_ext/book_pages.py: reads a JSON list of
// {"tex": ..., "display": true|false} on stdin, writes a JSON list of
// {"svg": <mjx-container …>, "mml": <math …>, "error": text or null} on stdout.
// MathJax comes from node_modules (package.json pins it), loaded through its Node entry point:
// the same TeX input as the browser's tex-chtml.js, with SVG output (no web fonts to fetch).
"use strict";
const path = require("path");
const modules = process.argv[2];
const chunks = [];
process.stdin.on("data", (chunk) => chunks.push(chunk));
process.stdin.on("end", async () => {
  const items = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  const MathJax = await require(path.join(modules, "mathjax", "es5", "node-main.js")).init({
    loader: { load: ["input/tex", "output/svg"] },
    svg: { fontCache: "local" },
  });
  const adaptor = MathJax.startup.adaptor;
  const out = [];
  for (const { tex, display } of items) {
    const options = { display };
    const node = await MathJax.tex2svgPromise(tex, options);
    const svg = adaptor.outerHTML(node);
    // A TeX error is drawn as an merror node that carries the message.
    const found = svg.match(/data-mjx-error="([^"]*)"/);
    const error = found ? found[1] : null;
    const mml = await MathJax.tex2mmlPromise(tex, options);
    out.push({ svg, mml, error });
  }
  process.stdout.write(JSON.stringify(out));
});
