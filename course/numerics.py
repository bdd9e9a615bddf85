"""Numeric helpers the chapters use to measure functions: zoom, bisect, ranges, flat regions.

Chapter 2 computes the properties of every activation (range, steepest slope, where the slope is
small) from the library's own ``forward`` and ``backward``. The searching and formatting that this
takes is not the lesson, so it lives here, tested in ``tests/course/test_numerics.py``.

An *activation* here is anything with ``forward(x)`` and ``backward(dout)`` on float tensors, like
``scratchnn.Sigmoid()``: ``f`` is ``forward`` and ``f'`` is ``backward`` of an upstream gradient
of ones.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

import torch

from course.book import fmt

DTYPE = torch.float64
# The grid the chapter evaluates on: [-20, 20] with step 1e-4.
GRID = torch.linspace(-20.0, 20.0, 400_001, dtype=DTYPE)
# Far points, for the limits at ±∞.
FAR = torch.tensor([-1e6, -1e3, 1e3, 1e6], dtype=DTYPE)
# The article's threshold for a "dangerously small" gradient.
SMALL = 0.1


def f_and_grad(act, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``f(x)`` and ``f'(x)``, both from the activation: ``f'`` is ``backward`` of ones."""
    y = act.forward(x)
    return y, act.backward(torch.ones_like(x))


def grad_at(act, x: float) -> float:
    """``f'(x)`` at one point, in float64."""
    return f_and_grad(act, torch.tensor([x], dtype=DTYPE))[1].item()


def refine(
    values: Callable[[torch.Tensor], torch.Tensor],
    x0: float,
    step: float,
    pick: Callable[[torch.Tensor], torch.Tensor],
    zooms: int = 3,
) -> float:
    """The argmin or argmax (``pick`` = ``torch.argmin``/``torch.argmax``) of ``values`` near x0.

    Evaluates 2001 points on ``[x0 - step, x0 + step]``, moves ``x0`` to the best one and shrinks
    ``step`` 1000-fold, ``zooms`` times.
    """
    for _ in range(zooms):
        xs = torch.linspace(x0 - step, x0 + step, 2001, dtype=DTYPE)
        x0 = xs[pick(values(xs))].item()
        step /= 1000
    return x0


def bisect(g: Callable[[float], bool], lo: float, hi: float, steps: int = 60) -> float:
    """A point where the boolean ``g`` switches between ``lo`` and ``hi`` (``g(lo) != g(hi)``).

    Rounded to 12 decimals, with −0 returned as 0.
    """
    g_lo = g(lo)
    for _ in range(steps):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if g(mid) == g_lo else (lo, mid)
    return round(0.5 * (lo + hi), 12) + 0.0  # + 0.0 turns -0.0 into 0.0


def normal_cdf(x: float) -> float:
    """Φ(x), the standard normal CDF."""
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def flat_regions(
    act, grid: torch.Tensor = GRID, far: torch.Tensor = FAR, small: float = SMALL
) -> list[tuple[float, float]]:
    """The intervals ``(a, b)`` where ``|f'(x)| < small``; ``a = -inf``/``b = inf`` off the grid.

    The edges are found on ``grid`` and then bisected; a region that runs off the grid must still
    be flat at the ``far`` points (asserted).
    """
    _, d = f_and_grad(act, grid)
    flat = d.abs() < small
    _, d_far = f_and_grad(act, far)
    switches = torch.nonzero(flat[1:] != flat[:-1]).flatten().tolist()
    edges = [
        bisect(lambda x: abs(grad_at(act, x)) < small, grid[i].item(), grid[i + 1].item())
        for i in switches
    ]
    points = [-math.inf, *edges, math.inf]
    intervals = list(itertools.pairwise(points))
    regions = intervals[0::2] if flat[0] else intervals[1::2]
    for a, b in regions:
        assert a > -math.inf or bool(d_far[:2].abs().lt(small).all())
        assert b < math.inf or bool(d_far[2:].abs().lt(small).all())
    return regions


def value_range(
    act, grid: torch.Tensor = GRID, far: torch.Tensor = FAR
) -> tuple[tuple[float, bool], tuple[float, bool]]:
    """``((low, low_reached), (high, high_reached))``: the range of ``f``.

    A bound is ±∞ when ``f`` still grows between the far points 10³ and 10⁶; otherwise it is the
    limit, *reached* (a closed bracket) when some finite x attains it, where the minimum inside
    ``|x| <= 5`` is refined by ``refine``.
    """
    y, _ = f_and_grad(act, grid)
    y_far = act.forward(far).tolist()
    middle = y[grid.abs() <= 5]
    lower_limit, upper_limit = y_far[0], y_far[3]
    if y_far[0] < y_far[1] - 1:  # still falling between -1e3 and -1e6
        low = (-math.inf, False)
    elif middle.min().item() <= lower_limit:  # reached at a finite x
        x_min = refine(act.forward, grid[y.argmin()].item(), 1e-4, torch.argmin)
        low = (act.forward(torch.tensor([x_min], dtype=DTYPE)).item(), True)
    else:
        low = (lower_limit, False)
    if y_far[3] > y_far[2] + 1:
        high = (math.inf, False)
    elif middle.max().item() >= upper_limit:
        high = (middle.max().item(), True)
    else:
        high = (upper_limit, False)
    return low, high


def fmt_range(low: tuple[float, bool], high: tuple[float, bool]) -> str:
    """A range as text: ``[`` for a reached bound, ``(`` for a limit, e.g. ``"[0, ∞)"``."""
    (lo, lo_closed), (hi, hi_closed) = low, high
    return f"{'[' if lo_closed else '('}{fmt(lo)}, {fmt(hi)}{']' if hi_closed else ')'}"


def fmt_regions(regions: list[tuple[float, float]]) -> str:
    """Intervals as text joined by ∪, or ``"none"``."""
    return " ∪ ".join(f"({fmt(a)}, {fmt(b)})" for a, b in regions) or "none"


def known_failures(p: dict) -> str:
    """The known failures of an activation, derived by fixed rules from its computed properties.

    ``p`` holds ``max_grad`` (largest ``|f'|``), ``regions`` (``flat_regions``), ``zero_left``
    (``f'`` exactly 0 for every x < 0), ``min_left`` (smallest ``|f'|`` for x < 0) and ``mean``
    (``E f(Z)`` for a standard normal Z).
    """
    notes = []
    if p["max_grad"] <= 0.25:
        notes.append(f"vanishing gradient: |f′| ≤ {p['max_grad']:.2f} everywhere")
    regions = p["regions"]
    left = any(a == -math.inf for a, _ in regions)
    right = any(b == math.inf for _, b in regions)
    if left and right:
        t = min(b for a, b in regions if a == -math.inf)
        notes.append(f"saturates on both sides: |f′| < 0.1 for |x| > {-t:.3f}")
    elif p["zero_left"]:
        notes.append("dying units: f′ = 0 exactly for every x < 0")
    elif left and p["min_left"] >= 0.001:
        notes.append(f"weak gradient: |f′| = {p['min_left']:.2f} for every x < 0")
    elif left:
        t = min(b for a, b in regions if a == -math.inf)
        notes.append(f"saturates for x < {fmt(t)}: f′ → 0 there")
    if abs(p["mean"]) > 0.05:
        notes.append(f"not zero-centred (mean output {p['mean']:.3f})")
    if p["max_grad"] > 1:
        notes.append(f"slope up to {p['max_grad']:.3f} > 1")
    return "; ".join(notes)
