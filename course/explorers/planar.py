"""Four two-class datasets in the plane, for the training explorer (chapter 4).

Each function draws ``n`` points with the generator it is given and returns
``x: (n, 2)`` float64 and ``y: (n, 1)`` float64 labels 0/1 (the targets BCE-with-logits takes).
Every point's class is a fair coin flip, and ``noise`` is the standard deviation of Gaussian
jitter added to both coordinates. All four lie inside the square [−2, 2]² that the explorer
draws (up to the jitter's tails).

- moons: two interleaving half-circles (the chapter's), centred on the origin.
- circles: a ring of radius 1.2 around a disc-shaped cluster of radius 0.6.
- xor: uniform in [−1.2, 1.2]², class 1 where x₁·x₂ > 0 (before the jitter).
- spiral: two arms of one turn each, the second the first turned by 180°.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from ._common import F64

Dataset = Callable[..., tuple[torch.Tensor, torch.Tensor]]


def _labels(n: int, generator: torch.Generator) -> torch.Tensor:
    """(n,) int64, each 0 or 1 with probability 1/2."""
    return torch.randint(0, 2, (n,), generator=generator)


def _jitter(x: torch.Tensor, noise: float, generator: torch.Generator) -> torch.Tensor:
    return x + noise * torch.randn(x.shape, generator=generator, dtype=F64)


def two_moons(
    n: int, generator: torch.Generator, noise: float
) -> tuple[torch.Tensor, torch.Tensor]:
    """Class 0 on the upper half-circle, class 1 on the lower one shifted right and down."""
    angle = math.pi * torch.rand(n, generator=generator, dtype=F64)
    label = _labels(n, generator)
    upper = torch.stack([torch.cos(angle), torch.sin(angle)], dim=1)
    lower = torch.stack([1 - torch.cos(angle), 0.5 - torch.sin(angle)], dim=1)
    x = torch.where(label[:, None] == 0, upper, lower) - torch.tensor([0.5, 0.25], dtype=F64)
    return _jitter(x, noise, generator), label.to(F64)[:, None]


def circles(n: int, generator: torch.Generator, noise: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Class 1 on the inner circle (radius 0.6), class 0 on the outer one (radius 1.2)."""
    angle = 2 * math.pi * torch.rand(n, generator=generator, dtype=F64)
    label = _labels(n, generator)
    radius = torch.where(label == 1, 0.6, 1.2).to(F64)
    x = torch.stack([radius * torch.cos(angle), radius * torch.sin(angle)], dim=1)
    return _jitter(x, noise, generator), label.to(F64)[:, None]


def xor(n: int, generator: torch.Generator, noise: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Class 1 in the first and third quadrants, class 0 in the other two."""
    x = 2.4 * torch.rand(n, 2, generator=generator, dtype=F64) - 1.2
    label = (x[:, 0] * x[:, 1] > 0).to(F64)[:, None]
    return _jitter(x, noise, generator), label


def spiral(n: int, generator: torch.Generator, noise: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Point t ∈ [0, 1) of arm c at radius 0.2 + 1.2·t, angle 2π·t + π·c."""
    t = torch.rand(n, generator=generator, dtype=F64)
    label = _labels(n, generator)
    angle = 2 * math.pi * t + math.pi * label.to(F64)
    radius = 0.2 + 1.2 * t
    x = torch.stack([radius * torch.cos(angle), radius * torch.sin(angle)], dim=1)
    return _jitter(x, noise, generator), label.to(F64)[:, None]


DATASETS: dict[str, Dataset] = {
    "moons": two_moons,
    "circles": circles,
    "xor": xor,
    "spiral": spiral,
}
LABELS = {"moons": "two moons", "circles": "circles", "xor": "XOR", "spiral": "spiral"}
