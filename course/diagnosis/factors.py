"""Recognising a gradient that is the truth times a constant, or transposed.

A constant factor c (the least-squares c = ⟨a, n⟩/⟨n, n⟩ that leaves no residual) is named: −1 a
flipped sign; B, N or B·N (batch, row width, their product) a missing 1/B, 1/N or 1/(B·N); their
reciprocals an extra one, or for a bias a mean where a sum belongs; any other c is reported with
the digits that are known. A transpose is the same test applied to ``a``ᵀ.
"""

from __future__ import annotations

import math

import torch

from .digits import _digits
from .findings import Evidence, Finding, _factor, _shape


def _sizes(ev: Evidence) -> dict[int, list[str]]:
    """{value: names} for B, N and B·N; equal values share an entry (B = N), 1 is left out."""
    names: dict[int, list[str]] = {}
    for name, value in (("B", ev.B), ("N", ev.N), ("B·N", ev.B * ev.N)):
        if value > 1:
            names.setdefault(value, []).append(name)
    return names


def _inverse(names: list[str]) -> str:
    """['B'] -> '1/B';  ['B·N'] -> '1/(B·N)';  ['B', 'N'] -> '1/B or 1/N'."""
    return " or ".join(f"1/({n})" if "·" in n else f"1/{n}" for n in names)


def _divisor(names: list[str]) -> str:
    """['B·N'] -> '(B·N)';  ['B', 'N'] -> 'B or N'."""
    return " or ".join(f"({n})" if "·" in n else n for n in names)


def _ambiguity(value: int, names: list[str]) -> str:
    notes = []
    if len(names) > 1:
        notes.append(f"{' = '.join(names)} here, so the factor cannot say which")
    if value == 2:
        notes.append("a stray 2, from a square, fits as well")
    return f" ({'; '.join(notes)})" if notes else ""


def _near(x: float, y: float) -> bool:
    return abs(x - y) <= 1e-6 * abs(y)


def _scale_finding(c: float, ev: Evidence, bias_like: bool) -> Finding:
    """Name the factor c in a = c·truth."""
    lab, m = ev.label, abs(c)
    flip = " Its sign is flipped as well." if c < 0 else ""
    if _near(m, 1.0):
        where = "target − pred where pred − target belongs?" if ev.loss else "a minus sign lost?"
        return Finding(
            "sign", f"{lab} is exactly −1 × the true gradient: the sign is flipped ({where})."
        )
    sizes = _sizes(ev)
    for value, names in sizes.items():
        if _near(m, value):
            where = "the loss's mean" if ev.loss else "a mean"
            return Finding(
                "missing_batch_scale",
                f"{lab} is {value}× too large, and {value} = {names[0]}: the {_inverse(names)} "
                f"of {where} is missing from backward{_ambiguity(value, names)}.{flip}",
            )
    for value, names in sizes.items():
        if _near(m, 1.0 / value):
            if bias_like and value == ev.B:
                return Finding(
                    "bias_not_summed",
                    f"{lab} is the mean of dout over the batch, {value}× too small: the bias is "
                    f"added to every row, so its gradient is the sum, {lab} = dout.sum(0). The 1/B "
                    f"of the loss is already inside dout.{flip}",
                )
            extra = (
                " A layer's backward sums over the batch and never divides: the loss's 1/B "
                "already arrives inside dout."
                if not ev.loss
                else ""
            )
            return Finding(
                "extra_scale",
                f"{lab} is 1/{value} of the true gradient, and {value} = {names[0]}: it was "
                f"divided by {_divisor(names)} once too often{_ambiguity(value, names)}."
                f"{extra}{flip}",
            )
    # Digits enough to tell c from ±1 (a factor of 1.0005 must not read "times 1"), and none
    # finer than the factor is known: c is claimed to ``tol``, so a digit that a relative change of
    # ``tol`` could flip is not printed.
    times = _digits(c, ev.tol * m, 3, other=math.copysign(1.0, c))
    ratio = m if m > 1 else 1 / m
    ratio = _digits(ratio, ev.tol * ratio, 3, other=1.0)
    size = f"≈ {ratio}× too large" if m > 1 else f"≈ {ratio}× too small"
    return Finding(
        "constant_factor",
        f"{lab} is the true gradient times {times} ({size}): a constant factor is off (a 2 from "
        f"a square, a ½, a δ?).{flip}",
    )


def _transposed(a: torch.Tensor, n: torch.Tensor, ev: Evidence) -> Finding | None:
    """``a``ᵀ = c·n for some factor c (a reversed shape, or square and not symmetric)."""
    c = _factor(a.T, n, ev.tol)
    if c is None:
        return None
    lab = ev.label
    if a.shape == n.shape:
        head = (
            f"{lab} equals the transpose of the true gradient (square, {_shape(n)}, so no shape "
            "error could catch it)."
        )
    else:
        head = f"{lab} has shape {_shape(a)}, expected {_shape(n)}: transposed?"
    fix = " The operands of a product are in the wrong order: e.g. xᵀ·dout, not doutᵀ·x."
    if _near(c, 1.0):
        return Finding("transposed", f"{head} Its transpose matches exactly.{fix}")
    more = _scale_finding(c, ev, bias_like=False).hint.replace(lab, "Its transpose", 1)
    return Finding("transposed", f"{head} {more}{fix}")
