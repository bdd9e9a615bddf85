"""The book's PDF (``make pdf``): whole, readable, every glyph and reference resolved.

Reads ``_build/pdf/`` (the PDF, and the LaTeX source and log that ``make pdf`` copies there)
with poppler's ``pdftotext`` and ``pdfinfo``. Marked ``pdf``: ``make pdf`` runs these after
building, the unit stage leaves them out.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from dataclasses import dataclass
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
TEX = PDF.with_suffix(".tex")
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


@dataclass(frozen=True)
class Overfull:
    """An ``Overfull \\hbox`` of the LaTeX log: a line wider than the space it was set in."""

    points: float  # how much wider
    page: int  # the number of the page being filled (the line is on it or, rarely, the next)
    sheet: int  # the same page, counted from the PDF's first (roman front matter included)
    lines: tuple[int, int]  # its source: lines of the .tex (or of the .toc or .ind it reads)
    text: str  # the box's text without font changes; "" for a formula, which shows none


# "Overfull \hbox (39.55583pt too wide) detected at line 11681" (a display formula), "... in
# paragraph at lines 460--460" (a paragraph or a table cell), "... in alignment at lines ...".
OVERFULL = re.compile(r"Overfull \\hbox \((\d+(?:\.\d+)?)pt too wide\).*?lines? (\d+)(?:--(\d+))?")
# TeX writes "[N" when page N goes out (an image or font map may follow before the "]").
SHIPOUT = re.compile(r"(?:^|(?<=\s))\[(\d+)(?=[\s\]<{]|$)")


def overfull_boxes(log: str) -> tuple[list[Overfull], int]:
    """Every overfull line of a TeX log, with the page it was set on; and how many pages went out.

    After each report of an over- or underfull box, TeX shows the box's contents (which may hold
    "[12" as text) up to a blank line: that is read as the box's text, never as a page. TeX wraps
    its log at 79 characters, so a line that long continues on the next.
    """
    found: list[Overfull] = []
    page = sheet = 0
    lines = log.splitlines()
    between = ""  # the log since the last report, where pages went out
    i = 0
    while i <= len(lines):
        line = lines[i] if i < len(lines) else ""
        i += 1
        report = re.match(r"(?:Over|Under)full \\[hv]box", line)
        if i <= len(lines) and not report:
            between += line if len(line) == 79 else line + "\n"
            continue
        for shipped in SHIPOUT.finditer(between):
            page, sheet = int(shipped.group(1)), sheet + 1
        between = ""
        box = ""
        while i < len(lines) and lines[i]:
            box += lines[i]
            i += 1
        if match := OVERFULL.match(line):
            first = int(match.group(2))
            text = re.sub(r"\\TU/\S+ |\[\]|\|", "", box)  # fonts, nested boxes, struts
            text = re.sub(r"\$[^$]*\$", " (formula) ", text)
            found.append(
                Overfull(
                    float(match.group(1)),
                    page + 1,
                    sheet + 1,
                    (first, int(match.group(3) or first)),
                    " ".join(text.split()),
                )
            )
    return found, sheet


def source(box: Overfull, tex: list[str]) -> str:
    """The LaTeX a line came from: a display formula whole, else its lines (at most three)."""
    first, last = box.lines
    if 0 < last <= len(tex) and tex[last - 1].startswith("\\end{equation"):
        start = max(i for i in range(last) if tex[i].startswith("\\begin{equation"))
        body = [
            t for t in tex[start + 1 : last - 1] if not re.fullmatch(r"\\(begin|end)\{split\}", t)
        ]
        return "formula " + " ".join(body)
    return " ".join(tex[first - 1 : min(last, first + 2)]) if last <= len(tex) else ""


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


# How far a line (text, a display formula, code, a table's cell) may run past its margin before a
# reader sees it: below this, the overhang is a fraction of a character.
OVERFULL_PT = 5.0
# Table cells still wider than their column, by the start of their text. Both tables are printed
# by a code cell, so their width changes only with the notebook's code and its re-execution.
OVERFLOWING_CELLS = {
    "[−0.2785,": "chapters/02_activations.ipynb, the properties table: Swish's range (10 pt)",
    "0.03833595505": "reproducibility.ipynb, the numeric paths: the 20-digit float64 loss (29 pt)",
}


def test_overfull_boxes_reads_pages_and_skips_box_contents():
    log = "\n".join(
        [
            "[8] [9",  # pages 8 and 9 go out
            "",
            "]" + "x" * 75 + " [1",  # page 10, its number cut where TeX wrapped at 79 characters
            "0]",
            "Overfull \\hbox (24.75111pt too wide) in paragraph at lines 460--461",
            "[]\\TU/DejaVuSerif(0)/m/n/10 [12 $[][] [] []$|",  # the box's text: no page
            "",
            "Overfull \\hbox (3.3pt too wide) detected at line 81",
            " []  []",
            "",
            "[11",
            "] [1] [2]",  # the numbers start again after the front matter
        ]
    )
    assert overfull_boxes(log) == (
        [
            Overfull(24.75111, 11, 4, (460, 461), "[12 (formula)"),
            Overfull(3.3, 11, 4, (81, 81), ""),
        ],
        6,
    )


def test_no_line_runs_past_its_margin():
    """No display formula, line of text or code, or table cell overflows by over OVERFULL_PT.

    Reads the LaTeX log: TeX reports each such line as an "Overfull \\hbox". A formula too wide
    for the page is broken over lines (``aligned`` at its "=" or between its parts).
    """
    boxes, sheets = overfull_boxes(log())
    pages = int(re.search(r"^Pages:\s+(\d+)", run("pdfinfo", str(PDF)), re.M).group(1))
    assert sheets == pages, f"the log shows {sheets} pages going out, the PDF has {pages}"
    if not TEX.is_file():
        pytest.fail(f"{TEX.relative_to(REPO)} not found: run make pdf")
    tex = TEX.read_text().splitlines()
    known = tuple(OVERFLOWING_CELLS)
    too_wide = [b for b in boxes if b.points > OVERFULL_PT and not b.text.startswith(known)]
    assert not too_wide, f"lines wider than their space by over {OVERFULL_PT} pt:\n" + "\n".join(
        f"  page {b.page} (PDF page {b.sheet}), {TEX.name} line {b.lines[0]}: "
        f"{b.points:.1f} pt too wide: {b.text or source(b, tex)}"[:400]
        for b in too_wide
    )
