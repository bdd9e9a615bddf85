"""Chapter 5's exercises, shared: a seeded parameter and gradients, and the library's optimizer
driven by them, the trajectory every update of the reader's is compared with.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from scratchnn.layer import Layer

from ._check import F64, same

SHAPE = (3, 4)
STEPS = 5
TOL = 1e-9


class _Param(Layer):
    """The smallest model an optimizer accepts: one parameter ``p`` and its gradient ``dp``."""

    param_names = ("p",)

    def __init__(self, p: torch.Tensor) -> None:
        self.p = p.clone()
        self.dp: torch.Tensor | None = None


def _start(seed: int) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """A (3, 4) parameter and 5 gradients. The gradients share a drift, so the steps add up."""
    gen = torch.Generator().manual_seed(seed)
    p = torch.randn(SHAPE, generator=gen, dtype=F64)
    drift = torch.randn(SHAPE, generator=gen, dtype=F64)
    grads = [drift + 0.5 * torch.randn(SHAPE, generator=gen, dtype=F64) for _ in range(STEPS)]
    return p, grads


def _library_run(make: Callable[[Layer], object], p: torch.Tensor, grads) -> list[torch.Tensor]:
    """The parameter after each step of the library's optimizer."""
    model = _Param(p)
    opt = make(model)
    out = []
    for g in grads:
        model.dp = g.clone()
        opt.step()
        out.append(model.p.clone())
    return out


def _tensors(value: object, n: int) -> list[torch.Tensor] | None:
    if not isinstance(value, (tuple, list)) or len(value) != n:
        return None
    if not all(torch.is_tensor(t) and t.shape == SHAPE for t in value):
        return None
    return [t.detach().to(F64) for t in value]


def _match_run(steps: list[torch.Tensor], candidates) -> tuple[str, str] | None:
    """The (key, hint) of the first candidate trajectory the reader's steps follow exactly."""
    for trajectory, key, hint in candidates:
        if all(same(a, b) for a, b in zip(steps, trajectory, strict=False)):
            return key, hint
    return None
