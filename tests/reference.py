"""Float64 reference helpers shared by the unit tests (imported as ``from reference import …``).

Not in conftest.py: tests/browser has a conftest of its own, and two modules named ``conftest``
cannot both be imported by name.
"""

from __future__ import annotations

import torch

TOL = 1e-10  # the bar: relative error against torch.autograd in float64


def rel_err(a: torch.Tensor, b: torch.Tensor) -> float:
    """max|a − b| / max|b|, the max-norm relative error (0 if both are zero)."""
    scale = max(a.abs().max().item(), b.abs().max().item()) if b.numel() else 0.0
    return 0.0 if scale == 0 else (a - b).abs().max().item() / scale


def gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)
