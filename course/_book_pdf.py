"""The book's PDF, as Sphinx sees it: explorer figures with captions, and a link on every page.

A Sphinx extension (``_config.yml``: ``sphinx.extra_extensions``) with two jobs.

- **LaTeX** (``make pdf``): each explorer's output carries, next to its widget view, a static
  figure (``application/pdf``, drawn by ``course.explorers.paper``). In the LaTeX build this
  extension puts that figure in a numbered float whose caption says what it shows, what to try
  on the live page, and that page's address: the published site, which ``_config.yml``'s
  repository URL gives (``https://github.com/OWNER/REPO`` is published at
  ``https://OWNER.github.io/REPO/``, README "A published site"), followed by the page's path.
- **HTML** (``make book``): if the PDF has been built (``book_pdf`` in ``_config.yml``, a path
  relative to the book's root), every page's download menu gets an entry for it, next to the
  notebook and the page's source, and the PDF is copied to the site's root. Without the PDF the
  menu is as before, so that no page links to a file that is not there.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

logger = logging.getLogger(__name__)

EXPLORER_REPR = re.compile(r"^(\w+)Explorer\(")  # Explorer.__repr__: "ActivationExplorer(…)"


def site_url(repository_url: str) -> str:
    """The address GitHub Pages publishes a repository's book at, with a trailing slash.

    ``https://github.com/OWNER/REPO`` -> ``https://OWNER.github.io/REPO/``.
    """
    match = re.fullmatch(r"https://github\.com/([\w.-]+)/([\w.-]+?)/?", repository_url)
    if not match:
        raise ValueError(f"expected https://github.com/OWNER/REPO, got {repository_url!r}")
    owner, repo = match.groups()
    return f"https://{owner.lower()}.github.io/{repo}/"


def explorer_name(class_prefix: str) -> str:
    """``"ForwardPass"`` (from ``ForwardPassExplorer(…)``) -> ``"forward-pass"``."""
    return re.sub(r"(?<!^)([A-Z])", r"-\1", class_prefix).lower()


def _mime(bundle: nodes.Element, mime_type: str) -> nodes.Element | None:
    for child in bundle.children:
        if child.get("mime_type") == mime_type:
            return child
    return None


class ExplorerFigures(SphinxPostTransform):
    """In the LaTeX build: an explorer's output becomes its figure, captioned.

    Runs before myst-nb's ``SelectMimeType`` (priority 4), which would otherwise pick the same
    ``application/pdf`` image, bare and uncaptioned.
    """

    default_priority = 3
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        from course.explorers.paper import PAPER

        site = site_url(self.config.html_theme_options.get("repository_url", ""))
        for bundle in list(self.document.findall(nodes.container)):
            if bundle.get("nb_element") != "mime_bundle":
                continue
            text, image = _mime(bundle, "text/plain"), _mime(bundle, "application/pdf")
            match = EXPLORER_REPR.match(text.astext()) if text is not None else None
            if match is None:
                continue
            name = explorer_name(match.group(1))
            # The LaTeX build joins every page into one doctree: the page is the bundle's source.
            docname = (
                self.env.path2doc(bundle.source) if bundle.source else None
            ) or self.env.docname
            if image is None or name not in PAPER:
                logger.warning(
                    f"explorer {name!r} has no figure for the PDF: re-execute {docname}",
                    location=bundle,
                )
                continue
            url = site + docname + ".html"
            caption = nodes.caption(
                "",
                "",
                nodes.Text(PAPER[name].caption("")),
                nodes.reference(url, url, refuri=url),
            )
            figure = nodes.figure("", *image.children, caption, classes=["snn-explorer-figure"])
            bundle.replace_self(figure)


def pdf_path(app: Sphinx) -> Path | None:
    """The built PDF, if ``book_pdf`` names one and it exists."""
    if not app.config.book_pdf:
        return None
    path = Path(app.srcdir) / app.config.book_pdf
    return path if path.is_file() else None


def add_download_entry(app: Sphinx, pagename: str, templatename: str, context: dict, doctree):
    """The theme's download menu (sphinx-book-theme's header buttons): one more entry."""
    path = pdf_path(app)
    if path is None:
        return
    for group in context.get("header_buttons", []):
        if group.get("label") == "download-buttons":
            group["buttons"].append(
                {
                    "type": "link",
                    "url": context["pathto"](path.name, 1),
                    "text": "book .pdf",
                    "tooltip": "Download the whole book as a PDF",
                    "icon": "fas fa-book",
                    "label": "download-book-pdf-button",
                }
            )


def copy_pdf(app: Sphinx, exception: Exception | None) -> None:
    path = pdf_path(app)
    if exception is None and path is not None and app.builder.format == "html":
        shutil.copyfile(path, Path(app.outdir) / path.name)
        logger.info(f"book_pdf: {path.name} copied into the site")


def setup(app: Sphinx) -> dict:
    app.add_config_value("book_pdf", "", "html", types=[str])
    app.add_post_transform(ExplorerFigures)
    # After sphinx-book-theme fills the header buttons (priority 501).
    app.connect("html-page-context", add_download_entry, priority=502)
    app.connect("build-finished", copy_pdf)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
