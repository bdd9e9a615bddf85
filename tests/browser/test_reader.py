"""What a reader gets from the built book: launch and download buttons on every notebook page, an
API reference with an entry for every public object, the reproducibility page, explorers that
read on the dark theme, the Colab setup cells hidden, and a bounded page weight.

Page weights (HTML plus every script, style, font and image the page loads, uncompressed) are
written to test-artifacts/page_weight.txt; the dark-theme screenshots of the explorers to
test-artifacts/dark_*.png.
"""

from __future__ import annotations

import importlib.util
import json
import os
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
import yaml

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CONFIG = yaml.safe_load((REPO / "_config.yml").read_text())
EXPLORERS = {
    "chapters/02_activations.html": "activation",
    "chapters/03_mlp_mse.html": "forward-pass",
    "chapters/04_losses.html": "loss",
}
# The heaviest page may load at most this much, uncompressed (the budget that matters, gzipped,
# is tests/browser/test_weight.py's). Measured when it was set: 2.9 MB for chapter 4 (two
# explorers, math typeset at build time, figures): its HTML 2.2 MB, of which the explorers'
# state is 1.2 MB. It was 8.6 MB with the widget manager, Font Awesome's script and MathJax.
PAGE_WEIGHT_BUDGET = 4_000_000


def _record(sizes: dict[str, int], request) -> None:
    """A finished request's body size; one still being read when its page closes is skipped."""
    try:
        sizes[request.url] = request.sizes()["responseBodySize"]
    except Exception as error:
        if "closed" not in str(error):
            raise


def notebook_pages(book_html: Path) -> list[str]:
    """Built pages whose source is a notebook (the ones with launch buttons)."""
    sources = book_html / "_sources"
    return sorted(
        p.relative_to(sources).with_suffix(".html").as_posix() for p in sources.rglob("*.ipynb")
    )


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.onclicks: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        if attrs.get("onclick"):
            self.onclicks.append(attrs["onclick"])


def links(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_notebook_page_has_launch_and_download_buttons(book_html):
    repo = CONFIG["repository"]
    org_repo = repo["url"].removeprefix("https://github.com/")
    pages = notebook_pages(book_html)
    assert "chapters/01_linear_layer.html" in pages and "reproducibility.html" in pages
    for page in pages:
        notebook = page.removesuffix(".html") + ".ipynb"
        found = links(book_html / page)
        binder = (
            f"https://mybinder.org/v2/gh/{org_repo}/{repo['branch']}?urlpath=lab/tree/{notebook}"
        )
        colab = (
            f"https://colab.research.google.com/github/{org_repo}/blob/{repo['branch']}/{notebook}"
        )
        assert binder in found.hrefs, f"{page}: no Binder button ({binder})"
        assert colab in found.hrefs, f"{page}: no Colab button ({colab})"
        depth = page.count("/")
        download = "../" * depth + f"_sources/{notebook}"
        assert download in found.hrefs, f"{page}: no .ipynb download"
        nb = nbformat.read(book_html / "_sources" / notebook, as_version=4)  # a real notebook
        code = [cell for cell in nb.cells if cell.cell_type == "code"]
        assert not code or any(cell.get("outputs") for cell in code), f"{page}: no outputs"
        assert not any("Thebe" in js for js in found.onclicks), f"{page}: a thebe button"


def test_launch_menu_opens_in_the_browser(watched):
    watched.goto("chapters/01_linear_layer.html")
    watched.page.locator(".dropdown-launch-buttons button").first.click()
    menu = watched.page.locator(".dropdown-launch-buttons .dropdown-menu")
    menu.wait_for(state="visible")
    assert menu.locator("a", has_text="Binder").is_visible()
    assert menu.locator("a", has_text="Colab").is_visible()
    watched.assert_clean()


def test_colab_setup_cells_are_hidden(book_html):
    shown = [
        p.relative_to(book_html).as_posix()
        for p in book_html.rglob("*.html")
        if "google.colab" in p.read_text(encoding="utf-8")
    ]
    assert not shown, f"pages that show the Colab setup cell: {shown}"


def _load_test_module(name: str):
    spec = importlib.util.spec_from_file_location(name, REPO / "tests" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_api_reference_has_an_entry_for_every_public_object(book_html):
    from sphinx.util.inventory import InventoryFile

    with open(book_html / "objects.inv", "rb") as stream:
        inventory = InventoryFile.load(stream, "", posixpath.join)
    documented = {
        name: entry[2]
        for kind, entries in inventory.items()
        if kind.startswith("py:")
        for name, entry in entries.items()
    }
    api = _load_test_module("test_book_config").public_api()
    missing = []
    for name, obj in api.items():
        # Documented under the name it is imported by: the top level, its package, or its module.
        candidates = [
            f"scratchnn.{name.rsplit('.', 1)[1]}",
            name,
            f"{obj.__module__}.{obj.__name__}",
        ]
        if not any(c in documented for c in candidates):
            missing.append(name)
    assert not missing, f"no entry on the reference page for {missing}"
    location = documented["scratchnn.Linear"]
    page, _, anchor = location.partition("#")
    assert page == "reference.html" and f'id="{anchor}"' in (book_html / page).read_text()


def test_reference_page_renders_signatures_and_shapes(watched):
    watched.goto("reference.html")
    linear = watched.page.locator('dt[id="scratchnn.Linear"]')
    linear.wait_for()
    assert "in_features" in linear.inner_text()
    entry = watched.page.locator('dl:has(> dt[id="scratchnn.Linear"]) > dd').first
    assert "2·B·M·N" in entry.inner_text()  # the cost, from the docstring
    watched.assert_clean()


def test_reproducibility_page(watched):
    watched.goto("reproducibility.html")
    page = watched.page
    page.get_by_role("heading", name="Why might my numbers differ?").wait_for()
    text = page.locator("main").inner_text()
    for fact in ("torch BLAS", "torch CPU capability", "OMP_NUM_THREADS"):
        assert fact in text, fact
    figure = page.locator("figure img").first
    assert len(figure.get_attribute("alt") or "") > 40
    assert page.locator("figure figcaption").count() >= 1
    watched.assert_clean()


def _contrast(rgb_a: str, rgb_b: str) -> float:
    """WCAG contrast ratio of two CSS rgb()/rgba() colours."""

    def luminance(css: str) -> float:
        channels = [int(v) / 255 for v in re.findall(r"\d+", css)[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(rgb_a), luminance(rgb_b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


_COLOURS = """(name) => {
  const background = (element) => {
    for (let e = element; e; e = e.parentElement) {
      const c = getComputedStyle(e).backgroundColor;
      if (c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c;
    }
    return 'rgb(255, 255, 255)';
  };
  const view = document.querySelector(`.snn-explorer[data-explorer="${name}"]`);
  const box = document.querySelector(`.snn-explorer-box-${name}`);
  const texts = [...box.querySelectorAll('.snn-label, .snn-readout, td, th, p')]
    .filter((e) => e.textContent.trim());
  return {
    card: [getComputedStyle(view).color, background(view)],
    texts: texts.map((e) => [e.textContent.trim().slice(0, 20), getComputedStyle(e).color,
                             background(e)]),
  };
}"""


@pytest.mark.parametrize("page", sorted(EXPLORERS))
def test_explorers_are_readable_on_the_dark_theme(watched, page):
    name = EXPLORERS[page]
    watched.goto(page)
    watched.page.locator(f'.snn-explorer[data-explorer="{name}"]').wait_for(state="visible")
    watched.page.evaluate("document.documentElement.dataset.theme = 'dark'")
    body = watched.page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert _contrast(body, "rgb(255, 255, 255)") > 10, f"the theme did not switch: {body}"
    colours = watched.page.evaluate(_COLOURS, name)
    assert _contrast(*colours["card"]) >= 7, colours["card"]  # the drawing's white card
    low = [t for t in colours["texts"] if _contrast(t[1], t[2]) < 4.5]  # WCAG AA
    assert colours["texts"] and not low, f"text hard to read on the dark theme: {low}"
    box = watched.page.locator(f".snn-explorer-box-{name}")
    box.evaluate("element => element.scrollIntoView({block: 'center'})")
    watched.screenshot(f"dark_{name}", box)
    watched.assert_clean()


def test_page_weight(browser, base_url, book_html):
    """Every page's weight, loaded in Chromium: the HTML and all it fetches, until the network
    is idle. Written to test-artifacts/page_weight.txt, heaviest first."""
    from conftest import WatchedPage

    pages = sorted(
        p.relative_to(book_html).as_posix()
        for p in book_html.rglob("*.html")
        if not p.relative_to(book_html).as_posix().startswith(("_static/", "_sources/"))
    )
    weights = {}
    for name in pages:
        watched = WatchedPage(browser, base_url)
        sizes: dict[str, int] = {}
        watched.page.on("requestfinished", lambda request, sizes=sizes: _record(sizes, request))
        watched.goto(name)
        watched.page.wait_for_load_state("networkidle")
        weights[name] = (sum(sizes.values()), len(sizes))
        watched.context.close()
        watched.assert_clean()
    table = sorted(weights.items(), key=lambda item: -item[1][0])
    lines = [f"{size / 1e6:8.2f} MB  {count:4d} requests  {name}" for name, (size, count) in table]
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "page_weight.txt").write_text("\n".join(lines) + "\n")
    (ARTIFACTS / "page_weight.json").write_text(json.dumps(weights, indent=1))
    print("\n".join(lines))
    heaviest, (size, _) = table[0]
    assert size <= PAGE_WEIGHT_BUDGET, f"{heaviest} loads {size / 1e6:.1f} MB"


def test_every_page_links_the_books_pdf_when_it_is_built(book_html):
    """``make pdf`` then ``make book`` (the order of ``make test``): the PDF is in the site and
    every page's download menu links it (course/_book_pdf.py)."""
    pdf = REPO / CONFIG["sphinx"]["config"]["book_pdf"]
    if not pdf.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{pdf.relative_to(REPO)} not built: make test runs make pdf first")
        pytest.skip("no PDF: make pdf, then make book, to link it")
    assert (book_html / pdf.name).read_bytes() == pdf.read_bytes()
    sources = book_html / "_sources"
    pages = [p.relative_to(sources) for p in sources.rglob("*") if p.suffix in (".ipynb", ".md")]
    assert len(pages) >= 10
    for source in pages:
        page = source.with_suffix(".html").as_posix()
        link = "../" * page.count("/") + pdf.name
        assert link in links(book_html / page).hrefs, f"{page}: no link to {pdf.name}"
