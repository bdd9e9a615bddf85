"""Every layer, loss and optimizer of scratchnn, built small: what tests/test_contract.py runs
each of its tests on. Adding an entry here puts it under every contract test.

A layer entry makes a fresh layer of a given dtype that takes (B, WIDTH) inputs; a loss entry
makes the loss and a batch (pred, target) for it; an optimizer entry makes an optimizer for a
model.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from reference import gen

from scratchnn import (
    ACTIVATIONS,
    MLP,
    SGD,
    Adam,
    AdamW,
    BatchNorm1d,
    BCELoss,
    BCEWithLogitsLoss,
    Dropout,
    HuberLoss,
    Layer,
    Linear,
    Loss,
    MAELoss,
    Momentum,
    MSELoss,
    ReLU,
    RMSProp,
    Sequential,
    SoftmaxCELoss,
)
from scratchnn.optim import Optimizer

WIDTH = 3  # every layer below takes (B, 3) inputs


def _block(dtype: torch.dtype) -> Sequential:
    """Linear, BatchNorm, ReLU, Dropout, Linear: every kind of state a layer can hold."""
    return Sequential(
        [
            Linear(WIDTH, 5, generator=gen(1), dtype=dtype),
            BatchNorm1d(5, dtype=dtype),
            ReLU(),
            Dropout(0.3, generator=gen(2)),
            Linear(5, 2, generator=gen(3), dtype=dtype),
        ]
    )


LAYERS: dict[str, Callable[[torch.dtype], Layer]] = {
    "Linear": lambda dtype: Linear(WIDTH, 4, generator=gen(0), dtype=dtype),
    "BatchNorm1d": lambda dtype: BatchNorm1d(WIDTH, dtype=dtype),
    "BatchNorm1d-eval": lambda dtype: BatchNorm1d(WIDTH, dtype=dtype).eval(),
    "Dropout": lambda dtype: Dropout(0.3, generator=gen(1)),
    "Dropout-eval": lambda dtype: Dropout(0.3, generator=gen(1)).eval(),
    **{name: (lambda dtype, cls=cls: cls()) for name, cls in ACTIVATIONS.items()},
    "Sequential": _block,
    "MLP": lambda dtype: MLP([WIDTH, 4, 2], "gelu", generator=gen(6), dtype=dtype),
}


def _regression(B: int, dtype: torch.dtype, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    g = gen(seed)
    return torch.randn(B, 2, generator=g, dtype=dtype), torch.randn(B, 2, generator=g, dtype=dtype)


def _probabilities(B: int, dtype: torch.dtype, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    g = gen(seed)
    p = 0.1 + 0.8 * torch.rand(B, 2, generator=g, dtype=dtype)  # away from BCE's clamps
    return p, torch.rand(B, 2, generator=g, dtype=dtype)


def _labels(B: int, dtype: torch.dtype, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    g = gen(seed)
    return torch.randn(B, 4, generator=g, dtype=dtype), torch.randint(0, 4, (B,), generator=g)


# name -> (the loss, a batch (pred, target) of B rows)
LOSSES: dict[str, tuple[Callable[[], Loss], Callable]] = {
    "MSELoss": (MSELoss, _regression),
    "MAELoss": (MAELoss, _regression),
    "HuberLoss": (lambda: HuberLoss(0.5), _regression),
    "BCELoss": (BCELoss, _probabilities),
    "BCEWithLogitsLoss": (BCEWithLogitsLoss, _probabilities),
    "SoftmaxCELoss": (SoftmaxCELoss, _labels),
}

OPTIMIZERS: dict[str, Callable[[Layer], Optimizer]] = {
    "SGD": lambda m: SGD(m, lr=0.1),
    "SGD-wd": lambda m: SGD(m, lr=0.1, weight_decay=0.01),
    "Momentum": lambda m: Momentum(m, lr=0.1, weight_decay=0.01),
    "Nesterov": lambda m: Momentum(m, lr=0.1, nesterov=True),
    "RMSProp": lambda m: RMSProp(m, lr=0.1, weight_decay=0.01),
    "Adam": lambda m: Adam(m, lr=0.1, weight_decay=0.01),
    "AdamW": lambda m: AdamW(m, lr=0.1),
}
