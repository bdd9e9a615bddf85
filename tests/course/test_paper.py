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

from course import _book_pdf as book_pdf
from course.explorers import (
    activation_explorer,
    forward_pass_explorer,
    gradient_flow_explorer,
    loss_explorer,
    optimizer_paths_explorer,
    training_explorer,
)
from course.explorers.paper import PAPER, figure, view_of

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
    bundle = shown._repr_mimebundle_()
    assert WIDGET in bundle and bundle["text/plain"] == repr(shown)
    pdf = base64.b64decode(bundle["application/pdf"])
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert b"/CreationDate" not in pdf  # no date: a re-executed notebook keeps its bytes
    assert shown._repr_mimebundle_()["application/pdf"] == bundle["application/pdf"]
    # The Sphinx extension finds the explorer by its repr.
    match = book_pdf.EXPLORER_REPR.match(bundle["text/plain"])
    assert match and book_pdf.explorer_name(match.group(1)) == name


def test_activation_figure_draws_the_views_numbers_at_its_x():
    shown = activation_explorer(activation="tanh", x=1.5)
    data = view_of(shown).data
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
    data = view_of(shown).data
    fig = figure(shown)
    left = fig.axes[0]
    labels = [line.get_label() for line in left.get_lines()]
    assert "Huber, δ = 2" in labels
    huber = left.get_lines()[labels.index("Huber, δ = 2")].get_ydata()
    delta_index = round((2.0 - data["delta_grid"]["lo"]) / data["delta_grid"]["step"])
    assert np.array_equal(huber, data["huber"][delta_index]["loss"])
    assert "ε = -1" in left.get_title()
    plt.close(fig)


def test_forward_pass_figure_prints_each_neurons_output():
    shown = forward_pass_explorer(x1=1.0, x2=-0.5)
    data = view_of(shown).data
    fig = figure(shown)
    texts = {t.get_text() for t in fig.axes[0].texts}
    grid = data["grid"]
    row = round((1.0 - grid["lo"]) / grid["step"]) * grid["n"] + round(
        (-0.5 - grid["lo"]) / grid["step"]
    )
    output = data["outputs"][-1][row]
    assert f"{output:.{data['digits']}f}" in texts
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
