"""Two-parameter loss surfaces for the optimizer-paths explorer (chapter 5).

A surface gives L(w) and ∇L(w) for w = (w₁, w₂), where the optimizer is started, where its
minimum is, and the square the explorer draws. Both formulas are written out coordinate by
coordinate with element-wise tensor arithmetic, so that no matrix product (whose rounding depends
on the BLAS library and the CPU) enters the paths.

- valley: the chapter's ill-conditioned quadratic, L = ½ wᵀHw with H = R diag(1, 100) Rᵀ,
  aligned with the axes (R = I) or turned by 45°; minimum 0 at the origin.
- basins: a tilted double well, L = (w₁² − 1)² + 0.3·w₁ + w₂², with a shallow minimum near
  w₁ ≈ 0.96 and the deeper, global one near w₁ ≈ −1.04, both at w₂ = 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class Surface:
    """L and ∇L of one surface. ``box`` = (w₁ lo, w₁ hi, w₂ lo, w₂ hi), the plotted square."""

    name: str
    label: str
    start: tuple[float, float]
    box: tuple[float, float, float, float]
    kind: str  # "valley" or "basins"
    angle: float = 0.0  # the valley's rotation

    def _hessian(self) -> tuple[float, float, float]:
        """(h₁₁, h₁₂, h₂₂) of H = R diag(1, 100) Rᵀ, R the rotation by ``angle``."""
        c, s = math.cos(self.angle), math.sin(self.angle)
        lo, hi = 1.0, 100.0
        return lo * c * c + hi * s * s, (lo - hi) * c * s, lo * s * s + hi * c * c

    def loss(self, w: torch.Tensor) -> torch.Tensor:
        """w: (..., 2) -> (...)."""
        w1, w2 = w[..., 0], w[..., 1]
        if self.kind == "valley":
            h11, h12, h22 = self._hessian()
            return 0.5 * (h11 * w1 * w1 + 2 * h12 * w1 * w2 + h22 * w2 * w2)
        return (w1 * w1 - 1) ** 2 + 0.3 * w1 + w2 * w2

    def grad(self, w: torch.Tensor) -> torch.Tensor:
        """w: (..., 2) -> ∇L (..., 2)."""
        w1, w2 = w[..., 0], w[..., 1]
        if self.kind == "valley":
            h11, h12, h22 = self._hessian()
            return torch.stack([h11 * w1 + h12 * w2, h12 * w1 + h22 * w2], dim=-1)
        return torch.stack([4 * w1 * (w1 * w1 - 1) + 0.3, 2 * w2], dim=-1)

    def minimum(self) -> tuple[float, float]:
        """The global minimiser: the origin, or the basins' deeper root of ∂L/∂w₁ (Newton)."""
        if self.kind == "valley":
            return 0.0, 0.0
        w1 = -1.0
        for _ in range(50):  # f(w₁) = 4w₁³ − 4w₁ + 0.3, f′ = 12w₁² − 4: converges in a few steps
            w1 -= (4 * w1**3 - 4 * w1 + 0.3) / (12 * w1**2 - 4)
        return w1, 0.0


def _rotated(point: tuple[float, float], angle: float) -> tuple[float, float]:
    c, s = math.cos(angle), math.sin(angle)
    return c * point[0] - s * point[1], s * point[0] + c * point[1]


SURFACES = [
    Surface("valley", "valley, aligned", (-4.0, 1.0), (-5.0, 5.0, -5.0, 5.0), "valley"),
    Surface(
        "valley45",
        "valley, turned 45°",
        _rotated((-4.0, 1.0), math.pi / 4),
        (-5.0, 5.0, -5.0, 5.0),
        "valley",
        math.pi / 4,
    ),
    Surface("basins", "two basins", (1.6, 1.6), (-2.0, 2.0, -2.0, 2.0), "basins"),
]
