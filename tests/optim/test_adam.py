"""Adam and AdamW against torch.optim, step for step, and the bias correction."""

import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from optim_reference import (
    TRAJ_TOL,
    adaptive_lrs,
    decays,
    epsilons,
    one_param,
    trajectory_error,
    units,
)
from reference import F64

from scratchnn.optim import Adam


@pytest.mark.parametrize("name", ["Adam", "AdamW"])
@given(
    lr=adaptive_lrs,
    beta1=units,
    beta2=st.floats(0.9, 0.9999),
    eps=epsilons,
    weight_decay=decays,
    seed=st.integers(0, 2**16),
)
def test_adam_and_adamw_follow_torch(name, lr, beta1, beta2, eps, weight_decay, seed):
    hypers = {"lr": lr, "betas": (beta1, beta2), "eps": eps, "weight_decay": weight_decay}
    assert trajectory_error(name, hypers, seed) <= TRAJ_TOL


def test_adam_first_step_is_lr_long_thanks_to_bias_correction():
    g = torch.tensor([1e-3, -0.5, 2.0, -1e3], dtype=F64)
    model = one_param([0.0, 0.0, 0.0, 0.0])
    opt = Adam(model, lr=0.01)
    model.dW, model.db = g, torch.zeros(1, dtype=F64)
    opt.step()
    # Corrected: every entry moves by lr·|g|/(|g| + ε), i.e. lr to within ε/|g| ≤ 1e-5.
    torch.testing.assert_close(model.W, -0.01 * g.sign(), rtol=1e-5, atol=0)
    # Uncorrected, the same step would have been lr·(1 − β₁)/√(1 − β₂) ≈ 3.16·lr.
    assert abs(0.1 / math.sqrt(0.001) - 3.1623) < 1e-4
