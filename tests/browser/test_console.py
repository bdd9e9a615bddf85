"""No page of the built book writes an error or a warning to the browser's console.

Each page is opened in a fresh context (no saved light/dark choice: a first visit) and scrolled
through until every explorer has drawn: the session's ``first_visits`` (conftest.py, the same
visits that tests/browser/test_weight.py weighs). Every console message of type error or warning,
every uncaught exception, every failed request (a missing favicon, say) and every request to
another host is a failure. Console logs and infos are allowed (the theme logs its mode).
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_no_page_writes_an_error_or_warning_to_the_console(first_visits):
    found = {page: weight.console for page, weight in first_visits.items() if weight.console}
    assert len(first_visits) >= 10, "the pages of the book were not found"
    assert not found, f"console errors or warnings: {found}"


def test_the_book_has_a_favicon(book_html):
    index = (book_html / "intro.html").read_text(encoding="utf-8")
    assert 'rel="icon"' in index and "favicon.svg" in index
    assert (book_html / "_static" / "favicon.svg").is_file()
