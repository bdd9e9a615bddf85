"""The learning explorers in the built book, in Chromium, offline: training, optimizer paths and
gradient flow.

As in test_explorers_browser.py: every control is moved with the keyboard and with the mouse,
and after each move the readouts must be what scratchnn computes for that setting, here in the
test (a training loop, an optimizer loop, a probe written out from the library), not read from
the explorer's stored tables. Play must advance the view by itself. The page may not reach any
host but 127.0.0.1 and may log no error; screenshots go to test-artifacts/learning/, and the size
of the widget state each explorer embeds to test-artifacts/learning/state-bytes.json.

PAGES maps each chapter page to the explorer it must contain; BOOK_HTML may point at a scratch
book with the same page paths (see conftest.py).
"""

from __future__ import annotations

import functools
import json
import math
from pathlib import Path

import pytest
import torch
from conftest import ExplorerOnPage

from course.explorers import gradient_flow as flow_mod
from course.explorers import optimizer_paths as paths_mod
from course.explorers import training as training_mod
from course.explorers._packing import rounded_clear
from course.explorers.surfaces import SURFACES
from scratchnn import BCEWithLogitsLoss, Layer, SoftmaxCELoss
from scratchnn.data import batches
from scratchnn.optim import SGD, Adam, Momentum, RMSProp

pytestmark = pytest.mark.browser

PAGES = {
    "chapters/04_losses.html": "training",
    "chapters/05_optimizers.html": "optimizer-paths",
    "chapters/06_batchnorm.html": "gradient-flow",
}
STATE_BUDGET = 1_500_000  # bytes of widget state per explorer, uncompressed
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "learning"
F64 = torch.float64
DASH = "\u2014"


def fmt(value: float, digits: int) -> str:
    """How the views print a stored number: rounded_clear, no −0, a typographic minus."""
    value = rounded_clear(torch.tensor(value, dtype=F64), digits)
    text = f"{value:.{digits}f}"
    if float(text) == 0.0:
        text = text.lstrip("-")
    return text.replace("-", "\u2212")


class Explorer(ExplorerOnPage):
    """One explorer of chapters 4–6 on the page (see ExplorerOnPage)."""

    shots = "learning"

    def press_select(self, control: str, key: str) -> None:
        select = self.control(control).locator("select")
        select.focus()
        select.press(key)

    def slider_text(self, control: str) -> str:
        return self.control(control).locator(".snn-readout").inner_text().strip()

    def click_canvas(self, fx: float, fy: float) -> None:
        box = self.centre(self.view.locator("canvas"))
        self.page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])

    def state(self, key: str) -> str:
        return self.view.get_attribute(f"data-{key}")

    def play_until(self, key: str, at_least: int) -> None:
        """Press ▶ Play, wait until data-<key> reaches ``at_least``, press it again (pause)."""
        button = self.control(key).locator("button.snn-play")  # beside its slider
        self.centre(button)
        button.click()
        self.page.wait_for_function(
            "([el, key, n]) => Number(el.dataset[key]) >= n",
            arg=[self.view.element_handle(), key, at_least],
            timeout=30_000,
        )
        button.click()


# --------------------------------------------------------------------------------------------
# What scratchnn says for a setting (computed here, from the library)


@functools.cache
def library_training(dataset: str, noise: float, width: int, activation: str, lr: float):
    """Per epoch: (train loss, val loss, train acc, val acc), and the stop epoch or None."""
    x, y, x_val, y_val = training_mod.dataset_split(dataset, noise)
    model = training_mod.new_model(width, activation)
    opt, loss = SGD(model, lr), BCEWithLogitsLoss()
    rows, stopped = [], None

    def acc(logits, target):
        return ((logits > 0).to(F64) == target).to(F64).mean().item()

    for epoch in range(training_mod.EPOCHS + 1):
        val_logits = model.forward(x_val)
        val = loss.forward(val_logits, y_val).item()
        val_acc = acc(val_logits, y_val)
        logits = model.forward(x)
        train = loss.forward(logits, y).item()
        rows.append((train, val, acc(logits, y), val_acc))
        if epoch > 0 and train > rows[0][0]:
            stopped = epoch
            break
        model.backward(loss.backward(), need_dx=False)
        opt.step()
    return rows, stopped


def expected_training(setting, epoch: int) -> dict[str, str]:
    rows, stopped = library_training(*setting)
    if stopped is not None and epoch >= stopped:
        return dict.fromkeys(("train-loss", "val-loss", "train-acc", "val-acc"), DASH)
    train, val, train_acc, val_acc = rows[epoch]
    return {
        "train-loss": fmt(train, training_mod.DIGITS),
        "val-loss": fmt(val, training_mod.DIGITS),
        "train-acc": f"{100 * train_acc:.1f}%",
        "val-acc": f"{100 * val_acc:.1f}%",
    }


class _Point(Layer):
    param_names = ("w",)

    def __init__(self, w):
        self.w = w.clone()
        self.dw = None


@functools.cache
def library_path(surface: int, name: str, lr: float, beta: float):
    """(positions inside the square, exit step or None) from scratchnn.optim's update rules."""
    s = SURFACES[surface]
    point = _Point(torch.tensor(s.start, dtype=F64))
    opt = {
        "SGD": lambda: SGD(point, lr),
        "Momentum": lambda: Momentum(point, lr, momentum=beta),
        "Nesterov": lambda: Momentum(point, lr, momentum=beta, nesterov=True),
        "RMSProp": lambda: RMSProp(point, lr),
        "Adam": lambda: Adam(point, lr, betas=(beta, 0.999)),
    }[name]()
    x0, x1, y0, y1 = s.box
    path = [point.w.clone()]
    for step in range(1, paths_mod.STEPS + 1):
        point.dw = s.grad(point.w)
        opt.step()
        w1, w2 = point.w.tolist()
        if not (x0 <= w1 <= x1 and y0 <= w2 <= y1):
            return torch.stack(path), step
        path.append(point.w.clone())
    return torch.stack(path), None


def expected_paths(surface: int, lr: float, beta: float, step: int) -> dict[str, str]:
    shown = {}
    s = SURFACES[surface]
    w_star = torch.tensor(s.minimum(), dtype=F64)
    for name in paths_mod.OPTIMIZERS:
        path, exit_step = library_path(
            surface, name, lr, beta if name in paths_mod.USES_BETA else 0
        )
        key = name.lower()
        cut = exit_step is not None and step >= exit_step
        shown[f"{key}-loss"] = DASH if cut else fmt(s.loss(path[step]).item(), paths_mod.DIGITS)
        close = [k for k, w in enumerate(path) if (w - w_star).norm() < paths_mod.TOL]
        if close:
            shown[f"{key}-reached"] = f"step {close[0]}"
        elif exit_step is not None:
            shown[f"{key}-reached"] = f"diverged: left the plot at step {exit_step}"
        else:
            shown[f"{key}-reached"] = f"not within {paths_mod.STEPS} steps"
    return shown


@functools.cache
def library_flow(activation: str, init: str, scale: float, batchnorm: bool):
    """The probe (loss, RMS last ÷ first, ‖dW‖ first ÷ last) after each epoch, from scratchnn."""
    model = flow_mod.deep_net(activation, init, scale, batchnorm)
    x, y = flow_mod.digits_train()

    def probe():
        h, rms = x[: flow_mod.PROBE_ROWS], []
        for layer in model.layers:
            h = layer.forward(h)
            if type(layer).__name__ in ("Sigmoid", "Tanh", "ReLU", "GELU"):
                rms.append(h.square().mean().sqrt().item())
        loss = SoftmaxCELoss()
        value = loss.forward(h, y[: flow_mod.PROBE_ROWS]).item()
        model.backward(loss.backward(), need_dx=False)
        grads = [layer.dW.norm().item() for layer in model.layers if hasattr(layer, "dW")]
        return {
            "loss": fmt(value, 4),
            # the view writes a typographic minus (no line break inside the number)
            "act-ratio": flow_mod.ratio_text(rms[-1], rms[0]).replace("-", "\u2212"),
            "grad-ratio": flow_mod.ratio_text(grads[0], grads[-1]).replace("-", "\u2212"),
        }

    probes = [probe()]
    if flow_mod.is_chaotic(activation, init, scale, batchnorm):
        return probes
    loss, shuffle = SoftmaxCELoss(), torch.Generator().manual_seed(flow_mod.SHUFFLE_SEED)
    for _ in range(flow_mod.EPOCHS):
        for xb, yb in batches(x, y, flow_mod.BATCH, generator=shuffle):
            if len(yb) < flow_mod.BATCH:
                continue
            value = loss.forward(model.forward(xb), yb).item()
            if not value <= flow_mod.LOSS_LIMIT:
                return probes
            model.backward(loss.backward(), need_dx=False)
            model.step(flow_mod.LR)
        probes.append(probe())
    return probes


def expected_flow(setting, epoch: int) -> dict[str, str]:
    probes = library_flow(*setting)
    if epoch >= len(probes):
        return {"loss": DASH, "act-ratio": DASH, "grad-ratio": DASH}
    return probes[epoch]


# --------------------------------------------------------------------------------------------
# The three explorers


def texts_to_values(axis):
    return dict(zip(axis.to_json()["texts"], axis.values, strict=True))


def check_training(ex: Explorer) -> None:
    by_label = texts_to_values(training_mod.AXES["dataset"])
    acts = texts_to_values(training_mod.AXES["activation"])

    def setting():
        return (
            by_label[ex.chosen("dataset")],
            float(ex.chosen("noise")),
            int(ex.chosen("width")),
            acts[ex.chosen("activation")],
            float(ex.chosen("lr")),
        )

    def check(expect_epoch: int | None = None) -> int:
        epoch = int(ex.state("epoch"))
        assert int(ex.slider_text("epoch")) == epoch
        if expect_epoch is not None:
            assert epoch == expect_epoch
        assert ex.readouts() == expected_training(setting(), epoch), (setting(), epoch)
        return epoch

    assert setting() == ("moons", 0.1, 16, "tanh", 0.3)
    check(training_mod.EPOCHS)
    ex.shot("0-initial")
    ex.press("epoch", "ArrowLeft", 3)  # one step is 10 epochs
    check(170)
    ex.press("epoch", "Home")
    check(0)
    ex.key_choose("lr", "0.03")  # keyboard, on the toggle buttons
    ex.press_select("dataset", "ArrowDown")  # two moons -> circles
    check(0)
    assert setting()[0] == "circles" and setting()[-1] == 0.03
    ex.play_until("epoch", 60)  # Play advances the epoch, in the static page
    check()
    ex.shot("1-played")
    ex.choose("lr", "10")  # the largest learning rate: the run stops early
    check()
    assert ex.state("status").startswith("stopped-")
    ex.shot("2-too-large")
    ex.choose("width", "4")  # mouse: the narrowest network
    ex.choose("noise", "0.1")
    ex.choose("activation", "ReLU")
    ex.choose("dataset", "spiral")
    ex.choose("lr", "0.3")
    check()
    assert setting()[1:3] == (0.1, 4) and setting()[-1] < 10
    ex.click_canvas(0.9, 0.5)  # on the loss plot: the epoch follows the pointer
    moved = check()
    assert moved > 100
    ex.shot("3-mouse")


def check_optimizer_paths(ex: Explorer) -> None:
    labels = [s.label for s in SURFACES]

    def check(expect_step: int | None = None) -> None:
        step = int(ex.state("step"))
        assert int(ex.slider_text("step")) == step
        if expect_step is not None:
            assert step == expect_step
        surface = labels.index(ex.chosen("surface"))
        lr, beta = float(ex.chosen("lr")), float(ex.chosen("beta"))
        assert ex.readouts() == expected_paths(surface, lr, beta, step), (surface, lr, beta, step)

    check(paths_mod.STEPS)
    assert ex.readouts()["nesterov-reached"].startswith("diverged")  # lr 0.019 > its limit
    ex.shot("0-initial")
    ex.press("step", "Home")
    check(0)
    ex.press("step", "ArrowRight", 7)
    check(7)
    ex.press_select("lr", "ArrowUp")  # 0.019 -> 0.012
    ex.press_select("beta", "ArrowDown")  # 0.9 -> 0.95
    check(7)
    ex.play_until("step", 40)
    check()
    ex.shot("1-played")
    ex.key_choose("surface", labels[1])  # the valley turned by 45°
    check()
    ex.choose("surface", "two basins")
    ex.choose("lr", "0.05")
    ex.choose("beta", "0.5")
    ex.drag_handle("step", -80)
    check()
    ex.shot("2-mouse")
    ex.click_canvas(0.95, 0.5)  # on the loss plot, near the last step
    check()
    assert int(ex.state("step")) > 80


def check_gradient_flow(ex: Explorer) -> None:
    acts = texts_to_values(flow_mod.AXES["activation"])
    inits = texts_to_values(flow_mod.AXES["init"])

    def check(expect_epoch: int | None = None) -> None:
        epoch = int(ex.state("epoch"))
        assert int(ex.slider_text("epoch")) == epoch
        if expect_epoch is not None:
            assert epoch == expect_epoch
        setting = (
            acts[ex.chosen("activation")],
            inits[ex.chosen("init")],
            float(ex.chosen("scale")),
            ex.chosen("batchnorm") == "on",
        )
        assert ex.readouts() == expected_flow(setting, epoch), (setting, epoch)
        # Never blank: an epoch with no measurement shows the last one there is, greyed.
        stored = len(library_flow(*setting))
        assert int(ex.state("shown")) == min(epoch, stored - 1)

    check(0)
    grad_ratio = float(ex.readouts()["grad-ratio"].replace("\u2212", "-"))
    assert grad_ratio < 1e-6  # sigmoid: the gradient vanishes
    ex.shot("0-initial")
    ex.press("epoch", "ArrowRight", 2)
    ex.press_select("scale", "ArrowDown")  # 1 -> 1.5
    check(2)
    ex.press_select("activation", "ArrowDown")  # sigmoid -> tanh
    ex.choose("init", "He")  # tanh, He × 1.5, no BatchNorm: chaotic, not trained
    check(2)
    assert ex.state("status") == "chaotic" and ex.state("shown") == "0"
    ex.shot("1-chaotic")
    ex.choose("batchnorm", "on")  # mouse
    check(2)
    assert ex.state("status") == "trained"
    ex.key_choose("batchnorm", "off")  # keyboard
    assert ex.chosen("batchnorm") == "off"
    ex.choose("activation", "ReLU")
    ex.choose("scale", "2")  # ReLU, He × 2: diverges in the first epoch
    check()
    assert ex.state("status").startswith("diverged")
    ex.shot("2-diverged")
    ex.drag_handle("epoch", -300)
    check(0)
    ex.shot("3-mouse")


CHECKS = {
    "training": check_training,
    "optimizer-paths": check_optimizer_paths,
    "gradient-flow": check_gradient_flow,
}


def widget_state_bytes(page) -> int:
    """Bytes of the largest widget model's state embedded in the page (the explorer's view)."""
    texts = page.locator('script[type="application/vnd.jupyter.widget-state+json"]')
    sizes = [0]
    for i in range(texts.count()):
        state = json.loads(texts.nth(i).inner_text())["state"]
        sizes += [len(json.dumps(model["state"])) for model in state.values()]
    return max(sizes)


@pytest.mark.parametrize(("page_path", "name"), PAGES.items())
def test_learning_explorer_works_offline(watched, page_path, name):
    watched.goto(page_path)
    explorer = Explorer(watched, name)
    size = widget_state_bytes(watched.page)
    CHECKS[name](explorer)
    watched.assert_clean()

    assert size <= STATE_BUDGET, size
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    report_path = ARTIFACTS / "state-bytes.json"
    report = json.loads(report_path.read_text()) if report_path.is_file() else {}
    report[page_path] = {"explorer": name, "largest_widget_state_bytes": size}
    report_path.write_text(json.dumps(report, indent=1, sort_keys=True))
    assert math.isfinite(size)
