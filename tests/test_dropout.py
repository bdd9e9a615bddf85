"""Dropout: seeded masks, unbiasedness, exact backward, identity in evaluation."""

import math

import pytest
import torch
from reference import F64, gen

from scratchnn.checks import numerical_gradient, relative_error
from scratchnn.dropout import Dropout


def test_same_seed_same_masks_different_seed_different_masks():
    x = torch.ones(64, 32, dtype=F64)
    a, b, c = (Dropout(0.5, generator=gen(s)) for s in (0, 0, 1))
    first_a, first_b = a.forward(x), b.forward(x)
    assert torch.equal(first_a, first_b)
    assert torch.equal(a.forward(x), b.forward(x))  # the whole sequence of masks repeats
    assert not torch.equal(a.forward(x), first_a)  # ... and successive masks differ
    assert not torch.equal(c.forward(x), first_b)


@pytest.mark.parametrize("p", [0.1, 0.5, 0.9])
def test_keep_rate_and_expectation(p):
    """Each of n entries is kept with probability 1 − p, so the kept fraction has standard
    deviation √(p(1 − p)/n). y_i = x_i·m_i/(1 − p) has mean x_i and variance x_i²·p/(1 − p), so
    the mean of y over K masks of the same x differs from the mean of x with standard deviation
    √(K·Σx_i²·p/(1 − p)) / (K·N). Five standard deviations: a false alarm once in 1.7 million."""
    N, K = 1000, 200
    x = torch.randn(N, generator=gen(1), dtype=F64)
    drop = Dropout(p, generator=gen(2))
    ys = torch.stack([drop.forward(x) for _ in range(K)])  # (K, N)
    kept = (ys != 0).to(F64).mean().item()
    assert abs(kept - (1 - p)) < 5 * math.sqrt(p * (1 - p) / (K * N))
    sd = math.sqrt(K * (x * x).sum().item() * p / (1 - p)) / (K * N)
    assert abs(ys.mean().item() - x.mean().item()) < 5 * sd
    assert abs(ys.mean().item() - x.mean().item()) > 0  # really random, not x itself


@pytest.mark.parametrize("p", [0.0, 0.2, 0.5, 0.75])
def test_backward_is_exactly_the_scaled_mask_of_the_forward(p):
    drop = Dropout(p, generator=gen(3))
    scaled_mask = drop.forward(torch.ones(50, 40, dtype=F64))  # x = 1 makes y the mask itself
    mask = (scaled_mask != 0).to(F64)
    assert torch.equal(scaled_mask, mask / (1 - p))  # entries 0 or 1/(1 − p), nothing else
    assert torch.equal(drop.backward(torch.ones(50, 40, dtype=F64)), mask / (1 - p))
    dout = torch.randn(50, 40, generator=gen(4), dtype=F64)
    assert torch.equal(drop.backward(dout), dout * scaled_mask)


def test_forward_scales_what_it_keeps():
    x = torch.randn(30, 20, generator=gen(5), dtype=F64)
    drop = Dropout(0.3, generator=gen(6))
    y = drop.forward(x)
    kept = y != 0
    torch.testing.assert_close(y[kept], x[kept] / 0.7, rtol=1e-15, atol=0)
    assert 0 < kept.sum() < x.numel()


def test_gradient_check_with_the_mask_held_fixed():
    """Re-seeding before every forward fixes the mask, so y = x·s is a fixed linear map whose
    central differences must equal backward."""
    x = torch.randn(6, 5, generator=gen(7), dtype=F64)
    R = torch.randn(6, 5, generator=gen(8), dtype=F64)
    g = torch.Generator()
    drop = Dropout(0.4, generator=g)

    def scalar() -> float:
        g.manual_seed(0)
        return (drop.forward(x) * R).sum().item()

    numeric = numerical_gradient(scalar, x)  # nudges x in place and restores it
    g.manual_seed(0)
    drop.forward(x)
    assert relative_error(drop.backward(R), numeric) < 1e-9


def test_eval_mode_and_p_zero_are_the_identity():
    x = torch.randn(8, 3, generator=gen(9), dtype=F64)
    dout = torch.randn(8, 3, generator=gen(10), dtype=F64)
    g = gen(11)
    drop = Dropout(0.5, generator=g).eval()
    state = g.get_state()
    assert torch.equal(drop.forward(x), x) and torch.equal(drop.backward(dout), dout)
    zero = Dropout(0.0, generator=g)
    assert torch.equal(zero.forward(x), x) and torch.equal(zero.backward(dout), dout)
    assert torch.equal(g.get_state(), state)  # no random numbers were drawn
    drop.train()
    assert not torch.equal(drop.forward(x), x)


@pytest.mark.parametrize("p", [-0.1, 1.0, 1.5, float("nan"), "0.5", True, None])
def test_bad_p(p):
    with pytest.raises(ValueError, match=r"p must be a number in \[0, 1\), got"):
        Dropout(p)
