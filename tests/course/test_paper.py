"""course/explorers/paper.py and course/_book_pdf.py: the explorers as figures for the PDF.

Each explorer's display bundle carries its widget view and a PDF figure; the figure draws the
view's own numbers at the view's control values; the caption names the live page.
"""

from __future__ import annotations

import base64
from functools import cache

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from course import _book_pdf as book_pdf
from course.explorers import (
    activation_explorer,
    forward_pass_explorer,
    gradient_flow_explorer,
    loss_explorer,
    optimizer_paths_explorer,
    training_explorer,
)
from course.explorers import gradient_flow as flow_mod
from course.explorers import optimizer_paths as paths_mod
from course.explorers import training as training_mod
from course.explorers.paper import PAPER, figure
from course.explorers.surfaces import SURFACES

MAKERS = {
    "activation": activation_explorer,
    "forward-pass": forward_pass_explorer,
    "loss": loss_explorer,
    "training": training_explorer,
    "optimizer-paths": optimizer_paths_explorer,
    "gradient-flow": gradient_flow_explorer,
}
WIDGET = "application/vnd.jupyter.widget-view+json"


@cache
def explorer(name: str):
    return MAKERS[name]()


def test_every_explorer_has_a_paper_form():
    assert set(PAPER) == set(MAKERS)


# The three quick explorers here; the three that train networks (seconds each) are checked in
# the PDF stage, which fails unless each one's figure and caption are in the PDF (test_pdf.py).
@pytest.mark.parametrize("name", ["activation", "forward-pass", "loss"])
def test_the_bundle_holds_the_widget_and_a_pdf_figure_the_same_on_every_call(name):
    shown = explorer(name)
    bundle, _metadata = shown._repr_mimebundle_()
    assert WIDGET in bundle and bundle["text/plain"] == repr(shown)
    pdf = base64.b64decode(bundle["application/pdf"])
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert b"/CreationDate" not in pdf  # no date: a re-executed notebook keeps its bytes
    assert shown._repr_mimebundle_()[0]["application/pdf"] == bundle["application/pdf"]
    # The Sphinx extension finds the explorer by its repr.
    match = book_pdf.EXPLORER_REPR.match(bundle["text/plain"])
    assert match and book_pdf.explorer_name(match.group(1)) == name


def test_activation_figure_draws_the_views_numbers_at_its_x():
    shown = activation_explorer(activation="tanh", x=1.5)
    data = shown.data
    fig = figure(shown)
    first = fig.axes[0]  # the chosen activation comes first
    assert first.get_title() == data["labels"][data["names"].index("tanh")]
    f, df = (line.get_ydata() for line in first.get_lines()[:2])
    tanh = data["names"].index("tanh")
    assert np.array_equal(f, data["f"][tanh]) and np.array_equal(df, data["df"][tanh])
    assert first.get_lines()[2].get_xdata()[0] == 1.5  # the x marker
    plt.close(fig)


def test_loss_figure_marks_the_views_eps_and_uses_hubers_delta():
    shown = loss_explorer(eps=-1.0, delta=2.0)
    data = shown.data
    fig = figure(shown)
    left = fig.axes[0]
    labels = [line.get_label() for line in left.get_lines()]
    assert "Huber, δ = 2" in labels
    huber = left.get_lines()[labels.index("Huber, δ = 2")].get_ydata()
    delta_index = round((2.0 - data["delta_grid"]["lo"]) / data["delta_grid"]["step"])
    assert np.array_equal(huber, data["huber"][delta_index]["loss"])
    assert "ε = -1" in left.get_title()
    # The marked points are the view's readouts at ε, from its lookup.
    marked = {line.get_ydata()[0] for line in left.get_lines() if line.get_marker() == "o"}
    here = shown.lookup(eps=-1.0, delta=2.0)
    assert {here[k]["loss"] for k in ("mse", "mae", "huber")} <= marked
    plt.close(fig)


def test_forward_pass_figure_prints_each_neurons_output():
    shown = forward_pass_explorer(x1=1.0, x2=-0.5)
    fig = figure(shown)
    texts = {t.get_text() for t in fig.axes[0].texts}
    *_, (output,) = shown.lookup(x1=1.0, x2=-0.5)
    assert f"{output:.{shown.data['digits']}f}" in texts
    plt.close(fig)


def test_caption_ends_with_the_live_address():
    url = "https://owner.github.io/repo/chapters/02_activations.html"
    for paper in PAPER.values():
        caption = paper.caption(url)
        assert caption.endswith(url) and "live page" in caption


def test_site_url_from_the_repository_url():
    assert book_pdf.site_url("https://github.com/nn-from-scratch/neural-networks-from-scratch") == (
        "https://nn-from-scratch.github.io/neural-networks-from-scratch/"
    )
    assert book_pdf.site_url("https://github.com/Owner/Repo/") == "https://owner.github.io/Repo/"
    with pytest.raises(ValueError, match="expected https://github.com/OWNER/REPO"):
        book_pdf.site_url("https://gitlab.com/a/b")


def test_explorer_names_from_their_reprs():
    assert book_pdf.explorer_name("ForwardPass") == "forward-pass"
    assert book_pdf.explorer_name("Activation") == "activation"
    assert book_pdf.explorer_name("GradientFlow") == "gradient-flow"


# The learning explorers on small stand-in tables (their real ones take a minute or more to
# compute): every run carries its own index, so a figure shows which run it drew.


def _training_with_stand_in_runs(monkeypatch, **start):
    frame_epochs = list(range(0, training_mod.EPOCHS + 1, training_mod.FRAME_EVERY))
    pixels = training_mod.PIXELS**2
    runs = [
        training_mod.TrainingRun(
            [1 + k / 1000] * (training_mod.EPOCHS + 1),
            [2 + k / 1000] * (training_mod.EPOCHS + 1),
            [0.5] * (training_mod.EPOCHS + 1),
            [0.5] * (training_mod.EPOCHS + 1),
            torch.full((len(frame_epochs), pixels), 0.25, dtype=torch.float64),
            frame_epochs,
            None,
        )
        for k in range(training_mod.AXES.size())
    ]
    payload = training_mod.training_payload(runs)
    monkeypatch.setattr(training_mod, "training_payload", lambda: payload)
    return training_mod.training_explorer(**start)


def test_training_figure_draws_the_run_the_view_shows(monkeypatch):
    setting = {"dataset": "circles", "noise": 0.25, "width": 4, "activation": "relu", "lr": 10.0}
    shown = _training_with_stand_in_runs(monkeypatch, **setting, epoch=50)
    fig = figure(shown)
    loss_panel = fig.axes[-1]
    drawn = loss_panel.get_lines()[0].get_ydata()
    assert np.array_equal(drawn, shown.lookup(**setting)["train"])
    assert drawn[0] == 1 + training_mod.AXES.index(**setting) / 1000
    assert [ax.get_title().split("\n")[0] for ax in fig.axes[:-1]] == [
        "epoch 0",
        "epoch 10",
        "epoch 50",
    ]
    assert "noise 0.25" in fig.get_suptitle() and "learning rate 10" in fig.get_suptitle()
    plt.close(fig)


def test_gradient_flow_figure_draws_the_setting_and_its_two_neighbours(monkeypatch):
    depth = flow_mod.DEPTH
    runs = [
        flow_mod.FlowRun(
            [flow_mod.Probe([1 + k] * depth, [1 + k] * (depth + 1), 1.0)], None, [], False
        )
        for k in range(flow_mod.AXES.size())
    ]
    payload = flow_mod.flow_payload(runs)
    monkeypatch.setattr(flow_mod, "flow_payload", lambda: payload)
    here = {"activation": "tanh", "init": "xavier", "scale": 1.5, "batchnorm": True}
    shown = flow_mod.gradient_flow_explorer(**here, epoch=2)  # only epoch 0 is stored
    fig = figure(shown)
    drawn = [line.get_ydata()[0] for line in fig.axes[0].get_lines()]
    expected = [
        here,
        {**here, "batchnorm": False},
        {**here, "activation": "relu", "init": "he", "batchnorm": False},
    ]
    assert drawn == [shown.lookup(**s)["probes"][0]["rms"][0] for s in expected]
    assert drawn == [1 + flow_mod.AXES.index(**s) for s in expected]
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    assert labels == [
        "tanh, Xavier, s = 1.5, BatchNorm",
        "tanh, Xavier, s = 1.5",
        "ReLU, He, s = 1.5",
    ]
    plt.close(fig)


def test_optimizer_paths_figure_draws_each_optimizers_path_at_the_views_setting(monkeypatch):
    def end(o, lr, beta):  # where the stand-in path of optimizer o at (lr, beta) ends
        return [0.1 * lr, 0.1 * beta + 0.02 * o]

    def table(surface):  # each path one step from the start to its own end
        return {
            name: [
                [
                    (torch.tensor([surface.start, end(o, lr, b)], dtype=torch.float64), None)
                    for b in range(len(paths_mod.betas_of(name)))
                ]
                for lr in range(len(paths_mod.LRS))
            ]
            for o, name in enumerate(paths_mod.OPTIMIZERS)
        }

    payload = paths_mod.paths_payload([table(s) for s in SURFACES])
    monkeypatch.setattr(paths_mod, "paths_payload", lambda: payload)
    shown = paths_mod.optimizer_paths_explorer(surface="valley", lr=0.3, beta=0.8, step=1)
    fig = figure(shown)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["valley, aligned: 1 steps", "two basins: 1 steps"]
    lr, beta = paths_mod.LRS.index(0.3), paths_mod.BETAS.index(0.8)
    for ax in fig.axes:
        lines = [line for line in ax.get_lines() if line.get_label() in paths_mod.OPTIMIZERS]
        assert [line.get_label() for line in lines] == list(paths_mod.OPTIMIZERS)
        for o, (name, line) in enumerate(zip(paths_mod.OPTIMIZERS, lines, strict=True)):
            b = beta if name in paths_mod.USES_BETA else 0  # SGD and RMSProp have no β
            x, y = end(o, lr, b)
            assert abs(line.get_xdata()[-1] - x) < 0.003 and abs(line.get_ydata()[-1] - y) < 0.003
    assert fig.get_suptitle() == "learning rate 0.3, μ / β₁ = 0.8"
    plt.close(fig)
