"""Progress bars for the chapters' long loops: tqdm's, and silent while the book is executed.

Usage::

    for epoch in (bar := progress(range(epochs), desc="training")):
        loss = ...
        bar.set_postfix_str(f"loss {loss:.4f}")

``progress`` returns a ``tqdm.auto.tqdm``: in Jupyter, Colab or Binder a widget bar, in a terminal
a line on stderr, with the count, the elapsed time and an estimate of the time left. Items are
yielded unchanged and no random number is drawn, so the bar never changes what the loop computes.

When ``make execute`` runs the notebooks or nbval checks them, the Makefile sets
``SCRATCHNN_QUIET=1``: the bar is then disabled and displays nothing at all, so no stored output
(which nbval compares) ever holds one. A kernel cannot tell nbclient from a reader, so without
that variable an executed notebook would store the bar's widget.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from tqdm.auto import tqdm

QUIET_ENV = "SCRATCHNN_QUIET"


def is_quiet() -> bool:
    """True when ``SCRATCHNN_QUIET`` asks for silence (anything but unset, "", 0, false, no)."""
    return os.environ.get(QUIET_ENV, "").strip().lower() not in ("", "0", "false", "no")


def progress(iterable: Iterable, total: int | None = None, desc: str = "", **kwargs) -> tqdm:
    """``tqdm(iterable, total=total, desc=desc, **kwargs)``, disabled under ``SCRATCHNN_QUIET``.

    Outside Jupyter, a bar is shown only on a terminal (tqdm's ``disable=None``), never in a file
    or a log that a script is piped to.
    """
    return tqdm(iterable, total=total, desc=desc, disable=True if is_quiet() else None, **kwargs)
