"""Printing numbers in diagnosis messages: only the digits that central differences resolve.

A message quotes the learner's value, the truth and their ratio. A digit finer than what central
differences know (``NOISE``, relative to the gradient's scale) would come from rounding noise and
could differ from machine to machine, so each number gets the fewest digits that are stable under
that noise and that still tell it from the number it is compared with.
"""

from __future__ import annotations

# What central differences resolve, relative to the gradient's scale: a printed digit finer than
# this would come from rounding noise and could differ from machine to machine.
NOISE = 1e-9


def _stable(x: float, noise: float, digits: int, other: float | None = None) -> str | None:
    """``x`` with exactly ``digits`` significant digits, or None if a change of ±``noise`` could
    flip one of them (x sits within noise of a rounding boundary) or, given ``other``, if x and
    other print the same."""
    text = f"{x:.{digits}g}"
    if f"{x - noise:.{digits}g}" != text or f"{x + noise:.{digits}g}" != text:
        return None
    if other is not None and f"{other:.{digits}g}" == text:
        return None
    return text


def _digits(x: float, noise: float, digits: int, other: float | None = None) -> str:
    """``x`` with the fewest significant digits, at least ``digits``, that no change of ±``noise``
    can flip, and that tell it from ``other`` (a factor 1.0005 must not read "1"). A value right on
    a rounding boundary (1.0005 at four digits) gets one more digit instead of a coin toss, so the
    text is the same on every machine."""
    for d in range(digits, 18):
        text = _stable(x, noise, d, other)
        if text is not None:
            return text
    return f"{x:.17g}"


def _distinct(x: float, y: float, noise: float, digits: int) -> tuple[str, str]:
    """x and y with the same number of digits, at least ``digits``: the fewest that print them
    differently, with no digit that a change of ±``noise`` in either could flip."""
    for d in range(digits, 18):
        text_x, text_y = _stable(x, noise, d, y), _stable(y, noise, d, x)
        if text_x is not None and text_y is not None:
            return text_x, text_y
    return f"{x:.17g}", f"{y:.17g}"
