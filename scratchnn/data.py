"""The course's datasets, built or loaded offline, as tensors, and mini-batching.

Every function that draws random numbers takes a ``torch.Generator``: the book seeds one per
experiment, so each printed number is reproducible on its own.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import torch


def sine_dataset(
    n: int = 1000, *, generator: torch.Generator, dtype: torch.dtype = torch.float64
) -> tuple[torch.Tensor, torch.Tensor]:
    """x ~ U[−1, 1], y = sin(2πx).  Returns x: (n, 1), y: (n, 1)."""
    x = torch.rand(n, 1, generator=generator, dtype=dtype) * 2 - 1
    return x, torch.sin(2 * math.pi * x)


def batches(
    x: torch.Tensor, y: torch.Tensor, batch_size: int, *, generator: torch.Generator
) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """One epoch of shuffled mini-batches (x[idx], y[idx]); the last batch may be smaller."""
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"batches: x has {x.shape[0]} rows but y has {y.shape[0]}")
    if batch_size < 1:
        raise ValueError(f"batches: batch_size must be ≥ 1, got {batch_size}")
    order = torch.randperm(x.shape[0], generator=generator)
    for start in range(0, x.shape[0], batch_size):
        idx = order[start : start + batch_size]
        yield x[idx], y[idx]


def digits_dataset(
    *,
    generator: torch.Generator,
    val_fraction: float = 0.15,
    test_fraction: float = 0.15,
    dtype: torch.dtype = torch.float64,
) -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
    """scikit-learn's 8×8 handwritten digits: 1,797 images that ship inside the package, offline.

    Pixels are scaled from 0..16 to [0, 1]. Returns ``{'train': (x, y), 'val': …, 'test': …}`` with
    x: (n, 64) float and y: (n,) int64 labels 0–9, split at random by ``generator``.
    """
    from sklearn.datasets import load_digits  # imported here: only this function needs sklearn

    digits = load_digits()
    x = torch.tensor(digits.data, dtype=dtype) / 16.0
    y = torch.tensor(digits.target, dtype=torch.int64)
    order = torch.randperm(len(y), generator=generator)
    n_test = round(test_fraction * len(y))
    n_val = round(val_fraction * len(y))
    parts = {
        "test": order[:n_test],
        "val": order[n_test : n_test + n_val],
        "train": order[n_test + n_val :],
    }
    return {name: (x[idx], y[idx]) for name, idx in parts.items()}
