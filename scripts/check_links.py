"""Fail when a page of the built book links to a file or an anchor that the book does not have.

    python scripts/check_links.py _build/html          (run by `make book` after the build)

Sphinx with -W already fails on a broken {doc}, {ref} or Markdown link written in a Markdown
file or a notebook's Markdown cell (myst.xref_missing). It does not see links that reach the page
another way: raw HTML (``<a href=…>``) in Markdown, and Markdown or HTML that a code cell
displays (``show_source``, tables built in code). This script reads the built HTML itself: every
``href`` and ``src`` that points inside the book must name a file that exists, and every
``#fragment`` an ``id`` on the target page. Links to other sites are not followed (the book is
checked offline).

It also fails on a Python cross-reference that Sphinx could not resolve, such as
``{py:class}`scratchnn.Lineer``` : Sphinx renders it as plain code without a warning (unless
``nitpicky``, which would also flag every torch type in every signature).
"""

from __future__ import annotations

import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

# Attributes that point at another resource.
LINK_ATTRIBUTES = {"href", "src"}
# Folders of the theme's own assets and of Sphinx's generated sources: not authored links.
SKIP_PAGES = ("_static/", "_sources/", "_images/", "jupyter_execute/")


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []  # (tag, url)
        self.unresolved: list[str] = []  # {py:…} references Sphinx could not resolve
        self._in_link = 0
        self._xref: list[str] | None = None  # text of an unresolved reference being read

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("id", "name") and value:
                self.ids.add(value)
            elif name in LINK_ATTRIBUTES and value:
                self.links.append((tag, value))
        if tag == "a":
            self._in_link += 1
        classes = (dict(attrs).get("class") or "").split()
        if tag == "code" and "xref" in classes and "py" in classes and not self._in_link:
            self._xref = []  # Sphinx wraps a resolved reference in <a>; this one has none

    def handle_data(self, data):
        if self._xref is not None:
            self._xref.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._in_link:
            self._in_link -= 1
        elif tag == "code" and self._xref is not None:
            self.unresolved.append("".join(self._xref).strip())
            self._xref = None


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8", errors="replace"))
    return page


def broken_links(html_dir: Path) -> list[str]:
    """``"page.html: <a href='target#frag'>: why"`` for every internal link that leads nowhere."""
    html_dir = html_dir.resolve()
    parsed: dict[Path, _Page] = {}

    def page_of(path: Path) -> _Page:
        if path not in parsed:
            parsed[path] = _parse(path)
        return parsed[path]

    found = []
    for source in sorted(html_dir.rglob("*.html")):
        name = source.relative_to(html_dir).as_posix()
        if name.startswith(SKIP_PAGES):
            continue
        for target_name in page_of(source).unresolved:
            found.append(
                f"{name}: Python reference {target_name!r} resolves to nothing: no such object "
                "in the API reference (reference.md); check the spelling, e.g. "
                "{py:class}`scratchnn.Linear`"
            )
        for tag, url in page_of(source).links:
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or url.startswith("//"):
                continue  # another site, mailto:, javascript:, data:
            if parts.path:
                target = (source.parent / unquote(parts.path)).resolve()
                if target.is_dir():
                    target = target / "index.html"
            else:
                target = source  # "#fragment": this page
            where = f"{name}: <{tag} {url!r}>"
            if html_dir not in target.parents and target != html_dir:
                found.append(f"{where}: points outside the book")
            elif not target.is_file():
                found.append(f"{where}: no such file {target.relative_to(html_dir).as_posix()}")
            elif (
                parts.fragment
                and target.suffix == ".html"
                and unquote(parts.fragment) not in page_of(target).ids
            ):
                found.append(f"{where}: no id {parts.fragment!r} on that page")
    return found


def main(argv: list[str]) -> int:
    html_dir = Path(argv[0] if argv else "_build/html")
    if not (html_dir / "index.html").is_file():
        print(f"check_links: {html_dir} holds no built book (index.html)", file=sys.stderr)
        return 2
    found = broken_links(html_dir)
    for message in found:
        print(message, file=sys.stderr)
    if found:
        print(f"check_links: {len(found)} broken internal link(s)", file=sys.stderr)
        return 1
    pages = sum(1 for _ in html_dir.rglob("*.html"))
    print(f"check_links: {pages} pages, every internal link and anchor resolves")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
