"""The explorers on a phone and in both themes, in Chromium: sizes, palettes, a live switch.

- At 390 × 844 every explorer stacks its panels and draws each at its container's width: the
  canvas bitmap is exactly as wide as it shows (never scaled down), the page does not scroll
  sideways, and no text in the explorer, in the page or in the drawing, is smaller than 11 CSS
  px. The drawing's text is measured by recording the font of every ``fillText`` call.
- The explorers follow the book's theme (pydata-sphinx-theme's ``data-theme`` on <html>), also
  when the reader switches it on a live page: the drawing's background turns dark and back.
- Captions are set at the body text's line height.

Screenshots of every explorer in light, dark and at 390 px go to test-artifacts/explorers-themes/.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ExplorerOnPage

pytestmark = pytest.mark.browser

PAGES = {
    "chapters/02_activations.html": ["activation"],
    "chapters/03_mlp_mse.html": ["forward-pass"],
    "chapters/04_losses.html": ["loss", "training"],
    "chapters/05_optimizers.html": ["optimizer-paths"],
    "chapters/06_batchnorm.html": ["gradient-flow"],
}
SMALLEST_TEXT = 11.0  # CSS px
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "explorers-themes"

# Records the font of every text drawn on a canvas (before the page's scripts run).
_RECORD_FONTS = """(() => {
  const fill = CanvasRenderingContext2D.prototype.fillText;
  window.snnCanvasFonts = [];
  CanvasRenderingContext2D.prototype.fillText = function (...args) {
    window.snnCanvasFonts.push(this.font);
    return fill.apply(this, args);
  };
})();"""

_MEASURE = """(box) => {
  const texts = [];
  for (const e of box.querySelectorAll('*')) {
    const own = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (own && e.getClientRects().length) texts.push(parseFloat(getComputedStyle(e).fontSize));
  }
  const fonts = window.snnCanvasFonts.map((f) => parseFloat(f.match(/([\\d.]+)px/)[1]));
  const canvas = box.querySelector('canvas.snn-canvas');
  const view = getComputedStyle(canvas.parentElement);
  const padding = parseFloat(view.paddingLeft) + parseFloat(view.paddingRight);
  return {
    dom: Math.min(...texts),
    canvas: Math.min(...fonts),
    shown: canvas.getBoundingClientRect().width,
    bitmap: canvas.width / devicePixelRatio,
    container: canvas.parentElement.clientWidth - padding,
    pageWidth: document.documentElement.scrollWidth,
    layout: box.querySelector('.snn-explorer').dataset.layout,
  };
}"""

# The drawing's top-left pixel (the explorer's background), as [r, g, b].
_CORNER = """(box) => {
  const canvas = box.querySelector('canvas.snn-canvas');
  return [...canvas.getContext('2d').getImageData(2, 2, 1, 1).data.slice(0, 3)];
}"""

_SET_THEME = """(theme) => {
  document.documentElement.dataset.theme = theme;
  document.documentElement.dataset.mode = theme;
}"""

# Keeps the theme's sticky header out of the way of element screenshots.
_NO_STICKY_HEADER = ".bd-header, .bd-header-article, .skip-link { position: static !important; }"


def _open(watched, page: str, width: int, height: int, theme: str = "light"):
    watched.page.set_viewport_size({"width": width, "height": height})
    watched.page.add_init_script(_RECORD_FONTS)
    watched.goto(page)
    watched.page.add_style_tag(content=_NO_STICKY_HEADER)
    watched.page.evaluate(_SET_THEME, theme)


def _shot(ex: ExplorerOnPage, mode: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    ex.centre(ex.box)
    ex.page.wait_for_timeout(150)  # a redraw after the theme or the size changed
    ex.box.screenshot(path=str(ARTIFACTS / f"{ex.name}-{mode}.png"))


def _luminance(rgb: list[int]) -> float:
    return sum(c * w for c, w in zip(rgb, (0.2126, 0.7152, 0.0722), strict=True)) / 255


@pytest.mark.parametrize("page", list(PAGES))
def test_explorers_fit_a_phone_with_no_text_under_11px(watched, page):
    _open(watched, page, 390, 844)
    report = {}
    for name in PAGES[page]:
        ex = ExplorerOnPage(watched, name)
        ex.centre(ex.box)
        found = ex.box.evaluate(_MEASURE)
        report[name] = found
        assert found["dom"] >= SMALLEST_TEXT and found["canvas"] >= SMALLEST_TEXT, (name, found)
        assert found["shown"] == found["bitmap"] == found["container"], (name, found)
        assert found["pageWidth"] <= 390, (name, found)
        if name not in ("activation", "forward-pass"):  # one panel: nothing to stack
            assert found["layout"] == "stacked", (name, found)
        _shot(ex, "phone")
    watched.assert_clean()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "phone-text-sizes.json"
    sizes = json.loads(path.read_text()) if path.is_file() else {}
    sizes.update(report)
    path.write_text(json.dumps(sizes, indent=1, sort_keys=True))


@pytest.mark.parametrize("page", list(PAGES))
def test_explorers_follow_a_live_theme_switch(watched, page):
    _open(watched, page, 1280, 900)
    for name in PAGES[page]:
        ex = ExplorerOnPage(watched, name)
        assert ex.box.evaluate(_MEASURE)["layout"] == "side", name
        light = ex.box.evaluate(_CORNER)
        _shot(ex, "light")
        watched.page.evaluate(_SET_THEME, "dark")  # the reader switches: no reload
        watched.page.wait_for_timeout(100)
        dark = ex.box.evaluate(_CORNER)
        assert _luminance(light) > 0.9 and _luminance(dark) < 0.2, (name, light, dark)
        _shot(ex, "dark")
        watched.page.evaluate(_SET_THEME, "light")
        watched.page.wait_for_timeout(100)
        assert ex.box.evaluate(_CORNER) == light, name
    watched.assert_clean()


def test_captions_are_set_like_the_body_text(watched):
    _open(watched, "chapters/04_losses.html", 1280, 900)
    ExplorerOnPage(watched, "training")
    found = watched.page.evaluate("""() => {
      const height = (e) => getComputedStyle(e).lineHeight;
      const body = document.querySelector('article p:not(.snn-caption)');
      return [...document.querySelectorAll('.snn-caption')].map(
        (c) => [height(c), height(body), getComputedStyle(c).fontSize])
    }""")
    assert found and all(caption == body for caption, body, _ in found), found
