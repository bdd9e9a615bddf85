"""The explorers in a live JupyterLab kernel: run the cell, see the view, move a control.

A JupyterLab server is started on 127.0.0.1 the way `make lab` starts it (scripts/lab.py: the same
command, the same check of the widget extensions), on a throwaway folder holding one notebook per
explorer; Chromium opens each, runs its one cell, waits for the canvas, then moves the first slider
with the keyboard and checks that the view's readouts change. No request may leave 127.0.0.1.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.browser

EXPLORERS = [
    "activation_explorer",
    "forward_pass_explorer",
    "loss_explorer",
    "training_explorer",
    "optimizer_paths_explorer",
    "gradient_flow_explorer",
]
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "jupyterlab"


def _lab_script():
    """scripts/lab.py, which `make lab` runs (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("script_lab", REPO / "scripts" / "lab.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab_url(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    for name in EXPLORERS:
        cell = nbformat.v4.new_code_cell(f"from course.explorers import {name}\n\n{name}()")
        nb = nbformat.v4.new_notebook(cells=[cell])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
        nbformat.write(nb, root / f"{name}.ipynb")
    lab = _lab_script()
    assert not lab.missing_widget_extensions(), "make lab would refuse: widget extensions missing"
    port = _free_port()
    log = open(root / "lab.log", "w")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        lab.command(root, "--no-browser", "--allow-root", "--ip=127.0.0.1", f"--port={port}",
                    "--ServerApp.token=", "--ServerApp.password=", open_at=""),
        stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ, TQDM_DISABLE="1"),
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/api", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail(f"JupyterLab did not start; see {root / 'lab.log'}")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.mark.parametrize("name", EXPLORERS)
def test_explorer_works_in_a_live_kernel(browser, lab_url, name):
    context = browser.new_context(viewport={"width": 1300, "height": 1100})
    external: list[str] = []

    def route(r):
        if r.request.url.startswith(lab_url) or r.request.url.startswith("ws://127.0.0.1"):
            r.continue_()
        else:
            external.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.set_default_timeout(90_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{lab_url}/lab/tree/{name}.ipynb?reset")
        notebook = page.locator(".jp-NotebookPanel:visible").first
        notebook.wait_for()
        # Run only once the kernel is up: the status bar says so.
        page.get_by_text("Python 3 (ipykernel) | Idle").wait_for()
        notebook.locator(".jp-Cell .jp-InputArea-editor").first.click()
        page.keyboard.press("Shift+Enter")
        view = notebook.locator(".snn-explorer").first
        view.locator("canvas").wait_for()
        readouts = view.locator("[data-readout]")
        before = readouts.all_inner_texts()
        handle = notebook.locator('.snn-controls input[type="range"]').first
        handle.focus()
        at_max = handle.evaluate("s => Number(s.value) === Number(s.max)")
        for _ in range(5):  # (the learning explorers start their step slider at its end)
            handle.press("ArrowLeft" if at_max else "ArrowRight")
        page.wait_for_function(
            "([el, old]) => Array.from(el.querySelectorAll('[data-readout]'))"
            ".map(e => e.innerText).join('|') !== old",
            arg=[view.element_handle(), "|".join(before)],
        )
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
        assert readouts.count() > 0
    finally:
        context.close()
    assert not external, f"requests left 127.0.0.1: {external[:5]}"
    assert not errors, errors
