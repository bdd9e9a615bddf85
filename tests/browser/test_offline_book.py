"""The built book works offline: no page loads a script, style, font or image from another host.

The static scan reads every page's HTML and every stylesheet; the math is typeset when the book
is built (book_ext/book_pages.py: SVG, with MathML for screen readers), so no page loads MathJax,
and the browser test checks that each page with math shows it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

EXTERNAL = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)
CSS_URL = re.compile(r"""(?:url\(\s*["']?|@import\s+["'])\s*((?:https?:)?//[^"')\s]+)""", re.I)
# Attributes through which a browser fetches something by itself (an <a href> is only a link).
FETCHING = {"src", "href", "srcset", "data", "poster", "action", "formaction", "background"}
# The one script that draws the explorers (no widget manager, no RequireJS, no CDN).
WIDGET_SCRIPT = "_static/offline/widgets.js"


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.external: list[str] = []
        self.scripts: list[str] = []
        self.has_widget_state = False
        self.has_math = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            if attrs.get("src"):
                self.scripts.append(attrs["src"].split("?")[0])
            if attrs.get("type") == "application/vnd.jupyter.widget-state+json":
                self.has_widget_state = True
        if "math" in (attrs.get("class") or "").split():
            self.has_math = True
        if tag == "a":
            return
        for name, value in attrs.items():
            if name in FETCHING and value and EXTERNAL.match(value):
                self.external.append(f"<{tag} {name}={value!r}>")
        for url in CSS_URL.findall(attrs.get("style") or ""):
            self.external.append(f"<{tag} style=… {url}>")


def _pages(book_html: Path) -> dict[str, _Scanner]:
    pages = {}
    for path in sorted(book_html.rglob("*.html")):
        scanner = _Scanner()
        scanner.feed(path.read_text(encoding="utf-8"))
        pages[path.relative_to(book_html).as_posix()] = scanner
    return pages


def test_no_page_fetches_from_another_host(book_html):
    pages = _pages(book_html)
    assert "index.html" in pages
    found = {name: page.external for name, page in pages.items() if page.external}
    assert not found, f"pages that load from other hosts: {found}"


def test_no_stylesheet_fetches_from_another_host(book_html):
    found = {}
    for path in book_html.rglob("*.css"):
        urls = CSS_URL.findall(path.read_text(encoding="utf-8", errors="replace"))
        if urls:
            found[path.relative_to(book_html).as_posix()] = urls
    assert not found, f"stylesheets that load from other hosts: {found}"


def test_widget_pages_load_the_books_own_widget_javascript(book_html):
    pages = _pages(book_html)
    widget_pages = {name: page for name, page in pages.items() if page.has_widget_state}
    assert widget_pages, "no page of the book has widgets"
    for name, page in widget_pages.items():
        depth = name.count("/")
        local = [script.removeprefix("../" * depth).split("?")[0] for script in page.scripts]
        assert WIDGET_SCRIPT in local, f"{name}: {local}"
    assert (book_html / WIDGET_SCRIPT).is_file()
    assert not (book_html / "_static/offline/lib").exists()  # no widget manager is shipped
    for name, page in pages.items():
        assert not any("embed-amd" in s or "require.js" in s for s in page.scripts), name
        if not page.has_widget_state:
            assert not any(s.endswith("widgets.js") for s in page.scripts), name


def test_math_is_typeset_when_the_book_is_built(book_html, watched):
    pages = _pages(book_html)
    math_pages = [name for name, page in pages.items() if page.has_math]
    assert math_pages, "no page of the book has math"
    for name in math_pages:
        text = (book_html / name).read_text(encoding="utf-8")
        assert "\\(" not in text and "\\[" not in text, f"{name}: TeX left untypeset"
        assert 'data-mml-node="merror"' not in text, f"{name}: a TeX error"
        assert text.count("<mjx-container") == text.count("<mjx-assistive-mml"), name
        assert not any("mathjax" in s.lower() for s in pages[name].scripts), name
    for name in math_pages:  # drawn: each formula has a size, and its MathML is there
        watched.goto(name)
        formulas = watched.page.locator("mjx-container > svg")
        assert formulas.count() > 0, name
        assert watched.page.locator("mjx-assistive-mml math").count() == formulas.count(), name
        sizes = formulas.evaluate_all(
            "svgs => svgs.filter(s => s.getBoundingClientRect().width > 0).length"
        )
        assert sizes > 0, f"{name}: no formula is drawn"
    watched.goto("chapters/01_linear_layer.html")
    watched.screenshot("math", watched.page.locator("div.math mjx-container").first)
    watched.assert_clean()


def test_explorers_work_from_a_file_url(browser, book_html):
    """Opened from disk (file://, no server), every explorer of a page is drawn and moves: the
    book's widgets.js loads each module from a Blob URL, which works there too."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    try:
        page.goto((book_html / "chapters/04_losses.html").as_uri())
        views = page.locator(".snn-explorer canvas")
        views.nth(1).wait_for(state="attached")  # the loss and the training explorers
        assert views.count() == 2
        readout = page.locator('.snn-explorer[data-explorer="loss"] [data-readout="mse-loss"]')
        before = readout.inner_text()
        slider = page.locator('.snn-explorer-box-loss .snn-control-eps input[type="range"]')
        slider.focus()
        slider.press("ArrowRight")
        assert readout.inner_text() != before
        assert not errors, errors
    finally:
        context.close()
