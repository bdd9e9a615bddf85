"""Lighter HTML pages for the book: a Sphinx extension (``_config.yml``: ``local_extensions``).

A first visit used to load 1.3–3.4 MB (gzipped) per page; `python scripts/weigh.py` measures it.
What this extension changes, for the HTML builder only (the LaTeX/PDF build is untouched):

- **Icons.** The theme loads Font Awesome's JavaScript (1.5 MB, which swaps each icon for an SVG)
  and preloads its three fonts (0.3 MB). templates/layout.html drops both; at the end of the build
  ``write_icons`` writes ``_static/book-icons.css`` with only the icons the pages and the theme's
  stylesheets use, and the two Font Awesome fonts cut down to those glyphs (a few KB, as WOFF).
- **Math.** Every formula is typeset here, at build time, by MathJax under Node
  (render_math.js; MathJax from node_modules, as before): SVG drawn in the text colour, followed
  by its MathML for screen readers, the structure MathJax builds in the browser. Pages load no
  MathJax (0.4 MB with its fonts); glyph outlines are shared by all the formulas of a page.
- **Widgets.** No widget manager: the explorers are anywidget modules that need no kernel, and
  _static/offline/widgets.js (a few KB) draws each one as soon as the page has been read that far.
- **Figures.** Each PNG a notebook output (matplotlib) is also written as lossless WebP, the same
  pixels in about 40 % of the bytes, and the pages show the WebP (``write_webp``).
- **The head.** sphinx-thebe's settings (included twice, which the browser reports as an error)
  and its script and stylesheet go: Thebe is off (``launch_buttons.thebe: false``).
"""

from __future__ import annotations

import html
import json
import re
import subprocess
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NODE_MODULES = ROOT / "node_modules"

# What Sphinx's MathJax visitors write; the TeX inside is HTML-escaped.
INLINE = re.compile(r'<span class="math notranslate nohighlight">\\\((.*?)\\\)</span>', re.S)
# (Not yet typeset: TeX, not a tag, follows the opening tag.)
DISPLAY = re.compile(r'(<div class="math notranslate nohighlight"[^>]*>)\s*(?!<)(.*?)</div>', re.S)
# Glyph outlines of one formula (MathJax's "local" font cache) and their uses.
GLYPH = re.compile(r'<path id="MJX-\d+-(TEX-[A-Z]+-[0-9A-F]+)" d="([^"]*)"></path>')
GLYPH_USE = re.compile(r'xlink:href="#MJX-\d+-(TEX-[A-Z]+-[0-9A-F]+)"')
DROPPED_SCRIPTS = ("sphinx-thebe.js", "no-mathjax.js")


def _render(items: list[dict]) -> list[dict]:
    """TeX -> SVG and MathML, through MathJax under Node (one process per call)."""
    if not items:
        return []
    if not (NODE_MODULES / "mathjax").is_dir():
        raise ExtensionError("book_pages: node_modules/mathjax is missing: run `make assets`")
    result = subprocess.run(
        ["node", str(HERE / "render_math.js"), str(NODE_MODULES)],
        input=json.dumps(items),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise ExtensionError(f"book_pages: MathJax under Node failed:\n{result.stderr}")
    return json.loads(result.stdout)


def _formula(rendered: dict, display: bool) -> str:
    """MathJax's container: the SVG hidden from screen readers, the MathML given to them."""
    svg = rendered["svg"].replace(
        ' role="img" focusable="false"', ' aria-hidden="true" focusable="false"', 1
    )
    # A displayed formula wider than the page scrolls: it takes the keyboard focus to be
    # scrolled (as every formula did with MathJax in the browser).
    focus = 'tabindex="0" ' if display else ""
    svg = svg.replace("<mjx-container ", f"<mjx-container {focus}", 1)
    mode = "block" if display else "inline"
    mml = (
        f'<mjx-assistive-mml unselectable="on" display="{mode}">'
        f"{rendered['mml']}</mjx-assistive-mml>"
    )
    return svg[: -len("</mjx-container>")] + mml + "</mjx-container>"


def _display_tex(body: str) -> str:
    body = html.unescape(body).strip()
    if body.startswith(r"\[") and body.endswith(r"\]"):
        body = body[2:-2]
    return body.strip()


def typeset(body: str, pagename: str, whole_page: bool = False) -> str:
    """Every formula of a page's body typeset; glyph outlines gathered once at the top (of the
    body, or for a whole page, just inside <body>)."""
    found = [(m, html.unescape(m.group(1)), False) for m in INLINE.finditer(body)]
    found += [(m, _display_tex(m.group(2)), True) for m in DISPLAY.finditer(body)]
    if not found:
        return body
    rendered = _render([{"tex": tex, "display": display} for _, tex, display in found])
    pieces = []
    for (match, tex, display), out in zip(found, rendered, strict=True):
        if out["error"]:
            logger.warning(f"book_pages: {pagename}: TeX error in {tex!r}: {out['error']}")
        start = match.group(1) if display else '<span class="math notranslate nohighlight">'
        end = "</div>" if display else "</span>"
        pieces.append((match.start(), match.end(), start + _formula(out, display) + end))
    pieces.sort()
    out_body, last = [], 0
    for start, end, text in pieces:
        out_body.append(body[last:start])
        out_body.append(text)
        last = end
    out_body.append(body[last:])
    body = "".join(out_body)
    glyphs: dict[str, str] = {}
    for name, outline in GLYPH.findall(body):
        glyphs.setdefault(name, outline)
    body = GLYPH.sub("", body).replace("<defs></defs>", "")
    body = GLYPH_USE.sub(r'xlink:href="#MJX-\1"', body)
    defs = "".join(
        f'<path id="MJX-{name}" d="{d}"></path>'
        for name, d in glyphs.items()
        if f'id="MJX-{name}"' not in body  # already in the page's sprite
    )
    sprite = (
        '<svg style="display:none" aria-hidden="true" xmlns="http://www.w3.org/2000/svg">'
        f"<defs>{defs}</defs></svg>"
    )
    if whole_page:
        # The page's own <body> tag, after </head>: the head's scripts (an explorer's embedded
        # code, say) may contain the text "<body>" too.
        at = body.index(">", body.index("<body", body.index("</head>"))) + 1
        return body[:at] + sprite + body[at:]
    return sprite + body


def typeset_rest(app: Sphinx, exception) -> None:
    """Math outside a page's body, typeset in the written page: a heading's formula in the
    page's table of contents, say."""
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if INLINE.search(text) or DISPLAY.search(text):
            page.write_text(typeset(text, page.name, whole_page=True), encoding="utf-8")


def _script_name(asset) -> str:
    return str(getattr(asset, "filename", asset) or "").split("?")[0]


def page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if app.builder.format != "html":
        return
    scripts = context.get("script_files")
    if scripts is not None:
        kept, bodies = [], set()
        for asset in scripts:
            name = _script_name(asset)
            body = getattr(asset, "attributes", {}).get("body", "")
            if name.endswith(DROPPED_SCRIPTS) or "THEBE_JS_URL" in body or "window.MathJax" in body:
                continue
            if body and body in bodies:  # the same inline settings twice
                continue
            bodies.add(body)
            kept.append(asset)
        scripts[:] = kept
    styles = context.get("css_files")
    if styles is not None:
        styles[:] = [s for s in styles if not _script_name(s).endswith("sphinx-thebe.css")]
    if context.get("body"):
        body = PNG_IMAGE.sub(r"\1.webp\2", typeset(context["body"], pagename))
        context["body"] = link_explorers(mark_explorer(body))


# ----------------------------------------------------------------------------------------------
# The intro's map of the course links each preview to its explorer

WIDGET_VIEW = '<script type="application/vnd.jupyter.widget-view+json">'
CELL = '<div class="cell '  # a cell's container (its classes go on: tags, "docutils container")
# A link around an image (the map's previews) to a chapter page.
IMAGE_LINK = re.compile(
    r'(<a class="reference internal" href="(?:\.\./)*chapters/[^"#]+\.html)'
    r'(">(?:<span[^>]*>)?\s*<img )'
)


def mark_explorer(body: str) -> str:
    """id="explorer" on the notebook cell that shows the page's first explorer."""
    view = body.find(WIDGET_VIEW)
    cell = body.rfind(CELL, 0, view) if view >= 0 else -1
    if cell < 0 or 'id="explorer"' in body:
        return body
    return body[:cell] + '<div id="explorer" ' + body[cell + len("<div ") :]


def link_explorers(body: str) -> str:
    """A picture that links to a chapter links to that chapter's explorer."""
    return IMAGE_LINK.sub(r"\1#explorer\2", body)


# ----------------------------------------------------------------------------------------------
# Figures

# An <img> of a notebook's PNG output, which Sphinx copies into _images/ under a content hash.
PNG_IMAGE = re.compile(r'(<img [^>]*?src="(?:\.\./)*_images/[0-9a-f]{64})\.png(")')


def write_webp(app: Sphinx, exception) -> None:
    """_images/<hash>.webp beside each _images/<hash>.png, lossless; cached in _build/webp/."""
    if exception is not None or app.builder.format != "html":
        return
    from PIL import Image

    cache = Path(app.outdir).parent / "webp"
    cache.mkdir(exist_ok=True)
    for png in (Path(app.outdir) / "_images").glob("*.png"):
        if not re.fullmatch(r"[0-9a-f]{64}", png.stem):
            continue
        cached = cache / f"{png.stem}.webp"  # the name is a hash of the PNG: never stale
        if not cached.is_file():
            with Image.open(png) as image:
                image.save(cached, "WEBP", lossless=True, quality=100, method=6)
        (png.parent / cached.name).write_bytes(cached.read_bytes())


# ----------------------------------------------------------------------------------------------
# Icons

FA_CSS = "vendor/fontawesome/6.5.2/css/all.min.css"
FA_FONTS = {  # family, weight, font file in the theme's static folder, name written here
    "solid": ("Font Awesome 6 Free", 900, "vendor/fontawesome/6.5.2/webfonts/fa-solid-900.ttf"),
    "brands": ("Font Awesome 6 Brands", 400, "vendor/fontawesome/6.5.2/webfonts/fa-brands-400.ttf"),
}
ICON_CLASS = re.compile(r'class="[^"]*?\bfa-(?!solid\b|brands\b|regular\b|lg\b)([a-z0-9-]+)')
ICON_RULE = re.compile(r'((?:\.fa-[a-z0-9-]+:before,?)+)\{content:"\\([0-9a-f]+)"\}')
PRIVATE_USE = re.compile(r"([\ue000-\uf8ff])|\\(f[0-9a-f]{3})\b")
ICONS_CSS = """/* The book's icons: Font Awesome Free 6.5.2 (fonts: SIL OFL 1.1; icons: CC BY 4.0;
   https://fontawesome.com/license/free), cut down to the glyphs the book shows by
   book_ext/book_pages.py, instead of the theme's 1.5 MB of Font Awesome JavaScript. */
:root {{
  --fa-font-solid: normal 900 1em/1 "Font Awesome 6 Free";
  --fa-font-regular: normal 400 1em/1 "Font Awesome 6 Free";
  --fa-font-brands: normal 400 1em/1 "Font Awesome 6 Brands";
}}
{faces}
.fa, .fas, .fa-solid, .fab, .fa-brands {{
  -moz-osx-font-smoothing: grayscale;
  -webkit-font-smoothing: antialiased;
  display: var(--fa-display, inline-block);
  font-style: normal;
  font-variant: normal;
  line-height: 1;
  text-rendering: auto;
}}
/* !important: any other stylesheet that gives .fas and .fab its own Font Awesome (ipywidgets'
   did, with 0.15 MB of fonts) must not make the theme's icons load it. */
.fa, .fas, .fa-solid {{ font-family: "Font Awesome 6 Free" !important; font-weight: 900; }}
.fab, .fa-brands {{ font-family: "Font Awesome 6 Brands" !important; font-weight: 400; }}
.fa-lg {{ font-size: 1.25em; line-height: 0.05em; vertical-align: -0.075em; }}
{rules}
"""


def write_icons(app: Sphinx, exception) -> None:
    """_static/book-icons.css and its two fonts, with the glyphs the built book uses."""
    if exception is not None or app.builder.format != "html":
        return
    from fontTools import subset

    out = Path(app.outdir)
    static = out / "_static"
    names = set()
    for page in out.rglob("*.html"):
        names.update(ICON_CLASS.findall(page.read_text(encoding="utf-8")))
    codepoints: dict[str, int] = {}  # icon class -> code point
    for selectors, code in ICON_RULE.findall((static / FA_CSS).read_text(encoding="utf-8")):
        for name in re.findall(r"\.fa-([a-z0-9-]+):before", selectors):
            codepoints[name] = int(code, 16)
    missing = names - codepoints.keys()
    if missing:
        logger.warning(f"book_pages: unknown Font Awesome icons: {sorted(missing)}")
    used = {codepoints[n] for n in names if n in codepoints}
    for css in static.rglob("*.css"):  # icons the theme's stylesheets draw with the font
        if "fontawesome" in css.parts or css.name == "book-icons.css":
            continue
        for char, escaped in PRIVATE_USE.findall(css.read_text(encoding="utf-8")):
            used.add(int(escaped, 16) if escaped else ord(char))
    faces = []
    for key, (family, weight, source) in FA_FONTS.items():
        font_file = f"book-icons-{key}.woff"
        options = subset.Options()
        options.flavor = "woff"
        options.layout_features = []
        options.name_IDs = [0, 1, 2]  # the licence's copyright notice stays
        font = subset.load_font(str(static / source), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted(used & set(font.getBestCmap())))
        subsetter.subset(font)
        subset.save_font(font, str(static / font_file), options)
        families = [family] + (["Font Awesome 5 Free"] if key == "solid" else [])
        for name in families:
            faces.append(
                f'@font-face {{ font-family: "{name}"; font-style: normal; font-weight: {weight};'
                f' font-display: block; src: url({font_file}) format("woff"); }}'
            )
    rules = "\n".join(
        f'.fa-{name}:before {{ content: "\\{codepoints[name]:x}"; }}'
        for name in sorted(names)
        if name in codepoints
    )
    (static / "book-icons.css").write_text(
        ICONS_CSS.format(faces="\n".join(faces), rules=rules), encoding="utf-8"
    )


def _templates(app: Sphinx, config) -> None:
    config.templates_path = [str(HERE / "templates"), *config.templates_path]


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _templates)
    app.connect("html-page-context", page_context, priority=900)
    app.connect("build-finished", typeset_rest)
    app.connect("build-finished", write_icons)
    app.connect("build-finished", write_webp)
    app.add_css_file("offline/math.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
