"""One plotting style for the whole book, readable in its light and dark themes.

Figures are drawn on an opaque white card with dark text, so they read the same on either theme's
background. Colours follow the Okabe–Ito palette, distinguishable with every common form of colour
blindness; where two series must be told apart, they also differ in line style or marker.
"""

from __future__ import annotations

import matplotlib as mpl

# Okabe & Ito (2008), "Color Universal Design".
OKABE_ITO = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}
CYCLE = [OKABE_ITO[k] for k in ("blue", "orange", "green", "vermillion", "purple", "sky", "black")]


def use_book_style() -> None:
    """Set matplotlib defaults for the book's figures."""
    mpl.rcParams.update(
        {
            "figure.facecolor": "white",
            "savefig.facecolor": "white",
            "axes.facecolor": "white",
            "axes.edgecolor": "#333333",
            "axes.labelcolor": "#222222",
            "text.color": "#222222",
            "xtick.color": "#333333",
            "ytick.color": "#333333",
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.prop_cycle": mpl.cycler(color=CYCLE),
            "figure.dpi": 100,
            "font.size": 11,
            "legend.frameon": False,
        }
    )
