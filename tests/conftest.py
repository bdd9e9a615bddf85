"""Shared test helpers: float64 references and bounded hypothesis strategies."""

from __future__ import annotations

import os

import torch
from hypothesis import HealthCheck, settings

# Bounded, deterministic, no deadline: CI machines are slow and timing is not what we test.
settings.register_profile(
    "ci",
    max_examples=int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", "40")),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("ci")

TOL = 1e-10  # the bar: relative error against torch.autograd in float64


def rel_err(a: torch.Tensor, b: torch.Tensor) -> float:
    """max|a − b| / max|b|, the max-norm relative error (0 if both are zero)."""
    scale = max(a.abs().max().item(), b.abs().max().item()) if b.numel() else 0.0
    return 0.0 if scale == 0 else (a - b).abs().max().item() / scale


def gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)
