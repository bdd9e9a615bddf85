"""The explorers on paper: a static figure of each, drawn from the numbers its view holds.

A widget needs a browser: LaTeX, and so the book's PDF, drops it. Each explorer therefore also
offers a vector figure (``application/pdf``) in its display bundle (``Explorer._repr_mimebundle_``
in ``_common.py``), next to the widget view. The HTML book shows the widget (the first choice of
myst-nb's HTML priority); the PDF, whose LaTeX builder takes ``application/pdf`` first, shows the
figure, in a numbered float whose caption (``PAPER[name].caption``: what the figure shows, what
to try on the live page, and that page's address) the book's Sphinx extension
``course._book_pdf`` adds.

Every number drawn is what the view holds: read at the view's current control values (its
traits), or at a few other positions of the same controls, through
``explorer.lookup(**setting)`` (and, for whole curves, the payload ``explorer.data``). A learning
explorer's setting is named through its module's ``AXES`` declaration, the one contract behind
its controls, its run index and its JavaScript: nothing is computed again, so the figure and the
live page cannot disagree. The drawings are in ``paper_basic.py`` (activation, forward pass,
loss) and ``paper_learning.py`` (training, optimizer paths, gradient flow); the shared style in
``paper_style.py``.

    from course.explorers.paper import figure; figure(activation_explorer())   # a Figure

Cost: one small matplotlib figure per explorer (well under a second).
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from dataclasses import dataclass

from matplotlib.figure import Figure

from . import paper_basic, paper_learning
from ._common import Explorer
from .paper_style import RC, WIDTH

# What each explorer's figure shows, and what to try on the live page -----------------------


@dataclass(frozen=True)
class Paper:
    """One explorer on paper: its drawing, its height in inches and its caption's two halves."""

    draw: Callable[[Figure, Explorer], None]
    height: float
    shows: str
    tries: str

    def caption(self, url: str) -> str:
        """The figure's caption, ending with the live page's address."""
        return f"{self.shows} On the live page, {self.tries}: {url}"


PAPER: dict[str, Paper] = {
    "activation": Paper(
        paper_basic.activation,
        2.2,
        "The activation explorer: f (solid) and f′ (dashed) of three activations at one x, "
        "shaded where |f′| < 0.1, where a unit passes back a tenth of the gradient or less.",
        "pick any of the activations and drag x into the shaded tails",
    ),
    "forward-pass": Paper(
        paper_basic.forward_pass,
        2.6,
        "The forward-pass explorer at two inputs: each neuron's output, a dashed grey circle "
        "for a ReLU that is off; edge width is |w|, solid blue positive, dashed orange negative.",
        "drag x₁ and x₂ and watch units switch off and on",
    ),
    "loss": Paper(
        paper_basic.loss,
        2.4,
        "The loss explorer: each loss of one prediction against its error ε (left) "
        "and the size of its gradient (right).",
        "drag ε and Huber's δ, and compare the gradients far from zero",
    ),
    "training": Paper(
        paper_learning.training,
        2.2,
        "The training explorer, one run: the predicted probability from orange (class 0) to "
        "blue (class 1) with the boundary σ(z) = 0.5, at three epochs, and the loss curves.",
        "press ▶ Play, and try the other datasets, widths and learning rates",
    ),
    "optimizer-paths": Paper(
        paper_learning.optimizer_paths,
        3.1,
        "The optimizer-paths explorer: SGD, Momentum, Nesterov, RMSProp and Adam from ★ on "
        "the valley and on the two basins, with + the minimum.",
        "change the learning rate and μ / β₁, and play the paths step by step",
    ),
    "gradient-flow": Paper(
        paper_learning.gradient_flow,
        2.5,
        "The gradient-flow explorer: per-layer activation size and weight-gradient norm of the "
        "12-layer network, for sigmoid with and without BatchNorm and for ReLU with He "
        "initialisation, on log axes.",
        "change the activation, initialisation and scale, and train for up to three epochs",
    ),
}


def figure(explorer: Explorer) -> Figure:
    """The explorer's static figure at its view's current control values."""
    import matplotlib as mpl

    paper = PAPER[explorer.explorer_name]
    with mpl.rc_context(RC):
        fig = Figure(figsize=(WIDTH, paper.height), layout="constrained")
        paper.draw(fig, explorer)
    return fig


def figure_pdf(explorer: Explorer) -> str:
    """``figure(explorer)`` as a PDF, base64-encoded (a notebook's ``application/pdf``).

    Byte for byte the same on every run: no creation date, matplotlib's fixed producer string.
    """
    import matplotlib as mpl

    buffer = io.BytesIO()
    with mpl.rc_context(RC):
        figure(explorer).savefig(buffer, format="pdf", metadata={"CreationDate": None})
    return base64.b64encode(buffer.getvalue()).decode("ascii")
