"""Datasets: shapes, seeding, splits and batching."""

import math

import pytest
import torch

from scratchnn.data import batches, digits_dataset, sine_dataset


def test_sine_dataset_is_seeded_and_exact():
    x, y = sine_dataset(100, generator=torch.Generator().manual_seed(0))
    x2, _ = sine_dataset(100, generator=torch.Generator().manual_seed(0))
    assert x.shape == y.shape == (100, 1) and torch.equal(x, x2)
    assert x.min() >= -1 and x.max() <= 1
    torch.testing.assert_close(y, torch.sin(2 * math.pi * x))


def test_batches_cover_every_row_once():
    x = torch.arange(10.0).unsqueeze(1)
    seen = torch.cat([xb for xb, _ in batches(x, x, 4, generator=torch.Generator().manual_seed(1))])
    assert seen.shape == (10, 1) and sorted(seen.squeeze().tolist()) == list(range(10))
    with pytest.raises(ValueError, match="x has 10 rows but y has 9"):
        next(batches(x, x[:9], 4, generator=torch.Generator()))


def test_digits_split_is_disjoint_and_complete():
    parts = digits_dataset(generator=torch.Generator().manual_seed(0))
    sizes = {k: len(v[1]) for k, v in parts.items()}
    assert sum(sizes.values()) == 1797 and sizes["test"] == sizes["val"] == 270
    x, y = parts["train"]
    assert x.shape[1] == 64 and x.min() >= 0 and x.max() <= 1 and y.dtype == torch.int64
    from sklearn.datasets import load_digits

    all_labels = torch.cat([v[1] for v in parts.values()])
    expected = torch.bincount(torch.tensor(load_digits().target))
    assert torch.equal(torch.bincount(all_labels), expected)
