"""The explorers in the built book, in Chromium, offline: move every control, check every readout.

Each control is moved with the keyboard and with a mouse drag (and the plots are dragged too);
after each move, the numbers the page shows must be what scratchnn computes for that position,
here in the test, from the library (not from the explorer's stored table).

PAGES maps each chapter page to the explorer it must contain; to test another book (a scratch
book, say), set BOOK_HTML to its built folder: it needs the same page paths.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from conftest import ExplorerOnPage

from course.explorers import activation as activation_mod
from course.explorers import forward_pass as forward_mod
from course.explorers import loss as loss_mod
from course.explorers.forward_pass import forward_pass_network
from course.explorers.loss import bce_point
from scratchnn import ACTIVATIONS, BCELoss, HuberLoss, MAELoss, MSELoss

pytestmark = pytest.mark.browser

PAGES = {
    "chapters/02_activations.html": "activation",
    "chapters/03_mlp_mse.html": "forward-pass",
    "chapters/04_losses.html": "loss",
}
# The JavaScript that serves the widgets, as the page requests it (page weight is reported).
WIDGET_SCRIPTS = ("widgets.js",)
WIDGET_JS_BUDGET = 10_000  # bytes, uncompressed: no widget manager, only the book's own script
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def fmt(value: float, digits: int) -> str:
    """How the view prints a number: Python's rounding, no −0, a typographic minus sign."""
    text = f"{value:.{digits}f}"
    if float(text) == 0.0:
        text = text.lstrip("-")
    return text.replace("-", "\u2212")


def number(text: str) -> float:
    return float(text.replace("\u2212", "-"))


class Explorer(ExplorerOnPage):
    """One explorer of chapters 2–4 on the page (see ExplorerOnPage)."""

    shots = "explorers"

    def drag_canvas(self, start: float, end: float, y: float = 0.4) -> None:
        """Drag across the canvas from fraction `start` to `end` of its width."""
        box = self.centre(self.view.locator("canvas"))
        at_y = box["y"] + y * box["height"]
        self.page.mouse.move(box["x"] + start * box["width"], at_y)
        self.page.mouse.down()
        self.page.mouse.move(box["x"] + end * box["width"], at_y, steps=8)
        self.page.mouse.up()

    def slider_value(self, control: str) -> float:
        return number(self.control(control).locator(".snn-readout").inner_text())

    def state(self, key: str) -> float:
        return float(self.view.get_attribute(f"data-{key}"))


# --------------------------------------------------------------------------------------------
# What scratchnn says at a position


def expected_activation(name: str, x: float) -> dict[str, str]:
    act = ACTIVATIONS[name]()
    t = torch.tensor([x], dtype=torch.float64)
    f = act.forward(t).item()
    df = act.backward(torch.ones_like(t)).item()
    digits = activation_mod.DIGITS
    saturated = abs(df) < activation_mod.SATURATION
    return {
        "x": fmt(x, 2),
        "f": fmt(f, digits),
        "df": fmt(df, digits),
        "saturated": "yes" if saturated else "no",
    }


def expected_forward(x1: float, x2: float) -> tuple[dict[str, str], list[bool]]:
    net = forward_pass_network()
    h = torch.tensor([[x1, x2]], dtype=torch.float64)
    shown = {"in-0": fmt(x1, 1), "in-1": fmt(x2, 1)}
    states: list[bool] = []
    hidden = 0
    for layer in net.layers:
        h = layer.forward(h)
        if isinstance(layer, ACTIVATIONS["relu"]):
            hidden += 1
            on = (layer.backward(torch.ones_like(h)) == 1.0)[0].tolist()
            for u, (value, is_on) in enumerate(zip(h[0].tolist(), on, strict=True)):
                shown[f"h{hidden}-{u}"] = fmt(value, forward_mod.DIGITS) + (
                    "" if is_on else " (off)"
                )
            states += on
    shown["out-0"] = fmt(h[0, 0].item(), forward_mod.DIGITS)
    return shown, states


def _one(loss, pred: float, target: float) -> tuple[float, float]:
    value = loss.forward(
        torch.tensor([[pred]], dtype=torch.float64), torch.tensor([[target]], dtype=torch.float64)
    )
    return value.item(), loss.backward().item()


def expected_losses(eps: float, delta: float) -> dict[str, str]:
    digits = loss_mod.DIGITS
    values = {
        "mse": _one(MSELoss(), eps, 0.0),
        "mae": _one(MAELoss(), eps, 0.0),
        "huber": _one(HuberLoss(delta), eps, 0.0),
    }
    point = bce_point(eps)
    shown = {}
    for name, (value, grad) in values.items():
        shown[f"{name}-loss"], shown[f"{name}-grad"] = fmt(value, digits), fmt(grad, digits)
    if point is None:
        shown["bce-loss"] = shown["bce-grad"] = "\u2014"
    else:
        value, grad = _one(BCELoss(), *point)
        shown["bce-loss"], shown["bce-grad"] = fmt(value, digits), fmt(grad, digits)
    return shown


# --------------------------------------------------------------------------------------------
# The three explorers


def check_activation(ex: Explorer) -> None:
    def check(name: str, x: float) -> None:
        assert ex.view.get_attribute("data-activation") == name
        assert ex.state("x") == x and ex.slider_value("x") == x
        assert ex.readouts() == expected_activation(name, x), (name, x)

    check("sigmoid", 0.0)
    ex.shot("0-initial")
    ex.press("x", "ArrowRight", 3)  # one step is 0.05
    check("sigmoid", 0.15)
    ex.press("x", "PageUp")  # a tenth of the range: 20 steps
    check("sigmoid", 1.15)
    ex.press("x", "End")
    check("sigmoid", 5.0)
    assert ex.readouts()["saturated"] == "yes"
    ex.shot("1-keyboard-end")
    ex.press("x", "Home")
    check("sigmoid", -5.0)

    select = ex.box.locator(".snn-control-activation select")
    select.focus()
    select.press("ArrowDown")  # the keyboard moves the dropdown too
    check("tanh", -5.0)

    ex.drag_handle("x", 170)
    x = ex.state("x")
    assert x > -5.0
    check("tanh", x)
    ex.shot("2-mouse-drag")
    for name in ACTIVATIONS:  # every choice the dropdown offers
        select.select_option(label=ACTIVATIONS[name].label)
        check(name, x)

    ex.drag_canvas(0.8, 0.35)  # drag the marker line on the plot: the slider follows
    moved = ex.state("x")
    assert moved != x
    check("swish", moved)
    ex.shot("3-canvas-drag")


def check_forward_pass(ex: Explorer) -> None:
    seen_states: set[bool] = set()

    def check(x1: float, x2: float) -> None:
        assert (ex.state("x1"), ex.state("x2")) == (x1, x2)
        assert (ex.slider_value("x1"), ex.slider_value("x2")) == (x1, x2)
        shown, states = expected_forward(x1, x2)
        assert ex.readouts() == shown, (x1, x2)
        off = ex.view.locator("td.snn-off").count()
        assert off == states.count(False)  # an off unit is marked, not only coloured
        seen_states.update(states)

    check(1.0, -0.5)
    ex.shot("0-initial")
    ex.press("x1", "ArrowLeft", 4)  # one step is 0.1
    ex.press("x2", "ArrowRight", 7)
    check(0.6, 0.2)
    ex.press("x1", "Home")
    ex.press("x2", "End")
    check(-2.0, 2.0)
    ex.shot("1-keyboard")
    ex.drag_handle("x1", 140)
    ex.drag_handle("x2", -90)
    x1, x2 = ex.state("x1"), ex.state("x2")
    assert x1 > -2.0 and x2 < 2.0
    check(x1, x2)
    ex.shot("2-mouse-drag")
    assert seen_states == {True, False}, "the positions tried should show units both on and off"


def check_loss(ex: Explorer) -> None:
    def check(eps: float, delta: float) -> None:
        assert (ex.state("eps"), ex.state("delta")) == (eps, delta)
        assert (ex.slider_value("eps"), ex.slider_value("delta")) == (eps, delta)
        assert ex.readouts() == expected_losses(eps, delta), (eps, delta)

    check(0.5, 1.0)
    ex.shot("0-initial")
    ex.press("eps", "ArrowRight", 2)  # one step is 0.05
    check(0.6, 1.0)
    ex.press("eps", "PageDown")  # a tenth of the range: 12 steps
    check(0.0, 1.0)
    ex.press("delta", "ArrowLeft", 5)  # one step is 0.1
    check(0.0, 0.5)
    ex.press("eps", "End")
    check(3.0, 0.5)
    assert ex.readouts()["bce-loss"] == "\u2014"  # BCE needs |ε| < 1
    ex.shot("1-keyboard")
    ex.drag_handle("delta", 120)
    ex.drag_handle("eps", -200)
    eps, delta = ex.state("eps"), ex.state("delta")
    assert eps < 3.0 and delta > 0.5
    check(eps, delta)
    ex.shot("2-mouse-drag")
    ex.drag_canvas(0.30, 0.27)  # on the loss plot, near ε = −0.5
    moved = ex.state("eps")
    assert moved != eps and abs(moved) < 1
    check(moved, delta)
    ex.shot("3-canvas-drag")


CHECKS = {"activation": check_activation, "forward-pass": check_forward_pass, "loss": check_loss}


@pytest.mark.parametrize(("page_path", "name"), PAGES.items())
def test_explorer_works_offline(watched, page_path, name):
    watched.goto(page_path)
    explorer = Explorer(watched, name)
    CHECKS[name](explorer)
    watched.assert_clean()

    widget_js = {
        path: size
        for path, size in watched.script_bytes.items()
        if path.endswith(WIDGET_SCRIPTS) and "/offline/" in path
    }
    assert len(widget_js) == len(WIDGET_SCRIPTS), widget_js
    total = sum(widget_js.values())
    assert total < WIDGET_JS_BUDGET, widget_js
    weight = ARTIFACTS / "page-weight.json"
    report = json.loads(weight.read_text()) if weight.is_file() else {}
    report[page_path] = {"widget_js_bytes": total, "all_js_bytes": watched.script_bytes}
    weight.write_text(json.dumps(report, indent=1, sort_keys=True))
