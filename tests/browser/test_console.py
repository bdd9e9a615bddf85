"""No page of the built book writes an error or a warning to the browser's console.

Each page is opened in a fresh context (no saved light/dark choice: a first visit), scrolled
through so that its explorers load and draw, and every console message of type error or
warning, every uncaught exception and every failed request (a missing favicon, say) is a
failure. Console logs and infos are allowed (the theme logs its mode).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import weigh  # the page list, the viewport and the scrolling a reader does

pytestmark = pytest.mark.browser


def _visit(browser, base_url: str, page_path: str) -> list[str]:
    problems: list[str] = []
    context = browser.new_context(viewport=weigh.VIEWPORT, reduced_motion="reduce")
    context.route(
        "**/*",
        lambda r: (
            r.continue_()
            if r.request.url.startswith(base_url)
            else (problems.append(f"request to another host: {r.request.url}"), r.abort())
        ),
    )
    page = context.new_page()
    page.on(
        "console",
        lambda m: m.type in ("error", "warning") and problems.append(f"console {m.type}: {m.text}"),
    )
    page.on("pageerror", lambda e: problems.append(f"uncaught: {e}"))
    page.on(
        "response",
        lambda r: r.status >= 400 and problems.append(f"HTTP {r.status}: {r.url}"),
    )
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url} ({r.failure})"))
    page.goto(base_url + page_path)
    page.wait_for_load_state("networkidle")
    weigh._scroll_through(page)
    if page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count():
        page.locator(".snn-explorer canvas").first.wait_for(state="attached", timeout=60_000)
        page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    context.close()
    return problems


def test_no_page_writes_an_error_or_warning_to_the_console(browser, base_url, book_html):
    found = {}
    for page_path in weigh.pages(book_html):
        problems = _visit(browser, base_url, page_path)
        if problems:
            found[page_path] = problems
    assert not found, f"console errors or warnings: {found}"


def test_the_book_has_a_favicon(book_html):
    index = (book_html / "intro.html").read_text(encoding="utf-8")
    assert 'rel="icon"' in index and "favicon.svg" in index
    assert (book_html / "_static" / "favicon.svg").is_file()
