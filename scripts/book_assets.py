"""Copy the JavaScript the book serves itself from node_modules/ into book_js/_static/offline/lib/.

    npm ci --ignore-scripts && python scripts/book_assets.py      (what `make book` runs)

The HTML book must work offline, so nothing is loaded from a CDN: the widget manager
(@jupyter-widgets/html-manager), anywidget's front end, RequireJS and MathJax are installed with npm
at the versions pinned in package.json / package-lock.json and copied here. Sphinx then copies
book_js/ into the site (``html_extra_path`` in _config.yml), so they land under
_build/html/_static/offline/, where ``nb_ipywidgets_js`` and ``mathjax_path`` point.

The widget manager's bundle is trimmed as it is copied (``trim_widget_manager``): it also carries
the widget modules of ipywidgets 7 and the source maps of its stylesheets, which the book never
uses (its widget state is ipywidgets 8's); without them it is 0.62 MB gzipped instead of 0.91.
Its JSON-schema validator is also told to allow the union types the schema uses (see AJV_NEW).

Before copying, the versions are checked against the Python packages that wrote the widget state:
anywidget's front end must be the Python package's exact version, and the html-manager must be
in the range that ipywidgets asks for. A mismatch stops the build.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
DEST = ROOT / "book_js" / "_static" / "offline" / "lib"

# (package, [(source inside the package, destination inside DEST)]); a directory is copied whole.
COPIES: list[tuple[str, list[tuple[str, str]]]] = [
    ("requirejs", [("require.js", "require.js")]),
    (
        "@jupyter-widgets/html-manager",
        # The npm layout is kept: the manager finds the Font Awesome fonts of its CSS through
        # the URL RequireJS gives its modules, "@jupyter-widgets/html-manager/dist/…".
        [("dist/embed-amd.js", "@jupyter-widgets/html-manager/dist/embed-amd.js")]
        + [
            (f"dist/{font}", f"@jupyter-widgets/html-manager/dist/{font}")
            for font in ("*.woff2", "*.woff", "*.ttf", "*.eot", "*.svg")
        ]
        + [("dist/embed.js.LICENSE.txt", "@jupyter-widgets/html-manager/dist/LICENSES.txt")],
    ),
    ("anywidget", [("dist/index.js", "anywidget/index.js"), ("LICENSE", "anywidget/LICENSE")]),
    (
        "mathjax",
        [
            ("es5/tex-chtml.js", "mathjax/tex-chtml.js"),
            # Loaded on demand by tex-chtml.js: TeX extensions, fonts, menu, accessibility.
            ("es5/input/tex/extensions", "mathjax/input/tex/extensions"),
            ("es5/output/chtml/fonts/woff-v2", "mathjax/output/chtml/fonts/woff-v2"),
            ("es5/ui", "mathjax/ui"),
            ("es5/a11y", "mathjax/a11y"),
            ("es5/sre", "mathjax/sre"),
            ("es5/adaptors", "mathjax/adaptors"),
            ("LICENSE", "mathjax/LICENSE"),
        ],
    ),
]


def package_version(name: str) -> str:
    path = NODE_MODULES / name / "package.json"
    if not path.is_file():
        sys.exit(f"book_assets: {path} is missing: run `npm ci --ignore-scripts` first")
    return json.loads(path.read_text())["version"]


def caret_allows(caret: str, version: str) -> bool:
    """npm's ^X.Y.Z for X ≥ 1: the same major version, and not older than X.Y.Z."""
    want = [int(p) for p in caret.lstrip("^").split(".")]
    have = [int(p) for p in version.split("-")[0].split(".")]
    return caret.startswith("^") and want[0] >= 1 and have[0] == want[0] and have >= want


def check_versions() -> None:
    import anywidget
    from ipywidgets._version import __html_manager_version__

    errors = []
    front = package_version("anywidget")
    if front != anywidget.__version__:
        errors.append(f"anywidget: npm {front}, Python {anywidget.__version__}: pin the same")
    manager = package_version("@jupyter-widgets/html-manager")
    if not caret_allows(__html_manager_version__, manager):
        errors.append(
            f"@jupyter-widgets/html-manager {manager} is outside {__html_manager_version__}, "
            "the range ipywidgets asks for"
        )
    if errors:
        sys.exit("book_assets: " + "; ".join(errors))


def copy(package: str, source: str, dest: str) -> int:
    """Copy one file, glob or directory; returns the number of files copied."""
    base = NODE_MODULES / package
    matches = sorted(base.glob(source))
    if not matches:
        sys.exit(f"book_assets: nothing matches {base / source}")
    count = 0
    for match in matches:
        target = DEST / dest
        if "*" in source:  # a glob: keep each file's own name in the destination folder
            target = target.parent / match.name
        target.parent.mkdir(parents=True, exist_ok=True)
        if match.is_dir():
            shutil.copytree(match, target)
            count += sum(1 for p in target.rglob("*") if p.is_file())
        else:
            shutil.copy2(match, target)
            count += 1
    return count


# A bundled stylesheet's source map, as webpack's css-loader writes it: the 4th item of
# [id, css, media, map]. Its runtime prints the css alone when the map is empty.
_JS_STRING = r"""(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`)"""
CSS_SOURCE_MAP = re.compile(
    r'\{version:3,sources:\[[^\]]*\],names:\[[^\]]*\],mappings:"[^"]*"'
    rf'(?:,sourcesContent:\[{_JS_STRING}(?:,{_JS_STRING})*\])?,sourceRoot:""\}}'
)
# The AMD modules of ipywidgets 7 (widget state with model versions 1.x), each one line.
IPYWIDGETS7 = re.compile(r'^define\("@jupyter-widgets/(base7|controls7)",', re.M)


# Where the manager (twice: html-manager and its embedding entry) builds the JSON-schema validator
# of the widget state, with no options: Ajv's strict mode then warns in the console, on every
# explorer page, about a union type in the schema. Allowing union types is what the schema needs.
AJV_NEW = re.compile(r"\b(\w+)=new\((\w+)\(\)\)(?=[,;](?:\W?\w+=)?\1\.compile\()")


def trim_widget_manager(path: Path) -> None:
    """Drop ipywidgets 7's modules and the stylesheets' source maps from embed-amd.js, and
    quieten the schema validator's warning."""
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    kept = [line for line in lines if not IPYWIDGETS7.match(line)]
    if len(lines) - len(kept) != 2:
        sys.exit(
            f"book_assets: expected base7 and controls7 in {path}, found {len(lines) - len(kept)}"
        )
    text, maps = CSS_SOURCE_MAP.subn('""', "\n".join(kept))
    if maps == 0:
        sys.exit(f"book_assets: no stylesheet source map found in {path}: check the trim")
    text, validators = AJV_NEW.subn(r"\1=new(\2())({allowUnionTypes:!0})", text)
    if validators != 2:
        sys.exit(f"book_assets: expected 2 schema validators in {path}, found {validators}")
    path.write_text(text, encoding="utf-8")


def main() -> None:
    check_versions()
    if DEST.exists():
        shutil.rmtree(DEST)  # no stale file from an older version survives
    files = 0
    for package, items in COPIES:
        for source, dest in items:
            files += copy(package, source, dest)
    trim_widget_manager(DEST / "@jupyter-widgets/html-manager/dist/embed-amd.js")
    size = sum(p.stat().st_size for p in DEST.rglob("*") if p.is_file())
    print(f"book_assets: {files} files, {size / 1e6:.1f} MB -> {DEST.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
