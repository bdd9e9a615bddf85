"""Helpers the chapters share: show the library's real source, print numbers and tables, glue.

Every number the book prints or puts in its prose goes through these, so that a chapter prints
only the digits it means to (the digits that survive every machine and thread count).
"""

from __future__ import annotations

import inspect
import math
import textwrap
from collections.abc import Iterable, Sequence

from IPython.display import Markdown


def show_source(obj: object) -> Markdown:
    """The source of a scratchnn class, function or method, as a highlighted code block.

    Reads the installed file with ``inspect``, so the book always shows the code that runs. It is
    returned as Markdown so the book's own theme highlights it (light and dark alike).
    """
    source = textwrap.dedent(inspect.getsource(obj)).rstrip()
    return Markdown(f"```python\n{source}\n```")


def fmt(value: float, digits: int = 4) -> str:
    """``value`` with ``digits`` significant digits, as a reader should see it.

    A true minus sign (−), −0 shown as 0, infinities as ∞ and −∞, and nan spelled out:
    ``fmt(-0.000123456) == "−0.0001235"``, ``fmt(float("-inf")) == "−∞"``.
    """
    value = float(value)
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    return f"{value + 0.0:.{digits}g}".replace("-", "−")


def rounded(value: float, digits: int = 6) -> float:
    """``value`` rounded to ``digits`` significant digits (a float; inf and nan unchanged)."""
    value = float(value)
    return value if not math.isfinite(value) else float(f"{value:.{digits}g}")


def glue_number(name: str, value: float, digits: int = 6) -> None:
    """Glue ``value`` for the prose under ``name``, kept to ``digits`` significant digits.

    The stored output then holds only those digits, so nbval compares no rounding noise; the prose
    shows fewer still with its own format (``{glue:text}`ch3_loss:.3f```). Ints are glued as they
    are.
    """
    from myst_nb import glue  # only a chapter being executed needs it

    glued = (
        value if isinstance(value, int) and not isinstance(value, bool) else rounded(value, digits)
    )
    glue(name, glued, display=False)


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Markdown:
    """Rows of cells as a Markdown table: the book renders it and nbval compares its text."""
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return Markdown("\n".join(lines))
