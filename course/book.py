"""Helpers the chapters share: show the library's real source, print numbers and tables, glue.

Every number the book prints or puts in its prose goes through these, so that a chapter prints
only the digits it means to (the digits that survive every machine and thread count).

Where a number comes from a long float64 computation (a trained network, a sum over thousands of
terms), another machine rounds differently and moves it by about 1e-12 relative. ``has_margin``
checks that the digits shown would survive a far larger change, ``MARGIN`` = 1e-9 relative, and
``fmt(..., check_margin=True)`` and ``glue_number(..., check_margin=True)`` raise ``ValueError``
instead of printing digits that do not.
"""

from __future__ import annotations

import inspect
import math
import textwrap
from collections.abc import Iterable, Sequence

from IPython.display import Markdown

MARGIN = 1e-9
"""The relative change that shown digits must survive, far above the ~1e-12 by which another
machine's rounding moves a float64 result that is not chaotic, and far below any difference the
book reports."""


def show_source(obj: object) -> Markdown:
    """The source of a scratchnn class, function or method, as a highlighted code block.

    Reads the installed file with ``inspect``, so the book always shows the code that runs. It is
    returned as Markdown so the book's own theme highlights it (light and dark alike).
    """
    source = textwrap.dedent(inspect.getsource(obj)).rstrip()
    return Markdown(f"```python\n{source}\n```")


def has_margin(value: float, digits: int, rel: float = MARGIN) -> bool:
    """Whether ``value`` shown with ``digits`` significant digits reads the same after a relative
    change of ``rel`` either way: ``has_margin(0.12345, 3)`` is True, ``has_margin(0.1235, 3)``
    is False (0.1235 sits on the boundary between 0.123 and 0.124). Infinities, nan and 0 always
    have a margin.
    """
    value = float(value)
    if not math.isfinite(value):
        return True
    shown = fmt(value, digits)
    return fmt(value * (1 - rel), digits) == shown == fmt(value * (1 + rel), digits)


def _require_margin(value: float, digits: int, what: str) -> None:
    if not has_margin(value, digits):
        raise ValueError(
            f"{what}: {float(value)!r} shown with {digits} significant digits is within a relative "
            f"{MARGIN:g} of a rounding boundary, so another machine could print other digits; "
            "show fewer digits"
        )


def fmt(value: float, digits: int = 4, *, check_margin: bool = False) -> str:
    """``value`` with ``digits`` significant digits, as a reader should see it.

    A true minus sign (−), −0 shown as 0, infinities as ∞ and −∞, and nan spelled out:
    ``fmt(-0.000123456) == "−0.0001235"``, ``fmt(float("-inf")) == "−∞"``. With
    ``check_margin=True`` it raises ``ValueError`` unless ``has_margin(value, digits)``.
    """
    if check_margin:
        _require_margin(value, digits, "fmt")
    value = float(value)
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    return f"{value + 0.0:.{digits}g}".replace("-", "−")


def round_significant(value: float, digits: int = 6) -> float:
    """``value`` rounded to ``digits`` significant digits (a float; inf and nan unchanged)."""
    value = float(value)
    return value if not math.isfinite(value) else float(f"{value:.{digits}g}")


def glue_number(name: str, value: float, digits: int = 6, *, check_margin: bool = False) -> None:
    """Glue ``value`` for the prose under ``name``, kept to ``digits`` significant digits.

    The stored output then holds only those digits, so nbval compares no rounding noise; the prose
    shows fewer still with its own format (``{glue:text}`ch3_loss:.3f```). Ints are glued as they
    are. With ``check_margin=True`` a float is glued only if ``has_margin(value, digits)``, and
    ``ValueError`` is raised otherwise.
    """
    from myst_nb import glue  # only a chapter being executed needs it

    is_int = isinstance(value, int) and not isinstance(value, bool)
    if check_margin and not is_int:
        _require_margin(value, digits, f"glue_number({name!r})")
    glued = value if is_int else round_significant(value, digits)
    glue(name, glued, display=False)


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Markdown:
    """Rows of cells as a Markdown table: the book renders it and nbval compares its text."""
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return Markdown("\n".join(lines))
