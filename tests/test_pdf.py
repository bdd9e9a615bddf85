"""The book's PDF (``make pdf``): whole, readable, every glyph and reference resolved.

Reads ``_build/pdf/`` (the PDF and the LaTeX log that ``make pdf`` copies there) with poppler's
``pdftotext`` and ``pdfinfo``. Marked ``pdf``: ``make pdf`` runs these after building, the unit
stage leaves them out.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest
import yaml

from course._book_pdf import site_url
from course.explorers.paper import PAPER

pytestmark = pytest.mark.pdf

REPO = Path(__file__).resolve().parent.parent
CONFIG = yaml.safe_load((REPO / "_config.yml").read_text())
PDF = REPO / CONFIG["sphinx"]["config"]["book_pdf"]
LOG = PDF.with_suffix(".log")
# The book has about 260 pages; far fewer means pages went missing, far more that something
# (a table, an output) overflowed into pages of its own.
PAGES = (150, 400)


def run(*command: str) -> str:
    if shutil.which(command[0]) is None:
        pytest.fail(f"{command[0]} not found: apt-get install poppler-utils")
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


@cache
def text() -> str:
    """The PDF's text, lines joined (pdftotext breaks a caption's address across lines)."""
    if not PDF.is_file():
        pytest.fail(f"{PDF.relative_to(REPO)} not found: run make pdf")
    return run("pdftotext", "-enc", "UTF-8", str(PDF), "-")


def flat() -> str:
    return re.sub(r"\s+", " ", text())


@cache
def log() -> str:
    return LOG.read_text(errors="replace")


def titles() -> dict[str, str]:
    """Each page of the TOC -> its title (the first heading of its source)."""
    toc = yaml.safe_load((REPO / "_toc.yml").read_text())
    pages = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    found = {}
    for page in pages:
        path = next(p for p in (REPO / f"{page}.md", REPO / f"{page}.ipynb") if p.exists())
        source = path.read_text()
        if path.suffix == ".ipynb":
            import nbformat

            nb = nbformat.reads(source, as_version=4)
            source = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        found[page] = re.search(r"^# (.+)$", source, re.M).group(1).strip()
    return found


def test_page_count():
    pages = int(re.search(r"^Pages:\s+(\d+)", run("pdfinfo", str(PDF)), re.M).group(1))
    assert PAGES[0] <= pages <= PAGES[1], pages


def test_every_page_of_the_toc_is_in_the_pdf():
    body = flat()
    for page, title in titles().items():
        plain = re.sub(r"[`*_]", "", title)  # Markdown emphasis is not in the text
        assert plain in body, f"{page}: title {plain!r} not in the PDF"


def test_contents_and_bookmarks():
    body = flat()
    assert "contents" in body[:5000].lower()
    # The outline (bookmarks) hyperref writes: every chapter of the TOC is an entry.
    xml = run("pdftohtml", "-xml", "-stdout", "-q", "-i", "-l", "1", str(PDF))
    entries = {html.unescape(e).strip() for e in re.findall(r"<item [^>]*>([^<]+)", xml)}
    for page, title in titles().items():
        if page != "intro":  # the root page is the book's front matter, before part I
            assert re.sub(r"[`*_]", "", title) in entries, (page, title)


def test_no_missing_glyph():
    missing = sorted(set(re.findall(r"Missing character: There is no (.+?) in font", log())))
    assert not missing, f"glyphs no font had: {missing} (add a fallback in _config.yml)"


def test_no_undefined_reference_and_no_glue_placeholder():
    undefined = re.findall(r"(?:Reference|Hyper reference|Citation) `([^']+)' .*undefined", log())
    assert not undefined, f"undefined in the last LaTeX run: {sorted(set(undefined))}"
    assert "There were undefined references" not in log()
    assert "??" not in text()
    # myst-nb renders a glue key it cannot find as the key itself, with a warning (an error in
    # the -W build); a Python repr in the prose means a glued value was not formatted.
    assert not re.search(r"<(?:Figure|IPython|matplotlib)[^>]*>", text())


def test_every_explorer_is_a_captioned_figure_with_its_live_address():
    body = flat()
    joined = body.replace(" ", "")  # pdftotext breaks the address across lines
    site = site_url(CONFIG["repository"]["url"])
    for name, paper in PAPER.items():
        call = name.replace("-", "_") + "_explorer()"
        (page,) = [p for p in sorted((REPO / "chapters").glob("*.ipynb")) if call in p.read_text()]
        start = paper.caption("")[:60]
        assert start in body, f"the {name} explorer's figure is not in the PDF"
        url = f"{site}chapters/{page.stem}.html"
        caption = joined[joined.index(start.replace(" ", "")) :][:2000]
        assert url in caption, f"the {name} explorer's caption does not end with {url}"


def test_code_and_outputs_keep_their_symbols():
    """Each of these symbols that the notebooks' code or outputs use is in the PDF's text."""
    import nbformat

    used = ""
    for path in [*sorted((REPO / "chapters").glob("*.ipynb")), REPO / "reproducibility.ipynb"]:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                used += cell.source + str(cell.get("outputs", ""))
    symbols = [s for s in "→≈×√θησεℓ∑" if s in used]
    assert len(symbols) >= 8, symbols
    for symbol in symbols:
        assert symbol in text(), symbol
