"""Small still images of the explorers for the intro's map of the course: images/previews/*.webp.

    python scripts/explorer_previews.py [--html _build/html]

Each explorer's plot is drawn by the built book in headless Chromium (offline, from 127.0.0.1), as a
reader first sees it, then scaled to ``WIDTH`` pixels and saved as WebP: a few KB each, since
they count toward the intro page's weight (scripts/weigh.py). Run it again after the explorers'
look changes, and commit the images.
"""

from __future__ import annotations

import argparse
import io
import shutil
import sys
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
import weigh  # the same local server and Chromium flags

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "images" / "previews"
WIDTH = 280  # pixels; shown at this CSS width in the map
# Page -> the explorer the map shows for its chapter (the first one of the page).
EXPLORERS = {
    "chapters/02_activations.html": "activation",
    "chapters/03_mlp_mse.html": "forward-pass",
    "chapters/04_losses.html": "loss",
    "chapters/05_optimizers.html": "optimizer-paths",
    "chapters/06_batchnorm.html": "gradient-flow",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    server, base_url = weigh.serve(args.html.resolve())
    OUT.mkdir(parents=True, exist_ok=True)
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=weigh.CHROMIUM_ARGS)
        context = browser.new_context(
            viewport=weigh.VIEWPORT, reduced_motion="reduce", color_scheme="light"
        )
        context.route(
            "**/*", lambda r: r.continue_() if r.request.url.startswith(base_url) else r.abort()
        )
        page = context.new_page()
        for path, name in EXPLORERS.items():
            page.goto(f"{base_url}{path}")
            page.evaluate(  # the first explorer into view: widgets.js draws it then
                """document.querySelector('script[type="application/vnd.jupyter.widget-view+json"]')
                .parentElement.scrollIntoView({block: 'center'})"""
            )
            box = page.locator(f'.snn-explorer[data-explorer="{name}"] canvas').first
            box.wait_for(state="visible", timeout=60_000)
            box.scroll_into_view_if_needed()
            page.wait_for_timeout(500)
            image = Image.open(io.BytesIO(box.screenshot())).convert("RGB")
            image = image.resize(
                (WIDTH, round(image.height * WIDTH / image.width)), Image.Resampling.LANCZOS
            )
            target = OUT / f"{name}.webp"
            image.save(target, "WEBP", quality=72, method=6)
            print(
                f"{target.relative_to(ROOT)}: {image.width}x{image.height},"
                f" {target.stat().st_size:,} B"
            )
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
