"""What a diagnosis check works with: its verdict (``Finding``), its evidence (``Evidence``) and
the exact-match tests every check is built from (same values, same shape, a single factor).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

from scratchnn.checks.numerical import relative_error


@dataclass(frozen=True)
class Finding:
    """The verdict on one gradient: a key of ``MISTAKES`` (None if nothing matched) and a hint."""

    mistake: str | None
    hint: str


@dataclass
class Evidence:
    """What the checks may use besides ``a`` and ``n``; the expensive parts are computed lazily.

    Attributes:
        upstream: the seeded dout (B, …) fed to backward (None for a loss).
        x: forward's input.
        per_sample: () -> P, the (B, ``*shape``) per-sample gradients (None without a batch).
        swaps: () -> [(explanation, gradient recomputed with x and y swapped in the cache)].
        at_output: () -> the true gradient evaluated at y instead of x (element-wise layers only).
        weights: the layer's own square (K, K) parameters, by name: dx = dout·W where dout·Wᵀ
            belongs raises no shape error when W is square.
    """

    label: str
    is_param: bool
    loss: bool
    B: int
    N: int
    tol: float
    upstream: torch.Tensor | None = None
    x: torch.Tensor | None = None
    per_sample: Callable[[], torch.Tensor | None] | None = None
    swaps: Callable[[], list[tuple[str, torch.Tensor | None]]] | None = None
    at_output: Callable[[], torch.Tensor | None] | None = None
    weights: dict[str, torch.Tensor] | None = None


def _shape(t: torch.Tensor) -> str:
    return "(" + ", ".join(str(s) for s in t.shape) + ("," if t.ndim == 1 else "") + ")"


def _close(a: torch.Tensor | None, b: torch.Tensor, tol: float) -> bool:
    """Same shape and the same values to ``tol`` (max-norm relative error)."""
    return a is not None and a.shape == b.shape and relative_error(a, b) < tol


def _close_values(a: torch.Tensor, b: torch.Tensor, tol: float) -> bool:
    """The same values in the same memory order, whatever the shapes."""
    return a.numel() == b.numel() and relative_error(a.reshape(-1), b.reshape(-1)) < tol


def _factor(a: torch.Tensor, n: torch.Tensor, tol: float) -> float | None:
    """The c with a = c·n exactly (to ``tol``), or None if no single factor explains ``a``."""
    nn_ = (n * n).sum().item()
    if nn_ == 0.0:
        return None
    c = (a * n).sum().item() / nn_
    return c if relative_error(a, c * n) < tol else None
