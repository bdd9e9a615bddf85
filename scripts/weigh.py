"""Weigh every page of the built book as a reader's first visit: what the browser loads, gzipped.

    python scripts/weigh.py [--html _build/html] [--page chapters/04_losses.html] [--files]

Each page is opened in a fresh headless Chromium context (an empty cache: a first visit) at
1280×900, served from 127.0.0.1, and scrolled through to its end, as a reader would, so that what
loads only near the viewport counts too. Every file the page loads is counted once per URL, at
the size a gzip-serving host sends it: gzip -9 of the file's bytes. The table prints per page the
number of files, the bytes uncompressed and gzipped, and the budget (``BUDGETS``); ``--files``
lists every file of every page. Explorer pages (pages with widget state) also get the time from
navigation to the first explorer plot (a canvas inside ``.snn-explorer``), for a reader who opens
the page at its first explorer: that is reported, never asserted (it depends on the machine).

The browser test tests/browser/test_weight.py asserts the same budgets with the same functions.
Exit status: 1 if a page is over its budget ("over" in the table).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import shutil
import sys
import threading
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Bytes, gzip -9, first visit, whole page scrolled (issue 20).
BUDGETS = {"explorer": 1_200_000, "page": 500_000}
VIEWPORT = {"width": 1280, "height": 900}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WIDGET_STATE = 'application/vnd.jupyter.widget-state+json"'
# Every widget view of the page drawn: widgets.js puts each explorer just before its view script.
ALL_DRAWN = """() => [...document.querySelectorAll(
  'script[type="application/vnd.jupyter.widget-view+json"]')]
  .every((view) => view.previousElementSibling?.querySelector('canvas'))"""
# A canvas inside an explorer: the first plot. Recorded on the page by a MutationObserver, in
# milliseconds since navigation started (performance.now()).
FIRST_PLOT_PROBE = """
(() => {
  const seen = () => document.querySelector('.snn-explorer canvas');
  const record = () => { if (window.__firstPlot === undefined && seen()) {
    window.__firstPlot = performance.now(); } };
  new MutationObserver(record).observe(document, {childList: true, subtree: true});
})();
"""


@dataclass
class Weight:
    """What one page loaded: URL path -> (bytes, gzip -9 bytes)."""

    page: str
    explorer: bool
    files: dict[str, tuple[int, int]] = field(default_factory=dict)
    first_plot_ms: float | None = None
    # What went wrong on the visit: console errors and warnings, uncaught exceptions, failed
    # requests, requests to other hosts (tests/browser/test_console.py fails on any).
    console: list[str] = field(default_factory=list)

    @property
    def raw(self) -> int:
        return sum(raw for raw, _ in self.files.values())

    @property
    def gzipped(self) -> int:
        return sum(gz for _, gz in self.files.values())

    @property
    def budget(self) -> int:
        return BUDGETS["explorer" if self.explorer else "page"]

    @property
    def problem(self) -> str | None:
        """Why this page fails its budget check, or None."""
        if self.gzipped > self.budget:
            return f"{self.page}: {self.gzipped:,} B > budget {self.budget:,} B"
        return None


def pages(html: Path) -> list[str]:
    """Every page of the built book, relative to its folder (index.html only redirects)."""
    return sorted(
        p.relative_to(html).as_posix() for p in html.rglob("*.html") if "_static" not in p.parts
    )


def is_explorer_page(html: Path, page: str) -> bool:
    return WIDGET_STATE in (html / page).read_text(encoding="utf-8")


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def serve(html: Path) -> tuple[ThreadingHTTPServer, str]:
    """The built book on http://127.0.0.1:<free port>/, in a daemon thread."""
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(html))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def _scroll_through(page) -> None:
    """Scroll to the end a screen at a time, letting what comes into view load."""
    height = VIEWPORT["height"]
    position = 0
    while True:
        total = page.evaluate("document.documentElement.scrollHeight")
        if position >= total:
            break
        position += int(height * 0.8)
        page.evaluate(f"window.scrollTo(0, {position})")
        page.wait_for_timeout(100)
    page.wait_for_load_state("networkidle")


def weigh(browser, base_url: str, html: Path, path: str) -> Weight:
    """Open `path` in a fresh context (empty cache), scroll through it, weigh what it loaded,
    and note what went wrong on the way (``Weight.console``)."""
    weight = Weight(path, is_explorer_page(html, path))
    context = browser.new_context(viewport=VIEWPORT, reduced_motion="reduce")
    bodies: dict[str, bytes] = {}
    noted = weight.console.append

    def on_response(response) -> None:
        url = response.url.split("#")[0]
        if url.startswith(base_url) and url not in bodies:
            try:
                bodies[url] = response.body()
            except Exception:  # a redirect or an aborted load has no body
                bodies[url] = b""

    def route(r) -> None:  # only the local server: the book works offline
        if r.request.url.startswith(base_url):
            r.continue_()
        else:
            noted(f"request to another host: {r.request.url}")
            r.abort()

    context.on("response", on_response)
    context.route("**/*", route)
    page = context.new_page()
    page.on(
        "console", lambda m: m.type in ("error", "warning") and noted(f"console {m.type}: {m.text}")
    )
    page.on("pageerror", lambda e: noted(f"uncaught: {e}"))
    page.on("response", lambda r: r.status >= 400 and noted(f"HTTP {r.status}: {r.url}"))
    page.on("requestfailed", lambda r: noted(f"failed: {r.url} ({r.failure})"))
    page.set_default_timeout(60_000)
    page.goto(base_url + path, wait_until="load")
    page.wait_for_load_state("networkidle")
    _scroll_through(page)
    if weight.explorer:  # every explorer drawn, so that its errors would show
        page.wait_for_function(ALL_DRAWN)
    context.close()
    for url, body in bodies.items():
        weight.files[url[len(base_url) - 1 :]] = (len(body), len(gzip.compress(body, 9)))
    return weight


def time_to_first_plot(browser, base_url: str, path: str) -> float:
    """Milliseconds from navigation to the first explorer plot, opening the page at the first
    explorer (the first widget output scrolled into view as soon as the page has parsed)."""
    context = browser.new_context(viewport=VIEWPORT, reduced_motion="reduce")
    context.add_init_script(
        FIRST_PLOT_PROBE
        + """
document.addEventListener('DOMContentLoaded', () => {
  const first = document.querySelector('script[type="application/vnd.jupyter.widget-view+json"]');
  if (first) first.parentElement.scrollIntoView({block: 'center'});
});"""
    )
    context.route(
        "**/*", lambda r: r.continue_() if r.request.url.startswith(base_url) else r.abort()
    )
    page = context.new_page()
    page.goto(base_url + path, wait_until="commit")
    page.wait_for_function("window.__firstPlot !== undefined", timeout=60_000)
    ms = page.evaluate("window.__firstPlot")
    context.close()
    return ms


def table(weights: list[Weight], files: bool) -> str:
    lines = [f"{'page':<34} {'files':>5} {'bytes':>11} {'gzip -9':>11} {'budget':>9}  first plot"]
    for w in weights:
        verdict = "ok" if w.problem is None else "over"
        plot = f"{w.first_plot_ms / 1000:.2f} s" if w.first_plot_ms is not None else ""
        lines.append(
            f"{w.page:<34} {len(w.files):>5} {w.raw:>11,} {w.gzipped:>11,} "
            f"{w.budget / 1e6:>6.1f} MB {verdict:<4} {plot}"
        )
        if files:
            for url, (raw, gz) in sorted(w.files.items(), key=lambda kv: -kv[1][1]):
                lines.append(f"    {url:<70} {raw:>11,} {gz:>11,}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--page", action="append", help="only these pages (repeatable)")
    parser.add_argument("--files", action="store_true", help="list every file of every page")
    args = parser.parse_args()
    html = args.html.resolve()
    if not (html / "intro.html").is_file():
        sys.exit(f"weigh: no built book in {html}: run `make book` first")
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    server, base_url = serve(html)
    weights = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for path in args.page or pages(html):
            weight = weigh(browser, base_url, html, path)
            if weight.explorer:
                weight.first_plot_ms = time_to_first_plot(browser, base_url, path)
            weights.append(weight)
            print(table([weight], args.files).split("\n", 1)[1], flush=True, file=sys.stderr)
        browser.close()
    server.shutdown()
    print(table(weights, args.files))
    for w in weights:  # not the weight, but worth knowing (tests/browser/test_console.py)
        for message in w.console:
            print(f"{w.page}: {message}", file=sys.stderr)
    problems = [w.problem for w in weights if w.problem]
    if problems:
        print("\n".join(problems), file=sys.stderr)
    return int(bool(problems))


if __name__ == "__main__":
    sys.exit(main())
