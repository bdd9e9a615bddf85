"""Real-browser tests of the built HTML book: a local server, Chromium, and pages kept offline.

The book is the one in _build/html (``make book`` builds it; if it is missing or older than its
sources, the first test builds it), or the one in $BOOK_HTML when that is set (for example a
scratch book). Chromium is Debian's (``apt-get install chromium``), driven by Python Playwright;
``playwright install`` is never needed. Without Chromium the tests are skipped, except under CI
(CI=true), where a missing browser is a failure.

Every page may load only from the local server: any other request is blocked and fails the test,
as does any console error or uncaught exception on the page.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import weigh as _weigh

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
# Chromium's flags for this machine (no sandbox, no network of its own), from the weighing script,
# which launches the same browser.
CHROMIUM_ARGS = _weigh.CHROMIUM_ARGS
# Errors that are not the book's to fix, listed exactly; any other error fails the test. None
# now: the theme's duplicated Thebe settings and its "invalid theme mode" error are gone
# (book_ext/book_pages.py and book_ext/templates/layout.html).
KNOWN_THEME_ERRORS: set[str] = set()
# What the book is built from: if any is newer than the built index.html, the book is rebuilt.
BOOK_SOURCES = [
    "_config.yml",
    "_toc.yml",
    "*.md",
    "*.ipynb",
    "chapters/*.ipynb",
    "book_js/**/*.js",
    "book_js/**/*.css",
    "book_ext/*.py",
    "book_ext/*.js",
    "book_ext/templates/*.html",
    "images/previews/*.webp",
]


def _unavailable(message: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (CI=true: a missing browser is a failure, not a skip)")
    pytest.skip(message)


def _stale(html: Path) -> bool:
    index = html / "index.html"
    if not index.is_file():
        return True
    built = index.stat().st_mtime
    return any(p.stat().st_mtime > built for pattern in BOOK_SOURCES for p in REPO.glob(pattern))


@pytest.fixture(scope="session")
def book_html() -> Path:
    """The built book's folder."""
    if os.environ.get("BOOK_HTML"):
        html = Path(os.environ["BOOK_HTML"]).resolve()
        assert (html / "index.html").is_file(), f"BOOK_HTML={html} holds no built book"
        return html
    html = REPO / "_build" / "html"
    if _stale(html):
        subprocess.run(["make", "book"], cwd=REPO, check=True)
    return html


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # silence: one line per request otherwise
        pass


@pytest.fixture(scope="session")
def base_url(book_html: Path):
    """http://127.0.0.1:<free port>/ serving the built book, in a thread."""
    handler = functools.partial(_QuietHandler, directory=str(book_html))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def _chromium() -> str | None:
    candidates = [os.environ.get("CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium"]
    return next((c for c in candidates if c and Path(c).is_file()), None)


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the Python package playwright is missing: pip install -r requirements.txt")
    executable = _chromium()
    if executable is None:
        _unavailable(
            "Chromium not found: install it with `sudo apt-get install chromium` (or set CHROMIUM "
            "to a Chromium binary). `playwright install` is not needed."
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def first_visits(browser, base_url, book_html) -> dict:
    """Every page of the book visited once as a reader's first visit (scripts/weigh.py's
    ``weigh``: a fresh context, scrolled through, every explorer drawn), by page: what it loaded
    and what went wrong. Read by test_weight.py and test_console.py: one visit serves both."""
    return {
        page: _weigh.weigh(browser, base_url, book_html, page) for page in _weigh.pages(book_html)
    }


class WatchedPage:
    """A page that may only reach the local server, and that records what went wrong."""

    def __init__(self, browser, base_url: str) -> None:
        self.base_url = base_url
        # Reduced motion: the theme's smooth scrolling (Bootstrap's, unless the reader asks for
        # less motion) would leave an element where it was when a test reads its position.
        self.context = browser.new_context(
            viewport={"width": 1280, "height": 1600}, reduced_motion="reduce"
        )
        self.page = self.context.new_page()
        self.page.set_default_timeout(60_000)
        self.external: list[str] = []  # requests to any other host (blocked)
        self.failed: list[str] = []  # local requests that failed or returned an error status
        self.errors: list[str] = []  # console errors and uncaught exceptions
        self.script_bytes: dict[str, int] = {}  # URL path -> bytes, every script loaded
        self.context.route("**/*", self._route)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self._error(str(error)))
        self.page.on("requestfailed", lambda r: self._failed(f"{r.url} ({r.failure})"))
        self.page.on("response", self._response)

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(self.base_url):
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def _console(self, message) -> None:
        if message.type == "error":
            self._error(message.text)

    def _error(self, text: str) -> None:
        if text not in KNOWN_THEME_ERRORS:
            self.errors.append(text)

    def _failed(self, text: str) -> None:
        # ERR_ABORTED: the test went on to another page while this one was still loading; not a
        # fault of the book.
        if text.endswith("(net::ERR_ABORTED)"):
            return
        if not any(text.startswith(url) for url in self.external):
            self.failed.append(text)

    def _response(self, response) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.url} (HTTP {response.status})")
        elif response.request.resource_type == "script":
            path = response.url[len(self.base_url) - 1 :].split("?")[0]
            self.script_bytes[path] = len(response.body())

    def goto(self, path: str) -> None:
        """Open the page and draw its widgets now (widgets.js draws each one as the page is
        read; this makes sure none is left for later)."""
        self.page.goto(self.base_url + path)
        try:
            self.page.evaluate("() => window.bookWidgets && window.bookWidgets.load()")
        except Exception as error:  # index.html redirects: the page has navigated away
            if "context was destroyed" not in str(error):
                raise

    def screenshot(self, name: str, locator=None) -> Path:
        path = ARTIFACTS / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        (locator or self.page).screenshot(path=str(path))
        return path

    def assert_clean(self) -> None:
        assert not self.external, f"requests to other hosts (blocked): {self.external}"
        assert not self.failed, f"failed local requests: {self.failed}"
        assert not self.errors, f"errors on the page: {self.errors}"


@pytest.fixture
def watched(browser, base_url):
    page = WatchedPage(browser, base_url)
    yield page
    page.context.close()
    page.assert_clean()


THUMB = 16  # px: the width of a range input's thumb in Chromium
_CHOSEN = """(control) => {
  const select = control.querySelector('select');
  if (select) return select.options[select.selectedIndex].textContent;
  return control.querySelector('button[aria-pressed="true"]').textContent;
}"""


class ExplorerOnPage:
    """One explorer on a page: its box (controls + view) and its view, found by its name.

    What the explorer tests share (``from conftest import ExplorerOnPage``): the controls by
    their class ``snn-control-<name>``, the keyboard and the mouse on a slider, the readouts.
    ``shots``: the folder under test-artifacts/ that ``shot`` writes to.
    """

    shots = "explorers"

    def __init__(self, watched: WatchedPage, name: str) -> None:
        self.watched = watched
        self.page = watched.page
        self.name = name
        self.view = self.page.locator(f'.snn-explorer[data-explorer="{name}"]')
        self.view.wait_for(state="visible")
        assert self.view.count() == 1, f"expected one {name} explorer, found {self.view.count()}"
        self.box = self.page.locator(f".snn-explorer-box-{name}")

    def control(self, name: str):
        return self.box.locator(f".snn-control-{name}")

    def handle(self, control: str):
        """A slider (a range input)."""
        return self.control(control).locator('input[type="range"]')

    def press(self, control: str, key: str, times: int = 1) -> None:
        handle = self.handle(control)
        handle.focus()
        for _ in range(times):
            handle.press(key)

    @staticmethod
    def centre(locator):
        """Scroll the element to the middle of the window (clear of the theme's sticky header)."""
        locator.evaluate("element => element.scrollIntoView({block: 'center'})")
        return locator.bounding_box()

    def drag_handle(self, control: str, dx: float) -> None:
        slider = self.handle(control)
        box = self.centre(slider)
        # The thumb's centre: at the value's fraction of the track, which is the input's width
        # less one thumb (Chromium's is 16 px wide).
        fraction = slider.evaluate("s => (s.value - s.min) / (s.max - s.min)")
        x = box["x"] + THUMB / 2 + fraction * (box["width"] - THUMB)
        y = box["y"] + box["height"] / 2
        self.page.mouse.move(x, y)
        self.page.mouse.down()
        self.page.mouse.move(x + dx, y + 3, steps=8)
        self.page.mouse.up()

    def chosen(self, control: str) -> str:
        """The text of a dropdown's chosen option, or of the chosen toggle button."""
        text = self.control(control).evaluate(_CHOSEN)
        return text

    def choose(self, control: str, text: str) -> None:
        """Choose ``text`` with the mouse: a dropdown's option, or a toggle button."""
        select = self.control(control).locator("select")
        if select.count():
            select.select_option(label=text)
        else:
            self.control(control).locator("button", has_text=text).first.click()

    def key_choose(self, control: str, text: str) -> None:
        """Choose the toggle button ``text`` with the keyboard (focus, Space)."""
        button = self.control(control).locator("button", has_text=text).first
        button.focus()
        button.press("Space")

    def readouts(self) -> dict[str, str]:
        cells = self.view.locator("[data-readout]")
        return {
            cells.nth(i).get_attribute("data-readout"): cells.nth(i).inner_text().strip()
            for i in range(cells.count())
        }

    def shot(self, step: str) -> None:
        self.watched.screenshot(f"{self.shots}/{self.name}-{step}", self.box)
